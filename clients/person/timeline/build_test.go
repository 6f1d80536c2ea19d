package timeline

import (
	"slices"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/tolerant"
)

func TestBuild_Order(t *testing.T) {
	es := Build(lifePerson(t), now)
	for i := 1; i < len(es); i++ {
		a, b := es[i-1].Date, es[i].Date
		if !a.IsZero() && !b.IsZero() && a.After(b.Time) {
			t.Errorf("entry %d (%s, %s) after entry %d (%s, %s)", i-1, es[i-1].ID, a.DateOnly(), i, es[i].ID, b.DateOnly())
		}
	}
	if got, want := es[0].ID, "birth-0"; got != want {
		t.Errorf("first entry %q, want %q (the birth sorts before the other items of that day)", got, want)
	}
	// Every ID is unique, so a and b pick exactly one entry.
	seen := map[string]bool{}
	for _, id := range ids(es) {
		if seen[id] {
			t.Errorf("duplicate id %q", id)
		}
		seen[id] = true
	}
	// Building twice gives the same ids in the same order.
	if got, want := ids(Build(lifePerson(t), now)), ids(es); !slices.Equal(got, want) {
		t.Errorf("ids not stable:\n%v\n%v", got, want)
	}
}

func TestBuild_Nil(t *testing.T) {
	if got := Build(nil, now); got != nil {
		t.Errorf("Build(nil) = %v, want nil", got)
	}
	if got := AsOf(nil, "2000-01-01"); got != nil {
		t.Errorf("AsOf(nil) = %v, want nil", got)
	}
}

func TestBuild_Undated(t *testing.T) {
	p := &person.Person{
		Name: []person.PersonName{
			{GivenName: "Udatert"},
			{Meta: meta("2000-01-01", ""), GivenName: "Datert"},
		},
	}
	es := Build(p, now)
	if got, want := ids(es), []string{"name-1", "name-0"}; !slices.Equal(got, want) {
		t.Errorf("ids %v, want %v (undated last)", got, want)
	}
	if !es[1].Date.IsZero() {
		t.Errorf("undated entry dated %v", es[1].Date)
	}
}

func TestBuild_Kinds(t *testing.T) {
	es := Build(lifePerson(t), now)
	tests := []struct {
		id     string
		kind   Kind
		title  string // Text.String
		after  string
		before string
	}{
		{"birth-0", KindStatus, "timeline.event.birth", "1980-03-12, Bergen, NOR", ""},
		{"residentialaddress-0", KindMove, "timeline.event.residential.first", "Bergensgata 1, 5003 BERGEN", ""},
		{"residentialaddress-1", KindMove, "timeline.event.residential.change", "Thorvald Meyers gate 10, 0555 OSLO", "Bergensgata 1, 5003 BERGEN"},
		{"residentialaddress-2", KindMove, "timeline.event.residential.change", "Markveien 35B, 0554 OSLO", "Thorvald Meyers gate 10, 0555 OSLO"},
		{"postaladdress-0", KindPostal, "timeline.event.postal.first", "timeline.postbox(123), 0102 OSLO", ""},
		{"name-0", KindName, "timeline.event.name.first", "Kari Hansen", ""},
		{"name-1", KindName, "timeline.event.name.change", "Kari Hansen Nordmann", "Kari Hansen"},
		{"maritalstatus-1", KindMarital, "timeline.event.marital(timeline.marital[Married])", "timeline.marital[Married]", "timeline.marital[Unmarried]"},
		{"status-1", KindStatus, "timeline.event.status(timeline.status[Emigrated])", "timeline.status[Emigrated]", "timeline.status[Resident]"},
		{"emigrationfromnorway-0", KindStatus, "timeline.event.emigration(SWE)", "SWE", ""},
		{"immigrationtonorway-0", KindStatus, "timeline.event.immigration(SWE)", "SWE", ""},
		{"norwegianidentificationnumber-0", KindIdentity, "timeline.event.nin.first", "", ""},
		{"citizenship-0", KindCitizenship, "timeline.event.citizenship(NOR)", "NOR", ""},
		{"addressprotection-0", KindProtection, "timeline.event.protection(timeline.level[Unclassified])", "timeline.level[Unclassified]", ""},
		{"familyrelation-0", KindFamily, "timeline.event.relation(Child)", "Child", ""},
		{"familyrelation-0-birth", KindFamily, "timeline.event.relative_birth(Child)", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e := mustFind(t, es, tt.id)
			if got, want := e.Kind, tt.kind; got != want {
				t.Errorf("kind %q, want %q", got, want)
			}
			if got, want := e.Title.String(), tt.title; got != want {
				t.Errorf("title %q, want %q", got, want)
			}
			if got, want := e.After.String(), tt.after; tt.after != "" && got != want {
				t.Errorf("after %q, want %q", got, want)
			}
			if got, want := e.Before.String(), tt.before; got != want {
				t.Errorf("before %q, want %q", got, want)
			}
		})
	}
}

func TestBuild_DeathFutureAndUnknownEnum(t *testing.T) {
	p := &person.Person{
		Death:  &person.Death{Meta: person.Meta{RegisteredAt: day("2024-02-03")}, DeceasedDate: day("2024-02-01")},
		Status: []person.PersonStatus{{Meta: meta("2024-02-01", ""), Status: "Vanished"}},
		ResidentialAddress: []person.ResidentialAddress{
			street(meta("2027-01-01", ""), "Framtidsveien", "1", "0150", "OSLO"),
		},
	}
	es := Build(p, now)
	death := mustFind(t, es, "death-0")
	if got, want := death.Date.DateOnly(), "2024-02-01"; got != want {
		t.Errorf("death dated %s, want the deceased date %s", got, want)
	}
	if death.Future {
		t.Errorf("death in 2024 marked future")
	}
	// The value is kept as it came; the page says it does not know it.
	if got, want := mustFind(t, es, "status-0").Title.String(), "timeline.event.status(timeline.status[Vanished])"; got != want {
		t.Errorf("unknown status title %q, want %q", got, want)
	}
	if !mustFind(t, es, "residentialaddress-0").Future {
		t.Errorf("address valid from 2027 not marked future")
	}
}

func TestBuild_RelativeWithoutIdentifier(t *testing.T) {
	p := &person.Person{FamilyRelation: []person.FamilyRelation{
		{Meta: meta("2019-05-05", ""), RelatedPersonsRole: person.RelationChild,
			RelatedPersonWithoutIdentifier: &person.RelatedPersonWithoutIdentifier{
				Name: &person.Name{GivenName: "Ola", FamilyName: "Utlending"}, BirthDate: day("2019-04-30")}},
		// A parent without a date of birth: no birth event, nothing guessed.
		{Meta: meta("", ""), RelatedPersonsRole: person.RelationMother,
			RelatedPersonWithoutIdentifier: &person.RelatedPersonWithoutIdentifier{Name: &person.Name{GivenName: "Mor"}}},
	}}
	es := Build(p, now)
	birth := mustFind(t, es, "familyrelation-0-birth")
	// The title names the child; the date is the event's own.
	if got, want := birth.Title.String(), "timeline.event.relative_birth.named(Ola Utlending, Child)"; got != want {
		t.Errorf("birth %q, want %q", got, want)
	}
	if got, want := birth.Date.DateOnly(), "2019-04-30"; got != want {
		t.Errorf("birth dated %q, want %q", got, want)
	}
	if birth.Diffable() {
		t.Errorf("a derived birth event must not be diffable")
	}
	if _, ok := find(es, "familyrelation-1-birth"); ok {
		t.Errorf("birth event for a relative without a birth date")
	}
}

// TestS44_UnreadableDate: a date the client could not read sorts with the
// undated entries, never as year 1, and gives no start day.
func TestS44_UnreadableDate(t *testing.T) {
	odd := tolerant.Unreadable("mars 2022")
	if got := compareDates(odd, day("2020-01-01")); got != 1 {
		t.Errorf("unreadable date sorts before a known one (%d)", got)
	}
	if got := start(person.Meta{ValidFrom: odd}); got != "" {
		t.Errorf("start of an unreadable validFrom = %q, want none", got)
	}
	if got, want := Join(odd).String(), "unread(mars 2022)"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name string
		text Text
		zero bool
		want string
	}{
		{"nothing", Text{}, true, ""},
		{"empty parts", Join("", Country(""), Join(""), person.DateTime{}, EnumValue{Prefix: "p"}), true, ""},
		{"a key", Key("timeline.yes"), false, "timeline.yes"},
		{"a key with empty arguments", Key("k", "", "x"), false, "k(, x)"},
		{"parts", Join("a", "", Country("NOR"), day("2001-02-03")), false, "a, NOR, 2001-02-03"},
		{"a number", Join(0), false, "0"},
		{"an enum", Enum("timeline.level", "Confidential"), false, "timeline.level[Confidential]"},
		{"an empty enum", Enum("timeline.level", ""), true, ""},
		{"a role", Join(person.RelationChild), false, "Child"},
		{"nested", Key("a", Key("b", Join("c"))), false, "a(b(c))"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := tt.text.IsZero(), tt.zero; got != want {
				t.Errorf("IsZero = %v, want %v", got, want)
			}
			if got, want := tt.text.String(), tt.want; got != want {
				t.Errorf("String = %q, want %q", got, want)
			}
		})
	}
}
