package synthetic

import (
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	kommune "github.com/oppslag/oppslag/clients/person/municipality"
)

// The population browser (/testdata, F17) asks one question of the
// population: which persons hold every one of these kinds, live in this
// municipality and are of this age, and how many would each further kind
// leave. Kinds are predicates, and some of them draw a person's lab record or
// HPR plan, so a Browser evaluates every kind of every person once, on first
// use, into a bit set per person (8 bytes a person while there are at most
// 64 kinds). That takes about 7 CPU-seconds at the demo's 20,000 persons,
// spread over the cores, so the server warms it in the background at
// start-up (Warm); a query is then one pass over the bit sets, under a
// millisecond at that size.

// DefaultLimit is the page size of a Query without a Limit.
const DefaultLimit = 50

// MaxLimit bounds Query.Limit.
const MaxLimit = 500

// Query selects persons for the browser. Zero fields select everyone.
type Query struct {
	// Kinds must all hold (AND); names as AllKinds and `oppslag synth
	// --where`.
	Kinds []string
	// Municipality is where the person lives now: a 4-digit municipality
	// number, or a name as municipality.Lookup reads it (any parallel name,
	// case and diacritics folded: "baerum", "Kautokeino"). A name two
	// municipalities share (Herøy) selects both.
	Municipality string
	// MinAge and MaxAge bound the age in whole years, both inclusive; nil
	// is no bound. The age is at the population's reference day, or at
	// death for the deceased.
	MinAge, MaxAge *int
	// Offset and Limit page the rows; Limit 0 means DefaultLimit.
	Offset, Limit int
}

// Row is one person as the browser lists them.
type Row struct {
	// NIN is the current identity number. It stays on the server side of
	// a page: a row opens its person by POST, never by URL (S15).
	NIN    string
	Name   string // given, middle and family name
	Birth  time.Time
	Age    int // whole years at the reference day, or at death
	Female bool
	// Deceased is true for a person who has died.
	Deceased bool
	// Municipality is the official name of the municipality of the
	// current residential address, and MunicipalityNumber its number;
	// both "" for a person without one, and for a person with a protected
	// address (S19: where someone lives is what the protection hides).
	Municipality, MunicipalityNumber string
	Kinds                            []string // in AllKinds order
	HPR                              int      // the current HPR number; 0 for a person who is not health personnel
}

// Result is a page of a Query's answer.
type Result struct {
	Total int   // persons matching the whole query
	Rows  []Row // the page: Offset to Offset+Limit of them, in population order
	// Counts holds, for every kind in AllKinds, how many persons match the
	// query and that kind too: what checking one more box would leave.
	Counts map[string]int
}

// Errors of Browse, each wrapped with what was asked.
var (
	ErrUnknownMunicipality = errors.New("synthetic: unknown municipality")
	ErrAgeRange            = errors.New("synthetic: age range")
)

// Browser answers the population browser's queries over one population. It
// is safe for concurrent use.
type Browser struct {
	p *Population

	once  sync.Once
	words int      // uint64 words per person
	bits  []uint64 // person i's kinds: bits[i*words : (i+1)*words], bit k = kindTable[k]
}

// NewBrowser returns a Browser over p. The kinds are evaluated on the
// first query (or Warm), not here, so that start-up does not wait for them.
func NewBrowser(p *Population) *Browser { return &Browser{p: p} }

// Population returns the population b browses.
func (b *Browser) Population() *Population { return b.p }

// Warm evaluates every kind of every person now, if not done yet.
func (b *Browser) Warm() { b.once.Do(b.build) }

// build evaluates the kinds in parallel: the lab and HPR kinds draw a
// person's whole record, about 0.3 ms each, and the population is safe for
// concurrent readers.
func (b *Browser) build() {
	p := b.p
	b.words = (len(kindTable) + 63) / 64
	b.bits = make([]uint64, len(p.recs)*b.words)
	workers := max(1, min(runtime.GOMAXPROCS(0), len(p.recs)/1000))
	chunk := (len(p.recs) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(p.recs); lo += chunk {
		hi := min(lo+chunk, len(p.recs))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				row := b.bits[i*b.words : (i+1)*b.words]
				for k, kd := range kindTable {
					if kd.has(p, i) {
						row[k/64] |= 1 << (k % 64)
					}
				}
			}
		}()
	}
	wg.Wait()
}

// query is a Query made ready for matching.
type query struct {
	need   []uint64 // bits every match holds
	munis  []string // municipality numbers, any of which; nil for any
	minAge int
	maxAge int // -1: no bound
}

func (b *Browser) prepare(q Query) (query, error) {
	out := query{need: make([]uint64, b.words), maxAge: -1}
	for _, name := range q.Kinds {
		k := slices.IndexFunc(kindTable, func(kd kind) bool { return kd.name == name })
		if k < 0 {
			return query{}, fmt.Errorf("%w %q", ErrUnknownKind, name)
		}
		out.need[k/64] |= 1 << (k % 64)
	}
	if m := strings.TrimSpace(q.Municipality); m != "" {
		if isMunicipalityNumber(m) {
			if _, ok := kommune.Name(m); !ok {
				return query{}, fmt.Errorf("%w %q", ErrUnknownMunicipality, m)
			}
			out.munis = []string{m}
		} else {
			for _, x := range kommune.Lookup(m) {
				out.munis = append(out.munis, x.Number)
			}
			if len(out.munis) == 0 {
				return query{}, fmt.Errorf("%w %q", ErrUnknownMunicipality, m)
			}
		}
	}
	if q.MinAge != nil {
		out.minAge = *q.MinAge
	}
	if q.MaxAge != nil {
		out.maxAge = *q.MaxAge
	}
	switch {
	case out.minAge < 0 || (q.MaxAge != nil && out.maxAge < 0):
		return query{}, fmt.Errorf("%w: negative age", ErrAgeRange)
	case out.maxAge >= 0 && out.minAge > out.maxAge:
		return query{}, fmt.Errorf("%w: from %d to %d", ErrAgeRange, out.minAge, out.maxAge)
	}
	return out, nil
}

func isMunicipalityNumber(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := range 4 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Browse answers q: the persons matching it, one page of them, and the
// count per kind. An unknown kind gives ErrUnknownKind, an unknown
// municipality ErrUnknownMunicipality and a negative or inverted age range
// ErrAgeRange.
func (b *Browser) Browse(q Query) (Result, error) {
	b.Warm()
	pq, err := b.prepare(q)
	if err != nil {
		return Result{}, fmt.Errorf("synthetic: browse: %w", err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	offset := max(q.Offset, 0)

	p := b.p
	counts := make([]int, len(kindTable))
	res := Result{}
	var page []int
	for i := range p.recs {
		row := b.bits[i*b.words : (i+1)*b.words]
		if !b.matches(&pq, i, row) {
			continue
		}
		if res.Total >= offset && len(page) < limit {
			page = append(page, i)
		}
		res.Total++
		for w, x := range row {
			for x != 0 {
				k := bits.TrailingZeros64(x)
				counts[w*64+k]++
				x &= x - 1
			}
		}
	}
	res.Counts = make(map[string]int, len(kindTable))
	for k, kd := range kindTable {
		res.Counts[kd.name] = counts[k]
	}
	res.Rows = make([]Row, len(page))
	for n, i := range page {
		res.Rows[n] = b.row(i)
	}
	return res, nil
}

// matches reports whether person i, with kind bits row, matches pq.
func (b *Browser) matches(pq *query, i int, row []uint64) bool {
	for w, need := range pq.need {
		if row[w]&need != need {
			return false
		}
	}
	if pq.minAge > 0 || pq.maxAge >= 0 {
		age := b.p.ageOf(i)
		if age < pq.minAge || (pq.maxAge >= 0 && age > pq.maxAge) {
			return false
		}
	}
	if pq.munis != nil {
		num, ok := b.p.homeMunicipality(i)
		if !ok || !slices.Contains(pq.munis, num) {
			return false
		}
	}
	return true
}

// row builds person i's row.
func (b *Browser) row(i int) Row {
	p := b.p
	r := &p.recs[i]
	out := Row{
		NIN:      formatNIN(r.nin),
		Name:     strings.Join(strings.Fields(p.str(r.given)+" "+p.str(r.middle)+" "+p.str(r.family)), " "),
		Birth:    dayTime(r.birth),
		Age:      p.ageOf(i),
		Female:   r.flags&flagFemale != 0,
		Deceased: r.death != none,
	}
	if num, ok := p.homeMunicipality(i); ok {
		out.MunicipalityNumber = num
		out.Municipality, _ = kommune.Name(num)
	}
	row := b.bits[i*b.words : (i+1)*b.words]
	for k, kd := range kindTable {
		if row[k/64]&(1<<(k%64)) != 0 {
			out.Kinds = append(out.Kinds, kd.name)
		}
	}
	out.HPR, _ = p.hprNumberOf(i)
	return out
}

// ageOf is person i's age in whole years at the reference day, or at death.
func (p *Population) ageOf(i int) int {
	r := &p.recs[i]
	end := p.ref
	if r.death != none && r.death < end {
		end = r.death
	}
	b, e := dayTime(r.birth), dayTime(end)
	age := e.Year() - b.Year()
	if e.Month() < b.Month() || (e.Month() == b.Month() && e.Day() < b.Day()) {
		age--
	}
	return max(age, 0)
}

// homeMunicipality is the number of the municipality of person i's current
// residential address; false without one, and for a person with a protected
// address, whose municipality the browser neither shows nor matches (S19).
func (p *Population) homeMunicipality(i int) (string, bool) {
	r := &p.recs[i]
	if r.protect != protNone {
		return "", false
	}
	items := p.addrs[r.addrOff : r.addrOff+uint32(r.addrN)]
	k := currentResidence(items)
	if k < 0 {
		return "", false
	}
	return geo.munis[items[k].muni].number, true
}

// KindGroup is a group of kinds as the browser's form shows them, by the
// register they come from.
type KindGroup struct {
	ID    string // freg, family, krr, labs, hpr
	Kinds []string
}

// kindGroups places every kind in one group; a test holds it to that.
var kindGroups = []KindGroup{
	{"freg", []string{
		"resident", "deceased", "emigrated", "immigrated", "returned", "disappeared", "not-resident",
		"registered-at-birth", "discontinued", "inactive",
		"protected", "confidential", "strictly-confidential", "client-address",
		"dnumber", "fh-number", "replaced-nin", "name-change", "naturalised", "sami",
		"present-address", "stay-elsewhere", "postal-address", "foreign-postal-address",
	}},
	{"family", []string{
		"family", "parent", "child", "sibling", "half-sibling", "twin", "shared-residence", "co-mother",
		"deceased-parent", "married", "registered-partner", "separated", "divorced", "widowed", "remarried",
	}},
	{"krr", []string{
		"reserved", "old-verification", "cannot-be-notified", "digital-post", "krr-not-registered", "krr-deleted",
	}},
	{"labs", []string{
		"labs", "abnormal-labs", "restricted-labs", "reserved-labs",
		"culture-labs", "text-labs", "pathology-labs", "virology-labs",
	}},
	{"hpr", []string{
		"health-personnel", "hpr-valid", "suspended", "expiring", "replaced-hpr", "doctor", "nurse",
	}},
}

// KindGroups returns the kinds grouped by register, every kind once.
func KindGroups() []KindGroup {
	out := make([]KindGroup, len(kindGroups))
	for i, g := range kindGroups {
		out[i] = KindGroup{ID: g.ID, Kinds: slices.Clone(g.Kinds)}
	}
	return out
}

// Preset is a scenario testers ask for again and again, as a combination of
// kinds (and ages): one click lands on the persons it fits. A test holds
// every preset to at least one person of the demo population, so a change
// to the generator that empties one is caught.
type Preset struct {
	ID     string
	Kinds  []string
	MinAge *int
	MaxAge *int
	// Persona is the HelseID simulator persona the scenario is meant to be
	// seen as ("nurse"); "" for any clinician.
	Persona string
}

// Query returns the preset as a query's filters.
func (s Preset) Query() Query {
	return Query{Kinds: slices.Clone(s.Kinds), MinAge: s.MinAge, MaxAge: s.MaxAge}
}

// yearsOld is an age bound.
func yearsOld(n int) *int { return &n }

// presets are in the order the page offers them.
var presets = []Preset{
	{ID: "protected-child-deceased-parent", Kinds: []string{"strictly-confidential", "deceased-parent"}},
	{ID: "reserved-abnormal-labs", Kinds: []string{"reserved", "abnormal-labs"}},
	{ID: "dnumber-present-address", Kinds: []string{"dnumber", "present-address"}},
	{ID: "nurse-emergency-restricted-labs", Kinds: []string{"restricted-labs"}, Persona: "nurse"},
	{ID: "shared-residence-child", Kinds: []string{"child", "shared-residence"}},
	{ID: "old-krr-verification", Kinds: []string{"reserved", "old-verification"}},
	{ID: "suspended-doctor", Kinds: []string{"doctor", "suspended"}},
	{ID: "expiring-nurse", Kinds: []string{"nurse", "expiring"}},
	{ID: "deceased-replaced-nin", Kinds: []string{"deceased", "replaced-nin"}},
	{ID: "elderly-abnormal-labs", Kinds: []string{"abnormal-labs", "widowed"}, MinAge: yearsOld(80)},
}

// Presets returns the scenario presets.
func Presets() []Preset {
	out := make([]Preset, len(presets))
	for i, s := range presets {
		out[i] = s
		out[i].Kinds = slices.Clone(s.Kinds)
	}
	return out
}

// PresetByID returns the preset with the given id.
func PresetByID(id string) (Preset, bool) {
	for _, s := range presets {
		if s.ID == id {
			s.Kinds = slices.Clone(s.Kinds)
			return s, true
		}
	}
	return Preset{}, false
}
