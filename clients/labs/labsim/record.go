package labsim

import (
	"time"

	"github.com/oppslag/oppslag/clients/labs"
)

// Record is one patient's lab history as the simulator serves it.
type Record struct {
	Reports     []Report
	Restriction Restriction // what the patient has restricted
}

// RestrictionKind says which kind of restriction a patient has placed on their lab results.
type RestrictionKind int

// The restriction kinds; the names of Specific, General and Reservation are the pvk-outcome-cs codes
// the service reports for them (upstreams.md §4.2).
const (
	// None means every report is visible under an ordinary access basis.
	None RestrictionKind = iota
	// Specific blocks the reports listed in Restriction.Blocked (blokkering, SpecificBlock).
	Specific
	// General blocks every report (sperring, GeneralBlock).
	General
	// Reservation means the patient has reserved against the service; nothing is ever served.
	Reservation
)

// String returns the pvk-outcome-cs code for k ("" for None).
func (k RestrictionKind) String() string {
	switch k {
	case Specific:
		return "Specific"
	case General:
		return "General"
	case Reservation:
		return "Reservation"
	}
	return ""
}

// Restriction is what a patient has restricted.
type Restriction struct {
	Kind    RestrictionKind // None, Specific, General or Reservation
	Blocked []string        // report ids blocked by a Specific restriction
}

// Report is one lab report (a KITH Svarrapport mapped to a NilarDiagnosticReport).
type Report struct {
	ID           string
	Effective    time.Time // when the specimen was taken / the report is about (the `date` search parameter)
	Issued       time.Time
	Status       string // FHIR DiagnosticReport.status: final, preliminary, amended, corrected, ...
	Category     Coding // main expertise (fagområde)
	Code         Coding // kodeverk 8202 or an NLK panel code
	Performer    Org
	Requester    Practitioner
	Specimen     Specimen   // the first sample
	Extra        []Specimen // further samples (serum, plasma, whole blood in one report)
	Observations []Observation
	Comment      string // sent as a nilar-comment extension with an Annotation
}

// Observation is one analysis result; Members nests panel members (hasMember).
type Observation struct {
	ID             string
	Code           Coding // NLK code, system urn:oid:2.16.578.1.12.4.1.1.7280
	Value          Value
	Reference      *Range
	Interpretation string // kodeverk 8244 code: "1" over, "2" under, "3" outside the reference limits; "" when not flagged
	Members        []Observation
	Comment        string
	Specimen       string // id of the report's sample this result is from; "" for the report's first
	Status         string // FHIR Observation.status; "" for the report's own (a changed result in an amended report is "amended")
}

// Value is an observation's value[x]; at most one field is set.
type Value struct {
	Quantity *Quantity
	Coded    *Coding
	Concept  *Concept // a coded value with several codings and a text (microbiology, text reports)
	Text     string
	DateTime *time.Time
	Range    *Range
	Absent   string // data-absent-reason code, when there is no value
}

// Concept is a CodeableConcept: codings in the order sent, and a text.
type Concept struct {
	Codings []Coding
	Text    string
}

// Quantity is a measured amount with a UCUM unit.
type Quantity struct {
	Value      float64
	Comparator string // "<", "<=", ">=", ">" or ""
	Unit       string // human-readable unit
	Code       string // UCUM code
}

// Range is a reference range or a range value.
type Range struct {
	Low, High *Quantity
	Text      string
}

// Coding is a code in a code system.
type Coding struct {
	System, Code, Display string
}

// Org is the performing laboratory.
type Org struct {
	Name, OrgNumber string
}

// Practitioner is the requesting health professional.
type Practitioner struct {
	Name, HPRNumber string
}

// Specimen is one sample (a KITH AnalysedSubject).
type Specimen struct {
	ID, Type  string
	TypeCode  string // kodeverk 8351 code (S serum, P plasma, B blod, U urin, ...), "" for text only
	Collected time.Time
}

// Registry looks up a patient's lab record by national identity number.
type Registry interface {
	Lab(nin string) (Record, bool)
}

// NLKSystem is the code system of Norsk laboratoriekodeverk (kodeverk 7280)
// as the NILAR IG names it.
const NLKSystem = labs.SystemNLK

// MemoryRegistry is a Registry backed by a map from identity number to record; for tests and small setups.
type MemoryRegistry map[string]Record

// Lab returns the record for nin.
func (m MemoryRegistry) Lab(nin string) (Record, bool) {
	r, ok := m[nin]
	return r, ok
}
