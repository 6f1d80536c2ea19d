// Package unit is the rule for showing the unit of a lab result as a
// clinician reads it on paper: "10⁹/L", not the "10*9/L" (UCUM),
// "10^9/L" or "x10E9/L" that laboratory systems send because their
// messages are ASCII.
//
// It changes only what has one reading, and returns the unit as received
// otherwise: a unit is part of the value, and a guessed unit is a wrong
// value. No letter is re-cased ("mmol/l" stays), no unit is converted and
// no laboratory's own name for a unit ("mIE/L", "INR") is touched.
package unit

import (
	"regexp"
	"strings"
)

// Typeset returns a unit as it is typeset, with decimal (',' or '.') as the
// decimal mark of a number in it, the mark of the reader's language:
//
//   - a power of ten: "10^9/L", "10*9/L" (UCUM), "10E9/L", "10e9/L" become
//     "10⁹/L"; a multiplication sign before it stays one ("x10E9/L",
//     "X10^9/L" become "×10⁹/L"), and a negative power keeps its sign
//     ("10E-3/L" becomes "10⁻³/L");
//   - the micro prefix written "u" before mol, g, L, l, IU, U or kat
//     ("umol/L", "10*3/uL") becomes "µ" (U+00B5, the micro sign);
//   - UCUM's brackets round the international unit ("[IU]/L", "m[iU]/L")
//     are dropped;
//   - a square or cubic metre written with a digit or a caret ("m2",
//     "m^3", "cm2") gets a superscript, and a body-surface factor glued to
//     it or written as a UCUM annotation ("1.73m2", "{1.73_m2}") gets a
//     space and the reader's decimal mark: "mL/min/1,73 m²".
//
// Anything else — an unknown layout, a power outside 0–99, digits that
// are part of a name — is left as it came.
func Typeset(raw string, decimal rune) string {
	if raw == "" || !strings.ContainsAny(raw, "0123456789u[") {
		return raw
	}
	s := powerOfTen.ReplaceAllStringFunc(raw, func(m string) string {
		p := powerOfTen.FindStringSubmatch(m)
		times := ""
		if p[2] != "" {
			times = "×"
		}
		return p[1] + times + "10" + superscript(p[4]+p[5]) + p[6]
	})
	s = micro.ReplaceAllString(s, "${1}µ${2}${3}")
	s = strings.NewReplacer("[IU]", "IU", "[iU]", "IU").Replace(s)
	s = bodySurface.ReplaceAllStringFunc(s, func(m string) string {
		p := bodySurface.FindStringSubmatch(m)
		return p[1] + p[2] + string(decimal) + p[3] + " m" + superscript(p[4]) + p[5]
	})
	s = area.ReplaceAllStringFunc(s, func(m string) string {
		p := area.FindStringSubmatch(m)
		return p[1] + p[2] + "m" + superscript(p[3]) + p[4]
	})
	return s
}

// The patterns match a whole part of the unit, between the start or a
// separator and a "/", a space, ")" or the end, so that "10" in "g/100mL"
// or "u" in "mU/L" is never read as a power or a prefix. Each keeps the
// separators it matched (groups 1 and last) to put them back. Go's RE2 has
// no lookaround, so a separator is consumed; units never have two matches
// sharing one.
var (
	powerOfTen  = regexp.MustCompile(`(^|[/( ])([xX×]\s?)?(10)(?:\^|\*|[eE])(-?)([0-9]{1,2})($|[/) ])`)
	micro       = regexp.MustCompile(`(^|[/( ·.*])u(mol|g|L|l|IU|U|kat)($|[/) 0-9])`)
	bodySurface = regexp.MustCompile(`(/)\{?([0-9]+)[.,]([0-9]+)[ _]?m\^?(2)\}?($|[/) ])`)
	area        = regexp.MustCompile(`(^|[/( ])(c|d|m)?m\^?([23])($|[/) ])`)
)

// superscript writes digits and a minus sign as superscripts.
func superscript(s string) string {
	return strings.NewReplacer(
		"-", "⁻", "0", "⁰", "1", "¹", "2", "²", "3", "³", "4", "⁴",
		"5", "⁵", "6", "⁶", "7", "⁷", "8", "⁸", "9", "⁹",
	).Replace(s)
}
