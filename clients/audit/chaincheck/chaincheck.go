// Package chaincheck keeps the result of an on-demand chain check (F20)
// in the audit log itself: the check is an audit record (resource "audit",
// action "verify") whose Reason holds what it found, and the audit page
// shows the newest such record. A full chain walk is too slow for every
// page view on a big log, and a result kept in the log survives restarts
// and is shared by every instance, where one kept in memory would not.
//
// The web check is `oppslag audit verify`'s: it reads the signed
// checkpoints (outside the database: a file, or a second database in
// scale-out) and walks the chain against them. Its record keeps how many
// checkpoints agreed and how many lines of the log were not trusted
// checkpoints, so the page says what was checked, not only that it was.
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
	Intact   bool   // the chain has no break (Checkpoints.BadLines may still fail the check)
	BreakSeq int64  // the first break, when not Intact
	Problem  string // the first break's reason, as the store words it
	Checkpoints
}

// Checkpoints is what a check found of the signed checkpoints.
type Checkpoints struct {
	Checked  bool // false: checkpoints are off
	Agreed   int  // checkpoints the chain was checked against
	BadLines int  // lines of the log that are not checkpoints of a trusted key
}

// Event is the record of a check that produced rep against the
// checkpoints ck. A log with bad lines fails the check, as it fails
// `oppslag audit verify`, though the chain itself may be intact.
func Event(rep audit.Report, ck Checkpoints) audit.Event {
	e := audit.Event{Resource: "audit", Action: Action, Outcome: audit.Success,
		Reason: fmt.Sprintf("records=%d", rep.Records)}
	if ck.Checked {
		e.Reason += fmt.Sprintf(" checkpoints=%d bad_lines=%d", ck.Agreed, ck.BadLines)
		if ck.BadLines > 0 {
			e.Outcome = audit.Failure
		}
	}
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
	r := Result{At: rec.Time}
	rest, ok := strings.CutPrefix(rec.Reason, "records=")
	if !ok {
		return Result{}, false
	}
	num, rest, _ := strings.Cut(rest, " ")
	if _, err := fmt.Sscan(num, &r.Records); err != nil {
		return Result{}, false
	}
	if c, ok := strings.CutPrefix(rest, "checkpoints="); ok {
		var tail string
		num, tail, _ = strings.Cut(c, " ")
		fmt.Sscan(num, &r.Agreed)
		if b, ok := strings.CutPrefix(tail, "bad_lines="); ok {
			num, rest, _ = strings.Cut(b, " ")
			fmt.Sscan(num, &r.BadLines)
		}
		r.Checked = true
	}
	// Intact is the chain's own state: bad lines of the checkpoint log
	// fail the check but break no record.
	b, broken := strings.CutPrefix(rest, "break=")
	if broken {
		seq, problem, _ := strings.Cut(b, " ")
		fmt.Sscan(seq, &r.BreakSeq)
		r.Problem = problem
	}
	r.Intact = !broken
	return r, true
}
