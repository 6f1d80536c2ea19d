package handlers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
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
			ctx := i18n.WithLang(context.Background(), i18n.NB)
			panel := addressesPanel(ctx, protectedDoc(level))
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
		doc := protectedDoc(person.Unclassified)
		dump := fmt.Sprintf("%+v", addressesPanel(ctx, doc))
		for _, m := range []string{"Markørgata 9", "9090 MARKØRBY", "90909090 Markørkrets", "909090 Markørbydel", "Postboks 9393", "gnr. 9191, bnr. 9292"} {
			if !strings.Contains(dump, m) {
				t.Errorf("view model lacks %q", m)
			}
		}
	})
}
