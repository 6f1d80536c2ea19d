// Package basis holds the access-basis rules of the lab results (S16,
// S17): which bases the chooser offers and which only the emergency form
// binds, in which requester role a user may ask, how long a basis stays
// bound, and what an emergency opening must state.
//
// It lives under clients/labs beside the basis codes the service reads,
// with no HTTP and no language: the handlers parse the forms, call these
// rules, and word what they refuse.
package basis

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oppslag/oppslag/clients/labs"
)

// Lifetime is how long a basis chosen in the chooser stays bound.
const Lifetime = 4 * time.Hour

// DefaultEmergencyWindow is how long an emergency opening lasts unless
// configured otherwise (Kjernejournal practice).
const DefaultEmergencyWindow = 4 * time.Hour

// Chooser returns the bases the chooser offers, in its order: every basis
// but the emergency ones, which need the emergency form's reason.
func Chooser() []string {
	return []string{labs.BasisUnntak, labs.BasisSamtykke, labs.BasisForhoyetSamtykke}
}

// Emergency returns the bases only the emergency form binds, in its order.
func Emergency() []string { return []string{labs.BasisAkutt, labs.BasisForhoyetAkutt} }

// Reasons returns the codes of the emergency form's list of reasons, in
// its order.
func Reasons() []string {
	return []string{"life_threatening", "unconscious", "cannot_consent", "urgent_treatment", "other"}
}

// Limits on the clinician's own words in an emergency opening, in
// characters: enough to say why, short enough for one audit line.
const (
	TextMin = 10
	TextMax = 500
)

// RoleAllowed reports whether role may be the requester role of a user
// with the HPR roles roles: one of them, or none when the user has none.
func RoleAllowed(roles []string, role string) bool {
	if len(roles) == 0 {
		return role == ""
	}
	return slices.Contains(roles, role)
}

// Problem is what an emergency opening lacks; "" when nothing.
type Problem string

// The problems of a text.
const (
	TextShort Problem = "text_short"
	TextLong  Problem = "text_long"
)

// CheckText says what is wrong with the clinician's own words, as
// CleanText left them; "" when nothing.
func CheckText(s string) Problem {
	switch n := utf8.RuneCountInString(s); {
	case n < TextMin:
		return TextShort
	case n > TextMax:
		return TextLong
	}
	return ""
}

// CleanText trims the clinician's words and turns control characters
// (line breaks included) and invalid bytes into spaces, so the reason is
// one line in the audit log.
func CleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// AuditReason is an emergency opening's reason as the audit record keeps
// it, and as the basis carries it: the code from the list, then the
// clinician's words.
func AuditReason(code, text string) string { return code + ": " + text }

// ReasonCode is the code from the list in a reason AuditReason made.
func ReasonCode(reason string) string {
	code, _, _ := strings.Cut(reason, ":")
	return code
}
