package handlers

import (
	"context"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// enumText names an upstream enum value in the user's language from the
// catalog key prefix + "." + lower-cased value. A value the catalog does not
// know (a newer API version, S33) is shown as it came, marked as unknown,
// rather than dropped or guessed.
func enumText(ctx context.Context, prefix, value string) string {
	if value == "" {
		return ""
	}
	key := prefix + "." + strings.ToLower(value)
	if i18n.Has(key) {
		return i18n.T(ctx, key)
	}
	return i18n.T(ctx, "person.value.unknown", value)
}

// dateText formats a FREG date (time and zone to be ignored) as a calendar
// date in the user's language, or "". A value the client could not read is
// shown as received, marked.
func dateText(ctx context.Context, d person.DateTime) string {
	if raw, odd := d.UnreadValue(); odd {
		return unreadText(ctx, raw)
	}
	if !d.Known() {
		return ""
	}
	day := d.DateOnly()
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return calendarDate(i18n.From(ctx), t)
}

// calendarDate formats a calendar day without moving it between zones.
func calendarDate(l i18n.Lang, t time.Time) string {
	if l == i18n.EN {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02.01.2006")
}

// metaDateText formats a FREG metadata time (validFrom, validTo) as the
// Norwegian calendar day it falls on (see person.Day), or "".
func metaDateText(ctx context.Context, d person.DateTime) string {
	return dateText(ctx, person.Local(d))
}

// unreadText shows a value the client could not read as received, marked:
// "mars 2022 — ukjent format".
func unreadText(ctx context.Context, raw string) string {
	return i18n.T(ctx, "person.value.unreadable", raw)
}

// timestampText formats a registration time (a real instant) in Oslo time.
func timestampText(ctx context.Context, d person.DateTime) string {
	if raw, odd := d.UnreadValue(); odd {
		return unreadText(ctx, raw)
	}
	if !d.Known() {
		return ""
	}
	return i18n.DateTime(i18n.From(ctx), d.Time)
}

// clockText formats t as the time of day in Oslo: "10.42", "10:42" in English.
func clockText(ctx context.Context, t time.Time) string {
	t = t.In(i18n.Oslo())
	if i18n.From(ctx) == i18n.EN {
		return t.Format("15:04")
	}
	return t.Format("15.04")
}

// metaFacts lists an item's validity and source for the <details> under it.
func metaFacts(ctx context.Context, m person.Meta) []views.Fact {
	var out []views.Fact
	add := func(key, value string) {
		if value != "" {
			out = append(out, views.Fact{Label: i18n.T(ctx, key), Value: value})
		}
	}
	if m.Current() {
		add("person.meta.state", i18n.T(ctx, "person.meta.current"))
	} else {
		add("person.meta.state", i18n.T(ctx, "person.meta.historic"))
	}
	add("person.meta.valid_from", metaDateText(ctx, m.ValidFrom))
	add("person.meta.valid_to", metaDateText(ctx, m.ValidTo))
	add("person.meta.source", sourceText(ctx, m.Source))
	add("person.meta.reason", m.Reason)
	add("person.meta.registered", timestampText(ctx, m.RegisteredAt))
	return out
}

// sourceText names a FREG source; the register's own names are kept.
func sourceText(ctx context.Context, s string) string {
	if s == "" {
		return ""
	}
	key := "person.source." + strings.ToLower(s)
	if i18n.Has(key) {
		return i18n.T(ctx, key)
	}
	return s
}

// validityText is "from – to" for a history line's title.
func validityText(ctx context.Context, m person.Meta) string {
	from, to := metaDateText(ctx, m.ValidFrom), metaDateText(ctx, m.ValidTo)
	switch {
	case from != "" && to != "":
		return i18n.T(ctx, "person.period", from, to)
	case from != "":
		return i18n.T(ctx, "person.since", from)
	case to != "":
		return i18n.T(ctx, "person.until", to)
	}
	return ""
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

// ninKindText names the kind of an identity number from the API's type, or
// from the number itself when the API did not say.
func ninKindText(ctx context.Context, typ person.IdentificationNumberType, number string) string {
	if typ != "" {
		return enumText(ctx, "person.enum.nintype", string(typ))
	}
	n, err := nin.Parse(number)
	if err != nil {
		return i18n.T(ctx, "person.enum.nintype.nationalidentitynumber")
	}
	switch n.Kind {
	case nin.DNumber:
		return i18n.T(ctx, "person.enum.nintype.dnumber")
	case nin.FellesHjelpenummer:
		return i18n.T(ctx, "person.enum.nintype.alternateidentificationnumber")
	}
	return i18n.T(ctx, "person.enum.nintype.nationalidentitynumber")
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

// ageText is "46 år" — "72 år (ved død)" for the deceased — or "".
func ageText(ctx context.Context, p *person.Person, now time.Time) string {
	b := p.CurrentBirth()
	if b == nil {
		return ""
	}
	day, key := today(now), "person.age.years"
	if p.Death != nil && p.Death.Current() && !p.Death.DeceasedDate.IsZero() {
		if d, err := time.Parse(time.DateOnly, p.Death.DeceasedDate.DateOnly()); err == nil {
			day, key = d, "person.age.at_death"
		}
	}
	a := ageOn(b.BirthDate, day)
	if a < 0 {
		return ""
	}
	return i18n.T(ctx, key, a)
}

// displayTag is the x/text language each portal language names places in.
func displayTag(l i18n.Lang) language.Tag {
	switch l {
	case i18n.NN:
		return language.Make("nn")
	case i18n.EN:
		return language.English
	}
	return language.Make("nb")
}

// countryText names an ISO 3166-1 country (alpha-2 or alpha-3) in the
// user's language, with FREG's special codes; an unknown code is shown as
// it came.
func countryText(ctx context.Context, code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	switch code {
	case "":
		return ""
	case "XXX":
		return i18n.T(ctx, "person.country.stateless")
	case "XUK", "YY":
		return i18n.T(ctx, "person.country.unknown")
	case "XXK", "XK":
		return i18n.T(ctx, "person.country.kosovo")
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	name := display.Regions(displayTag(i18n.From(ctx))).Name(r)
	if name == "" {
		return code
	}
	return name
}

// languageText names a KRR language code (ISO 639-1) in the user's language.
func languageText(ctx context.Context, code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" {
		return ""
	}
	t, err := language.Parse(code)
	if err != nil {
		return code
	}
	name := display.Languages(displayTag(i18n.From(ctx))).Name(t)
	if name == "" {
		return code
	}
	return name
}

// placeText is "0301 Oslo" from a number and a name, either may be empty.
// The address text of every page (the overview's addresses panel, the
// timeline's entries and as-of card) is built from these, so an address
// reads the same everywhere. Whether an address may be shown at all is not
// decided here: clients/person/protection decides (S19).

// streetLine is "Skolegata 1 B".
func streetLine(name string, n *person.AddressNumber) string {
	s := name
	if n != nil {
		s = strings.TrimSpace(s + " " + n.HouseNumber + " " + n.HouseLetter)
	}
	return s
}

func cityLine(c *person.City) string {
	if c == nil {
		return ""
	}
	return strings.TrimSpace(c.PostalCode + " " + c.CityName)
}

// placeText is "0301 Oslo": a municipality, county or district with its
// number first.
func placeText(number, name string) string {
	return strings.TrimSpace(number + " " + name)
}
