package labs

import (
	"encoding/json"
	"strings"

	"github.com/oppslag/oppslag/clients/tolerant"
)

// The FHIR R4 subset Pasientens prøvesvar speaks (upstreams.md §4.2). Field
// names are FHIR's JSON names; every optional element is omitempty so the
// simulator's output is what a FHIR server writes. Unknown elements are
// ignored when decoding.

// Identifier systems (PublicIdType_CS, PersonIdType_CS and
// OrganizationIdType_CS of the NILAR IG: the codes are the OIDs).
const (
	SystemFNR       = "urn:oid:2.16.578.1.12.4.1.4.1"   // fødselsnummer
	SystemDNR       = "urn:oid:2.16.578.1.12.4.1.4.2"   // D-nummer
	SystemFHNR      = "urn:oid:2.16.578.1.12.4.1.4.3"   // felles hjelpenummer
	SystemHPRNumber = "urn:oid:2.16.578.1.12.4.1.4.4"   // HPR-nummer
	SystemHERID     = "urn:oid:2.16.578.1.12.4.1.2"     // HER-id
	SystemOrgNumber = "urn:oid:2.16.578.1.12.4.1.4.101" // Enhetsregisteret
	SystemUCUM      = "http://unitsofmeasure.org"
)

// Code systems, as the NILAR IG names them (Aliases.fsh: the kodeverk are
// http://ehelse.no/fhir/CodeSystem/no-kodeverk-NNNN). The same kodeverk
// also travel under their OID and under HL7 Norway's kodeverk canonical
// (http://helsedir.no/fhir/CodeSystem/no-kodeverk-NNNN); Kodeverk reads all
// three, so the client compares kodeverk, never system strings.
const (
	SystemNLK            = "http://ehelse.no/fhir/CodeSystem/no-kodeverk-7280-nlk"    // Norsk laboratoriekodeverk
	SystemReportType     = "http://ehelse.no/fhir/CodeSystem/no-kodeverk-8202"        // Type laboratoriemelding (category, code)
	SystemUnspecified    = "http://ehelse.no/fhir/CodeSystem/no-kodeverk-8212"        // Uspesifisert laboratoriekodeverk (text-only codes)
	SystemTextResultType = "http://ehelse.no/fhir/CodeSystem/no-kodeverk-8243"        // Type tekstsvar (LR, RSB, ...): a heading, not a value
	SystemDeviation      = "http://ehelse.no/fhir/CodeSystem/no-kodeverk-8244"        // Avviksmarkør: 1, 2, 3
	SystemReportComment  = "http://ehelse.no/fhir/CodeSystem/no-kodeverk-8269"        // Kommentar til svarrapport
	SystemSusceptibility = "http://ehelse.no/fhir/CodeSystem/no-kodeverk-8271"        // Resistens: S, I, R, K
	SystemMicroResult    = "http://ehelse.no/fhir/CodeSystem/no-kodeverk-8340"        // tekstlige resultatverdier, mikrobiologi
	SystemSpecimenType   = "http://ehelse.no/fhir/CodeSystem/no-kodeverk-8351"        // Prøvemateriale
	SystemPathologyCodes = "http://ehelse.no/fhir/CodeSystem/no-kodeverk-7010-norpat" // SNOMED for pathology: coded diagnoses (T, M, P, E codes)
	SystemPathologyExam  = "http://ehelse.no/fhir/CodeSystem/no-kodeverk-8219"        // pathology investigations of the KITH messages (A, MA, MI)
	SystemNCRP           = "http://ehelse.no/fhir/CodeSystem/no-kodeverk-7270-ncrp"   // radiology procedures
	SystemHPRRole        = "urn:oid:2.16.578.1.12.4.1.1.9060"                         // kategori helsepersonell
	SystemInterpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
	SystemObservationCat = "http://terminology.hl7.org/CodeSystem/observation-category"
	SystemDataAbsent     = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
	SystemIdentifierSrc  = "http://nhn.no/fhir/nilar/CodeSystem/identifier-source-cs"
	SystemPvkOutcome     = "http://nhn.no/fhir/nilar/CodeSystem/pvk-outcome-cs"
	SystemPvkOutcomeOld  = "NilarPvkOutcome" // legacy system the service also sends
)

// Canonical is the NILAR IG's canonical URL (sushi-config.yaml); its
// profiles and extensions live under Canonical + "/StructureDefinition/".
const Canonical = "http://nhn.no/fhir/nilar"

// Extension URLs of the NILAR IG (Extensions/*.fsh, Id prefixed with the
// canonical).
const (
	ExtensionComment          = Canonical + "/StructureDefinition/nilar-comment"                 // Annotation or CodeableConcept
	ExtensionReportRef        = Canonical + "/StructureDefinition/nilar-diagnostic-report-ref"   // Reference(DiagnosticReport), on every Observation
	ExtensionReportDate       = Canonical + "/StructureDefinition/nilar-report-date"             // dateTime, first version of the report
	ExtensionApprovalDate     = Canonical + "/StructureDefinition/nilar-approval-date"           // dateTime
	ExtensionAccredited       = Canonical + "/StructureDefinition/nilar-accredited"              // boolean
	ExtensionHistory          = Canonical + "/StructureDefinition/nilar-history"                 // boolean
	ExtensionInvestigation    = Canonical + "/StructureDefinition/nilar-investigation-date"      // dateTime
	ExtensionRelatedObs       = Canonical + "/StructureDefinition/nilar-related-observation"     // Reference(Observation)
	ExtensionMedicalValidated = Canonical + "/StructureDefinition/nilar-medical-validation-date" // dateTime
)

// Profile URLs of the NILAR IG.
const (
	ProfileDiagnosticReport = Canonical + "/StructureDefinition/nilar-diagnostic-report"
	ProfileObservation      = Canonical + "/StructureDefinition/nilar-observation"
	ProfileSpecimen         = Canonical + "/StructureDefinition/nilar-specimen"
)

// kodeverkPrefixes are the system prefixes a kodeverk number follows.
var kodeverkPrefixes = []string{
	"http://ehelse.no/fhir/CodeSystem/no-kodeverk-",
	"http://helsedir.no/fhir/CodeSystem/no-kodeverk-",
	"urn:oid:2.16.578.1.12.4.1.1.",
	"2.16.578.1.12.4.1.1.", // the bare OID, as KITH messages write it
}

// Kodeverk returns the Volven number ("8244") of a code system written in
// any of the forms the kodeverk travel under, or "" for another system.
func Kodeverk(system string) string {
	for _, p := range kodeverkPrefixes {
		rest, ok := strings.CutPrefix(system, p)
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, "-") // "7280-nlk"
		if len(n) == 4 && strings.Trim(n, "0123456789") == "" {
			return n
		}
	}
	return ""
}

// Bundle is a FHIR searchset Bundle.
type Bundle struct {
	ResourceType string        `json:"resourceType"`
	ID           string        `json:"id,omitempty"`
	Type         string        `json:"type,omitempty"`
	Total        *int          `json:"total,omitempty"`
	Link         []BundleLink  `json:"link,omitempty"`
	Entry        []BundleEntry `json:"entry,omitempty"`

	unread []tolerant.Field // the Bundle's own fields DecodeBundle could not read
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
	URL                  string           `json:"url"`
	ValueString          string           `json:"valueString,omitempty"`
	ValueDateTime        string           `json:"valueDateTime,omitempty"`
	ValueBoolean         *bool            `json:"valueBoolean,omitempty"`
	ValueReference       *Reference       `json:"valueReference,omitempty"`
	ValueAnnotation      *Annotation      `json:"valueAnnotation,omitempty"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
	Extension            []Extension      `json:"extension,omitempty"` // complex extensions (nilar-inf-item)
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

// ReferenceRange is an observation's normal range. NILAR fills Text from
// KITH's RefInterval.Descr ("10 - 22", "< 0,5"), often with no numbers.
type ReferenceRange struct {
	Low  *Quantity `json:"low,omitempty"`
	High *Quantity `json:"high,omitempty"`
	Text string    `json:"text,omitempty"`
}

// Annotation is a comment (Observation.note, Specimen.note, and the
// nilar-comment extension's valueAnnotation).
type Annotation struct {
	AuthorString string `json:"authorString,omitempty"`
	Time         string `json:"time,omitempty"`
	Text         string `json:"text"`
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
	ConclusionCode    []CodeableConcept `json:"conclusionCode,omitempty"`
}

// Observation is a NilarObservation; at most one value[x] is set.
type Observation struct {
	ResourceType         string            `json:"resourceType"`
	ID                   string            `json:"id,omitempty"`
	Meta                 *Meta             `json:"meta,omitempty"`
	Extension            []Extension       `json:"extension,omitempty"`
	Identifier           []Identifier      `json:"identifier,omitempty"`
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
	ValueInteger         *int64            `json:"valueInteger,omitempty"`
	ValueBoolean         *bool             `json:"valueBoolean,omitempty"`
	DataAbsentReason     *CodeableConcept  `json:"dataAbsentReason,omitempty"`
	Interpretation       []CodeableConcept `json:"interpretation,omitempty"`
	Note                 []Annotation      `json:"note,omitempty"`
	Method               *CodeableConcept  `json:"method,omitempty"`
	Specimen             *Reference        `json:"specimen,omitempty"`
	ReferenceRange       []ReferenceRange  `json:"referenceRange,omitempty"`
	HasMember            []Reference       `json:"hasMember,omitempty"`
	DerivedFrom          []Reference       `json:"derivedFrom,omitempty"`
}

// SpecimenCollection says when a specimen was taken.
type SpecimenCollection struct {
	CollectedDateTime string           `json:"collectedDateTime,omitempty"`
	BodySite          *CodeableConcept `json:"bodySite,omitempty"`
}

// Specimen is one sample (a KITH AnalysedSubject); a report may have
// several, and each Observation names its own.
type Specimen struct {
	ResourceType        string              `json:"resourceType"`
	ID                  string              `json:"id,omitempty"`
	Extension           []Extension         `json:"extension,omitempty"`
	Identifier          []Identifier        `json:"identifier,omitempty"`
	AccessionIdentifier *Identifier         `json:"accessionIdentifier,omitempty"`
	Type                *CodeableConcept    `json:"type,omitempty"`
	Subject             *Reference          `json:"subject,omitempty"`
	Collection          *SpecimenCollection `json:"collection,omitempty"`
	Request             []Reference         `json:"request,omitempty"`
	Note                []Annotation        `json:"note,omitempty"`
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
