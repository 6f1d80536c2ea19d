package synthetic

import (
	"math/rand/v2"
	"time"
)

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

// registerStart is the first day of deaths in the population: the register
// of identity numbers began in 1964.
var registerStart = dayOf(1966, time.January, 1)
