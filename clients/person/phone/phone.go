// Package phone is the rule for showing a telephone number from the
// Contact and Reservation Register (KRR), which sends it in E.164 form
// without spaces ("+4740480675"), so that a clinician reads it back as
// Norwegians write it: "+47 404 80 675".
//
// It has no HTTP and no language: a number is grouped the same in every
// language. A value it cannot read with certainty is shown as received —
// a wrongly grouped number is worse than an ungrouped one.
package phone

import "strings"

// Format groups a telephone number for reading.
//
// A Norwegian number (+47, 0047 or eight digits without a prefix) is
// grouped as the Norwegian numbering plan writes it: mobile numbers (4xx,
// 9xx) and the non-geographic 8xx numbers 3-2-3 ("404 80 675"), the
// geographic ones (2, 3, 5, 6, 7) 2-2-2-2 ("22 12 34 56"). A foreign number
// keeps its country code, set apart by a space, and its national part in
// groups of three with a last group of two to four digits: there is no
// one grouping for all countries, and threes are what E.123's examples
// use. Anything else — letters, an extension, too few or too many digits,
// a Norwegian number that is not eight digits — is returned as received.
func Format(raw string) string {
	s := strings.TrimSpace(raw)
	intl := false
	switch {
	case strings.HasPrefix(s, "+"):
		intl, s = true, s[1:]
	case strings.HasPrefix(s, "00"):
		intl, s = true, s[2:]
	}
	digits, ok := digitsOf(s)
	if !ok {
		return raw
	}
	if !intl {
		if g, ok := norwegian(digits); ok {
			return g
		}
		return raw
	}
	// E.164: at most 15 digits with the country code.
	if len(digits) < 7 || len(digits) > 15 {
		return raw
	}
	cc := countryCode(digits)
	rest := digits[len(cc):]
	if cc == "47" {
		if g, ok := norwegian(rest); ok {
			return "+47 " + g
		}
		return raw
	}
	if len(rest) < 4 {
		return raw
	}
	return "+" + cc + " " + threes(rest)
}

// digitsOf is s without the separators people type (space, hyphen, dot,
// parentheses); false when anything else is in it.
func digitsOf(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}

// norwegian groups an eight-digit Norwegian number by its first digit;
// false for any other length or for the 0 and 1 series (special and short
// numbers, not subscribers).
func norwegian(d string) (string, bool) {
	if len(d) != 8 {
		return "", false
	}
	switch d[0] {
	case '4', '9', '8':
		return d[:3] + " " + d[3:5] + " " + d[5:], true
	case '2', '3', '5', '6', '7':
		return d[:2] + " " + d[2:4] + " " + d[4:6] + " " + d[6:], true
	}
	return "", false
}

// twoDigitCodes are the country calling codes of two digits (ITU-T E.164
// assignments); 1 and 7 are the one-digit ones and every other code has
// three digits, which is how a number's code is found without a table per
// country.
var twoDigitCodes = map[string]bool{
	"20": true, "27": true, "30": true, "31": true, "32": true, "33": true, "34": true, "36": true,
	"39": true, "40": true, "41": true, "43": true, "44": true, "45": true, "46": true, "47": true,
	"48": true, "49": true, "51": true, "52": true, "53": true, "54": true, "55": true, "56": true,
	"57": true, "58": true, "60": true, "61": true, "62": true, "63": true, "64": true, "65": true,
	"66": true, "81": true, "82": true, "84": true, "86": true, "90": true, "91": true, "92": true,
	"93": true, "94": true, "95": true, "98": true,
}

// countryCode is the country calling code that d starts with.
func countryCode(d string) string {
	switch {
	case d[0] == '1' || d[0] == '7':
		return d[:1]
	case twoDigitCodes[d[:2]]:
		return d[:2]
	}
	return d[:3]
}

// threes groups digits in threes, the last group two to four long.
func threes(d string) string {
	var parts []string
	for len(d) > 4 {
		parts = append(parts, d[:3])
		d = d[3:]
	}
	return strings.Join(append(parts, d), " ")
}
