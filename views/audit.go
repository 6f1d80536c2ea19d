package views

import "time"

// AuditOption is one choice of a filter's list; Value "" is "any".
type AuditOption struct {
	Value    string
	Label    Text
	Selected bool
}

// AuditFilter is the log search's form as the auditor filled it in. The
// values are shown back as typed; none is ever an identity number (S15):
// the handler refuses one before it gets here.
type AuditFilter struct {
	HPR, User, Org, Action string
	From, To               string // ISO dates, as typed
	Resources              []AuditOption
	Outcomes               []AuditOption
	Bases                  []AuditOption
	FromError, ToError     Text
	QueryError             Text // a value looked like an identity number
}

// AuditRow is one record in the search's list. It names no patient: the
// patient is on the full record, which is a view of its own, recorded.
type AuditRow struct {
	URL       string
	Seq       int64
	Time      time.Time
	Who       string
	HPRNumber string
	Org       string
	Resource  Text
	Action    string
	Basis     Text
	Outcome   Text
	Denied    bool
}

// AuditSearchData is the audit log's search page (F20).
type AuditSearchData struct {
	Filter   AuditFilter
	Rows     []AuditRow
	NextURL  string // "" on the last page
	FirstURL string // "" on the first page
	Patient  AuditPatientForm
	Chain    AuditChain // the newest chain check
	// ExportURL is the export of the current filter.
	ExportURL string
}

// AuditPatientForm is "who looked at this patient": the number goes in a
// POST body, never in a URL (S15).
type AuditPatientForm struct {
	NIN                          string // shown back only to correct it
	From, To                     string // ISO dates
	NINError, FromError, ToError Text
}

// AuditAccess is one access to the patient, as the auditor reads it.
type AuditAccess struct {
	URL       string // the full record
	Time      time.Time
	Who       string
	HPRNumber string
	Role      Text
	Org       string
	What      Text
	Basis     Text
	Reason    string // as the clinician wrote it
	Outcome   Text
	Denied    bool
}

// AuditPatientData is the answer to "who looked at this patient".
type AuditPatientData struct {
	Form      AuditPatientForm
	NIN       string // digits, for the print form's hidden field (a POST body)
	Number    string // formatted "DDMMYY NNNNN"
	From, To  time.Time
	Accesses  []AuditAccess
	Truncated bool // more records than one answer holds: narrow the period
	Looked    bool // false when the form was refused
}

// AuditPatientLine is one access as the patient reads it: who, from where,
// what and why, in plain words; never anything about another person, and
// nothing from the record beyond that it was opened.
type AuditPatientLine struct {
	Time    time.Time
	Who     string
	Role    Text
	Org     string
	What    Text
	Basis   Text
	Refused bool
}

// AuditPatientPrint is the printable letter to the patient.
type AuditPatientPrint struct {
	Number    string
	From, To  time.Time
	Made      time.Time
	Lines     []AuditPatientLine
	Truncated bool
	Reference string // the correlation id of the print's own record
}

// AuditField is one field of a full record.
type AuditField struct {
	Label  Text
	Value  string
	TestID string
}

// AuditRecordData is one audit record in full.
type AuditRecordData struct {
	Seq    int64
	Fields []AuditField
	Back   string
}
