package handlers

import (
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// enumName names an upstream enum value by the catalog key prefix + "." +
// lower-cased value, or is zero for no value. A value the catalog does not
// know (a newer API version, S33) is shown as it came, marked as unknown,
// rather than dropped or guessed.
func enumName(prefix, value string) views.Text {
	if value == "" {
		return views.Text{}
	}
	key := prefix + "." + strings.ToLower(value)
	if i18n.Has(key) {
		return views.Msg(key)
	}
	return views.Msg("person.value.unknown", value)
}

// plain is a register value shown as received, or zero for "", so that an
// empty value is dropped like a missing one.
func plain(s string) views.Text {
	if s == "" {
		return views.Text{}
	}
	return views.Plain(s)
}

// blank reports a value with nothing to show. It is decided on the data,
// before any words: a nil Words or a zero Text.
func blank(w views.Words) bool {
	t, isText := w.(views.Text)
	return w == nil || isText && t.IsZero()
}

// dateOf is a FREG date (time and zone to be ignored) as a calendar date,
// or zero. A value the client could not read is shown as received, marked.
func dateOf(d person.DateTime) views.Text {
	if raw, odd := d.UnreadValue(); odd {
		return unread(raw)
	}
	if !d.Known() {
		return views.Text{}
	}
	day := d.DateOnly()
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return plain(day)
	}
	// Midnight UTC is the same calendar day in Oslo, where views.Date
	// writes it.
	return views.DateText(t)
}

// metaDateOf is a FREG metadata time (validFrom, validTo) as the Norwegian
// calendar day it falls on (see person.Day), or zero.
func metaDateOf(d person.DateTime) views.Text {
	return dateOf(person.Local(d))
}

// unread shows a value the client could not read as received, marked:
// "mars 2022 — ukjent format".
func unread(raw string) views.Text {
	return views.Msg("person.value.unreadable", raw)
}

// stampOf is a registration time (a real instant) in Oslo time, or zero.
func stampOf(d person.DateTime) views.Text {
	if raw, odd := d.UnreadValue(); odd {
		return unread(raw)
	}
	if !d.Known() {
		return views.Text{}
	}
	return views.DateTimeText(d.Time)
}

// metaFacts lists an item's validity and source for the <details> under it.
func metaFacts(m person.Meta) []views.Fact {
	var out []views.Fact
	add := func(key string, value views.Text) {
		if !value.IsZero() {
			out = append(out, views.Fact{Label: views.Msg(key), Value: value})
		}
	}
	if m.Current() {
		add("person.meta.state", views.Msg("person.meta.current"))
	} else {
		add("person.meta.state", views.Msg("person.meta.historic"))
	}
	add("person.meta.valid_from", metaDateOf(m.ValidFrom))
	add("person.meta.valid_to", metaDateOf(m.ValidTo))
	add("person.meta.source", sourceName(m.Source))
	add("person.meta.reason", plain(m.Reason))
	add("person.meta.registered", stampOf(m.RegisteredAt))
	return out
}

// sourceName names a FREG source; the register's own names are kept.
func sourceName(s string) views.Text {
	if s == "" {
		return views.Text{}
	}
	key := "person.source." + strings.ToLower(s)
	if i18n.Has(key) {
		return views.Msg(key)
	}
	return views.Plain(s)
}

// validity is "from – to" for a history line's title, or zero.
func validity(m person.Meta) views.Text {
	from, to := metaDateOf(m.ValidFrom), metaDateOf(m.ValidTo)
	switch {
	case !from.IsZero() && !to.IsZero():
		return views.Msg("person.period", from, to)
	case !from.IsZero():
		return views.Msg("person.since", from)
	case !to.IsZero():
		return views.Msg("person.until", to)
	}
	return views.Text{}
}

// fullName joins the parts of a name.
func fullName(given, middle, family string) string {
	return strings.Join(strings.Fields(given+" "+middle+" "+family), " ")
}

// nameOf is the person's current name, or "" without one.
func nameOf(p *person.Person) string {
	if n := p.CurrentName(); n != nil {
		return fullName(n.GivenName, n.MiddleName, n.FamilyName)
	}
	return ""
}

// formatNIN groups an identity number for display ("DDMMYY NNNNN"); a value
// that is not 11 digits is shown as it came.
func formatNIN(s string) string {
	if len(s) != 11 {
		return s
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return s
		}
	}
	return s[:6] + " " + s[6:]
}

// ninKind names the kind of an identity number from the API's type, or
// from the number itself when the API did not say.
func ninKind(typ person.IdentificationNumberType, number string) views.Text {
	if typ != "" {
		return enumName("person.enum.nintype", string(typ))
	}
	n, err := nin.Parse(number)
	if err != nil {
		return views.Msg("person.enum.nintype.nationalidentitynumber")
	}
	switch n.Kind {
	case nin.DNumber:
		return views.Msg("person.enum.nintype.dnumber")
	case nin.FellesHjelpenummer:
		return views.Msg("person.enum.nintype.alternateidentificationnumber")
	}
	return views.Msg("person.enum.nintype.nationalidentitynumber")
}

// ageOn returns the completed years between birth and day (both calendar
// days), or -1 when birth is unknown or after day.
func ageOn(birth person.DateTime, day time.Time) int {
	if birth.IsZero() {
		return -1
	}
	b, err := time.Parse(time.DateOnly, birth.DateOnly())
	if err != nil {
		return -1
	}
	y := day.Year() - b.Year()
	if day.Month() < b.Month() || day.Month() == b.Month() && day.Day() < b.Day() {
		y--
	}
	if y < 0 {
		return -1
	}
	return y
}

// today is the calendar day of t in Oslo, at midnight UTC, for ageOn.
func today(t time.Time) time.Time {
	y, m, d := t.In(i18n.Oslo()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ageOf is "46 år" — "72 år (ved død)" for the deceased — or zero.
func ageOf(p *person.Person, now time.Time) views.Text {
	b := p.CurrentBirth()
	if b == nil {
		return views.Text{}
	}
	day, key := today(now), "person.age.years"
	if p.Death != nil && p.Death.Current() && !p.Death.DeceasedDate.IsZero() {
		if d, err := time.Parse(time.DateOnly, p.Death.DeceasedDate.DateOnly()); err == nil {
			day, key = d, "person.age.at_death"
		}
	}
	a := ageOn(b.BirthDate, day)
	if a < 0 {
		return views.Text{}
	}
	return views.Msg(key, a)
}

// country is an ISO 3166-1 country code for the view to name, or nil.
func country(code string) views.Words {
	if strings.TrimSpace(code) == "" {
		return nil
	}
	return views.Country(code)
}

// languageName is a KRR language code (ISO 639-1) for the view to name, or
// nil.
func languageName(code string) views.Words {
	if strings.TrimSpace(code) == "" {
		return nil
	}
	return views.LanguageName(code)
}
