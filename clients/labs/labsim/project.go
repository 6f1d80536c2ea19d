package labsim

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
)

// newID returns a random GUID-shaped id for a Bundle.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func specimenID(r Report) string {
	if r.Specimen.ID != "" {
		return r.Specimen.ID
	}
	return r.ID + "-specimen"
}

// specimensOf lists a report's samples with their ids, the first one first.
func specimensOf(r Report) []Specimen {
	first := r.Specimen
	first.ID = specimenID(r)
	out := []Specimen{first}
	for i, sp := range r.Extra {
		if sp.ID == "" {
			sp.ID = r.ID + "-specimen-" + strconv.Itoa(i+2)
		}
		out = append(out, sp)
	}
	return out
}

// obsSpecimenID is the id of the sample an observation is from.
func obsSpecimenID(r Report, o Observation) string {
	if o.Specimen != "" {
		return o.Specimen
	}
	return specimenID(r)
}

func serviceRequestID(r Report) string { return r.ID + "-request" }

func performerID(r Report) string {
	if r.Performer.OrgNumber != "" {
		return "lab-" + r.Performer.OrgNumber
	}
	return r.ID + "-performer"
}

func requesterID(r Report) string {
	if r.Requester.HPRNumber != "" {
		return "hpr-" + r.Requester.HPRNumber
	}
	return r.ID + "-requester"
}

// flatObs is an observation with its resolved id, in document order.
type flatObs struct {
	obs Observation
	id  string
}

// obsID gives an observation without an id one derived from its place.
func obsID(o Observation, fallback string) string {
	if o.ID != "" {
		return o.ID
	}
	return fallback
}

// flatten lists a report's observations depth first, panel before members.
// Members are given ids the parent refers to.
func flatten(r Report) []flatObs {
	var out []flatObs
	var walk func(obs []Observation, prefix string)
	walk = func(obs []Observation, prefix string) {
		for i, o := range obs {
			id := obsID(o, prefix+"-"+strconv.Itoa(i+1))
			members := make([]Observation, len(o.Members))
			for j, m := range o.Members {
				m.ID = obsID(m, id+"-"+strconv.Itoa(j+1))
				members[j] = m
			}
			o.Members = members
			out = append(out, flatObs{obs: o, id: id})
			walk(members, id)
		}
	}
	walk(r.Observations, r.ID+"-obs")
	return out
}

func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func coding(c Coding) labs.Coding { return labs.Coding(c) }

func concept(c Coding) labs.CodeableConcept {
	if c == (Coding{}) {
		return labs.CodeableConcept{}
	}
	return labs.CodeableConcept{Coding: []labs.Coding{coding(c)}, Text: c.Display}
}

// reportTypeOf is DiagnosticReport.code: the report's code, in kodeverk
// 8202 unless the record names another system.
func reportTypeOf(c Coding) labs.CodeableConcept {
	if c.System == "" && c.Code != "" {
		c.System = labs.SystemReportType
	}
	return concept(c)
}

// mainExpertise is NILAR's DiagnosticReport.category (MainExpertise_VS:
// LAB, PAT or BLD of kodeverk 8202), derived from the report's code.
func mainExpertise(code Coding) labs.Coding {
	switch code.Code {
	case "PAT", "CYTO", "HIST", "MPAT", "OBD", "MORS":
		return labs.Coding{System: labs.SystemReportType, Code: "PAT", Display: "Patologi"}
	case "BLD", "RAD", "RTG", "CT", "MR", "UL", "MA", "NUK", "SCI":
		return labs.Coding{System: labs.SystemReportType, Code: "BLD", Display: "Bildediagnostikk"}
	}
	return labs.Coding{System: labs.SystemReportType, Code: "LAB", Display: "Laboratoriemedisin"}
}

func subject(nin string) *labs.Reference {
	sys := labs.SystemFNR
	if nin != "" && nin[0] >= '4' && nin[0] <= '7' {
		sys = labs.SystemDNR
	}
	return &labs.Reference{Identifier: &labs.Identifier{System: sys, Value: nin}}
}

func quantity(q *Quantity) *labs.Quantity {
	if q == nil {
		return nil
	}
	v := q.Value
	out := &labs.Quantity{Value: &v, Comparator: q.Comparator, Unit: q.Unit}
	if q.Code != "" {
		out.System, out.Code = labs.SystemUCUM, q.Code
	}
	return out
}

func toDiagnosticReport(nin string, r Report) labs.DiagnosticReport {
	d := labs.DiagnosticReport{
		ResourceType: "DiagnosticReport",
		ID:           r.ID,
		Meta:         &labs.Meta{LastUpdated: instant(r.Issued), Profile: []string{labs.ProfileDiagnosticReport}},
		Extension: []labs.Extension{
			// The first version's date (KITH IssueDate); the simulator has
			// one version per report.
			{URL: labs.ExtensionReportDate, ValueDateTime: instant(r.Issued)},
		},
		Identifier:        []labs.Identifier{{System: "ServReportId", Value: r.ID}},
		BasedOn:           []labs.Reference{{Reference: "ServiceRequest/" + serviceRequestID(r)}},
		Status:            r.Status,
		Category:          []labs.CodeableConcept{concept(Coding(mainExpertise(r.Code)))},
		Code:              reportTypeOf(r.Code),
		Subject:           subject(nin),
		EffectiveDateTime: instant(r.Effective),
		Issued:            instant(r.Issued),
		Performer:         []labs.Reference{{Reference: "PractitionerRole/" + performerID(r), Display: r.Performer.Name}},
	}
	if r.Category != (Coding{}) && r.Category.Code != r.Code.Code {
		// A record whose category is already a main expertise keeps it.
		c := r.Category
		if c.System == "" {
			c.System = labs.SystemReportType
		}
		d.Category = []labs.CodeableConcept{concept(c)}
	}
	for _, sp := range specimensOf(r) {
		d.Specimen = append(d.Specimen, labs.Reference{Reference: "Specimen/" + sp.ID})
	}
	if r.Comment != "" {
		d.Extension = append(d.Extension, labs.Extension{URL: labs.ExtensionComment, ValueAnnotation: &labs.Annotation{Text: r.Comment}})
	}
	for i, o := range r.Observations {
		d.Result = append(d.Result, labs.Reference{Reference: "Observation/" + obsID(o, r.ID+"-obs-"+strconv.Itoa(i+1))})
	}
	return d
}

// observationStatus maps a report status to an Observation status, which
// has no "partial".
func observationStatus(s string) string {
	switch s {
	case "partial", "registered":
		return "preliminary"
	case "":
		return "unknown"
	}
	return s
}

// deviationDisplay names kodeverk 8244's codes (HL7Norway/kodeverk,
// no-kodeverk-8244.fsh).
var deviationDisplay = map[string]string{
	"1": "Over øvre referansegrense", "2": "Under nedre referansegrense", "3": "Utenfor referansegrensene",
}

// valueConcept is a Concept as a CodeableConcept.
func valueConcept(c Concept) labs.CodeableConcept {
	out := labs.CodeableConcept{Text: c.Text}
	for _, cd := range c.Codings {
		out.Coding = append(out.Coding, coding(cd))
	}
	return out
}

// tags lists every code of an observation and its members, as NILAR
// collects them in the top observation's meta.tag.
func tags(o Observation, code Coding, out []labs.Coding) []labs.Coding {
	if code.Code != "" {
		out = append(out, coding(code))
	}
	if o.Value.Coded != nil && o.Value.Coded.Code != "" {
		out = append(out, coding(*o.Value.Coded))
	}
	if o.Value.Concept != nil {
		for _, cd := range o.Value.Concept.Codings {
			if cd.Code != "" {
				out = append(out, coding(cd))
			}
		}
	}
	for _, m := range o.Members {
		out = tags(m, m.Code, out)
	}
	return out
}

func toObservation(nin string, r Report, o Observation, id string) labs.Observation {
	code := o.Code
	if code.System == "" && code.Code != "" {
		code.System = labs.SystemNLK
	}
	out := labs.Observation{
		ResourceType:      "Observation",
		ID:                id,
		Meta:              &labs.Meta{Profile: []string{labs.ProfileObservation}, Tag: tags(o, code, nil)},
		Extension:         []labs.Extension{{URL: labs.ExtensionReportRef, ValueReference: &labs.Reference{Reference: "DiagnosticReport/" + r.ID}}},
		Status:            observationStatus(r.Status),
		Code:              concept(code),
		Subject:           subject(nin),
		EffectiveDateTime: instant(r.Effective),
		Issued:            instant(r.Issued),
		Specimen:          &labs.Reference{Reference: "Specimen/" + obsSpecimenID(r, o)},
	}
	if o.Status != "" {
		out.Status = o.Status
	}
	if code.Code == "" && code.Display != "" {
		// A KITH investigation with only an original text (OT) and no code.
		out.Code = labs.CodeableConcept{Coding: []labs.Coding{{System: labs.SystemUnspecified}}, Text: code.Display}
	}
	if r.Code.Code != "" {
		// NILAR's Observation.category is the expertise (Expertise_VS, 8202).
		out.Category = []labs.CodeableConcept{reportTypeOf(r.Code)}
	}
	switch v := o.Value; {
	case v.Quantity != nil:
		out.ValueQuantity = quantity(v.Quantity)
	case v.Concept != nil:
		c := valueConcept(*v.Concept)
		out.ValueCodeableConcept = &c
	case v.Coded != nil:
		c := concept(*v.Coded)
		out.ValueCodeableConcept = &c
	case v.DateTime != nil:
		s := instant(*v.DateTime)
		out.ValueDateTime = &s
	case v.Range != nil:
		out.ValueRange = &labs.Range{Low: quantity(v.Range.Low), High: quantity(v.Range.High)}
	case v.Text != "":
		// NILAR maps a KITH TextResultValue to CodeableConcept.text
		// (mapping.md, ResultItem); value[x] has no string in the profile.
		out.ValueCodeableConcept = &labs.CodeableConcept{Text: v.Text}
	case v.Absent != "":
		out.DataAbsentReason = &labs.CodeableConcept{Coding: []labs.Coding{{System: labs.SystemDataAbsent, Code: v.Absent}}}
	}
	if o.Reference != nil {
		out.ReferenceRange = []labs.ReferenceRange{{Low: quantity(o.Reference.Low), High: quantity(o.Reference.High), Text: o.Reference.Text}}
	}
	if o.Interpretation != "" {
		out.Interpretation = []labs.CodeableConcept{{Coding: []labs.Coding{{
			System: labs.SystemDeviation, Code: o.Interpretation, Display: deviationDisplay[o.Interpretation],
		}}}}
	}
	if o.Comment != "" {
		out.Note = []labs.Annotation{{Text: o.Comment}}
	}
	for _, m := range o.Members {
		out.HasMember = append(out.HasMember, labs.Reference{Reference: "Observation/" + m.ID})
	}
	return out
}

// specimenTypeDisplay names the kodeverk 8351 codes the simulator uses
// (the KITH test messages' TypeCoded displays).
var specimenTypeDisplay = map[string]string{
	"S": "Serum", "P": "Plasma", "B": "Blod", "U": "Urin", "SEK": "Sekret",
}

func toSpecimen(nin string, r Report, sp Specimen) labs.Specimen {
	s := labs.Specimen{
		ResourceType:        "Specimen",
		ID:                  sp.ID,
		Identifier:          []labs.Identifier{{System: "AnalysedSubjectId", Value: sp.ID}},
		AccessionIdentifier: &labs.Identifier{Value: sp.ID},
		Subject:             subject(nin),
		Request:             []labs.Reference{{Reference: "ServiceRequest/" + serviceRequestID(r)}},
	}
	if sp.Type != "" || sp.TypeCode != "" {
		t := &labs.CodeableConcept{Text: sp.Type}
		if sp.TypeCode != "" {
			t.Coding = []labs.Coding{{System: labs.SystemSpecimenType, Code: sp.TypeCode, Display: firstNonEmpty(specimenTypeDisplay[sp.TypeCode], sp.Type)}}
		}
		s.Type = t
	}
	if !sp.Collected.IsZero() {
		s.Collection = &labs.SpecimenCollection{CollectedDateTime: instant(sp.Collected)}
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func toServiceRequest(nin string, r Report) labs.ServiceRequest {
	c := reportTypeOf(r.Code)
	return labs.ServiceRequest{
		ResourceType: "ServiceRequest",
		ID:           serviceRequestID(r),
		Identifier:   []labs.Identifier{{System: "ServReqId", Value: r.ID}},
		Status:       "completed",
		Intent:       "order",
		Code:         &c,
		Subject:      subject(nin),
		Requester:    &labs.Reference{Reference: "PractitionerRole/" + requesterID(r), Display: r.Requester.Name},
	}
}

func toPerformer(r Report) labs.PractitionerRole {
	org := &labs.Reference{Display: r.Performer.Name}
	if r.Performer.OrgNumber != "" {
		org.Identifier = &labs.Identifier{System: labs.SystemOrgNumber, Value: r.Performer.OrgNumber}
	}
	return labs.PractitionerRole{ResourceType: "PractitionerRole", ID: performerID(r), Organization: org}
}

func toRequester(r Report) labs.PractitionerRole {
	p := &labs.Reference{Display: r.Requester.Name}
	if r.Requester.HPRNumber != "" {
		p.Identifier = &labs.Identifier{System: labs.SystemHPRNumber, Value: r.Requester.HPRNumber}
	}
	return labs.PractitionerRole{ResourceType: "PractitionerRole", ID: requesterID(r), Practitioner: p}
}
