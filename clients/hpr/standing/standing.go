// Package standing sums up what an HPR entry says about a person on one
// day, for the card, the search hits and the batch check: one word for the
// status, which approvals' categories to name, when something next needs
// renewing, what restricts the person, and the order the card lists the
// approvals in. hpr.StatusOn decides what holds on the day; this package
// decides how the pages summarise it, once, so the three places cannot
// drift.
//
// It lives under clients/hpr beside the model it reads, with no HTTP and no
// language: a Kind is a stable word the handlers translate ("hpr.status."
// + kind) and the views put in data attributes.
package standing

import (
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprindex"
)

// Kind is an entry's status on a day in one word.
type Kind string

// The kinds, in the order Of checks them: the first that holds wins.
const (
	Replaced  Kind = "replaced"  // the entry was replaced by another HPR number
	Deceased  Kind = "deceased"  // the person died on or before the day
	Suspended Kind = "suspended" // a suspension is in force
	Active    Kind = "active"    // may practise: a valid approval, not suspended
	Expired   Kind = "expired"   // has approvals, none valid on the day
	None      Kind = "none"      // has no approval at all
)

// Of sums st up. A replaced entry says so before anything else, because
// the current data is under the other number.
func Of(st hpr.Status) Kind {
	switch {
	case st.Replaced:
		return Replaced
	case st.Deceased:
		return Deceased
	case st.Suspended:
		return Suspended
	case st.Authorised():
		return Active
	case len(st.Approvals) > 0:
		return Expired
	}
	return None
}

// OfHit sums up a hit from the local index, which holds the status the
// export computed rather than the whole entry; the order is Of's.
func OfHit(hit hprindex.Hit) Kind {
	switch st := hit.Status; {
	case st.ReplacedBy != 0:
		return Replaced
	case st.Deceased:
		return Deceased
	case st.Suspended:
		return Suspended
	case st.Active:
		return Active
	case len(hit.Categories) > 0:
		return Expired
	}
	return None
}

// Categories are the categories to name for the entry: those of the
// approvals valid on the day, or of all approvals when none is, so an
// expired entry still says what the person was. Register order, repeats
// kept: the caller removes repeats of what it shows.
func Categories(st hpr.Status) []hpr.Code {
	var out []hpr.Code
	for _, a := range st.Current() {
		out = append(out, a.Category())
	}
	if len(out) == 0 {
		for _, a := range st.Approvals {
			out = append(out, a.Category())
		}
	}
	return out
}

// NextExpiry is the earliest end among the approvals valid on the day:
// when the person next needs something renewed. Zero when every current
// approval is open-ended or none is current.
func NextExpiry(st hpr.Status) hpr.Date {
	var earliest hpr.Date
	for _, a := range st.Current() {
		if !a.Expires.IsZero() && (earliest.IsZero() || a.Expires.Before(earliest.Time)) {
			earliest = a.Expires
		}
	}
	return earliest
}

// Conditions are the conditions (vilkår) on the approvals valid on the
// day, in register order; with st.Suspensions they are what restricts the
// person.
func Conditions(st hpr.Status) []hpr.Condition {
	var out []hpr.Condition
	for _, a := range st.Current() {
		out = append(out, a.Approval.Conditions...)
	}
	return out
}

// Ordered lists the approvals as the card shows them: those valid on the
// day first, then the rest, each group in register order.
func Ordered(st hpr.Status) []hpr.ApprovalStatus {
	out := make([]hpr.ApprovalStatus, 0, len(st.Approvals))
	out = append(out, st.Current()...)
	for _, a := range st.Approvals {
		if !a.ValidOn {
			out = append(out, a)
		}
	}
	return out
}

// RightValidOn reports whether a right (speciality, requisition right,
// competence) holds on day, by the rule hpr.StatusOn applies to approvals:
// its period covers the day, and one that ended (avsluttetStatus) without
// an end date is not presented as in force.
func RightValidOn(r hpr.Right, day hpr.Date) bool {
	return r.Period.Covers(day) && (r.Ended == nil || !r.Period.To.IsZero())
}
