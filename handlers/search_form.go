package handlers

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/municipality"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/views"
)

// searchForm is the search box as posted: one field, q, holding an identity
// number or a name with a birth date or municipality number.
type searchForm struct {
	Q string

	// Filled by Validate: exactly one of number and query.
	number *nin.Number
	query  person.SearchQuery
	fields []string // the Person API search fields used, for the audit record
}

// maxQueryRunes bounds what the search box takes; the API's own limit on a
// full name is 600.
const maxQueryRunes = 200

// Validate reads Q as an identity number or a name search and returns a
// message per field ("q") when it is neither. Messages say exactly what is
// wrong, in the user's terms.
func (f *searchForm) Validate(now time.Time) map[string]views.Text {
	q := strings.TrimSpace(f.Q)
	switch {
	case !readable(q):
		return map[string]views.Text{"q": views.Msg("search.error.chars")}
	case q == "":
		return map[string]views.Text{"q": views.Msg("search.error.empty")}
	case len([]rune(q)) > maxQueryRunes:
		return map[string]views.Text{"q": views.Msg("search.error.long")}
	case !strings.ContainsFunc(q, unicode.IsLetter) && len(strings.Fields(q)) == 1 && isDateWord(q) && strings.ContainsAny(q, "./"):
		// A date alone: the name is missing, not digits of a number.
		return map[string]views.Text{"q": views.Msg("search.error.need_name")}
	case looksLikeNumber(q):
		return f.validateNumber(q)
	}
	return f.validateName(q, now)
}

// readable reports whether q is text a page can show: valid UTF-8 without
// NUL or other control characters, tabs and line breaks apart (S42). The
// web package refuses NUL and invalid UTF-8 before they get here; this
// keeps the form safe on its own.
func readable(q string) bool {
	return utf8.ValidString(q) && !strings.ContainsFunc(q, func(r rune) bool {
		return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
	})
}

// looksLikeNumber decides whether the user meant an identity number: no
// letters at all, or one word mixing digits and letters (a typed "O" for a
// zero), which deserves "only digits" rather than a name-search message.
func looksLikeNumber(q string) bool {
	letters, digits := 0, 0
	for _, r := range q {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r):
			digits++
		}
	}
	if letters == 0 {
		return digits > 0
	}
	words := strings.Fields(q)
	return len(words) == 1 && digits >= 6
}

func (f *searchForm) validateNumber(q string) map[string]views.Text {
	// Spaces and hyphens anywhere are grouping ("120579 00499", "12 05 79 00499").
	digits := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, q)
	n, err := nin.Parse(digits)
	switch {
	case err == nil:
	case errors.Is(err, nin.ErrNotDigits):
		return map[string]views.Text{"q": views.Msg("search.error.digits")}
	case errors.Is(err, nin.ErrLength):
		return map[string]views.Text{"q": views.Msg("search.error.length", len([]rune(digits)))}
	case errors.Is(err, nin.ErrChecksum) && errors.Is(err, nin.ErrDate):
		return map[string]views.Text{"q": views.Msg("search.error.checksum_date")}
	case errors.Is(err, nin.ErrDate):
		return map[string]views.Text{"q": views.Msg("search.error.date")}
	default:
		return map[string]views.Text{"q": views.Msg("search.error.checksum")}
	}
	if n.Kind == nin.HNumber {
		// An organisation's own help number is unknown to the register.
		return map[string]views.Text{"q": views.Msg("search.error.hnumber")}
	}
	f.number = &n
	return nil
}

// validateName reads "Given [Middle] Family <date|year|municipality>" or
// "Family, Given [Middle] <...>". A four-digit word is a birth year when it
// lies between 1900 and this year, otherwise a municipality number (Nordland's
// 18xx numbers are not plausible birth years for a living patient).
//
// A municipality can also be named ("Arne Sæther Sandefjord", "Kari
// Kautokeino", "Ola Guovdageaidnu"): the longest run of up to
// maxMunicipalityWords words at the end that municipality.Lookup finds is
// read as the municipality, but only when the query has neither a birth
// date nor a municipality number and at least one name word is left.
// Surnames are often municipality names (Lund, Time, Hole, Bø), so with a
// date "Kari Lund 01.01.1980" stays the name Kari Lund; without one the
// query could not be searched anyway, and the municipality is the only
// reading that can. A name two municipalities share (Herøy, Våler) is
// refused with both numbers, since guessing would search the wrong one; a
// name no municipality has keeps the message that a date is missing. The
// query sent, and so the audit record, names MunicipalityNumber either way.
func (f *searchForm) validateName(q string, now time.Time) map[string]views.Text {
	family, rest, comma := strings.Cut(q, ",")
	if !comma {
		rest, family = q, ""
	}
	var names []string
	var birth, muni string
	bad := func(key string) map[string]views.Text { return map[string]views.Text{"q": views.Msg(key)} }
	classify := func(w string) map[string]views.Text {
		switch {
		case isName(w):
			names = append(names, w)
		case isDateWord(w):
			d, ok := parseDate(w)
			if !ok {
				return bad("search.error.bad_date")
			}
			if birth != "" {
				return bad("search.error.two_dates")
			}
			if d.After(now) {
				return bad("search.error.future_date")
			}
			birth = d.Format(time.DateOnly)
		case len(w) == 4 && allDigits(w):
			y, _ := strconv.Atoi(w)
			if w[0] != '0' && y >= 1900 && y <= now.Year() {
				if birth != "" {
					return bad("search.error.two_dates")
				}
				birth = w
				return nil
			}
			if muni != "" {
				return bad("search.error.two_municipalities")
			}
			muni = w
		case allDigits(w):
			return bad("search.error.number_word")
		default:
			return bad("search.error.name_chars")
		}
		return nil
	}
	for _, w := range strings.Fields(rest) {
		if m := classify(w); m != nil {
			return m
		}
	}
	var familyWords []string
	for _, w := range strings.Fields(family) {
		if !isName(w) {
			return bad("search.error.family_chars")
		}
		familyWords = append(familyWords, w)
	}
	if birth == "" && muni == "" {
		k, found := municipalityAtEnd(names, len(familyWords))
		switch {
		case len(found) > 1:
			return map[string]views.Text{"q": municipalityChoice(strings.Join(names[len(names)-k:], " "), found)}
		case len(found) == 1:
			muni, names = found[0].Number, names[:len(names)-k]
		}
	}
	letters := 0
	for _, w := range append(familyWords, names...) {
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
	}
	switch {
	case len(names) == 0 && len(familyWords) == 0:
		return bad("search.error.need_name")
	case letters < 3:
		return bad("search.error.name_short")
	case birth == "" && muni == "":
		return bad("search.error.need_date")
	}

	sq := person.SearchQuery{BirthDate: birth, MunicipalityNumber: muni}
	switch {
	case len(familyWords) > 0:
		sq.FamilyName = strings.Join(familyWords, " ")
		sq.FullName = strings.Join(names, " ")
	case len(names) > 3:
		// The API reads only the first three words of FullName; keep the
		// family name, which is the most telling.
		sq.FamilyName = names[len(names)-1]
		sq.FullName = strings.Join(names[:2], " ")
	default:
		sq.FullName = strings.Join(names, " ")
	}
	for _, fl := range []struct{ name, value string }{
		{"FullName", sq.FullName}, {"FamilyName", sq.FamilyName},
		{"BirthDate", sq.BirthDate}, {"MunicipalityNumber", sq.MunicipalityNumber},
	} {
		if fl.value != "" {
			f.fields = append(f.fields, fl.name)
		}
	}
	f.query = sq
	return nil
}

// maxMunicipalityWords is the longest municipality name read at the end of
// a query: a homonym with its county, "Herøy Møre og Romsdal".
const maxMunicipalityWords = 4

// municipalityAtEnd returns the longest run of the last k names that
// names one or more municipalities, leaving at least one name word (others
// counts the family name before a comma); found is nil when none does.
func municipalityAtEnd(names []string, others int) (k int, found []municipality.Municipality) {
	for k = min(maxMunicipalityWords, len(names), len(names)+others-1); k > 0; k-- {
		if found = municipality.Lookup(strings.Join(names[len(names)-k:], " ")); len(found) > 0 {
			return k, found
		}
	}
	return 0, nil
}

// municipalityChoice asks for the number of one of the municipalities
// that share the name typed: "Herøy finnes i Møre og Romsdal (1515) og
// Nordland (1818)".
func municipalityChoice(typed string, found []municipality.Municipality) views.Text {
	var list views.Worded
	for i, m := range found {
		where := m.Qualifier() // the county, for KLASS's homonyms
		if where == "" {
			where = m.Name
		}
		c := views.Msg("search.error.municipality_candidate", where, m.Number)
		switch i {
		case 0:
			list = c
		case len(found) - 1:
			list = views.Msg("search.error.municipality_and", list, c)
		default:
			list = views.Join{list, views.Plain(", "), c}
		}
	}
	return views.Msg("search.error.municipality_ambiguous", typed, list)
}

// isName accepts a word of letters, with hyphens and apostrophes inside
// (Anne-Lise, O'Brien), as the API's name fields do.
func isName(w string) bool {
	if w == "" {
		return false
	}
	hasLetter := false
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			hasLetter = true
		case r == '-' || r == '\'' || r == '’':
		default:
			return false
		}
	}
	return hasLetter
}

func allDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// isDateWord reports whether w is shaped like a date: digits in three
// groups with dots, slashes or hyphens between them.
func isDateWord(w string) bool {
	seps := 0
	for _, r := range w {
		switch {
		case r >= '0' && r <= '9':
		case r == '.' || r == '/' || r == '-':
			seps++
		default:
			return false
		}
	}
	return seps == 2
}

// parseDate reads dd.mm.yyyy (also d.m.yyyy, with / or -) and yyyy-mm-dd.
func parseDate(w string) (time.Time, bool) {
	for _, layout := range []string{"2.1.2006", "2/1/2006", "2-1-2006", "2006-1-2"} {
		if t, err := time.Parse(layout, w); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
