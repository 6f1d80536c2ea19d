package personsim

import (
	"slices"

	"github.com/oppslag/oppslag/clients/person"
)

// partSet is the set of requested information parts.
type partSet map[person.InformationPart]bool

// view says how a document is cut for one request.
type view struct {
	parts          partSet
	includeHistory bool
	restricted     bool // the restricted-access route
}

// items returns the list as the request sees it: everything with
// includeHistory, else the current items only. Always a fresh, non-nil
// slice, so later edits never reach the registry's data, and a requested
// part without items is sent as [], as the API sends it.
func items[T interface{ GetMeta() person.Meta }](v view, list []T) []T {
	var out []T
	if v.includeHistory {
		out = slices.Clone(list)
	} else {
		out = person.Valid(list)
	}
	if out == nil {
		out = []T{}
	}
	return out
}

// project returns the document the API would send for src: id and
// sequenceNumber always, each information part only when requested, history
// only with includeHistory, and for the restricted-access route without
// protected addresses and without KRR.
//
// The restricted-access cut is an INFERENCE from the scope text ("all
// information except confidential addresses and CCR information"; exact
// field lists are not published, upstreams.md §2.1): every residential,
// present, shared-residence, postal and foreign postal address item is
// removed when the item's addressConfidentiality or the person's current
// addressProtection is Confidential or StrictlyConfidential (or a level the
// simulator does not know, failing closed), and commonContactRegisterInformation
// is never sent. The API says addressProtection does not govern contact
// addresses; the simulator applies it to them anyway, so a protected person's
// whereabouts cannot leak through a postal address (S19).
func project(src *person.Person, v view) person.Person {
	out := person.Person{ID: src.ID, SequenceNumber: src.SequenceNumber}
	has := func(p person.InformationPart) bool { return v.parts[p] }

	if has(person.PartFalseIdentity) && src.FalseIdentity != nil && (v.includeHistory || src.FalseIdentity.Current()) {
		fi := *src.FalseIdentity
		out.FalseIdentity = &fi
	}
	if has(person.PartDeath) && src.Death != nil && (v.includeHistory || src.Death.Current()) {
		d := *src.Death
		out.Death = &d
	}
	if has(person.PartNorwegianIdentificationNumber) {
		out.NorwegianIdentificationNumber = items(v, src.NorwegianIdentificationNumber)
	}
	if has(person.PartIdentityVerification) {
		out.IdentityVerification = items(v, src.IdentityVerification)
	}
	if has(person.PartResiduaryEstateContactInformation) {
		out.ResiduaryEstateContactInformation = items(v, src.ResiduaryEstateContactInformation)
	}
	if has(person.PartIdentificationDocument) {
		out.IdentificationDocument = items(v, src.IdentificationDocument)
	}
	if has(person.PartStatus) {
		out.Status = items(v, src.Status)
	}
	if has(person.PartImmigrationAuthoritiesIdentification) {
		out.ImmigrationAuthoritiesIdentification = items(v, src.ImmigrationAuthoritiesIdentification)
	}
	if has(person.PartForeignPersonIdentificationNumber) {
		out.ForeignPersonIdentificationNumber = items(v, src.ForeignPersonIdentificationNumber)
	}
	if has(person.PartGender) {
		out.Gender = items(v, src.Gender)
	}
	if has(person.PartBirth) {
		out.Birth = items(v, src.Birth)
	}
	if has(person.PartBirthInNorway) {
		out.BirthInNorway = items(v, src.BirthInNorway)
	}
	if has(person.PartFamilyRelation) {
		out.FamilyRelation = items(v, src.FamilyRelation)
	}
	if has(person.PartMaritalStatus) {
		out.MaritalStatus = items(v, src.MaritalStatus)
	}
	if has(person.PartName) {
		out.Name = items(v, src.Name)
	}
	if has(person.PartAddressProtection) {
		out.AddressProtection = items(v, src.AddressProtection)
	}
	if has(person.PartImmigrationToNorway) {
		out.ImmigrationToNorway = items(v, src.ImmigrationToNorway)
	}
	if has(person.PartEmigrationFromNorway) {
		out.EmigrationFromNorway = items(v, src.EmigrationFromNorway)
	}
	if has(person.PartUseOfSamiLanguage) {
		out.UseOfSamiLanguage = items(v, src.UseOfSamiLanguage)
	}
	if has(person.PartSamiParliamentElectoralRegistryStatus) {
		out.SamiParliamentElectoralRegistryStatus = items(v, src.SamiParliamentElectoralRegistryStatus)
	}
	if has(person.PartPreferredContactAddress) {
		out.PreferredContactAddress = items(v, src.PreferredContactAddress)
	}
	if has(person.PartParentalResponsibility) {
		out.ParentalResponsibility = items(v, src.ParentalResponsibility)
	}
	if has(person.PartCitizenship) {
		out.Citizenship = items(v, src.Citizenship)
	}
	if has(person.PartCitizenshipRetention) {
		out.CitizenshipRetention = items(v, src.CitizenshipRetention)
	}
	if has(person.PartResidencePermit) {
		out.ResidencePermit = items(v, src.ResidencePermit)
	}
	if has(person.PartStayOnSvalbard) {
		out.StayOnSvalbard = items(v, src.StayOnSvalbard)
	}
	if has(person.PartGuardianshipOrFuturePowerOfAttorney) {
		out.GuardianshipOrFuturePowerOfAttorney = items(v, src.GuardianshipOrFuturePowerOfAttorney)
	}
	if has(person.PartDeprivedLegalAuthority) {
		out.DeprivedLegalAuthority = items(v, src.DeprivedLegalAuthority)
	}
	if has(person.PartLegalAuthority) {
		out.LegalAuthority = items(v, src.LegalAuthority)
	}

	// Addresses: with restricted access, protected items are dropped.
	personProtected := v.restricted && protectedPerson(src)
	drop := func(level person.AddressConfidentiality) bool {
		return v.restricted && (personProtected || level.Protected())
	}
	if has(person.PartResidentialAddress) {
		out.ResidentialAddress = slices.DeleteFunc(items(v, src.ResidentialAddress),
			func(a person.ResidentialAddress) bool { return drop(a.AddressConfidentiality) })
	}
	if has(person.PartPresentAddress) {
		out.PresentAddress = slices.DeleteFunc(items(v, src.PresentAddress),
			func(a person.PresentAddress) bool { return drop(a.AddressConfidentiality) })
	}
	if has(person.PartSharedResidence) {
		out.SharedResidence = slices.DeleteFunc(items(v, src.SharedResidence),
			func(a person.SharedResidence) bool { return drop(a.AddressConfidentiality) })
	}
	if has(person.PartPostalAddress) {
		out.PostalAddress = slices.DeleteFunc(items(v, src.PostalAddress),
			func(a person.ContactAddress) bool { return drop(a.AddressConfidentiality) })
	}
	if has(person.PartForeignPostalAddress) {
		out.ForeignPostalAddress = slices.DeleteFunc(items(v, src.ForeignPostalAddress),
			func(a person.ForeignContactAddress) bool { return drop(a.AddressConfidentiality) })
	}
	if has(person.PartCommonContactRegisterInformation) && !v.restricted && src.CommonContactRegisterInformation != nil {
		krr := *src.CommonContactRegisterInformation
		out.CommonContactRegisterInformation = &krr
	}
	return out
}

// protectedPerson reports whether the person's current overall address
// protection is Confidential, StrictlyConfidential or unknown.
func protectedPerson(p *person.Person) bool {
	for _, a := range person.Valid(p.AddressProtection) {
		if a.ProtectionLevel.Protected() {
			return true
		}
	}
	return false
}

// Values the fault "unknown-enum" puts in place of documented ones: a later
// API version may send any of these (S33).
const (
	unknownGender      person.Gender                     = "Unspecified"
	unknownStatus      person.PersonStatusType           = "Hibernating"
	unknownMarital     person.MaritalStatusType          = "CivilUnion"
	unknownRelation    person.FamilyRelationType         = "GodParent"
	unknownReservation person.Reservation                = "Partial"
	unknownNINType     person.IdentificationNumberType   = "PersonalIdentifier2032"
	unknownUnitType    person.SeparatelyOccupiedUnitType = "Houseboat"
)

// scramble replaces enum values in p (a projected copy) with values the
// client does not know.
func scramble(p *person.Person) {
	for i := range p.Gender {
		p.Gender[i].Gender = unknownGender
	}
	for i := range p.Status {
		p.Status[i].Status = unknownStatus
	}
	for i := range p.MaritalStatus {
		p.MaritalStatus[i].Status = unknownMarital
	}
	for i := range p.FamilyRelation {
		p.FamilyRelation[i].RelatedPersonsRole = unknownRelation
	}
	for i := range p.NorwegianIdentificationNumber {
		p.NorwegianIdentificationNumber[i].IdentificationNumberType = unknownNINType
	}
	for i := range p.ResidentialAddress {
		if sa := p.ResidentialAddress[i].StreetAddress; sa != nil {
			c := *sa
			c.SeparatelyOccupiedUnitType = unknownUnitType
			p.ResidentialAddress[i].StreetAddress = &c
		}
	}
	if p.CommonContactRegisterInformation != nil {
		p.CommonContactRegisterInformation.Reservation = unknownReservation
	}
}
