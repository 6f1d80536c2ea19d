package synthetic

import (
	"math/rand/v2"
	"time"
)

// immigrantMuni draws where immigrants settle: Oslo more often.
func (g *gen) immigrantMuni(r *rand.Rand) int {
	if chance(r, 0.3) {
		return geo.byNum["0301"]
	}
	return geo.pickMunicipality(r.Float64())
}

// immigrate makes person i an immigrant from origins[o] arriving on day at
// with a fødselsnummer; viaDnr gives a D-number period before arrival.
func (g *gen) immigrate(r *rand.Rand, i int, o int, at int32, viaDnr bool) {
	d := &g.d[i]
	d.r.origin = uint8(o + 1)
	d.r.birthCountry = uint8(o + 1)
	d.r.birthCity = uint8(r.IntN(len(origins[o].cities)))
	d.r.citizen = uint8(o + 1)
	d.r.immDate = at
	d.r.immFrom = uint8(o + 1)
	d.r.immCity = uint8(r.IntN(len(origins[o].cities)))
	d.r.statusFrom = at
	d.r.flags |= flagVerified
	d.stats = append(d.stats[:0], statItem{at, stResident})
	// FREG registers the marital status on arrival; a marriage abroad keeps
	// its own date.
	married := len(d.mars) > 0 && d.mars[len(d.mars)-1].status == msMarried
	if !married {
		d.mars = append(d.mars[:0], marItem{at, -1, -1, msUnmarried})
	}
	if at < g.ref-years(7) && chance(r, 0.55) {
		if nd := at + years(7+r.Float64()*6); nd < g.ref {
			d.r.natDate = nd
			if nd >= dayOf(2020, time.January, 1) {
				d.r.flags |= flagDualCitizen
			}
		}
	}
	if viaDnr {
		dnr := max(at-years(0.4+r.Float64()*3), addYears(d.r.birth, 18))
		if dnr < at {
			d.r.dnrFrom, d.r.dnrUntil = dnr, at
			d.r.statusFrom = dnr
			d.stats = append(d.stats[:0], statItem{dnr, stTemporary}, statItem{at, stResident})
			a := g.newAddr(r, g.immigrantMuni(r))
			a.from, a.to, a.present = dnr, at, true
			d.addrs = append(d.addrs, a)
		}
	}
}

// immigrantFamily is a single immigrant or an immigrant couple with
// children born before or after arrival.
func (g *gen) immigrantFamily(r *rand.Rand) {
	o := searchCum(g.originCum.imm, r.Float64()*g.originCum.imm[len(g.originCum.imm)-1])
	refY := float64(yearOf(g.ref))
	arriveY := 1970 + (refY-1970)*(1-(1-r.Float64())*(1-r.Float64())) // later years more likely
	at := birthInYears(r, arriveY, arriveY)
	if at >= g.ref {
		at = g.ref - 30
	}
	ab := at - years(20+r.Float64()*18)
	a := g.newPerson(r, ab, true, o+1)
	if !chance(r, 0.62) {
		// A single immigrant; some marry into a Norwegian family later.
		if chance(r, 0.5) {
			g.d[a].r.flags &^= flagFemale
			g.name(r, a, 0)
		}
		g.surviveUntil(r, a, at)
		g.immigrate(r, a, o, at, chance(r, 0.45))
		g.moveTo(a, g.newHousehold(r, at, g.immigrantMuni(r)), at)
		if chance(r, 0.2) && at < g.ref-years(2) {
			g.marryNorwegian(r, a, at)
		}
		return
	}
	b := g.newPerson(r, ab+years(3+r.NormFloat64()*3), false, o+1)
	g.surviveUntil(r, a, at+years(2))
	g.surviveUntil(r, b, at+years(2))
	wed := max(addYears(max(ab, g.d[b].r.birth), 19), at-years(2+r.Float64()*12))
	if wed < at {
		g.d[a].mars = append(g.d[a].mars[:0], marItem{wed, int32(b), -1, msMarried})
		g.d[b].mars = append(g.d[b].mars[:0], marItem{wed, int32(a), -1, msMarried})
		g.wifeTakesName(r, a, b, o)
	} else {
		wed = at
	}
	// The first adult may come ahead on a D-number; the family follows.
	viaDnr := chance(r, 0.4)
	g.immigrate(r, b, o, at, viaDnr)
	join := at
	if viaDnr {
		join = min(at+between(r, 0, years(2)), g.ref-1)
	}
	g.immigrate(r, a, o, join, false)
	hh := g.newHousehold(r, at, g.immigrantMuni(r))
	g.moveTo(b, hh, at)
	g.moveTo(a, hh, join)
	ci := coupleInfo{a: a, b: b, hh: hh, start: wed, brk: none, married: wed}
	g.d[a].coupled, g.d[b].coupled = true, true
	kids := g.haveChildren(r, ci, childCount(r, 1960))
	for _, k := range kids {
		kd := &g.d[k].r
		if kd.birth < join {
			// Born abroad: arrives with the mother.
			g.immigrate(r, k, o, join, false)
			kd.natDate = none
		}
		g.raise(r, k, ci)
		g.childCitizenship(k, a, b)
	}
	// Widowhood within the couple.
	if fd := minDeath(g.d[a].r.death, g.d[b].r.death); fd != none {
		dead, surv := a, b
		if g.d[b].r.death == fd {
			dead, surv = b, a
		}
		if g.alive(surv, fd) && fd > wed {
			g.d[surv].mars = append(g.d[surv].mars, marItem{fd, int32(dead), -1, msWidowed})
		}
	}
}

// wifeTakesName gives a wife married abroad her husband's family name where
// the origin's custom has gendered forms (Polish, Lithuanian); she arrives
// with it, so it is her only name in the register.
func (g *gen) wifeTakesName(r *rand.Rand, wife, husband int, o int) {
	if origins[o].femaleForm == nil || !chance(r, 0.8) {
		return
	}
	fam := familyFor(&origins[o], g.p.strs[g.d[husband].r.family], true)
	g.d[wife].r.family = g.internStr(fam)
}

// minDeath returns the earlier of two death days (none counts as never).
func minDeath(a, b int32) int32 {
	switch {
	case a == none:
		return b
	case b == none:
		return a
	}
	return min(a, b)
}

// childCitizenship sets a child's citizenship from its parents: Norwegian
// when a parent was Norwegian at the birth, otherwise the parents' first
// citizenship, with naturalisation together with a parent while a minor.
func (g *gen) childCitizenship(k, a, b int) {
	kd := &g.d[k].r
	parentNorwegian := func(p int, t int32) bool {
		pr := g.d[p].r
		return pr.citizen == 0 || (pr.natDate != none && pr.natDate <= t)
	}
	if kd.birthCountry == 0 && (parentNorwegian(a, kd.birth) || parentNorwegian(b, kd.birth)) {
		kd.citizen, kd.natDate = 0, none
		return
	}
	kd.citizen = g.d[a].r.citizen
	kd.natDate = none
	for _, p := range []int{a, b} {
		if nd := g.d[p].r.natDate; nd != none && nd < addYears(kd.birth, 18) {
			if kd.natDate == none || nd < kd.natDate {
				kd.natDate = max(nd, kd.birth)
			}
		}
	}
	kd.flags &^= flagDualCitizen
	if kd.natDate != none && kd.natDate >= dayOf(2020, time.January, 1) {
		kd.flags |= flagDualCitizen
	}
}

// marryNorwegian gives an immigrant a Norwegian partner and family.
func (g *gen) marryNorwegian(r *rand.Rand, x int, after int32) {
	xf := g.female(x)
	pb := g.d[x].r.birth + years(r.NormFloat64()*4)
	y := g.newPerson(r, pb, !xf, 0)
	g.childhood(r, y)
	start := after + years(0.5+r.Float64()*5)
	if start >= g.ref || start < addYears(max(pb, g.d[x].r.birth), 19) {
		return
	}
	mother, father := x, y
	if !xf {
		mother, father = y, x
	}
	kind := cohabit
	if chance(r, marryShare(yearOf(start))) {
		kind = marry
	}
	ci := g.couple(r, mother, father, start, kind)
	kids := g.haveChildren(r, ci, childCount(r, yearOf(start)))
	for _, k := range kids {
		g.raise(r, k, ci)
		g.childCitizenship(k, mother, father)
	}
}

// dnumberUnit is a foreign worker or student with a D-number (status
// Temporary, later Inactive) and a present address, sometimes a couple with
// a baby born in Norway (status RegisteredAtBirth).
func (g *gen) dnumberUnit(r *rand.Rand) {
	o := searchCum(g.originCum.work, r.Float64()*g.originCum.work[len(g.originCum.work)-1])
	from := g.ref - years(0.1+r.Float64()*14)
	ab := from - years(20+r.Float64()*32)
	a := g.newPerson(r, ab, chance(r, 0.35), o+1)
	g.surviveUntil(r, a, from+years(2))
	g.dnumberHolder(r, a, o, from)
	if !chance(r, 0.15) {
		return
	}
	b := g.newPerson(r, ab+years(r.NormFloat64()*3), !g.female(a), o+1)
	g.surviveUntil(r, b, from+years(2))
	g.dnumberHolder(r, b, o, from)
	wed := max(addYears(max(ab, g.d[b].r.birth), 19), from-years(1+r.Float64()*10))
	if wed >= from {
		return
	}
	g.d[a].mars = append(g.d[a].mars[:0], marItem{wed, int32(b), -1, msMarried})
	g.d[b].mars = append(g.d[b].mars[:0], marItem{wed, int32(a), -1, msMarried})
	g.d[a].coupled, g.d[b].coupled = true, true
	mother, father := a, b
	if !g.female(a) {
		mother, father = b, a
	}
	g.wifeTakesName(r, mother, father, o)
	bd := from + between(r, 180, years(3))
	if !chance(r, 0.5) || bd >= g.ref || bd > addYears(g.d[mother].r.birth, 42) ||
		!g.alive(mother, bd) || !g.alive(father, bd) {
		return
	}
	kid := g.newPerson(r, bd, chance(r, 0.487), o+1)
	kd := &g.d[kid]
	kd.special = true
	kd.r.mother, kd.r.father = int32(mother), int32(father)
	kd.r.birthCountry = 0
	kd.r.citizen = uint8(o + 1)
	kd.stats = append(kd.stats[:0], statItem{bd, stRegisteredAtBirth})
	g.childName(r, kid, mother, father, false)
	g.d[mother].children = append(g.d[mother].children, int32(kid))
	g.d[father].children = append(g.d[father].children, int32(kid))
	if m := g.d[mother].addrs; len(m) > 0 {
		kd.r.birthMuni = int16(m[0].muni)
	}
}

// dnumberHolder makes person i a D-number holder from day from.
func (g *gen) dnumberHolder(r *rand.Rand, i int, o int, from int32) {
	d := &g.d[i]
	d.special = true
	d.r.idKind = idDnr
	d.r.dnrFrom = from
	d.r.statusFrom = from
	d.r.birthCountry = uint8(o + 1)
	d.r.birthCity = uint8(r.IntN(len(origins[o].cities)))
	d.r.citizen = uint8(o + 1)
	if chance(r, 0.6) {
		d.r.flags |= flagVerified
	} else {
		d.r.flags |= flagNotVerify
	}
	d.stats = append(d.stats[:0], statItem{from, stTemporary})
	d.mars = append(d.mars[:0], marItem{from, -1, -1, msUnspecified})
	end := none
	if from < g.ref-years(2) && chance(r, 0.55) {
		if e := from + years(1+r.Float64()*4); e < g.ref {
			end = e
			d.stats = append(d.stats, statItem{e, stInactive})
			d.r.dnrUntil = e
		}
	}
	a := g.newAddr(r, g.immigrantMuni(r))
	a.from, a.to, a.present = from, end, true
	if end == none && chance(r, 0.3) {
		// One move while here.
		mv := from + between(r, 60, max(61, g.ref-from))
		if mv < g.ref {
			a.to = mv
			b := g.newAddr(r, g.moveMuni(r, int(a.muni)))
			b.from, b.to, b.present = mv, none, true
			d.addrs = append(d.addrs, a, b)
			return
		}
	}
	d.addrs = append(d.addrs, a)
}
