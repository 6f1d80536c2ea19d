package timeline

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
)

// now is the moment the tests look at the documents from.
var now = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// meta is an item's metadata: valid from from (YYYY-MM-DD) to to ("" open).
func meta(from, to string) person.Meta {
	m := person.Meta{Source: "Skatteetaten", IsValid: person.Bool(to == "")}
	if from != "" {
		m.ValidFrom, m.RegisteredAt = day(from), day(from)
	}
	if to != "" {
		m.ValidTo = day(to)
	}
	return m
}

func day(s string) person.DateTime {
	d, err := person.ParseDateTime(s)
	if err != nil {
		panic(err)
	}
	return d
}

// testNIN returns a valid synthetic identity number for a birth date.
func testNIN(t *testing.T, birth string, seed uint64) string {
	t.Helper()
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		t.Fatal(err)
	}
	n, err := nin.Generate(rand.New(rand.NewPCG(seed, seed+1)), b, seed%2 == 0, nin.Fodselsnummer, true)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return n
}

// street is a residential address on a street in Oslo.
func street(m person.Meta, name, number, postcode, city string) person.ResidentialAddress {
	return person.ResidentialAddress{
		Meta: m,
		StreetAddress: &person.StreetAddress{
			AddressName: name, AddressNumber: &person.AddressNumber{HouseNumber: number},
			MunicipalityNumber: "0301", MunicipalityName: "Oslo", CountyName: "Oslo",
			City: &person.City{PostalCode: postcode, CityName: city},
		},
		District: person.District{BasicStatisticalUnitName: "Grünerløkka vest", UrbanDistrictName: "Grünerløkka"},
	}
}

// lifePerson is a person with an entry of every kind.
func lifePerson(t *testing.T) *person.Person {
	t.Helper()
	self := testNIN(t, "1980-03-12", 1)
	child := testNIN(t, "2010-06-01", 2)
	return &person.Person{
		NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{
			{Meta: meta("1980-03-12", ""), IdentificationNumber: self, IdentificationNumberType: person.NationalIdentityNumber, Status: person.IdentificationInUse},
		},
		Birth: []person.Birth{{Meta: meta("1980-03-12", ""), BirthDate: day("1980-03-12"), BirthMunicipalityName: "Bergen", BirthCountry: "NOR"}},
		Status: []person.PersonStatus{
			{Meta: meta("1980-03-12", "2001-01-01"), Status: person.StatusResident},
			{Meta: meta("2001-01-01", "2004-01-01"), Status: person.StatusEmigrated},
			{Meta: meta("2004-01-01", ""), Status: person.StatusResident},
		},
		EmigrationFromNorway: []person.EmigrationFromNorway{{Meta: meta("2001-01-01", ""), EmigratedToCountry: "SWE"}},
		ImmigrationToNorway:  []person.ImmigrationToNorway{{Meta: meta("2004-01-01", ""), ImmigratedFromCountry: "SWE"}},
		Name: []person.PersonName{
			{Meta: meta("1980-03-12", "2008-07-05"), GivenName: "Kari", FamilyName: "Hansen"},
			{Meta: meta("2008-07-05", ""), GivenName: "Kari", MiddleName: "Hansen", FamilyName: "Nordmann"},
		},
		MaritalStatus: []person.MaritalStatus{
			{Meta: meta("1980-03-12", "2008-07-05"), Status: person.MaritalUnmarried},
			{Meta: meta("2008-07-05", ""), Status: person.MaritalMarried, StatusDate: day("2008-07-05"), RelatedByMaritalStatus: testNIN(t, "1978-01-01", 4)},
		},
		ResidentialAddress: []person.ResidentialAddress{
			street(meta("1980-03-12", "1999-08-01"), "Bergensgata", "1", "5003", "BERGEN"),
			street(meta("1999-08-01", "2001-01-01"), "Thorvald Meyers gate", "10", "0555", "OSLO"),
			street(meta("2004-01-01", ""), "Markveien", "35B", "0554", "OSLO"),
		},
		PostalAddress: []person.ContactAddress{
			{Meta: meta("2015-01-01", ""), PostBoxAddress: &person.PostBoxAddress{PostBoxIdentification: "123", City: &person.City{PostalCode: "0102", CityName: "OSLO"}}},
		},
		Citizenship: []person.Citizenship{{Meta: meta("1980-03-12", ""), CountryCode: "NOR"}},
		AddressProtection: []person.AddressProtection{
			{Meta: meta("1980-03-12", ""), ProtectionLevel: person.Unclassified},
		},
		FamilyRelation: []person.FamilyRelation{
			{Meta: meta("2010-06-01", ""), RelatedPerson: child, RelatedPersonsRole: person.RelationChild, MyRoleForRelatedPerson: person.RelationMother},
		},
	}
}

// protectedPerson has addresses of every kind although the person is
// protected at level: the upstream sent them anyway, and none may be shown.
func protectedPerson(t *testing.T, level person.AddressConfidentiality) *person.Person {
	p := lifePerson(t)
	p.AddressProtection = []person.AddressProtection{
		{Meta: meta("1980-03-12", "2012-01-01"), ProtectionLevel: person.Unclassified},
		{Meta: meta("2012-01-01", ""), ProtectionLevel: level},
	}
	p.PresentAddress = []person.PresentAddress{{Meta: meta("2013-01-01", ""),
		StreetAddress: &person.StreetAddress{AddressName: "Hemmeligveien", AddressNumber: &person.AddressNumber{HouseNumber: "7"},
			City: &person.City{PostalCode: "9990", CityName: "BÅTSFJORD"}}}}
	p.SharedResidence = []person.SharedResidence{{Meta: meta("2014-01-01", ""),
		StreetAddress: &person.StreetAddress{AddressName: "Delteveien", City: &person.City{PostalCode: "9991", CityName: "SKJULT"}}}}
	p.PostalAddress = []person.ContactAddress{{Meta: meta("2015-01-01", ""),
		StreetAddress: &person.StreetAddressForPost{AddressName: "Postveien", City: &person.City{PostalCode: "9992", CityName: "POSTSTED"}}}}
	p.ForeignPostalAddress = []person.ForeignContactAddress{{Meta: meta("2016-01-01", ""),
		ForeignAddress: &person.InternationalAddress{AddressName: "Utlandsgatan 3", PostCode: "S-11122", CityOrPlaceName: "Stockholm", CountryCode: "SE"}}}
	p.ResidentialAddress[2].Reason = "Flyttet til Markveien 35B"
	return p
}

// historicPerson was protected from 2000 to 2003 and is unclassified now;
// one postal address is graded on its own.
func historicPerson(t *testing.T) *person.Person {
	p := lifePerson(t)
	p.AddressProtection = []person.AddressProtection{
		{Meta: meta("2000-01-01", "2003-01-01"), ProtectionLevel: person.StrictlyConfidential},
		{Meta: meta("2003-01-01", ""), ProtectionLevel: person.Unclassified},
	}
	p.PostalAddress[0].AddressConfidentiality = person.Confidential
	return p
}

// addressData is every piece of address in protectedPerson.
var addressData = []string{
	"Bergensgata", "5003", "BERGEN", "Thorvald Meyers", "0555", "Markveien", "35B", "0554",
	"Hemmeligveien", "9990", "BÅTSFJORD", "Delteveien", "9991", "SKJULT", "Postveien", "9992", "POSTSTED",
	"Utlandsgatan", "S-11122", "Stockholm", "Grünerløkka", "Postboks", "0102", "0301",
}

func ids(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func mustFind(t *testing.T, es []Entry, id string) Entry {
	t.Helper()
	e, ok := find(es, id)
	if !ok {
		t.Fatalf("no entry %q in %v", id, ids(es))
	}
	return e
}
