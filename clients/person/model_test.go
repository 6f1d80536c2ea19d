package person_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/person"
)

func TestDateTime_Unmarshal(t *testing.T) {
	cases := []struct {
		in       string
		wantUTC  string // RFC 3339 in UTC; "" = zero
		wantDate string
		wantRaw  string // kept as received: the field is odd, the document is not
	}{
		{`"2000-01-23T04:56:07.000+00:00"`, "2000-01-23T04:56:07Z", "2000-01-23", ""},
		{`"2016-08-05T10:45:15.768Z"`, "2016-08-05T10:45:15.768Z", "2016-08-05", ""},
		{`"2023-11-15T12:39:49+01"`, "2023-11-15T11:39:49Z", "2023-11-15", ""}, // the seed's KRR form
		{`"2023-11-15T12:39:49+0100"`, "2023-11-15T11:39:49Z", "2023-11-15", ""},
		{`"1985-03-12T00:00:00+01:00"`, "1985-03-11T23:00:00Z", "1985-03-12", ""}, // the date as sent
		{`"1974-05-13T00:00:00"`, "1974-05-13T00:00:00Z", "1974-05-13", ""},
		{`"1974-05-13T00:00:00.5"`, "1974-05-13T00:00:00.5Z", "1974-05-13", ""},
		{`"1974-05-13"`, "1974-05-13T00:00:00Z", "1974-05-13", ""},
		{`null`, "", "", ""},
		{`""`, "", "", ""},
		{`"13.05.1974"`, "", "", "13.05.1974"},
		{`"1974-02-30"`, "", "", "1974-02-30"},
		{`"9999-12-31T23:00:00-05:00"`, "", "", "9999-12-31T23:00:00-05:00"}, // year 10000 in UTC
		{`19740513`, "", "", "19740513"},
		{`{"date":"1974-05-13"}`, "", "", `{"date":"1974-05-13"}`},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			var d person.DateTime
			if err := json.Unmarshal([]byte(tc.in), &d); err != nil {
				t.Fatalf("err = %v; a date-time never fails the document", err)
			}
			got := ""
			if d.Known() {
				got = d.UTC().Format(time.RFC3339Nano)
			}
			if got != tc.wantUTC || d.DateOnly() != tc.wantDate || d.Raw != tc.wantRaw {
				t.Errorf("got %q date %q raw %q, want %q date %q raw %q", got, d.DateOnly(), d.Raw, tc.wantUTC, tc.wantDate, tc.wantRaw)
			}
		})
	}
}

func TestDateTime_MarshalOmitsZero(t *testing.T) {
	b, err := json.Marshal(person.Birth{BirthYear: "1974"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"birthYear":"1974"}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	loc := time.FixedZone("CET", 3600)
	b, err = json.Marshal(person.Death{DeceasedDate: person.NewDateTime(time.Date(2020, 1, 1, 0, 30, 0, 0, loc))})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"deceasedDate":"2019-12-31T23:30:00Z"}`; got != want {
		t.Errorf("Marshal = %s, want %s (RFC 3339 in UTC)", got, want)
	}
}

// TestMeta_IsValidFalseSurvives: a historic item must not turn current on
// the way through JSON.
func TestMeta_IsValidFalseSurvives(t *testing.T) {
	b, _ := json.Marshal(person.PersonName{Meta: person.Meta{IsValid: person.Bool(false)}, GivenName: "A"})
	if !strings.Contains(string(b), `"isValid":false`) {
		t.Fatalf("isValid false dropped: %s", b)
	}
	var n person.PersonName
	json.Unmarshal(b, &n)
	if n.Current() {
		t.Errorf("decoded item is current, want historic")
	}
}

func TestValidHistoryFirst(t *testing.T) {
	names := []person.PersonName{
		{Meta: person.Meta{IsValid: person.Bool(false)}, FamilyName: "Old"},
		{Meta: person.Meta{IsValid: person.Bool(true)}, FamilyName: "Now"},
		{FamilyName: "Unsaid"}, // isValid absent counts as current
	}
	if got := person.Valid(names); len(got) != 2 || got[0].FamilyName != "Now" || got[1].FamilyName != "Unsaid" {
		t.Errorf("Valid = %+v", got)
	}
	if got := person.History(names); len(got) != 1 || got[0].FamilyName != "Old" {
		t.Errorf("History = %+v", got)
	}
	p := &person.Person{Name: names}
	if got := p.CurrentName(); got == nil || got.FamilyName != "Now" {
		t.Errorf("CurrentName = %+v, want Now", got)
	}
	p.CurrentName().FamilyName = "Changed"
	if names[1].FamilyName != "Now" {
		t.Errorf("CurrentName returned a pointer into the document")
	}
	if (&person.Person{}).CurrentName() != nil || person.First[person.PersonName](nil) != nil {
		t.Errorf("no names: want nil")
	}
}

func TestAddressConfidentiality_Protected(t *testing.T) {
	cases := map[person.AddressConfidentiality]bool{
		"": false, person.Unclassified: false, person.ClientAddress: false,
		person.Confidential: true, person.StrictlyConfidential: true,
		"StrictlyConfidentialAbroad": true, // unknown: fail closed (S19)
	}
	for level, want := range cases {
		if got := level.Protected(); got != want {
			t.Errorf("%q.Protected() = %v, want %v", level, got, want)
		}
	}
}

func TestEnums(t *testing.T) {
	if got, want := len(person.AllInformationParts()), 35; got != want {
		t.Errorf("%d information parts, want %d", got, want)
	}
	seen := map[person.InformationPart]bool{}
	for _, p := range person.AllInformationParts() {
		if seen[p] || !p.Known() {
			t.Errorf("part %q duplicated or not Known", p)
		}
		seen[p] = true
	}
	if got, want := len(person.AllEventTypes()), 53; got != want {
		t.Errorf("%d event types, want %d", got, want)
	}
	if person.InformationPart("Shoesize").Known() || person.Gender("Other").Known() || !person.GenderFemale.Known() {
		t.Errorf("Known is wrong")
	}
	var g struct {
		G person.Gender `json:"g"`
	}
	if err := json.Unmarshal([]byte(`{"g":"NonBinary"}`), &g); err != nil || g.G != "NonBinary" {
		t.Errorf("unknown enum value: %q, %v; want kept without error", g.G, err)
	}
}

func TestScope_OAuthScope(t *testing.T) {
	if got, want := person.RestrictedAccess.OAuthScope(), "nhn:hgd-persontjenesten-api/restricted-access"; got != want {
		t.Errorf("OAuthScope = %q, want %q", got, want)
	}
}
