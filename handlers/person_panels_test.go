package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// protectedDoc is a document whose upstream sent every address in full,
// items unmarked, while the person's protection says they must not be shown.
func protectedDoc(level person.AddressConfidentiality) *person.Person {
	cur := person.Meta{IsValid: person.Bool(true)}
	old := person.Meta{IsValid: person.Bool(false)}
	street := &person.StreetAddress{AddressName: "Markørgata", AddressNumber: &person.AddressNumber{HouseNumber: "9"},
		SeparatelyOccupiedUnitNumber: "H0909", City: &person.City{CityName: "MARKØRBY", PostalCode: "9090"}, CoAddressName: "c/o Markør"}
	district := person.District{FullBasicStatisticalUnitNumber: "90909090", BasicStatisticalUnitName: "Markørkrets",
		UrbanDistrictCode: "909090", UrbanDistrictName: "Markørbydel"}
	return &person.Person{
		AddressProtection:  []person.AddressProtection{{Meta: cur, ProtectionLevel: level}},
		ResidentialAddress: []person.ResidentialAddress{{Meta: cur, StreetAddress: street, District: district}, {Meta: old, StreetAddress: street}},
		PresentAddress: []person.PresentAddress{{Meta: cur, CadastralAddress: &person.CadastralAddress{
			CadastralNumber: &person.CadastralNumber{MunicipalityLandNumber: 9191, TitleNumber: 9292}, City: street.City}}},
		SharedResidence: []person.SharedResidence{{Meta: cur, StreetAddress: street, District: district}},
		PostalAddress: []person.ContactAddress{{Meta: cur, PostBoxAddress: &person.PostBoxAddress{PostBoxIdentification: "Postboks 9393",
			City: street.City}}},
		ForeignPostalAddress: []person.ForeignContactAddress{{Meta: cur, FreeFormForeignAddress: &person.FreeFormInternationalAddress{
			AddressLine: []string{"Markørstraße 1"}, CityOrPlaceName: "Markørstadt"}}},
	}
}

func TestS19_AddressPanelCopiesNothingOfAProtectedPerson(t *testing.T) {
	markers := []string{"Markørgata", "H0909", "MARKØRBY", "9090", "c/o Markør", "90909090", "Markørkrets", "909090",
		"Markørbydel", "9191", "9292", "Postboks 9393", "Markørstraße", "Markørstadt"}
	for _, level := range []person.AddressConfidentiality{person.Confidential, person.StrictlyConfidential, "SomethingNew"} {
		t.Run(string(level), func(t *testing.T) {
			panel := addressesPanel(protectedDoc(level))
			dump := fmt.Sprintf("%+v", panel)
			for _, m := range markers {
				if strings.Contains(dump, m) {
					t.Errorf("view model holds %q", m)
				}
			}
			if len(panel.Items) != 0 || len(panel.History) != 0 || len(panel.Notices) != 1 {
				t.Errorf("panel has %d items, %d historic, %d notices; want only the notice", len(panel.Items), len(panel.History), len(panel.Notices))
			}
		})
	}
	t.Run("unprotected shows the address", func(t *testing.T) {
		ctx := i18n.WithLang(context.Background(), i18n.NB)
		var page strings.Builder
		if err := views.PersonPanelSection(addressesPanel(protectedDoc(person.Unclassified))).Render(ctx, &page); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"Markørgata 9", "9090 MARKØRBY", "90909090 Markørkrets", "909090 Markørbydel", "Postboks 9393", "gnr. 9191, bnr. 9292"} {
			if !strings.Contains(page.String(), m) {
				t.Errorf("panel lacks %q", m)
			}
		}
	})
}

// TestPanelValues checks the words the panels' builders choose: the handler
// picks the message and its data, the view words it in the language.
func TestPanelValues(t *testing.T) {
	var odd person.DateTime
	if err := json.Unmarshal([]byte(`"15. nov 2023"`), &odd); err != nil {
		t.Fatal(err)
	}
	day := person.Date(2022, time.March, 11)
	tests := []struct {
		name  string
		value views.Words
		want  string // in bokmål
		blank bool
	}{
		{"a date", dateOf(day), "11.03.2022", false},
		{"no date", dateOf(person.DateTime{}), "", true},
		{"an unreadable date, as received", dateOf(odd), "15. nov 2023 — ukjent format", false},
		{"a known enum", enumName("person.enum.gender", "Female"), "Kvinne", false},
		{"an unknown enum, as it came", enumName("person.enum.gender", "Other"), "Ukjent verdi (Other)", false},
		{"no enum", enumName("person.enum.gender", ""), "", true},
		{"a register value", plain("Kirkegata 19 B"), "Kirkegata 19 B", false},
		{"an empty register value", plain(""), "", true},
		{"no country", country(" "), "", true},
		{"a country", country("SWE"), "Sverige", false},
		{"a unit and its type", unitText("H0101", person.SeparatelyOccupiedUnitType("Housing")), "H0101 (bolig)", false},
		{"a period", validity(tlMeta("2022-03-11", "2023-01-02")), i18n.TL(i18n.NB, "person.period", "11.03.2022", "02.01.2023"), false},
		{"twins", multipleBirth(21), "nr. 1 av 2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := blank(tt.value); got != tt.blank {
				t.Errorf("blank: got %v, want %v", got, tt.blank)
			}
			got := ""
			if tt.value != nil {
				got = tt.value.Lang(i18n.NB)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// The marital panel names the spouse of a current status from the
// relatives fetched, protected or not, and no one else.
func TestMaritalPanelSpouse(t *testing.T) {
	cur := person.Meta{IsValid: person.Bool(true)}
	old := person.Meta{IsValid: person.Bool(false)}
	named := func(given, family string) *person.Person {
		return &person.Person{Name: []person.PersonName{{Meta: cur, GivenName: given, FamilyName: family}}}
	}
	protected := named("Skjult", "Ektefelle")
	protected.AddressProtection = []person.AddressProtection{{Meta: cur, ProtectionLevel: person.StrictlyConfidential}}
	late := named("Avdød", "Partner")
	late.Death = &person.Death{Meta: cur, DeceasedDate: person.Date(2020, time.May, 1)}
	rels := map[string]*person.Person{"11111111111": named("Nåværende", "Ektefelle"), "22222222222": named("Tidligere", "Ektefelle"),
		"33333333333": protected, "44444444444": late}
	link := func(n string) string { return "/person/h-" + n[:2] }
	tests := []struct {
		name     string
		statuses []person.MaritalStatus
		k        kin
		want     []string // in the rendered panel, bokmål
		not      []string
	}{
		{"current spouse named and linked",
			[]person.MaritalStatus{{Meta: cur, Status: person.MaritalMarried, RelatedByMaritalStatus: "11111111111"}},
			kin{rels, link}, []string{"Ektefelle", "Nåværende Ektefelle", `href="/person/h-11"`}, nil},
		{"former spouse not named",
			[]person.MaritalStatus{{Meta: old, Status: person.MaritalMarried, RelatedByMaritalStatus: "22222222222"},
				{Meta: cur, Status: person.MaritalDivorced, RelatedByMaritalStatus: "22222222222"}},
			kin{rels, link}, nil, []string{"Tidligere", `data-testid="marital-spouse"`}},
		{"protected spouse named with the tag, nothing of the address",
			[]person.MaritalStatus{{Meta: cur, Status: person.MaritalMarried, RelatedByMaritalStatus: "33333333333"}},
			kin{rels, link}, []string{"Skjult Ektefelle", `data-testid="label-protected"`, i18n.TL(i18n.NB, "person.protected.strict")}, nil},
		{"late partner named, deceased",
			[]person.MaritalStatus{{Meta: cur, Status: person.MaritalSurvivingPartner, RelatedByMaritalStatus: "44444444444"}},
			kin{rels, link}, []string{"Partner", "Avdød Partner", i18n.TL(i18n.NB, "person.label.deceased")}, nil},
		{"spouse not fetched",
			[]person.MaritalStatus{{Meta: cur, Status: person.MaritalMarried, RelatedByMaritalStatus: "55555555555"}},
			kin{rels, link}, []string{"Gift"}, []string{`data-testid="marital-spouse"`}},
		{"no relatives at all",
			[]person.MaritalStatus{{Meta: cur, Status: person.MaritalMarried, RelatedByMaritalStatus: "11111111111"}},
			kin{}, []string{"Gift"}, []string{"Nåværende"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := i18n.WithLang(context.Background(), i18n.NB)
			var page strings.Builder
			pn := maritalPanel(&person.Person{MaritalStatus: tt.statuses}, tt.k)
			if err := views.PersonPanelSection(pn).Render(ctx, &page); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(page.String(), w) {
					t.Errorf("panel lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(page.String(), n) {
					t.Errorf("panel has %q", n)
				}
			}
		})
	}
}

// The KRR panel groups the phone number (clients/person/phone).
func TestKRRPanelPhone(t *testing.T) {
	p := &person.Person{CommonContactRegisterInformation: &person.CommonContactRegisterInformation{
		ContactInformation: &person.KRRContactInformation{PhoneNumber: "+4740480675"}}}
	ctx := i18n.WithLang(context.Background(), i18n.NB)
	var page strings.Builder
	if err := views.PersonPanelSection(krrPanel(p, time.Now())).Render(ctx, &page); err != nil {
		t.Fatal(err)
	}
	if got, want := page.String(), "+47 404 80 675"; !strings.Contains(got, want) {
		t.Errorf("panel lacks %q", want)
	}
}
