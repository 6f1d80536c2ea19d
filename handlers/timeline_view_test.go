package handlers

import (
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/timeline"
	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

func TestTimelineEntryView_Undated(t *testing.T) {
	p := &person.Person{Name: []person.PersonName{{GivenName: "Udatert"}}}
	es := timeline.Build(p, tlNow)
	v := tlEntryView(i18n.NB, es[0], timelineQuery{})
	if v.Date != "" || v.DateISO != "" {
		t.Errorf("undated entry shows date %q", v.Date)
	}
}

// TestTimelineText writes the timeline's words in bokmål: dates, countries,
// enum values and roles are named as the page names them, and no key is
// left untranslated.
func TestTimelineText(t *testing.T) {
	es := timeline.Build(tlLifePerson(t), tlNow)
	tests := []struct {
		id     string
		title  string // bokmål
		after  string
		before string // "" for none
	}{
		{"birth-0", "Født", "12.03.1980, Bergen, Norge", ""},
		{"residentialaddress-0", "Bostedsadresse registrert", "Bergensgata 1, 5003 BERGEN", ""},
		{"residentialaddress-1", "Flyttet", "Thorvald Meyers gate 10, 0555 OSLO", "Bergensgata 1, 5003 BERGEN"},
		{"residentialaddress-2", "Flyttet", "Markveien 35B, 0554 OSLO", "Thorvald Meyers gate 10, 0555 OSLO"},
		{"postaladdress-0", "Postadresse registrert", "Postboks 123, 0102 OSLO", ""},
		{"name-1", "Navneendring", "Kari Hansen Nordmann", "Kari Hansen"},
		{"maritalstatus-1", "Sivilstand: gift", "gift", "ugift"},
		{"status-1", "Personstatus: utflyttet", "utflyttet", "bosatt"},
		{"emigrationfromnorway-0", "Utflyttet til Sverige", "Sverige", ""},
		{"immigrationtonorway-0", "Innflyttet fra Sverige", "Sverige", ""},
		{"norwegianidentificationnumber-0", "Identitetsnummer tildelt", "", ""},
		{"citizenship-0", "Statsborgerskap: Norge", "Norge", ""},
		{"addressprotection-0", "Adressebeskyttelse: ugradert", "ugradert", ""},
		{"familyrelation-0", "Familierelasjon registrert: barn", "barn", ""},
		{"familyrelation-0-birth", "Fødsel: barn", "01.06.2010", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e, ok := tlFind(es, tt.id)
			if !ok {
				t.Fatalf("no entry %q in %v", tt.id, tlIDs(es))
			}
			title, after, before := tlText(i18n.NB, e.Title), tlText(i18n.NB, e.After), tlText(i18n.NB, e.Before)
			if title != tt.title {
				t.Errorf("title %q, want %q", title, tt.title)
			}
			if tt.after != "" && after != tt.after {
				t.Errorf("after %q, want %q", after, tt.after)
			}
			if before != tt.before {
				t.Errorf("before %q, want %q", before, tt.before)
			}
			if strings.Contains(title, "timeline.") || strings.Contains(after, "timeline.") {
				t.Errorf("untranslated key in %q / %q", title, after)
			}
		})
	}
}

// TestTimelineText_Unknown: a value the catalog does not know is shown as
// it came, marked, and an empty one shows nothing.
func TestTimelineText_Unknown(t *testing.T) {
	tests := []struct {
		name string
		l    i18n.Lang
		text timeline.Text
		want string
	}{
		{"status", i18n.EN, timeline.Key("timeline.event.status", timeline.Enum("timeline.status", "Vanished")), "Person status: unknown value (Vanished)"},
		{"known status", i18n.EN, timeline.Enum("timeline.status", string(person.StatusResident)), tlText(i18n.EN, timeline.Key("timeline.status.resident"))},
		{"empty enum", i18n.NB, timeline.Enum("timeline.status", ""), ""},
		{"role", i18n.NB, timeline.Join(person.FamilyRelationType("Cousin")), i18n.TL(i18n.NB, "familygraph.role.unknown", "Cousin")},
		{"known role", i18n.NB, timeline.Join(person.RelationChild), "barn"},
		{"protected before", i18n.NB, timeline.Key("timeline.protected_address"), "Beskyttet adresse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tlText(tt.l, tt.text); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTimelineAsOfCard(t *testing.T) {
	p := tlLifePerson(t)
	value := func(c *views.TimelineAsOfCard, label string) string {
		for _, r := range c.Rows {
			if r.Label == label {
				return strings.Join(r.Values, " | ")
			}
		}
		return "(no row)"
	}
	tests := []struct {
		day, label, want string
	}{
		{"2008-07-05", "Sivilstand", "gift"},
		{"1999-07-31", "Bostedsadresse", "Bergensgata 1, 5003 BERGEN, 0301 Oslo"},
		{"2026-01-01", "Adressebeskyttelse", "ugradert"},
		{"1970-01-01", "Merk", "Personen var ikke født på denne datoen."},
	}
	for _, tt := range tests {
		t.Run(tt.day+"/"+tt.label, func(t *testing.T) {
			c := tlAsOfCard(i18n.NB, timeline.AsOf(p, tt.day), tt.day)
			if got := value(c, tt.label); got != tt.want {
				t.Errorf("%s on %s = %q, want %q", tt.label, tt.day, got, tt.want)
			}
		})
	}
}

// TestTimelineDiffRows: rows empty on both sides are left out, and a row is
// changed when its sides read differently.
func TestTimelineDiffRows(t *testing.T) {
	d, err := timeline.Compare(timeline.Build(tlLifePerson(t), tlNow), "name-0", "name-1")
	if err != nil {
		t.Fatal(err)
	}
	rows := tlDiffRows(i18n.NB, d.Rows)
	got := map[string]views.TimelineDiffRow{}
	for _, r := range rows {
		got[r.Label] = r
	}
	tests := []struct {
		label   string
		a, b    string
		changed bool
	}{
		{"Fornavn", "Kari", "Kari", false},
		{"Mellomnavn", "", "Hansen", true},
		{"Etternavn", "Hansen", "Nordmann", true},
		{"Gyldig fra", "12.03.1980", "05.07.2008", true},
		{"Gyldig til", "05.07.2008", "", true},
		{"Gjeldende", "Nei", "Ja", true},
		{"Kilde", "Skatteetaten", "Skatteetaten", false},
	}
	for _, tt := range tests {
		r, ok := got[tt.label]
		if !ok {
			t.Errorf("no row %q in %v", tt.label, rows)
			continue
		}
		if r.A != tt.a || r.B != tt.b || r.Changed != tt.changed {
			t.Errorf("%s: got %q → %q changed %v, want %q → %q changed %v", tt.label, r.A, r.B, r.Changed, tt.a, tt.b, tt.changed)
		}
	}
	if _, ok := got["Forkortet navn"]; ok {
		t.Errorf("a field empty on both sides is shown")
	}
	// Two times of one day read alike, so they are not a change.
	same := tlDiffRows(i18n.NB, []timeline.DiffRow{{Label: "timeline.field.validfrom",
		A: timeline.Join(tlDay("2020-01-01T08:00:00Z")), B: timeline.Join(tlDay("2020-01-01T09:00:00Z"))}})
	if len(same) != 1 || same[0].Changed {
		t.Errorf("one day at two times: %+v, want one unchanged row", same)
	}
}

// TestS44_TimelineUnreadableDate: a date the client could not read is shown
// as received, marked; package timeline sorts it with the undated entries.
func TestS44_TimelineUnreadableDate(t *testing.T) {
	odd := tolerant.Unreadable("mars 2022")
	if got, want := tlDate(i18n.NB, odd), "mars 2022 — ukjent format"; got != want {
		t.Errorf("tlDate = %q, want %q", got, want)
	}
	e := timeline.Entry{ID: "name-0", Kind: timeline.KindName, Date: odd, RegisteredAt: odd}
	v := tlEntryView(i18n.NB, e, timelineQuery{})
	if v.Date != "mars 2022 — ukjent format" || v.RegisteredAt != "mars 2022 — ukjent format" {
		t.Errorf("entry view dated %q, registered %q", v.Date, v.RegisteredAt)
	}
}
