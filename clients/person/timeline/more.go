package timeline

import (
	"slices"
	"strconv"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/family"
)

// More is what the timeline shows beyond the person's own document (F4):
// what the relatives' documents say of their births and deaths, and the lab
// reports. The page fetches both, audits them, and passes them in as plain
// data; the zero More is the document alone.
type More struct {
	// Relatives are the relatives fetched by the one bulk call, by identity
	// number (RelativesOf); nil when the call was not made or failed.
	Relatives map[string]Relative
	// Labs are the patient's lab reports, fetched under a bound access
	// basis; nil without one.
	Labs []LabReport
	// Siblings are the siblings read from the parents' documents
	// (family.Siblings); their births and deaths are events, named from
	// Relatives, which holds their documents too.
	Siblings []family.DerivedSibling
}

// Relative is what the timeline reads of one relative: the name, birth and
// death, and nothing else. Relatives are fetched without any address
// (family.RelativeParts), and this struct has no field to keep one in, so
// no address of a relative can reach the timeline (S19). A relative whose
// address is protected is named, as the family panel and graph name them
// (family.FactsOf): the name is not what the protection hides.
type Relative struct {
	Name string          // "" when the document has no current name
	Born person.DateTime // zero when unknown
	Died person.DateTime // zero while alive, or when the death has no date
}

// RelativesOf reads name, birth and death out of the relatives' documents,
// keyed by identity number as the bulk call's answer is.
func RelativesOf(docs map[string]*person.Person) map[string]Relative {
	if docs == nil {
		return nil
	}
	names := family.FactsOf(docs).Names
	out := make(map[string]Relative, len(docs))
	for n, r := range docs {
		if r == nil {
			continue
		}
		rel := Relative{Name: names[n]}
		if b := r.CurrentBirth(); b != nil {
			rel.Born = b.BirthDate
		}
		if d := r.Death; d != nil && d.Current() {
			rel.Died = d.DeceasedDate
		}
		out[n] = rel
	}
	return out
}

// LabReport is one lab report as the timeline shows it: when, and what.
// The page reads it out of the lab client's report, so this package needs
// no lab client.
type LabReport struct {
	When      time.Time // when the sample was taken, else when the report was issued; zero if neither
	Name      string    // the report's code in words ("Blodstatus"); "" when it has none
	Category  string    // the report's category in words ("Klinisk kjemi"); "" when it has none
	Withdrawn bool      // cancelled or entered in error: the event says so
}

// Order is the direction the page lists events in.
type Order string

// The orders. Oldest first is the default: a history reads from the
// beginning; a clinician who wants what happened last chooses newest first.
const (
	OldestFirst Order = "oldest"
	NewestFirst Order = "newest"
)

// ParseOrder reads an order as the page's form sends it; ok is false for
// anything else, including "".
func ParseOrder(s string) (o Order, ok bool) {
	switch Order(s) {
	case OldestFirst, NewestFirst:
		return Order(s), true
	}
	return OldestFirst, false
}

// Sorted returns the entries (as Build orders them, oldest first) in order
// o. Newest first reverses the dated entries; undated ones stay last either
// way, since they cannot be placed on the axis at all.
func Sorted(es []Entry, o Order) []Entry {
	out := slices.Clone(es)
	if o != NewestFirst {
		return out
	}
	n := len(out)
	for n > 0 && !out[n-1].Date.Known() {
		n--
	}
	slices.Reverse(out[:n])
	return out
}

// BuildWith is Build with more: children's and siblings' births named
// from their own documents, every relative's death on its day, and one
// event per lab report.
func BuildWith(p *person.Person, now time.Time, more More) []Entry {
	if p == nil {
		return nil
	}
	b := newBuilder(p, now)
	b.more = more
	b.addAll()
	b.addRelativeDeaths()
	b.addSiblings()
	b.addLabs()
	return b.sorted()
}

// addRelativeDeaths adds a relative's death on its day, once per relative
// however many relations name them. Only a relative the bulk call fetched
// can have one: a relative without an identity number has no document.
func (b *builder) addRelativeDeaths() {
	if len(b.more.Relatives) == 0 {
		return
	}
	seen := map[string]bool{}
	for _, rel := range family.Relations(b.p) {
		if rel.NIN == "" || seen[rel.NIN] {
			continue
		}
		seen[rel.NIN] = true
		r, ok := b.more.Relatives[rel.NIN]
		if !ok || r.Died.IsZero() {
			continue
		}
		died := person.Local(r.Died)
		b.out = append(b.out, Entry{
			// The relative's place among the relatives (family.RelativeNumbers
			// order) keeps the id stable for one document.
			ID:      "relative-" + strconv.Itoa(len(seen)-1) + "-death",
			Part:    person.PartFamilyRelation,
			Kind:    KindFamily,
			Date:    died,
			Source:  rel.Meta.Source,
			Current: rel.Meta.Current(),
			Future:  died.Known() && died.After(b.now),
			Derived: true,
			Title:   relativeTitle("timeline.event.relative_death", r.Name, rel.Role),
		})
	}
}

// addSiblings adds each derived sibling's birth and death (F5): "Fødsel:
// Ola Nordmann (tvilling)". A sibling the person's own document already
// names (Listed) has their events from it. The role argument is the
// family.DerivedSibling itself, which the page words as the family graph
// does (full, half on which side, twin).
func (b *builder) addSiblings() {
	for i, s := range b.more.Siblings {
		r, ok := b.more.Relatives[s.NIN]
		if s.Listed || !ok {
			continue
		}
		for _, ev := range []struct {
			what, key string
			d         person.DateTime
		}{{"birth", "timeline.event.relative_birth", r.Born}, {"death", "timeline.event.relative_death", r.Died}} {
			if ev.d.IsZero() {
				continue
			}
			day := person.Local(ev.d)
			title := Key(ev.key, Join(s))
			if r.Name != "" {
				title = Key(ev.key+".named", r.Name, Join(s))
			}
			b.out = append(b.out, Entry{
				ID:      "sibling-" + strconv.Itoa(i) + "-" + ev.what,
				Part:    person.PartFamilyRelation,
				Kind:    KindFamily,
				Date:    day,
				Current: true,
				Future:  day.Known() && day.After(b.now),
				Derived: true,
				Title:   title,
			})
		}
	}
}

// relativeTitle is "Død: Kari Nordmann (mor)", or "Død: mor" without a
// name: key for the role alone, key + ".named" for the name and the role.
func relativeTitle(key, name string, role person.FamilyRelationType) Text {
	if name == "" {
		return Key(key, Join(role))
	}
	return Key(key+".named", name, Join(role))
}

// addLabs adds one event per lab report, on the day the sample was taken.
func (b *builder) addLabs() {
	for i, r := range b.more.Labs {
		var when person.DateTime
		if !r.When.IsZero() {
			when = person.Local(person.NewDateTime(r.When))
		}
		name := r.Name
		var after Text
		switch {
		case name == "":
			name = r.Category
		case r.Category != "" && r.Category != name:
			after = Join(r.Category)
		}
		title := Key("timeline.event.lab.unnamed")
		if name != "" {
			title = Key("timeline.event.lab", name)
		}
		if r.Withdrawn {
			after = Key("timeline.lab.withdrawn")
		}
		b.out = append(b.out, Entry{
			ID:      "lab-" + strconv.Itoa(i),
			Kind:    KindLab,
			Index:   i,
			Date:    when,
			Current: !r.Withdrawn,
			Future:  when.Known() && when.After(b.now),
			Derived: true,
			Title:   title,
			After:   after,
		})
	}
}
