package person_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/person"
)

// Identity numbers of the test population (synthetic; not real persons).
const (
	ninRich       = "13057412345" // current number of the rich person
	ninRichOld    = "53057412345" // the rich person's former D-number
	ninProtected  = "01018012345" // strictly confidential address
	ninPostalOnly = "02028012345" // unclassified, one confidential postal address
	ninChild      = "03031512345"
	ninAlternate  = "81234567890" // felles hjelpenummer
	ninUnknown    = "09099912345"
)

func ts(y int, m time.Month, d, hh, mm int) person.DateTime {
	return person.NewDateTime(time.Date(y, m, d, hh, mm, 7, 0, time.UTC))
}

// meta returns metadata with every field set.
func meta(valid bool) person.Meta {
	return person.Meta{
		RegisteredAt: ts(2020, 1, 2, 3, 4),
		IsValid:      person.Bool(valid),
		Source:       "Skatteetaten",
		Reason:       "Flytting",
		ValidFrom:    ts(2019, 5, 6, 7, 8),
		ValidTo:      ts(2021, 9, 10, 11, 12),
	}
}

func fullName() *person.Name {
	return &person.Name{GivenName: "Vakker", MiddleName: "Rosa", FamilyName: "Blomst"}
}

func city() *person.City { return &person.City{CityName: "TRONDHEIM", PostalCode: "7030"} }

func streetAddress() *person.StreetAddress {
	return &person.StreetAddress{
		MunicipalityNumber: "5001", MunicipalityName: "Trondheim - Tråante",
		CountyNumber: "50", CountyName: "Trøndelag - Trööndelage",
		SeparatelyOccupiedUnitNumber: "H0101", SeparatelyOccupiedUnitType: person.UnitHousing,
		AddressName: "Hellhaugan", AddressNumber: &person.AddressNumber{HouseNumber: "160", HouseLetter: "B"},
		AddressCode: "12345", AddressAdditionalName: "Havgløtt", City: city(), CoAddressName: "C/O Acme",
	}
}

func cadastralAddress() *person.CadastralAddress {
	return &person.CadastralAddress{
		SeparatelyOccupiedUnitNumber: "H0201", SeparatelyOccupiedUnitType: person.UnitHolidayHome,
		CadastralNumber: &person.CadastralNumber{
			MunicipalityNumber: "5053", MunicipalityName: "Inderøy", CountyNumber: "50", CountyName: "Trøndelag",
			MunicipalityLandNumber: 12, TitleNumber: 6, LeaseholdNumber: 1,
		},
		SubNumber: 5, AddressAdditionalName: "Nordgården", City: city(), CoAddressName: "C/O Gården",
	}
}

func unknownResidence() *person.UnknownResidence {
	return &person.UnknownResidence{MunicipalityNumber: "5001", MunicipalityName: "Trondheim", CountyNumber: "50", CountyName: "Trøndelag"}
}

func district() person.District {
	return person.District{
		BasicStatisticalUnit: 401, FullBasicStatisticalUnitNumber: "50010401", BasicStatisticalUnitName: "Sentrum 1",
		UrbanDistrictCode: "500101", UrbanDistrictName: "Midtbyen", GeographicalUrbanDistrictCode: "500102",
		GeographicalUrbanDistrictName: "Midtbyen geo",
	}
}

func internationalAddress() *person.InternationalAddress {
	return &person.InternationalAddress{
		CoAddressName: "C/O Ami", AddressName: "114 Av. des Champs-Élysées", Building: "Bloc 3", FloorNumber: "2",
		HousingUnit: "Apt 10", PostBox: "BP 12", PostCode: "75008", CityOrPlaceName: "Paris", DistrictName: "8e",
		Region: "Île-de-France", CountryCode: "FR",
	}
}

func withoutID() *person.RelatedPersonWithoutIdentifier {
	return &person.RelatedPersonWithoutIdentifier{Name: fullName(), BirthDate: person.Date(1950, 2, 3), Citizenship: "SWE", Gender: person.GenderFemale}
}

func identifying() *person.IdentifyingInformation {
	return &person.IdentifyingInformation{PersonName: fullName(), BirthDate: person.Date(1960, 4, 5), Citizenship: []string{"SWE", "NOR"}, Gender: person.GenderMale}
}

// richPerson has every field of every information part set (checked by
// TestRichPersonIsComplete), with one current and one historic item per list.
func richPerson() *person.Person {
	return &person.Person{
		ID:             "3f9c5e318c9497770e37e0ff925034848f9bb1899ce1e8047589fba1c322b278",
		SequenceNumber: 4711,
		FalseIdentity: &person.FalseIdentity{
			Meta: meta(true), CorrectIdentityFromInformation: identifying(), IsCorrectIdentityUnknown: person.Bool(false),
			CorrectIdentityFromIdentificationNumber: "17107012345", IsFalseIdentity: person.Bool(true),
		},
		NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{
			{Meta: meta(true), Status: person.IdentificationInUse, IdentificationNumber: ninRich, IdentificationNumberType: person.NationalIdentityNumber},
			{Meta: meta(false), Status: person.IdentificationDiscontinued, IdentificationNumber: ninRichOld, IdentificationNumberType: person.DNumber},
		},
		IdentityVerification: []person.IdentityVerification{{Meta: meta(true), IdentityVerificationStatus: person.IdentityVerified}},
		ResiduaryEstateContactInformation: []person.ResiduaryEstateContactInformation{{
			Meta:                   meta(true),
			Person:                 &person.PersonAsContact{PersonName: fullName(), BirthDate: person.Date(1970, 12, 31), NorwegianIdentificationNumber: "31127012345"},
			Lawyer:                 &person.LawyerAsContact{PersonName: fullName(), OrganizationName: "Advokat AS", OrganizationNumber: "912345678"},
			Organization:           &person.OrganizationAsContact{OrganizationName: "Bobestyrer AS", OrganizationNumber: "987654321", ContactPersonName: fullName()},
			ProbateCertificateType: person.ProbatePublic, ProbateCertificateIssueDate: person.Date(2022, 3, 4),
			ContactAddress: &person.ContactAddressForResiduaryEstate{AddressLine: []string{"Calle 1"}, City: "Torremolinos", PostalCode: "29620", CountryCode: "ES"},
		}},
		IdentificationDocument: []person.IdentificationDocument{{
			Meta: meta(true), DocumentNumber: "ZS 8000139", DocumentType: "pass", IssuerCountry: "POL", IssuerName: "Polen",
			DocumentValidFrom: person.Date(2015, 1, 1), DocumentValidTo: person.Date(2025, 1, 1),
			DocumentVerification: &person.DocumentVerification{VerificationStatus: "kontrollertIdentifikasjonsdokument", VerifiedAt: ts(2016, 2, 2, 2, 2)},
		}},
		Status: []person.PersonStatus{
			{Meta: meta(true), Status: person.StatusResident},
			{Meta: meta(false), Status: person.StatusTemporary},
		},
		ImmigrationAuthoritiesIdentification: []person.PersonIdentification{{Meta: meta(true), IdentificationNumber: "123456789012", IdentificationNumberType: person.ImmigrationAuthoritiesIdentificationNumber, IssuerCountry: "NOR"}},
		ForeignPersonIdentificationNumber:    []person.PersonIdentification{{Meta: meta(true), IdentificationNumber: "SE-19500203", IdentificationNumberType: person.SocialSecurityNumber, IssuerCountry: "SWE"}},
		SharedResidence: []person.SharedResidence{{
			Meta: meta(true), StreetAddress: streetAddress(), CadastralAddress: cadastralAddress(), UnknownResidence: unknownResidence(),
			CadastralIdentifier: "14464824", CloseCadastralIdentifier: "14464825", AddressConfidentiality: person.Unclassified,
			ContractValidFrom: person.Date(2018, 1, 1), ContractValidTo: person.Date(2030, 1, 1), District: district(),
		}},
		Gender: []person.PersonGender{{Meta: meta(true), Gender: person.GenderFemale}},
		Birth: []person.Birth{{
			Meta: meta(true), BirthDate: person.Date(1974, 5, 13), BirthYear: "1974", BirthPlace: "Molde",
			BirthMunicipalityNumber: "1506", BirthMunicipalityName: "Molde", BirthCountyNumber: "15", BirthCountyName: "Møre og Romsdal", BirthCountry: "NOR",
		}},
		BirthInNorway: []person.BirthInNorway{{Meta: meta(true), OrganizationName: "Molde sjukehus", MultipleBirthNumber: 21}},
		FamilyRelation: []person.FamilyRelation{
			{Meta: meta(true), RelatedPerson: ninChild, RelatedPersonWithoutIdentifier: withoutID(), RelatedPersonsRole: person.RelationChild, MyRoleForRelatedPerson: person.RelationMother},
			{Meta: meta(false), RelatedPerson: ninUnknown, RelatedPersonWithoutIdentifier: withoutID(), RelatedPersonsRole: person.RelationSpouseOrPartner, MyRoleForRelatedPerson: person.RelationSpouseOrPartner},
		},
		MaritalStatus: []person.MaritalStatus{{
			Meta: meta(true), Status: person.MaritalMarried, StatusDate: person.Date(2000, 6, 24), Authority: "2",
			MunicipalityNumber: "5001", MunicipalityName: "Trondheim", CountyNumber: "50", CountyName: "Trøndelag",
			Place: "Nidarosdomen", Abroad: "SWE", RelatedByMaritalStatus: "17107012345",
		}},
		Death: &person.Death{Meta: meta(false), DeceasedDate: person.Date(2099, 1, 1)},
		Name: []person.PersonName{
			{Meta: meta(true), GivenName: "Vakker", MiddleName: "Rosa", FamilyName: "Blomst", ShortName: "Blomst Vakker R", OriginalName: fullName()},
			{Meta: meta(false), GivenName: "Vakker", MiddleName: "Rosa", FamilyName: "Knopp", ShortName: "Knopp Vakker R", OriginalName: fullName()},
		},
		AddressProtection: []person.AddressProtection{{Meta: meta(true), ProtectionLevel: person.Unclassified}},
		ResidentialAddress: []person.ResidentialAddress{
			{
				Meta: meta(true), StreetAddress: streetAddress(), CadastralAddress: cadastralAddress(), UnknownResidence: unknownResidence(),
				CadastralIdentifier: "14464824", CloseCadastralIdentifier: "14464825", AddressConfidentiality: person.Unclassified,
				MoveDate: person.Date(2019, 5, 6), Constituency: 7, SchoolDistrict: 5, ChurchDistrict: 3, District: district(),
			},
			{Meta: meta(false), UnknownResidence: unknownResidence(), AddressConfidentiality: person.Unclassified},
		},
		PresentAddress: []person.PresentAddress{{
			Meta: meta(true), ForeignAddress: internationalAddress(), IsAddressUnknown: person.Bool(false), StreetAddress: streetAddress(),
			CadastralAddress: cadastralAddress(), CadastralIdentifier: "14464824", AddressConfidentiality: person.ClientAddress,
			PresentAddressDate: person.Date(2023, 2, 1), StayElsewhere: person.StayElsewhereOnSvalbard, District: district(),
		}},
		ImmigrationToNorway:  []person.ImmigrationToNorway{{Meta: meta(true), ImmigratedFromCountry: "SWE", ImmigratedFromCity: "Umeå"}},
		EmigrationFromNorway: []person.EmigrationFromNorway{{Meta: meta(false), EmigratedToCountry: "FRA", EmigratedToCity: "Paris", EmigratedMoveDate: person.Date(1999, 8, 1)}},
		UseOfSamiLanguage:    []person.SamiLanguage{{Meta: meta(true), Language: []person.SamiLanguageType{person.SamiNorthern, person.SamiLule}}},
		SamiParliamentElectoralRegistryStatus: []person.SamiParliamentElectoralRegistry{{
			Meta: meta(true), Status: person.SamiEnrolled, ResolutionDate: person.Date(2010, 10, 10),
		}},
		PreferredContactAddress: []person.PreferredContactAddress{{
			Meta: meta(false), AddressType: person.AddressTypePostal, AddressConfidentiality: person.Unclassified,
			FreeformContactAddress: &person.FreeformAddress{AddressLine: []string{"Postboks 1"}, CountryCode: "NO"},
		}},
		PostalAddress: []person.ContactAddress{{
			Meta: meta(true), AddressConfidentiality: person.Unclassified,
			PostBoxAddress: &person.PostBoxAddress{PostBoxOwner: "Vakker Blomst", PostBoxIdentification: "Postboks 12 Sentrum", City: city()},
			StreetAddress: &person.StreetAddressForPost{
				CoAddressName: "C/O Acme", AddressName: "Hellhaugan", StreetAddressNumber: &person.AddressNumber{HouseNumber: "160", HouseLetter: "B"},
				City: city(), AddressCode: "12345", AddressAdditionalName: "Havgløtt", SeparatelyOccupiedUnitNumber: "H0101",
			},
			FreeFormPostalAddress: &person.FreeFormPostalAddress{AddressLine: []string{"Hellhaugan 160 B"}, Adresselinje: []string{"Hellhaugan 160 B"}, City: city()},
			CadastralIdentifier:   "14464824",
		}},
		ForeignPostalAddress: []person.ForeignContactAddress{{
			Meta: meta(true), AddressConfidentiality: person.Unclassified, ForeignAddress: internationalAddress(),
			FreeFormForeignAddress: &person.FreeFormInternationalAddress{AddressLine: []string{"Rue 1"}, PostCode: "75008", CityOrPlaceName: "Paris", CountryCode: "FR"},
		}},
		ParentalResponsibility: []person.ParentalResponsibility{{
			Meta: meta(true), ResponsibilityType: person.ResponsibilityJoint, SubjectOfResponsibility: ninChild, Responsible: ninRich,
			ResponsibleOrganization: "Barnevernet", ResponsibleWithoutIdentifier: withoutID(), SubjectOfResponsibilityWithoutIdentifier: withoutID(),
		}},
		Citizenship:          []person.Citizenship{{Meta: meta(true), CountryCode: "NOR", AquiredDate: person.Date(1974, 5, 13)}},
		CitizenshipRetention: []person.NorwegianCitizenshipRetention{{Meta: meta(true), CitizenshipRetentionStatus: person.CitizenshipRetained, RetentionResolutionDate: person.Date(2001, 1, 1)}},
		ResidencePermit:      []person.ResidencePermit{{Meta: meta(false), ResidencePermitType: person.PermitPermanent, StayFrom: person.Date(1990, 1, 1), StayTo: person.Date(1995, 1, 1)}},
		StayOnSvalbard: []person.StayOnSvalbard{{
			Meta: meta(true), StartDate: person.Date(2023, 1, 1), EndDate: person.Date(2024, 1, 1), ImmigratedFromMunicipalityNumber: "5001",
			ImmigratedFromCountry: "NOR", NumberOfPreviousStays: 2, EstimatedLengthOfStay: person.StayOverSixMonths,
		}},
		GuardianshipOrFuturePowerOfAttorney: []person.GuardianshipOrFuturePowerOfAttorney{{
			Meta: meta(true), GuardianshipType: person.GuardianshipAdult, Office: "Statsforvalteren i Trøndelag",
			Guardian: &person.Guardian{
				Name: fullName(), IdentificationNumber: "17107012345", GuardianshipScope: person.ScopeFinancialInterests,
				IsGuardianshipInPersonalScope: person.Bool(false), NameBirthDate: withoutID(), GuardianInformation: identifying(),
				GuardianServiceArea: []person.GuardianServiceArea{{GuardianServiceEstablishment: "Bank", GuardianServiceTask: "Økonomi"}},
			},
		}},
		DeprivedLegalAuthority: []person.DeprivedLegalAuthority{{Meta: meta(false)}},
		LegalAuthority:         []person.LegalAuthority{{Meta: meta(true), LegalAuthorityScope: person.LegalAuthorityLimited}},
		CommonContactRegisterInformation: &person.CommonContactRegisterInformation{
			Reservation: person.ReservationNo, Status: person.KRRActive, NotificationStatus: person.CanBeNotified,
			ContactInformation: &person.KRRContactInformation{
				Email: "vakker@example.test", EmailLastUpdated: ts(2016, 8, 5, 10, 45), EmailLastVerified: ts(2022, 8, 5, 10, 45),
				PhoneNumber: "+4799999999", PhoneNumberLastUpdated: ts(2016, 8, 5, 10, 45), PhoneNumberLastVerified: ts(2022, 8, 5, 10, 45),
			},
			DigitalPost: &person.DigitalPost{DigitalPostAddress: "vakker.blomst#9YDT", DigitalPostVendorAddress: "984661185"},
			Certificate: "MIIB...", Language: "nb", LanguageLastUpdated: ts(2022, 8, 5, 10, 45),
		},
	}
}

// TestRichPersonIsComplete proves the fixture sets every field of the
// model, so the round-trip test covers every information part.
func TestRichPersonIsComplete(t *testing.T) {
	var zero []string
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				zero = append(zero, path)
				return
			}
			walk(v.Elem(), path)
		case reflect.Slice:
			if v.Len() == 0 {
				zero = append(zero, path)
				return
			}
			// The first item of each list is the complete one.
			walk(v.Index(0), path+"[0]")
		case reflect.Struct:
			if _, ok := v.Interface().(person.DateTime); ok {
				if v.Interface().(person.DateTime).IsZero() {
					zero = append(zero, path)
				}
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).Name == "Unread" {
					continue // what the client could not read; a fixture has none
				}
				walk(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		case reflect.Bool:
			// false is a value (isValid false marks history).
		default:
			if v.IsZero() {
				zero = append(zero, path)
			}
		}
	}
	walk(reflect.ValueOf(*richPerson()), "Person")
	if len(zero) > 0 {
		t.Errorf("fields left zero in richPerson: %v", zero)
	}
}
