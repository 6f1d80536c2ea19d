// Package auditgen writes a synthetic audit log straight into PostgreSQL,
// for the benchmark of the auditor's search (performance.md B11): ten
// million records through the store's own Record would take hours, because
// every append is a transaction under the append lock.
//
// The records are what a busy region's portal would write in a year: a few
// thousand clinicians in a few hundred organisations, looking up patients,
// mostly granted, sometimes under an emergency basis. They carry a valid
// hash chain (audit.ChainHash from audit.GenesisHash), so `oppslag audit
// verify` passes on the result. Every identity number in it is made up.
package auditgen

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oppslag/oppslag/clients/audit"
)

// Options say how much to generate and from which seed.
type Options struct {
	Records int64     // how many records; must be positive
	Seed    uint64    // the same seed gives the same log
	Start   time.Time // the first record's time; zero: 2025-01-01 UTC
	Span    time.Duration
	// Span is the time the log covers, spread evenly; zero: one year.
	Batch    int              // records per COPY; zero: 50,000
	Progress func(done int64) // called after each batch, if set
}

// Generate appends opts.Records synthetic records to the empty audit log at
// url (search_path may name a schema, as for audit.OpenPostgres, which
// creates the tables) and returns the new head. The log must be empty: a
// chain cannot be spliced onto records it did not write.
//
// The records go in with COPY, one transaction per batch; at the end the
// head row is moved once and the hour index is filled. The head's trigger lets it move forward only
// by one, which is what appends do; a bulk load is the one writer allowed
// to jump, so it disables that trigger for its own transaction's update
// (this needs the table's owner, which a benchmark database has).
func Generate(ctx context.Context, url string, opts Options) (audit.Head, error) {
	if opts.Records <= 0 {
		return audit.Head{}, errors.New("auditgen: Records must be positive")
	}
	if opts.Start.IsZero() {
		opts.Start = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if opts.Span <= 0 {
		opts.Span = 365 * 24 * time.Hour
	}
	if opts.Batch <= 0 {
		opts.Batch = 50_000
	}
	store, err := audit.OpenPostgres(ctx, url)
	if err != nil {
		return audit.Head{}, err
	}
	head, err := store.Head(ctx)
	store.Close()
	if err != nil {
		return audit.Head{}, err
	}
	if head.Seq != 0 {
		return audit.Head{}, fmt.Errorf("auditgen: the log already holds %d records; generate into an empty one", head.Seq)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return audit.Head{}, fmt.Errorf("auditgen: connect: %w", err)
	}
	defer conn.Close(ctx)

	w := newWorld(opts.Seed)
	step := opts.Span / time.Duration(opts.Records)
	prev := audit.GenesisHash
	rows := make([][]any, 0, opts.Batch)
	var seq int64
	for seq < opts.Records {
		rows = rows[:0]
		for len(rows) < opts.Batch && seq < opts.Records {
			seq++
			at := opts.Start.Add(time.Duration(seq-1) * step).UTC().Truncate(time.Microsecond)
			e := w.event(seq, at)
			hash := audit.ChainHash(seq, prev, e)
			a := e.Actor
			rows = append(rows, []any{
				seq, e.Time, e.CorrelationID,
				a.PID, a.Name, a.HPRNumber, a.HPRRole, a.SecurityLevel, a.OrgParent, a.OrgChild,
				e.Patient, e.Resource, e.Action, e.AccessBasis, e.Reason, string(e.Outcome), e.ClientIP,
				jsonList(e.Fields), jsonList(e.Results), prev, hash,
			})
			prev = hash
		}
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"audit_records"}, columns, pgx.CopyFromRows(rows)); err != nil {
			return audit.Head{}, fmt.Errorf("auditgen: copy at seq %d: %w", seq, err)
		}
		if opts.Progress != nil {
			opts.Progress(seq)
		}
	}
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, q := range []string{
			"ALTER TABLE audit_head DISABLE TRIGGER audit_head_forward",
			"UPDATE audit_head SET seq = " + strconv.FormatInt(seq, 10) + ", hash = '" + prev + "' WHERE id = 1",
			"ALTER TABLE audit_head ENABLE TRIGGER audit_head_forward",
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return audit.Head{}, fmt.Errorf("auditgen: move the head: %w", err)
	}
	// COPY bypasses the store, so the hour index the store keeps on each
	// append (audit/hours.go) is filled once from the records.
	store, err = audit.OpenPostgres(ctx, url)
	if err != nil {
		return audit.Head{}, err
	}
	err = store.FillHourIndex(ctx)
	store.Close()
	if err != nil {
		return audit.Head{}, fmt.Errorf("auditgen: %w", err)
	}
	if _, err := conn.Exec(ctx, "ANALYZE audit_records"); err != nil {
		return audit.Head{}, fmt.Errorf("auditgen: analyze: %w", err)
	}
	return audit.Head{Seq: seq, Hash: prev}, nil
}

// columns are audit_records' columns in the order the store writes them.
var columns = []string{"seq", "event_time", "correlation_id",
	"actor_pid", "actor_name", "actor_hpr_number", "actor_hpr_role", "actor_security_level", "actor_org_parent", "actor_org_child",
	"patient", "resource", "action", "access_basis", "reason", "outcome", "client_ip", "fields", "results", "prev_hash", "hash"}

// jsonList is the stored form of a list: a JSON array of strings. The
// generator's strings are digits and letters, so no escaping is needed.
func jsonList(vs []string) string {
	if len(vs) == 0 {
		return "[]"
	}
	b := []byte{'['}
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, v...)
		b = append(b, '"')
	}
	return string(append(b, ']'))
}
