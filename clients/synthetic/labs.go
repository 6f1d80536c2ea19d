package synthetic

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
)

// Lab results (Pasientens prøvesvar). A person's lab record is drawn on
// demand from the person's own stream in domainLabs, so it costs no memory
// and no start-up time, and adding it changed none of the draws that made
// the persons. The draws come in two steps: a profile first (whether the
// person has results, a restriction, chronic conditions), which the kinds
// read cheaply, then the reports.

// domainLabs is the random-stream domain of lab results (rand.go: 5 is kept
// for HPR, 6 is lab results).
const domainLabs uint64 = 6

// domainLabsExtra is the stream of the microbiology and text reports
// (labs_extra.go), added after the others: a stream of its own leaves every
// earlier draw where it was.
const domainLabsExtra = domainLabs | 1<<32

// The chronic conditions that give a trending series.
const (
	condDiabetes uint8 = 1 << iota // HbA1c drifting upwards
	condKidney                     // eGFR falling, creatinine rising
	condHypothyr                   // TSH high at diagnosis, falling on treatment
	condWarfarin                   // INR in the therapeutic range 2–3
)

// labProfile is the first part of a person's lab draws.
type labProfile struct {
	has      bool // has lab reports (never with a Reservation)
	restrict labsim.RestrictionKind
	from, to int32 // window of report days [from, to)
	age      int   // age at the end of the window
	female   bool
	cond     uint8
}

// labWindowYears is how far back results reach (the service keeps results
// from 2012 onwards; ten years is enough for trends).
const labWindowYears = 10

// labProfile draws person i's lab profile from r, which must be fresh.
func (p *Population) labProfile(i int, r *rand.Rand) labProfile {
	rc := &p.recs[i]
	pr := labProfile{female: rc.flags&flagFemale != 0}
	// Always the same number of draws, so later draws do not shift.
	uHas, uRes := r.Float64(), r.Float64()
	uD, uK, uT, uW := r.Float64(), r.Float64(), r.Float64(), r.Float64()

	to := p.ref
	if rc.death != none && rc.death < to {
		to = rc.death
	}
	if st := p.status(i); st == stEmigrated && rc.emiDate != none && rc.emiDate < to {
		to = rc.emiDate
	}
	from := max(rc.birth+1, p.ref-years(labWindowYears))
	if rc.statusFrom != none {
		from = max(from, rc.statusFrom)
	}
	pr.from, pr.to = from, to
	pr.age = ageAt(rc.birth, to)
	if to-from < 30 {
		return pr
	}
	var share float64
	switch a := pr.age; {
	case a < 18:
		share = 0.30
	case a < 40:
		share = 0.55
	case a < 60:
		share = 0.72
	case a < 80:
		share = 0.86
	default:
		share = 0.92
	}
	switch st := p.status(i); {
	case rc.idKind != idFnr || st == stNotResident || st == stInactive:
		share *= 0.3
	}
	if uHas >= share {
		return pr
	}
	switch {
	case uRes < 0.012 && pr.age >= 16:
		pr.restrict = labsim.Reservation
		return pr
	case uRes < 0.035:
		pr.restrict = labsim.General
	case uRes < 0.075:
		pr.restrict = labsim.Specific
	}
	pr.has = true
	a := pr.age
	if a >= 30 && uD < map3(a, 0.03, 0.08, 0.13) {
		pr.cond |= condDiabetes
	}
	if a >= 50 && uK < map3(a, 0, 0.03, 0.08) {
		pr.cond |= condKidney
	}
	hypo := 0.015
	if pr.female {
		hypo = 0.06
	}
	if a >= 30 && uT < hypo {
		pr.cond |= condHypothyr
	}
	if a >= 60 && uW < 0.035 {
		pr.cond |= condWarfarin
	}
	return pr
}

// map3 picks a value by age band: under 50, 50–69, 70 and over.
func map3(age int, a, b, c float64) float64 {
	switch {
	case age < 50:
		return a
	case age < 70:
		return b
	}
	return c
}

// ageAt returns the age in whole years on day d of a person born on birth.
func ageAt(birth, d int32) int {
	b, t := dayTime(birth), dayTime(d)
	a := t.Year() - b.Year()
	if t.Month() < b.Month() || t.Month() == b.Month() && t.Day() < b.Day() {
		a--
	}
	return max(a, 0)
}

// Lab returns the lab record of the person with identity number nin
// (current or historic). ok is false only when nin is not in the
// population; a person without results has a record without reports, and a
// reserved person (Restriction Reservation) has no reports at all, since
// nothing of theirs is kept.
func (p *Population) Lab(nin string) (labsim.Record, bool) {
	i := p.indexOf(nin)
	if i < 0 {
		return labsim.Record{}, false
	}
	return p.lab(i), true
}

// lab builds person i's record.
func (p *Population) lab(i int) labsim.Record {
	g := p.baseLab(i)
	pr, r := g.pr, g.r
	out := labsim.Record{Restriction: labsim.Restriction{Kind: pr.restrict}}
	if !pr.has {
		return out
	}
	out.Reports = g.reports
	if pr.restrict == labsim.Specific {
		n := 1 + r.IntN(min(3, len(g.reports)))
		for _, k := range r.Perm(len(g.reports))[:n] {
			out.Restriction.Blocked = append(out.Restriction.Blocked, g.reports[k].ID)
		}
	}
	// Pathology and virology (labs_kinds.go) come last, from a stream of
	// their own and with ids of their own, so every report above, its ids
	// and the blocked set stay what they were.
	if more := g.kindReports(p.personRand(domainLabsKinds, i)); len(more) > 0 {
		out.Reports = append(out.Reports, more...)
		slices.SortStableFunc(out.Reports, func(a, b labsim.Report) int { return a.Effective.Compare(b.Effective) })
	}
	return out
}

// baseLab draws person i's reports before the pathology and virology ones:
// visits, chronic follow-up, cultures and text reports, in date order with
// their ids. g.r is the person's labs stream, which the blocked set draws
// on from there; without results (g.pr.has false) nothing is drawn.
func (p *Population) baseLab(i int) *labGen {
	r := p.personRand(domainLabs, i)
	pr := p.labProfile(i, r)
	g := &labGen{p: p, i: i, r: r, pr: &pr}
	if !pr.has {
		return g
	}
	g.staff = p.labStaff()
	g.gp = g.practitioner(int(mix(uint64(i)^0x6c616273) % uint64(max(len(g.staff), 1))))
	g.lab = p.homeLab(i)
	g.visits()
	g.chronic()
	g.extras(p.personRand(domainLabsExtra, i))
	slices.SortStableFunc(g.reports, func(a, b labsim.Report) int { return a.Effective.Compare(b.Effective) })
	for k := range g.reports {
		g.assignIDs(k)
	}
	return g
}

// labGen holds the state of one person's report draws.
type labGen struct {
	p       *Population
	i       int
	r       *rand.Rand
	pr      *labProfile
	staff   []int32
	gp      labsim.Practitioner
	lab     int // index into labTrusts
	reports []labsim.Report
	typed   bool              // blood group already taken
	qs      []labsim.Quantity // slab of quantities
	rs      []labsim.Range    // slab of ranges
}

// visits draws the ordinary reports: a few per year, more for older persons,
// more of them recent.
func (g *labGen) visits() {
	r, pr := g.r, g.pr
	span := float64(pr.to-pr.from) / daysPerYear
	var rate float64
	switch a := pr.age; {
	case a < 18:
		rate = 0.25
	case a < 40:
		rate = 0.4
	case a < 60:
		rate = 0.7
	case a < 80:
		rate = 1.1
	default:
		rate = 1.5
	}
	n := 1 + int(rate*span*2*r.Float64())
	n = min(n, 30)
	for range n {
		// Recent days are likelier: the u^1.6 pulls draws towards pr.to.
		u := math.Pow(r.Float64(), 1.6)
		day := pr.to - 1 - int32(u*float64(pr.to-1-pr.from))
		g.visit(day)
	}
}

// visit adds one ordinary report on day.
func (g *labGen) visit(day int32) {
	r, pr := g.r, g.pr
	age := ageAt(g.p.recs[g.i].birth, day)
	c := visitCtx{age: age, female: pr.female}
	var items []analysisID
	covid := day >= dayOf(2020, time.March, 1) && day < dayOf(2023, time.March, 1)
	switch x := r.Float64(); {
	case covid && x < 0.15:
		c.sick = r.Float64() < 0.3
		items = []analysisID{aSars}
	case age < 18 || x < 0.35:
		c.infection = r.Float64() < 0.7
		items = pickSome(r, []analysisID{aCRP, aBloodCount}, 0.7)
	case x < 0.6:
		items = pickSome(r, []analysisID{aBloodCount, aCRP, aGlu, aKrea, aALAT, aNa, aK}, 0.6)
	case x < 0.78 && age >= 35:
		items = pickSome(r, []analysisID{aLipids, aHbA1c, aGlu, aKrea, aTSH}, 0.6)
	case x < 0.9:
		c.anaemic = r.Float64() < 0.2
		items = pickSome(r, []analysisID{aBloodCount, aFerritin, aTSH, aVitD, aSmear}, 0.55)
	case pr.female && age >= 18 && age <= 45 && !g.typed:
		g.typed = true
		items = []analysisID{aBloodGroup, aBloodCount, aFerritin}
	default:
		items = pickSome(r, []analysisID{aCRP, aKrea, aNa, aK, aALAT}, 0.6)
	}
	// A chronic patient's trending analyses come from their series only, so
	// an ordinary visit does not add a point off the trend.
	items = slices.DeleteFunc(items, func(a analysisID) bool {
		return a == aHbA1c && pr.cond&condDiabetes != 0 ||
			a == aKrea && pr.cond&condKidney != 0 ||
			a == aTSH && pr.cond&condHypothyr != 0
	})
	if len(items) == 0 {
		items = []analysisID{aCRP}
	}
	c.diabetic = pr.cond&condDiabetes != 0
	if slices.Contains(items, aKrea) && age >= 18 {
		items = append(items, aEGFR)
	}
	g.report(day, c, items, g.gp)
}

// pickSome keeps each item with probability p, and at least the first.
func pickSome(r *rand.Rand, items []analysisID, p float64) []analysisID {
	out := make([]analysisID, 0, len(items)+1)
	for k, a := range items {
		if k == 0 || chance(r, p) {
			out = append(out, a)
		}
	}
	return out
}

// visitCtx is what drives the values of one report.
type visitCtx struct {
	age              int
	female           bool
	infection, sick  bool
	anaemic          bool
	trendA           analysisID // the chronic series' analysis, when hasTrend
	trendV           float64
	hasTrend         bool
	warfarin         bool
	krea             float64 // creatinine of this report, for eGFR
	diabetic, kidney bool
}

// chronic adds the series of the person's chronic conditions.
func (g *labGen) chronic() {
	pr, r := g.pr, g.r
	rc := &g.p.recs[g.i]
	hospital := g.practitioner(int(mix(uint64(g.i)^0x686f7370) % uint64(max(len(g.staff), 1))))
	if pr.cond&condDiabetes != 0 {
		start := between(r, pr.from, pr.to-years(1))
		base := 44 + 10*r.Float64()
		drift := 0.8 + 1.7*r.Float64() // mmol/mol a year
		for d := start; d < pr.to; d += int32(90 + r.IntN(90)) {
			t := float64(d-start) / daysPerYear
			c := visitCtx{age: ageAt(rc.birth, d), female: pr.female, diabetic: true,
				hasTrend: true, trendA: aHbA1c, trendV: base + drift*t + 1.5*r.NormFloat64()}
			items := []analysisID{aHbA1c, aGlu}
			if chance(r, 0.3) {
				items = append(items, aKrea, aEGFR, aLipids)
			}
			g.report(d, c, items, g.gp)
		}
	}
	if pr.cond&condKidney != 0 {
		start := between(r, pr.from, pr.to-years(2))
		e0 := 50 + 30*r.Float64()
		decline := 1.5 + 3.5*r.Float64() // mL/min/1.73 m² a year
		for d := start; d < pr.to; d += int32(90 + r.IntN(110)) {
			t := float64(d-start) / daysPerYear
			age := ageAt(rc.birth, d)
			e := max(6, e0-decline*t+2*r.NormFloat64())
			c := visitCtx{age: age, female: pr.female, kidney: true,
				hasTrend: true, trendA: aKrea, trendV: creatinineFor(e, pr.female, age)}
			g.report(d, c, []analysisID{aKrea, aEGFR, aK, aNa}, hospital)
		}
	}
	if pr.cond&condHypothyr != 0 {
		start := between(r, pr.from, pr.to-years(1))
		tsh0 := 6 + 12*r.Float64()
		for d := start; d < pr.to; d += int32(150 + r.IntN(250)) {
			t := float64(d-start) / daysPerYear
			v := (1.8 + (tsh0-1.8)*math.Exp(-t/0.6)) * math.Exp(0.12*r.NormFloat64())
			c := visitCtx{age: ageAt(rc.birth, d), female: pr.female,
				hasTrend: true, trendA: aTSH, trendV: v}
			g.report(d, c, []analysisID{aTSH}, g.gp)
		}
	}
	if pr.cond&condWarfarin != 0 {
		start := max(pr.from, pr.to-years(1+2*r.Float64()))
		for d := start; d < pr.to; d += int32(21 + r.IntN(36)) {
			v := 2.5 + 0.35*r.NormFloat64()
			if chance(r, 0.05) {
				v += 1.2 // an overdose or an interaction
			}
			c := visitCtx{age: ageAt(rc.birth, d), female: pr.female, warfarin: true,
				hasTrend: true, trendA: aINR, trendV: max(v, 0.9)}
			g.report(d, c, []analysisID{aINR}, g.gp)
		}
	}
}

// report adds one report of the items on day.
func (g *labGen) report(day int32, c visitCtx, items []analysisID, requester labsim.Practitioner) {
	r := g.r
	collected := dayTime(day).Add(time.Duration(6*60+r.IntN(8*60)) * time.Minute)
	issued := collected.Add(time.Duration(60+r.IntN(30*60)) * time.Minute)
	status := "final"
	if limit := dayTime(g.p.ref); issued.After(limit) {
		issued = limit
		status = "preliminary"
	} else if chance(r, 0.01) {
		status = "corrected"
	}
	cat, trust := catCLIN, g.lab
	switch items[0] {
	case aSars:
		cat = catMBIO
	case aBloodGroup:
		cat = catIMTR
	}
	rep := labsim.Report{
		Effective: collected,
		Issued:    issued,
		Status:    status,
		Category:  categories[cat],
		Code:      categories[cat],
		Performer: labsim.Org{Name: labTrusts[trust].name + ", " + departments[cat], OrgNumber: labOrgNumbers[trust][cat]},
		Requester: requester,
	}
	if chance(r, 0.08) {
		rep.Comment = reportComments[r.IntN(len(reportComments))]
	}
	rep.Observations = make([]labsim.Observation, 0, len(items))
	for _, a := range items {
		o := g.observe(a, &c)
		// Each result names its own sample, as a KITH ResultItem does with
		// RefAnalysedSubject; assignIDs turns the material into the id.
		m := materialOf(a, c.age)
		o.Specimen = m.code
		if rep.Specimen.TypeCode == "" {
			rep.Specimen = labsim.Specimen{Type: m.name, TypeCode: m.code, Collected: collected}
		} else if m.code != rep.Specimen.TypeCode && !slices.ContainsFunc(rep.Extra, func(sp labsim.Specimen) bool { return sp.TypeCode == m.code }) {
			rep.Extra = append(rep.Extra, labsim.Specimen{Type: m.name, TypeCode: m.code, Collected: collected})
		}
		rep.Observations = append(rep.Observations, o)
	}
	g.reports = append(g.reports, rep)
}

// material is a sample material: its kodeverk 8351 code and its name.
type material struct{ code, name string }

// The materials of the ordinary reports.
var (
	matSerum     = material{"S", "Serum"}
	matPlasma    = material{"P", "Citratplasma"}
	matBlood     = material{"B", "EDTA-blod"}
	matCapillary = material{"B", "Kapillærblod"}
	matSecretion = material{"SEK", "Sekret fra nasofarynks"}
)

// materialOf is the sample an analysis is done on: whole blood for blood
// counts, HbA1c, blood group and smears, citrate plasma for INR, serum for
// the chemistry. Young children give capillary blood for everything.
func materialOf(a analysisID, age int) material {
	switch a {
	case aSars:
		return matSecretion
	}
	if age < 12 {
		return matCapillary
	}
	switch a {
	case aBloodCount, aHb, aLeuk, aTrc, aHbA1c, aSmear, aBloodGroup:
		return matBlood
	case aINR:
		return matPlasma
	}
	return matSerum
}

// observe draws one observation (a panel with its members).
func (g *labGen) observe(a analysisID, c *visitCtx) labsim.Observation {
	r := g.r
	an := &analyses[a]
	o := labsim.Observation{Code: labsim.Coding{System: labsim.NLKSystem, Code: an.code, Display: an.display}}
	switch an.kind {
	case vkPanel:
		o.Members = make([]labsim.Observation, 0, len(an.members))
		for _, m := range an.members {
			o.Members = append(o.Members, g.observe(m, c))
		}
		return o
	case vkCoded:
		if a == aBloodGroup {
			bg := bloodGroups[pickWeighted(r, bloodGroupWeights)]
			o.Value.Coded = &labsim.Coding{System: resultSystem, Code: bg.code, Display: bg.display}
			return o
		}
		p := 0.08
		if c.sick {
			p = 0.5
		}
		if chance(r, p) {
			o.Value.Coded = &labsim.Coding{System: resultSystem, Code: "POS", Display: "Påvist"}
			o.Interpretation = dev8244Outside
		} else {
			o.Value.Coded = &labsim.Coding{System: resultSystem, Code: "NEG", Display: "Ikke påvist"}
		}
		return o
	case vkText:
		k := 0
		switch {
		case c.anaemic:
			k = 2
		case chance(r, 0.12):
			k = 1 + r.IntN(len(smearTexts)-1)
		}
		o.Value.Text = smearTexts[k]
		if k > 0 {
			o.Interpretation = dev8244Outside
		}
		return o
	}
	lo, hi := an.ref(c.female, c.age)
	v := g.value(a, c, lo, hi)
	v = roundTo(max(v, 0), an.dec)
	if a == aKrea {
		c.krea = v
	}
	q := g.quantity(v, an)
	rng := g.rangeOf()
	if a == aINR && c.warfarin {
		// A warfarin patient's INR is judged against the therapeutic range.
		lo, hi = 2.0, 3.0
		rng.Text = "Terapeutisk område 2,0–3,0"
	}
	if !math.IsNaN(lo) {
		rng.Low = g.quantity(lo, an)
	}
	if !math.IsNaN(hi) {
		rng.High = g.quantity(hi, an)
	}
	rng.Text = rangeText(rng, lo, hi, an.dec)
	o.Value.Quantity = q
	o.Reference = rng
	o.Interpretation = flagFor(v, lo, hi)
	if critical(v, an) {
		// Kodeverk 8244 has no critical level; the laboratory phones a
		// critical value and says so (kodeverk 8269 TA, Telefonsvar avgitt).
		o.Comment = "Kritisk verdi. Telefonsvar avgitt til rekvirent."
	}
	if a == aHbA1c && v >= 48 {
		o.Comment = "HbA1c ≥ 48 mmol/mol er forenlig med diabetes."
	}
	if a == aEGFR && c.age >= 18 && v < 60 {
		o.Comment = "Redusert nyrefunksjon; vurder legemiddeldoser."
	}
	return o
}

// rangeText writes the interval as Norwegian labs print it: "117–153",
// "< 5", "> 60" (a decimal comma).
func rangeText(rng *labsim.Range, lo, hi float64, dec int) string {
	if rng.Text != "" {
		return rng.Text
	}
	var buf [48]byte
	b := buf[:0]
	num := func(b []byte, v float64) []byte {
		n := len(b)
		b = strconv.AppendFloat(b, v, 'f', dec, 64)
		if k := bytes.IndexByte(b[n:], '.'); k >= 0 {
			b[n+k] = ','
		}
		return b
	}
	switch {
	case math.IsNaN(lo):
		b = num(append(b, "< "...), hi)
	case math.IsNaN(hi):
		b = num(append(b, "> "...), lo)
	default:
		b = num(append(num(b, lo), "–"...), hi)
	}
	return string(b)
}

// slabSize is how many quantities or ranges one slab allocation holds.
const slabSize = 64

// quantity returns a new quantity of analysis an from the current slab, so
// a record costs a few allocations rather than one per value.
func (g *labGen) quantity(v float64, an *analysis) *labsim.Quantity {
	if len(g.qs) == cap(g.qs) {
		g.qs = make([]labsim.Quantity, 0, min(slabSize, 16+2*cap(g.qs)))
	}
	g.qs = append(g.qs, labsim.Quantity{Value: v, Unit: an.unit, Code: an.ucum})
	return &g.qs[len(g.qs)-1]
}

// rangeOf returns a new empty range from the current slab.
func (g *labGen) rangeOf() *labsim.Range {
	if len(g.rs) == cap(g.rs) {
		g.rs = make([]labsim.Range, 0, min(slabSize, 8+2*cap(g.rs)))
	}
	g.rs = append(g.rs, labsim.Range{})
	return &g.rs[len(g.rs)-1]
}

// value draws the value of a quantity analysis.
func (g *labGen) value(a analysisID, c *visitCtx, lo, hi float64) float64 {
	r := g.r
	if c.hasTrend && c.trendA == a {
		return c.trendV
	}
	switch a {
	case aHb:
		if c.anaemic {
			return lo - (10 + 25*r.Float64())
		}
		return inRange(r, lo, hi, 0.2)
	case aLeuk:
		if c.infection && chance(r, 0.5) {
			return hi + 6*r.Float64()
		}
		return inRange(r, lo, hi, 0.2)
	case aCRP:
		if c.infection {
			return logNormal(r, 35, 1.0)
		}
		return logNormal(r, 1.5, 0.9)
	case aHbA1c:
		if c.diabetic {
			return 55 + 8*r.NormFloat64()
		}
		return 36 + 3*r.NormFloat64()
	case aGlu:
		if c.diabetic {
			return logNormal(r, 8.5, 0.3)
		}
		return inRange(r, lo, hi, 0.2)
	case aKrea:
		return inRange(r, lo, hi, 0.2)
	case aEGFR:
		if c.krea == 0 {
			return 90
		}
		return eGFR(c.krea, c.female, c.age)
	case aALAT:
		return logNormal(r, (lo+hi)/2.6, 0.35)
	case aTSH:
		return logNormal(r, 1.6, 0.45)
	case aINR:
		return inRange(r, lo, hi, 0.15)
	case aFerritin:
		if c.anaemic {
			return 3 + 8*r.Float64()
		}
		return logNormal(r, math.Sqrt(lo*hi), 0.6)
	case aVitD:
		return 65 + 20*r.NormFloat64()
	case aK:
		if c.kidney {
			return 4.3 + 0.4*r.NormFloat64()
		}
	}
	return inRange(r, lo, hi, 0.22)
}

// assignIDs sets the ids of report k, which must be in its final position,
// from hashes of (seed, person, k): stable and unique across the population.
func (g *labGen) assignIDs(k int) {
	assignReportIDs(&g.reports[k], hash3(uint64(g.p.seed)^mix(domainLabs), uint64(g.i), uint64(k)<<20))
}

// assignReportIDs sets the ids of rep, its samples and its observations
// from base.
func assignReportIDs(rep *labsim.Report, base uint64) {
	rep.ID = uuidOf(base)
	rep.Specimen.ID = uuidOf(mix(base ^ 0x5350))
	for k := range rep.Extra {
		rep.Extra[k].ID = uuidOf(mix(base ^ (0x5350 + uint64(k+1)<<16)))
	}
	// An observation's Specimen holds its material until now; members take
	// their panel's sample.
	specimenFor := func(mat string) string {
		for _, sp := range rep.Extra {
			if sp.TypeCode == mat {
				return sp.ID
			}
		}
		return rep.Specimen.ID
	}
	n := uint64(0)
	var walk func(obs []labsim.Observation, specimen string)
	walk = func(obs []labsim.Observation, specimen string) {
		for o := range obs {
			n++
			obs[o].ID = uuidOf(mix(base + n))
			if obs[o].Specimen != "" {
				obs[o].Specimen = specimenFor(obs[o].Specimen)
			} else {
				obs[o].Specimen = specimen
			}
			walk(obs[o].Members, obs[o].Specimen)
		}
	}
	walk(rep.Observations, rep.Specimen.ID)
}

// uuidOf formats a 128-bit value derived from h as a version-4 UUID.
func uuidOf(h uint64) string {
	a, b := mix(h), mix(h^0xA5A5A5A5A5A5A5A5)
	a = a&^0xF000 | 0x4000     // version 4
	b = b&^(0xC<<60) | 0x8<<60 // RFC 4122 variant
	var raw [16]byte
	binary.BigEndian.PutUint64(raw[:8], a)
	binary.BigEndian.PutUint64(raw[8:], b)
	var out [36]byte
	hex.Encode(out[0:8], raw[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], raw[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], raw[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], raw[8:10])
	out[23] = '-'
	hex.Encode(out[24:], raw[10:])
	return string(out[:])
}

// Report categories (kodeverk 8202, Type laboratoriemelding).
const (
	catCLIN = iota // medisinsk biokjemi
	catMBIO        // medisinsk mikrobiologi
	catIMTR        // immunologi og transfusjonsmedisin
)

// system8202 is kodeverk 8202 as the NILAR IG names it.
const system8202 = labs.SystemReportType

var categories = [...]labsim.Coding{
	catCLIN: {System: system8202, Code: "CLIN", Display: "Medisinsk biokjemi"},
	catMBIO: {System: system8202, Code: "MBIO", Display: "Medisinsk mikrobiologi"},
	catIMTR: {System: system8202, Code: "IMTR", Display: "Immunologi og transfusjonsmedisin"},
}

// departments name a trust's laboratory per category.
var departments = [...]string{
	catCLIN: "Avdeling for medisinsk biokjemi",
	catMBIO: "Avdeling for mikrobiologi",
	catIMTR: "Avdeling for immunologi og transfusjonsmedisin",
}

// labTrusts are the health trusts whose laboratories perform the analyses,
// one per county in the order of counties (places.go): a person's results
// come from the trust of their county.
var labTrusts = [...]struct{ county, name string }{
	{"03", "Oslo universitetssykehus HF"},
	{"11", "Helse Stavanger HF"},
	{"15", "Helse Møre og Romsdal HF"},
	{"18", "Nordlandssykehuset HF"},
	{"31", "Sykehuset Østfold HF"},
	{"32", "Akershus universitetssykehus HF"},
	{"33", "Vestre Viken HF"},
	{"34", "Sykehuset Innlandet HF"},
	{"39", "Sykehuset i Vestfold HF"},
	{"40", "Sykehuset Telemark HF"},
	{"42", "Sørlandet sykehus HF"},
	{"46", "Helse Bergen HF"},
	{"50", "St. Olavs hospital HF"},
	{"55", "Universitetssykehuset Nord-Norge HF"},
	{"56", "Finnmarkssykehuset HF"},
}

// labOrgNumbers are the laboratories' organisation numbers per trust and
// category. They are SYNTHETIC (not the trusts' real numbers): nine digits
// starting with 9, with a valid modulus-11 check digit.
var labOrgNumbers = func() [len(labTrusts)][len(categories)]string {
	var out [len(labTrusts)][len(categories)]string
	seq := uint64(0)
	for t := range out {
		for c := range out[t] {
			for {
				seq++
				body := 90000000 + mix(seq^0x6f7267)%10000000 // 8 digits, leading 9
				if d, ok := orgCheckDigit(body); ok {
					out[t][c] = fmt.Sprintf("%08d%d", body, d)
					break
				}
			}
		}
	}
	return out
}()

// orgCheckDigit returns the modulus-11 check digit of an organisation
// number's first eight digits (weights 3 2 7 6 5 4 3 2); ok is false when
// the body has none (remainder 1 gives 10).
func orgCheckDigit(body uint64) (int, bool) {
	w := [8]uint64{3, 2, 7, 6, 5, 4, 3, 2}
	sum := uint64(0)
	for k := 7; k >= 0; k-- {
		sum += (body % 10) * w[k]
		body /= 10
	}
	d := 11 - int(sum%11)
	switch d {
	case 11:
		return 0, true
	case 10:
		return 0, false
	}
	return d, true
}

// homeLab returns the index in labTrusts of person i's laboratory: the trust
// of the county of the latest residential address, Oslo without one.
func (p *Population) homeLab(i int) int {
	rc := &p.recs[i]
	cur := currentResidence(p.addrs[rc.addrOff : rc.addrOff+uint32(rc.addrN)])
	if cur < 0 {
		return 0
	}
	num := counties[geo.munis[p.addrs[rc.addrOff+uint32(cur)].muni].county].number
	for k, t := range labTrusts {
		if t.county == num {
			return k
		}
	}
	return 0
}

// labStaffSize is how many persons of the population act as requesters.
const labStaffSize = 300

// labRegister is the lazily built part of the lab register: the persons who
// request analyses. It is built on first use, so Generate does not pay.
type labRegister struct {
	once  sync.Once
	staff []int32
}

// labStaff returns the requesters: adult persons (28–67, alive, resident,
// with a fødselsnummer) picked deterministically from the population.
func (p *Population) labStaff() []int32 {
	p.labs.once.Do(func() {
		n := len(p.recs)
		seen := make(map[int32]bool)
		for k := uint64(0); k < labStaffSize*20 && len(p.labs.staff) < labStaffSize && n > 0; k++ {
			i := int32(mix(uint64(p.seed)^mix(domainLabs)^k) % uint64(n))
			rc := &p.recs[i]
			age := ageAt(rc.birth, p.ref)
			if seen[i] || age < 28 || age > 67 || rc.death != none || rc.idKind != idFnr || p.status(int(i)) != stResident {
				continue
			}
			// Requesters are the population's doctors, so a requester's
			// HPR number opens their card in the HPR pages.
			if pl := p.hprProfileOf(int(i)); !pl.doctor() {
				continue
			}
			seen[i] = true
			p.labs.staff = append(p.labs.staff, i)
		}
	})
	return p.labs.staff
}

// practitioner returns staff member k (modulo the staff) as a requester,
// never the patient themself.
func (g *labGen) practitioner(k int) labsim.Practitioner {
	if len(g.staff) == 0 {
		return labsim.Practitioner{}
	}
	s := g.staff[k%len(g.staff)]
	if int(s) == g.i {
		s = g.staff[(k+1)%len(g.staff)]
	}
	return g.p.practitionerOf(int(s))
}

// practitionerOf names person i, a doctor of the population, as a
// requester with their HPR number.
func (p *Population) practitionerOf(i int) labsim.Practitioner {
	rc := &p.recs[i]
	name := strings.Join(strings.Fields(p.str(rc.given)+" "+p.str(rc.middle)+" "+p.str(rc.family)), " ")
	pr := labsim.Practitioner{Name: name}
	if n, ok := p.hprNumberOf(i); ok {
		pr.HPRNumber = strconv.Itoa(n)
	}
	return pr
}

// labAbnormal reports whether any observation of person i is flagged.
func (p *Population) labAbnormal(i int) bool {
	rec := p.lab(i)
	for _, rep := range rec.Reports {
		if anyFlag(rep.Observations) {
			return true
		}
	}
	return false
}

// anyFlag reports whether an observation or a panel member is flagged.
func anyFlag(obs []labsim.Observation) bool {
	for _, o := range obs {
		if o.Interpretation != "" || anyFlag(o.Members) {
			return true
		}
	}
	return false
}

// labKindProfile returns person i's lab profile for the kinds.
func (p *Population) labKindProfile(i int) labProfile {
	return p.labProfile(i, p.personRand(domainLabs, i))
}
