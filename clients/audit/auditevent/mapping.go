package auditevent

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person/nin"
)

// Site is AuditEvent.source.site and the observer's display: the system
// that wrote the record.
const Site = "Oppslag"

// Ids of the contained resources; one of each per AuditEvent.
const (
	idPractitioner = "practitioner"
	idRole         = "role"
	idLegalEntity  = "legal-entity"
	idPointOfCare  = "point-of-care"
	idLocation     = "location"
	idPatient      = "patient"
)

// Who issues the identifiers: the guide's identifier.assigner.display.
const (
	assignerSkatteetaten = "https://www.skatteetaten.no"
	assignerHelsedir     = "https://www.helsedirektoratet.no/"
	assignerBrreg        = "https://www.brreg.no"
	assignerNHN          = "https://www.nhn.no"
)

// patientResources are the records' resources that hold patient data.
var patientResources = map[string]bool{"person": true, "family": true, "krr": true, "address": true, "lab": true}

// From maps one audit record to its AuditEvent; see the package comment.
func From(r audit.Record) AuditEvent {
	e := AuditEvent{
		ResourceType: "AuditEvent",
		ID:           strconv.FormatInt(r.Seq, 10),
		Type:         eventType(r),
		Subtype:      subtypes(r),
		Action:       action(r.Action),
		Recorded:     r.Time.UTC().Format(time.RFC3339Nano),
		Source: Source{Site: Site, Observer: Reference{Display: Site},
			Type: []Coding{{System: SystemSourceType, Code: "4", Display: "Application Server"}}},
	}
	e.Outcome, e.OutcomeDesc = outcome(r)
	e.PurposeOfEvent = purpose(r)

	agent := Agent{Name: r.Actor.Name, Requestor: true}
	if r.ClientIP != "" {
		agent.Network = &Network{Address: r.ClientIP, Type: "2"}
	}
	actorComplete := false
	if role, contained, complete := actor(r.Actor); role != nil {
		e.Contained = append(e.Contained, contained...)
		agent.Who = &Reference{Reference: "#" + role.ID}
		actorComplete = complete
	}
	e.Agent = []Agent{agent}

	if r.Patient != "" {
		e.Contained = append(e.Contained, &Patient{ResourceType: "Patient", ID: idPatient,
			Identifier: []Identifier{personIdentifier(r.Patient)}})
		e.Extension = append(e.Extension, Extension{URL: ExtensionPatient, ValueReference: &Reference{Reference: "#" + idPatient}})
		e.Entity = append(e.Entity, Entity{What: &Reference{Reference: "#" + idPatient},
			Type: &Coding{System: SystemEntityType, Code: "1", Display: "Person"},
			Role: &Coding{System: SystemObjectRole, Code: "1", Display: "Patient"}, Name: r.Resource})
	}
	e.Entity = append(e.Entity, results(r)...)
	if len(r.Fields) > 0 {
		q := Entity{Type: &Coding{System: SystemEntityType, Code: "2", Display: "System Object"},
			Role: &Coding{System: SystemObjectRole, Code: "24", Display: "Query"}, Name: r.Resource + "." + r.Action}
		for _, f := range r.Fields {
			q.Detail = append(q.Detail, EntityDetail{Type: "field", ValueString: f})
		}
		e.Entity = append(e.Entity, q)
	}
	e.Extension = append(e.Extension, recordExtension(r))

	if r.Patient != "" && actorComplete && len(e.PurposeOfEvent) > 0 {
		e.Meta = &Meta{Profile: []string{Profile}}
	}
	return e
}

// Encoder writes AuditEvents as NDJSON: one resource per line.
type Encoder struct {
	enc *json.Encoder
}

// NewEncoder returns an Encoder writing to w.
func NewEncoder(w io.Writer) *Encoder {
	enc := json.NewEncoder(w) // Encode ends each value with a newline
	// The lines are data, not HTML: "<" in a name stays "<".
	enc.SetEscapeHTML(false)
	return &Encoder{enc: enc}
}

// Encode writes r's AuditEvent as one line.
func (e *Encoder) Encode(r audit.Record) error {
	if err := e.enc.Encode(From(r)); err != nil {
		return fmt.Errorf("auditevent: seq %d: %w", r.Seq, err)
	}
	return nil
}

// actor builds the contained PractitionerRole of a and what it refers to;
// role is nil for an actor with nothing to identify them by (a refused
// login before HelseID said who it was). complete reports whether the role
// has every element the profile requires.
func actor(a audit.Actor) (role *PractitionerRole, contained []any, complete bool) {
	var ids []Identifier
	if a.PID != "" {
		ids = append(ids, personIdentifier(a.PID))
	}
	if a.HPRNumber != "" {
		ids = append(ids, Identifier{System: SystemHPR, Value: a.HPRNumber, Assigner: &Reference{Display: assignerHelsedir}})
	}
	if len(ids) == 0 {
		return nil, nil, false
	}
	p := &Practitioner{ResourceType: "Practitioner", ID: idPractitioner, Identifier: ids}
	if a.Name != "" {
		p.Name = []HumanName{{Text: a.Name}}
	}
	if a.HPRRole != "" {
		p.Qualification = []Qualification{{Code: CodeableConcept{Coding: []Coding{{System: SystemHPRCategory, Code: a.HPRRole}}}}}
	}
	role = &PractitionerRole{ResourceType: "PractitionerRole", ID: idRole, Active: true, Practitioner: &Reference{Reference: "#" + idPractitioner}}
	contained = []any{p, role}
	if a.OrgParent == "" {
		return role, contained, false
	}
	// The point of care is the sub-unit the user works at; the guide lets
	// it be the legal entity when there is no other.
	care := a.OrgChild
	if care == "" {
		care = a.OrgParent
	}
	role.Organization = &Reference{Reference: "#" + idLegalEntity}
	role.Location = []Reference{{Reference: "#" + idLocation}}
	contained = append(contained,
		organization(idLegalEntity, a.OrgParent),
		&Location{ResourceType: "Location", ID: idLocation, ManagingOrganization: &Reference{Reference: "#" + idPointOfCare}},
		organization(idPointOfCare, care))
	return role, contained, true
}

func organization(id, number string) *Organization {
	return &Organization{ResourceType: "Organization", ID: id,
		Identifier: []Identifier{{System: SystemOrgNumber, Value: number, Assigner: &Reference{Display: assignerBrreg}}}}
}

// personIdentifier is an identity number under its official system. An
// H-number is an institution's own and has none; a value that is no valid
// number at all (an old record, a test fixture) is kept as it is, without
// a system, rather than dropped.
func personIdentifier(number string) Identifier {
	id := Identifier{Value: number}
	n, err := nin.Parse(number)
	if err != nil || n.Digits != number {
		return id
	}
	switch n.Kind {
	case nin.Fodselsnummer:
		id.System, id.Assigner = SystemFNR, &Reference{Display: assignerSkatteetaten}
	case nin.DNumber:
		id.System, id.Assigner = SystemDNR, &Reference{Display: assignerSkatteetaten}
	case nin.FellesHjelpenummer:
		id.System, id.Assigner = SystemFHNR, &Reference{Display: assignerNHN}
	}
	return id
}

// results are the identifiers a search returned, one entity each: HPR
// numbers for the HPR lookups, identity numbers (patients) otherwise.
func results(r audit.Record) []Entity {
	var out []Entity
	for _, v := range r.Results {
		if r.Resource == "hpr" {
			out = append(out, Entity{What: &Reference{Identifier: &Identifier{System: SystemHPR, Value: v}},
				Type: &Coding{System: SystemEntityType, Code: "1", Display: "Person"},
				Role: &Coding{System: SystemObjectRole, Code: "15", Display: "Practitioner"}})
			continue
		}
		id := personIdentifier(v)
		out = append(out, Entity{What: &Reference{Identifier: &id},
			Type: &Coding{System: SystemEntityType, Code: "1", Display: "Person"},
			Role: &Coding{System: SystemObjectRole, Code: "1", Display: "Patient"}})
	}
	return out
}

// eventType is the DICOM event type of r.
func eventType(r audit.Record) Coding {
	dcm := func(code, display string) Coding { return Coding{System: SystemDICOM, Code: code, Display: display} }
	switch {
	case r.Resource == "session":
		return dcm("110114", "User Authentication")
	case r.Resource == "audit":
		return dcm("110101", "Audit Log Used")
	case r.Resource == "access":
		return dcm("110113", "Security Alert")
	case r.Resource == "hpr" || r.Action == "search" || r.Action == "lookups":
		return dcm("110112", "Query")
	case patientResources[r.Resource]:
		return dcm("110110", "Patient Record")
	}
	return dcm("110100", "Application Activity")
}

// subtypes keep r's own resource and action, and for a session the DICOM
// login or logout.
func subtypes(r audit.Record) []Coding {
	out := []Coding{{System: SystemAction, Code: r.Resource + "." + r.Action}}
	if r.Resource == "session" {
		switch r.Action {
		case "login", "login_refused":
			out = append(out, Coding{System: SystemDICOM, Code: "110122", Display: "Login"})
		case "logout":
			out = append(out, Coding{System: SystemDICOM, Code: "110123", Display: "Logout"})
		}
	}
	return out
}

// action is R4's AuditEventAction: C for an auditor's review (it creates
// a record about a record), E for what executes something (searches,
// sessions, binding or ending an access basis, an emergency opening), R for
// reading (views, prints, forms, exports).
func action(a string) string {
	switch a {
	case audit.ActionReview:
		return "C"
	case "search", "lookups", "batch", "login", "login_refused", "logout", "role_check",
		"access_basis", "access_basis_end", audit.ActionEmergency:
		return "E"
	}
	return "R"
}

// outcome is R4's AuditEventOutcome and its description.
func outcome(r audit.Record) (code, desc string) {
	desc = string(r.Outcome)
	switch r.Outcome {
	case audit.Granted, audit.Success:
		return "0", desc
	case audit.Restricted:
		code = "0"
	case audit.Denied, audit.Failure:
		code = "4"
	case audit.UpstreamError:
		code = "8"
	default:
		code = "4" // an outcome this mapping does not know is no success
	}
	if r.Reason != "" {
		desc += ": " + r.Reason
	}
	return code, desc
}

// purpose is the purpose of use and, where there is one, the access basis.
func purpose(r audit.Record) []CodeableConcept {
	emergency := r.AccessBasis == "AKUTT" || r.AccessBasis == "FORHOYET_AKUTT"
	var use Coding
	switch {
	case emergency:
		use = Coding{System: SystemActReason, Code: "ETREAT", Display: "Emergency Treatment"}
	case patientResources[r.Resource], r.AccessBasis != "":
		use = Coding{System: SystemActReason, Code: "TREAT", Display: "Treatment"}
	case r.Resource == "audit":
		use = Coding{System: SystemActReason, Code: "HCOMPL", Display: "Health Compliance"}
	default:
		return nil
	}
	out := []CodeableConcept{{Coding: []Coding{use}}}
	if r.AccessBasis != "" {
		basis := CodeableConcept{Coding: []Coding{{System: SystemAccessBasis, Code: r.AccessBasis}}}
		if emergency {
			basis.Text = r.Reason
		}
		out = append(out, basis)
	}
	return out
}

// recordExtension carries what R4 has no element for.
func recordExtension(r audit.Record) Extension {
	ext := Extension{URL: ExtensionRecord}
	add := func(url, v string) {
		if v != "" {
			ext.Extension = append(ext.Extension, Extension{URL: url, ValueString: v})
		}
	}
	add(ExtSeq, strconv.FormatInt(r.Seq, 10))
	add(ExtHash, r.Hash)
	add(ExtPrevHash, r.PrevHash)
	add(ExtCorrelationID, r.CorrelationID)
	add(ExtSecurityLevel, r.Actor.SecurityLevel)
	add(ExtReason, r.Reason)
	return ext
}
