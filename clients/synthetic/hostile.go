package synthetic

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/tolerant"
)

// Hostile strings (S25): what an upstream could send that a page must show
// as text and never run. The simulators serve them for a few extra persons
// beside the population (HostilePersons), so a tester and the browser walk
// can see that each renders inert.
var hostileStrings = []string{
	`"><img src=x onerror="window.__xss=(window.__xss||0)+1">`,
	`<script>window.__xss=(window.__xss||0)+1</script>`,
	`' hx-get="/logout" hx-trigger="load" x='`,
	`javascript:window.__xss=(window.__xss||0)+1`,
	"\u202Egnp.exe\u202C Høyre-til-venstre",
	`{{.}} ${7*7} <svg/onload=window.__xss=1>`,
}

// HostileLongName is the length of the very long name one hostile person
// has: a page must wrap or cut it, not overflow.
const HostileLongName = 10000

// HostilePersons returns the extra persons whose every text field holds a
// hostile string. Their synthetic identity numbers (born 1 to 4 January
// 1901) lie outside any population the generator makes, so they never
// shadow a generated person. The result is the same on every call.
func HostilePersons() []*person.Person {
	r := rand.New(rand.NewPCG(25, 25))
	var out []*person.Person
	for i := range 4 {
		birth := time.Date(1901, time.January, 1+i, 0, 0, 0, 0, time.UTC)
		number, err := nin.Generate(r, birth, i%2 == 0, nin.Fodselsnummer, true)
		if err != nil {
			continue // cannot happen for 1901; a missing fixture only shrinks the corpus
		}
		h := func(k int) string { return hostileStrings[(i+k)%len(hostileStrings)] }
		given, family := h(0), h(1)
		if i == 3 {
			given = strings.Repeat("Å", HostileLongName)
		}
		meta := person.Meta{RegisteredAt: person.Date(2020, 1, 2), IsValid: person.Bool(true), Source: h(2), Reason: h(3),
			ValidFrom: person.Date(1901, 1, 1+i)}
		out = append(out, &person.Person{
			ID:             "hostile-" + number,
			SequenceNumber: int64(900000 + i),
			NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{Meta: meta, Status: person.IdentificationInUse,
				IdentificationNumber: number, IdentificationNumberType: person.NationalIdentityNumber}},
			Name:   []person.PersonName{{Meta: meta, GivenName: given, MiddleName: h(4), FamilyName: family}},
			Gender: []person.PersonGender{{Meta: meta, Gender: person.Gender(h(5))}},
			Status: []person.PersonStatus{{Meta: meta, Status: person.StatusResident}},
			Birth: []person.Birth{{Meta: meta, BirthDate: person.Date(1901, 1, 1+i), BirthYear: "1901", BirthPlace: h(1),
				BirthMunicipalityNumber: "0301", BirthMunicipalityName: h(2), BirthCountry: "NOR"}},
			BirthInNorway: []person.BirthInNorway{{Meta: meta, OrganizationName: h(3)}},
			ResidentialAddress: []person.ResidentialAddress{{Meta: meta, AddressConfidentiality: person.Unclassified,
				StreetAddress: &person.StreetAddress{AddressName: h(0), AddressNumber: &person.AddressNumber{HouseNumber: "1", HouseLetter: h(4)},
					City: &person.City{CityName: h(1), PostalCode: "0153"}, MunicipalityNumber: "0301", MunicipalityName: h(5),
					CoAddressName: h(2)},
				District: person.District{BasicStatisticalUnitName: h(3), UrbanDistrictName: h(4)}}},
			MaritalStatus: []person.MaritalStatus{{Meta: meta, Status: person.MaritalUnmarried, Place: h(5)}},
			Citizenship:   []person.Citizenship{{Meta: meta, CountryCode: h(0)}},
			CommonContactRegisterInformation: &person.CommonContactRegisterInformation{
				Reservation: person.Reservation(h(1)), Status: person.KRRActive, NotificationStatus: person.CanBeNotified,
				// A date in a form nobody reads, so the walk also checks the
				// panel's list of values that could not be read (S44).
				ContactInformation: &person.KRRContactInformation{Email: h(3), PhoneNumber: h(0),
					EmailLastUpdated: tolerant.Unreadable(h(1)), EmailLastVerified: person.Date(2024, 1, 1)},
				DigitalPost: &person.DigitalPost{DigitalPostAddress: h(2), DigitalPostVendorAddress: h(4)},
				Language:    h(5),
			},
		})
	}
	return out
}
