// Package chaincheck keeps the result of an on-demand chain check (F20)
// in the audit log itself: the check is an audit record (resource "audit",
// action "verify") whose Reason holds what it found, and the audit page
// shows the newest such record. A full chain walk is too slow for every
// page view on a big log, and a result kept in the log survives restarts
// and is shared by every instance, where one kept in memory would not.
//
// The web check walks the chain (audit.Store.Verify); the signed
// checkpoints, which live outside the database, are checked by
// `oppslag audit verify`, so the web server needs no checkpoint file.
package chaincheck

import (
	"fmt"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
)

// Action is the action of a chain check's record.
const Action = "verify"

// Result is what one check found.
type Result struct {
	At       time.Time
	Records  int64
	Intact   bool
	BreakSeq int64  // the first break, when not Intact
	Problem  string // the first break's reason, as the store words it
}

// Event is the record of a check that produced rep.
func Event(rep audit.Report) audit.Event {
	e := audit.Event{Resource: "audit", Action: Action, Outcome: audit.Success,
		Reason: fmt.Sprintf("records=%d", rep.Records)}
	if !rep.OK() {
		p := rep.Problems[0]
		e.Outcome = audit.Failure
		e.Reason += fmt.Sprintf(" break=%d %s", p.Seq, p.Reason)
	}
	return e
}

// Of reads a check's record back; ok is false for any other record.
func Of(rec audit.Record) (Result, bool) {
	if rec.Resource != "audit" || rec.Action != Action {
		return Result{}, false
	}
	r := Result{At: rec.Time, Intact: rec.Outcome == audit.Success}
	rest, ok := strings.CutPrefix(rec.Reason, "records=")
	if !ok {
		return Result{}, false
	}
	num, rest, _ := strings.Cut(rest, " ")
	if _, err := fmt.Sscan(num, &r.Records); err != nil {
		return Result{}, false
	}
	if b, ok := strings.CutPrefix(rest, "break="); ok {
		seq, problem, _ := strings.Cut(b, " ")
		fmt.Sscan(seq, &r.BreakSeq)
		r.Problem = problem
	}
	return r, true
}
