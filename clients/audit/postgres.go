package audit

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Advisory lock keys (pg_advisory_xact_lock). Every instance appending to
// the same database takes pgAppendLock inside its transaction, so appends are
// serialised across instances and the head is read and moved by one writer
// at a time. The keys spell "OPSLAUDA" and "OPSLAUDS" in ASCII.
const (
	pgAppendLock int64 = 0x4f50534c41554441
	pgSchemaLock int64 = 0x4f50534c41554453
)

// pgMaxConns bounds the store's own connections unless the URL sets
// pool_max_conns. Appends are serialised by the advisory lock anyway; the
// spare connections let Query, Verify and Ping run beside an append.
// (pgxpool's own default grows with the CPU count.)
const pgMaxConns = 4

var pgSchemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Postgres is a Store in PostgreSQL, for one or more instances.
type Postgres struct {
	pool   *pgxpool.Pool
	now    func() time.Time
	prefix string // `"schema".` or empty
	group  *group // this instance's appends commit in groups (group.go)
	hours  bool   // the schema has the hour index (hours.go)
}

var _ Store = (*Postgres)(nil)

// OpenPostgres connects to the PostgreSQL database at url and creates the
// schema if missing. The URL query parameter search_path may name one
// schema (lower case); the tables then live there, and the schema is
// created if it does not exist. pgxpool's pool_* parameters (such as
// pool_max_conns, default 4 here) tune the connection pool. The error never
// repeats the URL.
func OpenPostgres(ctx context.Context, url string, opts ...Option) (*Postgres, error) {
	// pgx redacts passwords only on a best-effort basis, and its cause may
	// quote the URL, so neither goes into the error.
	const unparsable = "audit: open postgres: the URL cannot be parsed (details withheld: it may hold a password)"
	// pgxpool.ParseConfig consumes the pool_* parameters, so the plain parse
	// is what tells whether pool_max_conns was given.
	plain, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, errors.New(unparsable)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errors.New(unparsable)
	}
	if _, set := plain.RuntimeParams["pool_max_conns"]; !set {
		cfg.MaxConns = pgMaxConns
	}
	var schema, prefix string
	if sp, ok := cfg.ConnConfig.RuntimeParams["search_path"]; ok {
		schema = strings.TrimSpace(sp)
		if !pgSchemaName.MatchString(schema) {
			return nil, errors.New("audit: open postgres: search_path must be one lower-case schema name ([a-z_][a-z0-9_]*)")
		}
		// Runtime parameters go into the startup message of every
		// connection the pool dials, and as session defaults they survive
		// RESET ALL, unlike a SET in AfterConnect.
		cfg.ConnConfig.RuntimeParams["search_path"] = schema
		prefix = pgx.Identifier{schema}.Sanitize() + "."
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, unavailable("open postgres", err)
	}
	c := newConfig(opts)
	p := &Postgres{pool: pool, now: c.now, prefix: prefix}
	p.group = newGroup(p.append)
	if err := p.init(ctx, schema); err != nil {
		p.pool.Close()
		return nil, err
	}
	return p, nil
}

// t qualifies a table or function name with the store's schema.
func (p *Postgres) t(name string) string { return p.prefix + name }

// init creates the schema unless it is there already. When it is, no DDL
// runs at all, so a least-privilege role (INSERT and SELECT on
// audit_records, SELECT and UPDATE on audit_head) can run the portal.
func (p *Postgres) init(ctx context.Context, schema string) error {
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return unavailable("open postgres", err)
	}
	defer conn.Release()
	if err := p.createSchema(ctx, conn, schema); err != nil {
		return unavailable("open postgres: create schema", err)
	}
	if err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", p.t("audit_hours")).Scan(&p.hours); err != nil {
		return unavailable("open postgres: hour index", err)
	}
	return nil
}

func (p *Postgres) createSchema(ctx context.Context, conn *pgxpool.Conn, schema string) error {
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", p.t("audit_head")).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		// Two instances starting together must not both create the tables.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", pgSchemaLock); err != nil {
			return err
		}
		var stmts []string
		if schema != "" {
			var have bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&have); err != nil {
				return err
			}
			if !have {
				stmts = append(stmts, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
			}
		}
		stmts = append(stmts, p.schemaDDL()...)
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
}

func (p *Postgres) schemaDDL() []string {
	records, head, refuse, forward := p.t("audit_records"), p.t("audit_head"), p.t("audit_refuse"), p.t("audit_head_forward")
	return append([]string{
		`CREATE TABLE IF NOT EXISTS ` + records + ` (
			seq BIGINT PRIMARY KEY,
			event_time TIMESTAMPTZ NOT NULL,
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
		)`,
		`CREATE INDEX IF NOT EXISTS audit_records_actor_pid ON ` + records + ` (actor_pid)`,
		`CREATE INDEX IF NOT EXISTS audit_records_patient ON ` + records + ` (patient)`,
		`CREATE INDEX IF NOT EXISTS audit_records_event_time ON ` + records + ` (event_time)`,
		`CREATE INDEX IF NOT EXISTS audit_records_action ON ` + records + ` (action)`,
		// A user's own records of a day (audit.Own) are one range of this
		// index. A database created before it lacks it and is served by
		// audit_records_actor_pid: init runs no DDL on an existing schema.
		`CREATE INDEX IF NOT EXISTS audit_records_actor_time ON ` + records + ` (actor_pid, event_time)`,
		// The auditor's search (search.go) pages newest first within a
		// filter; each of these is one backward range for its filter. A
		// database created before them is searched without them.
		`CREATE INDEX IF NOT EXISTS audit_records_hpr_seq ON ` + records + ` (actor_hpr_number, seq)`,
		`CREATE INDEX IF NOT EXISTS audit_records_org_parent_seq ON ` + records + ` (actor_org_parent, seq)`,
		`CREATE INDEX IF NOT EXISTS audit_records_org_child_seq ON ` + records + ` (actor_org_child, seq)`,
		`CREATE INDEX IF NOT EXISTS audit_records_basis_seq ON ` + records + ` (access_basis, seq)`,
		`CREATE TABLE IF NOT EXISTS ` + head + ` (
			id SMALLINT PRIMARY KEY CHECK (id = 1),
			seq BIGINT NOT NULL,
			hash TEXT NOT NULL
		)`,
		`INSERT INTO ` + head + ` (id, seq, hash) VALUES (1, 0, '` + genesisHash + `') ON CONFLICT (id) DO NOTHING`,
		// Triggers make the trail append-only for the application and for
		// anyone working by hand; Verify still catches whoever drops them.
		`CREATE OR REPLACE FUNCTION ` + refuse + `() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
		END
		$$`,
		`CREATE OR REPLACE FUNCTION ` + forward + `() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 THEN
				RAISE EXCEPTION 'audit head only moves forward by one';
			END IF;
			RETURN NEW;
		END
		$$`,
		`DROP TRIGGER IF EXISTS audit_records_no_change ON ` + records,
		`CREATE TRIGGER audit_records_no_change BEFORE UPDATE OR DELETE ON ` + records + ` FOR EACH ROW EXECUTE FUNCTION ` + refuse + `()`,
		`DROP TRIGGER IF EXISTS audit_records_no_truncate ON ` + records,
		`CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON ` + records + ` FOR EACH STATEMENT EXECUTE FUNCTION ` + refuse + `()`,
		`DROP TRIGGER IF EXISTS audit_head_forward ON ` + head,
		`CREATE TRIGGER audit_head_forward BEFORE UPDATE ON ` + head + ` FOR EACH ROW EXECUTE FUNCTION ` + forward + `()`,
		`DROP TRIGGER IF EXISTS audit_head_no_delete ON ` + head,
		`CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON ` + head + ` FOR EACH ROW EXECUTE FUNCTION ` + refuse + `()`,
		`DROP TRIGGER IF EXISTS audit_head_no_truncate ON ` + head,
		`CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON ` + head + ` FOR EACH STATEMENT EXECUTE FUNCTION ` + refuse + `()`,
	}, p.hoursDDL()...)
}

// Record appends e and returns the stored record once the commit is durable
// (synchronous_commit=off is overridden for the transaction). A zero e.Time is
// set from the store's clock; times are stored with microsecond precision
// and returned in UTC.
func (p *Postgres) Record(ctx context.Context, e Event) (Record, error) {
	ev, err := prepare(e, p.now)
	if err != nil {
		return Record{}, err
	}
	r, err := p.group.record(ctx, ev)
	if err != nil {
		return Record{}, unavailable("record", err)
	}
	return r, nil
}

// append chains the events onto the head, in order, in one transaction
// under the append lock that instances share.
func (p *Postgres) append(ctx context.Context, evs []Event) ([]Record, error) {
	recs := make([]Record, 0, len(evs))
	// The transaction holds one pooled connection from begin to commit;
	// the pool discards it if it comes back broken or still in a transaction.
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", pgAppendLock); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		// With synchronous_commit=off the server acknowledges the commit
		// before the WAL is flushed; the audit trail must not (S39). Other
		// settings (local, on, remote_write, remote_apply) flush locally
		// first and are left as the operator chose them.
		if _, err := tx.Exec(ctx, "SELECT CASE WHEN current_setting('synchronous_commit') = 'off' THEN set_config('synchronous_commit', 'on', true) END"); err != nil {
			return fmt.Errorf("synchronous_commit: %w", err)
		}
		var headSeq int64
		var headHash string
		if err := tx.QueryRow(ctx, "SELECT seq, hash FROM "+p.t("audit_head")+" WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
			return fmt.Errorf("read head: %w", err)
		}
		for _, ev := range evs {
			r := Record{Seq: headSeq + 1, Event: ev, PrevHash: headHash}
			r.Hash = chainHash(r.Seq, r.PrevHash, r.Event)
			vals, err := rowValues(r, r.Time)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO "+p.t("audit_records")+" ("+recordColumns+") VALUES ("+placeholders(1, len(vals))+")", vals...); err != nil {
				return fmt.Errorf("insert: %w", err)
			}
			if _, err := tx.Exec(ctx, "UPDATE "+p.t("audit_head")+" SET seq = $1, hash = $2 WHERE id = 1", r.Seq, r.Hash); err != nil {
				return fmt.Errorf("update head: %w", err)
			}
			headSeq, headHash = r.Seq, r.Hash
			recs = append(recs, r)
		}
		return p.widenHours(ctx, tx, recs)
	})
	if err != nil {
		return nil, err
	}
	return recs, nil
}

// placeholders returns "$from, ..., $(from+n-1)".
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

// Query returns the records matching f, oldest (lowest Seq) first. From is
// inclusive, To exclusive; Limit <= 0 means no limit.
func (p *Postgres) Query(ctx context.Context, f Filter) ([]Record, error) {
	tr := rangeOf(f)
	if tr.empty {
		return nil, nil
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	if f.ActorPID != "" {
		add("actor_pid =", f.ActorPID)
	}
	if f.Patient != "" {
		add("patient =", f.Patient)
	}
	if f.Action != "" {
		add("action =", f.Action)
	}
	if tr.hasFrom {
		add("event_time >=", tr.from)
	}
	if tr.hasTo {
		add("event_time <", tr.to)
	}
	q := "SELECT " + recordColumns + " FROM " + p.t("audit_records")
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq"
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += " LIMIT $" + strconv.Itoa(len(args))
	}
	// The connection goes back to the pool when scanPG closes rows.
	rows, err := p.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, unavailable("query", err)
	}
	var out []Record
	err = scanPG(rows, collect(&out))
	if err != nil {
		return nil, unavailable("query", err)
	}
	return out, nil
}

// Verify walks the whole chain in one repeatable-read snapshot, so appends
// may go on meanwhile without being half seen.
func (p *Postgres) Verify(ctx context.Context) (Report, error) {
	return p.VerifyAnchored(ctx, nil)
}

// VerifyAnchored is Verify that also checks the anchors (anchor.go) in the
// same snapshot.
func (p *Postgres) VerifyAnchored(ctx context.Context, anchors []Head) (Report, error) {
	var rep Report
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, p.pool, opts, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+recordColumns+" FROM "+p.t("audit_records")+" ORDER BY seq")
		if err != nil {
			return err
		}
		v := newVerifier(anchors)
		// The hour index is checked against the records that verify: a
		// changed record is reported as changed, not again as unindexed.
		spans := hourSpans{}
		err = scanPG(rows, func(r Record, bad error) error {
			n := len(v.report.Problems)
			err := v.add(r, bad)
			if len(v.report.Problems) == n {
				spans.add(r)
			}
			return err
		})
		if err != nil {
			return err
		}
		if err := p.checkHours(ctx, tx, spans, v); err != nil {
			return err
		}
		var headSeq int64
		var headHash string
		found := true
		err = tx.QueryRow(ctx, "SELECT seq, hash FROM "+p.t("audit_head")+" WHERE id = 1").Scan(&headSeq, &headHash)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			found = false
		case err != nil:
			return err
		}
		rep = v.finish(headSeq, headHash, found)
		return nil
	})
	if err != nil {
		return Report{}, unavailable("verify", err)
	}
	return rep, nil
}

// scanPG calls each for every row and closes rows; bad is set when the row
// was read but its content could not be decoded.
func scanPG(rows pgx.Rows, each func(r Record, bad error) error) error {
	defer rows.Close()
	var ts time.Time
	row := newScannedRow(&ts, func() (time.Time, error) { return ts, nil })
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
func (p *Postgres) Head(ctx context.Context) (Head, error) {
	var h Head
	if err := p.pool.QueryRow(ctx, "SELECT seq, hash FROM "+p.t("audit_head")+" WHERE id = 1").Scan(&h.Seq, &h.Hash); err != nil {
		return Head{}, unavailable("head", err)
	}
	return h, nil
}

// Ping checks the database answers and the head is readable.
func (p *Postgres) Ping(ctx context.Context) error {
	var seq int64
	if err := p.pool.QueryRow(ctx, "SELECT seq FROM "+p.t("audit_head")+" WHERE id = 1").Scan(&seq); err != nil {
		return unavailable("ping", err)
	}
	return nil
}

// Close closes the store's connections, waiting for those in use to be
// returned.
func (p *Postgres) Close() error {
	p.pool.Close()
	return nil
}
