// Package hpr is the client of Helsepersonellregisteret's public API (HPR
// Offentlig API): Maskinporten tokens, a rate limiter that keeps the portal
// inside HPR's token bucket, and a cache with freshness and stale-on-error.
//
// The JSON shapes follow upstreams.md §3.3 (HelsepersonUtvidet) field by
// field, with the Norwegian field names in the tags; the Go names are
// English so the rest of the code reads as one language.
//
// Every error the package returns wraps one of package upstream's kinds,
// the one error vocabulary all clients share (or a context error), wrapped
// with the operation ("hpr: by number: ..."), so callers test with
// errors.Is.
package hpr

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/oppslag/oppslag/clients/problem"
	"github.com/oppslag/oppslag/clients/tolerant"
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

	// Unread lists the values the client could not read, with their JSON
	// paths ("godkjenninger[0].periode.til"), so the card can show them
	// marked and the log can name them. It is not part of HPR's shape: the
	// decoder replaces whatever arrives under this name, and it is encoded
	// only so a cached entry keeps its marks.
	Unread []tolerant.Field `json:"_oppslagUnread,omitempty"`
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

// Known reports whether both ends could be read; an absent end is known
// (open).
func (p Period) Known() bool { return !p.From.Unreadable() && !p.To.Unreadable() }

// Covers reports whether day falls in the period (both ends inclusive; a
// zero From is open at the start). A period with an end the client could
// not read covers no day: the portal must not present as in force what it
// cannot date (an unreadable til is not open-ended).
func (p Period) Covers(day Date) bool {
	if !p.Known() || day.Unreadable() {
		return false
	}
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
//
// It is read tolerantly (STYLE 16): a date-time in any form
// tolerant.ParseTimeIn accepts gives the calendar day as the sender wrote
// it, whatever the offset ("1979-05-12T00:00:00+02:00" is the 12th), because
// HPR's dates are days, not instants. Anything else — "mars 2022", a year
// alone, a number — leaves Time zero and keeps the value as received in
// Raw, so the card shows it marked and the rest of the entry still reads.
// Code asking "is there a date?" must tell an absent date (IsZero and Raw
// empty) from an unreadable one (Unreadable).
type Date struct {
	time.Time
	// Raw is the value as received when it could not be read (cleaned by
	// tolerant.Clean: no control characters, identity-number-like digit
	// runs masked, capped), else "".
	Raw string
}

// NewDate returns the day of y, m, d.
func NewDate(y int, m time.Month, d int) Date {
	return Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date { return NewDate(t.Date()) }

// Unreadable reports whether the register sent a value that is not a date
// the client can read; Raw holds it.
func (d Date) Unreadable() bool { return d.Time.IsZero() && d.Raw != "" }

// UnreadValue implements tolerant.Unread, so tolerant.Decode reports an
// unreadable date with its path.
func (d Date) UnreadValue() (string, bool) { return d.Raw, d.Unreadable() }

// String is "YYYY-MM-DD", or "" for the zero Date and an unreadable one
// (whose text is in Raw): callers that store or compare days never get a
// text that is not a day.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// MarshalJSON writes "YYYY-MM-DD", the received text of an unreadable date
// (so a cached entry shows the same mark), or null.
func (d Date) MarshalJSON() ([]byte, error) {
	switch {
	case d.Unreadable():
		return json.Marshal(d.Raw)
	case d.IsZero():
		return []byte("null"), nil
	}
	return []byte(`"` + d.Format(time.DateOnly) + `"`), nil
}

// UnmarshalJSON reads null or "" (the zero Date), a date, or a date-time
// (its calendar day as written). It never fails: anything else is kept in
// Raw.
func (d *Date) UnmarshalJSON(b []byte) error {
	s, ok, isNull := jsonText(b)
	switch {
	case isNull || ok && s == "":
		*d = Date{}
		return nil
	case ok:
		// Zoneless date-times are Norwegian wall time; for a day the
		// zone does not matter, only the date as written.
		if t, err := tolerant.ParseTimeIn(s, Oslo); err == nil && t.Precision >= tolerant.PrecisionDay {
			*d = NewDate(t.Date())
			return nil
		}
	}
	*d = Date{Raw: unreadRaw(s, func(r string) bool {
		t, err := tolerant.ParseTimeIn(r, Oslo)
		return err == nil && t.Precision >= tolerant.PrecisionDay
	})}
	tolerant.NoteUnread()
	return nil
}

// DateTime is a date-time, JSON "YYYY-MM-DDThh:mm:ss" with optional
// fraction (Java LocalDateTime) read as Norwegian time. The zero DateTime is
// JSON null.
//
// It is read tolerantly (STYLE 16): every form tolerant.ParseTimeIn accepts
// — an offset written Z, +01, +0100 or +01:00 read exactly, none read as
// Oslo wall time, 0–9 fraction digits, a bare date (midnight in Oslo).
// Anything else leaves Time zero and keeps the value as received in Raw.
type DateTime struct {
	time.Time
	// Raw is the value as received when it could not be read, else "".
	Raw string
}

// Oslo is the zone HPR's local date-times are in (tolerant.Oslo).
var Oslo = tolerant.Oslo

const localDateTime = "2006-01-02T15:04:05"

// Unreadable reports whether the register sent a value that is not a
// date-time the client can read; Raw holds it.
func (t DateTime) Unreadable() bool { return t.Time.IsZero() && t.Raw != "" }

// UnreadValue implements tolerant.Unread.
func (t DateTime) UnreadValue() (string, bool) { return t.Raw, t.Unreadable() }

// MarshalJSON writes the Oslo wall-clock time, the received text of an
// unreadable value, or null.
func (t DateTime) MarshalJSON() ([]byte, error) {
	switch {
	case t.Unreadable():
		return json.Marshal(t.Raw)
	case t.IsZero():
		return []byte("null"), nil
	}
	return []byte(`"` + t.In(Oslo).Format(localDateTime) + `"`), nil
}

// UnmarshalJSON reads null or "" (the zero DateTime) or a date-time in an
// accepted form. It never fails: anything else is kept in Raw.
func (t *DateTime) UnmarshalJSON(b []byte) error {
	s, ok, isNull := jsonText(b)
	switch {
	case isNull || ok && s == "":
		*t = DateTime{}
		return nil
	case ok:
		if v, err := readDateTime(s); err == nil {
			*t = DateTime{Time: v}
			return nil
		}
	}
	*t = DateTime{Raw: unreadRaw(s, func(r string) bool { _, err := readDateTime(r); return err == nil })}
	tolerant.NoteUnread()
	return nil
}

// readDateTime reads s as HPR means it: zoneless is Oslo wall time, and a
// bare date is midnight in Oslo that day. A year or a month alone is no
// point in time.
func readDateTime(s string) (time.Time, error) {
	v, err := tolerant.ParseTimeIn(s, Oslo)
	switch {
	case err != nil:
		return time.Time{}, err
	case v.Precision < tolerant.PrecisionDay:
		return time.Time{}, errPartialDate
	case v.Precision == tolerant.PrecisionDay:
		y, m, d := v.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, Oslo), nil
	}
	return v.Time, nil
}

var errPartialDate = errors.New("hpr: a year or month is not a date-time")

// jsonText returns the string a JSON value holds (ok), or, for any other
// value, its compact text; isNull is set for null.
func jsonText(b []byte) (s string, ok, isNull bool) {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return "", false, true
	}
	if err := json.Unmarshal(b, &s); err == nil {
		return s, true, false
	}
	var c bytes.Buffer
	if json.Compact(&c, b) != nil {
		return string(b), false, false
	}
	return c.String(), false, false
}

// unreadRaw is what an unreadable value keeps: the received text, cleaned.
// Cleaning drops control characters, which could turn an unreadable text
// into a readable one ("2022-03-15\x00"); such a value keeps its control
// characters escaped instead, so it reads the same way every time (a cached
// entry is decoded again).
//
// Clean runs twice: it masks digit runs before it drops control characters,
// so "12345\x00678901" would come out of one pass as an unmasked 11-digit
// run; the second pass masks it.
func unreadRaw(s string, readable func(string) bool) string {
	clean := func(s string) string { return tolerant.Clean(tolerant.Clean(s)) }
	raw := clean(s)
	if readable(raw) {
		q := strconv.QuoteToASCII(s)
		raw = clean(q[1 : len(q)-1])
	}
	return raw
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
