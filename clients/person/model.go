// Package person is the client of Norsk helsenett's Person API
// (Persontjenesten, v3) and its information model: the person document with
// every information part, search and event results, and ProblemDetails.
//
// JSON names are the API's exactly. Every field is optional on the wire; v3
// omits nulls, and so does encoding here (`omitempty` for strings, numbers
// and nested lists, `omitzero` for dates, nested objects and the information
// parts), so a document round-trips unchanged. An information part is
// omitted when nil and written as [] when empty: the API sends [] for a part
// that was asked for and has no items (NHN's example document). Booleans that may be false are *bool: a plain bool
// with omitempty would drop a real false (isValid false marks history).
//
// Every error the Client returns wraps one of package upstream's kinds,
// the one error vocabulary all clients share (or a context error, or the
// Auth's own error), so callers test with errors.Is.
package person

import (
	"github.com/oppslag/oppslag/clients/problem"
	"github.com/oppslag/oppslag/clients/tolerant"
)

// Meta is the FREG metadata on every list item (and on death and false
// identity). Current and historic items are mixed in one list and told apart
// by IsValid.
type Meta struct {
	RegisteredAt DateTime `json:"registeredAt,omitzero"` // FREG: Ajourholdstidspunkt
	// IsValid is nil when the API did not say. Current treats nil as
	// current: v3 omits nulls, and an item of unknown validity is better
	// shown than silently hidden.
	IsValid   *bool    `json:"isValid,omitempty"`  // FREG: ErGjeldende
	Source    string   `json:"source,omitempty"`   // FREG: Kilde
	Reason    string   `json:"reason,omitempty"`   // FREG: Aarsak
	ValidFrom DateTime `json:"validFrom,omitzero"` // FREG: Gyldighetstidspunkt
	ValidTo   DateTime `json:"validTo,omitzero"`   // FREG: Opphoerstidspunkt
}

// GetMeta returns m; every item type embeds Meta and so satisfies the
// constraint of Valid and History.
func (m Meta) GetMeta() Meta { return m }

// Current reports whether the item is current (isValid true or absent).
func (m Meta) Current() bool { return m.IsValid == nil || *m.IsValid }

// Bool returns a pointer to b, for IsValid and the other optional booleans.
func Bool(b bool) *bool { return &b }

// Valid returns the current items of a list (isValid true or absent), in
// order. The result shares no backing array with items.
func Valid[T interface{ GetMeta() Meta }](items []T) []T {
	var out []T
	for _, it := range items {
		if it.GetMeta().Current() {
			out = append(out, it)
		}
	}
	return out
}

// History returns the historic items of a list (isValid false), in order.
func History[T interface{ GetMeta() Meta }](items []T) []T {
	var out []T
	for _, it := range items {
		if !it.GetMeta().Current() {
			out = append(out, it)
		}
	}
	return out
}

// First returns a pointer to a copy of the first current item, or nil. Use
// it for the parts with at most one current item (name, gender, status,
// birth, addresses, address protection).
func First[T interface{ GetMeta() Meta }](items []T) *T {
	for _, it := range items {
		if it.GetMeta().Current() {
			return &it
		}
	}
	return nil
}

// Person is the Person API's person document. Only the requested information
// parts are filled; the others are absent.
type Person struct {
	ID             string `json:"id,omitempty"`
	SequenceNumber int64  `json:"sequenceNumber,omitempty"`

	FalseIdentity                         *FalseIdentity                        `json:"falseIdentity,omitzero"`
	NorwegianIdentificationNumber         []NorwegianIdentificationNumber       `json:"norwegianIdentificationNumber,omitzero"`
	IdentityVerification                  []IdentityVerification                `json:"identityVerification,omitzero"`
	ResiduaryEstateContactInformation     []ResiduaryEstateContactInformation   `json:"residuaryEstateContactInformation,omitzero"`
	IdentificationDocument                []IdentificationDocument              `json:"identificationDocument,omitzero"`
	Status                                []PersonStatus                        `json:"status,omitzero"`
	ImmigrationAuthoritiesIdentification  []PersonIdentification                `json:"immigrationAuthoritiesIdentificationNumber,omitzero"`
	ForeignPersonIdentificationNumber     []PersonIdentification                `json:"foreignPersonIdentificationNumber,omitzero"`
	SharedResidence                       []SharedResidence                     `json:"sharedResidence,omitzero"`
	Gender                                []PersonGender                        `json:"gender,omitzero"`
	Birth                                 []Birth                               `json:"birth,omitzero"`
	BirthInNorway                         []BirthInNorway                       `json:"birthInNorway,omitzero"`
	FamilyRelation                        []FamilyRelation                      `json:"familyRelation,omitzero"`
	MaritalStatus                         []MaritalStatus                       `json:"maritalStatus,omitzero"`
	Death                                 *Death                                `json:"death,omitzero"`
	Name                                  []PersonName                          `json:"name,omitzero"`
	AddressProtection                     []AddressProtection                   `json:"addressProtection,omitzero"`
	ResidentialAddress                    []ResidentialAddress                  `json:"residentialAddress,omitzero"`
	PresentAddress                        []PresentAddress                      `json:"presentAddress,omitzero"`
	ImmigrationToNorway                   []ImmigrationToNorway                 `json:"immigrationToNorway,omitzero"`
	EmigrationFromNorway                  []EmigrationFromNorway                `json:"emigrationFromNorway,omitzero"`
	UseOfSamiLanguage                     []SamiLanguage                        `json:"useOfSamiLanguage,omitzero"`
	SamiParliamentElectoralRegistryStatus []SamiParliamentElectoralRegistry     `json:"samiParliamentElectoralRegistryStatus,omitzero"`
	PreferredContactAddress               []PreferredContactAddress             `json:"preferredContactAddress,omitzero"`
	PostalAddress                         []ContactAddress                      `json:"postalAddress,omitzero"`
	ForeignPostalAddress                  []ForeignContactAddress               `json:"foreignPostalAddress,omitzero"`
	ParentalResponsibility                []ParentalResponsibility              `json:"parentalResponsibility,omitzero"`
	Citizenship                           []Citizenship                         `json:"citizenship,omitzero"`
	CitizenshipRetention                  []NorwegianCitizenshipRetention       `json:"citizenshipRetention,omitzero"`
	ResidencePermit                       []ResidencePermit                     `json:"residencePermit,omitzero"`
	StayOnSvalbard                        []StayOnSvalbard                      `json:"stayOnSvalbard,omitzero"`
	GuardianshipOrFuturePowerOfAttorney   []GuardianshipOrFuturePowerOfAttorney `json:"guardianshipOrFuturePowerOfAttorney,omitzero"`
	DeprivedLegalAuthority                []DeprivedLegalAuthority              `json:"deprivedLegalAuthority,omitzero"`
	LegalAuthority                        []LegalAuthority                      `json:"legalAuthority,omitzero"`
	CommonContactRegisterInformation      *CommonContactRegisterInformation     `json:"commonContactRegisterInformation,omitzero"`

	// Unread lists the values the client could not read, with their paths
	// from this document's root (see package tolerant). The rest of the
	// document is complete; a page shows these as received, marked.
	Unread []tolerant.Field `json:"-"`
}

// CurrentName returns the current name, or nil.
func (p *Person) CurrentName() *PersonName { return First(p.Name) }

// CurrentNIN returns the identification number in use (the current item of
// norwegianIdentificationNumber), or "".
func (p *Person) CurrentNIN() string {
	for _, n := range Valid(p.NorwegianIdentificationNumber) {
		if n.Status == "" || n.Status == IdentificationInUse {
			return n.IdentificationNumber
		}
	}
	return ""
}

// CurrentGender returns the current gender, or "".
func (p *Person) CurrentGender() Gender {
	if g := First(p.Gender); g != nil {
		return g.Gender
	}
	return ""
}

// CurrentStatus returns the current person status, or "".
func (p *Person) CurrentStatus() PersonStatusType {
	if s := First(p.Status); s != nil {
		return s.Status
	}
	return ""
}

// CurrentBirth returns the current birth item, or nil.
func (p *Person) CurrentBirth() *Birth { return First(p.Birth) }

// CurrentResidentialAddress returns the current residential address, or nil.
func (p *Person) CurrentResidentialAddress() *ResidentialAddress { return First(p.ResidentialAddress) }

// Protection returns the first current addressProtection level, "" when
// unclassified or not requested. It is the register's value as sent, for
// display; whether an address may be shown is decided by package
// protection alone (S19), which reads the strictest current level.
func (p *Person) Protection() AddressConfidentiality {
	if a := First(p.AddressProtection); a != nil {
		return a.ProtectionLevel
	}
	return ""
}

// NorwegianIdentificationNumber is one of the person's Norwegian identity
// numbers, current or historic (FREG: Folkeregisteridentifikator).
type NorwegianIdentificationNumber struct {
	Meta
	Status                   IdentificationStatus     `json:"status,omitempty"`
	IdentificationNumber     string                   `json:"identificationNumber,omitempty"`
	IdentificationNumberType IdentificationNumberType `json:"identificationNumberType,omitempty"`
}

// Name is a plain name, used inside other items.
type Name struct {
	GivenName  string `json:"givenName,omitempty"`
	MiddleName string `json:"middleName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

// PersonName is the person's name (FREG: Navn).
type PersonName struct {
	Meta
	GivenName    string `json:"givenName,omitempty"`
	MiddleName   string `json:"middleName,omitempty"`
	FamilyName   string `json:"familyName,omitempty"`
	ShortName    string `json:"shortName,omitempty"` // FREG: Forkortet navn
	OriginalName *Name  `json:"originalName,omitzero"`
}

// PersonStatus is the person's status (FREG: Status).
type PersonStatus struct {
	Meta
	Status PersonStatusType `json:"status,omitempty"`
}

// PersonGender is the person's administrative gender (FREG: Kjoenn).
type PersonGender struct {
	Meta
	Gender Gender `json:"gender,omitempty"`
}

// Birth is the person's birth (FREG: Foedsel). BirthDate's time and zone
// are unknown and must be ignored (use DateOnly).
type Birth struct {
	Meta
	BirthDate               DateTime `json:"birthDate,omitzero"`
	BirthYear               string   `json:"birthYear,omitempty"`
	BirthPlace              string   `json:"birthPlace,omitempty"`
	BirthMunicipalityNumber string   `json:"birthMunicipalityNumber,omitempty"`
	BirthMunicipalityName   string   `json:"birthMunicipalityName,omitempty"`
	BirthCountyNumber       string   `json:"birthCountyNumber,omitempty"`
	BirthCountyName         string   `json:"birthCountyName,omitempty"`
	BirthCountry            string   `json:"birthCountry,omitempty"` // ISO 3166-1 alpha-3
}

// BirthInNorway adds details of a birth in Norway (FREG: FoedselINorge).
type BirthInNorway struct {
	Meta
	OrganizationName string `json:"organizationName,omitempty"`
	// MultipleBirthNumber is "total, position" as digits: 21 is the first of twins.
	MultipleBirthNumber int64 `json:"multipleBirthNumber,omitempty"`
}

// Death is the person's death (FREG: Doedsfall); an object, not a list.
type Death struct {
	Meta
	DeceasedDate DateTime `json:"deceasedDate,omitzero"`
}

// RelatedPersonWithoutIdentifier describes a person who has no Norwegian
// identification number (FREG: RelatertBiPerson, PersonNavnFoedselsdato).
type RelatedPersonWithoutIdentifier struct {
	Name        *Name    `json:"name,omitzero"`
	BirthDate   DateTime `json:"birthDate,omitzero"`
	Citizenship string   `json:"citizenship,omitempty"`
	Gender      Gender   `json:"gender,omitempty"`
}

// FamilyRelation is a relation to another person (FREG: Familierelasjon).
// RelatedPerson is the relative's identification number; it is empty when
// the relative has none (then RelatedPersonWithoutIdentifier is set).
type FamilyRelation struct {
	Meta
	RelatedPerson                  string                          `json:"relatedPerson,omitempty"`
	RelatedPersonWithoutIdentifier *RelatedPersonWithoutIdentifier `json:"relatedPersonWithoutIdentifier,omitzero"`
	RelatedPersonsRole             FamilyRelationType              `json:"relatedPersonsRole,omitempty"`
	MyRoleForRelatedPerson         FamilyRelationType              `json:"myRoleForRelatedPerson,omitempty"`
}

// MaritalStatus is the person's marital status (FREG: Sivilstand).
type MaritalStatus struct {
	Meta
	Status                 MaritalStatusType `json:"status,omitempty"`
	StatusDate             DateTime          `json:"statusDate,omitzero"`
	Authority              string            `json:"authority,omitempty"`
	MunicipalityNumber     string            `json:"municipalityNumber,omitempty"`
	MunicipalityName       string            `json:"municipalityName,omitempty"`
	CountyNumber           string            `json:"countyNumber,omitempty"`
	CountyName             string            `json:"countyName,omitempty"`
	Place                  string            `json:"place,omitempty"`
	Abroad                 string            `json:"abroad,omitempty"`
	RelatedByMaritalStatus string            `json:"relatedByMaritalStatus,omitempty"` // NIN of the spouse/partner
}

// ParentalResponsibility is a parental responsibility in which the person is
// the subject or the responsible (FREG: Foreldreansvar).
type ParentalResponsibility struct {
	Meta
	ResponsibilityType                       ResponsibilityType              `json:"responsibilityType,omitempty"`
	SubjectOfResponsibility                  string                          `json:"subjectOfResponsibility,omitempty"` // NIN of the child
	Responsible                              string                          `json:"responsible,omitempty"`             // NIN of the responsible
	ResponsibleOrganization                  string                          `json:"responsibleOrganization,omitempty"`
	ResponsibleWithoutIdentifier             *RelatedPersonWithoutIdentifier `json:"responsibleWithoutIdentifier,omitzero"`
	SubjectOfResponsibilityWithoutIdentifier *RelatedPersonWithoutIdentifier `json:"subjectOfResponsibilityWithoutIdentifier,omitzero"`
}

// AddressProtection is the person's overall protection level on residential,
// present and shared-residence addresses (FREG: Adressebeskyttelse). No
// current item means unclassified.
type AddressProtection struct {
	Meta
	ProtectionLevel AddressConfidentiality `json:"protectionLevel,omitempty"`
}

// City is a post location with its postal code (FREG: Poststed).
type City struct {
	CityName   string `json:"cityName,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
}

// AddressNumber is a house number with an optional letter.
type AddressNumber struct {
	HouseNumber string `json:"houseNumber,omitempty"`
	HouseLetter string `json:"houseLetter,omitempty"`
}

// StreetAddress is an official street address (FREG: Vegadresse), enriched
// with municipality and county names.
type StreetAddress struct {
	MunicipalityNumber           string                     `json:"municipalityNumber,omitempty"` // 4 digits, SSB class. 131
	MunicipalityName             string                     `json:"municipalityName,omitempty"`
	CountyNumber                 string                     `json:"countyNumber,omitempty"` // 2 digits, SSB class. 104
	CountyName                   string                     `json:"countyName,omitempty"`
	SeparatelyOccupiedUnitNumber string                     `json:"separatelyOccupiedUnitNumber,omitempty"` // e.g. H0101
	SeparatelyOccupiedUnitType   SeparatelyOccupiedUnitType `json:"separatelyOccupiedUnitType,omitempty"`
	AddressName                  string                     `json:"addressName,omitempty"`
	AddressNumber                *AddressNumber             `json:"addressNumber,omitzero"`
	AddressCode                  string                     `json:"addressCode,omitempty"`
	AddressAdditionalName        string                     `json:"addressAdditionalName,omitempty"`
	City                         *City                      `json:"city,omitzero"`
	CoAddressName                string                     `json:"coAddressName,omitempty"`
}

// CadastralNumber identifies a property (gnr/bnr/fnr) in a municipality.
type CadastralNumber struct {
	MunicipalityNumber     string `json:"municipalityNumber,omitempty"`
	MunicipalityName       string `json:"municipalityName,omitempty"`
	CountyNumber           string `json:"countyNumber,omitempty"`
	CountyName             string `json:"countyName,omitempty"`
	MunicipalityLandNumber int64  `json:"municipalityLandNumber,omitempty"` // gårdsnummer
	TitleNumber            int64  `json:"titleNumber,omitempty"`            // bruksnummer
	LeaseholdNumber        int64  `json:"leaseholdNumber,omitempty"`        // festenummer
}

// CadastralAddress is an address given by property number, for areas without
// street addresses (FREG: Matrikkeladresse).
type CadastralAddress struct {
	SeparatelyOccupiedUnitNumber string                     `json:"separatelyOccupiedUnitNumber,omitempty"`
	SeparatelyOccupiedUnitType   SeparatelyOccupiedUnitType `json:"separatelyOccupiedUnitType,omitempty"`
	CadastralNumber              *CadastralNumber           `json:"cadastralNumber,omitzero"`
	SubNumber                    int64                      `json:"subNumber,omitempty"`
	AddressAdditionalName        string                     `json:"addressAdditionalName,omitempty"`
	City                         *City                      `json:"city,omitzero"`
	CoAddressName                string                     `json:"coAddressName,omitempty"`
}

// UnknownResidence is a residence known only by municipality (FREG:
// UkjentBosted).
type UnknownResidence struct {
	MunicipalityNumber string `json:"municipalityNumber,omitempty"`
	MunicipalityName   string `json:"municipalityName,omitempty"`
	CountyNumber       string `json:"countyNumber,omitempty"`
	CountyName         string `json:"countyName,omitempty"`
}

// District holds the statistical and urban-district enrichment the Person
// API adds to residential, present and shared-residence addresses. It is
// embedded, so its fields sit flat in the JSON object.
type District struct {
	// BasicStatisticalUnit is the 3–4 digit unit code as a number (401 means "0401").
	BasicStatisticalUnit           int64  `json:"basicStatisticalUnit,omitempty"`
	FullBasicStatisticalUnitNumber string `json:"fullBasicStatisticalUnitNumber,omitempty"` // 8 digits, SSB class. 1
	BasicStatisticalUnitName       string `json:"basicStatisticalUnitName,omitempty"`
	UrbanDistrictCode              string `json:"urbanDistrictCode,omitempty"` // 6 digits, service district
	UrbanDistrictName              string `json:"urbanDistrictName,omitempty"`
	GeographicalUrbanDistrictCode  string `json:"geographicalUrbanDistrictCode,omitempty"` // 6 digits, SSB class. 103
	GeographicalUrbanDistrictName  string `json:"geographicalUrbanDistrictName,omitempty"`
}

// ResidentialAddress is the person's registered home (FREG: Bostedsadresse):
// exactly one of StreetAddress, CadastralAddress and UnknownResidence.
type ResidentialAddress struct {
	Meta
	StreetAddress            *StreetAddress         `json:"streetAddress,omitzero"`
	CadastralAddress         *CadastralAddress      `json:"cadastralAddress,omitzero"`
	UnknownResidence         *UnknownResidence      `json:"unknownResidence,omitzero"`
	CadastralIdentifier      string                 `json:"cadastralIdentifier,omitempty"`
	CloseCadastralIdentifier string                 `json:"closeCadastralIdentifier,omitempty"`
	AddressConfidentiality   AddressConfidentiality `json:"addressConfidentiality,omitempty"`
	MoveDate                 DateTime               `json:"moveDate,omitzero"`
	Constituency             int64                  `json:"constituency,omitempty"`   // FREG: Stemmekrets
	SchoolDistrict           int64                  `json:"schoolDistrict,omitempty"` // FREG: Skolekrets
	ChurchDistrict           int64                  `json:"churchDistrict,omitempty"` // FREG: Kirkekrets
	District
}

// PresentAddress is where the person stays, e.g. a D-number holder (FREG:
// Oppholdsadresse).
type PresentAddress struct {
	Meta
	ForeignAddress         *InternationalAddress  `json:"foreignAddress,omitzero"`
	IsAddressUnknown       *bool                  `json:"isAddressUnknown,omitempty"`
	StreetAddress          *StreetAddress         `json:"streetAddress,omitzero"`
	CadastralAddress       *CadastralAddress      `json:"cadastralAddress,omitzero"`
	CadastralIdentifier    string                 `json:"cadastralIdentifier,omitempty"`
	AddressConfidentiality AddressConfidentiality `json:"addressConfidentiality,omitempty"`
	PresentAddressDate     DateTime               `json:"presentAddressDate,omitzero"`
	StayElsewhere          StayElsewhere          `json:"stayElsewhere,omitempty"`
	District
}

// SharedResidence is a child's second home under shared custody (FREG:
// DeltBosted). The API warns the district fields may be outdated.
type SharedResidence struct {
	Meta
	StreetAddress            *StreetAddress         `json:"streetAddress,omitzero"`
	CadastralAddress         *CadastralAddress      `json:"cadastralAddress,omitzero"`
	UnknownResidence         *UnknownResidence      `json:"unknownResidence,omitzero"`
	CadastralIdentifier      string                 `json:"cadastralIdentifier,omitempty"`
	CloseCadastralIdentifier string                 `json:"closeCadastralIdentifier,omitempty"`
	AddressConfidentiality   AddressConfidentiality `json:"addressConfidentiality,omitempty"`
	ContractValidFrom        DateTime               `json:"contractValidFrom,omitzero"`
	ContractValidTo          DateTime               `json:"contractValidTo,omitzero"`
	District
}

// PostBoxAddress is a post box (FREG: Postboksadresse).
type PostBoxAddress struct {
	PostBoxOwner          string `json:"postBoxOwner,omitempty"`
	PostBoxIdentification string `json:"postBoxIdentification,omitempty"`
	City                  *City  `json:"city,omitzero"`
}

// StreetAddressForPost is a street address used for mail.
type StreetAddressForPost struct {
	CoAddressName                string         `json:"coAddressName,omitempty"`
	AddressName                  string         `json:"addressName,omitempty"`
	StreetAddressNumber          *AddressNumber `json:"streetAddressNumber,omitzero"`
	City                         *City          `json:"city,omitzero"`
	AddressCode                  string         `json:"addressCode,omitempty"`
	AddressAdditionalName        string         `json:"addressAdditionalName,omitempty"`
	SeparatelyOccupiedUnitNumber string         `json:"separatelyOccupiedUnitNumber,omitempty"`
}

// FreeFormPostalAddress is a postal address as free address lines.
type FreeFormPostalAddress struct {
	AddressLine []string `json:"addressLine,omitempty"`
	// Adresselinje is the deprecated Norwegian twin of AddressLine; read it
	// only when AddressLine is empty.
	Adresselinje []string `json:"adresselinje,omitempty"`
	City         *City    `json:"city,omitzero"`
}

// ContactAddress is a Norwegian postal address (FREG: Postadresse): one of
// PostBoxAddress, StreetAddress and FreeFormPostalAddress.
type ContactAddress struct {
	Meta
	AddressConfidentiality AddressConfidentiality `json:"addressConfidentiality,omitempty"`
	PostBoxAddress         *PostBoxAddress        `json:"postBoxAddress,omitzero"`
	StreetAddress          *StreetAddressForPost  `json:"streetAddress,omitzero"`
	FreeFormPostalAddress  *FreeFormPostalAddress `json:"freeFormPostalAddress,omitzero"`
	CadastralIdentifier    string                 `json:"cadastralIdentifier,omitempty"`
}

// PostalAddress is the name the portal uses for a postalAddress item.
type PostalAddress = ContactAddress

// InternationalAddress is a structured foreign address.
type InternationalAddress struct {
	CoAddressName   string `json:"coAddressName,omitempty"`
	AddressName     string `json:"addressName,omitempty"`
	Building        string `json:"building,omitempty"`
	FloorNumber     string `json:"floorNumber,omitempty"`
	HousingUnit     string `json:"housingUnit,omitempty"`
	PostBox         string `json:"postBox,omitempty"`
	PostCode        string `json:"postCode,omitempty"`
	CityOrPlaceName string `json:"cityOrPlaceName,omitempty"`
	DistrictName    string `json:"districtName,omitempty"`
	Region          string `json:"region,omitempty"`
	CountryCode     string `json:"countryCode,omitempty"` // ISO 3166-1 alpha-2
}

// FreeFormInternationalAddress is a foreign address as free address lines.
type FreeFormInternationalAddress struct {
	AddressLine     []string `json:"addressLine,omitempty"`
	PostCode        string   `json:"postCode,omitempty"`
	CityOrPlaceName string   `json:"cityOrPlaceName,omitempty"`
	CountryCode     string   `json:"countryCode,omitempty"`
}

// ForeignContactAddress is a postal address abroad (FREG:
// PostadresseIUtlandet): ForeignAddress or FreeFormForeignAddress.
type ForeignContactAddress struct {
	Meta
	AddressConfidentiality AddressConfidentiality        `json:"addressConfidentiality,omitempty"`
	ForeignAddress         *InternationalAddress         `json:"foreignAddress,omitzero"`
	FreeFormForeignAddress *FreeFormInternationalAddress `json:"freeFormForeignAddress,omitzero"`
}

// ForeignPostalAddress is the name the portal uses for a foreignPostalAddress item.
type ForeignPostalAddress = ForeignContactAddress

// FreeformAddress is the free-form variant of the legacy preferred contact
// address.
type FreeformAddress struct {
	AddressLine []string `json:"addressLine,omitempty"`
	CountryCode string   `json:"countryCode,omitempty"` // ISO 3166-1 alpha-2, XK Kosovo, YY unknown
}

// PreferredContactAddress is the legacy contact address (removed with API
// v1; kept so old documents decode).
type PreferredContactAddress struct {
	Meta
	AddressType            AddressType            `json:"addressType,omitempty"`
	AddressConfidentiality AddressConfidentiality `json:"addressConfidentiality,omitempty"`
	FreeformContactAddress *FreeformAddress       `json:"freeformContactAddress,omitzero"`
}

// Citizenship is a citizenship the person holds (FREG: Statsborgerskap).
// CountryCode is ISO 3166-1 alpha-3 with XXX (none), XUK (unknown), XXK (Kosovo).
type Citizenship struct {
	Meta
	CountryCode string   `json:"countryCode,omitempty"`
	AquiredDate DateTime `json:"aquiredDate,omitzero"` // sic, the API's spelling
}

// NorwegianCitizenshipRetention is a retention of Norwegian citizenship
// (FREG: BibeholdAvNorskStatsborgerskap).
type NorwegianCitizenshipRetention struct {
	Meta
	CitizenshipRetentionStatus CitizenshipRetentionStatus `json:"citizenshipRetentionStatus,omitempty"`
	RetentionResolutionDate    DateTime                   `json:"retentionResolutionDate,omitzero"`
}

// ImmigrationToNorway is an immigration (FREG: InnflyttingTilNorge).
type ImmigrationToNorway struct {
	Meta
	ImmigratedFromCountry string `json:"immigratedFromCountry,omitempty"`
	ImmigratedFromCity    string `json:"immigratedFromCity,omitempty"`
}

// EmigrationFromNorway is an emigration (FREG: UtflyttingFraNorge).
type EmigrationFromNorway struct {
	Meta
	EmigratedToCountry string   `json:"emigratedToCountry,omitempty"`
	EmigratedToCity    string   `json:"emigratedToCity,omitempty"`
	EmigratedMoveDate  DateTime `json:"emigratedMoveDate,omitzero"`
}

// ResidencePermit is a residence permit (FREG: Opphold).
type ResidencePermit struct {
	Meta
	ResidencePermitType ResidencePermitType `json:"residencePermitType,omitempty"`
	StayFrom            DateTime            `json:"stayFrom,omitzero"`
	StayTo              DateTime            `json:"stayTo,omitzero"`
}

// StayOnSvalbard is a stay on Svalbard (FREG: OppholdPaaSvalbard).
type StayOnSvalbard struct {
	Meta
	StartDate                        DateTime     `json:"startDate,omitzero"`
	EndDate                          DateTime     `json:"endDate,omitzero"`
	ImmigratedFromMunicipalityNumber string       `json:"immigratedFromMunicipalityNumber,omitempty"`
	ImmigratedFromCountry            string       `json:"immigratedFromCountry,omitempty"`
	NumberOfPreviousStays            int64        `json:"numberOfPreviousStays,omitempty"`
	EstimatedLengthOfStay            LengthOfStay `json:"estimatedLengthOfStay,omitempty"`
}

// IdentityVerification is how the person's identity was established (FREG:
// Identitetsgrunnlag). No item means None.
type IdentityVerification struct {
	Meta
	IdentityVerificationStatus IdentityVerificationStatus `json:"identityVerificationStatus,omitempty"`
}

// DocumentVerification is a technical check of an identification document.
type DocumentVerification struct {
	VerificationStatus string   `json:"verificationStatus,omitempty"`
	VerifiedAt         DateTime `json:"verifiedAt,omitzero"`
}

// IdentificationDocument is a document used to establish identity (FREG:
// Legitimasjonsdokument).
type IdentificationDocument struct {
	Meta
	DocumentNumber       string                `json:"documentNumber,omitempty"`
	DocumentType         string                `json:"documentType,omitempty"`
	IssuerCountry        string                `json:"issuerCountry,omitempty"`
	IssuerName           string                `json:"issuerName,omitempty"`
	DocumentValidFrom    DateTime              `json:"documentValidFrom,omitzero"`
	DocumentValidTo      DateTime              `json:"documentValidTo,omitzero"`
	DocumentVerification *DocumentVerification `json:"documentVerification,omitzero"`
}

// PersonIdentification is a foreign or immigration-authorities
// identification number (FREG: UtenlandskPersonidentifikasjon,
// UtlendingsmyndighetenesIdentifikasjonsnummer).
type PersonIdentification struct {
	Meta
	IdentificationNumber     string                         `json:"identificationNumber,omitempty"`
	IdentificationNumberType PersonIdentificationNumberType `json:"identificationNumberType,omitempty"`
	IssuerCountry            string                         `json:"issuerCountry,omitempty"`
}

// IdentifyingInformation describes the correct identity behind a false one.
type IdentifyingInformation struct {
	PersonName  *Name    `json:"personName,omitzero"`
	BirthDate   DateTime `json:"birthDate,omitzero"`
	Citizenship []string `json:"citizenship,omitempty"`
	Gender      Gender   `json:"gender,omitempty"`
}

// FalseIdentity marks the identity as false (FREG: FalskIdentitet); an
// object, not a list.
type FalseIdentity struct {
	Meta
	CorrectIdentityFromInformation          *IdentifyingInformation `json:"correctIdentityFromInformation,omitzero"`
	IsCorrectIdentityUnknown                *bool                   `json:"isCorrectIdentityUnknown,omitempty"`
	CorrectIdentityFromIdentificationNumber string                  `json:"correctIdentityFromIdentificationNumber,omitempty"`
	IsFalseIdentity                         *bool                   `json:"isFalseIdentity,omitempty"` // always true when present
}

// GuardianServiceArea is one area a guardian acts in (FREG:
// VergeTjenesteomraade).
type GuardianServiceArea struct {
	GuardianServiceEstablishment string `json:"guardianServiceEstablishment,omitempty"`
	GuardianServiceTask          string `json:"guardianServiceTask,omitempty"`
}

// Guardian is the guardian, representative or proxy of a guardianship
// (FREG: VergeRepresentantEllerFullmektig).
type Guardian struct {
	Name                          *Name                           `json:"name,omitzero"`
	IdentificationNumber          string                          `json:"identificationNumber,omitempty"`
	GuardianshipScope             GuardianshipScope               `json:"guardianshipScope,omitempty"`
	IsGuardianshipInPersonalScope *bool                           `json:"isGuardianshipInPersonalScope,omitempty"`
	NameBirthDate                 *RelatedPersonWithoutIdentifier `json:"nameBirthDate,omitzero"` // deprecated by the API
	GuardianInformation           *IdentifyingInformation         `json:"guardianInformation,omitzero"`
	GuardianServiceArea           []GuardianServiceArea           `json:"guardianServiceArea,omitempty"`
}

// GuardianshipOrFuturePowerOfAttorney is a guardianship or confirmed future
// power of attorney (FREG: VergemaalEllerFremtidsfullmakt).
type GuardianshipOrFuturePowerOfAttorney struct {
	Meta
	GuardianshipType GuardianshipType `json:"guardianshipType,omitempty"`
	Office           string           `json:"office,omitempty"`
	Guardian         *Guardian        `json:"guardian,omitzero"`
}

// DeprivedLegalAuthority marks that the person is deprived of legal
// authority (FREG: FratattRettsligHandleevne); metadata only.
type DeprivedLegalAuthority struct {
	Meta
}

// LegalAuthority is the person's legal authority (FREG: RettsligHandleevne).
type LegalAuthority struct {
	Meta
	LegalAuthorityScope LegalAuthorityScope `json:"legalAuthorityScope,omitempty"`
}

// PersonAsContact is a person who is the contact of a residuary estate.
type PersonAsContact struct {
	PersonName                    *Name    `json:"personName,omitzero"`
	BirthDate                     DateTime `json:"birthDate,omitzero"`
	NorwegianIdentificationNumber string   `json:"norwegianIdentificationNumber,omitempty"`
}

// LawyerAsContact is a lawyer who is the contact of a residuary estate.
type LawyerAsContact struct {
	PersonName         *Name  `json:"personName,omitzero"`
	OrganizationName   string `json:"organizationName,omitempty"`
	OrganizationNumber string `json:"organizationNumber,omitempty"`
}

// OrganizationAsContact is an organisation that is the contact of a
// residuary estate.
type OrganizationAsContact struct {
	OrganizationName   string `json:"organizationName,omitempty"`
	OrganizationNumber string `json:"organizationNumber,omitempty"`
	ContactPersonName  *Name  `json:"contactPersonName,omitzero"`
}

// ContactAddressForResiduaryEstate is the address of a residuary estate's
// contact.
type ContactAddressForResiduaryEstate struct {
	AddressLine []string `json:"addressLine,omitempty"`
	City        string   `json:"city,omitempty"`
	PostalCode  string   `json:"postalCode,omitempty"`
	CountryCode string   `json:"countryCode,omitempty"`
}

// ResiduaryEstateContactInformation is the contact of a deceased person's
// estate (FREG: KontaktinformasjonForDoedsbo).
type ResiduaryEstateContactInformation struct {
	Meta
	Person                      *PersonAsContact                  `json:"person,omitzero"`
	Lawyer                      *LawyerAsContact                  `json:"lawyer,omitzero"`
	Organization                *OrganizationAsContact            `json:"organization,omitzero"`
	ProbateCertificateType      ProbateCertificateType            `json:"probateCertificateType,omitempty"`
	ProbateCertificateIssueDate DateTime                          `json:"probateCertificateIssueDate,omitzero"`
	ContactAddress              *ContactAddressForResiduaryEstate `json:"contactAddress,omitzero"`
}

// SamiLanguage is the person's use of Sámi languages (FREG:
// BrukAvSamiskSpraak).
type SamiLanguage struct {
	Meta
	Language []SamiLanguageType `json:"language,omitempty"`
}

// SamiParliamentElectoralRegistry is the person's relation to the Sámi
// parliament's electoral register (FREG: ForholdTilSametingetsValgmanntall).
type SamiParliamentElectoralRegistry struct {
	Meta
	Status         SamiElectoralRegistryStatus `json:"status,omitempty"`
	ResolutionDate DateTime                    `json:"resolutionDate,omitzero"`
}

// KRRContactInformation is the person's contact information in KRR.
type KRRContactInformation struct {
	Email                   string   `json:"email,omitempty"`
	EmailLastUpdated        DateTime `json:"emailLastUpdated,omitzero"`
	EmailLastVerified       DateTime `json:"emailLastVerified,omitzero"`
	PhoneNumber             string   `json:"phoneNumber,omitempty"`
	PhoneNumberLastUpdated  DateTime `json:"phoneNumberLastUpdated,omitzero"`
	PhoneNumberLastVerified DateTime `json:"phoneNumberLastVerified,omitzero"`
}

// DigitalPost is the person's digital mailbox in KRR.
type DigitalPost struct {
	DigitalPostAddress       string `json:"digitalPostAddress,omitempty"`
	DigitalPostVendorAddress string `json:"digitalPostVendorAddress,omitempty"`
}

// CommonContactRegisterInformation is the person's entry in the Contact and
// Reservation Register (KRR); an object without history.
type CommonContactRegisterInformation struct {
	Reservation         Reservation            `json:"reservation,omitempty"`
	Status              KRRStatus              `json:"status,omitempty"`
	NotificationStatus  NotificationStatus     `json:"notificationStatus,omitempty"`
	ContactInformation  *KRRContactInformation `json:"contactInformation,omitzero"`
	DigitalPost         *DigitalPost           `json:"digitalPost,omitzero"`
	Certificate         string                 `json:"certificate,omitempty"`
	Language            string                 `json:"language,omitempty"`
	LanguageLastUpdated DateTime               `json:"languageLastUpdated,omitzero"`
}

// SearchQuery is a person search (form fields of search/person). Fields are
// sent only when not empty.
type SearchQuery struct {
	BirthDate          string // YYYY, YYYY-MM or YYYY-MM-DD
	Gender             Gender
	FullName           string // first 3 words, prefix match on any name part
	GivenName          string
	MiddleName         string
	FamilyName         string
	StreetAddress      string
	PostalCode         string // 4 digits
	CityName           string
	MunicipalityNumber string // 4 digits
	IncludeHistory     bool
	IncludeAinResults  bool // include persons with alternate identification numbers (felles hjelpenummer)
}

// PersonSearchResult is the result of a person search (max 100 persons).
type PersonSearchResult struct {
	Results    []Person `json:"results"`
	StartIndex int      `json:"startIndex"`
	EndIndex   int      `json:"endIndex"`
}

// EventDocument is one change event. SequenceNumber is a string in the API.
type EventDocument struct {
	SequenceNumber string    `json:"sequenceNumber,omitempty"`
	PersonID       string    `json:"personId,omitempty"`
	EventType      EventType `json:"eventType,omitempty"`
}

// EventDocumentSearchResult is a page of up to 1000 events.
type EventDocumentSearchResult struct {
	Results    []EventDocument `json:"results"`
	StartIndex int             `json:"startIndex"`
	EndIndex   int             `json:"endIndex"`
}

// ProblemDetails is the RFC 9457 error body of the API (ASP.NET Core).
type ProblemDetails = problem.Details
