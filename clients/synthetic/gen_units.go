package synthetic

import (
	"math/rand/v2"
	"time"
)

// birthInYears returns a day in a uniformly drawn year between lo and hi.
func birthInYears(r *rand.Rand, lo, hi float64) int32 {
	y := lo + r.Float64()*(hi-lo)
	yi := int(y)
	return dayOf(yi, time.January, 1) + int32((y-float64(yi))*365)
}

// lineage is a family of up to four generations founded by a couple born
// 1920–1965.
func (g *gen) lineage(r *rand.Rand) {
	wb := birthInYears(r, 1920, 1966)
	a := g.newPerson(r, wb, true, 0)
	g.childhood(r, a)
	b := g.newPerson(r, wb+years(2+r.NormFloat64()*3), false, 0)
	g.childhood(r, b)
	start := max(wb+years(20+r.Float64()*10), addYears(g.d[b].r.birth, 19))
	if start >= g.ref-365 {
		return
	}
	kind := cohabit
	if chance(r, marryShare(yearOf(start))) {
		kind = marry
	}
	ci := g.couple(r, a, b, start, kind)
	g.remarry(r, ci)
	g.family(r, ci, 2)
}

// youngFamily is a couple born 1955–2002 with their children.
func (g *gen) youngFamily(r *rand.Rand) {
	wb := birthInYears(r, 1955, float64(yearOf(g.ref)-20))
	a := g.newPerson(r, wb, true, 0)
	g.childhood(r, a)
	b := g.newPerson(r, wb+years(2+r.NormFloat64()*3), false, 0)
	g.childhood(r, b)
	start := max(wb+years(21+r.Float64()*11), addYears(g.d[b].r.birth, 19))
	if start >= g.ref-200 {
		start = g.ref - between(r, 200, 900)
		if start <= addYears(max(wb, g.d[b].r.birth), 18) {
			return
		}
	}
	kind := cohabit
	if chance(r, marryShare(yearOf(start))) {
		kind = marry
	}
	ci := g.couple(r, a, b, start, kind)
	g.remarry(r, ci)
	g.family(r, ci, 1)
}

// singleParent is a mother whose children's father left early or is not
// known.
func (g *gen) singleParent(r *rand.Rand) {
	wb := birthInYears(r, 1965, float64(yearOf(g.ref)-20))
	a := g.newPerson(r, wb, true, 0)
	g.childhood(r, a)
	if chance(r, 0.75) {
		// A short cohabitation that ended.
		b := g.newPerson(r, wb+years(2+r.NormFloat64()*4), false, 0)
		g.childhood(r, b)
		start := max(wb+years(19+r.Float64()*12), addYears(g.d[b].r.birth, 18))
		if start >= g.ref-400 {
			return
		}
		ci := g.couple(r, a, b, start, cohabit)
		if ci.brk == none {
			brk := start + years(1+r.Float64()*6)
			if brk < g.ref && g.alive(a, brk) && g.alive(b, brk) {
				ci.brk = brk
				g.moveTo(b, g.newHousehold(r, brk, g.moveMuni(r, g.muniOf(ci.hh, brk))), brk)
			}
		}
		g.family(r, ci, 0)
		return
	}
	// Father unknown: the mother raises the children in her own home.
	start := max(wb+years(19+r.Float64()*12), g.d[a].leave)
	if start == none || start >= g.ref-300 {
		return
	}
	ci := coupleInfo{a: a, b: -1, hh: g.hhAt(a, start), start: start, brk: none, married: none}
	g.family(r, ci, 0)
}

// sameSexCouple is a couple of two women (children with a co-mother from
// 2009) or two men, in a registered partnership before 2009 and married
// after.
func (g *gen) sameSexCouple(r *rand.Rand) {
	women := chance(r, 0.65)
	ab := birthInYears(r, 1945, float64(yearOf(g.ref)-24))
	a := g.newPerson(r, ab, women, 0)
	g.childhood(r, a)
	b := g.newPerson(r, ab+years(r.NormFloat64()*4), women, 0)
	g.childhood(r, b)
	start := max(ab+years(22+r.Float64()*15), dayOf(1990, time.January, 1)+between(r, 0, years(25)))
	if start >= g.ref-200 || start < addYears(max(ab, g.d[b].r.birth), 18) {
		return
	}
	ci := g.couple(r, a, b, start, partnership)
	if women {
		// Co-motherhood (medmorskap) exists from 2009.
		ci.coMother = true
		ci.start = max(ci.start, dayOf(2009, time.January, 1))
		if ci.start < g.ref {
			g.family(r, ci, 0)
		}
	}
}

// fhPerson is a person known only by a felles hjelpenummer (status Active).
func (g *gen) fhPerson(r *rand.Rand) {
	o := searchCum(g.originCum.work, r.Float64()*g.originCum.work[len(g.originCum.work)-1])
	created := g.ref - years(r.Float64()*6)
	a := g.newPerson(r, created-years(18+r.Float64()*60), chance(r, 0.5), o+1)
	g.surviveUntil(r, a, created+years(1))
	d := &g.d[a]
	d.special = true
	d.r.idKind = idFH
	d.r.statusFrom = created
	d.r.birthCountry = uint8(o + 1)
	d.r.citizen = uint8(o + 1)
	d.stats = append(d.stats[:0], statItem{created, stActive})
	d.mars = d.mars[:0]
}

// notResident is a Norwegian citizen born and living abroad (status
// NotResident), with a foreign postal address.
func (g *gen) notResident(r *rand.Rand) {
	o := searchCum(g.originCum.emi, r.Float64()*g.originCum.emi[len(g.originCum.emi)-1])
	a := g.newPerson(r, birthInYears(r, 1950, float64(yearOf(g.ref)-1)), chance(r, 0.5), 0)
	d := &g.d[a]
	d.special = true
	d.r.birthCountry = uint8(o + 1)
	d.r.birthCity = uint8(r.IntN(len(origins[o].cities)))
	d.stats = append(d.stats[:0], statItem{d.r.birth, stNotResident})
	d.r.foreign = uint8(o + 1)
	d.r.foreignFrom = d.r.birth
}

// single is an adult living alone: most often never married, sometimes
// disappeared, discontinued or with a client address.
func (g *gen) single(r *rand.Rand) {
	b := birthInYears(r, 1920, float64(yearOf(g.ref)-18))
	a := g.newPerson(r, b, chance(r, 0.5), 0)
	g.childhood(r, a)
	d := &g.d[a]
	x := r.Float64()
	switch {
	case x < 0.006 && g.alive(a, g.ref) && addYears(b, 20) < g.ref:
		t := between(r, max(addYears(b, 20), g.ref-years(25)), g.ref)
		d.stats = append(d.stats, statItem{t, stDisappeared})
		d.special = true
	case x < 0.009 && g.alive(a, g.ref):
		t := between(r, max(addYears(b, 1), g.ref-years(20)), g.ref)
		d.stats = append(d.stats, statItem{t, stDiscontinued})
		d.special = true
	case x < 0.02 && g.alive(a, g.ref) && d.leave != none:
		d.r.flags |= flagClient
	}
}
