package handlers

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/municipality"
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
		// A municipality by name, when there is no date or number.
		{q: "Arne Sæther Sandefjord", wantFields: []string{"FullName", "MunicipalityNumber"}, wantFull: "Arne Sæther", wantMuni: "3907"},
		{q: "Kari Nordmann Bærum", wantFields: []string{"FullName", "MunicipalityNumber"}, wantFull: "Kari Nordmann", wantMuni: "3201"},
		{q: "Kari Nordmann Baerum", wantFields: []string{"FullName", "MunicipalityNumber"}, wantFull: "Kari Nordmann", wantMuni: "3201"},
		{q: "Kari Nordmann Kautokeino", wantFields: []string{"FullName", "MunicipalityNumber"}, wantFull: "Kari Nordmann", wantMuni: "5612"},
		{q: "Ánde Sara Guovdageaidnu", wantFields: []string{"FullName", "MunicipalityNumber"}, wantFull: "Ánde Sara", wantMuni: "5612"},
		{q: "Kari Nordmann Nord Fron", wantFields: []string{"FullName", "MunicipalityNumber"}, wantFull: "Kari Nordmann", wantMuni: "3436"},
		{q: "Kari Nordmann Herøy Nordland", wantFields: []string{"FullName", "MunicipalityNumber"}, wantFull: "Kari Nordmann", wantMuni: "1818"},
		{q: "Nordmann, Kari Sandefjord", wantFields: []string{"FullName", "FamilyName", "MunicipalityNumber"}, wantFull: "Kari", wantFamily: "Nordmann", wantMuni: "3907"},
		{q: "Nordmann, Sandefjord", wantFields: []string{"FamilyName", "MunicipalityNumber"}, wantFamily: "Nordmann", wantMuni: "3907"},
		{q: "Kari Lund", wantFields: []string{"FullName", "MunicipalityNumber"}, wantFull: "Kari", wantMuni: "1112"},
		{q: "Kari Herøy", wantKey: "search.error.municipality_ambiguous"},
		{q: "Kari Nordmann Våler", wantKey: "search.error.municipality_ambiguous"},
		// A surname that is also a municipality stays a name beside a date
		// or a municipality number.
		{q: "Kari Lund 01.01.1980", wantFields: []string{"FullName", "BirthDate"}, wantFull: "Kari Lund", wantBirth: "1980-01-01"},
		{q: "Kari Time 1980", wantFields: []string{"FullName", "BirthDate"}, wantFull: "Kari Time", wantBirth: "1980"},
		{q: "Kari Hole 0301", wantFields: []string{"FullName", "MunicipalityNumber"}, wantFull: "Kari Hole", wantMuni: "0301"},
		{q: "Kari Herøy 1980", wantFields: []string{"FullName", "BirthDate"}, wantFull: "Kari Herøy", wantBirth: "1980"},
		// A name is left, or it is not a municipality.
		{q: "Sandefjord", wantKey: "search.error.need_date"},
		{q: "Herøy", wantKey: "search.error.need_date"},
		{q: "Al Sandefjord", wantKey: "search.error.name_short"},
		{q: "Kari Nordmann Sandefjor", wantKey: "search.error.need_date"},
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
		"Kari 0301", "", "  ", "1.1.1", "Ø Å 1900", "--,,", "12345678901234567890", "Kari\x00Nordmann 1980",
		"Arne Sæther Sandefjord", "Kari Herøy", "Nordmann, Bø", "Ole Herøy Møre og Romsdal"} {
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

// TestMunicipalityChoice: an ambiguous municipality name is answered with
// every candidate's county and number, in plain words.
func TestMunicipalityChoice(t *testing.T) {
	tests := []struct {
		typed string
		found []municipality.Municipality
		want  string // bokmål
	}{
		{"Herøy", municipality.Lookup("Herøy"),
			"Herøy finnes i Møre og Romsdal (1515) og Nordland (1818): skriv kommunenummeret i stedet for navnet."},
		{"Våler", municipality.Lookup("Våler"),
			"Våler finnes i Østfold (3114) og Innlandet (3419): skriv kommunenummeret i stedet for navnet."},
		{"Sande", []municipality.Municipality{{Number: "1", Name: "Sande (A)"}, {Number: "2", Name: "Sande (B)"}, {Number: "3", Name: "Sande"}},
			"Sande finnes i A (1), B (2) og Sande (3): skriv kommunenummeret i stedet for navnet."},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			if got := municipalityChoice(tt.typed, tt.found).Lang(i18n.NB); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
