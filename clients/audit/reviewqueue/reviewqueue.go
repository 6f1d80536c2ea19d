// Package reviewqueue derives the auditor's emergency review queue (F20,
// S17) from the audit log: the emergency openings no review names yet,
// oldest first, each with what the clinician opened during its window. It
// reads records and fetches nothing; the queue is never stored, so it
// cannot drift from the log.
//
// The decisions, in one place:
//   - An opening is a granted "emergency_access" record (AKUTT or
//     FORHOYET_AKUTT); a refused attempt opened nothing and is no item.
//   - A review is audit.ReviewEvent with the note "<verdict> <comment>":
//     the verdict is the note's first word, so the record stays readable
//     as it is and the review format of the log does not change. Either
//     verdict takes the opening out of the queue: "needs follow-up" is a
//     finding the auditor carries on outside the portal, not a second
//     review. The first review of an opening wins (audit.ReviewsOf).
//   - The window ends as "My lookups" ends it (lookups.Openings): at the
//     first of its lapsing, its ending, a new basis for the patient or a
//     logout. What was opened is the clinician's records about that
//     patient after the opening and before the end, read page by page as
//     "My lookups" reads them (lookups.OpenedBy).
package reviewqueue

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/lookups"
)

// Verdict is the auditor's judgement of an emergency opening.
type Verdict string

// Verdicts; each has the message "audit.reviews.verdict.<verdict>".
const (
	Justified Verdict = "justified" // the emergency basis was warranted
	FollowUp  Verdict = "follow_up" // the opening needs follow-up
)

// Verdicts are the verdicts an auditor may give, in the form's order.
var Verdicts = []Verdict{Justified, FollowUp}

// MaxComment bounds the auditor's comment, in characters.
const MaxComment = 1000

// ParseVerdict reads a posted verdict; ok is false for anything else.
func ParseVerdict(s string) (Verdict, bool) {
	v := Verdict(strings.TrimSpace(s))
	return v, slices.Contains(Verdicts, v)
}

// Note is the review note for audit.ReviewEvent: the verdict, then the
// comment.
func Note(v Verdict, comment string) string {
	return strings.TrimSpace(string(v) + " " + strings.TrimSpace(comment))
}

// Item is one opening waiting for review.
type Item struct {
	Opening audit.Record
	End     time.Time        // when its window ended, or ends
	Opened  []lookups.Opened // distinct, in the order first opened
	Pages   int              // pages about the patient within the window
}

// Pending returns the granted emergency openings of opened that reviews
// (audit.ReviewsOf) does not name, oldest first.
func Pending(opened []audit.Record, reviews map[int64]audit.Record) []audit.Record {
	var out []audit.Record
	for _, r := range opened {
		if r.Action != audit.ActionEmergency || r.Outcome == audit.Denied {
			continue
		}
		if _, done := reviews[r.Seq]; !done {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b audit.Record) int { return cmp.Compare(a.Seq, b.Seq) })
	return out
}

// ItemOf is opening with what was opened in its window. recs are the
// opening actor's records from the opening on (any order, others are
// ignored); window is how long an opening lasts.
func ItemOf(opening audit.Record, recs []audit.Record, window time.Duration, now time.Time) Item {
	it := Item{Opening: opening, End: opening.Time.Add(window)}
	if o := lookups.Openings([]audit.Record{opening}, recs, nil, window, now); len(o) == 1 && o[0].State == lookups.Ended {
		it.End = o[0].Ended
	}
	groups := audit.ByRequest(recs, func(r audit.Record) bool {
		return r.Seq > opening.Seq && r.Time.Before(it.End) && r.Actor.PID == opening.Actor.PID &&
			r.Patient == opening.Patient && r.Outcome != audit.Denied && r.Resource != "audit" && r.Resource != "session"
	})
	for _, g := range groups {
		o := lookups.OpenedBy(g)
		it.Pages++
		if !slices.Contains(it.Opened, o) {
			it.Opened = append(it.Opened, o)
		}
	}
	return it
}
