package protection

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/upstream/rawlog"
)

// rawMarkers are the texts of rawDoc's addresses: none may survive masking.
var rawMarkers = []string{"Markørgata", "H0909", "MARKØRBY", "9090", "c/o Markør", "0909", "Markørkommune", "90909090",
	"Markørkrets", "909090", "Markørbydel", "9191", "9292", "Postboks 9393", "Markørstraße", "Markørstadt", "Markørvei"}

// rawDoc is a person document with every kind of address in full, marshalled
// as the Person API sends it; level "" leaves addressProtection out.
func rawDoc(t *testing.T, level person.AddressConfidentiality, grade person.AddressConfidentiality) []byte {
	t.Helper()
	cur := person.Meta{IsValid: person.Bool(true)}
	street := &person.StreetAddress{AddressName: "Markørgata", AddressNumber: &person.AddressNumber{HouseNumber: "9"},
		SeparatelyOccupiedUnitNumber: "H0909", City: &person.City{CityName: "MARKØRBY", PostalCode: "9090"},
		CoAddressName: "c/o Markør", MunicipalityNumber: "0909", MunicipalityName: "Markørkommune"}
	district := person.District{FullBasicStatisticalUnitNumber: "90909090", BasicStatisticalUnitName: "Markørkrets",
		UrbanDistrictCode: "909090", UrbanDistrictName: "Markørbydel"}
	p := person.Person{
		Name:               []person.PersonName{{Meta: cur, GivenName: "Kari", FamilyName: "Nordmann"}},
		ResidentialAddress: []person.ResidentialAddress{{Meta: cur, StreetAddress: street, District: district, AddressConfidentiality: grade}},
		PresentAddress: []person.PresentAddress{{Meta: cur, CadastralAddress: &person.CadastralAddress{
			CadastralNumber: &person.CadastralNumber{MunicipalityLandNumber: 9191, TitleNumber: 9292}, City: street.City}}},
		SharedResidence: []person.SharedResidence{{Meta: cur, StreetAddress: street, District: district}},
		PostalAddress: []person.ContactAddress{{Meta: cur, PostBoxAddress: &person.PostBoxAddress{PostBoxIdentification: "Postboks 9393",
			City: street.City}}},
		ForeignPostalAddress: []person.ForeignContactAddress{{Meta: cur, FreeFormForeignAddress: &person.FreeFormInternationalAddress{
			AddressLine: []string{"Markørstraße 1"}, CityOrPlaceName: "Markørstadt"}}},
	}
	if level != "" {
		p.AddressProtection = []person.AddressProtection{{Meta: cur, ProtectionLevel: level}}
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	// A member the model does not know yet, named like an address.
	return []byte(strings.Replace(string(b), "{", `{"newKindOfAddress":{"addressName":"Markørvei"},`, 1))
}

func TestMaskRaw_S19(t *testing.T) {
	tests := []struct {
		name            string
		level, grade    person.AddressConfidentiality
		relatives       bool
		asked           bool
		wantAddressText bool
	}{
		{"confidential person", person.Confidential, "", false, true, false},
		{"strictly confidential person", person.StrictlyConfidential, "", false, true, false},
		{"unknown level", "SomethingNew", "", false, true, false},
		{"relative, unprotected", person.Unclassified, "", true, true, false},
		{"protection not asked for and absent", "", "", false, false, false},
		{"unprotected person", person.Unclassified, "", false, true, true},
		{"protection asked for and absent", "", "", false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, bulk := range []bool{false, true} {
				body := rawDoc(t, tt.level, tt.grade)
				if bulk {
					body = []byte("[" + string(body) + "]")
				}
				doc, err := rawlog.Parse(body)
				if err != nil {
					t.Fatal(err)
				}
				n := MaskRaw(doc, tt.relatives, tt.asked)
				out := doc.Indent()
				if !strings.Contains(out, "Nordmann") {
					t.Error("the name was masked too")
				}
				if tt.wantAddressText {
					if n != 0 || !strings.Contains(out, "Markørgata") {
						t.Errorf("masked %d items of an unprotected person", n)
					}
					return
				}
				for _, m := range rawMarkers {
					if strings.Contains(out, m) {
						t.Errorf("bulk %t: %q survives masking:\n%s", bulk, m, out)
					}
				}
				if n < 6 || !strings.Contains(out, Masked) {
					t.Errorf("masked %d; want every address item", n)
				}
			}
		})
	}
}

func TestMaskRaw_ItemGrade(t *testing.T) {
	doc, err := rawlog.Parse(rawDoc(t, person.Unclassified, person.StrictlyConfidential))
	if err != nil {
		t.Fatal(err)
	}
	if n := MaskRaw(doc, false, true); n != 1 {
		t.Errorf("masked %d; want the one strictly confidential item", n)
	}
	out := string(doc.Compact())
	if !strings.Contains(out, `"residentialAddress":["[skjermet]"]`) || !strings.Contains(out, "Postboks 9393") {
		t.Errorf("want only the graded item masked:\n%s", out)
	}
}
