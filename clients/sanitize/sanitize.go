// Package sanitize makes what an upstream sent safe to keep, show in a typed
// error and log. Text: the request's identity numbers and every run of 11
// or more digits are masked, control characters dropped, and the length
// capped (ProblemDetails, OperationOutcome). JSON: a body is decoded
// strictly, and a decoding error names its kind and place but never quotes
// the body, which may hold an identity number.
package sanitize

import (
	"regexp"
	"strings"
	"unicode"
)

// longDigits matches what could be an identity number.
var longDigits = regexp.MustCompile(`[0-9]{11,}`)

// Text masks each of secrets and every digit run of 11 or more in s with
// "***", drops control characters and keeps at most max runes (then "…").
// Control characters go first, so that one hidden inside a number cannot
// split it into runs too short to mask.
func Text(s string, secrets []string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	s = longDigits.ReplaceAllString(s, "***")
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
