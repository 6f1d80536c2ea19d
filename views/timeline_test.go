package views

import (
	"bytes"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/timeline"
	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/views/i18n"
)

// tlTestDay is a FREG date as the client reads it.
func tlTestDay(t *testing.T, s string) person.DateTime {
	t.Helper()
	d, err := person.ParseDateTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestTimelineText writes the timeline's words: keys with arguments
// translated in turn, joins without their empty parts, and dates,
// countries and enum values named in the language.
func TestTimelineText(t *testing.T) {
	tests := []struct {
		name string
		l    i18n.Lang
		text timeline.Text
		want string
	}{
		{"zero", i18n.NB, timeline.Text{}, ""},
		{"a key", i18n.EN, timeline.Key("timeline.protected_address"), i18n.TL(i18n.EN, "timeline.protected_address")},
		{"a key with a country", i18n.NB, timeline.Key("timeline.event.emigration", timeline.Country("SWE")), "Utflyttet til Sverige"},
		{"a country in English", i18n.EN, timeline.Join(timeline.Country("nor")), "Norway"},
		{"stateless", i18n.NN, timeline.Join(timeline.Country("XXX")), i18n.TL(i18n.NN, "person.country.stateless")},
		{"an unknown country as it came", i18n.NB, timeline.Join(timeline.Country("QQQ")), "QQQ"},
		{"a join leaves out empty parts", i18n.NB, timeline.Join("Bergen", "", " ", timeline.Country(""), timeline.Country("NOR")), "Bergen, Norge"},
		{"a date is the calendar day", i18n.NB, timeline.Join(tlTestDay(t, "1980-03-12T23:30:00Z")), "12.03.1980"},
		{"a date in English", i18n.EN, timeline.Join(tlTestDay(t, "1980-03-12")), i18n.Date(i18n.EN, tlTestDay(t, "1980-03-12T12:00:00+01:00").Time)},
		{"an unreadable date as received", i18n.NB, timeline.Join(tolerant.Unreadable("mars 2022")), "mars 2022 — ukjent format"},
		{"a known enum value", i18n.NB, timeline.Enum("timeline.status", string(person.StatusResident)), "bosatt"},
		{"an unknown enum value as it came", i18n.EN, timeline.Key("timeline.event.status", timeline.Enum("timeline.status", "Vanished")), "Person status: unknown value (Vanished)"},
		{"an empty enum value", i18n.NB, timeline.Enum("timeline.status", ""), ""},
		{"a Text argument", i18n.NB, timeline.Join(Msg("familygraph.role.child")), "barn"},
		{"a Text inside a key", i18n.NB, timeline.Key("timeline.event.relation", Msg("familygraph.role.child")), "Familierelasjon registrert: barn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := TimelineText(tt.text)
			if got := text.Lang(tt.l); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got := text.In(i18n.WithLang(t.Context(), tt.l)); got != tt.want {
				t.Errorf("In: got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTimelineDiffLines: a row empty on both sides is left out, and a row
// is changed when its sides read differently.
func TestTimelineDiffLines(t *testing.T) {
	row := func(label string, a, b timeline.Text) TimelineDiffRow {
		return TimelineDiffRow{Label: Msg(label), A: TimelineText(a), B: TimelineText(b)}
	}
	rows := []TimelineDiffRow{
		row("timeline.field.given", timeline.Join("Kari"), timeline.Join("Kari")),
		row("timeline.field.middle", timeline.Text{}, timeline.Join("Hansen")),
		row("timeline.field.shortname", timeline.Text{}, timeline.Join("")),
		row("timeline.field.family", timeline.Join("Hansen"), timeline.Join("Nordmann")),
		row("timeline.field.validto", timeline.Join(tlTestDay(t, "2008-07-05")), timeline.Text{}),
		// Two times of one day read alike, so they are not a change.
		row("timeline.field.validfrom", timeline.Join(tlTestDay(t, "2020-01-01T08:00:00Z")), timeline.Join(tlTestDay(t, "2020-01-01T09:00:00Z"))),
		row("timeline.field.current", timeline.Key("timeline.no"), timeline.Key("timeline.yes")),
	}
	want := []tlDiffLine{
		{i18n.TL(i18n.NB, "timeline.field.given"), "Kari", "Kari", false},
		{i18n.TL(i18n.NB, "timeline.field.middle"), "", "Hansen", true},
		{i18n.TL(i18n.NB, "timeline.field.family"), "Hansen", "Nordmann", true},
		{i18n.TL(i18n.NB, "timeline.field.validto"), "05.07.2008", "", true},
		{i18n.TL(i18n.NB, "timeline.field.validfrom"), "01.01.2020", "01.01.2020", false},
		{i18n.TL(i18n.NB, "timeline.field.current"), "Nei", "Ja", true},
	}
	got := tlDiffLines(i18n.NB, rows)
	if len(got) != len(want) {
		t.Fatalf("got %d lines %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestS44_TimelineUnreadableDate: a date or registration time the client
// could not read is shown as received, marked.
func TestS44_TimelineUnreadableDate(t *testing.T) {
	odd := tolerant.Unreadable("mars 2022")
	w := TimelineEntryView{Date: odd, RegisteredAt: odd}.words(i18n.NB)
	if want := "mars 2022 — ukjent format"; w.Date != want || w.Registered != want {
		t.Errorf("dated %q, registered %q, want %q for both", w.Date, w.Registered, want)
	}
	registered := tlTestDay(t, "2020-01-01T23:30:00Z")
	w = TimelineEntryView{RegisteredAt: registered}.words(i18n.NB)
	if want := i18n.DateTime(i18n.NB, registered.Time); w.Date != "" || w.Registered != want {
		t.Errorf("dated %q, registered %q, want \"\" and %q", w.Date, w.Registered, want)
	}
}

// TestTimelineCount: the noun of "showing n of total" agrees with the
// total, in every language.
func TestTimelineCount(t *testing.T) {
	tests := []struct {
		shown, total int
		want         map[i18n.Lang]string
	}{
		{0, 1, map[i18n.Lang]string{i18n.NB: "Viser 0 av 1 hendelse.", i18n.NN: "Viser 0 av 1 hending.", i18n.EN: "Showing 0 of 1 event."}},
		{1, 1, map[i18n.Lang]string{i18n.NB: "Viser 1 av 1 hendelse.", i18n.NN: "Viser 1 av 1 hending.", i18n.EN: "Showing 1 of 1 event."}},
		{1, 5, map[i18n.Lang]string{i18n.NB: "Viser 1 av 5 hendelser.", i18n.NN: "Viser 1 av 5 hendingar.", i18n.EN: "Showing 1 of 5 events."}},
		{0, 0, map[i18n.Lang]string{i18n.NB: "Viser 0 av 0 hendelser.", i18n.NN: "Viser 0 av 0 hendingar.", i18n.EN: "Showing 0 of 0 events."}},
	}
	for _, tt := range tests {
		for _, l := range i18n.Supported() {
			d := TimelineData{Total: tt.total, Entries: make([]TimelineEntryView, tt.shown)}
			var buf bytes.Buffer
			if err := TimelineResults(d).Render(i18n.WithLang(t.Context(), l), &buf); err != nil {
				t.Fatal(err)
			}
			if want := `data-testid="timeline-count">` + tt.want[l] + "<"; !strings.Contains(buf.String(), want) {
				t.Errorf("%s, %d of %d: lacks %q", l, tt.shown, tt.total, want)
			}
		}
	}
}
