package audit

import (
	"encoding/json"
	"fmt"
	"time"
)

// recordColumns lists the audit_records columns in the order both backends
// insert and scan them.
const recordColumns = `seq, event_time, correlation_id,
	actor_pid, actor_name, actor_hpr_number, actor_hpr_role, actor_security_level, actor_org_parent, actor_org_child,
	patient, resource, action, access_basis, reason, outcome, client_ip, fields, results, prev_hash, hash`

// rowValues returns r's column values in recordColumns order, with t as the
// backend's representation of the time.
func rowValues(r Record, t any) ([]any, error) {
	fields, err := json.Marshal(nonNil(r.Fields))
	if err != nil {
		return nil, err
	}
	results, err := json.Marshal(nonNil(r.Results))
	if err != nil {
		return nil, err
	}
	a := r.Actor
	return []any{
		r.Seq, t, r.CorrelationID,
		a.PID, a.Name, a.HPRNumber, a.HPRRole, a.SecurityLevel, a.OrgParent, a.OrgChild,
		r.Patient, r.Resource, r.Action, r.AccessBasis, r.Reason, string(r.Outcome), r.ClientIP,
		string(fields), string(results), r.PrevHash, r.Hash,
	}, nil
}

// scannedRow receives one row in recordColumns order.
type scannedRow struct {
	rec             Record
	outcome         string
	fields, results string
	dest            []any
	timeFromBackend func() (time.Time, error)
}

// newScannedRow prepares scan destinations in recordColumns order. tdest is
// where the backend scans the time, tconv turns it into a time.Time.
func newScannedRow(tdest any, tconv func() (time.Time, error)) *scannedRow {
	s := &scannedRow{timeFromBackend: tconv}
	r, a := &s.rec, &s.rec.Actor
	s.dest = []any{
		&r.Seq, tdest, &r.CorrelationID,
		&a.PID, &a.Name, &a.HPRNumber, &a.HPRRole, &a.SecurityLevel, &a.OrgParent, &a.OrgChild,
		&r.Patient, &r.Resource, &r.Action, &r.AccessBasis, &r.Reason, &s.outcome, &r.ClientIP,
		&s.fields, &s.results, &r.PrevHash, &r.Hash,
	}
	return s
}

// record finishes the scanned row into a Record. When a column cannot be
// decoded it returns an error together with a Record that still holds Seq,
// PrevHash and Hash, so Verify can report the row and walk on.
func (s *scannedRow) record() (Record, error) {
	r := s.rec
	r.Outcome = Outcome(s.outcome)
	keys := Record{Seq: r.Seq, PrevHash: r.PrevHash, Hash: r.Hash}
	t, err := s.timeFromBackend()
	if err != nil {
		return keys, fmt.Errorf("seq %d: time: %w", r.Seq, err)
	}
	r.Time = t.UTC()
	if err := json.Unmarshal([]byte(s.fields), &r.Fields); err != nil {
		return keys, fmt.Errorf("seq %d: fields: %w", r.Seq, err)
	}
	if err := json.Unmarshal([]byte(s.results), &r.Results); err != nil {
		return keys, fmt.Errorf("seq %d: results: %w", r.Seq, err)
	}
	if len(r.Fields) == 0 {
		r.Fields = nil
	}
	if len(r.Results) == 0 {
		r.Results = nil
	}
	return r, nil
}

func nonNil(vs []string) []string {
	if vs == nil {
		return []string{}
	}
	return vs
}

// Bounds of the times a store holds (prepare refuses others).
var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
)

// timeRange is a Filter's From/To made safe for both backends.
type timeRange struct {
	from, to       time.Time
	hasFrom, hasTo bool
	empty          bool // nothing can match
}

// rangeOf clamps f.From and f.To to the storable years, so SQLite's text
// comparison never meets a five-digit year, and rounds them up to whole
// microseconds: stored times are whole microseconds, so "stored >= t" and
// "stored >= ceil(t)" agree, as do "<" for To.
func rangeOf(f Filter) timeRange {
	var r timeRange
	if !f.From.IsZero() {
		r.from, r.hasFrom = ceilMicro(f.From), true
		switch {
		case r.from.After(maxTime):
			r.empty = true
		case !r.from.After(minTime):
			r.hasFrom = false
		}
	}
	if !f.To.IsZero() {
		r.to, r.hasTo = ceilMicro(f.To), true
		switch {
		case !r.to.After(minTime):
			r.empty = true
		case r.to.After(maxTime):
			r.hasTo = false
		}
	}
	if r.hasFrom && r.hasTo && !r.from.Before(r.to) {
		r.empty = true
	}
	return r
}

func ceilMicro(t time.Time) time.Time {
	t = t.UTC()
	if c := t.Truncate(time.Microsecond); !c.Equal(t) {
		return c.Add(time.Microsecond)
	}
	return t
}
