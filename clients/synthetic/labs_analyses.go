package synthetic

import (
	"math"
	"math/rand/v2"
)

// The analysis table of the synthetic lab results.
//
// Codes. Entries with confirmed set carry an NLK (NPU) code whose meaning was
// checked against public sources while writing this table (lab-code lists of
// Norwegian and Danish registries and FHIR implementation guides): the
// Norwegian KUHR lab-atlas selection (ALAT NPU19651, CRP NPU19748, ferritin
// NPU19763, glucose NPU02192, HbA1c NPU27300, HDL NPU01567, INR NPU01685,
// potassium NPU03230, LDL NPU01568, sodium NPU03429, TSH NPU03577, total
// cholesterol NPU01566, 25-OH vitamin D NPU10267) and registry code lists
// (leukocytes NPU02593, platelets NPU03568, creatinine NPU18016, haemoglobin
// in g/L NPU28309). Entries without confirmed are NOT real codes: they use
// the prefix SYN so that nobody mistakes them for NLK codes (eGFR, the
// blood-count and lipid panels, blood group, SARS-CoV-2 RNA, blood smear).
// Replace them when the real NLK codes are at hand.
//
// Reference ranges are rounded from Nordic reference intervals (NORIP) and
// common Norwegian hospital-lab practice; they are plausible, not any one
// laboratory's.

// analysisID indexes analyses.
type analysisID uint8

// The analyses.
const (
	aHb analysisID = iota
	aLeuk
	aTrc
	aCRP
	aHbA1c
	aGlu
	aKrea
	aEGFR
	aALAT
	aTSH
	aNa
	aK
	aINR
	aChol
	aLDL
	aHDL
	aFerritin
	aVitD
	aBloodGroup
	aSars
	aSmear
	aBloodCount // panel: Hb, leukocytes, platelets
	aLipids     // panel: cholesterol, LDL, HDL
	nAnalyses
)

// valueKind says which value[x] an analysis gives.
type valueKind uint8

const (
	vkQuantity valueKind = iota
	vkCoded
	vkText
	vkPanel
)

// analysis is one row of the table.
type analysis struct {
	code, display string
	confirmed     bool // code checked against public sources (see above)
	kind          valueKind
	unit, ucum    string
	dec           int // decimals reported
	// ref returns the reference interval for a person; NaN for an open side.
	ref func(female bool, age int) (lo, hi float64)
	// critLo, critHi are the critical limits, beyond which the laboratory
	// phones the requester; NaN for none.
	critLo, critHi float64
	members        []analysisID // panels
}

// nan marks an open side of a range or an absent limit.
var nan = math.NaN()

// fixed returns a reference function independent of sex and age.
func fixed(lo, hi float64) func(bool, int) (float64, float64) {
	return func(bool, int) (float64, float64) { return lo, hi }
}

// analyses is the table, indexed by analysisID.
var analyses = [nAnalyses]analysis{
	aHb: {code: "NPU28309", display: "B-Hemoglobin", confirmed: true, unit: "g/L", ucum: "g/L", dec: 0,
		ref: func(female bool, age int) (float64, float64) {
			switch {
			case age < 12:
				return 105, 140
			case female:
				return 117, 153
			}
			return 134, 170
		}, critLo: 70, critHi: 200},
	aLeuk: {code: "NPU02593", display: "B-Leukocytter", confirmed: true, unit: "10^9/L", ucum: "10*9/L", dec: 1,
		ref: func(_ bool, age int) (float64, float64) {
			if age < 12 {
				return 4.5, 13.0
			}
			return 3.5, 10.0
		}, critLo: 1.0, critHi: 30},
	aTrc: {code: "NPU03568", display: "B-Trombocytter", confirmed: true, unit: "10^9/L", ucum: "10*9/L", dec: 0,
		ref: func(female bool, _ int) (float64, float64) {
			if female {
				return 165, 387
			}
			return 145, 348
		}, critLo: 20, critHi: 1000},
	aCRP: {code: "NPU19748", display: "P-CRP", confirmed: true, unit: "mg/L", ucum: "mg/L", dec: 0,
		ref: fixed(nan, 5), critLo: nan, critHi: 250},
	aHbA1c: {code: "NPU27300", display: "B-HbA1c", confirmed: true, unit: "mmol/mol", ucum: "mmol/mol", dec: 0,
		ref: fixed(20, 42), critLo: nan, critHi: 120},
	aGlu: {code: "NPU02192", display: "P-Glukose", confirmed: true, unit: "mmol/L", ucum: "mmol/L", dec: 1,
		ref: fixed(4.0, 6.0), critLo: 2.5, critHi: 25},
	aKrea: {code: "NPU18016", display: "P-Kreatinin", confirmed: true, unit: "µmol/L", ucum: "umol/L", dec: 0,
		ref: func(female bool, age int) (float64, float64) {
			switch {
			case age < 12:
				return 20, 60
			case age < 18:
				return 35, 85
			case female:
				return 45, 90
			}
			return 60, 105
		}, critLo: nan, critHi: 700},
	aEGFR: {code: "SYN00001", display: "eGFR (CKD-EPI)", unit: "mL/min/1,73 m²", ucum: "mL/min/{1.73_m2}", dec: 0,
		ref: func(_ bool, age int) (float64, float64) {
			// Lower limits fall with age, as Norwegian labs report them.
			switch {
			case age < 40:
				return 90, nan
			case age < 70:
				return 75, nan
			}
			return 60, nan
		}, critLo: 15, critHi: nan},
	aALAT: {code: "NPU19651", display: "P-ALAT", confirmed: true, unit: "U/L", ucum: "U/L", dec: 0,
		ref: func(female bool, _ int) (float64, float64) {
			if female {
				return 10, 45
			}
			return 10, 70
		}, critLo: nan, critHi: 1000},
	aTSH: {code: "NPU03577", display: "P-TSH", confirmed: true, unit: "mIE/L", ucum: "m[IU]/L", dec: 2,
		ref: fixed(0.50, 4.10), critLo: 0.01, critHi: 50},
	aNa: {code: "NPU03429", display: "P-Natrium", confirmed: true, unit: "mmol/L", ucum: "mmol/L", dec: 0,
		ref: fixed(137, 145), critLo: 120, critHi: 160},
	aK: {code: "NPU03230", display: "P-Kalium", confirmed: true, unit: "mmol/L", ucum: "mmol/L", dec: 1,
		ref: fixed(3.5, 4.4), critLo: 2.8, critHi: 6.2},
	aINR: {code: "NPU01685", display: "P-INR", confirmed: true, unit: "INR", ucum: "{INR}", dec: 1,
		ref: fixed(0.8, 1.2), critLo: nan, critHi: 5},
	aChol: {code: "NPU01566", display: "P-Kolesterol", confirmed: true, unit: "mmol/L", ucum: "mmol/L", dec: 1,
		ref: func(_ bool, age int) (float64, float64) {
			switch {
			case age < 30:
				return 2.9, 6.1
			case age < 50:
				return 3.3, 6.9
			}
			return 3.9, 7.8
		}, critLo: nan, critHi: nan},
	aLDL: {code: "NPU01568", display: "P-LDL-kolesterol", confirmed: true, unit: "mmol/L", ucum: "mmol/L", dec: 1,
		ref: func(_ bool, age int) (float64, float64) {
			switch {
			case age < 30:
				return 1.2, 4.3
			case age < 50:
				return 1.4, 4.7
			}
			return 2.0, 5.3
		}, critLo: nan, critHi: nan},
	aHDL: {code: "NPU01567", display: "P-HDL-kolesterol", confirmed: true, unit: "mmol/L", ucum: "mmol/L", dec: 1,
		ref: func(female bool, _ int) (float64, float64) {
			if female {
				return 1.0, 2.7
			}
			return 0.8, 2.1
		}, critLo: nan, critHi: nan},
	aFerritin: {code: "NPU19763", display: "P-Ferritin", confirmed: true, unit: "µg/L", ucum: "ug/L", dec: 0,
		ref: func(female bool, age int) (float64, float64) {
			switch {
			case age < 18:
				return 10, 140
			case female && age < 50:
				return 15, 200
			case female:
				return 15, 300
			}
			return 30, 400
		}, critLo: nan, critHi: nan},
	aVitD: {code: "NPU10267", display: "P-25-OH-vitamin D", confirmed: true, unit: "nmol/L", ucum: "nmol/L", dec: 0,
		ref: fixed(50, 150), critLo: 12, critHi: 250},
	aBloodGroup: {code: "SYN00002", display: "B-Blodtype AB0 og RhD", kind: vkCoded},
	aSars:       {code: "SYN00003", display: "Luftveissekret-SARS-CoV-2 RNA", kind: vkCoded},
	aSmear:      {code: "SYN00004", display: "B-Blodutstryk, vurdering", kind: vkText},
	aBloodCount: {code: "SYN10001", display: "B-Blodstatus", kind: vkPanel, members: []analysisID{aHb, aLeuk, aTrc}},
	aLipids:     {code: "SYN10002", display: "P-Lipidstatus", kind: vkPanel, members: []analysisID{aChol, aLDL, aHDL}},
}

// resultSystem is the code system of the coded result values (blood groups,
// detected / not detected). It is synthetic: the .example domain is
// reserved, so the system cannot be confused with a real one.
const resultSystem = "https://oppslag.example/fhir/CodeSystem/synthetic-lab-result"

// bloodGroups are AB0 and RhD groups with their Norwegian frequencies.
var bloodGroups = []struct {
	code, display string
	weight        float64
}{
	{"A+", "A RhD positiv", 41}, {"O+", "O RhD positiv", 33}, {"B+", "B RhD positiv", 7},
	{"AB+", "AB RhD positiv", 4}, {"A-", "A RhD negativ", 7}, {"O-", "O RhD negativ", 6},
	{"B-", "B RhD negativ", 1.5}, {"AB-", "AB RhD negativ", 0.5},
}

// bloodGroupWeights are the weights of bloodGroups for pickWeighted.
var bloodGroupWeights = func() []float64 {
	w := make([]float64, len(bloodGroups))
	for k, g := range bloodGroups {
		w[k] = g.weight
	}
	return w
}()

// smearTexts are blood-smear assessments; abnormal ones come after the first.
var smearTexts = []string{
	"Normalt blodutstryk.",
	"Enkelte storcellede erytrocytter (makrocytter).",
	"Hypokrome, mikrocytære erytrocytter, forenlig med jernmangel.",
	"Venstreforskyvning med toksisk granulering i nøytrofile granulocytter.",
}

// reportComments are comments a laboratory adds to some reports.
var reportComments = []string{
	"Prøven er noe hemolysert; kalium kan være falskt forhøyet.",
	"Svar kontrollert og godkjent.",
	"Analysert på nytt med samme resultat.",
	"Ny prøve anbefales om 3 måneder.",
	"Prøven ble tatt ikke-fastende.",
}

// eGFR computes the CKD-EPI 2021 estimate (mL/min/1.73 m²) from plasma
// creatinine in µmol/L, so a report's eGFR always matches its creatinine.
func eGFR(krea float64, female bool, age int) float64 {
	scr := krea / 88.4
	kappa, alpha, f := 0.9, -0.302, 1.0
	if female {
		kappa, alpha, f = 0.7, -0.241, 1.012
	}
	x := scr / kappa
	return 142 * math.Pow(min(x, 1), alpha) * math.Pow(max(x, 1), -1.2) * math.Pow(0.9938, float64(age)) * f
}

// creatinineFor inverts eGFR for values below the CKD-EPI knee (reduced
// kidney function): the creatinine that gives egfr.
func creatinineFor(egfr float64, female bool, age int) float64 {
	kappa, f := 0.9, 1.0
	if female {
		kappa, f = 0.7, 1.012
	}
	base := 142 * math.Pow(0.9938, float64(age)) * f
	x := math.Pow(egfr/base, -1/1.2)
	return max(x, 1) * kappa * 88.4
}

// inRange draws a value in the reference interval's bulk: position 0.5 ± sd
// interval widths, so a healthy person is outside it a few per cent of the
// time.
func inRange(r *rand.Rand, lo, hi, sd float64) float64 {
	return lo + (hi-lo)*(0.5+sd*r.NormFloat64())
}

// logNormal draws exp(N(ln median, sigma)).
func logNormal(r *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*r.NormFloat64())
}

// roundTo rounds v to dec decimals.
func roundTo(v float64, dec int) float64 {
	p := math.Pow(10, float64(dec))
	return math.Round(v*p) / p
}

// Kodeverk 8244 (Avviksmarkør) codes: over the upper limit, under the
// lower, outside the limits (HL7Norway/kodeverk no-kodeverk-8244.fsh).
const (
	dev8244High    = "1"
	dev8244Low     = "2"
	dev8244Outside = "3"
)

// flagFor returns the kodeverk 8244 deviation code of a value against its
// reference interval: 1 above, 2 below, "" within it (a value on a limit
// is within).
func flagFor(v, lo, hi float64) string {
	switch {
	case !math.IsNaN(hi) && v > hi:
		return dev8244High
	case !math.IsNaN(lo) && v < lo:
		return dev8244Low
	}
	return ""
}

// critical reports whether v is beyond one of an's critical limits.
func critical(v float64, an *analysis) bool {
	return !math.IsNaN(an.critHi) && v > an.critHi || !math.IsNaN(an.critLo) && v < an.critLo
}
