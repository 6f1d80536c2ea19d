package labs

import "encoding/json"

// The FHIR R4 subset Pasientens prøvesvar speaks (upstreams.md §4.2). Field
// names are FHIR's JSON names; every optional element is omitempty so the
// simulator's output is what a FHIR server writes. Unknown elements are
// ignored when decoding.

// Code systems and identifier systems used by the service (NILAR profiles).
const (
	SystemNLK            = "urn:oid:2.16.578.1.12.4.1.1.7280" // Norsk laboratoriekodeverk
	SystemAnalysisGroup  = "urn:oid:2.16.578.1.12.4.1.1.8202" // kodeverk 8202, report code
	SystemDeviation      = "urn:oid:2.16.578.1.12.4.1.1.8244" // kodeverk 8244, abnormal flag
	SystemHPRRole        = "urn:oid:2.16.578.1.12.4.1.1.9060" // kodeverk 9060, profession
	SystemFNR            = "urn:oid:2.16.578.1.12.4.1.4.1"    // fødselsnummer
	SystemDNR            = "urn:oid:2.16.578.1.12.4.1.4.2"    // D-nummer
	SystemHPRNumber      = "urn:oid:2.16.578.1.12.4.1.4.4"    // HPR-nummer
	SystemOrgNumber      = "urn:oid:2.16.578.1.12.4.1.4.101"  // Enhetsregisteret
	SystemUCUM           = "http://unitsofmeasure.org"
	SystemPvkOutcome     = "http://nhn.no/fhir/nilar/CodeSystem/pvk-outcome-cs"
	SystemPvkOutcomeOld  = "NilarPvkOutcome" // legacy system the service also sends
	ExtensionComment     = "http://nhn.no/fhir/nilar/StructureDefinition/comment"
	ExtensionReportRef   = "http://nhn.no/fhir/nilar/StructureDefinition/diagnosticreportref"
	SystemObservationCat = "http://terminology.hl7.org/CodeSystem/observation-category"
)

// Bundle is a FHIR searchset Bundle.
type Bundle struct {
	ResourceType string        `json:"resourceType"`
	ID           string        `json:"id,omitempty"`
	Type         string        `json:"type,omitempty"`
	Total        *int          `json:"total,omitempty"`
	Link         []BundleLink  `json:"link,omitempty"`
	Entry        []BundleEntry `json:"entry,omitempty"`
}

// BundleLink is a paging link (relation self, next, previous).
type BundleLink struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

// BundleEntry holds one resource, still encoded: Resources decodes it by its
// resourceType.
type BundleEntry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
	Search   *BundleSearch   `json:"search,omitempty"`
}

// BundleSearch says why an entry is in a searchset: match, include or outcome.
type BundleSearch struct {
	Mode string `json:"mode,omitempty"`
}

// Meta is resource metadata; NILAR puts all codes of an observation in tags.
type Meta struct {
	LastUpdated string   `json:"lastUpdated,omitempty"`
	Profile     []string `json:"profile,omitempty"`
	Tag         []Coding `json:"tag,omitempty"`
}

// Extension is a FHIR extension with the value types NILAR uses.
type Extension struct {
	URL            string     `json:"url"`
	ValueString    string     `json:"valueString,omitempty"`
	ValueDateTime  string     `json:"valueDateTime,omitempty"`
	ValueReference *Reference `json:"valueReference,omitempty"`
}

// Coding is a code in a system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is a set of codings with a text.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// Identifier is a business identifier.
type Identifier struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

// Reference points at another resource ("Type/id") and may carry an
// identifier and a display text.
type Reference struct {
	Reference  string      `json:"reference,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// Quantity is a measured amount; Code is UCUM when System is SystemUCUM.
type Quantity struct {
	Value      *float64 `json:"value,omitempty"`
	Comparator string   `json:"comparator,omitempty"`
	Unit       string   `json:"unit,omitempty"`
	System     string   `json:"system,omitempty"`
	Code       string   `json:"code,omitempty"`
}

// Range is a low/high pair of quantities.
type Range struct {
	Low  *Quantity `json:"low,omitempty"`
	High *Quantity `json:"high,omitempty"`
}

// ReferenceRange is an observation's normal range.
type ReferenceRange struct {
	Low  *Quantity `json:"low,omitempty"`
	High *Quantity `json:"high,omitempty"`
	Text string    `json:"text,omitempty"`
}

// Annotation is a comment (Observation.note).
type Annotation struct {
	Text string `json:"text"`
}

// DiagnosticReport is a NilarDiagnosticReport.
type DiagnosticReport struct {
	ResourceType      string            `json:"resourceType"`
	ID                string            `json:"id,omitempty"`
	Meta              *Meta             `json:"meta,omitempty"`
	Extension         []Extension       `json:"extension,omitempty"`
	Identifier        []Identifier      `json:"identifier,omitempty"`
	BasedOn           []Reference       `json:"basedOn,omitempty"`
	Status            string            `json:"status,omitempty"`
	Category          []CodeableConcept `json:"category,omitempty"`
	Code              CodeableConcept   `json:"code"`
	Subject           *Reference        `json:"subject,omitempty"`
	EffectiveDateTime string            `json:"effectiveDateTime,omitempty"`
	Issued            string            `json:"issued,omitempty"`
	Performer         []Reference       `json:"performer,omitempty"`
	Specimen          []Reference       `json:"specimen,omitempty"`
	Result            []Reference       `json:"result,omitempty"`
	Conclusion        string            `json:"conclusion,omitempty"`
}

// Observation is a NilarObservation; at most one value[x] is set.
type Observation struct {
	ResourceType         string            `json:"resourceType"`
	ID                   string            `json:"id,omitempty"`
	Meta                 *Meta             `json:"meta,omitempty"`
	Extension            []Extension       `json:"extension,omitempty"`
	Status               string            `json:"status,omitempty"`
	Category             []CodeableConcept `json:"category,omitempty"`
	Code                 CodeableConcept   `json:"code"`
	Subject              *Reference        `json:"subject,omitempty"`
	EffectiveDateTime    string            `json:"effectiveDateTime,omitempty"`
	Issued               string            `json:"issued,omitempty"`
	ValueQuantity        *Quantity         `json:"valueQuantity,omitempty"`
	ValueCodeableConcept *CodeableConcept  `json:"valueCodeableConcept,omitempty"`
	ValueString          *string           `json:"valueString,omitempty"`
	ValueDateTime        *string           `json:"valueDateTime,omitempty"`
	ValueRange           *Range            `json:"valueRange,omitempty"`
	Interpretation       []CodeableConcept `json:"interpretation,omitempty"`
	Note                 []Annotation      `json:"note,omitempty"`
	Specimen             *Reference        `json:"specimen,omitempty"`
	ReferenceRange       []ReferenceRange  `json:"referenceRange,omitempty"`
	HasMember            []Reference       `json:"hasMember,omitempty"`
}

// SpecimenCollection says when a specimen was taken.
type SpecimenCollection struct {
	CollectedDateTime string `json:"collectedDateTime,omitempty"`
}

// Specimen is the sample a report is about.
type Specimen struct {
	ResourceType string              `json:"resourceType"`
	ID           string              `json:"id,omitempty"`
	Identifier   []Identifier        `json:"identifier,omitempty"`
	Type         *CodeableConcept    `json:"type,omitempty"`
	Subject      *Reference          `json:"subject,omitempty"`
	Collection   *SpecimenCollection `json:"collection,omitempty"`
	Request      []Reference         `json:"request,omitempty"`
}

// ServiceRequest is the requisition a report answers.
type ServiceRequest struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id,omitempty"`
	Identifier   []Identifier     `json:"identifier,omitempty"`
	Status       string           `json:"status,omitempty"`
	Intent       string           `json:"intent,omitempty"`
	Code         *CodeableConcept `json:"code,omitempty"`
	Subject      *Reference       `json:"subject,omitempty"`
	Requester    *Reference       `json:"requester,omitempty"`
}

// PractitionerRole is a practitioner acting for an organisation (the
// requester, or the performing laboratory).
type PractitionerRole struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Practitioner *Reference        `json:"practitioner,omitempty"`
	Organization *Reference        `json:"organization,omitempty"`
	Code         []CodeableConcept `json:"code,omitempty"`
}

// Organization is a legal entity or unit.
type Organization struct {
	ResourceType string       `json:"resourceType"`
	ID           string       `json:"id,omitempty"`
	Identifier   []Identifier `json:"identifier,omitempty"`
	Name         string       `json:"name,omitempty"`
}

// OperationOutcome carries errors, and in a 200 Bundle the restriction
// notices (details coded in SystemPvkOutcome).
type OperationOutcome struct {
	ResourceType string                  `json:"resourceType"`
	ID           string                  `json:"id,omitempty"`
	Issue        []OperationOutcomeIssue `json:"issue"`
}

// OperationOutcomeIssue is one issue of an OperationOutcome.
type OperationOutcomeIssue struct {
	Severity    string           `json:"severity"`
	Code        string           `json:"code"`
	Details     *CodeableConcept `json:"details,omitempty"`
	Diagnostics string           `json:"diagnostics,omitempty"`
}

// CapabilityStatement is what metadata returns; only the parts a client
// needs to see which searches are supported.
type CapabilityStatement struct {
	ResourceType   string              `json:"resourceType"`
	Status         string              `json:"status"`
	Date           string              `json:"date"`
	Kind           string              `json:"kind"`
	FHIRVersion    string              `json:"fhirVersion"`
	Format         []string            `json:"format"`
	Rest           []CapabilityRest    `json:"rest,omitempty"`
	Software       *CapabilitySoftware `json:"software,omitempty"`
	Implementation *CapabilityImpl     `json:"implementation,omitempty"`
}

// CapabilitySoftware names the server software.
type CapabilitySoftware struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// CapabilityImpl describes the instance.
type CapabilityImpl struct {
	Description string `json:"description"`
	URL         string `json:"url,omitempty"`
}

// CapabilityRest is the server's REST capabilities.
type CapabilityRest struct {
	Mode     string               `json:"mode"`
	Resource []CapabilityResource `json:"resource,omitempty"`
}

// CapabilityResource is one resource type's interactions and search
// parameters.
type CapabilityResource struct {
	Type             string                  `json:"type"`
	Interaction      []CapabilityCode        `json:"interaction,omitempty"`
	SearchInclude    []string                `json:"searchInclude,omitempty"`
	SearchRevInclude []string                `json:"searchRevInclude,omitempty"`
	SearchParam      []CapabilitySearchParam `json:"searchParam,omitempty"`
}

// CapabilityCode is an interaction code.
type CapabilityCode struct {
	Code string `json:"code"`
}

// CapabilitySearchParam is a supported search parameter.
type CapabilitySearchParam struct {
	Name string `json:"name"`
	Type string `json:"type"`
}
