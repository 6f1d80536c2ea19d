package timeline

import (
	"slices"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/family"
)

// relative is a relative's document as the bulk call returns it.
func relative(nin, given, family, born, died string) *person.Person {
	r := &person.Person{
		NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{IdentificationNumber: nin, Status: person.IdentificationInUse}},
		Name:                          []person.PersonName{{Meta: meta("2000-01-01", ""), GivenName: given, FamilyName: family}},
		Birth:                         []person.Birth{{Meta: meta(born, ""), BirthDate: day(born)}},
	}
	if died != "" {
		r.Death = &person.Death{Meta: meta(died, ""), DeceasedDate: day(died)}
	}
	return r
}

// lifeMore is lifePerson with a mother who died in 2020, and what the bulk
// call and the lab service say: the child Emil, the mother, the spouse
// (alive), and four lab reports, one undated and one withdrawn.
func lifeMore(t *testing.T) (*person.Person, More) {
	t.Helper()
	p := lifePerson(t)
	child := p.FamilyRelation[0].RelatedPerson
	spouse := p.MaritalStatus[1].RelatedByMaritalStatus
	mother := testNIN(t, "1950-02-02", 5)
	p.FamilyRelation = append(p.FamilyRelation,
		person.FamilyRelation{Meta: meta("1980-03-12", ""), RelatedPerson: mother,
			RelatedPersonsRole: person.RelationMother, MyRoleForRelatedPerson: person.RelationChild})
	docs := map[string]*person.Person{
		child:  relative(child, "Emil", "Nordmann", "2010-06-01", ""),
		mother: relative(mother, "Kari", "Hansen", "1950-02-02", "2020-04-01"),
		spouse: relative(spouse, "Ola", "Nordmann", "1978-01-01", ""),
	}
	oslo, _ := time.LoadLocation("Europe/Oslo")
	return p, More{
		Relatives: RelativesOf(docs),
		Labs: []LabReport{
			{When: time.Date(2026, 10, 1, 8, 30, 0, 0, oslo), Name: "Blodstatus", Category: "Hematologi"},
			// 23:30 UTC is the next day in Oslo: the event is on the Oslo day.
			{When: time.Date(2024, 3, 1, 23, 30, 0, 0, time.UTC), Category: "Klinisk kjemi"},
			{When: time.Date(2025, 5, 5, 9, 0, 0, 0, oslo), Name: "Kreatinin", Withdrawn: true},
			{Name: "Udatert"},
		},
	}
}

func TestBuildWith_Relatives(t *testing.T) {
	p, more := lifeMore(t)
	es := BuildWith(p, now, more)
	tests := []struct {
		id, date, title string
	}{
		{"familyrelation-0-birth", "2010-06-01", "timeline.event.relative_birth.named(Emil Nordmann, Child)"},
		{"relative-0-death", "2020-04-01", "timeline.event.relative_death.named(Kari Hansen, Mother)"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e := mustFind(t, es, tt.id)
			if got, want := e.Title.String(), tt.title; got != want {
				t.Errorf("title %q, want %q", got, want)
			}
			if got, want := e.Date.DateOnly(), tt.date; got != want {
				t.Errorf("date %q, want %q", got, want)
			}
			if got, want := e.Kind, KindFamily; got != want {
				t.Errorf("kind %q, want %q", got, want)
			}
			if e.Diffable() {
				t.Errorf("a derived event must not be diffable")
			}
		})
	}
	// The spouse is alive: no death; and only one death event in all.
	var deaths []string
	for _, e := range es {
		if e.Part == person.PartFamilyRelation && e.Derived && e.Title.Key == "timeline.event.relative_death.named" {
			deaths = append(deaths, e.ID)
		}
	}
	if got, want := deaths, []string{"relative-0-death"}; !slices.Equal(got, want) {
		t.Errorf("deaths %v, want %v", got, want)
	}
}

func TestBuildWith_RelativeNamedTwice(t *testing.T) {
	p, more := lifeMore(t)
	mother := p.FamilyRelation[1]
	ended := mother
	ended.Meta = meta("1980-03-12", "1990-01-01")
	p.FamilyRelation = append(p.FamilyRelation, ended)
	n := 0
	for _, e := range BuildWith(p, now, more) {
		if e.Title.Key == "timeline.event.relative_death.named" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d death events for a mother named by two relations, want 1", n)
	}
}

func TestBuildWith_WithoutRelatives(t *testing.T) {
	// The bulk call failed: births show the role alone, and no death is
	// known.
	p, more := lifeMore(t)
	more.Relatives = nil
	es := BuildWith(p, now, more)
	if got, want := mustFind(t, es, "familyrelation-0-birth").Title.String(), "timeline.event.relative_birth(Child)"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	if _, ok := find(es, "relative-0-death"); ok {
		t.Errorf("a death event without the relatives' documents")
	}
}

func TestBuildWith_Labs(t *testing.T) {
	p, more := lifeMore(t)
	es := BuildWith(p, now, more)
	tests := []struct {
		id, date, title, after string
		current                bool
	}{
		{"lab-0", "2026-10-01", "timeline.event.lab(Blodstatus)", "Hematologi", true},
		{"lab-1", "2024-03-02", "timeline.event.lab(Klinisk kjemi)", "", true},
		{"lab-2", "2025-05-05", "timeline.event.lab(Kreatinin)", "timeline.lab.withdrawn", false},
		{"lab-3", "", "timeline.event.lab(Udatert)", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e := mustFind(t, es, tt.id)
			if got, want := e.Kind, KindLab; got != want {
				t.Errorf("kind %q, want %q", got, want)
			}
			if got, want := Join(e.Date).String(), tt.date; got != want {
				t.Errorf("date %q, want %q", got, want)
			}
			if got, want := e.Title.String(), tt.title; got != want {
				t.Errorf("title %q, want %q", got, want)
			}
			if got, want := e.After.String(), tt.after; got != want {
				t.Errorf("after %q, want %q", got, want)
			}
			if got, want := e.Current, tt.current; got != want {
				t.Errorf("current %v, want %v", got, want)
			}
			if e.Diffable() {
				t.Errorf("a lab report must not be diffable")
			}
		})
	}
	if got := es[len(es)-1].ID; got != "lab-3" {
		t.Errorf("last entry %q, want the undated report", got)
	}
	if got, want := mustFind(t, BuildWith(p, now, More{Labs: []LabReport{{}}}), "lab-0").Title.String(), "timeline.event.lab.unnamed"; got != want {
		t.Errorf("report without name or category: %q, want %q", got, want)
	}
}

func TestRelativesOf(t *testing.T) {
	protected := relative("1", "Skjult", "Person", "1960-01-01", "")
	protected.AddressProtection = []person.AddressProtection{{Meta: meta("2000-01-01", ""), ProtectionLevel: person.StrictlyConfidential}}
	corrected := relative("2", "Levende", "Person", "1970-01-01", "2019-01-01")
	corrected.Death.IsValid = person.Bool(false) // a death registered in error and corrected
	tests := []struct {
		name string
		doc  *person.Person
		want Relative
	}{
		{"alive", relative("3", "Emil", "Nordmann", "2010-06-01", ""), Relative{Name: "Emil Nordmann", Born: day("2010-06-01")}},
		{"dead", relative("4", "Kari", "Hansen", "1950-02-02", "2020-04-01"), Relative{Name: "Kari Hansen", Born: day("1950-02-02"), Died: day("2020-04-01")}},
		// Named as the family panel names them: the protection hides where
		// they live, not who they are.
		{"protected", protected, Relative{Name: "Skjult Person", Born: day("1960-01-01")}},
		{"corrected death", corrected, Relative{Name: "Levende Person", Born: day("1970-01-01")}},
		{"no name", &person.Person{}, Relative{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RelativesOf(map[string]*person.Person{"n": tt.doc})["n"]
			if got.Name != tt.want.Name || got.Born.DateOnly() != tt.want.Born.DateOnly() || got.Died.DateOnly() != tt.want.Died.DateOnly() {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if got := RelativesOf(nil); got != nil {
		t.Errorf("RelativesOf(nil) = %v, want nil", got)
	}
}

func TestSorted(t *testing.T) {
	es := []Entry{{ID: "a", Date: day("2000-01-01")}, {ID: "b", Date: day("2010-01-01")}, {ID: "c", Date: day("2020-01-01")}, {ID: "x"}, {ID: "y"}}
	tests := []struct {
		order Order
		want  []string
	}{
		{OldestFirst, []string{"a", "b", "c", "x", "y"}},
		// Undated events cannot be placed: last either way.
		{NewestFirst, []string{"c", "b", "a", "x", "y"}},
		{"", []string{"a", "b", "c", "x", "y"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.order), func(t *testing.T) {
			if got := ids(Sorted(es, tt.order)); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if got, want := ids(es), []string{"a", "b", "c", "x", "y"}; !slices.Equal(got, want) {
		t.Errorf("Sorted changed its argument: %v", got)
	}
	// Newest first is the exact reverse of the dated events of a real build.
	p, more := lifeMore(t)
	old := BuildWith(p, now, more)
	newest := Sorted(old, NewestFirst)
	if got, want := newest[0].ID, "lab-0"; got != want {
		t.Errorf("newest first starts with %q, want %q (the 2026 report)", got, want)
	}
	if got, want := newest[len(newest)-1].ID, "lab-3"; got != want {
		t.Errorf("newest first ends with %q, want the undated %q", got, want)
	}
}

func TestParseOrder(t *testing.T) {
	tests := []struct {
		in   string
		want Order
		ok   bool
	}{
		{"oldest", OldestFirst, true},
		{"newest", NewestFirst, true},
		{"", OldestFirst, false},
		{"NEWEST", OldestFirst, false},
		{"random", OldestFirst, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseOrder(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseOrder(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestBuildWith_Siblings: a twin's and a half-sibling's births and a
// sibling's death are events, named from their documents; a sibling the
// person's own document lists, or one not fetched, adds none.
func TestBuildWith_Siblings(t *testing.T) {
	p, more := lifeMore(t)
	twin := testNIN(t, "1980-03-12", 7)
	half := testNIN(t, "1984-09-09", 9)
	listed := testNIN(t, "1982-01-01", 11)
	more.Relatives[twin] = Relative{Name: "Per Nordmann", Born: day("1980-03-12")}
	more.Relatives[half] = Relative{Name: "Lise Hansen", Born: day("1984-09-09"), Died: day("2019-05-05")}
	more.Siblings = []family.DerivedSibling{
		{NIN: twin, Kin: family.Full, Twin: true},
		{NIN: half, Kin: family.Half, Via: family.Mother},
		{NIN: listed, Kin: family.Full, Listed: true},
		{NIN: testNIN(t, "1990-01-01", 13), Kin: family.KinUnknown},
	}
	es := BuildWith(p, now, more)
	for _, tt := range []struct{ id, date, name string }{
		{"sibling-0-birth", "1980-03-12", "Per Nordmann"},
		{"sibling-1-birth", "1984-09-09", "Lise Hansen"},
		{"sibling-1-death", "2019-05-05", "Lise Hansen"},
	} {
		e := mustFind(t, es, tt.id)
		if e.Date.DateOnly() != tt.date || len(e.Title.Args) != 2 || e.Title.Args[0] != tt.name {
			t.Errorf("%s: %s %v; want %s and %s", tt.id, e.Date.DateOnly(), e.Title, tt.date, tt.name)
		}
		if sib, ok := e.Title.Args[1].(Text); !ok || len(sib.Args) != 1 {
			t.Errorf("%s: the role argument is %v; want the sibling", tt.id, e.Title.Args[1])
		}
	}
	for _, e := range es {
		if e.ID == "sibling-2-birth" || e.ID == "sibling-3-birth" {
			t.Errorf("%s: a listed or unfetched sibling has an event", e.ID)
		}
	}
}
