package labs

import (
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// Report and observation statuses (FHIR R4 DiagnosticReportStatus and
// ObservationStatus), as NILAR maps them from KITH ServType (kodeverk 7309,
// 8270) and Status/StatusInvestigation (7306, 8245); mapping.md,
// "DiagnosticReport.Status" and "Observation.Status".
const (
	StatusRegistered     = "registered"
	StatusPartial        = "partial"
	StatusPreliminary    = "preliminary"
	StatusFinal          = "final"
	StatusAmended        = "amended"
	StatusCorrected      = "corrected"
	StatusAppended       = "appended"
	StatusCancelled      = "cancelled"
	StatusEnteredInError = "entered-in-error"
	StatusUnknown        = "unknown"
)

// Withdrawn reports whether a report or observation status says its
// content is not a valid result: cancelled or entered-in-error.
//
// The decision, and why. NILAR maps a KITH cancellation (ServType C: "Hele
// svarrapporten er kansellert pga feil", fagmelding.Svarrapport.v1.4.
// KANSELLERING.xml) to cancelled, on the report and on each result
// (mapping.md); a result the laboratory deleted (StatusInvestigation 14
// "Undersøkelse slettet", SvarMBK-Unilab-OUS_Sletting_20200317.xml) still
// carries its old value in the message, and so may arrive with a value and
// status cancelled. FHIR defines entered-in-error as a report that "should
// never have existed", though decisions may have been made on it. So the
// client drops the values of both at the point of reading, before any page,
// print view or trend can see them: a withdrawn report keeps what
// identifies it (title, date, laboratory, status) so a clinician who saw it
// earlier learns that it no longer stands, and shows no result. A
// cancelled report also keeps its comments, since the laboratory's reason
// ("kansellert pga feil") is the message; an entered-in-error report keeps
// nothing of its content. A withdrawn result keeps its name and the
// laboratory's comment ("Svaret er trukket tilbake ...") and loses its
// value, flag, reference range and members. Leaving withdrawn reports out
// altogether would hide from the clinician that a result they may have
// acted on was withdrawn.
func Withdrawn(status string) bool {
	return status == StatusCancelled || status == StatusEnteredInError
}

// Report kinds, from the main expertise (DiagnosticReport.category,
// MainExpertise_VS: LAB, PAT, BLD of kodeverk 8202).
const (
	KindLab       = "lab"       // laboratoriemedisin: analyses with values
	KindPathology = "pathology" // patologi: text sections and coded diagnoses
	KindImaging   = "imaging"   // bildediagnostikk: a described examination
)

// Kind is the report's main expertise: KindPathology, KindImaging or
// KindLab. The category decides; a report without one is known by its code
// (kodeverk 8202: HIST, CYTO, ... for pathology; RTG, UL, CT, MR, ... for
// imaging), since the KITH MsgDescr is all the service has.
func (r Report) Kind() string {
	for _, c := range []Coding{r.Category, r.Code} {
		switch c.Code {
		case "PAT", "HIST", "CYTO", "MPAT", "OBD", "OBDU", "MORS":
			return KindPathology
		case "BLD", "RAD", "RTG", "UL", "CT", "MR", "NUK", "SCI":
			return KindImaging
		}
	}
	return KindLab
}

// withdraw empties a withdrawn report of its results (see Withdrawn).
func (r *Report) withdraw() {
	r.Withdrawn = true
	r.Analyses, r.Specimens = nil, nil
	if r.Status == StatusEnteredInError {
		r.Comments = nil
	}
}

// withdraw empties a withdrawn result of its value (see Withdrawn).
func (a *Analysis) withdraw() {
	a.Withdrawn = true
	a.Value, a.Flag, a.Interpretation, a.Reference, a.Members = AnalysisValue{}, nil, "", nil, nil
}

// plainText turns a text that arrives as XHTML markup into plain text with
// its paragraphs and line breaks kept; any other text is returned as it
// is. KITH lets TextResultValue hold XHTML (the radiology test message,
// Svar_radiologi_v1-4_Ny.xml: <div><p><strong>R: ...</strong></p><br/>...),
// which mapping.md says is read "som XmlNode". The page never renders
// upstream markup: it shows the words, in their paragraphs.
func plainText(s string) string {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "<") || !strings.Contains(t, ">") {
		return s
	}
	z := html.NewTokenizer(strings.NewReader(t))
	var b strings.Builder
	brk := func(n int) {
		cur := b.String()
		trail := len(cur) - len(strings.TrimRight(cur, "\n"))
		if cur == "" || trail >= n {
			return
		}
		b.WriteString(strings.Repeat("\n", n-trail))
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			txt := strings.Join(strings.Fields(string(z.Text())), " ")
			if txt == "" {
				continue
			}
			cur := b.String()
			if cur != "" && !strings.HasSuffix(cur, "\n") && !strings.HasSuffix(cur, " ") {
				if r := string(z.Raw()); r != "" && (r[0] == ' ' || r[0] == '\n' || r[0] == '\t') {
					b.WriteByte(' ')
				}
			}
			b.WriteString(txt)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "br":
				brk(1)
			case "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr":
				brk(2)
			}
		}
	}
}

// textKodeverk are kodeverk whose codings in a text value are not results
// of their own: the KITH heading (8243).
var textKodeverk = []string{"8243"}

// Codes returns the codings of a text value that are results (a pathology
// diagnosis in kodeverk 7010, a NCRP code, ...): every coding but the KITH
// heading, in the order received.
func (c *Concept) Codes() []Coding {
	if c == nil {
		return nil
	}
	var out []Coding
	for _, cd := range c.Codings {
		if !slices.Contains(textKodeverk, Kodeverk(cd.System)) {
			out = append(out, cd)
		}
	}
	return out
}

// Heading returns the KITH heading of a text value (kodeverk 8243: LR
// Laboratorieresultat, FU Funn og undersøkelsesresultater, VU Vurdering,
// GR Gruppe, ...), or false.
func (c *Concept) Heading() (Coding, bool) { return c.Find("8243") }

// Group reports whether a is a KITH result group (heading GR "Gruppe",
// Svar_mikrobiologi_gruppert_v1-4_Ny.xml): a named set of results, its
// members, with no value of its own.
func (a Analysis) Group() bool {
	h, ok := a.Value.Coded.Heading()
	return ok && h.Code == "GR" && len(a.Members) > 0
}
