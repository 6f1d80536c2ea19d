package synthetic

import (
	"math/rand/v2"
	"time"
)

// Couple kinds.
const (
	cohabit = iota
	marry
	partnership // same-sex: registered partnership before 2009, marriage after
)

// marryShare is the share of couples formed in a year who marry.
func marryShare(year int) float64 {
	switch {
	case year < 1970:
		return 0.95
	case year < 1990:
		return 0.8
	case year < 2005:
		return 0.62
	}
	return 0.5
}

// couple joins a and b in a new household from start and draws the
// couple's marriage, separation, divorce and widowhood.
func (g *gen) couple(r *rand.Rand, a, b int, start int32, kind int) coupleInfo {
	g.surviveUntil(r, a, start)
	g.surviveUntil(r, b, start)
	muni := -1
	if h := g.hhAt(a, start-1); h >= 0 {
		muni = g.muniOf(h, start-1)
	} else if h := g.hhAt(b, start-1); h >= 0 {
		muni = g.muniOf(h, start-1)
	} else {
		muni = geo.pickMunicipality(r.Float64())
	}
	ci := coupleInfo{a: a, b: b, start: start, brk: none, married: none}
	ci.hh = g.newHousehold(r, start, muni)
	g.moveTo(a, ci.hh, start)
	g.moveTo(b, ci.hh, start)
	g.d[a].coupled, g.d[b].coupled = true, true
	firstDeath := none
	for _, x := range []int{a, b} {
		if dd := g.d[x].r.death; dd != none && (firstDeath == none || dd < firstDeath) {
			firstDeath = dd
		}
	}

	status, sep, div, surv := msMarried, msSeparated, msDivorced, msWidowed
	switch kind {
	case marry:
		ci.married = start + between(r, 0, years(4))
	case partnership:
		status, sep, div, surv = msPartner, msSeparatedPartner, msDivorcedPartner, msSurvivingPartner
		ci.married = max(start, dayOf(1993, time.August, 1)) + between(r, 0, 400)
		if ci.married >= dayOf(2009, time.January, 1) {
			status, sep, div, surv = msMarried, msSeparated, msDivorced, msWidowed
		}
	}
	if ci.married != none && (ci.married >= g.ref || (firstDeath != none && ci.married >= firstDeath)) {
		ci.married = none
	}
	if ci.married != none {
		g.d[a].mars = append(g.d[a].mars, marItem{ci.married, int32(b), int16(muni), status})
		g.d[b].mars = append(g.d[b].mars, marItem{ci.married, int32(a), int16(muni), status})
		if kind != partnership || status == msMarried {
			g.marriageName(r, a, b, ci.married)
		}
	}

	// Separation.
	pBreak := 0.36
	switch {
	case yearOf(start) < 1970:
		pBreak = 0.12
	case ci.married == none:
		pBreak = 0.45
	}
	if chance(r, pBreak) {
		base := start
		if ci.married != none {
			base = ci.married
		}
		brk := base + years(1.5+r.ExpFloat64()*9)
		if brk < g.ref && (firstDeath == none || brk < firstDeath) {
			ci.brk = brk
		}
	}
	// A registered partnership converted to marriage (2009 onwards).
	if status == msPartner && ci.married != none && chance(r, 0.4) {
		conv := between(r, dayOf(2009, time.January, 1), dayOf(2017, time.January, 1))
		if conv > ci.married && conv < g.ref && (ci.brk == none || conv < ci.brk) && (firstDeath == none || conv < firstDeath) {
			g.d[a].mars = append(g.d[a].mars, marItem{conv, int32(b), int16(muni), msMarried})
			g.d[b].mars = append(g.d[b].mars, marItem{conv, int32(a), int16(muni), msMarried})
			sep, div, surv = msSeparated, msDivorced, msWidowed
		}
	}
	switch {
	case ci.brk != none:
		if ci.married != none {
			end := div
			if chance(r, 0.7) {
				g.d[a].mars = append(g.d[a].mars, marItem{ci.brk, int32(b), -1, sep})
				g.d[b].mars = append(g.d[b].mars, marItem{ci.brk, int32(a), -1, sep})
				dd := ci.brk + years(1+r.Float64())
				if dd < g.ref && (firstDeath == none || dd < firstDeath) {
					g.d[a].mars = append(g.d[a].mars, marItem{dd, int32(b), -1, end})
					g.d[b].mars = append(g.d[b].mars, marItem{dd, int32(a), -1, end})
				}
			} else {
				g.d[a].mars = append(g.d[a].mars, marItem{ci.brk, int32(b), -1, end})
				g.d[b].mars = append(g.d[b].mars, marItem{ci.brk, int32(a), -1, end})
			}
		}
		leaver := b
		if chance(r, 0.35) {
			leaver = a
		}
		nh := g.newHousehold(r, ci.brk, g.moveMuni(r, muni))
		g.moveTo(leaver, nh, ci.brk)
	case firstDeath != none && ci.married != none:
		// Widowhood: the survivor is widowed on the day of the death.
		dead, surv2 := a, b
		if g.d[b].r.death == firstDeath {
			dead, surv2 = b, a
		}
		if g.alive(surv2, firstDeath) {
			g.d[surv2].mars = append(g.d[surv2].mars, marItem{firstDeath, int32(dead), -1, surv})
		}
	}
	return ci
}

// marriageName changes the wife's family name to the husband's on the day
// of the marriage, as many Norwegian women did; some keep the maiden name
// as middle name.
func (g *gen) marriageName(r *rand.Rand, a, b int, day int32) {
	wife, husband := a, b
	if !g.female(wife) || g.female(husband) {
		return // same-sex couples keep their names
	}
	p := 0.3
	switch y := yearOf(day); {
	case y < 1980:
		p = 0.85
	case y < 2000:
		p = 0.55
	}
	if !chance(r, p) || g.d[wife].r.nameChange != none || g.d[wife].r.family == g.d[husband].r.family {
		return
	}
	w := &g.d[wife].r
	w.oldGiven, w.oldMiddle, w.oldFamily = w.given, w.middle, w.family
	w.nameChange = day
	if w.middle == 0 && chance(r, 0.45) {
		w.middle = w.family
	}
	w.family = g.d[husband].r.family
}

// childCount draws the number of children of a couple formed in a year.
func childCount(r *rand.Rand, year int) int {
	w := []float64{0.12, 0.18, 0.38, 0.22, 0.1} // 0..4
	if year < 1960 {
		w = []float64{0.08, 0.12, 0.32, 0.3, 0.18}
	}
	return pickWeighted(r, w)
}

// haveChildren gives the couple up to k children while together.
func (g *gen) haveChildren(r *rand.Rand, ci coupleInfo, k int) []int {
	mother, father := ci.a, ci.b
	md := g.d[mother].r
	until := g.ref
	if ci.brk != none {
		until = ci.brk
	}
	until = min(until, addYears(md.birth, 44))
	if md.death != none {
		until = min(until, md.death)
	}
	if father >= 0 && !ci.coMother {
		if fd := g.d[father].r.death; fd != none {
			until = min(until, fd+270)
		}
	}
	t := max(ci.start, addYears(md.birth, 19)) + years(0.3+r.Float64()*3)
	if father >= 0 {
		t = max(t, addYears(g.d[father].r.birth, 18))
	}
	var kids []int
	for c := 0; c < k && t < until && len(g.d) < maxUnit; c++ {
		n := 1
		if chance(r, 0.016) {
			n = 2
		}
		for j := range n {
			kid := g.newPerson(r, t, chance(r, 0.487), int(g.childOrigin(r, mother, father)))
			for try := 0; try < 4 && g.siblingNamed(kid, mother); try++ {
				g.name(r, kid, 0)
			}
			kd := &g.d[kid].r
			kd.mother, kd.father = int32(mother), int32(father)
			if ci.coMother {
				kd.flags |= flagCoMother
			}
			if n == 2 {
				kd.multiple = uint8(21 + j)
			}
			g.childName(r, kid, mother, father, ci.coMother)
			g.d[mother].children = append(g.d[mother].children, int32(kid))
			if father >= 0 {
				g.d[father].children = append(g.d[father].children, int32(kid))
			}
			kids = append(kids, kid)
		}
		t += years(1.2 + r.ExpFloat64()*2.5)
	}
	return kids
}

// siblingNamed reports whether an earlier child of mother has kid's given
// name.
func (g *gen) siblingNamed(kid, mother int) bool {
	for _, c := range g.d[mother].children {
		if g.d[c].r.given == g.d[kid].r.given {
			return true
		}
	}
	return false
}

// childOrigin is the naming origin of a child: the parents' when shared.
func (g *gen) childOrigin(r *rand.Rand, mother, father int) uint8 {
	mo := g.d[mother].r.origin
	if father < 0 || g.d[father].r.origin == mo {
		return mo
	}
	if chance(r, 0.5) {
		return mo
	}
	return g.d[father].r.origin
}

// childName sets a child's family and middle names from its parents.
func (g *gen) childName(r *rand.Rand, kid, mother, father int, coMother bool) {
	mf := g.d[mother].r.family
	fam := mf
	if father >= 0 {
		ff := g.d[father].r.family
		x := r.Float64()
		switch {
		case coMother:
			if x < 0.5 {
				fam = ff
			}
		case ff == mf || x < 0.72:
			fam = ff
		case x < 0.9:
			fam = mf
		case x < 0.96 && g.d[kid].r.origin == 0:
			fam = g.internStr(g.p.strs[mf] + "-" + g.p.strs[ff])
		default:
			fam = ff
		}
	}
	kd := &g.d[kid].r
	if o := kd.origin; o != 0 && (father < 0 || g.d[father].r.origin == o) {
		// Immigrant families follow their own naming: the father's family
		// name, in the child's gender form.
		src := mf
		if father >= 0 && !coMother {
			src = g.d[father].r.family
		}
		kd.family = g.internStr(familyFor(&origins[o-1], g.p.strs[src], kd.flags&flagFemale != 0))
		kd.middle = 0
		return
	}
	kd.family = fam
	kd.middle = 0
	if yearOf(kd.birth) >= 1985 && mf != fam && chance(r, 0.3) && g.d[mother].r.origin == 0 {
		kd.middle = mf
	}
}

// raise gives a child its stays: with the mother until the parents split,
// then with the custodial parent (or the other one after a death), and an
// own household from leaving home. Children of split parents may get a
// shared residence with the other parent.
func (g *gen) raise(r *rand.Rand, kid int, ci coupleInfo) {
	mother, father := ci.a, ci.b
	birth := g.d[kid].r.birth
	end := none
	if g.alive(kid, addYears(birth, 18)) {
		if l := addYears(birth, 18) + years(r.Float64()*6.5); l < g.ref {
			end = l
		}
	}
	custodial, other := mother, father
	from := birth
	if ci.brk != none && ci.brk > birth {
		cut := ci.brk
		if end != none && end < cut {
			cut = end
		}
		g.follow(kid, mother, birth, cut)
		from = cut
		if father >= 0 && chance(r, 0.25) {
			custodial, other = father, mother
		}
	}
	if end == none || from < end {
		cd := g.d[custodial].r.death
		if cd != none && (end == none || cd < end) && cd > from && other >= 0 && g.alive(other, cd) {
			g.follow(kid, custodial, from, cd)
			g.follow(kid, other, cd, end)
		} else {
			g.follow(kid, custodial, from, end)
		}
	}
	if end != none {
		g.d[kid].leave = end
		home := -1
		if h := g.hhAt(kid, end-1); h >= 0 {
			home = g.muniOf(h, end-1)
		}
		hh := g.newHousehold(r, end, g.leaveMuni(r, home))
		g.moveTo(kid, hh, end)
	}
	// Shared residence after a split, for minors with both parents alive.
	if ci.brk != none && ci.brk > birth && father >= 0 && !ci.coMother &&
		g.alive(kid, g.ref) && addYears(birth, 18) > g.ref &&
		g.alive(mother, g.ref) && g.alive(father, g.ref) && chance(r, 0.45) {
		kd := &g.d[kid].r
		kd.sharedWith = int32(other)
		kd.sharedFrom = min(ci.brk+between(r, 0, 200), g.ref-1)
	}
}

// family gives a couple children, raises them and, depth permitting, lets
// grown children found families of their own with in-laws.
func (g *gen) family(r *rand.Rand, ci coupleInfo, depth int) {
	kids := g.haveChildren(r, ci, childCount(r, yearOf(ci.start)))
	for _, k := range kids {
		g.raise(r, k, ci)
	}
	if depth <= 0 {
		return
	}
	for _, k := range kids {
		if len(g.d) >= maxUnit-2 {
			return
		}
		kb := g.d[k].r.birth
		if !g.alive(k, addYears(kb, 26)) || addYears(kb, 24) > g.ref || !chance(r, 0.62) {
			continue
		}
		g.marryIn(r, k, depth-1)
	}
}

// marryIn gives person x a partner from outside the unit and a family.
func (g *gen) marryIn(r *rand.Rand, x int, depth int) {
	xb := g.d[x].r.birth
	xf := g.female(x)
	pb := xb + years(2.2+r.NormFloat64()*3)
	if !xf {
		pb = xb - years(2.2+r.NormFloat64()*3)
	}
	origin := 0
	if chance(r, 0.08) {
		origin = 1 + searchCum(g.originCum.imm, r.Float64()*g.originCum.imm[len(g.originCum.imm)-1])
	}
	y := g.newPerson(r, pb, !xf, origin)
	if origin == 0 {
		g.childhood(r, y)
	}
	start := max(xb, pb) + years(20+r.Float64()*11)
	if start >= g.ref-180 || !g.alive(x, start) {
		if origin == 0 {
			return
		}
		start = g.ref - between(r, 181, 700) // a recent couple
	}
	if origin != 0 {
		// The partner came to Norway as a young adult, before the couple.
		arrive := min(start-between(r, 30, years(4)), g.ref-1)
		arrive = max(arrive, addYears(g.d[y].r.birth, 16))
		g.immigrate(r, y, origin-1, arrive, false)
		g.moveTo(y, g.newHousehold(r, arrive, g.immigrantMuni(r)), arrive)
		start = max(start, arrive+30)
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
	g.remarry(r, ci)
	g.family(r, ci, depth)
}

// remarry lets a divorced or widowed partner of ci marry again and have
// children with the new spouse.
func (g *gen) remarry(r *rand.Rand, ci coupleInfo) {
	if len(g.d) >= maxUnit-1 || !chance(r, 0.2) {
		return
	}
	for _, x := range []int{ci.a, ci.b} {
		ms := g.d[x].mars
		last := ms[len(ms)-1]
		if last.status != msDivorced && last.status != msWidowed {
			continue
		}
		if addYears(g.d[x].r.birth, 68) < last.date {
			continue
		}
		t := last.date + years(1+r.Float64()*7)
		if t >= g.ref || !g.alive(x, t) {
			continue
		}
		xf := g.female(x)
		pb := g.d[x].r.birth + years(r.NormFloat64()*4)
		y := g.newPerson(r, pb, !xf, 0)
		g.childhood(r, y)
		if addYears(pb, 20) > t {
			continue // the new partner would be too young; stays single
		}
		a, b := x, y
		if !xf {
			a, b = y, x
		}
		ci2 := g.couple(r, a, b, t, marry)
		// A second family: its children are half-siblings of the first
		// couple's, the families the family panel's sibling rule must show
		// (issue 12). Fewer than a first couple's, and only while the
		// mother is young enough (haveChildren).
		for _, k := range g.haveChildren(r, ci2, pickWeighted(r, []float64{0.3, 0.4, 0.24, 0.06})) {
			g.raise(r, k, ci2)
		}
		return
	}
}
