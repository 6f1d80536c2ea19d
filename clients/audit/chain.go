package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The hash chain.
//
// Each record's Hash is the lowercase hex SHA-256 of the chain encoding,
// version 1, of (Seq, PrevHash, Event). Seq starts at 1; the first record's
// PrevHash is genesisHash (64 zeros); every later record's PrevHash is the
// Hash of the record before it.
//
// Chain encoding v1 is defined here byte for byte, without reference to any
// serialisation library, so that it is stable across Go versions and can be
// re-implemented by an outside verifier:
//
//	"oppslag-audit-chain/v1" LF
//	then one item per line, in exactly this order:
//	  seq prev_hash time correlation_id actor.pid actor.name
//	  actor.hpr_number actor.hpr_role actor.security_level actor.org_parent
//	  actor.org_child patient resource action access_basis reason outcome
//	  client_ip fields results
//
//	scalar item:  <name> SP <n> ":" <value> LF
//	list item:    <name> SP <count> LF, then per element  "-" SP <n> ":" <value> LF
//
// <n> is the value's length in bytes and <count> the number of elements, both
// in decimal without leading zeros. The value is the raw bytes of the string,
// whatever they are (LF included): the length, not a delimiter or escaping,
// says where it ends, which makes the encoding injective. seq is written in
// decimal; time is RFC 3339 in UTC as Go's time.RFC3339Nano lays it out:
// "YYYY-MM-DDThh:mm:ss" then, only if non-zero, "." and 1 to 9 fraction
// digits with trailing zeros removed, then "Z". An empty list (nil or not) is
// written with count 0.
//
// JSON was considered and not used: encoding/json replaces invalid UTF-8 with
// U+FFFD, so two different inputs could encode alike, and its escaping rules
// belong to the library rather than to this definition.
//
// A future encoding must use a new version line; Verify assumes v1 for every
// record, so introducing v2 needs a per-record version column.
//
// What the chain alone cannot detect: removing the newest records. The
// remaining prefix is still a perfectly valid chain. Each append therefore
// also updates a one-row head table (seq and hash of the newest record) in
// the same transaction, and Verify reports "head mismatch" when the last
// record differs from the head. The head lives in the same database, so
// someone who can write the database can still rewrite the chain from some
// point on, recompute every later hash and the head; detecting that needs
// the head copied somewhere they cannot write: VerifyAnchored checks the
// chain against such copies (anchor.go), and package checkpoint signs and
// keeps them outside the database. Both
// backends also refuse UPDATE and DELETE on the records with triggers, which
// stops mistakes, not an administrator.
const chainVersionLine = "oppslag-audit-chain/v1\n"

// genesisHash is the PrevHash of the first record.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Problem reasons reported by Verify.
const (
	ReasonHashMismatch  = "hash mismatch"     // the record's content no longer matches its hash
	ReasonBrokenLink    = "broken link"       // PrevHash is not the previous record's Hash: reordered, or something before it removed or rewritten
	ReasonMissingRecord = "missing record"    // a gap in Seq, reported at the first missing Seq
	ReasonHeadMismatch  = "head mismatch"     // the newest record is not the one the head says: the newest records were removed
	ReasonUnreadable    = "unreadable record" // a column no longer decodes (time, fields or results), so the record was changed
	ReasonHourIndex     = "hour index"        // PostgreSQL's hour index (hours.go) does not cover this record's hour: a period search would miss records
)

// encodeChain returns the chain encoding v1 of (seq, prevHash, e), as
// documented above.
func encodeChain(seq int64, prevHash string, e Event) []byte {
	b := make([]byte, 0, 512)
	b = append(b, chainVersionLine...)
	scalar := func(name, v string) {
		b = append(b, name...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(len(v)), 10)
		b = append(b, ':')
		b = append(b, v...)
		b = append(b, '\n')
	}
	list := func(name string, vs []string) {
		b = append(b, name...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(len(vs)), 10)
		b = append(b, '\n')
		for _, v := range vs {
			b = append(b, '-', ' ')
			b = strconv.AppendInt(b, int64(len(v)), 10)
			b = append(b, ':')
			b = append(b, v...)
			b = append(b, '\n')
		}
	}
	scalar("seq", strconv.FormatInt(seq, 10))
	scalar("prev_hash", prevHash)
	scalar("time", e.Time.UTC().Format(time.RFC3339Nano))
	scalar("correlation_id", e.CorrelationID)
	scalar("actor.pid", e.Actor.PID)
	scalar("actor.name", e.Actor.Name)
	scalar("actor.hpr_number", e.Actor.HPRNumber)
	scalar("actor.hpr_role", e.Actor.HPRRole)
	scalar("actor.security_level", e.Actor.SecurityLevel)
	scalar("actor.org_parent", e.Actor.OrgParent)
	scalar("actor.org_child", e.Actor.OrgChild)
	scalar("patient", e.Patient)
	scalar("resource", e.Resource)
	scalar("action", e.Action)
	scalar("access_basis", e.AccessBasis)
	scalar("reason", e.Reason)
	scalar("outcome", string(e.Outcome))
	scalar("client_ip", e.ClientIP)
	list("fields", e.Fields)
	list("results", e.Results)
	return b
}

// chainHash returns the lowercase hex SHA-256 of the chain encoding.
func chainHash(seq int64, prevHash string, e Event) string {
	sum := sha256.Sum256(encodeChain(seq, prevHash, e))
	return hex.EncodeToString(sum[:])
}

// prepare turns e into what is stored and hashed: time set (from now when
// zero), in UTC and truncated to microseconds, because PostgreSQL keeps no
// more and a hash over nanoseconds would not survive the round trip; text
// made valid UTF-8 without NUL, because PostgreSQL refuses both and a record
// it refuses would fail the user's request closed. Lists are copied so the
// caller's later changes cannot reach the returned Record.
func prepare(e Event, now func() time.Time) (Event, error) {
	if e.Time.IsZero() {
		e.Time = now()
	}
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	if y := e.Time.Year(); y < 1 || y > 9999 {
		return Event{}, fmt.Errorf("audit: record: event time outside years 1-9999")
	}
	e.CorrelationID = cleanText(e.CorrelationID)
	e.Actor.PID = cleanText(e.Actor.PID)
	e.Actor.Name = cleanText(e.Actor.Name)
	e.Actor.HPRNumber = cleanText(e.Actor.HPRNumber)
	e.Actor.HPRRole = cleanText(e.Actor.HPRRole)
	e.Actor.SecurityLevel = cleanText(e.Actor.SecurityLevel)
	e.Actor.OrgParent = cleanText(e.Actor.OrgParent)
	e.Actor.OrgChild = cleanText(e.Actor.OrgChild)
	e.Patient = cleanText(e.Patient)
	e.Resource = cleanText(e.Resource)
	e.Action = cleanText(e.Action)
	e.AccessBasis = cleanText(e.AccessBasis)
	e.Reason = cleanText(e.Reason)
	e.Outcome = Outcome(cleanText(string(e.Outcome)))
	e.ClientIP = cleanText(e.ClientIP)
	e.Fields = cleanList(e.Fields)
	e.Results = cleanList(e.Results)
	return e, nil
}

// cleanText replaces invalid UTF-8 and NUL with U+FFFD.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// cleanList returns a cleaned copy of vs, nil when it is empty so that a
// stored and a re-read record compare equal.
func cleanList(vs []string) []string {
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = cleanText(v)
	}
	return out
}

// verifier walks records in Seq order and collects the chain's problems.
type verifier struct {
	report   Report
	next     int64     // the Seq expected next
	prevHash string    // the stored Hash of the previous record
	anchors  anchorSet // heads recorded outside the database not yet met (anchor.go)
}

func newVerifier(anchors []Head) *verifier {
	return &verifier{next: 1, prevHash: genesisHash, anchors: newAnchorSet(anchors)}
}

// add checks one record; records must come in ascending Seq order. bad
// says the row's content could not be decoded; r then holds only Seq,
// PrevHash and Hash. add never stops the walk, hence the nil error.
func (v *verifier) add(r Record, bad error) error {
	v.report.Records++
	if r.Seq > v.next {
		v.problem(v.next, ReasonMissingRecord)
	}
	switch {
	case bad != nil:
		v.problem(r.Seq, ReasonUnreadable)
	case chainHash(r.Seq, r.PrevHash, r.Event) != r.Hash:
		v.problem(r.Seq, ReasonHashMismatch)
	}
	if r.PrevHash != v.prevHash {
		v.problem(r.Seq, ReasonBrokenLink)
	}
	v.checkAnchors(r.Seq, r.Hash)
	v.next = r.Seq + 1
	v.prevHash = r.Hash
	return nil
}

// finish compares the last record with the head and returns the report.
// found is false when the head row is missing.
func (v *verifier) finish(headSeq int64, headHash string, found bool) Report {
	if !found || headSeq != v.next-1 || headHash != v.prevHash {
		v.problem(headSeq, ReasonHeadMismatch)
	}
	v.finishAnchors()
	return v.report
}

func (v *verifier) problem(seq int64, reason string) {
	v.report.Problems = append(v.report.Problems, Problem{Seq: seq, Reason: reason})
}
