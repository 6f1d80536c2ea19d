package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqliteTimeLayout stores times as fixed-width UTC text, so that comparing
// the text compares the times.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// sqliteParams are applied by the driver to every connection it opens:
// WAL so readers never block the writer; synchronous=FULL so a commit is on
// disk before Record returns (S39); a busy timeout so a second process
// waits for the write lock instead of failing; BEGIN IMMEDIATE for write
// transactions so the head is read under the write lock.
const sqliteParams = "_busy_timeout=5000&_journal_mode=WAL&_synchronous=FULL&_foreign_keys=1&_txlock=immediate"

var sqliteSchema = []string{
	`CREATE TABLE IF NOT EXISTS audit_records (
		seq INTEGER PRIMARY KEY,
		event_time TEXT NOT NULL,
		correlation_id TEXT NOT NULL,
		actor_pid TEXT NOT NULL,
		actor_name TEXT NOT NULL,
		actor_hpr_number TEXT NOT NULL,
		actor_hpr_role TEXT NOT NULL,
		actor_security_level TEXT NOT NULL,
		actor_org_parent TEXT NOT NULL,
		actor_org_child TEXT NOT NULL,
		patient TEXT NOT NULL,
		resource TEXT NOT NULL,
		action TEXT NOT NULL,
		access_basis TEXT NOT NULL,
		reason TEXT NOT NULL,
		outcome TEXT NOT NULL,
		client_ip TEXT NOT NULL,
		fields TEXT NOT NULL,
		results TEXT NOT NULL,
		prev_hash TEXT NOT NULL,
		hash TEXT NOT NULL
	) STRICT`,
	`CREATE INDEX IF NOT EXISTS audit_records_actor_pid ON audit_records (actor_pid)`,
	`CREATE INDEX IF NOT EXISTS audit_records_patient ON audit_records (patient)`,
	`CREATE INDEX IF NOT EXISTS audit_records_event_time ON audit_records (event_time)`,
	`CREATE INDEX IF NOT EXISTS audit_records_action ON audit_records (action)`,
	// A user's own records of a day (audit.Own) are one range of this index.
	`CREATE INDEX IF NOT EXISTS audit_records_actor_time ON audit_records (actor_pid, event_time)`,
	// The auditor's search (search.go) pages newest first within a filter;
	// each of these is one backward range for its filter.
	`CREATE INDEX IF NOT EXISTS audit_records_hpr_seq ON audit_records (actor_hpr_number, seq)`,
	`CREATE INDEX IF NOT EXISTS audit_records_org_parent_seq ON audit_records (actor_org_parent, seq)`,
	`CREATE INDEX IF NOT EXISTS audit_records_org_child_seq ON audit_records (actor_org_child, seq)`,
	`CREATE INDEX IF NOT EXISTS audit_records_basis_seq ON audit_records (access_basis, seq)`,
	`CREATE TABLE IF NOT EXISTS audit_head (
		id INTEGER PRIMARY KEY CHECK (id = 1),
		seq INTEGER NOT NULL,
		hash TEXT NOT NULL
	) STRICT`,
	`INSERT OR IGNORE INTO audit_head (id, seq, hash) VALUES (1, 0, '` + genesisHash + `')`,
	// The triggers make the table append-only for the application and for
	// anyone working by hand; Verify still catches whoever drops them.
	`CREATE TRIGGER IF NOT EXISTS audit_records_no_update BEFORE UPDATE ON audit_records
		BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END`,
	`CREATE TRIGGER IF NOT EXISTS audit_records_no_delete BEFORE DELETE ON audit_records
		BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END`,
	`CREATE TRIGGER IF NOT EXISTS audit_head_forward BEFORE UPDATE ON audit_head
		WHEN NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1
		BEGIN SELECT RAISE(ABORT, 'audit head only moves forward by one'); END`,
	`CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_head
		BEGIN SELECT RAISE(ABORT, 'audit head cannot be deleted'); END`,
}

// SQLite is a Store in an SQLite file, for a single instance. Appends are
// serialised in the process by a group commit (group.go) and across
// processes by SQLite's write lock.
type SQLite struct {
	db    *sql.DB
	now   func() time.Time
	group *group
	// The append's statements, prepared once: preparing them on every
	// record was a fifth of the append's CPU.
	readHead, insert, moveHead *sql.Stmt
}

var _ Store = (*SQLite)(nil)

// OpenSQLite opens (creating if needed) the SQLite audit store at path.
func OpenSQLite(path string, opts ...Option) (*SQLite, error) {
	if path == "" {
		return nil, errors.New("audit: open sqlite: empty path")
	}
	if strings.ContainsAny(path, "?#") {
		// The driver reads everything after '?' as parameters.
		return nil, errors.New("audit: open sqlite: path must not contain '?' or '#'")
	}
	if strings.HasPrefix(path, "file:") {
		return nil, errors.New(`audit: open sqlite: give a file path, not a "file:" URI`)
	}
	db, err := sql.Open("sqlite", path+"?"+sqliteParams)
	if err != nil {
		return nil, unavailable("open sqlite", err)
	}
	c := newConfig(opts)
	s := &SQLite{db: db, now: c.now}
	s.group = newGroup(s.append)
	if err := s.init(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.prepareAppend(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// prepareAppend prepares the append's statements.
func (s *SQLite) prepareAppend() error {
	ctx := context.Background()
	placeholders := "?" + strings.Repeat(", ?", len(strings.Split(recordColumns, ","))-1)
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&s.readHead, "SELECT seq, hash FROM audit_head WHERE id = 1"},
		{&s.insert, "INSERT INTO audit_records (" + recordColumns + ") VALUES (" + placeholders + ")"},
		{&s.moveHead, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1"},
	} {
		st, err := s.db.PrepareContext(ctx, p.sql)
		if err != nil {
			return unavailable("open sqlite: prepare", err)
		}
		*p.stmt = st
	}
	return nil
}

// init creates the schema and checks the pragmas took effect, since a
// silently ignored synchronous=FULL would void the durability promise.
func (s *SQLite) init() error {
	ctx := context.Background()
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return unavailable("open sqlite", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("audit: open sqlite: journal_mode is %q, want wal: %w", mode, ErrUnavailable)
	}
	var sync int
	if err := s.db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return unavailable("open sqlite", err)
	}
	if sync != 2 {
		return fmt.Errorf("audit: open sqlite: synchronous is %d, want 2 (FULL): %w", sync, ErrUnavailable)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return unavailable("open sqlite: create schema", err)
	}
	defer tx.Rollback()
	for _, stmt := range sqliteSchema {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return unavailable("open sqlite: create schema", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return unavailable("open sqlite: create schema", err)
	}
	return nil
}

// Record appends e and returns the stored record once it is committed to
// disk. A zero e.Time is set from the store's clock; times are stored in UTC
// with microsecond precision. Storage failures wrap ErrUnavailable; an event
// that cannot be stored at all (time outside years 1-9999) gets a plain error.
func (s *SQLite) Record(ctx context.Context, e Event) (Record, error) {
	ev, err := prepare(e, s.now)
	if err != nil {
		return Record{}, err
	}
	r, err := s.group.record(ctx, ev)
	if err != nil {
		return Record{}, unavailable("record", err)
	}
	return r, nil
}

// append chains the events onto the head, in order, in one transaction.
func (s *SQLite) append(ctx context.Context, evs []Event) ([]Record, error) {
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: holds the write lock from here
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var headSeq int64
	var headHash string
	if err := tx.StmtContext(ctx, s.readHead).QueryRowContext(ctx).Scan(&headSeq, &headHash); err != nil {
		return nil, fmt.Errorf("read head: %w", err)
	}
	insert, moveHead := tx.StmtContext(ctx, s.insert), tx.StmtContext(ctx, s.moveHead)
	recs := make([]Record, 0, len(evs))
	for _, ev := range evs {
		r := Record{Seq: headSeq + 1, Event: ev, PrevHash: headHash}
		r.Hash = chainHash(r.Seq, r.PrevHash, r.Event)
		vals, err := rowValues(r, r.Time.Format(sqliteTimeLayout))
		if err != nil {
			return nil, err
		}
		if _, err := insert.ExecContext(ctx, vals...); err != nil {
			return nil, fmt.Errorf("insert: %w", err)
		}
		// The head moves forward by one per record (its trigger refuses
		// anything else).
		if _, err := moveHead.ExecContext(ctx, r.Seq, r.Hash); err != nil {
			return nil, fmt.Errorf("update head: %w", err)
		}
		headSeq, headHash = r.Seq, r.Hash
		recs = append(recs, r)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return recs, nil
}

// Query returns the records matching f, oldest (lowest Seq) first. From is
// inclusive, To exclusive; Limit <= 0 means no limit.
func (s *SQLite) Query(ctx context.Context, f Filter) ([]Record, error) {
	tr := rangeOf(f)
	if tr.empty {
		return nil, nil
	}
	var where []string
	var args []any
	if f.ActorPID != "" {
		where = append(where, "actor_pid = ?")
		args = append(args, f.ActorPID)
	}
	if f.Patient != "" {
		where = append(where, "patient = ?")
		args = append(args, f.Patient)
	}
	if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if tr.hasFrom {
		where = append(where, "event_time >= ?")
		args = append(args, tr.from.Format(sqliteTimeLayout))
	}
	if tr.hasTo {
		where = append(where, "event_time < ?")
		args = append(args, tr.to.Format(sqliteTimeLayout))
	}
	q := "SELECT " + recordColumns + " FROM audit_records"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, unavailable("query", err)
	}
	defer rows.Close()
	var out []Record
	err = scanSQLite(rows, collect(&out))
	if err != nil {
		return nil, unavailable("query", err)
	}
	return out, nil
}

// Verify walks the whole chain in one read snapshot, so appends may go on
// meanwhile without being half seen.
func (s *SQLite) Verify(ctx context.Context) (Report, error) {
	return s.VerifyAnchored(ctx, nil)
}

// VerifyAnchored is Verify that also checks the anchors (anchor.go) in the
// same snapshot.
func (s *SQLite) VerifyAnchored(ctx context.Context, anchors []Head) (Report, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // plain BEGIN: no write lock
	if err != nil {
		return Report{}, unavailable("verify", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT "+recordColumns+" FROM audit_records ORDER BY seq")
	if err != nil {
		return Report{}, unavailable("verify", err)
	}
	v := newVerifier(anchors)
	err = scanSQLite(rows, v.add)
	rows.Close()
	if err != nil {
		return Report{}, unavailable("verify", err)
	}
	var headSeq int64
	var headHash string
	found := true
	err = tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		found = false
	case err != nil:
		return Report{}, unavailable("verify", err)
	}
	return v.finish(headSeq, headHash, found), nil
}

// scanSQLite calls each for every row; bad is set when the row was read but
// its content could not be decoded, and each decides whether that stops the
// scan.
func scanSQLite(rows *sql.Rows, each func(r Record, bad error) error) error {
	var ts string
	row := newScannedRow(&ts, func() (time.Time, error) {
		return time.ParseInLocation(sqliteTimeLayout, ts, time.UTC)
	})
	for rows.Next() {
		if err := rows.Scan(row.dest...); err != nil {
			return err
		}
		if err := each(row.record()); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Head returns the newest record's Seq and Hash.
func (s *SQLite) Head(ctx context.Context) (Head, error) {
	var h Head
	if err := s.db.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&h.Seq, &h.Hash); err != nil {
		return Head{}, unavailable("head", err)
	}
	return h, nil
}

// Ping checks the head is readable; opening a file proves little.
func (s *SQLite) Ping(ctx context.Context) error {
	var seq int64
	if err := s.db.QueryRowContext(ctx, "SELECT seq FROM audit_head WHERE id = 1").Scan(&seq); err != nil {
		return unavailable("ping", err)
	}
	return nil
}

// Close closes the database; committed records are already on disk.
func (s *SQLite) Close() error {
	for _, st := range []*sql.Stmt{s.readHead, s.insert, s.moveHead} {
		if st != nil {
			_ = st.Close()
		}
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("audit: close: %w", err)
	}
	return nil
}
