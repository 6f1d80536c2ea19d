// Package auditevent turns audit records into FHIR R4 AuditEvent resources
// in the shape of HL7 Norway's AuditEvent implementation guide
// (github.com/HL7Norway/AuditEvent, profile no-domain-Trustframework-Auditevent,
// which maps the national trust framework, "Tillitsrammeverk", onto
// AuditEvent). It is the format of the auditor's export (F20): one resource
// per record, one record per NDJSON line.
//
// The mapping, element by element (From):
//   - The actor is agent[0] (requestor), a contained PractitionerRole whose
//     practitioner carries the HPR number (urn:oid:2.16.578.1.12.4.1.4.4),
//     the user's own identity number and name, and the HPR role as the
//     qualification (Volven 9060); organization is the legal entity
//     (orgnr_parent) and location a Location managed by the point of care
//     (orgnr_child, or the legal entity when there is none), as the guide
//     lays them out. The client IP is agent.network (type 2).
//   - The patient is the _patient extension: a contained Patient with the
//     identity number under its official system (fnr .4.1, D-number .4.2,
//     felles hjelpenummer .4.3; an H-number, which has no national system,
//     and anything unreadable go without one), and an entity with role
//     Patient naming the kind of data opened (person, family, krr, lab ...).
//   - Purpose of use is purposeOfEvent[0] from v3 PurposeOfUse: ETREAT
//     under an emergency basis (AKUTT, FORHOYET_AKUTT), TREAT for every
//     other access to patient data (the portal serves clinicians at work;
//     a lookup without a stated basis is one for treatment), HCOMPL for the
//     auditors' own records. The access basis, where there is one, is
//     purposeOfEvent[1] in SystemAccessBasis with the prøvesvar service's own
//     code (the guide's purpose_of_use_details slot; its slicing is open),
//     and an emergency reason is that concept's text.
//   - The outcome is R4's code: 0 for granted, restricted (granted, with
//     withheld results) and success; 4 for denied and failure; 8 for
//     upstream_error. outcomeDesc keeps the record's own word and, when the
//     access did not go through plainly, its reason.
//   - type is DICOM (110110 Patient Record, 110112 Query, 110114 User
//     Authentication, 110101 Audit Log Used, 110113 Security Alert, 110100
//     Application Activity); subtype keeps the record's resource and action
//     verbatim in SystemAction ("lab.view").
//   - Search results are entities by identifier (patients, or practitioners
//     for HPR), the search's field names one Query entity's details.
//   - What FHIR has no element for (the chain's seq, hash and prev hash, the
//     correlation id, the security level, the raw reason) is the
//     ExtensionRecord extension, so that an export line can be checked
//     against `oppslag audit verify` and nothing in the record is lost.
//
// Only a record that fills every element the profile requires (a patient,
// an identified actor with a legal entity, a purpose) claims the profile in
// meta.profile; the others (logins, HPR lookups, the auditors' own records)
// are plain R4 AuditEvents of the same shape.
//
// Identity numbers: the export exists so that someone can answer "who looked
// at this patient", so a line names its patient (and its user) by identity
// number, in the body only; the file is health data for auditors, sent as an
// attachment, never cached, and the numbers never go into a URL or a log.
//
// Left out, because the portal does not know them: the guide's encounter
// (_encounter), its care-relation metadata (decision reference, toa), the
// department (RESH id) and the DIPS decision template.
package auditevent

// Canonical URLs and code systems of the guide and of FHIR.
const (
	// Profile is the guide's main AuditEvent profile.
	Profile = "http://hl7.no/fhir/StructureDefinition/no-domain-Trustframework-Auditevent"
	// ExtensionPatient is the guide's R5-style patient reference.
	ExtensionPatient = "http://hl7.no/fhir/StructureDefinition/auditevent-patient-extension"

	SystemDICOM       = "http://dicom.nema.org/resources/ontology/DCM"
	SystemActReason   = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
	SystemSourceType  = "http://terminology.hl7.org/CodeSystem/security-source-type"
	SystemEntityType  = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
	SystemObjectRole  = "http://terminology.hl7.org/CodeSystem/object-role"
	SystemFNR         = "urn:oid:2.16.578.1.12.4.1.4.1"
	SystemDNR         = "urn:oid:2.16.578.1.12.4.1.4.2"
	SystemFHNR        = "urn:oid:2.16.578.1.12.4.1.4.3"
	SystemHPR         = "urn:oid:2.16.578.1.12.4.1.4.4"
	SystemOrgNumber   = "urn:oid:2.16.578.1.12.4.1.4.101"
	SystemHPRCategory = "urn:oid:2.16.578.1.12.4.1.1.9060" // Volven 9060, kategori helsepersonell
)

// The portal's own systems. No national code system holds the prøvesvar
// service's access bases or the portal's actions, so they are named here;
// URNs, because the portal has no web address of its own to resolve them.
const (
	// SystemAccessBasis holds the access-basis header's values (UNNTAK,
	// SAMTYKKE, FORHOYET_SAMTYKKE, AKUTT, FORHOYET_AKUTT).
	SystemAccessBasis = "urn:oppslag:fhir:access-basis"
	// SystemAction holds "<resource>.<action>" of an audit record.
	SystemAction = "urn:oppslag:fhir:audit-action"
	// ExtensionRecord carries what R4 has no element for; its parts are
	// named by the Ext* constants.
	ExtensionRecord = "urn:oppslag:fhir:StructureDefinition:audit-record"
)

// The parts of ExtensionRecord.
const (
	ExtSeq           = "seq" // decimal, as a string: a chain outgrows FHIR's 32-bit integer
	ExtHash          = "hash"
	ExtPrevHash      = "prev-hash"
	ExtCorrelationID = "correlation-id"
	ExtSecurityLevel = "security-level"
	ExtReason        = "reason"
)

// AuditEvent is the FHIR R4 AuditEvent, with the elements the export uses.
type AuditEvent struct {
	ResourceType   string            `json:"resourceType"`
	ID             string            `json:"id,omitempty"`
	Meta           *Meta             `json:"meta,omitempty"`
	Contained      []any             `json:"contained,omitempty"` // *Practitioner, *PractitionerRole, *Organization, *Location, *Patient
	Extension      []Extension       `json:"extension,omitempty"`
	Type           Coding            `json:"type"`
	Subtype        []Coding          `json:"subtype,omitempty"`
	Action         string            `json:"action,omitempty"`
	Recorded       string            `json:"recorded"`
	Outcome        string            `json:"outcome,omitempty"`
	OutcomeDesc    string            `json:"outcomeDesc,omitempty"`
	PurposeOfEvent []CodeableConcept `json:"purposeOfEvent,omitempty"`
	Agent          []Agent           `json:"agent"`
	Source         Source            `json:"source"`
	Entity         []Entity          `json:"entity,omitempty"`
}

// Meta is a resource's meta element.
type Meta struct {
	Profile []string `json:"profile,omitempty"`
}

// Extension is a FHIR extension, simple or complex.
type Extension struct {
	URL            string      `json:"url"`
	ValueString    string      `json:"valueString,omitempty"`
	ValueReference *Reference  `json:"valueReference,omitempty"`
	Extension      []Extension `json:"extension,omitempty"`
}

// Coding is a FHIR Coding.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is a FHIR CodeableConcept.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// Identifier is a FHIR Identifier. The guide's examples put some numbers
// in the element id instead of value; value is where FHIR (and every
// reader) looks, so the export puts them there.
type Identifier struct {
	System   string     `json:"system,omitempty"`
	Value    string     `json:"value,omitempty"`
	Assigner *Reference `json:"assigner,omitempty"`
}

// Reference is a FHIR Reference.
type Reference struct {
	Reference  string      `json:"reference,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// Agent is AuditEvent.agent.
type Agent struct {
	Who       *Reference `json:"who,omitempty"`
	Name      string     `json:"name,omitempty"`
	Requestor bool       `json:"requestor"` // required, even when false
	Network   *Network   `json:"network,omitempty"`
}

// Network is AuditEvent.agent.network.
type Network struct {
	Address string `json:"address"`
	Type    string `json:"type"` // 2: IP address
}

// Source is AuditEvent.source.
type Source struct {
	Site     string    `json:"site,omitempty"`
	Observer Reference `json:"observer"`
	Type     []Coding  `json:"type,omitempty"`
}

// Entity is AuditEvent.entity.
type Entity struct {
	What   *Reference     `json:"what,omitempty"`
	Type   *Coding        `json:"type,omitempty"`
	Role   *Coding        `json:"role,omitempty"`
	Name   string         `json:"name,omitempty"`
	Detail []EntityDetail `json:"detail,omitempty"`
}

// EntityDetail is AuditEvent.entity.detail.
type EntityDetail struct {
	Type        string `json:"type"`
	ValueString string `json:"valueString"`
}

// Practitioner is the contained FHIR Practitioner (the user).
type Practitioner struct {
	ResourceType  string          `json:"resourceType"`
	ID            string          `json:"id"`
	Identifier    []Identifier    `json:"identifier,omitempty"`
	Name          []HumanName     `json:"name,omitempty"`
	Qualification []Qualification `json:"qualification,omitempty"`
}

// HumanName is a FHIR HumanName, as text.
type HumanName struct {
	Text string `json:"text"`
}

// Qualification is Practitioner.qualification.
type Qualification struct {
	Code CodeableConcept `json:"code"`
}

// PractitionerRole is the contained FHIR PractitionerRole (agent.who).
type PractitionerRole struct {
	ResourceType string      `json:"resourceType"`
	ID           string      `json:"id"`
	Active       bool        `json:"active"` // the user acted in the role, so it was active then
	Practitioner *Reference  `json:"practitioner,omitempty"`
	Organization *Reference  `json:"organization,omitempty"`
	Location     []Reference `json:"location,omitempty"`
}

// Organization is a contained FHIR Organization (legal entity or point of
// care).
type Organization struct {
	ResourceType string       `json:"resourceType"`
	ID           string       `json:"id"`
	Identifier   []Identifier `json:"identifier"`
}

// Location is the contained FHIR Location of the point of care.
type Location struct {
	ResourceType         string     `json:"resourceType"`
	ID                   string     `json:"id"`
	ManagingOrganization *Reference `json:"managingOrganization"`
}

// Patient is the contained FHIR Patient.
type Patient struct {
	ResourceType string       `json:"resourceType"`
	ID           string       `json:"id"`
	Identifier   []Identifier `json:"identifier"`
}
