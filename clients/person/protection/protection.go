// Package protection is the address-protection rule (S19): for one person
// document it decides which address items may be shown and, for the hidden
// ones, why and at which level. It is the only place that decides; the
// overview, the addresses panel, the timeline (entries, the as-of card and
// the diff), the family panel and graph, and any later print view or export
// call it and render what it says.
//
// The package lives under clients/person, beside the model it reads: the
// repository's top level is fixed (cmd, web, views, static, handlers,
// clients), the rule reads nothing but a person.Person, and it has no HTTP,
// no language and no view model, so the handlers and anything else that
// shows or exports an address can share it.
//
// The rule, failing closed at every step:
//
//  1. The person's level is the strictest of their current AddressProtection
//     items (isValid true or absent), not merely the first: a document with
//     a current Unclassified item and a current Confidential item is
//     Confidential. A level the API may add later ranks above
//     StrictlyConfidential and hides like it.
//  2. A person whose level is Confidential, StrictlyConfidential or unknown
//     shows no address of any kind or time: residential, present, shared
//     residence, postal and foreign postal, current and historic.
//  3. Otherwise an item graded Confidential, StrictlyConfidential or unknown
//     on its own is hidden.
//  4. Otherwise an item whose validity overlaps a past period of protection
//     (an AddressProtection item, current or historic, at a protected level)
//     is hidden, so an address from a protected period stays hidden after
//     the protection ended. An item or a period without a readable start or
//     end is open on that side, so it overlaps (fail-closed).
//  5. A relative's addresses are never shown on another person's pages: the
//     family panel and graph show only whether, and at which level, the
//     relative is protected.
//
// ClientAddress is not protection: an item graded ClientAddress is shown,
// and it is the client address, not where the person lives (S19: "shows
// only the client address"); the verdict says so, so the page can label it.
//
// Before this package the overview applied rules 2 and 3 with the first
// current level, and the timeline applied 2, 3 and 4 with the first current
// level. The overview now also hides historic addresses from a past
// protected period (rule 4), and both use the strictest current level
// (rule 1): the stricter rule, and it hides nothing S19 allows to be shown.
package protection

import "github.com/oppslag/oppslag/clients/person"

// Cause is why an address item is hidden; "" when it is shown.
type Cause string

// The causes, in the order the rule checks them.
const (
	Shown    Cause = ""
	Person   Cause = "person"   // the person's current overall protection (rule 2)
	Item     Cause = "item"     // the item's own grade (rule 3)
	Past     Cause = "past"     // the item overlaps a past period of protection (rule 4)
	Relative Cause = "relative" // a relative's address (rule 5)
)

// Verdict is the rule's decision on one address item.
type Verdict struct {
	// Hidden is true when nothing of the address may reach a page, fragment,
	// print view, export or log.
	Hidden bool
	// Cause says why it is hidden.
	Cause Cause
	// Level is, for a hidden item, the protection level that hides it
	// (Confidential, StrictlyConfidential or the unknown value as received;
	// "" for a relative's address that is hidden only because it is a
	// relative's). For a shown item it is ClientAddress when the item is a
	// client address, else "".
	Level person.AddressConfidentiality
}

// ClientAddress reports whether the item is shown as a client address.
func (v Verdict) ClientAddress() bool { return !v.Hidden && v.Level == person.ClientAddress }

// span is a period of protection: days YYYY-MM-DD, "" open.
type span struct {
	from, to string
	level    person.AddressConfidentiality
}

// Rule is the protection of one person document, read once; Decide applies
// it to each address item.
type Rule struct {
	relative bool
	level    person.AddressConfidentiality
	spans    []span
}

// Of reads the protection of the person looked up. A nil document decides
// nothing shown: every item is hidden at an unknown level.
func Of(p *person.Person) Rule { return of(p, false) }

// OfRelative reads the protection of a relative as the family panel and
// graph see them: every address item is hidden, and Level says whether and
// how the relative is protected.
func OfRelative(p *person.Person) Rule { return of(p, true) }

func of(p *person.Person, relative bool) Rule {
	r := Rule{relative: relative}
	if p == nil {
		r.level = unknown
		return r
	}
	for _, a := range p.AddressProtection {
		if a.Current() && rank(a.ProtectionLevel) > rank(r.level) {
			r.level = a.ProtectionLevel
		}
		if a.ProtectionLevel.Protected() {
			r.spans = append(r.spans, span{from: start(a.Meta), to: a.ToDay(), level: a.ProtectionLevel})
		}
	}
	return r
}

// unknown stands for a level the rule could not read (a nil document).
const unknown person.AddressConfidentiality = "Unknown"

// rank orders the levels; an unknown value ranks highest (fail-closed).
func rank(a person.AddressConfidentiality) int {
	switch a {
	case "":
		return 0
	case person.Unclassified:
		return 1
	case person.ClientAddress:
		return 2
	case person.Confidential:
		return 3
	case person.StrictlyConfidential:
		return 4
	}
	return 5
}

// Level is the person's current overall protection: the strictest current
// AddressProtection level, "" when there is none.
func (r Rule) Level() person.AddressConfidentiality { return r.level }

// Protected reports whether the person as a whole is protected (rule 2):
// no address of theirs is shown, and the page says why at Level.
func (r Rule) Protected() bool { return r.level.Protected() }

// ClientAddress reports whether the person's current overall grade is
// ClientAddress.
func (r Rule) ClientAddress() bool { return r.level == person.ClientAddress }

// Decide is the one decision on one address item with metadata m and its
// own grade: whether it may be shown and, if not, why.
func (r Rule) Decide(m person.Meta, grade person.AddressConfidentiality) Verdict {
	if r.Protected() {
		return Verdict{Hidden: true, Cause: Person, Level: r.level}
	}
	if grade.Protected() {
		return Verdict{Hidden: true, Cause: Item, Level: grade}
	}
	var past person.AddressConfidentiality
	from, to := start(m), m.ToDay()
	for _, s := range r.spans {
		// Two periods overlap unless one ends before the other starts.
		if (to == "" || s.from == "" || s.from < to) && (s.to == "" || from == "" || from < s.to) && rank(s.level) > rank(past) {
			past = s.level
		}
	}
	if past != "" {
		return Verdict{Hidden: true, Cause: Past, Level: past}
	}
	if r.relative {
		return Verdict{Hidden: true, Cause: Relative}
	}
	if grade == person.ClientAddress {
		return Verdict{Level: person.ClientAddress}
	}
	return Verdict{}
}

// start is the Norwegian day an item began: validFrom, else registeredAt,
// else "". An unreadable validFrom counts as no start, which keeps an item
// in every protected period (fail-closed).
func start(m person.Meta) string {
	if !m.ValidFrom.IsZero() {
		return m.FromDay()
	}
	return person.Day(m.RegisteredAt)
}

// Start is the day an item began as the rule reads it (see Decide): the
// timeline uses the same reading to place items on a day.
func Start(m person.Meta) string { return start(m) }
