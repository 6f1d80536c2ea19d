package family

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
)

// sibFamily is a person born 2001-04-10 with a mother and a father, and the
// numbers the cases below hand out as siblings.
type sibFamily struct {
	self, mother, father                        string
	twin, elder, maternal, paternal, lateSister string
}

func newSibFamily(t *testing.T) sibFamily {
	t.Helper()
	return sibFamily{
		self:       testNIN(t, "2001-04-10", 50),
		mother:     testNIN(t, "1972-01-01", 51),
		father:     testNIN(t, "1970-01-01", 52),
		twin:       testNIN(t, "2001-04-10", 53),
		elder:      testNIN(t, "1998-02-02", 54),
		maternal:   testNIN(t, "1995-03-03", 55),
		paternal:   testNIN(t, "2010-05-05", 56),
		lateSister: testNIN(t, "2004-06-06", 57),
	}
}

// person is the person's document: their number, birth date and the
// relations given.
func (f sibFamily) person(rels ...person.FamilyRelation) *person.Person {
	return &person.Person{
		NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{IdentificationNumber: f.self}},
		Birth:                         []person.Birth{{BirthDate: day("2001-04-10")}},
		FamilyRelation:                rels,
	}
}

func relTo(n string, role person.FamilyRelationType) person.FamilyRelation {
	return person.FamilyRelation{RelatedPerson: n, RelatedPersonsRole: role}
}

// parentOf is a parent's document listing the children given.
func parentOf(children ...string) *person.Person {
	p := &person.Person{}
	for _, c := range children {
		p.FamilyRelation = append(p.FamilyRelation, relTo(c, person.RelationChild))
	}
	return p
}

// sibString is a sibling as the table reads it: kind (full, half or
// unknown), the shared parent when said, and twin.
func sibString(f sibFamily, s DerivedSibling) string {
	names := map[string]string{f.twin: "twin", f.elder: "elder", f.maternal: "maternal", f.paternal: "paternal",
		f.lateSister: "late-sister", f.mother: "mother", f.father: "father"}
	kin := string(s.Kin)
	if kin == "" {
		kin = "unknown"
	}
	out := names[s.NIN] + ":" + kin
	if s.Via != "" {
		out += "/" + string(s.Via)
	}
	if s.Twin {
		out += "/twin"
	}
	if s.Listed {
		out += "/listed"
	}
	return out
}

func TestSiblings(t *testing.T) {
	f := newSibFamily(t)
	parents := []person.FamilyRelation{relTo(f.mother, person.RelationMother), relTo(f.father, person.RelationFather)}
	both := func(extra ...person.FamilyRelation) *person.Person {
		return f.person(append(slices.Clone(parents), extra...)...)
	}
	tests := []struct {
		name string
		p    *person.Person
		docs map[string]*person.Person
		want string // siblings oldest first, as sibString writes them
	}{
		{"twins: both parents list them, born the same day", both(),
			map[string]*person.Person{f.mother: parentOf(f.self, f.twin), f.father: parentOf(f.twin, f.self)},
			"twin:full/twin"},
		{"a half-sibling through the mother", both(),
			map[string]*person.Person{f.mother: parentOf(f.maternal, f.self), f.father: parentOf(f.self)},
			"maternal:half/mother"},
		{"a half-sibling through the father", both(),
			map[string]*person.Person{f.mother: parentOf(f.self), f.father: parentOf(f.self, f.paternal)},
			"paternal:half/father"},
		{"full, half and twin together, oldest first", both(),
			map[string]*person.Person{
				f.mother: parentOf(f.maternal, f.elder, f.self, f.twin),
				f.father: parentOf(f.elder, f.self, f.twin, f.paternal),
			},
			"maternal:half/mother elder:full twin:full/twin paternal:half/father"},
		{"a sibling the person's own document lists too: one sibling", both(relTo(f.elder, person.RelationSibling)),
			map[string]*person.Person{f.mother: parentOf(f.elder, f.self), f.father: parentOf(f.elder, f.self)},
			"elder:full/listed"},
		{"a relative the own document names otherwise keeps that role", both(relTo(f.elder, person.RelationSpouseOrPartner)),
			map[string]*person.Person{f.mother: parentOf(f.elder, f.self), f.father: parentOf(f.elder, f.self)},
			""},
		{"a parent without a document: shared mother, the rest not known", both(),
			map[string]*person.Person{f.mother: parentOf(f.self, f.twin, f.maternal)},
			"maternal:unknown/mother twin:unknown/mother/twin"},
		{"no parent document at all: no siblings", both(), map[string]*person.Person{}, ""},
		{"one parent registered: neither full nor half", f.person(relTo(f.mother, person.RelationMother)),
			map[string]*person.Person{f.mother: parentOf(f.self, f.elder)},
			"elder:unknown/mother"},
		{"the person under a replaced number is not their own sibling",
			func() *person.Person {
				p := both()
				p.NorwegianIdentificationNumber = append(p.NorwegianIdentificationNumber,
					person.NorwegianIdentificationNumber{IdentificationNumber: f.lateSister})
				return p
			}(),
			map[string]*person.Person{f.mother: parentOf(f.lateSister, f.elder), f.father: parentOf(f.elder, f.self)},
			"elder:full"},
		{"an ended child relation and a stillborn child are no siblings", both(),
			map[string]*person.Person{
				f.mother: {FamilyRelation: []person.FamilyRelation{
					relTo(f.self, person.RelationChild),
					{Meta: meta("2004-06-06", "2005-01-01"), RelatedPerson: f.lateSister, RelatedPersonsRole: person.RelationChild},
					{RelatedPersonsRole: person.RelationStillbornChild,
						RelatedPersonWithoutIdentifier: &person.RelatedPersonWithoutIdentifier{BirthDate: day("2003-01-01")}},
				}},
				f.father: parentOf(f.self),
			},
			""},
		{"a child without a number in a parent's document is left out", both(),
			map[string]*person.Person{
				f.mother: {FamilyRelation: []person.FamilyRelation{relTo(f.self, person.RelationChild),
					{RelatedPersonsRole: person.RelationChild, RelatedPersonWithoutIdentifier: &person.RelatedPersonWithoutIdentifier{
						Name: &person.Name{GivenName: "Utenlands"}, BirthDate: day("1999-01-01")}}}},
				f.father: parentOf(f.self),
			},
			""},
		{"an ended parent relation does not count", f.person(relTo(f.mother, person.RelationMother),
			person.FamilyRelation{Meta: meta("2001-04-10", "2002-01-01"), RelatedPerson: f.father, RelatedPersonsRole: person.RelationFather}),
			map[string]*person.Person{f.mother: parentOf(f.self, f.elder), f.father: parentOf(f.self, f.paternal)},
			"elder:unknown/mother"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range Siblings(tt.p, tt.docs) {
				got = append(got, sibString(f, s))
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("got %q, want %q", g, tt.want)
			}
		})
	}
	if got := Siblings(nil, nil); got != nil {
		t.Errorf("got %v for no person, want none", got)
	}
}

// TestSiblings_TwinByDocument: a sibling's own document, when fetched,
// gives the birth date, so twins are found where a number does not say the
// day (an FH number) and the document is the better source.
func TestSiblings_TwinByDocument(t *testing.T) {
	f := newSibFamily(t)
	p := f.person(relTo(f.mother, person.RelationMother), relTo(f.father, person.RelationFather))
	docs := map[string]*person.Person{
		f.mother: parentOf(f.self, f.elder), f.father: parentOf(f.self, f.elder),
		// The document says the elder was born on the person's day.
		f.elder: {Birth: []person.Birth{{BirthDate: day("2001-04-10")}}},
	}
	got := Siblings(p, docs)
	if len(got) != 1 || !got[0].Twin {
		t.Errorf("got %+v, want one twin by the sibling's document", got)
	}
}

func TestSiblingNumbers(t *testing.T) {
	f := newSibFamily(t)
	p := f.person(relTo(f.mother, person.RelationMother), relTo(f.father, person.RelationFather))
	docs := map[string]*person.Person{
		f.mother: parentOf(f.maternal, f.self, f.twin),
		f.father: parentOf(f.self, f.twin),
		f.twin:   {}, // already fetched, by the first call
	}
	if got, want := SiblingNumbers(p, docs), []string{f.maternal}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v: only the siblings not yet fetched", got, want)
	}
	if got := SiblingNumbers(p, map[string]*person.Person{}); got != nil {
		t.Errorf("got %v without parents' documents, want none: no second call", got)
	}
}

func TestRelationsWith(t *testing.T) {
	f := newSibFamily(t)
	child := testNIN(t, "2024-01-01", 60)
	p := f.person(
		relTo(f.mother, person.RelationMother),
		relTo(child, person.RelationChild),
		person.FamilyRelation{Meta: meta("2010-01-01", ""), RelatedPerson: f.elder, RelatedPersonsRole: person.RelationSibling},
		relTo(f.lateSister, person.RelationSibling),
		relTo(testNIN(t, "1990-01-01", 61), "Cousin"),
	)
	sibs := []DerivedSibling{{NIN: f.maternal, Kin: Half, Via: Mother}, {NIN: f.elder, Kin: Full, Listed: true}}
	var got []string
	for _, r := range RelationsWith(p, sibs) {
		s := fmt.Sprintf("%s/%v", r.Role, r.Meta.FromDay() != "")
		if r.Sibling != nil {
			s += "/" + string(r.Sibling.Kin)
		}
		got = append(got, s)
	}
	// The derived siblings in their order, the elder with the own
	// document's metadata; then the sibling only the document names.
	want := []string{"Mother/false", "Child/false", "Sibling/false/half", "Sibling/true/full", "Sibling/false", "Cousin/false"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := RelationsWith(p, nil); len(got) != len(Relations(p)) {
		t.Errorf("got %d relations without derived siblings, want Relations' %d", len(got), len(Relations(p)))
	}
	// No sibling group and no others: the derived siblings come last.
	alone := f.person(relTo(f.mother, person.RelationMother))
	if got := RelationsWith(alone, sibs[:1]); len(got) != 2 || got[1].Sibling == nil {
		t.Errorf("got %+v, want the mother and then the sibling", got)
	}
}

// TestOf_DerivedSiblings: the graph's siblings row holds the siblings found
// in the parents' documents, with their kind, and a sibling the person's
// own document names too only once.
func TestOf_DerivedSiblings(t *testing.T) {
	f := newSibFamily(t)
	p := f.person(relTo(f.mother, person.RelationMother), relTo(f.father, person.RelationFather),
		relTo(f.elder, person.RelationSibling))
	docs := map[string]*person.Person{
		f.mother: parentOf(f.maternal, f.elder, f.self, f.twin),
		f.father: parentOf(f.elder, f.self, f.twin),
	}
	facts := Facts{Names: map[string]string{f.twin: "Tvilling Nordmann"}, Protected: map[string]bool{f.maternal: true},
		Siblings: Siblings(p, docs)}
	g := Of(p, facts)
	want := []Node{
		{Role: Sibling, NIN: f.maternal, Born: "1995", Protected: true, Kin: Half, Via: Mother},
		{Role: Sibling, NIN: f.elder, Born: "1998", Kin: Full},
		{Role: Sibling, NIN: f.twin, Name: "Tvilling Nordmann", Born: "2001", Kin: Full, Twin: true},
	}
	if !slices.Equal(g.Siblings, want) {
		t.Errorf("got\n%+v\nwant\n%+v", g.Siblings, want)
	}
	// Without derived siblings the document's own sibling stays, as before.
	if got := Of(p, Facts{}).Siblings; len(got) != 1 || got[0].NIN != f.elder || got[0].Kin != KinUnknown {
		t.Errorf("got %+v, want the document's sibling alone", got)
	}
}
