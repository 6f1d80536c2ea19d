// Package hpr is the client of Helsepersonellregisteret's public API (HPR
// Offentlig API): Maskinporten tokens, a rate limiter that keeps the portal
// inside HPR's token bucket, and a cache with freshness and stale-on-error.
//
// The JSON shapes follow upstreams.md §3.3 (HelsepersonUtvidet) field by
// field, with the Norwegian field names in the tags; the Go names are
// English so the rest of the code reads as one language.
package hpr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/oppslag/oppslag/clients/problem"
)

// Scopes at Maskinporten (upstreams.md §3.1).
const (
	ScopeBasic    = "nhn:hpr/basic"    // open data
	ScopeExtended = "nhn:hpr/extended" // open data plus some personal data (nin, birth date)
	ScopeExport   = "nhn:hpr/export"   // the whole register as zipped JSON
)

// Code set ids (kodeverk) the register uses.
const (
	CodeSetCategory      = 9060 // helsepersonellkategori: LE, SP, HF, ...
	CodeSetAuthorization = 7704 // autorisasjon / godkjenningstype: "1" Autorisasjon, ...
)

// SuspensionCodes are the administrativeReaksjoner type values treated as
// a suspension (NAV's practice, upstreams.md §3.3).
var SuspensionCodes = []string{"1", "5", "8"}

// Personnel is one health-personnel entry, HelsepersonUtvidet. The same
// shape is the JSON object of each register entry in the export.
type Personnel struct {
	Person       PersonData `json:"person"`                   // person
	HPRNumber    int        `json:"hprNummer"`                // hprNummer
	ReplacedBy   *int       `json:"erstattetAvHprNummer"`     // erstattetAvHprNummer: the number that replaced this one
	Approvals    []Approval `json:"godkjenninger"`            // godkjenninger
	Reactions    []Reaction `json:"administrativeReaksjoner"` // administrativeReaksjoner on the person
	LastUpdated  DateTime   `json:"sistOppdatert"`            // sistOppdatert
	ValidForDate Date       `json:"gjelderForDato"`           // gjelderForDato: the day the answer describes
}

// PersonData is the personal part (person). NIN and BirthDate are personal
// data: the basic scope does not carry them (INFERENCE, upstreams.md §3.2).
type PersonData struct {
	GivenName  string `json:"fornavn"`
	MiddleName string `json:"mellomnavn,omitempty"`
	FamilyName string `json:"etternavn"`
	BirthDate  Date   `json:"fødselsdato"`
	DeathDate  Date   `json:"dødsdato"`
	MissingNIN bool   `json:"manglerNin"`
	NIN        string `json:"nin"` // "" → null
}

// Approval is one godkjenning: an authorisation or licence in a category.
type Approval struct {
	Category          Code        `json:"helsepersonellkategori"` // code set 9060
	Authorization     Code        `json:"autorisasjon"`           // code set 7704
	Period            Period      `json:"periode"`
	InternshipDate    Date        `json:"godkjentTurnusDato"`
	RequisitionRights []Right     `json:"rekvisisjonsretter"`
	Specialities      []Right     `json:"spesialistgodkjenninger"`
	Competences       []Right     `json:"tilleggskompetanser"` // no administrativeReaksjoner of their own
	Conditions        []Condition `json:"vilkår"`
	Ended             *Code       `json:"avsluttetStatus"` // why the approval ended, or null
	Reactions         []Reaction  `json:"administrativeReaksjoner"`
}

// Right is a rekvisisjonsrett, spesialistgodkjenning or tilleggskompetanse:
// a coded type with a period, an end status and (except competences)
// administrative reactions.
type Right struct {
	Type      Code       `json:"type"`
	Period    Period     `json:"periode"`
	Ended     *Code      `json:"avsluttetStatus"`
	Reactions []Reaction `json:"administrativeReaksjoner,omitempty"`
}

// Condition is a vilkår on an approval.
type Condition struct {
	Type Code `json:"type"`
}

// Reaction is an administrativ reaksjon: suspension, withdrawal, limitation.
type Reaction struct {
	Type   Code   `json:"type"`
	Period Period `json:"periode"`
}

// Code is a Kode: a value in a code set with its display name.
type Code struct {
	Name    string  `json:"navn"`
	Value   string  `json:"verdi"`
	CodeSet CodeSet `json:"kodeverk"`
}

// CodeSet is a kodeverk reference.
type CodeSet struct {
	ID   int    `json:"id"`
	Name string `json:"navn"`
}

// Period is a periode; a zero To is open-ended (til: null).
type Period struct {
	From Date `json:"fra"`
	To   Date `json:"til"`
}

// Covers reports whether day falls in the period (both ends inclusive; a
// zero From is open at the start).
func (p Period) Covers(day Date) bool {
	if !p.From.IsZero() && day.Before(p.From.Time) {
		return false
	}
	return p.To.IsZero() || !day.After(p.To.Time)
}

// ProblemDetails is the RFC 9457 error body of the API (ASP.NET Core).
type ProblemDetails = problem.Details

// NINRequest is the body of POST /v1/personerutvidet.
type NINRequest struct {
	NIN            string `json:"nin"`
	AtDate         Date   `json:"atDate"`
	IncludeHistory bool   `json:"includeHistory"`
}

// Date is a calendar day, JSON "YYYY-MM-DD" (Java LocalDate); the zero Date
// is JSON null. The time is midnight UTC.
type Date struct{ time.Time }

// NewDate returns the day of y, m, d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date { return NewDate(t.Date()) }

// String is "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// MarshalJSON writes "YYYY-MM-DD" or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.Format(time.DateOnly) + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date: %w", err)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("date: not YYYY-MM-DD")
	}
	d.Time = t
	return nil
}

// DateTime is a local date-time without zone, JSON "YYYY-MM-DDThh:mm:ss"
// with optional fraction (Java LocalDateTime), read as Norwegian time. The
// zero DateTime is JSON null.
type DateTime struct{ time.Time }

// Oslo is the zone HPR's local date-times are in.
var Oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.UTC
}()

const localDateTime = "2006-01-02T15:04:05"

// MarshalJSON writes the Oslo wall-clock time, or null.
func (t DateTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.In(Oslo).Format(localDateTime) + `"`), nil
}

// UnmarshalJSON reads a local date-time (fraction allowed) or null.
func (t *DateTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*t = DateTime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date-time: %w", err)
	}
	v, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, Oslo)
	if err != nil {
		return fmt.Errorf("date-time: not a local date-time")
	}
	t.Time = v
	return nil
}

// MarshalJSON writes nin as null when it is empty, as the register does
// for personnel without a Norwegian identity number.
func (p PersonData) MarshalJSON() ([]byte, error) {
	type plain PersonData
	var nin *string
	if p.NIN != "" {
		nin = &p.NIN
	}
	return json.Marshal(struct {
		plain
		NIN *string `json:"nin"`
	}{plain(p), nin})
}
