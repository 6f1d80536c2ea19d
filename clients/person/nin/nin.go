// Package nin parses, validates and generates Norwegian national identity
// numbers: fødselsnummer, D-number, H-number and NHN's felles hjelpenummer
// (FH), including Test-Norge's synthetic numbers and the check-digit rule
// that Folkeregisteret starts using on 1 January 2032.
//
// The rules follow /work/shared/spec/upstreams.md §5 and its sources:
//   - Structure (DDMMYY + three individual digits + two check digits), the
//     individual-number century table and gender parity: Forskrift om
//     folkeregistrering §2-2 as quoted on lovas.info/2013/12/01/identitetsnummer-i-norge/,
//     and the table on matematikk.org.
//   - Check digits (mod 11, weights 3 7 6 1 8 9 4 5 2 and 5 4 3 2 7 6 5 4 3 2):
//     navikt/fnrvalidator src/validator.ts and fnrinfo.no/Teknisk/KontrollsifferBeregning.aspx.
//   - The 2032 reform (k1 remainder 0, 1, 2 or 3; gender and birth date to be
//     read from FREG, not from the number): skatteetaten.no/en/deling/opplysninger/folkeregisteropplysninger/pid/,
//     skatteetaten.github.io/folkeregisteret-api-dokumentasjon/nytt-fodselsnummer-fra-2032/,
//     the k1 loop in navikt/fnrvalidator, statsbudsjettet.no 2018 and nhn.no (ny personidentifikator).
//   - D-number (day + 40) and H-number (month + 40): fnrinfo.no/Info/Oppbygging.aspx
//     and fnrinfo.no/Leksikon/H.aspx.
//   - Felles hjelpenummer (first digit 8 or 9, no date, fnr check digits):
//     nhn.no/hva-er-felles-hjelpenummer/.
//   - Synthetic Test-Norge numbers (month + 80) and the combined D+H and D+T
//     forms: navikt/fnrvalidator (validator.ts, README) and npm @navikt/fnrvalidator.
//
// Identity numbers are personal data: the errors of this package never
// contain the input, and Number's String, GoString and LogValue mask the
// individual and check digits.
package nin

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Kind tells which family an identity number belongs to.
type Kind int

const (
	// Fodselsnummer is the ordinary birth number assigned by Folkeregisteret.
	Fodselsnummer Kind = iota
	// DNumber is Folkeregisteret's number for persons without a fødselsnummer
	// (first digit 4–7: day + 40).
	DNumber
	// HNumber is an organisation-internal help number (month + 40). A number
	// that also carries the D-number day offset (navikt/fnrvalidator's
	// "dnr-and-hnr") is reported as HNumber too, because it is an internal
	// help number either way and must not be looked up in the register.
	HNumber
	// FellesHjelpenummer is NHN's shared help number (FH): first digit 8 or 9,
	// the rest random, with no date or gender in it.
	FellesHjelpenummer
)

// String returns a short stable name for the kind, fit for logs and metrics.
func (k Kind) String() string {
	switch k {
	case Fodselsnummer:
		return "fnr"
	case DNumber:
		return "dnr"
	case HNumber:
		return "hnr"
	case FellesHjelpenummer:
		return "fh"
	default:
		return fmt.Sprintf("Kind(%d)", int(k))
	}
}

// The sentinel errors of Parse; test for them with errors.Is. When a number
// has both bad check digits and an impossible date, Parse reports both.
var (
	// ErrLength means the input did not hold exactly 11 digits.
	ErrLength = errors.New("not 11 digits")
	// ErrNotDigits means the input held a character that is neither a digit
	// nor the one allowed separator after the date part.
	ErrNotDigits = errors.New("not only digits")
	// ErrChecksum means the check digits do not match, under either the
	// classic rule or the 2032 rule.
	ErrChecksum = errors.New("check digits do not match")
	// ErrDate means the day or month is impossible once the D-number,
	// H-number and synthetic offsets are removed.
	ErrDate = errors.New("impossible date")
)

// Number is a parsed, valid identity number. Obtain one from Parse; a Number
// built by hand is not checked.
type Number struct {
	// Digits is the number as 11 ASCII digits without separators.
	Digits string
	// Kind is the number's family.
	Kind Kind
	// Synthetic marks a Test-Norge number (month + 80, third digit 8 or 9),
	// also when combined with the D-number offset (e.g. 48895100539).
	Synthetic bool
	// Post2032 marks a number that passed only the 2032 k1 rule (weighted sum
	// including k1 has remainder 1, 2 or 3), not the classic one. Its date and
	// gender must come from FREG, not from the number.
	Post2032 bool
}

// Weights of the check digits, d1..d9 for k1 and d1..d9,k1 for k2.
var (
	weightsK1 = [9]int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	weightsK2 = [10]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
)

// Parse reads an identity number written as 11 digits, optionally with one
// space or hyphen between the date part and the personal part
// ("120579 00499", "120579-00499"); surrounding white space is ignored.
// It accepts check digits under the classic rule and under the 2032 rule
// (mirroring navikt/fnrvalidator) and returns errors wrapping ErrLength,
// ErrNotDigits, ErrChecksum or ErrDate. Errors never contain the input.
func Parse(s string) (Number, error) {
	digits, err := normalize(s)
	if err != nil {
		return Number{}, fmt.Errorf("nin: parse: %w", err)
	}
	var d [11]int
	for i := range d {
		d[i] = int(digits[i] - '0')
	}
	n := Number{Digits: digits}

	var errs []error
	classic, post2032 := checkRemainder(d)
	switch {
	case d[0] >= 8:
		// FH numbers are NHN's own series with fnr check digits; the 2032
		// reform is Folkeregisteret's and says nothing about them.
		n.Kind = FellesHjelpenummer
		if !classic {
			errs = append(errs, ErrChecksum)
		}
	default:
		if !classic && !post2032 {
			errs = append(errs, ErrChecksum)
		}
		n.Post2032 = !classic && post2032
		kind, synthetic, ok := kindOf(d)
		n.Kind, n.Synthetic = kind, synthetic
		if !ok || !dateValid(d, n.Post2032) {
			errs = append(errs, ErrDate)
		}
	}
	switch len(errs) {
	case 1:
		return Number{}, fmt.Errorf("nin: parse: %w", errs[0])
	case 2:
		// One line, unlike errors.Join, so a logged error stays one log line.
		return Number{}, fmt.Errorf("nin: parse: %w; %w", errs[0], errs[1])
	}
	return n, nil
}

// Valid reports whether Parse accepts s.
func Valid(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// normalize trims s, removes the one allowed separator after the date part
// and checks that 11 digits remain.
func normalize(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > 6 && (s[6] == ' ' || s[6] == '-') {
		s = s[:6] + s[7:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", ErrNotDigits
		}
	}
	if len(s) != 11 {
		return "", ErrLength
	}
	return s, nil
}

// checkRemainder applies both check-digit rules to d. classic holds when k1
// gives remainder 0 and k2 matches; post2032 when k1 gives remainder 1, 2 or 3
// and k2 matches. k2 is computed from the k1 actually present, as in
// navikt/fnrvalidator.
func checkRemainder(d [11]int) (classic, post2032 bool) {
	sum1 := d[9] // weight 1 for k1 itself
	for i, w := range weightsK1 {
		sum1 += w * d[i]
	}
	k2, ok := k2For(d[:9], d[9])
	if !ok || k2 != d[10] {
		return false, false
	}
	rest := sum1 % 11
	return rest == 0, rest >= 1 && rest <= 3
}

// k2For computes k2 from the first nine digits and k1; ok is false when the
// rule yields 10.
func k2For(first9 []int, k1 int) (int, bool) {
	sum := weightsK2[9] * k1
	for i := range 9 {
		sum += weightsK2[i] * first9[i]
	}
	k2 := 11 - sum%11
	switch k2 {
	case 11:
		return 0, true
	case 10:
		return 0, false
	}
	return k2, true
}

// CheckDigits computes k1 and k2 for the first nine digits under the classic
// rule; ok is false when first9 is not nine digits or either check digit would
// be 10, in which case no valid classic number starts with first9.
func CheckDigits(first9 string) (k1, k2 int, ok bool) {
	if len(first9) != 9 {
		return 0, 0, false
	}
	var d [9]int
	sum := 0
	for i := range d {
		c := first9[i]
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		d[i] = int(c - '0')
		sum += weightsK1[i] * d[i]
	}
	k1 = 11 - sum%11
	switch k1 {
	case 11:
		k1 = 0
	case 10:
		return 0, 0, false
	}
	k2, ok = k2For(d[:], k1)
	if !ok {
		return 0, 0, false
	}
	return k1, k2, true
}

// kindOf classifies a non-FH number by its day and month offsets; ok is false
// when the month digit fits no known offset (third digit 2, 3, 6 or 7).
func kindOf(d [11]int) (kind Kind, synthetic, ok bool) {
	dnr := d[0] >= 4 // d[0] is 0..7 here: 8 and 9 are FH
	switch d[2] {
	case 0, 1:
		if dnr {
			return DNumber, false, true
		}
		return Fodselsnummer, false, true
	case 4, 5:
		return HNumber, false, true
	case 8, 9:
		if dnr {
			return DNumber, true, true
		}
		return Fodselsnummer, true, true
	}
	return 0, false, false
}

// dayMonthYY returns the calendar day, month and two-digit year with the
// D-number, H-number and synthetic offsets removed.
func dayMonthYY(d [11]int) (day, month, yy int) {
	day = 10*d[0] + d[1]
	if d[0] >= 4 {
		day -= 40
	}
	month = 10*d[2] + d[3]
	switch {
	case d[2] >= 8:
		month -= 80
	case d[2] >= 4:
		month -= 40
	}
	return day, month, 10*d[4] + d[5]
}

// individual returns the three individual digits as a number.
func individual(d [11]int) int {
	return 100*d[6] + 10*d[7] + d[8]
}

// century resolves the four-digit birth year from the two-digit year and the
// individual number (upstreams.md §5): 500–749 with year ≥ 54 → 1854–1899;
// 000–499 → 1900–1999; 900–999 with year ≥ 40 → 1940–1999; 500–999 with
// year < 40 → 2000–2039. Other combinations are not allocated; ok is false.
func century(yy, ind int) (year int, ok bool) {
	switch {
	case ind <= 499:
		return 1900 + yy, true
	case yy < 40:
		return 2000 + yy, true
	case ind <= 749 && yy >= 54:
		return 1800 + yy, true
	case ind >= 900:
		return 1900 + yy, true
	}
	return 0, false
}

// dateValid reports whether the day and month exist. When the century is
// known from the individual number the exact year decides 29 February. A
// Post2032 number does not promise the century table, and a classic number
// outside the table is still accepted (navikt/fnrvalidator checks no century
// either, and a search form must not turn away a number the register may
// hold); for those, 29 February is allowed when the two-digit year is
// divisible by 4, which is true of some century for every such year.
func dateValid(d [11]int, post2032 bool) bool {
	day, month, yy := dayMonthYY(d)
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	year, ok := century(yy, individual(d))
	if post2032 || !ok {
		year = 2000 + yy // 2000 is a leap year, so yy%4 == 0 decides
	}
	return day <= daysIn(year, time.Month(month))
}

// daysIn returns the number of days in the month of the year.
func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// digitsOf returns n's digits as numbers; ok is false when n.Digits is not
// 11 ASCII digits (a Number not made by Parse).
func (n Number) digitsOf() (d [11]int, ok bool) {
	if len(n.Digits) != 11 {
		return d, false
	}
	for i := range d {
		c := n.Digits[i]
		if c < '0' || c > '9' {
			return d, false
		}
		d[i] = int(c - '0')
	}
	return d, true
}

// BirthDate returns the birth date encoded in the number, at midnight UTC,
// with the century taken from the individual-number table. It returns false
// for FH numbers (no date), for Post2032 numbers (after the 2032 reform the
// date must come from FREG), and when the individual number lies outside the
// century table.
func (n Number) BirthDate() (time.Time, bool) {
	d, ok := n.digitsOf()
	if !ok || n.Kind == FellesHjelpenummer || n.Post2032 {
		return time.Time{}, false
	}
	day, month, yy := dayMonthYY(d)
	year, ok := century(yy, individual(d))
	if !ok || month < 1 || month > 12 || day < 1 || day > daysIn(year, time.Month(month)) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), true
}

// Gender returns "female" for an even ninth digit and "male" for an odd one.
// It returns false for FH numbers and for Post2032 numbers, which are
// gender-neutral; FREG's gender field is the source for those.
func (n Number) Gender() (string, bool) {
	d, ok := n.digitsOf()
	if !ok || n.Kind == FellesHjelpenummer || n.Post2032 {
		return "", false
	}
	if d[8]%2 == 0 {
		return "female", true
	}
	return "male", true
}

// Format returns the number grouped for display as "DDMMYY NNNNN". It shows
// every digit; use it only where the full number may be shown to the user.
func (n Number) Format() string {
	if _, ok := n.digitsOf(); !ok {
		return n.Digits
	}
	return n.Digits[:6] + " " + n.Digits[6:]
}

// maskedPersonal replaces the individual and check digits in String.
const maskedPersonal = "*****"

// String returns the masked form "DDMMYY *****". A Number is easily printed by
// accident (%v in a log line or an error message), and an identity number must
// never reach a log (security.md S29); the date part alone does not identify a
// person, and it still tells an operator which record a line is about. Use
// Format or Digits to get the full number deliberately.
func (n Number) String() string {
	if _, ok := n.digitsOf(); !ok {
		return "****** " + maskedPersonal
	}
	return n.Digits[:6] + " " + maskedPersonal
}

// GoString returns the masked form for %#v, which would otherwise print the
// Digits field in full.
func (n Number) GoString() string {
	return fmt.Sprintf("nin.Number{Digits:%q, Kind:%s, Synthetic:%t, Post2032:%t}",
		n.String(), n.Kind, n.Synthetic, n.Post2032)
}

// LogValue makes log/slog record the masked form; without it the JSON handler
// would write the Digits field in full.
func (n Number) LogValue() slog.Value {
	return slog.StringValue(n.String())
}

// HasDigitRun reports whether s holds n or more ASCII digits in a row. With
// n = 11 it is the test for "may hold an identity number", whatever the
// check digits say: what must never go into a URL, a filter or a session
// id is refused on its shape alone.
func HasDigitRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			run = 0
			continue
		}
		if run++; run >= n {
			return true
		}
	}
	return false
}
