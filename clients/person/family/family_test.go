package family

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
)

func TestRelations(t *testing.T) {
	f := newTestFamily(t)
	rels := Relations(f.p)
	var got []string
	for _, r := range rels {
		got = append(got, fmt.Sprintf("%s/%s/current=%v/number=%v", r.Role, r.Mine, r.Meta.Current(), r.NIN != ""))
	}
	// Parents, spouse, children, siblings, others; in document order
	// within a group; the ended father kept for the panel's history.
	want := []string{
		"CoMother/Child/current=true/number=true",
		"Mother/Child/current=true/number=true",
		"Father//current=false/number=true",
		"SpouseOrPartner/SpouseOrPartner/current=true/number=true",
		"Child/Mother/current=true/number=true",
		"Child/Mother/current=true/number=true",
		"Child/Mother/current=true/number=false",
		"StillbornChild/Mother/current=true/number=false",
		"Sibling/Sibling/current=true/number=true",
		"Cousin//current=true/number=true",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := rels[3].NIN, f.spouse; got != want {
		t.Errorf("got spouse %q, want %q from the marital status", got, want)
	}
	if w := rels[6].Without; w == nil || w.Name == nil || w.Name.GivenName != "Lisa" {
		t.Errorf("got child without number %+v, want Lisa from the document", w)
	}
}

func TestRelations_Spouse(t *testing.T) {
	spouse := testNIN(t, "1979-04-04", 40)
	married := []person.MaritalStatus{{Status: person.MaritalMarried, RelatedByMaritalStatus: spouse}}
	tests := []struct {
		name      string
		relations []person.FamilyRelation
		marital   []person.MaritalStatus
		want      int // relations naming the spouse
	}{
		{"by marital status alone", nil, married, 1},
		{"a current relation already names them",
			[]person.FamilyRelation{{RelatedPerson: spouse, RelatedPersonsRole: person.RelationSpouseOrPartner}}, married, 1},
		{"an ended relation does not",
			[]person.FamilyRelation{{Meta: meta("1990-01-01", "1995-01-01"), RelatedPerson: spouse, RelatedPersonsRole: person.RelationSpouseOrPartner}},
			married, 2},
		{"a late spouse for the widowed", nil,
			[]person.MaritalStatus{{Status: person.MaritalWidowOrWidower, RelatedByMaritalStatus: spouse}}, 1},
		{"not a divorced one", nil,
			[]person.MaritalStatus{{Status: person.MaritalDivorced, RelatedByMaritalStatus: spouse}}, 0},
		{"not an ended marriage", nil,
			[]person.MaritalStatus{{Meta: meta("2000-01-01", "2010-01-01"), Status: person.MaritalMarried, RelatedByMaritalStatus: spouse}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rels := Relations(&person.Person{FamilyRelation: tt.relations, MaritalStatus: tt.marital})
			got := 0
			for _, r := range rels {
				if r.NIN == spouse {
					got++
				}
			}
			if got != tt.want {
				t.Errorf("got %d relations naming the spouse, want %d: %+v", got, tt.want, rels)
			}
		})
	}
}

func TestRelativeNumbers(t *testing.T) {
	f := newTestFamily(t)
	// The spouse is also named by a family relation: fetched once.
	f.p.FamilyRelation = append(f.p.FamilyRelation,
		person.FamilyRelation{RelatedPerson: f.spouse, RelatedPersonsRole: person.RelationSpouseOrPartner})
	got := RelativeNumbers(f.p)
	ended := f.p.FamilyRelation[8].RelatedPerson
	want := []string{f.comother, f.mother, ended, f.spouse, f.child1, f.child2, f.sib, f.cousin}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := RelativeNumbers(&person.Person{}); got != nil {
		t.Errorf("got %v for no relatives, want none: no bulk call", got)
	}
}

// TestS19_RelativeParts: no address of a relative is asked for, except the
// shared residence whose existence and dates the panel shows.
func TestS19_RelativeParts(t *testing.T) {
	addresses := []person.InformationPart{person.PartResidentialAddress, person.PartPresentAddress, person.PartPostalAddress,
		person.PartForeignPostalAddress, person.PartPreferredContactAddress}
	for _, parts := range [][]person.InformationPart{RelativeParts(), SiblingParts()} {
		for _, a := range addresses {
			if slices.Contains(parts, a) {
				t.Errorf("got %s among the relative's parts, want no address", a)
			}
		}
		for _, need := range []person.InformationPart{person.PartName, person.PartAddressProtection, person.PartNorwegianIdentificationNumber} {
			if !slices.Contains(parts, need) {
				t.Errorf("got %v, want %s: the panel and graph read it", parts, need)
			}
		}
	}
	// The parents' children are the siblings; the siblings' own relations
	// are nobody's business here.
	if !slices.Contains(RelativeParts(), person.PartFamilyRelation) || slices.Contains(SiblingParts(), person.PartFamilyRelation) {
		t.Errorf("got relative parts %v and sibling parts %v, want FamilyRelation in the first only", RelativeParts(), SiblingParts())
	}
	parts := RelativeParts()
	parts[0] = person.PartResidentialAddress
	if slices.Contains(RelativeParts(), person.PartResidentialAddress) {
		t.Errorf("got a changed list back: a caller changed the rule")
	}
}

func TestResponsibility(t *testing.T) {
	const self, child, parent = "self", "child", "parent"
	p := func(items ...person.ParentalResponsibility) *person.Person {
		return &person.Person{
			NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{IdentificationNumber: self}},
			ParentalResponsibility:        items,
		}
	}
	tests := []struct {
		name   string
		p      *person.Person
		rel    string
		want   person.ResponsibilityType // "" for none
		theirs bool
	}{
		{"mine for my child", p(person.ParentalResponsibility{Responsible: self, SubjectOfResponsibility: child, ResponsibilityType: person.ResponsibilityJoint}),
			child, person.ResponsibilityJoint, false},
		{"mine, my side left out", p(person.ParentalResponsibility{SubjectOfResponsibility: child, ResponsibilityType: person.ResponsibilityMother}),
			child, person.ResponsibilityMother, false},
		{"theirs for me", p(person.ParentalResponsibility{Responsible: parent, SubjectOfResponsibility: self, ResponsibilityType: person.ResponsibilityFather}),
			parent, person.ResponsibilityFather, true},
		{"theirs, my side left out", p(person.ParentalResponsibility{Responsible: parent, ResponsibilityType: person.ResponsibilityFather}),
			parent, person.ResponsibilityFather, true},
		{"between two others", p(person.ParentalResponsibility{Responsible: parent, SubjectOfResponsibility: child, ResponsibilityType: person.ResponsibilityJoint}),
			child, "", false},
		{"ended", p(person.ParentalResponsibility{Meta: meta("2000-01-01", "2010-01-01"), Responsible: self, SubjectOfResponsibility: child, ResponsibilityType: person.ResponsibilityJoint}),
			child, "", false},
		{"none", p(), child, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, theirs := Responsibility(tt.p, tt.rel)
			var got person.ResponsibilityType
			if pr != nil {
				got = pr.ResponsibilityType
			}
			if got != tt.want || theirs != tt.theirs {
				t.Errorf("got %q, theirs %v, want %q, theirs %v", got, theirs, tt.want, tt.theirs)
			}
		})
	}
}
