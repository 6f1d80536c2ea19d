package synthetic

import (
	"math/rand/v2"
	"slices"
	"time"
)

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
