package hpr

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/clients/upstream"
)

// Every ISO 8601 form HPR or NHN's services may write is read exactly, and
// a calendar day stays the day as written whatever the offset (issue 9).
func TestDate_Forms(t *testing.T) {
	tests := []struct {
		in   string
		want string // YYYY-MM-DD, or "" for unreadable
	}{
		{`"1979-05-12"`, "1979-05-12"},
		{`"1979-05-12T00:00:00"`, "1979-05-12"},
		{`"1979-05-12T00:00:00Z"`, "1979-05-12"},
		{`"1979-05-12T00:00:00+02"`, "1979-05-12"},
		{`"1979-05-12T00:00:00+0200"`, "1979-05-12"},
		{`"1979-05-12T00:00:00+02:00"`, "1979-05-12"},
		{`"1979-05-11T22:00:00-02:00"`, "1979-05-11"}, // the day as written, never shifted
		{`"1979-05-12T23:59:59.123456789+14:00"`, "1979-05-12"},
		{`"1979-05-12T00:00"`, "1979-05-12"},
		{`"mars 2022"`, ""},
		{`"2022-03"`, ""}, // a month is not a day
		{`"2022"`, ""},
		{`"12.05.1979"`, ""},
		{`"1979-02-30"`, ""},
		{`19790512`, ""},
		{`{"år":1979}`, ""},
		{`true`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var d Date
			if err := json.Unmarshal([]byte(tt.in), &d); err != nil {
				t.Fatalf("Unmarshal failed: %v (a date must never fail the document)", err)
			}
			if got := d.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if tt.want == "" && (!d.Unreadable() || d.Raw == "") {
				t.Errorf("unreadable value not kept: %+v", d)
			}
			if tt.want != "" && d.Time.Location() != time.UTC {
				t.Errorf("a day is midnight UTC, got %v", d.Time)
			}
		})
	}
	for _, in := range []string{`null`, `""`} {
		var d Date
		if err := json.Unmarshal([]byte(in), &d); err != nil || !d.IsZero() || d.Unreadable() {
			t.Errorf("%s: got %+v, %v; want the zero Date", in, d, err)
		}
	}
}

func TestDateTime_Forms(t *testing.T) {
	oslo := func(y int, m time.Month, d, h, min, s, ns int) time.Time {
		return time.Date(y, m, d, h, min, s, ns, Oslo)
	}
	tests := []struct {
		in   string
		want time.Time // zero: unreadable
	}{
		{"2025-11-03T14:22:05", oslo(2025, 11, 3, 14, 22, 5, 0)}, // zoneless: Norwegian wall time
		{"2025-07-03T14:22:05", oslo(2025, 7, 3, 14, 22, 5, 0)},  // summer time
		{"2025-11-03T14:22:05.1234567", oslo(2025, 11, 3, 14, 22, 5, 123456700)},
		{"2025-11-03T14:22:05.123456789", oslo(2025, 11, 3, 14, 22, 5, 123456789)},
		{"2025-11-03T13:22:05Z", oslo(2025, 11, 3, 14, 22, 5, 0)},
		{"2025-11-03T14:22:05+01", oslo(2025, 11, 3, 14, 22, 5, 0)},
		{"2025-11-03T14:22:05+0100", oslo(2025, 11, 3, 14, 22, 5, 0)},
		{"2025-11-03T14:22:05+01:00", oslo(2025, 11, 3, 14, 22, 5, 0)},
		{"2025-11-03", oslo(2025, 11, 3, 0, 0, 0, 0)}, // a bare date: midnight in Norway
		{"2025-11-03 kl 14", time.Time{}},
		{"2025-11", time.Time{}},
		{"2025-11-03T14:22:05.1234567890", time.Time{}}, // ten fraction digits
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			b, _ := json.Marshal(tt.in)
			var got DateTime
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("Unmarshal failed: %v", err)
			}
			if tt.want.IsZero() {
				if !got.Unreadable() || got.Raw != tt.in {
					t.Errorf("got %+v, want unreadable with Raw %q", got, tt.in)
				}
				return
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got.Time, tt.want)
			}
		})
	}
}

// What the client cannot read is carried on the entry with its path; the
// entry fails only without a valid hprNummer or with the wrong shape.
func TestDecodePersonnel_Tolerant(t *testing.T) {
	doc := `{"hprNummer":7,"erstattetAvHprNummer":0,"nyttFelt":[1],
		"person":{"fornavn":42,"etternavn":"Lie","fødselsdato":"12.05.1979","nin":12057900499},
		"godkjenninger":[{"helsepersonellkategori":{"navn":"Ny","verdi":"ZZ","kodeverk":{"id":"9060"}},
			"periode":{"fra":"2020-01-01","til":"snart"},"vilkår":null,"spesialistgodkjenninger":null}],
		"administrativeReaksjoner":null,"sistOppdatert":"i går","gjelderForDato":"2026-11-01T00:00:00+01:00"}`
	p, err := decodePersonnel([]byte(doc))
	if err != nil {
		t.Fatalf("decodePersonnel: %v", err)
	}
	paths := tolerant.Paths(p.Unread)
	want := []string{"erstattetAvHprNummer", "godkjenninger[0].helsepersonellkategori.kodeverk.id", "godkjenninger[0].periode.til",
		"person.fornavn", "person.fødselsdato", "person.nin", "sistOppdatert"}
	if !slices.Equal(paths, want) {
		t.Errorf("unread paths = %q, want %q", paths, want)
	}
	for _, f := range p.Unread {
		if f.Raw == "" || slices.Contains([]string{"12057900499"}, f.Raw) {
			t.Errorf("%s: raw %q", f.Path, f.Raw)
		}
	}
	if p.Person.FamilyName != "Lie" || p.Approvals[0].Category.Value != "ZZ" || p.ReplacedBy != nil ||
		p.ValidForDate.String() != "2026-11-01" || p.Approvals[0].Period.From.String() != "2020-01-01" {
		t.Errorf("readable values lost: %+v", p)
	}
	// An unreadable end is not open-ended: the approval is not in force.
	if st := StatusOn(p, NewDate(2026, 11, 1)); st.Authorised() || st.Approvals[0].ValidOn {
		t.Errorf("an approval with an unreadable end counts as valid")
	}

	for _, bad := range []string{``, `nope`, `{"hprNummer":7`, `[{"hprNummer":7}]`, `{"hprNummer":"7"}`, `{"hprNummer":0}`, `{}`, `null`, `{"hprNummer":7} x`} {
		if _, err := decodePersonnel([]byte(bad)); !errors.Is(err, upstream.ErrMalformed) {
			t.Errorf("%q: err = %v, want ErrMalformed", bad, err)
		}
	}
	list, err := decodeList([]byte(`[{"hprNummer":1},{"hprNummer":2,"person":{"dødsdato":"ukjent"}}]`))
	if err != nil || len(list) != 2 || len(list[0].Unread) != 0 || !slices.Equal(tolerant.Paths(list[1].Unread), []string{"person.dødsdato"}) {
		t.Errorf("decodeList: %v, %+v", err, list)
	}
	// A death date the client cannot read is not a living person.
	if st := StatusOn(list[1], NewDate(2026, 11, 1)); !st.Deceased {
		t.Errorf("unreadable dødsdato: not deceased")
	}
	if _, err := decodeList([]byte(`{"hprNummer":1}`)); !errors.Is(err, upstream.ErrMalformed) {
		t.Errorf("an object for a search: err = %v", err)
	}
}
