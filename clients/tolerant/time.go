package tolerant

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // Oslo must resolve on any machine
)

// Oslo is Norwegian time: where NHN's services write date-times without an
// offset (KITH lab messages, HPR) and where FREG's days begin. With
// time/tzdata linked in the lookup cannot fail; CET would keep winter days
// right if it ever did.
var Oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// Precision is how much of a date-time the sender wrote.
type Precision uint8

// The precisions ParseTime recognises. PrecisionNone is the zero Time's.
const (
	PrecisionNone   Precision = iota
	PrecisionYear             // "2022" (FHIR partial date)
	PrecisionMonth            // "2022-03"
	PrecisionDay              // "2022-03-15"
	PrecisionMinute           // "2022-03-15T10:42" (zone optional)
	PrecisionSecond           // "2022-03-15T10:42:07", with or without a fraction
)

// Time is a date or date-time read from an upstream document. It accepts
// every ISO 8601 extended form the NHN services are known to write: a year,
// a year and month, a bare date, and date-times with an offset written `Z`,
// `+01`, `+0100` or `+01:00`, or with none, with 0–9 fraction digits.
//
// A value in any other form does not fail the document: Raw keeps it as
// received (control characters dropped, identity-number-like digit runs
// masked, capped) and the embedded time.Time stays zero, so a page can show
// "mars 2022 — unknown format" where the date would be. Decode reports such
// a value as a Field of kind FieldForm with its path.
//
// A value without an offset is read in Time's default zone, UTC; clients
// whose upstream writes local time without a zone (HPR) use ParseTimeIn.
type Time struct {
	time.Time
	Precision Precision
	// Zoned reports whether the sender wrote an offset.
	Zoned bool
	// Raw is the value as received when it could not be read, else "".
	Raw string
}

// errForm is the cause of a ParseTime failure; it never quotes the input.
var errForm = errors.New("tolerant: date-time not in a known form")

// maxRaw caps what Raw keeps of an unreadable value.
const maxRaw = 120

// ParseTime reads s in one of the accepted forms; a value without an offset
// is taken as UTC.
func ParseTime(s string) (Time, error) { return ParseTimeIn(s, time.UTC) }

// ParseTimeIn reads s in one of the accepted forms; a date-time without an
// offset is taken as wall time in loc. Dates (year, month, day precision)
// are always midnight UTC of that day, because they are calendar dates, not
// instants.
func ParseTimeIn(s string, loc *time.Location) (Time, error) {
	p := parser{s: s}
	year, ok := p.digits(4)
	if !ok {
		return Time{}, errForm
	}
	// Years 0 and past 9999 cannot be written back as RFC 3339.
	if year < 1 {
		return Time{}, errForm
	}
	month, day := 1, 1
	prec := PrecisionYear
	if p.eat('-') {
		if month, ok = p.digits(2); !ok || month < 1 || month > 12 {
			return Time{}, errForm
		}
		prec = PrecisionMonth
		if p.eat('-') {
			if day, ok = p.digits(2); !ok || day < 1 || day > daysIn(year, month) {
				return Time{}, errForm
			}
			prec = PrecisionDay
		}
	}
	if p.done() {
		return Time{Time: time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), Precision: prec}, nil
	}
	if prec != PrecisionDay || !(p.eat('T') || p.eat('t') || p.eat(' ')) {
		return Time{}, errForm
	}
	hour, ok := p.digits(2)
	if !ok || hour > 24 || !p.eat(':') {
		return Time{}, errForm
	}
	minute, ok := p.digits(2)
	if !ok || minute > 59 {
		return Time{}, errForm
	}
	sec, nsec := 0, 0
	prec = PrecisionMinute
	if p.eat(':') {
		if sec, ok = p.digits(2); !ok || sec > 60 {
			return Time{}, errForm
		}
		prec = PrecisionSecond
		if p.eat('.') || p.eat(',') {
			n, scale := 0, 0
			for scale < 9 && p.peekDigit() {
				n = n*10 + int(p.s[p.i]-'0')
				p.i++
				scale++
			}
			if scale == 0 || p.peekDigit() {
				return Time{}, errForm // no digit, or more than nine
			}
			for ; scale < 9; scale++ {
				n *= 10
			}
			nsec = n
		}
	}
	// 24:00 is the end of the day, valid only as 24:00:00 exactly.
	if hour == 24 && (minute != 0 || sec != 0 || nsec != 0) {
		return Time{}, errForm
	}
	if sec == 60 {
		sec = 59 // a leap second; Go's time has none
	}
	zone, zoned := loc, false
	switch {
	case p.eat('Z') || p.eat('z'):
		zone, zoned = time.UTC, true
	case p.peek('+') || p.peek('-'):
		sign := 1
		if p.s[p.i] == '-' {
			sign = -1
		}
		p.i++
		oh, ok := p.digits(2)
		if !ok || oh > 23 {
			return Time{}, errForm
		}
		om := 0
		if p.eat(':') {
			if om, ok = p.digits(2); !ok {
				return Time{}, errForm
			}
		} else if p.peekDigit() {
			if om, ok = p.digits(2); !ok {
				return Time{}, errForm
			}
		}
		if om > 59 {
			return Time{}, errForm
		}
		zone, zoned = time.FixedZone("", sign*(oh*3600+om*60)), true
	}
	if !p.done() {
		return Time{}, errForm
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, zone)
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return Time{}, errForm
	}
	return Time{Time: t, Precision: prec, Zoned: zoned}, nil
}

// daysIn is the number of days in month of year.
func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parser walks an ASCII date-time string.
type parser struct {
	s string
	i int
}

func (p *parser) done() bool       { return p.i == len(p.s) }
func (p *parser) peek(c byte) bool { return p.i < len(p.s) && p.s[p.i] == c }
func (p *parser) peekDigit() bool  { return p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' }
func (p *parser) eat(c byte) bool {
	if p.peek(c) {
		p.i++
		return true
	}
	return false
}
func (p *parser) digits(n int) (int, bool) {
	if p.i+n > len(p.s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(p.s[p.i : p.i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	p.i += n
	return v, true
}

// NewTime returns t as a Time of second precision.
func NewTime(t time.Time) Time { return Time{Time: t, Precision: PrecisionSecond, Zoned: true} }

// Unreadable returns a Time that holds raw as received, as UnmarshalJSON
// does for a value in an unknown form.
func Unreadable(raw string) Time { return Time{Raw: Clean(raw)} }

// IsZero reports whether t holds nothing: no time and no unreadable value.
// It makes `omitzero` omit only an absent value.
func (t Time) IsZero() bool { return t.Time.IsZero() && t.Raw == "" }

// Known reports whether t holds a readable time.
func (t Time) Known() bool { return !t.Time.IsZero() }

// UnreadValue returns the value as received when t could not be read.
func (t Time) UnreadValue() (string, bool) { return t.Raw, t.Raw != "" }

// DateOnly returns the calendar date as the sender wrote it (YYYY-MM-DD),
// or "" when t holds no readable time. It uses the wall clock of the parsed
// value, not a local zone: "1985-03-12T00:00:00+01:00" stays the 12th.
func (t Time) DateOnly() string {
	if !t.Known() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// MarshalJSON writes null for the zero Time, the received text for an
// unreadable one, a date in the precision it was read with, and otherwise
// RFC 3339 in UTC.
func (t Time) MarshalJSON() ([]byte, error) {
	switch {
	case t.Raw != "" && t.Time.IsZero():
		return json.Marshal(t.Raw)
	case t.Time.IsZero():
		return []byte("null"), nil
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return nil, fmt.Errorf("%w: year %d out of range", errForm, y)
	}
	switch t.Precision {
	case PrecisionYear:
		return json.Marshal(t.Format("2006"))
	case PrecisionMonth:
		return json.Marshal(t.Format("2006-01"))
	case PrecisionDay:
		return json.Marshal(t.Format(time.DateOnly))
	}
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}

// UnmarshalJSON reads null or "" (the zero Time) or a string in an accepted
// form. It never fails: anything else is kept in Raw, so one odd value costs
// that field and not the document.
func (t *Time) UnmarshalJSON(b []byte) error {
	*t = Time{}
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	// The common case, a string without escapes, needs no decoder.
	s, plain := plainString(b)
	if !plain {
		if err := json.Unmarshal(b, &s); err != nil {
			var c bytes.Buffer
			if json.Compact(&c, b) != nil {
				c.Reset()
				c.Write(b)
			}
			*t = Unreadable(c.String()) // a number, object, … where a date belongs
			NoteUnread()
			return nil
		}
	}
	if s == "" {
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		*t = Unreadable(s)
		NoteUnread()
		return nil
	}
	*t = v
	return nil
}

// plainString returns the text of b when b is a JSON string of printable
// ASCII without escapes, which json.Unmarshal would return unchanged, and
// false for anything else (escapes, control characters, non-ASCII, not a
// string), which goes through json.Unmarshal. Decoding a person's dates
// with json.Unmarshal costs a decoder per date; this reads them as they are.
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	inner := b[1 : len(b)-1]
	for _, c := range inner {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return "", false
		}
	}
	return string(inner), true
}
