// Package accesses tells who looked at one patient: the auditor's answer to
// a patient who asks under pasientjournalloven § 18 (F20). It reads audit
// records and fetches nothing.
//
// The decisions, in one place:
//   - An access is the records of one request (one correlation id) that
//     name the patient, or whose Results hold the patient's number. A
//     record without a correlation id is an access of its own.
//   - What a request opened is read as "My lookups" reads it
//     (lookups.OpenedBy), so the clinician and the auditor see the same
//     words for the same page. A request that only returned the patient
//     among others is a Search, a Relative when it was another person's
//     family, or a List when it was the clinician's own lookups list; an
//     auditor's reading of the log about the patient is
//     Audit: auditors are accountable to the patient too.
//   - Refused attempts stay in: the patient has a right to know someone
//     tried. The outcome of an access is its worst record's.
//   - Nothing about any other person survives: an Access holds no Results,
//     so a search that also returned others shows only that it returned
//     this patient.
package accesses

import (
	"slices"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/lookups"
)

// Kinds beyond those of lookups.
const (
	Search lookups.Kind = "search" // the patient was among a search's results
	List   lookups.Kind = "list"   // the patient was in a clinician's list of own lookups
	// Relative: the patient was shown as a relative on another person's page.
	Relative lookups.Kind = "relative"
	Audit    lookups.Kind = "audit" // an auditor read the log about the patient
)

// Access is one request that touched the patient.
type Access struct {
	Seq     int64 // the request's first record: the one the auditor opens
	Time    time.Time
	Actor   audit.Actor
	What    lookups.Kind
	Basis   string // the access basis, "" when the page needs none
	Reason  string // as recorded (emergency reason, refusal reason); "" when none
	Outcome audit.Outcome
}

// Of groups recs (any order) into the accesses to patient, newest first.
// Records that neither name the patient nor return the number are ignored.
func Of(recs []audit.Record, patient string) []Access {
	if patient == "" {
		return nil
	}
	groups := audit.ByRequest(recs, func(r audit.Record) bool {
		return r.Patient == patient || slices.Contains(r.Results, patient)
	})
	out := make([]Access, 0, len(groups))
	for _, g := range groups {
		out = append(out, accessOf(g, patient))
	}
	slices.Reverse(out)
	return out
}

// accessOf is one request's records as an access.
func accessOf(recs []audit.Record, patient string) Access {
	first := recs[0]
	a := Access{Seq: first.Seq, Time: first.Time, Actor: first.Actor, Outcome: first.Outcome}
	var naming []audit.Record
	audited, listed, relative := false, false, false
	for _, r := range recs {
		if worse(r.Outcome, a.Outcome) {
			a.Outcome = r.Outcome
		}
		switch {
		case r.Resource == "audit":
			audited = true
		case r.Patient == patient:
			naming = append(naming, r)
		case r.Action == "lookups":
			listed = true
		case r.Resource == "family":
			relative = true
		}
		if a.Basis == "" {
			a.Basis = r.AccessBasis
		}
		if a.Reason == "" && r.Resource != "audit" {
			a.Reason = r.Reason
		}
	}
	switch {
	case audited:
		a.What = Audit
	case len(naming) > 0:
		a.What = lookups.OpenedBy(naming).Kind
	case listed:
		a.What = List
	case relative:
		a.What = Relative
	default:
		a.What = Search
	}
	return a
}

// severity orders outcomes from the best to the worst.
var severity = map[audit.Outcome]int{
	audit.Success:       0,
	audit.Granted:       0,
	audit.Restricted:    1,
	audit.UpstreamError: 2,
	audit.Failure:       3,
	audit.Denied:        4,
}

func worse(a, b audit.Outcome) bool { return severity[a] > severity[b] }
