// Package synthetic builds one deterministic synthetic population that looks
// like Norway: persons with identity numbers in Test-Norge's synthetic form,
// Norwegian names, families, address histories in real municipalities and
// urban districts, address protection, KRR contact data and the change
// events of the Person API. It is the single source for every simulator:
// the Person API simulator serves it, and later registers (health personnel
// in HPR, lab results) attach to the same persons.
//
// The population is held as compact records and shared string tables; a
// person.Person document is built on demand, as the full-access API returns
// it with includeHistory=true. Every call returns a fresh document, so a
// caller may strip or change it freely. The same Options always give
// byte-identical documents.
package synthetic

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/oppslag/oppslag/clients/person"
)

// Options configure Generate.
type Options struct {
	// Seed selects the population; the same seed and size give the same
	// persons.
	Seed int64
	// Persons is the number of persons; 0 means DefaultPersons.
	Persons int
	// Reference is "today" for the population: no date lies after it. The
	// zero value means DefaultReference, so output does not depend on when
	// it runs.
	Reference time.Time
}

// DefaultPersons is the population size when Options.Persons is 0.
const DefaultPersons = 20_000

// MaxPersons bounds Options.Persons; the records index persons with int32.
const MaxPersons = 5_000_000

// DefaultReference is the population's "today" when Options.Reference is zero.
var DefaultReference = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)

// Source is the FREG metadata source of the generated items.
const Source = "Skatteetaten"

// Population is a generated synthetic population. It is safe for concurrent
// readers once Generate has returned.
type Population struct {
	seed int64
	ref  int32 // reference day
	feed int32 // first day of the event feed

	recs     []rec
	statuses []statItem
	marital  []marItem
	addrs    []addrItem
	children []int32
	strs     []string // interned names; index 0 is ""

	ninIndex []ninEntry // sorted by number: current and historic numbers
	events   []event    // sorted; sequence number = index + 1
	ids      *idCodec

	// Later registers (HPR, lab results) are added here as fields of their
	// own, keyed by person index and built after the persons in Generate,
	// each drawing from p.personRand with its own domain (rand.go), so that
	// adding one changes no existing person. Their kinds go in kindTable.
	labs labRegister // lab results (labs.go): requesters, built on first use
	hpr  hprRegister // health personnel (hpr.go): numbers and indexes, built on first use
}

// ninEntry maps an identity number to a person.
type ninEntry struct {
	nin    uint64
	person int32
}

// Generate builds the population described by opts.
func Generate(opts Options) (*Population, error) {
	if opts.Persons < 0 || opts.Persons > MaxPersons {
		return nil, fmt.Errorf("synthetic: generate: persons %d outside 0–%d", opts.Persons, MaxPersons)
	}
	if opts.Persons == 0 {
		opts.Persons = DefaultPersons
	}
	ref := opts.Reference
	if ref.IsZero() {
		ref = DefaultReference
	}
	ref = ref.UTC()
	if ref.Year() < 1990 || ref.Year() > 2039 {
		// Identity numbers of births after 2039 need the 2032 rules and a
		// century table the nin package does not cover.
		return nil, fmt.Errorf("synthetic: generate: reference year %d outside 1990–2039", ref.Year())
	}
	p := &Population{
		seed: opts.Seed,
		ref:  dayOf(ref.Year(), ref.Month(), ref.Day()),
		strs: []string{""},
		ids:  newIDCodec(opts.Seed),
	}
	// The event feed starts three years before the reference day with a
	// zero-day load (PersonPopulated) of every person known then.
	p.feed = addYears(p.ref, -3)
	g := newGen(p, opts.Persons)
	if err := g.run(); err != nil {
		return nil, fmt.Errorf("synthetic: generate: %w", err)
	}
	p.buildIndex()
	p.buildEvents()
	return p, nil
}

// Len returns the number of persons.
func (p *Population) Len() int { return len(p.recs) }

// Reference returns the population's "today".
func (p *Population) Reference() time.Time { return dayTime(p.ref) }

// buildIndex sorts every current and historic number for lookup.
func (p *Population) buildIndex() {
	n := 0
	for i := range p.recs {
		n++
		if p.recs[i].oldNIN != 0 {
			n++
		}
	}
	idx := make([]ninEntry, 0, n)
	for i := range p.recs {
		idx = append(idx, ninEntry{p.recs[i].nin, int32(i)})
		if p.recs[i].oldNIN != 0 {
			idx = append(idx, ninEntry{p.recs[i].oldNIN, int32(i)})
		}
	}
	slices.SortFunc(idx, func(a, b ninEntry) int {
		switch {
		case a.nin < b.nin:
			return -1
		case a.nin > b.nin:
			return 1
		}
		return 0
	})
	p.ninIndex = idx
}

// indexOf returns the person holding nin (current or historic), or -1.
func (p *Population) indexOf(nin string) int {
	v, ok := parseNIN(nin)
	if !ok {
		return -1
	}
	i := sort.Search(len(p.ninIndex), func(i int) bool { return p.ninIndex[i].nin >= v })
	if i < len(p.ninIndex) && p.ninIndex[i].nin == v {
		return int(p.ninIndex[i].person)
	}
	return -1
}

// parseNIN reads 11 ASCII digits.
func parseNIN(s string) (uint64, bool) {
	if len(s) != 11 {
		return 0, false
	}
	var v uint64
	for i := range 11 {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

// formatNIN writes v as 11 digits.
func formatNIN(v uint64) string {
	var b [11]byte
	for i := 10; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[:])
}

// ByNIN returns the person with the identity number nin, current or
// historic (a replaced number resolves to its person).
func (p *Population) ByNIN(nin string) (*person.Person, bool) {
	i := p.indexOf(nin)
	if i < 0 {
		return nil, false
	}
	return p.build(i), true
}

// ByID returns the person with the Person API id (Person.ID).
func (p *Population) ByID(id string) (*person.Person, bool) {
	i, ok := p.ids.decode(id, len(p.recs))
	if !ok {
		return nil, false
	}
	return p.build(i), true
}

// All returns every person in population order. At large sizes prefer
// Each, which builds one document at a time.
func (p *Population) All() []*person.Person {
	out := make([]*person.Person, len(p.recs))
	for i := range p.recs {
		out[i] = p.build(i)
	}
	return out
}

// Each calls fn with every person in population order until fn returns
// false.
func (p *Population) Each(fn func(*person.Person) bool) {
	for i := range p.recs {
		if !fn(p.build(i)) {
			return
		}
	}
}

// NINs returns every current identity number in population order.
func (p *Population) NINs() []string {
	out := make([]string, len(p.recs))
	for i := range p.recs {
		out[i] = formatNIN(p.recs[i].nin)
	}
	return out
}

// Kinds returns the kinds (see AllKinds) that describe the person with
// identity number nin, in AllKinds order; nil when nin is unknown.
func (p *Population) Kinds(nin string) []string {
	i := p.indexOf(nin)
	if i < 0 {
		return nil
	}
	var out []string
	for _, k := range kindTable {
		if k.has(p, i) {
			out = append(out, k.name)
		}
	}
	return out
}

// Where returns up to limit persons of the given kind in population order;
// limit <= 0 means all. An unknown kind gives nil.
func (p *Population) Where(kind string, limit int) []*person.Person {
	k, ok := kindByName(kind)
	if !ok {
		return nil
	}
	var out []*person.Person
	for i := range p.recs {
		if k.has(p, i) {
			out = append(out, p.build(i))
			if limit > 0 && len(out) >= limit {
				break
			}
		}
	}
	return out
}

// Count returns how many persons have the given kind.
func (p *Population) Count(kind string) int {
	k, ok := kindByName(kind)
	if !ok {
		return 0
	}
	n := 0
	for i := range p.recs {
		if k.has(p, i) {
			n++
		}
	}
	return n
}

// ErrUnknownKind is returned by CheckKind for a kind not in AllKinds.
var ErrUnknownKind = errors.New("synthetic: unknown kind")

// CheckKind returns ErrUnknownKind (wrapped with the name) when kind is not
// one of AllKinds.
func CheckKind(kind string) error {
	if _, ok := kindByName(kind); !ok {
		return fmt.Errorf("%w %q", ErrUnknownKind, kind)
	}
	return nil
}

// str returns an interned string.
func (p *Population) str(i uint32) string { return p.strs[i] }
