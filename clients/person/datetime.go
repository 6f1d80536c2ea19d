package person

import (
	"time"

	"github.com/oppslag/oppslag/clients/tolerant"
)

// DateTime is a date-time field of the Person API, read tolerantly (see
// tolerant.Time): every ISO 8601 form the API and FREG are known to write is
// read exactly, including the KRR block's "2023-11-15T12:39:49+01", and a
// value in any other form is kept as received in Raw instead of failing the
// document. A value without zone is read as UTC. It encodes as RFC 3339 in
// UTC; the zero value encodes as null, and fields of this type carry
// `omitzero` so v3's "nulls omitted" holds on the wire.
//
// Several FREG dates (birthDate, deceasedDate, moveDate) are dates whose
// "time and time zone are unknown and must be ignored"; read them with
// DateOnly, never by converting to a local zone. The metadata times
// (validFrom, registeredAt) are instants: FREG writes a day that began at
// Norwegian midnight as 23:00 or 22:00 UTC the day before.
type DateTime = tolerant.Time

// NewDateTime returns t as a DateTime.
func NewDateTime(t time.Time) DateTime { return tolerant.NewTime(t) }

// Date returns the DateTime of midnight UTC on the given day, written in
// full as the API writes its dates ("1964-09-06T00:00:00Z"); the synthetic
// population and tests use it for FREG's zoneless dates.
func Date(year int, month time.Month, day int) DateTime {
	return tolerant.NewTime(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// ParseDateTime parses s in one of the accepted forms.
func ParseDateTime(s string) (DateTime, error) { return tolerant.ParseTime(s) }

// Day returns the Norwegian calendar day (YYYY-MM-DD) of a metadata time
// such as validFrom or validTo, or "" when d holds no readable time. FREG
// writes the start of a Norwegian day as 23:00 or 22:00 UTC the day before
// ("1994-07-25T23:00:00Z" is 26 July), so an instant is read in Oslo time; a
// value written as a bare date is that date.
func Day(d DateTime) string { return Local(d).DateOnly() }

// Local returns the metadata time d with its clock in Norwegian time, so
// that its calendar day (DateOnly, Date) is the Norwegian one; the instant
// is unchanged. A bare date or an unreadable value is returned as it is.
func Local(d DateTime) DateTime {
	if d.Known() && d.Precision > tolerant.PrecisionDay {
		d.Time = d.In(tolerant.Oslo)
	}
	return d
}

// FromDay is the Norwegian calendar day of validFrom (see Day).
func (m Meta) FromDay() string { return Day(m.ValidFrom) }

// ToDay is the Norwegian calendar day of validTo (see Day).
func (m Meta) ToDay() string { return Day(m.ValidTo) }
