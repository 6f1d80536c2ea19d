// Package timeline is the person's history on one axis: it turns one person
// document, current and historic, into dated events, says what was
// registered on a given day, and compares two events of one part field by
// field.
//
// Address items go through the protection rule (clients/person/protection,
// S19) here, once, so the events, the as-of view and the comparison hide
// the same addresses the overview hides.
//
// The package has no HTTP, no view model and no language: what it says to
// the reader is Text, message keys with arguments, which the page
// translates when it renders. It does not import the message catalog
// either, although the catalog is a leaf package: a rule that looked up
// words could start to decide by them, and an enum value the catalog does
// not know is the page's business (EnumValue), not the rule's.
package timeline

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/protection"
)

// Kind groups the events for the page's filter (F4).
type Kind string

// The kinds of event.
const (
	KindMove        Kind = "move"        // residential, present and shared-residence addresses
	KindPostal      Kind = "postal"      // postal addresses in Norway and abroad
	KindName        Kind = "name"        // name changes
	KindMarital     Kind = "marital"     // marital status
	KindStatus      Kind = "status"      // person status, birth, death, emigration, immigration
	KindIdentity    Kind = "identity"    // identity numbers
	KindCitizenship Kind = "citizenship" // citizenship and residence permits
	KindProtection  Kind = "protection"  // address protection
	KindFamily      Kind = "family"      // family relations, relatives' births and deaths
	KindLab         Kind = "lab"         // lab reports (More.Labs)
)

var kinds = []Kind{KindMove, KindPostal, KindName, KindMarital, KindStatus,
	KindIdentity, KindCitizenship, KindProtection, KindFamily, KindLab}

// Kinds lists every kind in the order the filter shows them.
func Kinds() []Kind { return slices.Clone(kinds) }

var parts = []person.InformationPart{
	person.PartName, person.PartNorwegianIdentificationNumber, person.PartStatus, person.PartBirth,
	person.PartDeath, person.PartMaritalStatus, person.PartResidentialAddress, person.PartPresentAddress,
	person.PartSharedResidence, person.PartPostalAddress, person.PartForeignPostalAddress,
	person.PartAddressProtection, person.PartCitizenship, person.PartResidencePermit,
	person.PartEmigrationFromNorway, person.PartImmigrationToNorway, person.PartFamilyRelation,
}

// Parts lists the information parts the timeline reads; ask for them with
// history.
func Parts() []person.InformationPart { return slices.Clone(parts) }

// Entry is one event on the timeline: one item of one information part, or
// an event derived from elsewhere (a relative's birth or death, a lab
// report; Part is "" for a lab report).
type Entry struct {
	// ID is stable for one document: the part in lower case and the item's
	// index in its list ("name-2"); a derived event adds a suffix.
	ID           string
	Part         person.InformationPart
	Index        int
	Kind         Kind
	Date         person.DateTime // validFrom (birth and death: the event's date), else registeredAt; zero if neither
	ValidTo      person.DateTime
	RegisteredAt person.DateTime
	Source       string
	Reason       string
	Current      bool // the item is current (isValid true or absent)
	Future       bool // dated after now: registered ahead of time
	// Protected marks an address the protection rule hides (S19): the entry
	// says only that the address changed. Before, After and Fields are
	// empty and Reason is dropped.
	Protected bool
	// Derived marks an event read out of another item or another source (a
	// relative's birth or death, a lab report); it has no fields of its own
	// and cannot be compared.
	Derived bool
	Title   Text
	Before  Text // the part's previous item, for parts with one current item
	After   Text
	Fields  []Field
}

// Diffable reports whether e can be one side of a comparison.
func (e Entry) Diffable() bool { return !e.Protected && !e.Derived }

// item is what a part contributes for one item before ordering.
type item struct {
	meta    person.Meta
	date    person.DateTime // overrides validFrom as the event's date
	conf    person.AddressConfidentiality
	title   Text // zero lets a sequence choose first or change by position
	summary Text
	fields  []Field
}

// partRule describes how one information part shows on the timeline.
type partRule struct {
	part     person.InformationPart
	kind     Kind
	address  bool   // an address part: the protection rule may hide it (S19)
	sequence bool   // one current item at a time: entries get Before
	first    string // title key of the first item of a sequence without a title of its own
	change   string // title key of a later item of such a sequence
}

// builder turns one person document into entries.
type builder struct {
	p   *person.Person
	now time.Time
	// rule decides which address items may be shown (S19).
	rule protection.Rule
	more More
	out  []Entry
}

func newBuilder(p *person.Person, now time.Time) *builder {
	return &builder{p: p, now: now, rule: protection.Of(p)}
}

// start is the Norwegian day an item began: validFrom, else registeredAt,
// else "". It is the protection rule's reading, so the as-of view places an
// item on the same days the rule hides it for.
func start(m person.Meta) string { return protection.Start(m) }

// masked reports whether an address item must not be shown: the protection
// rule decides.
func (b *builder) masked(m person.Meta, conf person.AddressConfidentiality) bool {
	return b.rule.Decide(m, conf).Hidden
}

// add appends the entries of one part.
func (b *builder) add(d partRule, items []item) {
	type indexed struct {
		item
		index int
		date  person.DateTime
	}
	list := make([]indexed, len(items))
	for i, it := range items {
		date := it.date
		if date.IsZero() {
			date = person.Local(it.meta.ValidFrom)
		}
		if date.IsZero() {
			date = person.Local(it.meta.RegisteredAt)
		}
		list[i] = indexed{it, i, date}
	}
	// Within a part, oldest first, so each item's predecessor is the one
	// before it; undated items keep their place at the end.
	slices.SortStableFunc(list, func(a, c indexed) int { return compareDates(a.date, c.date) })
	var prev *indexed
	for i := range list {
		it := &list[i]
		e := Entry{
			ID:           strings.ToLower(string(d.part)) + "-" + strconv.Itoa(it.index),
			Part:         d.part,
			Index:        it.index,
			Kind:         d.kind,
			Date:         it.date,
			ValidTo:      it.meta.ValidTo,
			RegisteredAt: it.meta.RegisteredAt,
			Source:       it.meta.Source,
			Reason:       it.meta.Reason,
			Current:      it.meta.Current(),
			Future:       !it.date.IsZero() && it.date.After(b.now),
			Title:        it.title,
			After:        it.summary,
			Fields:       it.fields,
		}
		if d.sequence {
			if prev != nil {
				e.Before = prev.summary
			}
			if it.title.IsZero() {
				e.Title = Key(d.first)
				if prev != nil {
					e.Title = Key(d.change)
				}
			}
		}
		if d.address && b.masked(it.meta, it.conf) {
			e.Protected = true
			e.Title = Key("timeline.event.address_protected", Key("timeline.part."+strings.ToLower(string(d.part))))
			e.Before, e.After, e.Fields, e.Reason = Text{}, Text{}, nil, ""
		} else if d.address && d.sequence && prev != nil && b.masked(prev.meta, prev.conf) {
			// The previous address was protected: never show it as "before".
			e.Before = Key("timeline.protected_address")
		}
		b.out = append(b.out, e)
		prev = it
	}
}

// compareDates orders dates ascending with unknown ones (absent or
// unreadable) last.
func compareDates(a, c person.DateTime) int {
	switch {
	case !a.Known() && !c.Known():
		return 0
	case !a.Known():
		return 1
	case !c.Known():
		return -1
	}
	return a.Compare(c.Time)
}

// Build merges every information part of p, current and historic, into one
// chronological list, oldest first; events without any date come last. now
// marks events registered ahead of time as future. BuildWith adds what the
// relatives' documents and the lab reports say.
func Build(p *person.Person, now time.Time) []Entry { return BuildWith(p, now, More{}) }

// sorted orders the entries oldest first, undated last.
func (b *builder) sorted() []Entry {
	order := map[Kind]int{}
	for i, k := range kinds {
		order[k] = i
	}
	// On one day a birth comes first and a death last, whatever else was
	// registered that day.
	rank := func(e Entry) int {
		switch e.Part {
		case person.PartBirth:
			return 0
		case person.PartDeath:
			return 2
		}
		return 1
	}
	slices.SortStableFunc(b.out, func(a, c Entry) int {
		if n := compareDates(a.Date, c.Date); n != 0 {
			return n
		}
		if n := cmp.Compare(rank(a), rank(c)); n != 0 {
			return n
		}
		if n := compareDates(a.RegisteredAt, c.RegisteredAt); n != 0 {
			return n
		}
		if n := cmp.Compare(order[a.Kind], order[c.Kind]); n != 0 {
			return n
		}
		return cmp.Compare(a.ID, c.ID)
	})
	return b.out
}
