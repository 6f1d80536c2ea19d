package synthetic

import (
	"fmt"
	"math/rand/v2"
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
