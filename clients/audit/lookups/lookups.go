// Package lookups derives a clinician's own lookups (F9) from their audit
// records: which patients they opened today, what they opened and under
// which access basis, and their emergency openings with where each stands.
// The audit log is the source, so the list is the truth and survives
// restarts; this package only reads records, it fetches nothing.
//
// The decisions, in one place:
//   - A page is the records of one request (one correlation id). A request
//     names at most one patient; records that name none (a search, the
//     lookups list itself, a login) are no lookup.
//   - What a page opened follows from its records: lab actions name
//     themselves; a timeline record is the timeline; a print is a print;
//     the person and KRR records together are the overview, and one of
//     them alone is a panel refreshed on its own.
//   - A refused record (no access basis) opened nothing and is left out.
//     A failed upstream call is kept: the clinician asked for the patient.
//   - A visit is a run of pages about one patient, uninterrupted by
//     another patient and with no pause longer than VisitGap; opening A,
//     then B, then A again is three visits, as the clinician lived it.
//   - An emergency opening ends at the first of: its window lapsing, its
//     ending ("access_basis_end"), a new basis or opening for the same
//     patient (the session binds one basis per patient), or a logout (the
//     bases live in the session). The log does not know sessions: an idle
//     timeout ends the binding unrecorded, so "active" means "not ended in
//     the log and within the window".
package lookups

import (
	"slices"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
)

// Kind is what a page opened.
type Kind string

// Kinds; each has the message "lookups.kind.<kind>".
const (
	Overview  Kind = "overview"   // the person overview, every panel
	Panel     Kind = "panel"      // one overview panel, refreshed alone
	Timeline  Kind = "timeline"   // the person's history
	Labs      Kind = "labs"       // lab results
	Trend     Kind = "trend"      // one analysis over time
	LabsPrint Kind = "labs_print" // the lab results' print view
	Print     Kind = "print"      // the overview's print view
	Basis     Kind = "basis"      // an access basis chosen for lab results
	Emergency Kind = "emergency"  // lab results opened on an emergency basis
	BasisEnd  Kind = "basis_end"  // an access basis ended before it lapsed
	Other     Kind = "other"      // a record this package does not know yet
)

// Actions of the lab records that bind and end a basis.
const (
	actionBasis    = "access_basis"
	actionBasisEnd = "access_basis_end"
)

// VisitGap is the longest pause within one visit: a clinician who comes
// back to the same patient after it has started a new visit.
const VisitGap = 30 * time.Minute

// Opened is one thing a visit opened, under the access basis it was
// opened with ("" when the page needs none, as the person pages).
type Opened struct {
	Kind  Kind
	Basis string
}

// Visit is one patient's run of pages.
type Visit struct {
	Patient     string // identity number, as the records hold it
	First, Last time.Time
	Opened      []Opened // distinct, in the order first opened
	Pages       int
}

// page is one request's records about one patient.
type page struct {
	patient string
	at      time.Time
	opened  Opened
}

// Day returns the bounds [from, to) of the calendar day of now in loc:
// a "today" that starts at midnight where the clinician works, not in UTC.
func Day(now time.Time, loc *time.Location) (from, to time.Time) {
	t := now.In(loc)
	from = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 0, 1)
}

// Visits groups recs (one actor's, oldest first, as the store returns them)
// into visits, newest first.
func Visits(recs []audit.Record) []Visit {
	var visits []Visit
	for _, p := range pages(recs) {
		if n := len(visits); n > 0 {
			v := &visits[n-1]
			if v.Patient == p.patient && p.at.Sub(v.Last) <= VisitGap {
				v.Last = p.at
				v.Pages++
				if !slices.Contains(v.Opened, p.opened) {
					v.Opened = append(v.Opened, p.opened)
				}
				continue
			}
		}
		visits = append(visits, Visit{Patient: p.patient, First: p.at, Last: p.at, Opened: []Opened{p.opened}, Pages: 1})
	}
	slices.Reverse(visits)
	return visits
}

// pages turns records into pages, in the order of each request's first
// record.
func pages(recs []audit.Record) []page {
	type req struct {
		patient string
		at      time.Time
		recs    []audit.Record
	}
	var order []*req
	byID := map[string]*req{}
	for _, r := range recs {
		if r.Patient == "" || r.Outcome == audit.Denied || r.Resource == "audit" || r.Resource == "session" {
			continue
		}
		// A record without a correlation id is a page of its own.
		key := r.CorrelationID
		q := byID[key]
		if key == "" || q == nil || q.patient != r.Patient {
			q = &req{patient: r.Patient, at: r.Time}
			order = append(order, q)
			if key != "" {
				byID[key] = q
			}
		}
		q.recs = append(q.recs, r)
	}
	out := make([]page, 0, len(order))
	for _, q := range order {
		out = append(out, page{patient: q.patient, at: q.at, opened: openedBy(q.recs)})
	}
	return out
}

// openedBy is what one request's records opened.
func openedBy(recs []audit.Record) Opened {
	var person, krr, other bool
	var basis string
	for _, r := range recs {
		if r.AccessBasis != "" && basis == "" {
			basis = r.AccessBasis
		}
		if r.Resource == "lab" {
			return Opened{Kind: labKind(r.Action), Basis: r.AccessBasis}
		}
		switch {
		case r.Action == "print":
			return Opened{Kind: Print, Basis: r.AccessBasis}
		case r.Resource == "timeline":
			return Opened{Kind: Timeline, Basis: r.AccessBasis}
		case r.Action != "view":
			other = true
		case r.Resource == "person":
			person = true
		case r.Resource == "krr":
			krr = true
		}
	}
	switch {
	case person && krr:
		return Opened{Kind: Overview, Basis: basis}
	case other:
		return Opened{Kind: Other, Basis: basis}
	}
	return Opened{Kind: Panel, Basis: basis}
}

func labKind(action string) Kind {
	switch action {
	case "view":
		return Labs
	case "trend":
		return Trend
	case "print":
		return LabsPrint
	case actionBasis:
		return Basis
	case audit.ActionEmergency:
		return Emergency
	case actionBasisEnd:
		return BasisEnd
	}
	return Other
}

// Recent is the latest visit of each patient, newest first, at most n: the
// start page's short list, which doubles as a recent-patients list.
func Recent(visits []Visit, n int) []Visit {
	var out []Visit
	seen := map[string]bool{}
	for _, v := range visits {
		if len(out) == n {
			break
		}
		if !seen[v.Patient] {
			seen[v.Patient] = true
			out = append(out, v)
		}
	}
	return out
}

// Patients lists the distinct patients of visits and openings, in order of
// appearance: the numbers whose names the page needs.
func Patients(visits []Visit, openings []Opening) []string {
	var out []string
	add := func(p string) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, v := range visits {
		add(v.Patient)
	}
	for _, o := range openings {
		add(o.Patient)
	}
	return out
}

// State is where an emergency opening stands.
type State string

// States; each has the message "lookups.emergency.state.<state>".
const (
	Active State = "active" // within its window and not ended
	Ended  State = "ended"  // ended before its window lapsed
	Lapsed State = "lapsed" // its window ran out
)

// Opening is one emergency opening of lab results by the clinician.
type Opening struct {
	Seq      int64 // the opening record's, which a review names
	Patient  string
	Basis    string // AKUTT or FORHOYET_AKUTT
	Reason   string // as recorded: the reason code, a colon, the clinician's words
	Opened   time.Time
	Until    time.Time // when the window lapses
	State    State
	Ended    time.Time // when it ended, for State Ended
	Reviewed bool
	Review   time.Time // when an auditor reviewed it
}

// Openings tells where each emergency opening stands at now, newest first.
// opened are the actor's emergency records; later are the actor's records
// that can end one (basis bindings, endings, new openings, logouts), in
// any order; reviews are the reviews by the opening's Seq
// (audit.ReviewsOf); window is how long an opening lasts.
func Openings(opened, later []audit.Record, reviews map[int64]audit.Record, window time.Duration, now time.Time) []Opening {
	out := make([]Opening, 0, len(opened))
	for _, r := range opened {
		if r.Action != audit.ActionEmergency || r.Outcome == audit.Denied {
			continue
		}
		o := Opening{Seq: r.Seq, Patient: r.Patient, Basis: r.AccessBasis, Reason: r.Reason, Opened: r.Time,
			Until: r.Time.Add(window)}
		if end, ok := endOf(r, later, o.Until); ok {
			o.State, o.Ended = Ended, end
		} else if now.Before(o.Until) {
			o.State = Active
		} else {
			o.State = Lapsed
		}
		if rv, ok := reviews[r.Seq]; ok {
			o.Reviewed, o.Review = true, rv.Time
		}
		out = append(out, o)
	}
	slices.SortStableFunc(out, func(a, b Opening) int { return b.Opened.Compare(a.Opened) })
	return out
}

// endOf is the time of the first record in later that ends opening before
// until.
func endOf(opening audit.Record, later []audit.Record, until time.Time) (time.Time, bool) {
	var end time.Time
	found := false
	for _, r := range later {
		if r.Seq <= opening.Seq || !r.Time.Before(until) || r.Actor.PID != opening.Actor.PID || !ends(r, opening.Patient) {
			continue
		}
		if !found || r.Time.Before(end) {
			end, found = r.Time, true
		}
	}
	return end, found
}

// ends reports whether r ends the session's basis for patient.
func ends(r audit.Record, patient string) bool {
	if r.Resource == "session" {
		return r.Action == "logout"
	}
	if r.Patient != patient || r.Outcome == audit.Denied {
		return false
	}
	return r.Action == actionBasisEnd || r.Action == actionBasis || r.Action == audit.ActionEmergency
}
