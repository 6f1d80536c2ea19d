package synthetic

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
)

// Pathology (histology) reports and virology results, for a small share
// of persons with results. Their shapes follow NILAR's KITH test messages
// mapped as mapping.md says (xmlfiles/Svar_patologi_histologi_v1-4_Ny.xml,
// PAT-HISTO02SUSanonymFlereSvar.xml, Svar_mikrobiologi_virologi_v1-4_Ny.xml,
// Svar_Hurtigtest_Covid-19_antigen_v1-4.xml): a histology report is one
// examination (kodeverk 8219 A "Histologisk undersøkelse") whose members
// are text parts under their KITH heading (FU findings with SNOMED codes
// of kodeverk 7010, VU assessment) or investigation (MA macroscopy, MI
// microscopy); a virology result is a text value from kodeverk 8340's
// wording ("Påvist", "Ikke påvist") under heading LR, an IgM found flagged
// with 8244 code 1 as in the test message. The texts are written for this
// population. Some reports are preliminary (issued after the reference
// day) and some amended (a changed diagnosis, marked on the result).
//
// The draws come from their own stream, domainLabsKinds, and the reports
// get ids of their own: every earlier report, id and draw stays as it was.

// domainLabsKinds is the stream of the pathology and virology reports.
const domainLabsKinds = domainLabs | 2<<32

// Shares of persons with results who also have a histology report or a
// virology result, and of histology reports that were later amended.
const (
	pathologyShare = 0.03
	virologyShare  = 0.05
	amendedShare   = 0.2
	// recentPathologyShare of histology reports are from the last weeks
	// and still preliminary.
	recentPathologyShare = 0.1
)

// The pathology report's type (kodeverk 8202 HIST; the category, PAT
// Patologi, follows from it) and the examinations of kodeverk 8219.
var (
	reportHistology = labsim.Coding{System: labs.SystemReportType, Code: "HIST", Display: "Histologi"}
	examHistology   = labsim.Coding{System: labs.SystemPathologyExam, Code: "A", Display: "Histologisk undersøkelse"}
	examMacro       = labsim.Coding{System: labs.SystemPathologyExam, Code: "MA", Display: "Makroskopisk undersøkelse"}
	examMicro       = labsim.Coding{System: labs.SystemPathologyExam, Code: "MI", Display: "Mikroskopisk undersøkelse"}
	headingFU       = labsim.Coding{System: labs.SystemTextResultType, Code: "FU", Display: "Funn og undersøkelsesresultater"}
	headingVU       = labsim.Coding{System: labs.SystemTextResultType, Code: "VU", Display: "Vurdering"}
)

// histologies are biopsies with their findings, coded as the test messages
// code them (topography T, procedure P, morphology M of kodeverk 7010).
var histologies = []struct {
	tissue, macro, micro, finding, assessment string
	codes                                     []labsim.Coding
}{
	{"Hud", "Båtformet hudbit, 12 x 6 mm, med en brun, velavgrenset flekk på 4 x 3 mm. Todeles, i 1.",
		"Snitt viser hud med nevusceller i små reder i overgangen mellom epidermis og dermis.\nIngen atypi. Fritt for reseksjonskantene.",
		"Hud med benign nevuscelletumor, fritt excidert.", "",
		[]labsim.Coding{{System: labs.SystemPathologyCodes, Code: "T02000", Display: "Hud UNS"}, {System: labs.SystemPathologyCodes, Code: "P11410", Display: "Eksisjon"}, {System: labs.SystemPathologyCodes, Code: "M87200", Display: "Nevus UNS"}}},
	{"Hud", "Hudbit, 8 x 5 mm, med en grålig, lett hevet forandring på 5 mm.",
		"Snitt viser papillomatøs epidermis med hornpropper og basaloide celler.\nIngen dysplasi.",
		"Seboreisk keratose.", "",
		[]labsim.Coding{{System: labs.SystemPathologyCodes, Code: "T02000", Display: "Hud UNS"}, {System: labs.SystemPathologyCodes, Code: "M72750", Display: "Seboreisk keratose"}}},
	{"Tykktarm", "Tre biter slimhinne, den største 3 mm. Alt inn, i 1.",
		"Snitt viser tykktarmsslimhinne med vanlig kryptarkitektur.\nLett økt mengde lymfocytter og plasmaceller i lamina propria. Ingen granulomer.",
		"Tykktarmsslimhinne med lettgradig kronisk uspesifikk betennelse.", "Ikke holdepunkt for mikroskopisk kolitt eller dysplasi.",
		[]labsim.Coding{{System: labs.SystemPathologyCodes, Code: "T67000", Display: "Colon UNS"}, {System: labs.SystemPathologyCodes, Code: "M40000", Display: "Betennelse UNS"}}},
	{"Ventrikkel", "To biter slimhinne fra antrum, 2 og 3 mm. Alt inn, i 1.",
		"Snitt viser antrumslimhinne med kronisk aktiv betennelse.\nDet påvises stavformede bakterier på overflaten, forenlig med Helicobacter.",
		"Kronisk aktiv gastritt i antrum med Helicobacter-lignende bakterier.", "Vurder behandling etter retningslinjene.",
		[]labsim.Coding{{System: labs.SystemPathologyCodes, Code: "T63000", Display: "Ventrikkel UNS"}, {System: labs.SystemPathologyCodes, Code: "M43000", Display: "Kronisk aktiv betennelse"}}},
}

// viralTests are virology analyses with the NLK codes of the test messages,
// the sample they are taken from (kodeverk 8351) and how often each is
// found.
var viralTests = []struct {
	code, display, sample, sampleCode string
	found                             float64
}{
	{"NPU59390", "Us-SARS-relatert koronavirus (inkl. SARS-CoV-2) antigen", "Hals+nasopharynxsekret", "HNX", 0.2},
	{"NPU03952", "P-Kusmavirus (parotittvirus) IgG", "Serum", "S", 0.8},
	{"NPU03953", "P-Kusmavirus (parotittvirus) IgM", "Serum", "S", 0.05},
}

// pathologyDepartment names a trust's pathology department.
const pathologyDepartment = "Avdeling for patologi"

// pathologyOrgNumbers are the pathology departments' organisation numbers,
// one per trust: SYNTHETIC, like labOrgNumbers, from a sequence of their
// own so the laboratories' numbers stay as they were.
var pathologyOrgNumbers = func() [len(labTrusts)]string {
	var out [len(labTrusts)]string
	seq := uint64(0)
	for t := range out {
		for {
			seq++
			body := 90000000 + mix(seq^0x706174)%10000000
			if d, ok := orgCheckDigit(body); ok {
				out[t] = fmt.Sprintf("%08d%d", body, d)
				break
			}
		}
	}
	return out
}()

// kindReports draws person g.i's pathology and virology reports from r
// (the person's domainLabsKinds stream) and gives them their ids.
func (g *labGen) kindReports(r *rand.Rand) []labsim.Report {
	pr := g.pr
	uPat, uVir, uRecent := r.Float64(), r.Float64(), r.Float64()
	if pr.to-pr.from < 60 {
		return nil
	}
	var out []labsim.Report
	if uPat < pathologyShare && pr.age >= 25 {
		// Some biopsies are recent, so their report is still preliminary
		// (awaiting further stains) and the tester sees that status.
		recent := uRecent < recentPathologyShare
		from := pr.from
		if recent {
			from = max(pr.from, pr.to-20)
		}
		out = append(out, g.histology(r, between(r, from, pr.to-1), recent))
	}
	if uVir < virologyShare {
		out = append(out, g.virology(r, between(r, pr.from, pr.to-1)))
	}
	for k := range out {
		assignReportIDs(&out[k], hash3(uint64(g.p.seed)^mix(domainLabsKinds), uint64(g.i), uint64(k)<<20))
	}
	return out
}

// histology is a biopsy report: preliminary when it is recent (awaiting
// immunohistochemistry) or issued after the reference day, sometimes
// amended with a revised finding.
func (g *labGen) histology(r *rand.Rand, day int32, recent bool) labsim.Report {
	collected := dayTime(day).Add(time.Duration(8*60+r.IntN(7*60)) * time.Minute)
	h := histologies[r.IntN(len(histologies))]
	rep := g.extraReport(r, collected, catCLIN, 10*24*60)
	rep.Code, rep.Category = reportHistology, reportHistology
	rep.Performer = labsim.Org{Name: labTrusts[g.lab].name + ", " + pathologyDepartment, OrgNumber: pathologyOrgNumbers[g.lab]}
	rep.Specimen = labsim.Specimen{Type: h.tissue, Collected: collected}
	finding := labsim.Observation{Code: headingFU,
		Value: labsim.Value{Concept: &labsim.Concept{Codings: append([]labsim.Coding{headingFU}, h.codes...), Text: h.finding}}}
	if recent {
		rep.Status = "preliminary"
	}
	if rep.Status == "final" && chance(r, amendedShare) {
		rep.Status, finding.Status = "amended", "amended"
		finding.Comment = "Diagnosen er revidert etter ny vurdering av snittene."
		rep.Comment = "Rapporten er endret etter at den var endelig."
	}
	exam := labsim.Observation{Code: examHistology, Members: []labsim.Observation{
		finding,
		{Code: examMacro, Value: labsim.Value{Text: h.macro}},
		{Code: examMicro, Value: labsim.Value{Text: h.micro}},
	}}
	assessment := h.assessment
	if recent {
		assessment = strings.TrimSpace(assessment + "\nForeløpig svar. Endelig svar kommer etter immunhistokjemisk undersøkelse.")
	}
	if assessment != "" {
		exam.Members = slices.Insert(exam.Members, 1, labsim.Observation{Code: headingVU,
			Value: labsim.Value{Concept: &labsim.Concept{Codings: []labsim.Coding{headingVU}, Text: assessment}}})
	}
	rep.Observations = []labsim.Observation{exam}
	return rep
}

// virology is one virus test: found or not found, an IgM found flagged.
func (g *labGen) virology(r *rand.Rand, day int32) labsim.Report {
	collected := dayTime(day).Add(time.Duration(8*60+r.IntN(8*60)) * time.Minute)
	t := viralTests[r.IntN(len(viralTests))]
	rep := g.extraReport(r, collected, catMBIO, 2*24*60)
	rep.Specimen = labsim.Specimen{Type: t.sample, TypeCode: t.sampleCode, Collected: collected}
	o := labsim.Observation{Code: labsim.Coding{System: labs.SystemNLK, Code: t.code, Display: t.display},
		Value: labsim.Value{Concept: &labsim.Concept{Codings: []labsim.Coding{headingLR}, Text: "Ikke påvist"}}}
	if chance(r, t.found) {
		o.Value.Concept.Text = "Påvist"
		if t.code == "NPU03953" {
			o.Interpretation = "1"
			o.Comment = "Påvist IgM kan være forenlig med aktuell infeksjon. Kontrollprøve anbefales."
		}
	}
	rep.Observations = []labsim.Observation{o}
	return rep
}

// pathologyCodes are the report codes of the pathology reports, for the
// tester's kind (pathology-labs).
var pathologyCodes = []string{reportHistology.Code}

// virologyCodes are the NLK codes of the virology results (virology-labs).
var virologyCodes = func() []string {
	var out []string
	for _, t := range viralTests {
		out = append(out, t.code)
	}
	return out
}()

// labHasReport reports whether person i has a report of one of the given
// report codes (kodeverk 8202).
func (p *Population) labHasReport(i int, codes ...string) bool {
	for _, rep := range p.lab(i).Reports {
		if slices.Contains(codes, rep.Code.Code) {
			return true
		}
	}
	return false
}
