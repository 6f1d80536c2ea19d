package person

import "slices"

// The enums of the Person API are string types. A value the API adds later
// decodes without error and is kept as sent, so a page can show it as
// "unknown value X" instead of failing (S33); Known tells the two apart.
// The FREG name of each value is in its comment.

// InformationPart names one part of the Person document (query parameter
// informationParts; at least one is required).
type InformationPart string

// The information parts, in the order of the API's InformationPart enum.
const (
	PartAddressProtection                     InformationPart = "AddressProtection"
	PartCitizenshipRetention                  InformationPart = "CitizenshipRetention"
	PartResidentialAddress                    InformationPart = "ResidentialAddress"
	PartUseOfSamiLanguage                     InformationPart = "UseOfSamiLanguage"
	PartSharedResidence                       InformationPart = "SharedResidence"
	PartDeath                                 InformationPart = "Death"
	PartFalseIdentity                         InformationPart = "FalseIdentity"
	PartFamilyRelation                        InformationPart = "FamilyRelation"
	PartBirth                                 InformationPart = "Birth"
	PartBirthInNorway                         InformationPart = "BirthInNorway"
	PartParentalResponsibility                InformationPart = "ParentalResponsibility"
	PartSamiParliamentElectoralRegistryStatus InformationPart = "SamiParliamentElectoralRegistryStatus"
	PartNorwegianIdentificationNumber         InformationPart = "NorwegianIdentificationNumber"
	PartIdentityVerification                  InformationPart = "IdentityVerification"
	PartImmigrationToNorway                   InformationPart = "ImmigrationToNorway"
	PartGender                                InformationPart = "Gender"
	PartResiduaryEstateContactInformation     InformationPart = "ResiduaryEstateContactInformation"
	PartIdentificationDocument                InformationPart = "IdentificationDocument"
	PartName                                  InformationPart = "Name"
	PartResidencePermit                       InformationPart = "ResidencePermit"
	PartStayOnSvalbard                        InformationPart = "StayOnSvalbard"
	PartPresentAddress                        InformationPart = "PresentAddress"
	PartPostalAddress                         InformationPart = "PostalAddress"
	PartForeignPostalAddress                  InformationPart = "ForeignPostalAddress"
	PartPreferredContactAddress               InformationPart = "PreferredContactAddress"
	PartMaritalStatus                         InformationPart = "MaritalStatus"
	PartCitizenship                           InformationPart = "Citizenship"
	PartStatus                                InformationPart = "Status"
	PartForeignPersonIdentificationNumber     InformationPart = "ForeignPersonIdentificationNumber"
	PartEmigrationFromNorway                  InformationPart = "EmigrationFromNorway"
	PartImmigrationAuthoritiesIdentification  InformationPart = "ImmigrationAuthoritiesIdentificationNumber"
	PartGuardianshipOrFuturePowerOfAttorney   InformationPart = "GuardianshipOrFuturePowerOfAttorney"
	PartDeprivedLegalAuthority                InformationPart = "DeprivedLegalAuthority"
	PartCommonContactRegisterInformation      InformationPart = "CommonContactRegisterInformation"
	PartLegalAuthority                        InformationPart = "LegalAuthority"
)

var informationParts = []InformationPart{
	PartAddressProtection, PartCitizenshipRetention, PartResidentialAddress, PartUseOfSamiLanguage,
	PartSharedResidence, PartDeath, PartFalseIdentity, PartFamilyRelation, PartBirth, PartBirthInNorway,
	PartParentalResponsibility, PartSamiParliamentElectoralRegistryStatus, PartNorwegianIdentificationNumber,
	PartIdentityVerification, PartImmigrationToNorway, PartGender, PartResiduaryEstateContactInformation,
	PartIdentificationDocument, PartName, PartResidencePermit, PartStayOnSvalbard, PartPresentAddress,
	PartPostalAddress, PartForeignPostalAddress, PartPreferredContactAddress, PartMaritalStatus,
	PartCitizenship, PartStatus, PartForeignPersonIdentificationNumber, PartEmigrationFromNorway,
	PartImmigrationAuthoritiesIdentification, PartGuardianshipOrFuturePowerOfAttorney,
	PartDeprivedLegalAuthority, PartCommonContactRegisterInformation, PartLegalAuthority,
}

// AllInformationParts returns every information part (a fresh slice).
func AllInformationParts() []InformationPart { return slices.Clone(informationParts) }

// Known reports whether p is a documented information part.
func (p InformationPart) Known() bool { return slices.Contains(informationParts, p) }

// PersonStatusType is a person's status in FREG (FREG: Personstatus).
type PersonStatusType string

// The person statuses.
const (
	StatusResident          PersonStatusType = "Resident"          // Bosatt
	StatusEmigrated         PersonStatusType = "Emigrated"         // Utflyttet
	StatusDisappeared       PersonStatusType = "Disappeared"       // Forsvunnet
	StatusDeceased          PersonStatusType = "Deceased"          // Doed
	StatusDiscontinued      PersonStatusType = "Discontinued"      // Opphoert
	StatusRegisteredAtBirth PersonStatusType = "RegisteredAtBirth" // Foedselsregistrert
	StatusTemporary         PersonStatusType = "Temporary"         // Midlertidig (D-number)
	StatusInactive          PersonStatusType = "Inactive"          // Inaktiv (D-number)
	StatusNotResident       PersonStatusType = "NotResident"       // IkkeBosatt
	StatusActive            PersonStatusType = "Active"            // Aktiv (Persontjenesten)
)

// Known reports whether s is a documented value.
func (s PersonStatusType) Known() bool {
	return slices.Contains([]PersonStatusType{StatusResident, StatusEmigrated, StatusDisappeared,
		StatusDeceased, StatusDiscontinued, StatusRegisteredAtBirth, StatusTemporary, StatusInactive,
		StatusNotResident, StatusActive}, s)
}

// Gender is the administrative gender (FREG: Kjoenn).
type Gender string

// The genders.
const (
	GenderFemale Gender = "Female" // Kvinne
	GenderMale   Gender = "Male"   // Mann
)

// Known reports whether g is a documented value.
func (g Gender) Known() bool { return g == GenderFemale || g == GenderMale }

// MaritalStatusType is a marital status (FREG: Sivilstandstype).
type MaritalStatusType string

// The marital statuses.
const (
	MaritalUnspecified       MaritalStatusType = "Unspecified"       // Uoppgitt
	MaritalUnmarried         MaritalStatusType = "Unmarried"         // Ugift
	MaritalMarried           MaritalStatusType = "Married"           // Gift
	MaritalWidowOrWidower    MaritalStatusType = "WidowOrWidower"    // EnkeEllerEnkemann
	MaritalDivorced          MaritalStatusType = "Divorced"          // Skilt
	MaritalSeparated         MaritalStatusType = "Separated"         // Separert
	MaritalRegisteredPartner MaritalStatusType = "RegisteredPartner" // RegistrertPartner
	MaritalSeparatedPartner  MaritalStatusType = "SeparatedPartner"  // SeparertPartner
	MaritalDivorcedPartner   MaritalStatusType = "DivorcedPartner"   // SkiltPartner
	MaritalSurvivingPartner  MaritalStatusType = "SurvivingPartner"  // GjenlevendePartner
)

// Known reports whether m is a documented value.
func (m MaritalStatusType) Known() bool {
	return slices.Contains([]MaritalStatusType{MaritalUnspecified, MaritalUnmarried, MaritalMarried,
		MaritalWidowOrWidower, MaritalDivorced, MaritalSeparated, MaritalRegisteredPartner,
		MaritalSeparatedPartner, MaritalDivorcedPartner, MaritalSurvivingPartner}, m)
}

// FamilyRelationType is a role in a family relation (FREG: Familierelasjonsrolle).
type FamilyRelationType string

// The family relation roles.
const (
	RelationMother          FamilyRelationType = "Mother"          // Mor
	RelationFather          FamilyRelationType = "Father"          // Far
	RelationCoMother        FamilyRelationType = "CoMother"        // Medmor
	RelationChild           FamilyRelationType = "Child"           // Barn
	RelationSibling         FamilyRelationType = "Sibling"         // Persontjenesten
	RelationSpouseOrPartner FamilyRelationType = "SpouseOrPartner" // Persontjenesten
	RelationStillbornChild  FamilyRelationType = "StillbornChild"  // Persontjenesten
)

// Known reports whether f is a documented value.
func (f FamilyRelationType) Known() bool {
	return slices.Contains([]FamilyRelationType{RelationMother, RelationFather, RelationCoMother,
		RelationChild, RelationSibling, RelationSpouseOrPartner, RelationStillbornChild}, f)
}

// AddressConfidentiality is the protection level of an address (FREG:
// Adressegradering).
type AddressConfidentiality string

// The confidentiality levels.
const (
	Unclassified         AddressConfidentiality = "Unclassified"         // Ugradert
	ClientAddress        AddressConfidentiality = "ClientAddress"        // Klientadresse
	Confidential         AddressConfidentiality = "Confidential"         // Fortrolig
	StrictlyConfidential AddressConfidentiality = "StrictlyConfidential" // StrengtFortrolig
)

// Known reports whether a is a documented value.
func (a AddressConfidentiality) Known() bool {
	return slices.Contains([]AddressConfidentiality{Unclassified, ClientAddress, Confidential, StrictlyConfidential}, a)
}

// Protected reports whether an address at this level must not be shown (S19):
// Confidential, StrictlyConfidential, and — failing closed — any value the
// API may add later. Empty and Unclassified are not protected; ClientAddress
// is shown (it is the client address, not the person's own).
func (a AddressConfidentiality) Protected() bool {
	switch a {
	case "", Unclassified, ClientAddress:
		return false
	}
	return true
}

// ResponsibilityType is a kind of parental responsibility (FREG:
// Foreldreansvarstype).
type ResponsibilityType string

// The parental responsibility types.
const (
	ResponsibilityJoint    ResponsibilityType = "Joint"    // Felles
	ResponsibilityMother   ResponsibilityType = "Mother"   // Mor
	ResponsibilityFather   ResponsibilityType = "Father"   // Far
	ResponsibilityCoMother ResponsibilityType = "CoMother" // Medmor
	ResponsibilityOther    ResponsibilityType = "Other"    // Andre
	ResponsibilityUnknown  ResponsibilityType = "Unknown"  // Ukjent
)

// Known reports whether r is a documented value.
func (r ResponsibilityType) Known() bool {
	return slices.Contains([]ResponsibilityType{ResponsibilityJoint, ResponsibilityMother, ResponsibilityFather,
		ResponsibilityCoMother, ResponsibilityOther, ResponsibilityUnknown}, r)
}

// IdentificationStatus is whether an identification number is in use.
type IdentificationStatus string

// The identification number statuses.
const (
	IdentificationInUse        IdentificationStatus = "InUse"        // IBruk
	IdentificationDiscontinued IdentificationStatus = "Discontinued" // Opphoert
)

// Known reports whether s is a documented value.
func (s IdentificationStatus) Known() bool {
	return s == IdentificationInUse || s == IdentificationDiscontinued
}

// IdentificationNumberType is the kind of a Norwegian identification number.
type IdentificationNumberType string

// The identification number types, with their OIDs.
const (
	NationalIdentityNumber        IdentificationNumberType = "NationalIdentityNumber"        // fødselsnummer, 2.16.578.1.12.4.1.4.1
	DNumber                       IdentificationNumberType = "DNumber"                       // D-nummer, 2.16.578.1.12.4.1.4.2
	AlternateIdentificationNumber IdentificationNumberType = "AlternateIdentificationNumber" // felles hjelpenummer, 2.16.578.1.12.4.1.4.3
)

// Known reports whether t is a documented value.
func (t IdentificationNumberType) Known() bool {
	return t == NationalIdentityNumber || t == DNumber || t == AlternateIdentificationNumber
}

// PersonIdentificationNumberType is the kind of a foreign or immigration
// authorities' identification number.
type PersonIdentificationNumberType string

// The foreign identification number types (values as the API spells them).
const (
	ForeignIdentificationNumber                PersonIdentificationNumberType = "utenlandskIdentifikasjonsnummer"
	TaxIdentificationNumber                    PersonIdentificationNumberType = "taxIdentificationNumber"
	SocialSecurityNumber                       PersonIdentificationNumberType = "socialSecurityNumber"
	ImmigrationAuthoritiesIdentificationNumber PersonIdentificationNumberType = "utlendingsmyndighetenesIdentifikasjonsnummer"
)

// Known reports whether t is a documented value.
func (t PersonIdentificationNumberType) Known() bool {
	return slices.Contains([]PersonIdentificationNumberType{ForeignIdentificationNumber, TaxIdentificationNumber,
		SocialSecurityNumber, ImmigrationAuthoritiesIdentificationNumber}, t)
}

// Reservation is whether the person has reserved against digital
// communication (KRR: reservasjon).
type Reservation string

// The reservation values.
const (
	ReservationYes Reservation = "Yes"
	ReservationNo  Reservation = "No"
)

// Known reports whether r is a documented value.
func (r Reservation) Known() bool { return r == ReservationYes || r == ReservationNo }

// KRRStatus is the person's status in KRR (KRR: status).
type KRRStatus string

// The KRR statuses.
const (
	KRRActive        KRRStatus = "Active"
	KRRDeleted       KRRStatus = "Deleted"
	KRRNotRegistered KRRStatus = "NotRegistered"
)

// Known reports whether s is a documented value.
func (s KRRStatus) Known() bool {
	return s == KRRActive || s == KRRDeleted || s == KRRNotRegistered
}

// NotificationStatus is whether the person can be notified (KRR:
// varslingsstatus). The API's own FREG/KRR mapping text for these two values
// is swapped; the English names are taken at their word.
type NotificationStatus string

// The notification statuses.
const (
	CanNotBeNotified NotificationStatus = "CanNotBeNotified"
	CanBeNotified    NotificationStatus = "CanBeNotified"
)

// Known reports whether s is a documented value.
func (s NotificationStatus) Known() bool { return s == CanNotBeNotified || s == CanBeNotified }

// StayElsewhere says where a person with a present address stays (FREG:
// OppholdAnnetSted).
type StayElsewhere string

// The stay-elsewhere values.
const (
	StayElsewhereMilitary   StayElsewhere = "Military"   // PaaMilitaerTjeneste
	StayElsewhereAbroad     StayElsewhere = "Abroad"     // Utenriks
	StayElsewhereOnSvalbard StayElsewhere = "OnSvalbard" // PaaSvalbard
	StayElsewhereCommuter   StayElsewhere = "Commuter"   // Pendler
)

// Known reports whether s is a documented value.
func (s StayElsewhere) Known() bool {
	return slices.Contains([]StayElsewhere{StayElsewhereMilitary, StayElsewhereAbroad, StayElsewhereOnSvalbard, StayElsewhereCommuter}, s)
}

// SeparatelyOccupiedUnitType categorises a unit (FREG: Bruksenhetstype).
type SeparatelyOccupiedUnitType string

// The unit types.
const (
	UnitHousing                          SeparatelyOccupiedUnitType = "Housing"
	UnitOtherThanHousing                 SeparatelyOccupiedUnitType = "OtherThanHousing"
	UnitHolidayHome                      SeparatelyOccupiedUnitType = "HolidayHome"
	UnitNotApprovedAsHousing             SeparatelyOccupiedUnitType = "NotApprovedAsHousing"
	UnitUnnumberedSeparatelyOccupiedUnit SeparatelyOccupiedUnitType = "UnnumberedSeparatelyOccupiedUnit"
)

// Known reports whether t is a documented value.
func (t SeparatelyOccupiedUnitType) Known() bool {
	return slices.Contains([]SeparatelyOccupiedUnitType{UnitHousing, UnitOtherThanHousing, UnitHolidayHome,
		UnitNotApprovedAsHousing, UnitUnnumberedSeparatelyOccupiedUnit}, t)
}

// CitizenshipRetentionStatus is the status of a retention of Norwegian
// citizenship (FREG: Bibehold).
type CitizenshipRetentionStatus string

// The retention statuses.
const (
	CitizenshipRetained                  CitizenshipRetentionStatus = "CitizenshipRetained"
	CitizenshipNoLongerRetained          CitizenshipRetentionStatus = "CitizenshipNoLongerRetained"
	NorwegianCitizenRetentionNotRequired CitizenshipRetentionStatus = "NorwegianCitizenRetentionNotRequired"
)

// Known reports whether s is a documented value.
func (s CitizenshipRetentionStatus) Known() bool {
	return s == CitizenshipRetained || s == CitizenshipNoLongerRetained || s == NorwegianCitizenRetentionNotRequired
}

// ResidencePermitType is the kind of a residence permit (FREG: Oppholdstillatelse).
type ResidencePermitType string

// The residence permit types.
const (
	PermitTemporary          ResidencePermitType = "Temporary"
	PermitPermanent          ResidencePermitType = "Permanent"
	PermitInformationMissing ResidencePermitType = "InformationMissing"
)

// Known reports whether t is a documented value.
func (t ResidencePermitType) Known() bool {
	return t == PermitTemporary || t == PermitPermanent || t == PermitInformationMissing
}

// LengthOfStay is the estimated length of a stay on Svalbard.
type LengthOfStay string

// The lengths of stay.
const (
	StayUnderSixMonths   LengthOfStay = "UnderSixMonths"
	StayOverSixMonths    LengthOfStay = "OverSixMonths"
	StayOverTwelveMonths LengthOfStay = "OverTwelveMonths"
	StayUnknown          LengthOfStay = "Unknown"
)

// Known reports whether l is a documented value.
func (l LengthOfStay) Known() bool {
	return slices.Contains([]LengthOfStay{StayUnderSixMonths, StayOverSixMonths, StayOverTwelveMonths, StayUnknown}, l)
}

// IdentityVerificationStatus is how the identity was verified (FREG:
// Identitetsgrunnlagsstatus). No item at all means None.
type IdentityVerificationStatus string

// The identity verification statuses.
const (
	IdentityNone        IdentityVerificationStatus = "None"
	IdentityNotVerified IdentityVerificationStatus = "NotVerified"
	IdentityVerified    IdentityVerificationStatus = "Verified"
)

// Known reports whether s is a documented value.
func (s IdentityVerificationStatus) Known() bool {
	return s == IdentityNone || s == IdentityNotVerified || s == IdentityVerified
}

// GuardianshipType is the kind of a guardianship (FREG: Vergemaalstype).
type GuardianshipType string

// The guardianship types.
const (
	GuardianshipSingleMinorAsylumSeeker        GuardianshipType = "SingleMinorAsylumSeeker"
	GuardianshipSingleMinorRefugee             GuardianshipType = "SingleMinorRefugee"
	GuardianshipAdult                          GuardianshipType = "Adult"
	GuardianshipTemporaryForAdult              GuardianshipType = "TemporaryForAdult"
	GuardianshipMinor                          GuardianshipType = "Minor"
	GuardianshipTemporaryForMinor              GuardianshipType = "TemporaryForMinor"
	GuardianshipManagementOutsideGuardianship  GuardianshipType = "ManagementOutsideGuardianship"
	GuardianshipConfirmedFuturePowerOfAttorney GuardianshipType = "ConfirmedFuturePowerOfAttorney"
)

// Known reports whether t is a documented value.
func (t GuardianshipType) Known() bool {
	return slices.Contains([]GuardianshipType{GuardianshipSingleMinorAsylumSeeker, GuardianshipSingleMinorRefugee,
		GuardianshipAdult, GuardianshipTemporaryForAdult, GuardianshipMinor, GuardianshipTemporaryForMinor,
		GuardianshipManagementOutsideGuardianship, GuardianshipConfirmedFuturePowerOfAttorney}, t)
}

// GuardianshipScope is what a guardian looks after (FREG: Omfang).
type GuardianshipScope string

// The guardianship scopes.
const (
	ScopeImmigrationPersonalAndFinancialInterests GuardianshipScope = "ImmigrationPersonalAndFinancialInterests"
	ScopePersonalAndFinancialInterests            GuardianshipScope = "PersonalAndFinancialInterests"
	ScopeFinancialInterests                       GuardianshipScope = "FinancialInterests"
	ScopePersonalInterests                        GuardianshipScope = "PersonalInterests"
)

// Known reports whether s is a documented value.
func (s GuardianshipScope) Known() bool {
	return slices.Contains([]GuardianshipScope{ScopeImmigrationPersonalAndFinancialInterests,
		ScopePersonalAndFinancialInterests, ScopeFinancialInterests, ScopePersonalInterests}, s)
}

// LegalAuthorityScope is the extent of a person's legal authority.
type LegalAuthorityScope string

// LegalAuthorityLimited is the only documented legal authority scope.
const LegalAuthorityLimited LegalAuthorityScope = "Limited"

// Known reports whether s is a documented value.
func (s LegalAuthorityScope) Known() bool { return s == LegalAuthorityLimited }

// ProbateCertificateType is the kind of probate certificate of a residuary
// estate (FREG: Skifteform).
type ProbateCertificateType string

// The probate certificate types.
const (
	ProbatePublic ProbateCertificateType = "Public"
	ProbateOther  ProbateCertificateType = "Other"
)

// Known reports whether t is a documented value.
func (t ProbateCertificateType) Known() bool { return t == ProbatePublic || t == ProbateOther }

// SamiLanguageType is a Sámi language (FREG: Spraak).
type SamiLanguageType string

// The Sámi languages (values as the API spells them).
const (
	SamiNorthern SamiLanguageType = "Nordsamisk"
	SamiSouthern SamiLanguageType = "Soersamisk"
	SamiLule     SamiLanguageType = "Lulesamisk"
)

// Known reports whether l is a documented value.
func (l SamiLanguageType) Known() bool {
	return l == SamiNorthern || l == SamiSouthern || l == SamiLule
}

// SamiElectoralRegistryStatus is a person's relation to the Sámi parliament's
// electoral register.
type SamiElectoralRegistryStatus string

// The electoral register statuses.
const (
	SamiEnrolled      SamiElectoralRegistryStatus = "Enrolled"
	SamiUnenrolled    SamiElectoralRegistryStatus = "Unenrolled"
	SamiNeverEnrolled SamiElectoralRegistryStatus = "NeverEnrolled"
)

// Known reports whether s is a documented value.
func (s SamiElectoralRegistryStatus) Known() bool {
	return s == SamiEnrolled || s == SamiUnenrolled || s == SamiNeverEnrolled
}

// AddressType names an address kind (FREG: Adressetype).
type AddressType string

// The address types.
const (
	AddressTypeResidential   AddressType = "ResidentialAddress"
	AddressTypeLiving        AddressType = "LivingAddress"
	AddressTypePostal        AddressType = "PostalAddress"
	AddressTypeForeignPostal AddressType = "ForeignPostalAddress"
)

// Known reports whether t is a documented value.
func (t AddressType) Known() bool {
	return slices.Contains([]AddressType{AddressTypeResidential, AddressTypeLiving, AddressTypePostal, AddressTypeForeignPostal}, t)
}

// EventType is the kind of a change event (FREG: Hendelsestype).
type EventType string

// The event types.
const (
	EventUnknown                                            EventType = "Unknown"
	EventPersonIsCreated                                    EventType = "PersonIsCreated"
	EventPersonIsReactivated                                EventType = "PersonIsReactivated"
	EventPersonIsUpdated                                    EventType = "PersonIsUpdated"
	EventPersonIsDiscontinued                               EventType = "PersonIsDiscontinued"
	EventPersonIsContinuedAsValidUponMerger                 EventType = "PersonIsContinuedAsValidUponMerger"
	EventPersonIsDiscontinuedAsDuplicate                    EventType = "PersonIsDiscontinuedAsDuplicate"
	EventPersonIsChangedBySplitting                         EventType = "PersonIsChangedBySplitting"
	EventPersonIsRestoredBySplitting                        EventType = "PersonIsRestoredBySplitting"
	EventPersonIsDeceased                                   EventType = "PersonIsDeceased"
	EventPersonIsResident                                   EventType = "PersonIsResident"
	EventPersonIsEmigrated                                  EventType = "PersonIsEmigrated"
	EventChangeInStatus                                     EventType = "ChangeInStatus"
	EventChangeInIdentityVerification                       EventType = "ChangeInIdentityVerification"
	EventChangeInForeignPersonIdentificationNumber          EventType = "ChangeInForeignPersonIdentificationNumber"
	EventChangeInImmigrationAuthoritiesIdentificationNumber EventType = "ChangeInImmigrationAuthoritiesIdentificationNumber"
	EventChangeInIdentificationDocument                     EventType = "ChangeInIdentificationDocument"
	EventChangeInNorwegianIdentificationNumber              EventType = "ChangeInNorwegianIdentificationNumber"
	EventChangeInFalseIdentity                              EventType = "ChangeInFalseIdentity"
	EventChangeInResiduaryEstateContactInformation          EventType = "ChangeInResiduaryEstateContactInformation"
	EventChangeInSharedResidence                            EventType = "ChangeInSharedResidence"
	EventChangeInBirth                                      EventType = "ChangeInBirth"
	EventChangeInBirthInNorway                              EventType = "ChangeInBirthInNorway"
	EventChangeInGender                                     EventType = "ChangeInGender"
	EventChangeInFamilyRelation                             EventType = "ChangeInFamilyRelation"
	EventChangeInMaritalStatus                              EventType = "ChangeInMaritalStatus"
	EventChangeInDeath                                      EventType = "ChangeInDeath"
	EventChangeInName                                       EventType = "ChangeInName"
	EventChangeInAddressProtection                          EventType = "ChangeInAddressProtection"
	EventChangeInResidentialAddress                         EventType = "ChangeInResidentialAddress"
	EventChangeInResidentialAddressWithoutRelocation        EventType = "ChangeInResidentialAddressWithoutRelocation"
	EventChangeInPresentAddress                             EventType = "ChangeInPresentAddress"
	EventChangeInImmigrationToNorway                        EventType = "ChangeInImmigrationToNorway"
	EventChangeInEmigrationFromNorway                       EventType = "ChangeInEmigrationFromNorway"
	EventChangeInUseOfSamiLanguage                          EventType = "ChangeInUseOfSamiLanguage"
	EventChangeInSamiParliamentElectoralRegistryStatus      EventType = "ChangeInSamiParliamentElectoralRegistryStatus"
	EventChangeInContactinformation                         EventType = "ChangeInContactinformation"
	EventChangeInParentalResponsibility                     EventType = "ChangeInParentalResponsibility"
	EventChangeInCitizenship                                EventType = "ChangeInCitizenship"
	EventChangeInResidency                                  EventType = "ChangeInResidency"
	EventChangeInResidencyOnSvalbard                        EventType = "ChangeInResidencyOnSvalbard"
	EventChangeInGuardianship                               EventType = "ChangeInGuardianship"
	EventChangeInPerson                                     EventType = "ChangeInPerson"
	EventPersonCorrected                                    EventType = "PersonCorrected"
	EventPersonPopulated                                    EventType = "PersonPopulated"
	EventChangeInPostalAddress                              EventType = "ChangeInPostalAddress"
	EventChangeInForeignPostalAddress                       EventType = "ChangeInForeignPostalAddress"
	EventChangeInResidencePermit                            EventType = "ChangeInResidencePermit"
	EventChangeInDeprivedLegalAuthority                     EventType = "ChangeInDeprivedLegalAuthority"
	EventCreatedAlternateIdentificationNumber               EventType = "CreatedAlternateIdentificationNumber"
	EventUpdatedAlternateIdentificationNumber               EventType = "UpdatedAlternateIdentificationNumber"
	EventChangeInLegalAuthority                             EventType = "ChangeInLegalAuthority"
	EventChangeInCommonContactRegisterInformation           EventType = "ChangeInCommonContactRegisterInformation"
)

var eventTypes = []EventType{
	EventUnknown, EventPersonIsCreated, EventPersonIsReactivated, EventPersonIsUpdated, EventPersonIsDiscontinued,
	EventPersonIsContinuedAsValidUponMerger, EventPersonIsDiscontinuedAsDuplicate, EventPersonIsChangedBySplitting,
	EventPersonIsRestoredBySplitting, EventPersonIsDeceased, EventPersonIsResident, EventPersonIsEmigrated,
	EventChangeInStatus, EventChangeInIdentityVerification, EventChangeInForeignPersonIdentificationNumber,
	EventChangeInImmigrationAuthoritiesIdentificationNumber, EventChangeInIdentificationDocument,
	EventChangeInNorwegianIdentificationNumber, EventChangeInFalseIdentity,
	EventChangeInResiduaryEstateContactInformation, EventChangeInSharedResidence, EventChangeInBirth,
	EventChangeInBirthInNorway, EventChangeInGender, EventChangeInFamilyRelation, EventChangeInMaritalStatus,
	EventChangeInDeath, EventChangeInName, EventChangeInAddressProtection, EventChangeInResidentialAddress,
	EventChangeInResidentialAddressWithoutRelocation, EventChangeInPresentAddress, EventChangeInImmigrationToNorway,
	EventChangeInEmigrationFromNorway, EventChangeInUseOfSamiLanguage,
	EventChangeInSamiParliamentElectoralRegistryStatus, EventChangeInContactinformation,
	EventChangeInParentalResponsibility, EventChangeInCitizenship, EventChangeInResidency,
	EventChangeInResidencyOnSvalbard, EventChangeInGuardianship, EventChangeInPerson, EventPersonCorrected,
	EventPersonPopulated, EventChangeInPostalAddress, EventChangeInForeignPostalAddress,
	EventChangeInResidencePermit, EventChangeInDeprivedLegalAuthority, EventCreatedAlternateIdentificationNumber,
	EventUpdatedAlternateIdentificationNumber, EventChangeInLegalAuthority,
	EventChangeInCommonContactRegisterInformation,
}

// AllEventTypes returns every documented event type (a fresh slice).
func AllEventTypes() []EventType { return slices.Clone(eventTypes) }

// Known reports whether t is a documented value.
func (t EventType) Known() bool { return slices.Contains(eventTypes, t) }
