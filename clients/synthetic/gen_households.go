package synthetic

import (
	"math/rand/v2"
)

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
