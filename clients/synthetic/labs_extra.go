package synthetic

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
)

// The reports that are not biochemistry: urine cultures with isolated
// organisms, their amounts and a susceptibility per antibiotic, and
// text-heavy immunology reports. Their shapes follow the KITH test messages
// NILAR keeps (HL7Norway/NILAR xmlfiles/Svar_mikrobiologi_dyrkning_v1-4_Ny.xml
// and SvarIMM-Lange tekstresultater-Unilab-OUS_Endelig_20200317.xml) mapped
// as its mapping.md says: an organism is a ResultItem whose TextResult is
// the organism's name under heading LR (kodeverk 8243), with its amount as
// a nested ResultItem (an investigation with only an original text,
// "Mengde"); each susceptibility is a ResultItem under heading RSB with the
// S/I/R code of kodeverk 8271 and, sometimes, the MIC as text, pointing at
// its organism (RefIdResultItem → hasMember). The texts are written for
// this population, not copied from the messages.

// Shares of persons with results who also have a culture or a text report.
const (
	cultureShare = 0.12
	textShare    = 0.04
)

// urineCulture is NLK's "U-Bakterier dyrkning", as in the test message.
var urineCulture = labsim.Coding{System: labs.SystemNLK, Code: "NPU06073", Display: "U-Bakterier dyrkning"}

// antibiotics are urine-culture antibiotics with the NLK codes of the test
// message.
var antibiotics = []labsim.Coding{
	{System: labs.SystemNLK, Code: "NPU06045", Display: "Us-Ampicillin"},
	{System: labs.SystemNLK, Code: "NPU06044", Display: "Us-Mecillinam"},
	{System: labs.SystemNLK, Code: "NPU06047", Display: "Us-Trimetoprim"},
	{System: labs.SystemNLK, Code: "NPU57715", Display: "Us-Trimetoprim+Sulfametoksazol"},
	{System: labs.SystemNLK, Code: "NPU06048", Display: "Us-Nitrofurantoin"},
}

// organisms are the urinary isolates with how often each antibiotic is
// resistant (R) or needs increased exposure (I), in antibiotics' order.
var organisms = []struct {
	name     string
	resist   [5]float64
	increase [5]float64
}{
	{"Escherichia coli", [5]float64{0.35, 0.05, 0.25, 0.2, 0.02}, [5]float64{0, 0, 0, 0.05, 0}},
	{"Klebsiella pneumoniae", [5]float64{1, 0.1, 0.2, 0.15, 0.4}, [5]float64{0, 0, 0, 0.05, 0.1}},
	{"Enterococcus faecalis", [5]float64{0.02, 1, 0.3, 0.3, 0.02}, [5]float64{0, 0, 0.2, 0.2, 0}},
	{"Staphylococcus saprophyticus", [5]float64{0.6, 0.2, 0.1, 0.05, 0.01}, [5]float64{0, 0, 0, 0, 0}},
}

// amounts are colony counts as the laboratories write them.
var amounts = []string{">100 000 CFU/mL", "10 000–100 000 CFU/mL", "1 000–10 000 CFU/mL"}

// susceptibilityDisplay names kodeverk 8271's codes.
var susceptibilityDisplay = map[string]string{"S": "Sensitiv, standarddose", "I": "Sensitiv, økt eksponering", "R": "Resistent"}

var (
	headingLR  = labsim.Coding{System: labs.SystemTextResultType, Code: "LR", Display: "Laboratorieresultat"}
	headingRSB = labsim.Coding{System: labs.SystemTextResultType, Code: "RSB", Display: "Resistensbestemmelse"}
)

// extras adds a person's culture and text reports, drawn from r (the
// person's domainLabsExtra stream).
func (g *labGen) extras(r *rand.Rand) {
	pr := g.pr
	uCult, uText := r.Float64(), r.Float64()
	if pr.to-pr.from < 60 {
		return
	}
	if uCult < cultureShare {
		g.culture(r, between(r, pr.from, pr.to-1))
	}
	if uText < textShare && pr.age >= 18 {
		g.textReport(r, between(r, pr.from, pr.to-1))
	}
}

// culture adds a urine culture on day: no growth, or one or two organisms
// with amounts and susceptibilities.
func (g *labGen) culture(r *rand.Rand, day int32) {
	collected := dayTime(day).Add(time.Duration(7*60+r.IntN(6*60)) * time.Minute)
	rep := g.extraReport(r, collected, catMBIO, 2*24*60)
	rep.Specimen = labsim.Specimen{Type: "Urin, midtstråle", TypeCode: "U", Collected: collected}
	n := 0
	switch x := r.Float64(); {
	case x < 0.35:
		n = 0
	case x < 0.9:
		n = 1
	default:
		n = 2
	}
	if n == 0 {
		rep.Observations = []labsim.Observation{{Code: urineCulture,
			Value: labsim.Value{Concept: &labsim.Concept{Codings: []labsim.Coding{headingLR}, Text: "Ingen vekst av urinveispatogene bakterier"}}}}
		g.reports = append(g.reports, rep)
		return
	}
	first := r.IntN(len(organisms))
	for k := range n {
		org := organisms[(first+k)%len(organisms)]
		o := labsim.Observation{Code: urineCulture,
			Value: labsim.Value{Concept: &labsim.Concept{Codings: []labsim.Coding{headingLR}, Text: org.name}}}
		o.Members = append(o.Members, labsim.Observation{
			Code:  labsim.Coding{Display: "Mengde"},
			Value: labsim.Value{Text: amounts[min(k+r.IntN(2), len(amounts)-1)]},
		})
		for a, ab := range antibiotics {
			code := "S"
			switch u := r.Float64(); {
			case u < org.resist[a]:
				code = "R"
			case u < org.resist[a]+org.increase[a]:
				code = "I"
			}
			c := &labsim.Concept{Codings: []labsim.Coding{headingRSB,
				{System: labs.SystemSusceptibility, Code: code, Display: susceptibilityDisplay[code]}}}
			if chance(r, 0.3) {
				c.Text = mics[r.IntN(len(mics))] // the MIC, as the laboratory writes it
			}
			o.Members = append(o.Members, labsim.Observation{Code: ab, Value: labsim.Value{Concept: c}})
		}
		rep.Observations = append(rep.Observations, o)
	}
	if chance(r, 0.5) {
		rep.Comment = "Vurder behandling ut fra resistensbestemmelsen. Kontrollprøve ved vedvarende plager."
	}
	g.reports = append(g.reports, rep)
}

// mics are minimum inhibitory concentrations in mg/L as free text.
var mics = []string{"0,25", "0,5", "1", "2", "4", ">32"}

// textReport adds an immunology report of long text results with comments.
func (g *labGen) textReport(r *rand.Rand, day int32) {
	collected := dayTime(day).Add(time.Duration(8*60+r.IntN(4*60)) * time.Minute)
	rep := g.extraReport(r, collected, catIMTR, 7*24*60)
	rep.Specimen = labsim.Specimen{Type: "EDTA-blod", TypeCode: "B", Collected: collected}
	k := r.IntN(len(textResults))
	for j := range 2 {
		t := textResults[(k+j)%len(textResults)]
		rep.Observations = append(rep.Observations, labsim.Observation{
			Code:    labsim.Coding{System: labs.SystemNLK, Code: t.code, Display: t.display},
			Value:   labsim.Value{Concept: &labsim.Concept{Codings: []labsim.Coding{headingLR}, Text: t.result}},
			Comment: t.comment,
		})
	}
	g.reports = append(g.reports, rep)
}

// textResults are long text results of tissue typing, written for this
// population after the shape of the OUS test message.
var textResults = []struct{ code, display, result, comment string }{
	{"NPU54286", "B-HLA-DQ2", "Pasienten har vevstypen HLA-DQ2.5.\nVevstypen er vanlig ved cøliaki, men forekommer også hos mange friske. Cøliaki kan ikke utelukkes.",
		"HLA-typen endrer seg ikke over tid. Ny typing er bare nødvendig ved mistanke om feil resultat; opplys i så fall om det på rekvisisjonen."},
	{"NPU53049", "B-HLA-DQ8", "HLA-DQ8 ikke påvist.", ""},
	{"NPU29745", "B-HLA-B27", "HLA-B27 påvist, undergruppe B*27:05.\nUndergruppen er den vanligste i Norge og er assosiert med Bechterews sykdom.",
		"Funnet må tolkes sammen med klinikk og bildediagnostikk. Et positivt svar alene stiller ikke diagnosen."},
}

// extraReport starts a report of category cat collected at collected and
// issued up to maxMinutes later (preliminary when that is past the
// population's reference day).
func (g *labGen) extraReport(r *rand.Rand, collected time.Time, cat int, maxMinutes int) labsim.Report {
	issued := collected.Add(time.Duration(120+r.IntN(maxMinutes)) * time.Minute)
	status := "final"
	if limit := dayTime(g.p.ref); issued.After(limit) {
		issued, status = limit, "preliminary"
	}
	return labsim.Report{
		Effective: collected,
		Issued:    issued,
		Status:    status,
		Category:  categories[cat],
		Code:      categories[cat],
		Performer: labsim.Org{Name: labTrusts[g.lab].name + ", " + departments[cat], OrgNumber: labOrgNumbers[g.lab][cat]},
		Requester: g.gp,
	}
}

// labHasAnalysis reports whether person i has a result of one of the
// given NLK codes, for the tester's kinds (culture-labs, text-labs).
func (p *Population) labHasAnalysis(i int, codes ...string) bool {
	for _, rep := range p.lab(i).Reports {
		for _, o := range rep.Observations {
			if slices.Contains(codes, o.Code.Code) {
				return true
			}
		}
	}
	return false
}

// textResultCodes are the NLK codes of the text reports.
var textResultCodes = func() []string {
	var out []string
	for _, t := range textResults {
		out = append(out, t.code)
	}
	return out
}()
