package synthetic

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/oppslag/oppslag/clients/person/nin"
)

// The generator builds the population one family unit at a time. A unit is a
// connected family (a couple with descendants and in-laws, a single parent,
// an immigrant family, a D-number holder, a single person); all relations
// stay inside it, so a unit's persons are contiguous and its draws come from
// its own stream. Inside a unit, persons live in households: a household has
// an address history (moves), and a person's residence history is a list of
// stays in households. Addresses are realised from the stays at the end.

// Tuning of the population's shares. Unit draws are per unit; a unit holds
// about three persons on average.
const (
	maxUnit = 32 // persons per unit; recursion stops at this size

	pConfidentialUnit = 0.016 // unit draws an address-protected household
	pStrictUnit       = 0.0065
	pEmigrate         = 0.16  // an eligible single adult emigrates
	pReturn           = 0.2   // an emigrant comes back
	pReplacedFnr      = 0.004 // a Norwegian-born person's number was replaced
)

// stay is a period in a household; to is none while open.
type stay struct {
	from, to int32
	hh       int32
}

// seg is one address of a household, from a day until the next seg.
type seg struct {
	from int32
	a    addrItem
}

// household is an address history shared by the persons staying in it.
type household struct {
	segs []seg
}

// draft is a person under construction; local indices refer to g.d.
type draft struct {
	r        rec
	stats    []statItem
	mars     []marItem
	addrs    []addrItem // present addresses; residential ones come from stays
	children []int32
	stays    []stay
	leave    int32 // left the parental home
	coupled  bool
	special  bool // D-number holder, FH, not resident: no emigration, no protection
}

// coupleInfo describes a couple's timeline.
type coupleInfo struct {
	a, b     int // a is the mother (or first partner), b the father or co-mother
	hh       int32
	start    int32
	brk      int32 // separation, none if never
	married  int32 // marriage or partnership, none if cohabiting only
	coMother bool
}

// gen holds the generator's state.
type gen struct {
	p      *Population
	n      int
	ref    int32
	us, ps *stream
	used   map[uint64]struct{}
	intern map[string]uint32

	d  []draft
	hh []household

	// county municipality lists for moves within a county
	countyMunis [][]int
	countyCum   [][]float64
	cityCum     []float64
	originCum   struct{ imm, work, emi []float64 }
}

func newGen(p *Population, n int) *gen {
	g := &gen{
		p:      p,
		n:      n,
		ref:    p.ref,
		us:     newStream(p.seed),
		ps:     newStream(p.seed),
		used:   make(map[uint64]struct{}, n+n/8),
		intern: make(map[string]uint32),
	}
	g.countyMunis = make([][]int, len(counties))
	g.countyCum = make([][]float64, len(counties))
	for i, m := range geo.munis {
		c := m.county
		g.countyMunis[c] = append(g.countyMunis[c], i)
		prev := 0.0
		if k := len(g.countyCum[c]); k > 0 {
			prev = g.countyCum[c][k-1]
		}
		g.countyCum[c] = append(g.countyCum[c], prev+m.pop)
	}
	total := 0.0
	for _, ci := range geo.cities {
		total += geo.munis[ci].pop
		g.cityCum = append(g.cityCum, total)
	}
	var ti, tw, te float64
	for _, o := range origins {
		ti += o.immigrants
		tw += o.workers
		te += o.emigrants
		g.originCum.imm = append(g.originCum.imm, ti)
		g.originCum.work = append(g.originCum.work, tw)
		g.originCum.emi = append(g.originCum.emi, te)
	}
	// Pools sized from the observed means (about 1.2 statuses, 1.5 marital
	// items, 5.3 addresses and 0.9 children per person), so that large
	// populations do not pay for repeated growth.
	p.recs = make([]rec, 0, n)
	p.statuses = make([]statItem, 0, n*13/10)
	p.marital = make([]marItem, 0, n*17/10)
	p.addrs = make([]addrItem, 0, n*56/10)
	p.children = make([]int32, 0, n)
	return g
}

// run generates units until the population is full.
func (g *gen) run() error {
	for u := uint64(0); len(g.p.recs) < g.n; u++ {
		r := g.us.at(domainUnit, u)
		g.reset()
		g.unit(r)
		if len(g.p.recs)+len(g.d) > g.n {
			// The unit does not fit in what is left: a single person does.
			g.reset()
			g.single(r)
		}
		g.finish(r)
		if err := g.commit(); err != nil {
			return err
		}
	}
	return nil
}

// reset empties the unit scratch, keeping allocated capacity.
func (g *gen) reset() {
	g.d = g.d[:0]
	g.hh = g.hh[:0]
}

// unit draws one family unit.
func (g *gen) unit(r *rand.Rand) {
	x := r.Float64()
	switch {
	case x < 0.25:
		g.lineage(r)
	case x < 0.41:
		g.youngFamily(r)
	case x < 0.47:
		g.singleParent(r)
	case x < 0.485:
		g.sameSexCouple(r)
	case x < 0.58:
		g.immigrantFamily(r)
	case x < 0.70:
		g.dnumberUnit(r)
	case x < 0.703:
		g.fhPerson(r)
	case x < 0.708:
		g.notResident(r)
	default:
		g.single(r)
	}
}

// --- persons -----------------------------------------------------------------

// newPerson adds a person born on birth and returns its local index. The
// person is resident from birth and unmarried; callers change that.
func (g *gen) newPerson(r *rand.Rand, birth int32, female bool, origin int) int {
	if birth > g.ref {
		birth = g.ref
	}
	i := len(g.d)
	if i < cap(g.d) {
		g.d = g.d[:i+1]
		d := &g.d[i]
		d.stats, d.mars, d.addrs, d.children, d.stays = d.stats[:0], d.mars[:0], d.addrs[:0], d.children[:0], d.stays[:0]
	} else {
		g.d = append(g.d, draft{})
	}
	d := &g.d[i]
	d.leave, d.coupled, d.special = none, false, false
	d.r = rec{
		birth: birth, death: g.deathDay(r, birth),
		ninChange: none, nameChange: none,
		mother: -1, father: -1, sharedWith: -1, sharedFrom: none,
		birthMuni: -1, natDate: none,
		immDate: none, emiDate: none, retDate: none, dnrFrom: none, dnrUntil: none,
		protectFrom: none, statusFrom: birth, postalFrom: none, foreignFrom: none,
		origin: uint8(origin),
	}
	if female {
		d.r.flags |= flagFemale
	}
	if d.r.death != none && d.r.death < registerStart {
		// Persons who died before identity numbers (1964) are not in the
		// register: this one lives longer.
		g.surviveUntil(r, i, registerStart)
	}
	d.stats = append(d.stats, statItem{birth, stResident})
	d.mars = append(d.mars, marItem{birth, -1, -1, msUnmarried})
	g.name(r, i, 0)
	return i
}

// deathDay draws the day of death, none if the person lives past the
// reference day: age at death is normal around 83 years, with a small share
// of early deaths.
func (g *gen) deathDay(r *rand.Rand, birth int32) int32 {
	var age float64
	if chance(r, 0.025) {
		age = r.Float64() * 70
	} else {
		age = 83 + r.NormFloat64()*9.5
	}
	d := birth + years(age)
	if d >= g.ref || d < birth {
		return none
	}
	return d
}

// surviveUntil makes sure person i is alive on day t (plus a year), drawing
// a later death if needed: partners and parents must live to play their part.
func (g *gen) surviveUntil(r *rand.Rand, i int, t int32) {
	d := &g.d[i]
	if d.r.death == none || d.r.death > t+365 {
		return
	}
	for range 4 {
		dd := g.deathDay(r, d.r.birth)
		if dd == none || dd > t+365 {
			d.r.death = dd
			return
		}
	}
	d.r.death = none
}

func (g *gen) female(i int) bool { return g.d[i].r.flags&flagFemale != 0 }

func (g *gen) alive(i int, t int32) bool {
	d := g.d[i].r.death
	return d == none || d > t
}

// internStr returns the string-table index of s.
func (g *gen) internStr(s string) uint32 {
	if s == "" {
		return 0
	}
	if i, ok := g.intern[s]; ok {
		return i
	}
	i := uint32(len(g.p.strs))
	g.p.strs = append(g.p.strs, s)
	g.intern[s] = i
	return i
}

// name gives person i a given name (and a family name unless family is set).
func (g *gen) name(r *rand.Rand, i int, family uint32) {
	d := &g.d[i]
	female := d.r.flags&flagFemale != 0
	if d.r.origin == 0 || (d.r.birthCountry == 0 && yearOf(d.r.birth) >= 2000 && chance(r, 0.3)) {
		era := nameEras[len(nameEras)-1]
		y := yearOf(d.r.birth)
		for _, e := range nameEras {
			if y <= e.until {
				era = e
				break
			}
		}
		list, second := era.male, era.secondM
		if female {
			list, second = era.female, era.secondF
		}
		given := list[zipf(r, len(list))]
		if chance(r, 0.13) {
			if s := second[r.IntN(len(second))]; s != given {
				given += " " + s
			}
		}
		d.r.given = g.internStr(given)
	} else {
		o := &origins[d.r.origin-1]
		list := o.male
		if female {
			list = o.female
		}
		d.r.given = g.internStr(list[r.IntN(len(list))])
	}
	if family != 0 {
		d.r.family = family
		return
	}
	if d.r.origin == 0 {
		fam := familyNames[zipf(r, len(familyNames))]
		if chance(r, 0.025) {
			fam = hyphenable[r.IntN(len(hyphenable))] + "-" + fam
		}
		d.r.family = g.internStr(fam)
		if chance(r, 0.06) {
			if m := familyNames[zipf(r, len(familyNames))]; m != fam {
				d.r.middle = g.internStr(m)
			}
		}
		return
	}
	o := &origins[d.r.origin-1]
	fam := o.family[r.IntN(len(o.family))]
	if female && o.femaleForm != nil {
		fam = o.femaleForm(fam)
	}
	d.r.family = g.internStr(fam)
}

// --- households and stays ----------------------------------------------------

// newHousehold creates a household living in municipality muni from day
// from, with moves until the reference day, and returns its index.
func (g *gen) newHousehold(r *rand.Rand, from int32, muni int) int32 {
	h := len(g.hh)
	if h < cap(g.hh) {
		g.hh = g.hh[:h+1]
		g.hh[h].segs = g.hh[h].segs[:0]
	} else {
		g.hh = append(g.hh, household{})
	}
	segs := append(g.hh[h].segs, seg{from, g.newAddr(r, muni)})
	t, m := from, muni
	for {
		t += years(2 + r.ExpFloat64()*7)
		if t >= g.ref {
			break
		}
		m = g.moveMuni(r, m)
		segs = append(segs, seg{t, g.newAddr(r, m)})
	}
	g.hh[h].segs = segs
	return int32(h)
}

// moveMuni draws the municipality of a move from m: mostly the same, often
// the same county, sometimes anywhere.
func (g *gen) moveMuni(r *rand.Rand, m int) int {
	x := r.Float64()
	switch {
	case x < 0.62:
		return m
	case x < 0.84:
		c := geo.munis[m].county
		cum := g.countyCum[c]
		return g.countyMunis[c][searchCum(cum, r.Float64()*cum[len(cum)-1])]
	default:
		return geo.pickMunicipality(r.Float64())
	}
}

// leaveMuni draws where a young adult moves when leaving home.
func (g *gen) leaveMuni(r *rand.Rand, home int) int {
	x := r.Float64()
	switch {
	case x < 0.33:
		return geo.cities[searchCum(g.cityCum, r.Float64()*g.cityCum[len(g.cityCum)-1])]
	case x < 0.78 && home >= 0:
		return home
	default:
		return geo.pickMunicipality(r.Float64())
	}
}

// newAddr draws an address in municipality muni.
func (g *gen) newAddr(r *rand.Rand, muni int) addrItem {
	m := &geo.munis[muni]
	ai := m.pickArea(r.Float64())
	a := addrItem{
		from: none, to: none,
		muni: uint16(muni), area: uint16(ai),
		street: m.streets[hash3(uint64(muni), uint64(ai), uint64(r.IntN(6)))%uint64(len(m.streets))],
	}
	house := 1 + int(r.ExpFloat64()*16)
	if house > 240 {
		house = 1 + r.IntN(40)
	}
	a.house = uint16(house)
	if chance(r, 0.1) {
		a.letter = 'A' + byte(r.IntN(4))
	}
	if (m.pop >= 50 && chance(r, 0.55)) || chance(r, 0.12) {
		a.unit = uint16((1+r.IntN(6))*100 + 1 + r.IntN(4))
	}
	if m.pop < 3 && chance(r, 0.12) {
		a.matrikel = true
	}
	return a
}

// moveTo ends person i's stays at day at and starts a stay in household hh.
func (g *gen) moveTo(i int, hh int32, at int32) {
	g.cutStays(i, at)
	d := &g.d[i]
	d.stays = append(d.stays, stay{at, none, hh})
}

// cutStays ends every stay of person i at day at and drops later ones.
func (g *gen) cutStays(i int, at int32) {
	d := &g.d[i]
	k := 0
	for _, s := range d.stays {
		if s.from >= at {
			continue
		}
		if s.to == none || s.to > at {
			s.to = at
		}
		d.stays[k] = s
		k++
	}
	d.stays = d.stays[:k]
}

// hhAt returns the household person i stays in on day t, or -1.
func (g *gen) hhAt(i int, t int32) int32 {
	for _, s := range g.d[i].stays {
		if s.from <= t && (s.to == none || t < s.to) {
			return s.hh
		}
	}
	return -1
}

// muniOf returns the municipality of household hh on day t.
func (g *gen) muniOf(hh int32, t int32) int {
	segs := g.hh[hh].segs
	m := int(segs[0].a.muni)
	for _, s := range segs {
		if s.from > t {
			break
		}
		m = int(s.a.muni)
	}
	return m
}

// follow gives child c the stays of parent p within [from, to), cut at the
// parent's death.
func (g *gen) follow(c, p int, from, to int32) {
	if dd := g.d[p].r.death; dd != none && (to == none || dd < to) {
		to = dd
	}
	for _, s := range g.d[p].stays {
		a, b := max(s.from, from), s.to
		if to != none && (b == none || to < b) {
			b = to
		}
		if b != none && a >= b {
			continue
		}
		g.d[c].stays = append(g.d[c].stays, stay{a, b, s.hh})
	}
}

// childhood gives a person without parents in the unit a home in a drawn
// municipality from birth and an own household after leaving home.
func (g *gen) childhood(r *rand.Rand, i int) {
	m := geo.pickMunicipality(r.Float64())
	hh := g.newHousehold(r, g.d[i].r.birth, m)
	g.d[i].stays = append(g.d[i].stays, stay{g.d[i].r.birth, none, hh})
	g.leaveHome(r, i, m)
}

// leaveHome moves person i to an own household at 18–24 if that day has come.
func (g *gen) leaveHome(r *rand.Rand, i int, home int) {
	d := &g.d[i]
	leave := addYears(d.r.birth, 18) + years(r.Float64()*6.5)
	if leave >= g.ref || !g.alive(i, leave) {
		return
	}
	d.leave = leave
	hh := g.newHousehold(r, leave, g.leaveMuni(r, home))
	g.moveTo(i, hh, leave)
}

// --- couples and children ----------------------------------------------------

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

// remarry lets a divorced or widowed partner of ci marry again.
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
		g.couple(r, a, b, t, marry)
		return
	}
}

// registerStart is the first day of deaths in the population: the register
// of identity numbers began in 1964.
var registerStart = dayOf(1966, time.January, 1)

// --- units -------------------------------------------------------------------

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

// --- finishing a unit ----------------------------------------------------------

// finish applies the unit-wide passes: emigration, address protection,
// residence realisation, births and statuses.
func (g *gen) finish(r *rand.Rand) {
	for i := range g.d {
		g.maybeEmigrate(r, i)
	}
	for i := range g.d {
		d := &g.d[i]
		if d.r.death != none {
			last := d.stats[len(d.stats)-1]
			if last.from >= d.r.death {
				d.r.death = last.from + 1 + between(r, 0, 300)
				if d.r.death >= g.ref {
					d.r.death = none
				}
			}
			if d.r.death != none {
				d.stats = append(d.stats, statItem{d.r.death, stDeceased})
			}
		}
	}
	g.protection(r)
	for i := range g.d {
		g.realise(i)
	}
	for i := range g.d {
		d := &g.d[i]
		if d.r.birthCountry == 0 && d.r.birthMuni < 0 {
			d.r.birthMuni = int16(g.birthMuni(r, i))
		}
		g.stayElsewhere(r, i)
	}
}

// Stay-elsewhere codes of present addresses, indexing stayTypes.
const (
	stayNone uint8 = iota
	stayMilitary
	stayCommuter
)

// stayElsewhere gives a few resident adults a present address away from
// home: commuters, and young adults in military service.
func (g *gen) stayElsewhere(r *rand.Rand, i int) {
	d := &g.d[i]
	if d.special || !g.alive(i, g.ref) || !chance(r, 0.008) {
		return
	}
	age := yearOf(g.ref) - yearOf(d.r.birth)
	cur := currentResidence(d.addrs)
	if cur < 0 || age < 18 || age > 67 || d.stats[len(d.stats)-1].status != stResident {
		return
	}
	home := d.addrs[cur]
	a := g.newAddr(r, g.moveMuni(r, int(home.muni)))
	a.from = between(r, max(home.from, g.ref-years(3)), g.ref)
	a.to, a.present, a.stay = none, true, stayCommuter
	if age < 25 && chance(r, 0.5) {
		a.stay = stayMilitary
	}
	d.addrs = append(d.addrs, a)
	slices.SortStableFunc(d.addrs, func(a, b addrItem) int { return int(a.from) - int(b.from) })
}

// birthMuni returns where person i was born: the first home's municipality.
func (g *gen) birthMuni(r *rand.Rand, i int) int {
	d := &g.d[i]
	if m := d.r.mother; m >= 0 {
		if h := g.hhAt(int(m), d.r.birth); h >= 0 {
			return g.muniOf(h, d.r.birth)
		}
	}
	if len(d.stays) > 0 && d.stays[0].from == d.r.birth {
		return g.muniOf(d.stays[0].hh, d.r.birth)
	}
	return geo.pickMunicipality(r.Float64())
}

// maybeEmigrate lets an eligible single adult emigrate, some of them coming
// back later.
func (g *gen) maybeEmigrate(r *rand.Rand, i int) {
	d := &g.d[i]
	if d.special || d.coupled || len(d.children) > 0 || d.r.sharedWith >= 0 || d.r.flags&flagClient != 0 ||
		(d.leave == none && d.r.immDate == none) {
		return
	}
	if !chance(r, pEmigrate) {
		return
	}
	lo := max(d.leave, d.stats[len(d.stats)-1].from, d.r.statusFrom) + 365
	if lo >= g.ref-30 {
		return
	}
	e := between(r, lo, g.ref)
	if !g.alive(i, e) {
		return
	}
	var o int
	if d.r.origin != 0 && chance(r, 0.6) {
		o = int(d.r.origin) - 1
	} else {
		o = searchCum(g.originCum.emi, r.Float64()*g.originCum.emi[len(g.originCum.emi)-1])
	}
	g.cutStays(i, e)
	d = &g.d[i]
	d.r.emiDate = e
	d.r.emiTo = uint8(o + 1)
	d.r.emiCity = uint8(r.IntN(len(origins[o].cities)))
	d.stats = append(d.stats, statItem{e, stEmigrated})
	d.r.foreign = uint8(o + 1)
	d.r.foreignFrom = e
	if chance(r, pReturn) {
		back := e + years(1+r.Float64()*8)
		if back < g.ref && g.alive(i, back) {
			d.r.retDate = back
			d.stats = append(d.stats, statItem{back, stResident})
			g.moveTo(i, g.newHousehold(r, back, geo.pickMunicipality(r.Float64())), back)
		}
	}
}

// protection draws whether the unit holds an address-protected household.
// The protected adult's household moves to a new, protected address; all
// who live there then are protected, and so are the adult's minor children.
func (g *gen) protection(r *rand.Rand) {
	x := r.Float64()
	level := protNone
	switch {
	case x < pConfidentialUnit:
		level = protConfidential
	case x < pConfidentialUnit+pStrictUnit:
		level = protStrict
	default:
		return
	}
	var cands []int
	for i := range g.d {
		d := &g.d[i]
		if d.special || !g.alive(i, g.ref) || addYears(d.r.birth, 18) > g.ref || len(d.stays) == 0 {
			continue
		}
		if last := d.stays[len(d.stays)-1]; last.to != none {
			continue
		}
		cands = append(cands, i)
	}
	if len(cands) == 0 {
		return
	}
	anchor := cands[r.IntN(len(cands))]
	for _, c := range cands {
		if g.female(c) && len(g.d[c].children) > 0 && chance(r, 0.7) {
			anchor = c
			break
		}
	}
	last := g.d[anchor].stays[len(g.d[anchor].stays)-1]
	p := g.ref - years(0.2+r.ExpFloat64()*4)
	p = max(p, last.from+30, addYears(g.d[anchor].r.birth, 18))
	if p >= g.ref {
		p = g.ref - 1
	}
	// The household moves to a protected address on day p.
	hh := &g.hh[last.hh]
	k := 0
	for _, s := range hh.segs {
		if s.from < p {
			hh.segs[k] = s
			k++
		}
	}
	muni := int(hh.segs[0].a.muni)
	if k > 0 {
		muni = int(hh.segs[k-1].a.muni)
	}
	if chance(r, 0.5) {
		muni = geo.pickMunicipality(r.Float64())
	}
	hh.segs = append(hh.segs[:k], seg{p, g.newAddr(r, muni)})
	for i := range g.d {
		d := &g.d[i]
		if !g.alive(i, g.ref) || len(d.stays) == 0 {
			continue
		}
		s := d.stays[len(d.stays)-1]
		if s.hh == last.hh && s.to == none {
			g.protect(i, level, max(p, s.from))
		}
	}
	// Minor children of protected persons are protected too.
	for i := range g.d {
		d := &g.d[i].r
		if !g.alive(i, g.ref) || addYears(d.birth, 18) <= g.ref {
			continue
		}
		for _, par := range []int32{d.mother, d.father} {
			if par < 0 {
				continue
			}
			pr := g.d[par].r
			if pr.protect > d.protect {
				g.protect(i, pr.protect, max(pr.protectFrom, d.birth))
			}
		}
	}
}

// protect sets person i's protection, dropping a shared residence that would
// reveal the address.
func (g *gen) protect(i int, level uint8, from int32) {
	d := &g.d[i].r
	if level <= d.protect {
		return
	}
	d.protect, d.protectFrom = level, from
	d.sharedWith, d.sharedFrom = -1, none
	d.flags &^= flagClient
}

// realise turns person i's stays into residential addresses: one item per
// address lived at, cut at death (the last address stays current) and at
// emigration, without addresses that ended before FREG's digital history.
func (g *gen) realise(i int) {
	d := &g.d[i]
	death := d.r.death
	cutoff := dayOf(1970, time.January, 1)
	start := len(d.addrs)
	for _, s := range d.stays {
		if death != none && s.from >= death {
			continue
		}
		to := s.to
		if death != none && (to == none || to > death) {
			to = death
		}
		segs := g.hh[s.hh].segs
		for k, sg := range segs {
			a, b := sg.from, none
			if k+1 < len(segs) {
				b = segs[k+1].from
			}
			a = max(a, s.from)
			if to != none && (b == none || to < b) {
				b = to
			}
			if b != none && a >= b {
				continue
			}
			it := sg.a
			it.from, it.to = a, b
			// Merge with the previous item when the address continues.
			if n := len(d.addrs); n > start {
				prev := &d.addrs[n-1]
				if prev.to == it.from && sameAddr(*prev, it) {
					prev.to = it.to
					continue
				}
			}
			d.addrs = append(d.addrs, it)
		}
	}
	res := d.addrs[start:]
	if death != none && len(res) > 0 && res[len(res)-1].to == death {
		res[len(res)-1].to = none // the address at death stays current
	}
	// Drop what ended before the cutoff and keep at most eight items.
	k := 0
	for _, a := range res {
		if a.to != none && a.to < cutoff {
			continue
		}
		res[k] = a
		k++
	}
	res = res[:k]
	if len(res) > 8 {
		res = res[len(res)-8:]
	}
	d.addrs = append(d.addrs[:start], res...)
	slices.SortStableFunc(d.addrs, func(a, b addrItem) int { return int(a.from) - int(b.from) })
}

// sameAddr reports whether two items are the same dwelling.
func sameAddr(a, b addrItem) bool {
	return a.muni == b.muni && a.area == b.area && a.street == b.street && a.house == b.house &&
		a.letter == b.letter && a.unit == b.unit && a.present == b.present && a.matrikel == b.matrikel
}

// --- committing ----------------------------------------------------------------

// commit assigns identity numbers and per-person registers and appends the
// unit's persons to the population.
func (g *gen) commit() error {
	p := g.p
	base := int32(len(p.recs))
	for i := range g.d {
		d := &g.d[i]
		r := d.r
		idx := uint64(base) + uint64(i)
		if err := g.numbers(&r, idx); err != nil {
			return err
		}
		if r.mother >= 0 {
			r.mother += base
		}
		if r.father >= 0 {
			r.father += base
		}
		if r.sharedWith >= 0 {
			r.sharedWith += base
		}
		r.statOff, r.statN = uint32(len(p.statuses)), uint8(len(d.stats))
		p.statuses = append(p.statuses, d.stats...)
		r.marOff, r.marN = uint32(len(p.marital)), uint8(len(d.mars))
		for _, m := range d.mars {
			if m.spouse >= 0 {
				m.spouse += base
			}
			p.marital = append(p.marital, m)
		}
		r.addrOff, r.addrN = uint32(len(p.addrs)), uint8(len(d.addrs))
		p.addrs = append(p.addrs, d.addrs...)
		r.childOff, r.childN = uint32(len(p.children)), uint8(len(d.children))
		for _, c := range d.children {
			p.children = append(p.children, c+base)
		}
		g.contact(&r, d, idx)
		g.krr(&r, d, idx)
		p.recs = append(p.recs, r)
	}
	return nil
}

// numbers assigns the person's identity numbers from its own stream, unique
// across the population: a fødselsnummer (after a D-number for some
// immigrants, replaced for a few others), a D-number or a felles
// hjelpenummer.
func (g *gen) numbers(r *rec, idx uint64) error {
	rr := g.ps.at(domainNIN, idx)
	birth := dayTime(r.birth)
	female := r.flags&flagFemale != 0
	next := func(kind nin.Kind) (uint64, error) {
		for range 1000 {
			var s string
			if kind == nin.FellesHjelpenummer {
				s = nin.GenerateFH(rr)
			} else {
				var err error
				if s, err = nin.Generate(rr, birth, female, kind, true); err != nil {
					return 0, fmt.Errorf("identity number: %w", err)
				}
			}
			v, _ := parseNIN(s)
			if _, dup := g.used[v]; !dup {
				g.used[v] = struct{}{}
				return v, nil
			}
		}
		return 0, fmt.Errorf("identity number: no free number for a birth on %s", birth.Format(time.DateOnly))
	}
	var err error
	switch r.idKind {
	case idFH:
		r.nin, err = next(nin.FellesHjelpenummer)
		return err
	case idDnr:
		r.nin, err = next(nin.DNumber)
		return err
	}
	if r.dnrFrom != none && r.dnrUntil != none {
		if r.oldNIN, err = next(nin.DNumber); err != nil {
			return err
		}
		r.oldKind = idDnr
		r.ninChange = r.dnrUntil
	} else if r.birthCountry == 0 && r.birth < g.ref-years(2) && rr.Float64() < pReplacedFnr {
		if r.oldNIN, err = next(nin.Fodselsnummer); err != nil {
			return err
		}
		r.oldKind = idFnr
		r.ninChange = between(rr, r.birth+years(1), g.ref)
	}
	r.nin, err = next(nin.Fodselsnummer)
	return err
}
