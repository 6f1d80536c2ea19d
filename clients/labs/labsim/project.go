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
	out := &labs.Quantity{Value: &v, Unit: q.Unit}
	if q.Code != "" {
		out.System, out.Code = labs.SystemUCUM, q.Code
	}
	return out
}

func toDiagnosticReport(nin string, r Report) labs.DiagnosticReport {
	d := labs.DiagnosticReport{
		ResourceType:      "DiagnosticReport",
		ID:                r.ID,
		Meta:              &labs.Meta{LastUpdated: instant(r.Issued)},
		Identifier:        []labs.Identifier{{System: "ServReportId", Value: r.ID}},
		BasedOn:           []labs.Reference{{Reference: "ServiceRequest/" + serviceRequestID(r)}},
		Status:            r.Status,
		Code:              concept(r.Code),
		Subject:           subject(nin),
		EffectiveDateTime: instant(r.Effective),
		Issued:            instant(r.Issued),
		Performer:         []labs.Reference{{Reference: "PractitionerRole/" + performerID(r), Display: r.Performer.Name}},
		Specimen:          []labs.Reference{{Reference: "Specimen/" + specimenID(r)}},
	}
	if r.Category != (Coding{}) {
		d.Category = []labs.CodeableConcept{concept(r.Category)}
	}
	if r.Comment != "" {
		d.Extension = []labs.Extension{{URL: labs.ExtensionComment, ValueString: r.Comment}}
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

// deviationDisplay names the kodeverk 8244 codes the simulator uses.
var deviationDisplay = map[string]string{
	"H": "Over referanseområdet", "L": "Under referanseområdet",
	"HH": "Kritisk høy", "LL": "Kritisk lav", "A": "Avvikende",
}

func toObservation(nin string, r Report, o Observation, id string) labs.Observation {
	code := o.Code
	if code.System == "" {
		code.System = labs.SystemNLK
	}
	out := labs.Observation{
		ResourceType:      "Observation",
		ID:                id,
		Meta:              &labs.Meta{Tag: []labs.Coding{coding(code)}},
		Extension:         []labs.Extension{{URL: labs.ExtensionReportRef, ValueReference: &labs.Reference{Reference: "DiagnosticReport/" + r.ID}}},
		Status:            observationStatus(r.Status),
		Category:          []labs.CodeableConcept{{Coding: []labs.Coding{{System: labs.SystemObservationCat, Code: "laboratory"}}}},
		Code:              concept(code),
		Subject:           subject(nin),
		EffectiveDateTime: instant(r.Effective),
		Issued:            instant(r.Issued),
		Specimen:          &labs.Reference{Reference: "Specimen/" + specimenID(r)},
	}
	switch v := o.Value; {
	case v.Quantity != nil:
		out.ValueQuantity = quantity(v.Quantity)
	case v.Coded != nil:
		c := concept(*v.Coded)
		out.ValueCodeableConcept = &c
	case v.DateTime != nil:
		s := instant(*v.DateTime)
		out.ValueDateTime = &s
	case v.Range != nil:
		out.ValueRange = &labs.Range{Low: quantity(v.Range.Low), High: quantity(v.Range.High)}
	case v.Text != "":
		s := v.Text
		out.ValueString = &s
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

func toSpecimen(nin string, r Report) labs.Specimen {
	s := labs.Specimen{
		ResourceType: "Specimen",
		ID:           specimenID(r),
		Subject:      subject(nin),
		Request:      []labs.Reference{{Reference: "ServiceRequest/" + serviceRequestID(r)}},
	}
	if r.Specimen.Type != "" {
		s.Type = &labs.CodeableConcept{Text: r.Specimen.Type}
	}
	if !r.Specimen.Collected.IsZero() {
		s.Collection = &labs.SpecimenCollection{CollectedDateTime: instant(r.Specimen.Collected)}
	}
	return s
}

func toServiceRequest(nin string, r Report) labs.ServiceRequest {
	c := concept(r.Code)
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
