package synthetic

import "github.com/oppslag/oppslag/clients/person"

// The compact record of one person. Dates are day numbers (none when
// absent), names index Population.strs, lists are ranges of the shared
// pools, and relatives are person indices, so a record holds no pointer and
// a million of them stay small.
type rec struct {
	nin, oldNIN uint64 // oldNIN 0: no replaced number
	birth       int32
	death       int32 // none: alive
	ninChange   int32 // day the number replaced oldNIN
	nameChange  int32 // day the name replaced the old name; none: never

	given, middle, family          uint32
	oldGiven, oldMiddle, oldFamily uint32

	mother, father int32 // person indices, -1 when not in the population
	sharedWith     int32 // parent whose address is the shared residence, -1
	sharedFrom     int32

	childOff, statOff, marOff, addrOff uint32
	childN, statN, marN, addrN         uint8

	flags   uint16
	idKind  uint8 // current number's kind
	oldKind uint8
	// multiple is FREG's multiple-birth number (21 first of twins), 0 single.
	multiple uint8

	origin       uint8 // 0 Norway, else 1 + index into origins (names, language)
	birthCountry uint8 // 0 Norway, else 1 + index into origins
	birthCity    uint8
	birthMuni    int16 // -1 abroad

	citizen uint8 // 0 Norwegian from birth, else 1 + origin of the first citizenship
	natDate int32 // day Norwegian citizenship was acquired by naturalisation; none

	immDate  int32 // immigration; none
	immFrom  uint8 // 1 + origin
	immCity  uint8
	emiDate  int32 // emigration; none
	emiTo    uint8 // 1 + origin
	emiCity  uint8
	retDate  int32 // return after emigration; none
	dnrFrom  int32 // D-number assigned (also for those who later got a fødselsnummer); none
	dnrUntil int32 // D-number period ended (fødselsnummer or inactive); none

	protect     uint8 // protection level, see prot*
	protectFrom int32
	statusFrom  int32 // registration day: first day in the register

	postal     uint8 // 0 none, 1 post box, 2 c/o street address
	postalFrom int32
	postalNum  uint16

	foreign       uint8 // 0 none, else 1 + origin of the foreign postal address's country
	foreignFrom   int32
	foreignCity   uint8
	foreignStreet uint8
	foreignNum    uint16

	krr     krrRec
	lastSeq uint32 // sequence number of the person's latest event
}

// Record flags.
const (
	flagFemale      uint16 = 1 << iota
	flagCoMother           // the second parent (father field) is a co-mother
	flagClient             // addresses are client addresses (klientadresse)
	flagSami               // uses a Sámi language, on the Sámi electoral register
	flagVerified           // identity verified (immigrants and D-number holders)
	flagNotVerify          // identity not verified
	flagDualCitizen        // kept the first citizenship after naturalisation
)

// Identity-number kinds of a record.
const (
	idFnr uint8 = iota
	idDnr
	idFH
)

// Address protection levels, ordered by strength.
const (
	protNone uint8 = iota
	protConfidential
	protStrict
)

// statItem is one status; the item is valid until the next one.
type statItem struct {
	from   int32
	status uint8
}

// Person status codes, indexing statusTypes.
const (
	stResident uint8 = iota
	stEmigrated
	stDisappeared
	stDeceased
	stDiscontinued
	stRegisteredAtBirth
	stTemporary
	stInactive
	stNotResident
	stActive
)

var statusTypes = [...]person.PersonStatusType{
	stResident:          person.StatusResident,
	stEmigrated:         person.StatusEmigrated,
	stDisappeared:       person.StatusDisappeared,
	stDeceased:          person.StatusDeceased,
	stDiscontinued:      person.StatusDiscontinued,
	stRegisteredAtBirth: person.StatusRegisteredAtBirth,
	stTemporary:         person.StatusTemporary,
	stInactive:          person.StatusInactive,
	stNotResident:       person.StatusNotResident,
	stActive:            person.StatusActive,
}

// marItem is one marital status; valid until the next one.
type marItem struct {
	date   int32
	spouse int32 // person index, -1 none
	muni   int16 // municipality of the marriage, -1 none
	status uint8
}

// Marital status codes, indexing maritalTypes.
const (
	msUnspecified uint8 = iota
	msUnmarried
	msMarried
	msWidowed
	msDivorced
	msSeparated
	msPartner
	msSeparatedPartner
	msDivorcedPartner
	msSurvivingPartner
)

var maritalTypes = [...]person.MaritalStatusType{
	msUnspecified:      person.MaritalUnspecified,
	msUnmarried:        person.MaritalUnmarried,
	msMarried:          person.MaritalMarried,
	msWidowed:          person.MaritalWidowOrWidower,
	msDivorced:         person.MaritalDivorced,
	msSeparated:        person.MaritalSeparated,
	msPartner:          person.MaritalRegisteredPartner,
	msSeparatedPartner: person.MaritalSeparatedPartner,
	msDivorcedPartner:  person.MaritalDivorcedPartner,
	msSurvivingPartner: person.MaritalSurvivingPartner,
}

// addrItem is one residential or present address over a period.
type addrItem struct {
	from, to int32 // to none: open
	muni     uint16
	area     uint16
	street   uint16
	house    uint16
	unit     uint16 // floor*100 + number for H0101-style unit numbers; 0 none
	letter   byte   // 0 none
	present  bool   // presentAddress (oppholdsadresse) rather than residential
	matrikel bool   // a cadastral address (gnr/bnr) instead of a street address
	stay     uint8  // stay-elsewhere code of a present address, stayNone for none
}

// KRR status codes.
const (
	krrNone uint8 = iota
	krrActive
	krrNotRegistered
	krrDeleted
)

// krrRec is the person's KRR entry.
type krrRec struct {
	status                         uint8
	reserved                       bool
	hasEmail, hasPhone             bool
	digital                        uint8 // 0 none, 1 Digipost, 2 e-Boks
	lang                           uint8 // index into krrLanguages
	emailDomain                    uint8
	emailNum                       uint16 // 0: no number in the local part
	phone                          uint32 // 8 digits
	emailUpd, emailVer             int32
	phoneUpd, phoneVer, langUpdate int32
}

// krrLanguages are KRR's language codes.
var krrLanguages = []string{"nb", "nn", "en", "se"}
