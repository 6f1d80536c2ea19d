// Package audit is the portal's audit trail: an append-only, hash-chained log
// of every access to patient data and every security-relevant event (login,
// logout, refusals, denials, emergency access).
//
// It sits under clients because, like the upstream APIs, it is a backend the
// portal reaches over a connection (an SQLite file by default, PostgreSQL when
// scaled out) and it knows nothing about HTML.
package audit

import (
	"context"
	"errors"
	"time"
)

// Outcome is how an audited action ended.
type Outcome string

// Outcomes. Patient-data reads use Granted, Denied, Restricted or UpstreamError;
// session events use Success or Failure.
const (
	Granted       Outcome = "granted"
	Denied        Outcome = "denied"
	Restricted    Outcome = "restricted"
	UpstreamError Outcome = "upstream_error"
	Success       Outcome = "success"
	Failure       Outcome = "failure"
)

// Actor is who did it, as HelseID described them.
type Actor struct {
	PID           string `json:"pid,omitempty"`
	Name          string `json:"name,omitempty"`
	HPRNumber     string `json:"hpr_number,omitempty"`
	HPRRole       string `json:"hpr_role,omitempty"`
	SecurityLevel string `json:"security_level,omitempty"`
	OrgParent     string `json:"org_parent,omitempty"`
	OrgChild      string `json:"org_child,omitempty"`
}

// Event is one thing to record. Time is set by the store when zero.
type Event struct {
	Time          time.Time `json:"time"`
	CorrelationID string    `json:"correlation_id,omitempty"`
	Actor         Actor     `json:"actor"`
	Patient       string    `json:"patient,omitempty"` // identity number of the person whose data was touched
	Resource      string    `json:"resource"`          // session, person, family, krr, address, hpr, lab, audit
	Action        string    `json:"action"`            // login, login_refused, logout, view, search, print, ...
	AccessBasis   string    `json:"access_basis,omitempty"`
	Reason        string    `json:"reason,omitempty"` // for emergency or elevated access, and refusals
	Outcome       Outcome   `json:"outcome"`
	ClientIP      string    `json:"client_ip,omitempty"`
	Fields        []string  `json:"fields,omitempty"`  // search field names used, never their values
	Results       []string  `json:"results,omitempty"` // identifiers returned by a search
}

// Record is a stored event with its place in the chain.
type Record struct {
	Seq      int64  `json:"seq"`
	Event           // embedded
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// Filter selects records. Zero fields match everything.
type Filter struct {
	ActorPID string
	Patient  string
	Action   string
	From, To time.Time
	Limit    int
}

// Problem is one break in the chain found by Verify.
type Problem struct {
	Seq    int64
	Reason string // "hash mismatch", "broken link", "missing record", ...
}

// Report is the result of Verify.
type Report struct {
	Records  int64
	Problems []Problem
}

// OK reports whether the chain verified without problems.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// ErrUnavailable wraps every storage failure, so callers can fail closed.
var ErrUnavailable = errors.New("audit store unavailable")

// Store is where audit records live.
type Store interface {
	// Record appends e and returns only after it is durably committed.
	Record(ctx context.Context, e Event) (Record, error)
	// Query returns matching records, oldest first.
	Query(ctx context.Context, f Filter) ([]Record, error)
	// Verify walks the whole chain and reports every break.
	Verify(ctx context.Context) (Report, error)
	// Ping checks the store is reachable.
	Ping(ctx context.Context) error
	Close() error
}
