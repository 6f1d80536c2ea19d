package synthetic

import (
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
)

// Code sets of the health-personnel register (upstreams.md §3.4). Where the
// contract names a value it is used as named; every other value below is an
// INFERENCE, marked where it is made. A code is referred to by its index in
// its table, so a plan (hpr.go) holds small integers only.

// Code set ids of the register. 9060 and 7704 are confirmed (§3.4); 7426 is
// the specialities' code set as public FHIR profiles of Norwegian
// practitioners name it ("Helsepersonellregisterets klassifikasjon av
// spesialiteter", urn:oid:2.16.578.1.12.4.1.1.7426).
//
// INFERENCE: the code set ids of requisition rights, additional
// competences, conditions, administrative reactions and end statuses were
// not found. The register's own code sets are in the 7xxx range, so these
// get ids there; 7702 is avoided because it is a different, known code set.
const (
	codeSetSpeciality  = 7426
	codeSetRequisition = 7703 // INFERENCE
	codeSetCompetence  = 7705 // INFERENCE
	codeSetCondition   = 7706 // INFERENCE
	codeSetReaction    = 7707 // INFERENCE
	codeSetEndStatus   = 7708 // INFERENCE
)

// hprCodeSets name the code sets in Kode.kodeverk.
var hprCodeSets = map[int]string{
	hpr.CodeSetCategory:      "Kategori helsepersonell",
	hpr.CodeSetAuthorization: "Godkjenningstype",
	codeSetSpeciality:        "Spesialitet",
	codeSetRequisition:       "Rekvisisjonsrett",
	codeSetCompetence:        "Tilleggskompetanse",
	codeSetCondition:         "Vilkår",
	codeSetReaction:          "Administrativ reaksjon",
	codeSetEndStatus:         "Avsluttet status",
}

// codeOf returns the Kode of value/name in code set id.
func codeOf(id int, value, name string) hpr.Code {
	return hpr.Code{Name: name, Value: value, CodeSet: hpr.CodeSet{ID: id, Name: hprCodeSets[id]}}
}

// hprCategory is one value of code set 9060 with what the population needs
// to draw it: its share of the register, the share of women in it, the age
// at the first approval (minAge + spread·u², so most are approved young)
// and the years a first approval in it is possible.
type hprCategory struct {
	code, name     string
	weight         float64 // share of the register's entries, in per cent
	female         float64 // share of women
	minAge, spread float64
	// from: the first year of approvals in the category (0: always). A
	// person trained earlier got the approval when the profession came
	// under the register, as the transitional rules of 1999–2001 did.
	// until: the last year of new approvals (0: still open).
	from, until int
}

// Category indices that the rules below name.
const (
	catSP uint8 = iota
	catHP
	catHF
	catLE
	catFT
	catVP
	catPS
	catTL
	catBI
	catET
	catAA
	catHE
	catRA
	catVE
	catAT
	catTH
	catFA1
	catFA2
	catOA
	catOP
	catTP
	catFO
	catTT
	catKE
	catAU
	catKI
	catOI
	catFB
	catOR
	catPE
	catJO
	catXX
	catNone uint8 = 0xFF
)

// hprCategories is code set 9060 (upstreams.md §3.4: every value, names as
// listed). The weights follow the register's make-up (§3.5: on 1 Jan 2016
// Sykepleier 164 834, Hjelpepleier 110 505, Lege 46 549 of 473 169, the
// Helsefagarbeider replacing the Hjelpepleier since 2006); the small
// categories, the shares of women and the ages are INFERENCE from the
// professions' education and make-up. Jordmor is drawn only as a second
// category of a Sykepleier (a midwife is a nurse first) and XX
// (Ukjent/uspesifisert) never: no person is trained as "unknown".
//
// INFERENCE: the years of from/until are the years the professions' own
// education or authorisation began or ended (Hjelpepleier and
// Omsorgsarbeider until 2009, when the Helsefagarbeider, from 2006, had
// replaced them; most small groups came under the register with the
// Health Personnel Act of 2001).
var hprCategories = [...]hprCategory{
	catSP:  {"SP", "Sykepleier", 31, 0.90, 22, 8, 0, 0},
	catHP:  {"HP", "Hjelpepleier", 16, 0.92, 19, 12, 1963, 2009},
	catHF:  {"HF", "Helsefagarbeider", 10, 0.88, 19, 10, 2006, 0},
	catLE:  {"LE", "Lege", 11, 0.45, 24.5, 6, 0, 0},
	catFT:  {"FT", "Fysioterapeut", 4.5, 0.65, 22.5, 6, 0, 0},
	catVP:  {"VP", "Vernepleier", 4, 0.80, 22, 8, 1990, 0},
	catPS:  {"PS", "Psykolog", 2.2, 0.70, 25, 6, 1973, 0},
	catTL:  {"TL", "Tannlege", 1.7, 0.55, 24, 4, 0, 0},
	catBI:  {"BI", "Bioingeniør", 1.8, 0.85, 22, 6, 1980, 0},
	catET:  {"ET", "Ergoterapeut", 1.6, 0.90, 22, 6, 1980, 0},
	catAA:  {"AA", "Ambulansearbeider", 1.6, 0.30, 20, 8, 2001, 0},
	catHE:  {"HE", "Helsesekretær", 1.4, 0.96, 20, 8, 1990, 0},
	catRA:  {"RA", "Radiograf", 1.2, 0.70, 22, 6, 1980, 0},
	catVE:  {"VE", "Veterinær", 0.8, 0.70, 24, 4, 0, 0},
	catAT:  {"AT", "Apotektekniker", 0.8, 0.92, 20, 10, 2001, 0},
	catTH:  {"TH", "Tannhelsesekretær", 0.8, 0.98, 20, 10, 2001, 0},
	catFA1: {"FA1", "Provisorfarmasøyt", 0.8, 0.80, 24, 4, 0, 0},
	catFA2: {"FA2", "Reseptarfarmasøyt", 0.6, 0.85, 22, 4, 0, 0},
	catOA:  {"OA", "Omsorgsarbeider", 0.5, 0.85, 20, 10, 1991, 2009},
	catOP:  {"OP", "Optiker", 0.5, 0.60, 22, 5, 1988, 0},
	catTP:  {"TP", "Tannpleier", 0.4, 0.95, 22, 5, 1980, 0},
	catFO:  {"FO", "Fotterapeut", 0.3, 0.85, 22, 8, 2001, 0},
	catTT:  {"TT", "Tanntekniker", 0.3, 0.40, 21, 6, 2001, 0},
	catKE:  {"KE", "Klinisk ernæringsfysiolog", 0.2, 0.85, 24, 4, 2001, 0},
	catAU:  {"AU", "Audiograf", 0.2, 0.60, 22, 6, 2001, 0},
	catKI:  {"KI", "Kiropraktor", 0.2, 0.40, 25, 4, 1989, 0},
	catOI:  {"OI", "Ortopediingeniør", 0.1, 0.25, 22, 5, 2001, 0},
	catFB:  {"FB", "Fiskehelsebiolog", 0.1, 0.40, 24, 4, 1997, 0},
	catOR:  {"OR", "Ortoptist", 0.03, 0.80, 22, 5, 2001, 0},
	catPE:  {"PE", "Perfusjonist", 0.03, 0.40, 25, 6, 2001, 0},
	catJO:  {"JO", "Jordmor", 0, 0.99, 24, 6, 0, 0},
	catXX:  {"XX", "Ukjent/uspesifisert", 0, 0.5, 20, 0, 0, 0},
}

// categoryWeights are the weights of a woman's and a man's first category.
var categoryWeights = func() (w [2][len(hprCategories)]float64) {
	for k, c := range hprCategories {
		w[0][k] = c.weight * (1 - c.female)
		w[1][k] = c.weight * c.female
	}
	return w
}()

// Values of code set 7704 (godkjenningstype). "1" Autorisasjon is
// confirmed (§3.4); NAV accepts "1", "2", "4", "14", "17", "18" as valid
// approvals and calls "3" a student licence. The names of the other values
// are those of the value set approvalType in DIPS's public FHIR
// implementation guide, which binds code set 7704.
const (
	authAuthorisation uint8 = iota // "1" Autorisasjon
	authInternship                 // "2" Turnuslisens
	authStudent                    // "3" Studentlisens
	authLicence                    // "4" Lisens
	authTemporary                  // "14" Midlertidig tjenesteyting
	authConditional                // "17" Autorisasjon med vilkår
	authLIS1                       // "18" LIS1-Lisens
)

var authTypes = [...]struct{ value, name string }{
	authAuthorisation: {"1", "Autorisasjon"},
	authInternship:    {"2", "Turnuslisens"},
	authStudent:       {"3", "Studentlisens"},
	authLicence:       {"4", "Lisens"},
	authTemporary:     {"14", "Midlertidig tjenesteyting"},
	authConditional:   {"17", "Autorisasjon med vilkår"},
	authLIS1:          {"18", "LIS1-Lisens"},
}

// isAuthorisation reports whether an approval type is an authorisation
// (open until the age limit) rather than a time-limited licence.
func isAuthorisation(a uint8) bool { return a == authAuthorisation || a == authConditional }

// hprSpeciality is a value of code set 7426 with its weight among the
// specialities drawn and the first year it could be approved.
type hprSpeciality struct {
	value, name string
	weight      float64
	from        int
}

// medicalSpecialities are the doctors' specialities. "1" Allmennmedisin and
// "40" Psykiatri are confirmed (§3.4); "152" Ortopedisk kirurgi appears
// with code set 7426 in public FHIR examples of Norwegian practitioners.
//
// INFERENCE: the other values are invented (the code set was not found);
// the names are the Norwegian medical specialities, the weights roughly
// their share of approved specialists, the years when the newer ones began
// (Rus- og avhengighetsmedisin 2014, Akutt- og mottaksmedisin 2019).
var medicalSpecialities = [...]hprSpeciality{
	{"1", "Allmennmedisin", 30, 1985},
	{"40", "Psykiatri", 7, 0},
	{"152", "Ortopedisk kirurgi", 4, 0},
	{"2", "Anestesiologi", 6, 0},
	{"3", "Barnesykdommer", 4, 0},
	{"4", "Barne- og ungdomspsykiatri", 2, 0},
	{"5", "Fødselshjelp og kvinnesykdommer", 4, 0},
	{"6", "Generell kirurgi", 3, 0},
	{"7", "Indremedisin", 8, 0},
	{"8", "Kardiologi", 3, 0},
	{"9", "Nevrologi", 2.5, 0},
	{"10", "Radiologi", 4, 0},
	{"11", "Øre-nese-halssykdommer", 1.5, 0},
	{"12", "Øyesykdommer", 1.5, 0},
	{"13", "Onkologi", 1.5, 0},
	{"14", "Patologi", 1.5, 0},
	{"15", "Samfunnsmedisin", 2, 0},
	{"16", "Arbeidsmedisin", 1, 0},
	{"17", "Geriatri", 1, 0},
	{"18", "Hud- og veneriske sykdommer", 1, 0},
	{"19", "Urologi", 1, 0},
	{"20", "Revmatologi", 1, 0},
	{"21", "Lungesykdommer", 1, 0},
	{"22", "Fysikalsk medisin og rehabilitering", 1, 0},
	{"23", "Medisinsk mikrobiologi", 0.7, 0},
	{"24", "Rus- og avhengighetsmedisin", 0.7, 2014},
	{"25", "Akutt- og mottaksmedisin", 0.5, 2019},
}

// dentalSpecialities are the dentists' specialities (INFERENCE: values
// invented, names the Norwegian dental specialities; they share code set
// 7426 with the doctors').
var dentalSpecialities = [...]hprSpeciality{
	{"201", "Kjeveortopedi", 3, 0},
	{"202", "Oral kirurgi og oral medisin", 2, 0},
	{"203", "Periodonti", 2, 0},
	{"204", "Pedodonti", 1, 0},
	{"205", "Endodonti", 1, 0},
	{"206", "Protetikk", 1, 0},
	{"207", "Kjeve- og ansiktsradiologi", 0.5, 0},
}

// specialityWeights are the draw weights of the two tables.
var medicalWeights, dentalWeights = func() (m, d []float64) {
	for _, s := range medicalSpecialities {
		m = append(m, s.weight)
	}
	for _, s := range dentalSpecialities {
		d = append(d, s.weight)
	}
	return m, d
}()

// Requisition rights (rekvisisjonsrett). "1" Full rekvisisjonsrett is
// confirmed (§3.4); the others are INFERENCE: a restricted right (students'
// licences), the nurses' and midwives' right to prescribe contraceptives and
// the optometrists' right to diagnostic eye drops.
const (
	reqFull uint8 = iota
	reqLimited
	reqContraceptives
	reqEyeDrops
)

var requisitionRights = [...]struct{ value, name string }{
	reqFull:           {"1", "Full rekvisisjonsrett"},
	reqLimited:        {"2", "Begrenset rekvisisjonsrett"},
	reqContraceptives: {"3", "Rekvisisjonsrett for prevensjonsmidler"},
	reqEyeDrops:       {"4", "Rekvisisjonsrett for diagnostiske legemidler til øyet"},
}

// Additional competences (tilleggskompetanse). INFERENCE: values invented;
// "Godkjent implantatprotetisk behandler" is a dentist's additional
// competence as public HPR look-ups show it, the doctors' ones are the
// competence areas (kompetanseområder) introduced with the 2019 specialist
// reform, and the physiotherapists' one is manual therapy (NAV's MT, not a
// category of 9060).
const (
	compImplant uint8 = iota
	compNursingHome
	compEmergency
	compPalliative
	compManualTherapy
)

var competences = [...]struct {
	value, name string
	from        int // first year
}{
	compImplant:       {"1", "Godkjent implantatprotetisk behandler", 0},
	compNursingHome:   {"2", "Kompetanseområde alders- og sykehjemsmedisin", 2019},
	compEmergency:     {"3", "Kompetanseområde akuttmedisin", 2019},
	compPalliative:    {"4", "Kompetanseområde palliativ medisin", 2023},
	compManualTherapy: {"5", "Manuellterapeut", 0},
}

// Conditions (vilkår) on an approval (INFERENCE: values and names invented
// from the kinds of conditions licences carry).
var conditions = [...]struct{ value, name string }{
	{"1", "Kun arbeid under veiledning"},
	{"2", "Begrenset til stilling ved angitt virksomhet"},
	{"3", "Ikke adgang til selvstendig næringsvirksomhet"},
	{"4", "Begrenset til bestemte arbeidsoppgaver"},
}

// Administrative reactions. "1", "5" and "8" are the suspensions NAV
// recognises (§3.3, hpr.SuspensionCodes); the names and the other values
// are INFERENCE from the reactions of the Health Personnel Act (warning,
// suspension, withdrawal, limitation).
const (
	reactSuspension uint8 = iota
	reactWithdrawal
	reactLimitation
	reactWarning
	reactLicenceSuspension
	reactLicenceWithdrawal
	reactRequisitionWithdrawal
	reactPendingSuspension
)

var reactions = [...]struct{ value, name string }{
	reactSuspension:            {"1", "Suspensjon av autorisasjon"},
	reactWithdrawal:            {"2", "Tilbakekall av autorisasjon"},
	reactLimitation:            {"3", "Begrensning av autorisasjon"},
	reactWarning:               {"4", "Advarsel"},
	reactLicenceSuspension:     {"5", "Suspensjon av lisens"},
	reactLicenceWithdrawal:     {"6", "Tilbakekall av lisens"},
	reactRequisitionWithdrawal: {"7", "Tilbakekall av rekvisisjonsrett"},
	reactPendingSuspension:     {"8", "Suspensjon i påvente av vedtak"},
}

// isSuspension reports whether a reaction is one of hpr.SuspensionCodes.
func isSuspension(k uint8) bool {
	return k == reactSuspension || k == reactLicenceSuspension || k == reactPendingSuspension
}

// End statuses (avsluttetStatus) of an approval or a right that has ended
// (INFERENCE: values and names invented from the ways an approval ends).
// endNone means the approval has not ended on the reference day.
const (
	endNone uint8 = iota
	endExpired
	endWithdrawn
	endDeceased
	endAgeLimit
	endReplaced
)

var endStatuses = [...]struct{ value, name string }{
	endExpired:   {"1", "Utløpt"},
	endWithdrawn: {"2", "Tilbakekalt"},
	endDeceased:  {"3", "Død"},
	endAgeLimit:  {"4", "Bortfalt ved aldersgrense"},
	endReplaced:  {"5", "Erstattet av autorisasjon"},
}

// Age limit. Authorisations, licences and specialist approvals lapsed at
// 75 from 1980; from 1 July 2015 the limit is 80 (Prop. 74 L (2014–2015)),
// and HPR records that day as the end of the approval. Personnel over the
// limit may get a licence for one year at a time (Helsedirektoratet,
// "Helsepersonell over 80 år").
var (
	ageLimitIntroduced = dayOf(1980, time.January, 1)
	ageLimitRaised     = dayOf(2015, time.July, 1)
)

// ageLimit returns the day a person born on birth loses approvals by age:
// the day before the 75th birthday, or the 80th from July 2015. INFERENCE:
// those who were 75 before 1980 lost them when the rule came.
func ageLimit(birth int32) int32 {
	d75 := addYears(birth, 75)
	switch {
	case d75 < ageLimitIntroduced:
		return ageLimitIntroduced - 1
	case d75 < ageLimitRaised:
		return d75 - 1
	}
	return addYears(birth, 80) - 1
}
