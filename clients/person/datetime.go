package person

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// DateTime is a date-time field of the Person API. It accepts the forms the
// API and FREG are known to send (RFC 3339 with or without fractional
// seconds, a date-time without zone, a bare date) and encodes as RFC 3339 in
// UTC. The zero value is "no value": it encodes as null, and fields of this
// type carry `omitzero` so v3's "nulls omitted" holds on the wire.
//
// Several FREG dates (birthDate, deceasedDate) are dates whose "time and time
// zone are unknown and must be ignored"; read them with DateOnly, never by
// converting to a local zone.
type DateTime struct{ time.Time }

// dateTimeLayouts are tried in order. A value without zone is read as UTC.
var dateTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

// errDateTime is the cause of every DateTime decoding failure.
var errDateTime = errors.New("person: date-time not in a known form")

// NewDateTime returns t as a DateTime.
func NewDateTime(t time.Time) DateTime { return DateTime{t} }

// Date returns the DateTime of midnight UTC on the given day; the synthetic
// population and tests use it for FREG's zoneless dates.
func Date(year int, month time.Month, day int) DateTime {
	return DateTime{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// ParseDateTime parses s in one of the accepted forms.
func ParseDateTime(s string) (DateTime, error) {
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			// Refuse what RFC 3339 cannot write back in UTC (year 0 or
			// past 9999 once the offset is applied).
			if y := t.UTC().Year(); y < 1 || y > 9999 {
				return DateTime{}, errDateTime
			}
			return DateTime{t}, nil
		}
	}
	return DateTime{}, errDateTime
}

// DateOnly returns the calendar date as written by the sender (YYYY-MM-DD),
// or "" for the zero value. It uses the wall clock of the parsed value, not
// the local zone, so "1985-03-12T00:00:00+01:00" stays the 12th.
func (d DateTime) DateOnly() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// MarshalJSON encodes d as an RFC 3339 string in UTC, or null when zero.
func (d DateTime) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	if y := d.UTC().Year(); y < 1 || y > 9999 {
		return nil, fmt.Errorf("%w: year %d out of range", errDateTime, y)
	}
	return json.Marshal(d.UTC().Format(time.RFC3339Nano))
}

// UnmarshalJSON decodes null (the zero value) or a string in one of the
// accepted forms.
func (d *DateTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*d = DateTime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: not a string", errDateTime)
	}
	if s == "" {
		*d = DateTime{}
		return nil
	}
	v, err := ParseDateTime(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
