package handlers

import (
	"bytes"
	"context"
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
	v := tlEntryView(es[0], timelineQuery{})
	if !v.Date.IsZero() || v.DateISO != "" {
		t.Errorf("undated entry dated %v (%q)", v.Date, v.DateISO)
	}
}

// TestTimelineText writes the timeline's words, as handed to the view, in
// bokmål: dates, countries, enum values and roles are named as the page
// names them, and no key is left untranslated.
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
		{"familyrelation-0-birth", "Fødsel: barn", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e, ok := tlFind(es, tt.id)
			if !ok {
				t.Fatalf("no entry %q in %v", tt.id, tlIDs(es))
			}
			title, after, before := tlWords(e.Title).Lang(i18n.NB), tlWords(e.After).Lang(i18n.NB), tlWords(e.Before).Lang(i18n.NB)
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
		{"known status", i18n.EN, timeline.Enum("timeline.status", string(person.StatusResident)), i18n.TL(i18n.EN, "timeline.status.resident")},
		{"empty enum", i18n.NB, timeline.Enum("timeline.status", ""), ""},
		{"role", i18n.NB, timeline.Join(person.FamilyRelationType("Cousin")), i18n.TL(i18n.NB, "familygraph.role.unknown", "Cousin")},
		{"known role", i18n.NB, timeline.Join(person.RelationChild), "barn"},
		{"protected before", i18n.NB, timeline.Key("timeline.protected_address"), "Beskyttet adresse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tlWords(tt.text).Lang(tt.l); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTimelineAsOfCard(t *testing.T) {
	p := tlLifePerson(t)
	value := func(c *views.TimelineAsOfCard, label string) string {
		for _, r := range c.Rows {
			if r.Label.Lang(i18n.NB) == label {
				var vs []string
				for _, v := range r.Values {
					vs = append(vs, v.Lang(i18n.NB))
				}
				return strings.Join(vs, " | ")
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
			c := tlAsOfCard(timeline.AsOf(p, tt.day), tt.day)
			if got := value(c, tt.label); got != tt.want {
				t.Errorf("%s on %s = %q, want %q", tt.label, tt.day, got, tt.want)
			}
		})
	}
}

// TestTimelineDiffRows: the comparison hands the view every field of
// either side, in the order package timeline gives, each side as it reads;
// which rows show and which changed the view decides (see
// views.TestTimelineDiffLines).
func TestTimelineDiffRows(t *testing.T) {
	d, err := timeline.Compare(timeline.Build(tlLifePerson(t), tlNow), "name-0", "name-1")
	if err != nil {
		t.Fatal(err)
	}
	rows := tlDiffRows(d.Rows)
	if got, want := len(rows), len(d.Rows); got != want {
		t.Fatalf("%d rows, want %d", got, want)
	}
	got := map[string][2]string{}
	for _, r := range rows {
		got[r.Label.Lang(i18n.NB)] = [2]string{r.A.Lang(i18n.NB), r.B.Lang(i18n.NB)}
	}
	tests := []struct {
		label string
		a, b  string
	}{
		{"Fornavn", "Kari", "Kari"},
		{"Mellomnavn", "", "Hansen"},
		{"Etternavn", "Hansen", "Nordmann"},
		{"Gyldig fra", "12.03.1980", "05.07.2008"},
		{"Gyldig til", "05.07.2008", ""},
		{"Gjeldende", "Nei", "Ja"},
		{"Kilde", "Skatteetaten", "Skatteetaten"},
		{"Forkortet navn", "", ""},
	}
	for _, tt := range tests {
		r, ok := got[tt.label]
		if !ok {
			t.Errorf("no row %q in %v", tt.label, got)
			continue
		}
		if r != [2]string{tt.a, tt.b} {
			t.Errorf("%s: got %q → %q, want %q → %q", tt.label, r[0], r[1], tt.a, tt.b)
		}
	}
}

// TestS44_TimelineUnreadableDate: a date the client could not read is shown
// as received, marked; package timeline sorts it with the undated entries.
func TestS44_TimelineUnreadableDate(t *testing.T) {
	odd := tolerant.Unreadable("mars 2022")
	e := timeline.Entry{ID: "name-0", Kind: timeline.KindName, Title: timeline.Join("Kari"), Date: odd, RegisteredAt: odd}
	v := tlEntryView(e, timelineQuery{})
	var buf bytes.Buffer
	if err := views.TimelineResults(views.TimelineData{Entries: []views.TimelineEntryView{v}, Total: 1}).
		Render(i18n.WithLang(context.Background(), i18n.NB), &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	// In the entry's label for the A/B choice, and in its registration time.
	for _, want := range []string{
		`aria-label="` + i18n.TL(i18n.NB, "timeline.pick.group", "Kari", "mars 2022 — ukjent format") + `"`,
		i18n.TL(i18n.NB, "timeline.registered", "mars 2022 — ukjent format"),
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestTimelineText_More: a named child's birth, a relative's death and a
// lab report read as a clinician would say them, in every language.
func TestTimelineText_More(t *testing.T) {
	p, rels := tlFamily(t)
	docs := map[string]*person.Person{}
	for _, r := range rels {
		docs[r.NorwegianIdentificationNumber[0].IdentificationNumber] = r
	}
	es := timeline.BuildWith(p, tlNow, timeline.More{Relatives: timeline.RelativesOf(docs),
		Labs: []timeline.LabReport{{When: tlNow, Name: "Blodstatus"}}})
	tests := []struct {
		id         string
		nb, nn, en string
	}{
		{"familyrelation-0-birth", "Fødsel: Emil Nordmann (barn)", "Fødsel: Emil Nordmann (barn)", "Birth: Emil Nordmann (child)"},
		{"relative-0-death", "Død: Kari Hansen (mor)", "Død: Kari Hansen (mor)", "Death: Kari Hansen (mother)"},
		{"lab-0", "Prøvesvar: Blodstatus", "Prøvesvar: Blodstatus", "Lab report: Blodstatus"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e, ok := tlFind(es, tt.id)
			if !ok {
				t.Fatalf("no entry %q in %v", tt.id, tlIDs(es))
			}
			for l, want := range map[i18n.Lang]string{i18n.NB: tt.nb, i18n.NN: tt.nn, i18n.EN: tt.en} {
				if got := tlWords(e.Title).Lang(l); got != want {
					t.Errorf("%s: %q, want %q", l, got, want)
				}
			}
		})
	}
}
