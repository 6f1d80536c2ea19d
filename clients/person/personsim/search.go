package personsim

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oppslag/oppslag/clients/person"
)

// maxSearchResults is the most persons search/person returns.
const maxSearchResults = 100

// searchQuery is a parsed and validated search/person form.
type searchQuery struct {
	person.SearchQuery
	fullNameWords []string // lower-cased, at most 3
}

var (
	reBirthDate = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`)
	reFourDigit = regexp.MustCompile(`^[0-9]{4}$`)
)

// parseSearch validates the form as the API documents it; when a rule does
// not hold it returns the ProblemDetails title saying which.
func parseSearch(form url.Values) (*searchQuery, string) {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	q := &searchQuery{SearchQuery: person.SearchQuery{
		BirthDate:          get("BirthDate"),
		Gender:             person.Gender(get("Gender")),
		FullName:           get("FullName"),
		GivenName:          get("GivenName"),
		MiddleName:         get("MiddleName"),
		FamilyName:         get("FamilyName"),
		StreetAddress:      get("StreetAddress"),
		PostalCode:         get("PostalCode"),
		CityName:           get("CityName"),
		MunicipalityNumber: get("MunicipalityNumber"),
	}}

	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"FullName", q.FullName, 600}, {"GivenName", q.GivenName, 200},
		{"MiddleName", q.MiddleName, 200}, {"FamilyName", q.FamilyName, 200},
		{"CityName", q.CityName, 100},
	} {
		if f.value == "" {
			continue
		}
		if utf8.RuneCountInString(f.value) > f.max {
			return nil, f.name + " is longer than allowed"
		}
		if !onlyRunes(f.value, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsSpace(r) || r == '-' }) {
			return nil, f.name + " may contain only letters, spaces and hyphens"
		}
	}
	if q.StreetAddress != "" {
		if utf8.RuneCountInString(q.StreetAddress) > 200 {
			return nil, "StreetAddress is longer than allowed"
		}
		if !onlyRunes(q.StreetAddress, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsSpace(r) || unicode.IsNumber(r) }) {
			return nil, "StreetAddress may contain only letters, digits and spaces"
		}
	}
	if q.BirthDate != "" && !validBirthDate(q.BirthDate) {
		return nil, "BirthDate must be YYYY, YYYY-MM or YYYY-MM-DD"
	}
	if q.Gender != "" && !q.Gender.Known() {
		return nil, "Gender must be Female or Male"
	}
	if q.PostalCode != "" && !reFourDigit.MatchString(q.PostalCode) {
		return nil, "PostalCode must be exactly four digits"
	}
	if q.MunicipalityNumber != "" && !reFourDigit.MatchString(q.MunicipalityNumber) {
		return nil, "MunicipalityNumber must be exactly four digits"
	}

	names := q.FullName + q.GivenName + q.MiddleName + q.FamilyName
	if names == "" {
		return nil, "At least one of FullName, GivenName, MiddleName or FamilyName is required"
	}
	if countLetters(names) < 3 {
		return nil, "The name fields must contain at least 3 letters in all"
	}
	if q.BirthDate == "" && q.MunicipalityNumber == "" && countLetters(q.StreetAddress) < 3 {
		return nil, "BirthDate, MunicipalityNumber or a StreetAddress of at least 3 letters is required"
	}
	words := strings.FieldsFunc(strings.ToLower(q.FullName), func(r rune) bool { return unicode.IsSpace(r) || r == '-' })
	q.fullNameWords = words[:min(3, len(words))]
	return q, ""
}

func validBirthDate(s string) bool {
	if !reBirthDate.MatchString(s) {
		return false
	}
	layout := "2006-01-02"[:len(s)]
	_, err := time.Parse(layout, s)
	return err == nil
}

func onlyRunes(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

func countLetters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// nameParts splits names into lower-case parts at spaces and hyphens.
func nameParts(names ...string) []string {
	var out []string
	for _, n := range names {
		out = append(out, strings.FieldsFunc(strings.ToLower(n), func(r rune) bool { return unicode.IsSpace(r) || r == '-' })...)
	}
	return out
}

// prefixOf reports whether q (already trimmed) is a case-insensitive prefix
// of s; strings.ToLower handles æ, ø, å and the Sámi letters.
func prefixOf(q, s string) bool {
	return strings.HasPrefix(strings.ToLower(s), strings.ToLower(q))
}

// matches applies q to p's current data only (search does not look at
// history). With restricted access the address criteria never match a
// person whose addresses are protected, so a search cannot confirm where
// such a person lives (INFERENCE, S19).
func (q *searchQuery) matches(p *person.Person, restricted, includeAin bool) bool {
	if !includeAin {
		for _, n := range person.Valid(p.NorwegianIdentificationNumber) {
			if n.IdentificationNumberType == person.AlternateIdentificationNumber {
				return false
			}
		}
	}
	name := p.CurrentName()
	if name == nil {
		return false
	}
	if q.GivenName != "" && !prefixOf(q.GivenName, name.GivenName) ||
		q.MiddleName != "" && !prefixOf(q.MiddleName, name.MiddleName) ||
		q.FamilyName != "" && !prefixOf(q.FamilyName, name.FamilyName) {
		return false
	}
	if len(q.fullNameWords) > 0 {
		parts := nameParts(name.GivenName, name.MiddleName, name.FamilyName)
		for _, w := range q.fullNameWords {
			if !slices.ContainsFunc(parts, func(part string) bool { return strings.HasPrefix(part, w) }) {
				return false
			}
		}
	}
	if q.Gender != "" && p.CurrentGender() != q.Gender {
		return false
	}
	if q.BirthDate != "" {
		b := p.CurrentBirth()
		if b == nil || !strings.HasPrefix(b.BirthDate.DateOnly(), q.BirthDate) {
			return false
		}
	}
	if q.StreetAddress == "" && q.PostalCode == "" && q.CityName == "" && q.MunicipalityNumber == "" {
		return true
	}
	if restricted && protectedPerson(p) {
		return false
	}
	a := p.CurrentResidentialAddress()
	if a == nil || restricted && a.AddressConfidentiality.Protected() {
		return false
	}
	municipality, city := "", (*person.City)(nil)
	switch {
	case a.StreetAddress != nil:
		municipality, city = a.StreetAddress.MunicipalityNumber, a.StreetAddress.City
	case a.CadastralAddress != nil:
		city = a.CadastralAddress.City
		if a.CadastralAddress.CadastralNumber != nil {
			municipality = a.CadastralAddress.CadastralNumber.MunicipalityNumber
		}
	case a.UnknownResidence != nil:
		municipality = a.UnknownResidence.MunicipalityNumber
	}
	if q.MunicipalityNumber != "" && municipality != q.MunicipalityNumber {
		return false
	}
	if q.PostalCode != "" && (city == nil || city.PostalCode != q.PostalCode) {
		return false
	}
	if q.CityName != "" && (city == nil || !prefixOf(q.CityName, city.CityName)) {
		return false
	}
	if q.StreetAddress != "" && !streetMatches(q.StreetAddress, a.StreetAddress) {
		return false
	}
	return true
}

// streetMatches compares a free-text street query ("Hellhaugan 160 B",
// "hellhaugan 160b", "hellh") with a street address by prefix, ignoring case
// and spacing.
func streetMatches(query string, sa *person.StreetAddress) bool {
	if sa == nil {
		return false
	}
	squash := func(s string) string {
		return strings.Join(strings.Fields(strings.ToLower(s)), "")
	}
	full := sa.AddressName
	if n := sa.AddressNumber; n != nil {
		full += " " + n.HouseNumber + n.HouseLetter
	}
	return strings.HasPrefix(squash(full), squash(query))
}
