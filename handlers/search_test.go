package handlers

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/views/i18n"
)

func TestSearchForm_Validate(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		q          string
		wantKey    string // "" when valid
		wantNumber string
		wantFields []string
		wantFull   string
		wantFamily string
		wantBirth  string
		wantMuni   string
	}{
		{q: "12057900499", wantNumber: "12057900499"},
		{q: " 120579-00499 ", wantNumber: "12057900499"},
		{q: "12 05 79 00499", wantNumber: "12057900499"},
		{q: "1205790049", wantKey: "search.error.length"},
		{q: "1205790O499", wantKey: "search.error.digits"},
		{q: "12057900498", wantKey: "search.error.checksum"},
		{q: "", wantKey: "search.error.empty"},
		{q: "01.02.1980", wantKey: "search.error.need_name"},
		{q: "Kari Nordmann", wantKey: "search.error.need_date"},
		{q: "Kari Nordmann 01.02.1980", wantFields: []string{"FullName", "BirthDate"}, wantFull: "Kari Nordmann", wantBirth: "1980-02-01"},
		{q: "Kari Nordmann 1.2.1980", wantFields: []string{"FullName", "BirthDate"}, wantFull: "Kari Nordmann", wantBirth: "1980-02-01"},
		{q: "Kari Nordmann 1980-02-01", wantFields: []string{"FullName", "BirthDate"}, wantFull: "Kari Nordmann", wantBirth: "1980-02-01"},
		{q: "Kari Nordmann 1980", wantFields: []string{"FullName", "BirthDate"}, wantFull: "Kari Nordmann", wantBirth: "1980"},
		{q: "Kari Nordmann 0301", wantFields: []string{"FullName", "MunicipalityNumber"}, wantFull: "Kari Nordmann", wantMuni: "0301"},
		{q: "Kari Nordmann 1804", wantFields: []string{"FullName", "MunicipalityNumber"}, wantFull: "Kari Nordmann", wantMuni: "1804"},
		{q: "Nordmann, Kari Elise 1980", wantFields: []string{"FullName", "FamilyName", "BirthDate"}, wantFull: "Kari Elise", wantFamily: "Nordmann", wantBirth: "1980"},
		{q: "Anne-Lise Mari Sofie O'Brien 1975", wantFields: []string{"FullName", "FamilyName", "BirthDate"}, wantFull: "Anne-Lise Mari", wantFamily: "O'Brien", wantBirth: "1975"},
		{q: "Kari Nordmann 31.02.1980", wantKey: "search.error.bad_date"},
		{q: "Kari Nordmann 01.02.2030", wantKey: "search.error.future_date"},
		{q: "Kari Nordmann 1980 1981", wantKey: "search.error.two_dates"},
		{q: "Kari Nordmann 0301 1804", wantKey: "search.error.two_municipalities"},
		{q: "Kari Nordmann 123", wantKey: "search.error.number_word"},
		{q: "Kari Nord#mann 1980", wantKey: "search.error.name_chars"},
		{q: "Nord mann 1980, Kari", wantKey: "search.error.family_chars"},
		{q: "Al 1980", wantKey: "search.error.name_short"},
		{q: "1980", wantKey: "search.error.length"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			f := searchForm{Q: tt.q}
			msgs := f.Validate(now)
			if got := msgs["q"].Key; got != tt.wantKey {
				t.Fatalf("message %q; want %q", got, tt.wantKey)
			}
			if tt.wantKey != "" {
				if f.number != nil || len(f.fields) > 0 {
					t.Error("an invalid form left a query behind")
				}
				return
			}
			if tt.wantNumber != "" {
				if f.number == nil || f.number.Digits != tt.wantNumber {
					t.Fatalf("number %v; want %s", f.number, tt.wantNumber)
				}
				return
			}
			q := f.query
			if q.FullName != tt.wantFull || q.FamilyName != tt.wantFamily || q.BirthDate != tt.wantBirth || q.MunicipalityNumber != tt.wantMuni {
				t.Errorf("query %+v; want full %q family %q birth %q municipality %q", q, tt.wantFull, tt.wantFamily, tt.wantBirth, tt.wantMuni)
			}
			if !slices.Equal(f.fields, tt.wantFields) {
				t.Errorf("fields %v; want %v", f.fields, tt.wantFields)
			}
		})
	}
}

// FuzzSearchForm checks that no input makes Validate panic, and that what
// it accepts is a valid number or a query the API's rules allow.
func FuzzSearchForm(f *testing.F) {
	for _, s := range []string{"12057900499", "120579 00499", "Kari Nordmann 01.02.1980", "Nordmann, Kari 1980",
		"Kari 0301", "", "  ", "1.1.1", "Ø Å 1900", "--,,", "12345678901234567890", "Kari\x00Nordmann 1980"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, q string) {
		form := searchForm{Q: q}
		if msgs := form.Validate(now); msgs != nil {
			if msgs["q"].Key == "" {
				t.Fatal("a refusal without a message")
			}
			return
		}
		switch {
		case form.number != nil:
			if !nin.Valid(form.number.Digits) || form.number.Kind == nin.HNumber {
				t.Fatalf("accepted number %s is not a register number", form.number)
			}
		case form.query.FullName == "" && form.query.FamilyName == "":
			t.Fatal("a name search without a name")
		case form.query.BirthDate == "" && form.query.MunicipalityNumber == "":
			t.Fatal("a name search without a birth date or municipality")
		}
	})
}

// TestSearchRow: a result line carries register values and message keys;
// the municipality of a protected person never leaves the handler (S19).
func TestSearchRow(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	dnr, err := nin.Generate(rand.New(rand.NewPCG(3, 4)), time.Date(1980, 3, 12, 0, 0, 0, 0, time.UTC), true, nin.DNumber, true)
	if err != nil {
		t.Fatal(err)
	}
	oslo := tlStreet(tlMeta("2000-01-01", ""), "Markveien", "35B", "0554", "OSLO")
	named := func(extra func(p *person.Person)) *person.Person {
		p := &person.Person{
			Name:               []person.PersonName{{Meta: tlMeta("1980-03-12", ""), GivenName: "Kari", FamilyName: "Nordmann"}},
			Birth:              []person.Birth{{Meta: tlMeta("1980-03-12", ""), BirthDate: tlDay("1980-03-12"), BirthYear: "1980"}},
			Gender:             []person.PersonGender{{Meta: tlMeta("1980-03-12", ""), Gender: "Female"}},
			ResidentialAddress: []person.ResidentialAddress{oslo},
		}
		if extra != nil {
			extra(p)
		}
		return p
	}
	type want struct{ name, birth, age, gender, municipality string }
	tests := []struct {
		name   string
		p      *person.Person
		number string
		want   want
		tags   []string // bokmål
	}{
		{"named", named(nil), tlTestNIN(t, "1980-03-12", 1),
			want{"Kari Nordmann", "12.03.1980", "46 år", "Kvinne", "Oslo"}, nil},
		{"no name, a birth year only", &person.Person{Birth: []person.Birth{{BirthYear: "1980"}}}, tlTestNIN(t, "1980-03-12", 1),
			want{i18n.TL(i18n.NB, "person.name.unknown"), "1980", "", "", ""}, nil},
		{"protected", named(func(p *person.Person) {
			p.AddressProtection = []person.AddressProtection{{Meta: tlMeta("2001-01-01", ""), ProtectionLevel: person.StrictlyConfidential}}
		}), tlTestNIN(t, "1980-03-12", 1),
			want{"Kari Nordmann", "12.03.1980", "46 år", "Kvinne", i18n.TL(i18n.NB, "person.protected.hidden")},
			[]string{i18n.TL(i18n.NB, "person.protected.strict")}},
		{"deceased, D-number", named(func(p *person.Person) {
			p.Death = &person.Death{Meta: tlMeta("2020-01-01", ""), DeceasedDate: tlDay("2020-01-01")}
		}), dnr,
			want{"Kari Nordmann", "12.03.1980", i18n.TL(i18n.NB, "person.age.at_death", 39), "Kvinne", "Oslo"},
			[]string{i18n.TL(i18n.NB, "person.label.deceased"), i18n.TL(i18n.NB, "person.label.dnumber")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := Person{}.searchRow(tt.p, tt.number, "h1", now)
			got := want{row.Name.Lang(i18n.NB), row.BirthDate.Lang(i18n.NB), row.Age.Lang(i18n.NB),
				row.Gender.Lang(i18n.NB), row.Municipality.Lang(i18n.NB)}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			var tags []string
			for _, tag := range row.Tags {
				tags = append(tags, tag.Text.Lang(i18n.NB))
			}
			if !slices.Equal(tags, tt.tags) {
				t.Errorf("tags %q, want %q", tags, tt.tags)
			}
			if row.Href != "/person/h1" {
				t.Errorf("href %q, want /person/h1", row.Href)
			}
		})
	}
}
