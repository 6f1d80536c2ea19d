package checkpoint

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/oppslag/oppslag/clients/audit"
)

// Log is where checkpoints are kept, outside the audit database: whoever
// could rewrite that database must not be able to rewrite its checkpoints
// too.
//
//   - One instance: an append-only file (File), on a disk or a volume the
//     database's administrators do not write.
//   - Scale-out: instances on several hosts share no file, so the log is a
//     table in a second PostgreSQL database (Postgres), on another server or
//     at least under another owner than the audit database. Every instance
//     appends its own signed lines; verify reads them all.
//
// Each line is a signed checkpoint as Encode writes it, whatever holds it,
// so a line copied from one log to another still verifies.
type Log interface {
	// Append adds one line (newline included) and returns once it is durable.
	Append(ctx context.Context, line []byte) error
	// Entries reads every line in the order written; torn says a last line
	// was cut short and left out. A log that was never written wraps
	// os.ErrNotExist.
	Entries(ctx context.Context) (entries []Entry, torn bool, err error)
	// String says where the log is, for messages; never a password.
	String() string
	Close() error
}

var (
	_ Log = (*File)(nil)
	_ Log = (*Postgres)(nil)
)

// Open opens the log at where (OPPSLAG_AUDIT_CHECKPOINTS): a postgres://
// or postgresql:// URL is a Postgres log, anything else a file path.
func Open(ctx context.Context, where string) (Log, error) {
	if IsURL(where) {
		return OpenPostgres(ctx, where)
	}
	return OpenFile(where)
}

// IsURL reports whether where names a database rather than a file.
func IsURL(where string) bool {
	return strings.HasPrefix(where, "postgres://") || strings.HasPrefix(where, "postgresql://")
}

// SameDatabase reports whether two PostgreSQL URLs name the same database
// on the same server: a checkpoint log there would not be outside the
// audit database. Hosts are compared as written (a name and its address
// are not matched), so this catches the mistake, not a determined operator.
func SameDatabase(a, b string) bool {
	ca, err1 := pgx.ParseConfig(a)
	cb, err2 := pgx.ParseConfig(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return strings.EqualFold(ca.Host, cb.Host) && ca.Port == cb.Port && ca.Database == cb.Database
}

// Postgres is a checkpoint log in a table of a PostgreSQL database that is
// not the audit database. Triggers refuse UPDATE, DELETE and TRUNCATE, as
// on the audit records; a signature still proves each line, and a removed
// line is only a checkpoint fewer, never a rewrite that verifies.
type Postgres struct {
	pool  *pgxpool.Pool
	where string
}

// OpenPostgres connects to the database at rawURL and creates the table
// oppslag_audit_checkpoints (and its triggers) when it is not there.
func OpenPostgres(ctx context.Context, rawURL string) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, errors.New("checkpoint: the PostgreSQL URL does not parse")
	}
	cfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: connect: %w", err)
	}
	p := &Postgres{pool: pool, where: redact(rawURL)}
	if err := p.init(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("checkpoint: %s: %w", p.where, err)
	}
	return p, nil
}

func (p *Postgres) init(ctx context.Context) error {
	var exists bool
	if err := p.pool.QueryRow(ctx, "SELECT to_regclass('oppslag_audit_checkpoints') IS NOT NULL").Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	return pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		// Instances starting together create the table once.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(7340315)"); err != nil {
			return err
		}
		for _, q := range []string{
			`CREATE TABLE IF NOT EXISTS oppslag_audit_checkpoints (
				n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				written_at TIMESTAMPTZ NOT NULL DEFAULT now(),
				line TEXT NOT NULL
			)`,
			`CREATE OR REPLACE FUNCTION oppslag_audit_checkpoints_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				RAISE EXCEPTION 'audit checkpoints are append-only: % refused', TG_OP;
			END
			$$`,
			`DROP TRIGGER IF EXISTS no_change ON oppslag_audit_checkpoints`,
			`CREATE TRIGGER no_change BEFORE UPDATE OR DELETE ON oppslag_audit_checkpoints FOR EACH ROW EXECUTE FUNCTION oppslag_audit_checkpoints_refuse()`,
			`DROP TRIGGER IF EXISTS no_truncate ON oppslag_audit_checkpoints`,
			`CREATE TRIGGER no_truncate BEFORE TRUNCATE ON oppslag_audit_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION oppslag_audit_checkpoints_refuse()`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// Append inserts line; the commit is flushed whatever synchronous_commit
// says, as the audit records' is.
func (p *Postgres) Append(ctx context.Context, line []byte) error {
	return pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT CASE WHEN current_setting('synchronous_commit') = 'off' THEN set_config('synchronous_commit', 'on', true) END"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO oppslag_audit_checkpoints (line) VALUES ($1)", strings.TrimSuffix(string(line), "\n"))
		return err
	})
}

// Entries reads every line in the order written; Line is the line's place
// in that order, from 1. A table holds whole lines only, so none is torn.
func (p *Postgres) Entries(ctx context.Context) ([]Entry, bool, error) {
	rows, err := p.pool.Query(ctx, "SELECT line FROM oppslag_audit_checkpoints ORDER BY n")
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var entries []Entry
	for n := 1; rows.Next(); n++ {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, false, err
		}
		c, key, derr := Decode([]byte(line))
		entries = append(entries, Entry{Line: n, Checkpoint: c, Key: key, Err: derr})
	}
	return entries, false, rows.Err()
}

// String is the URL without its password.
func (p *Postgres) String() string { return p.where }

// Close closes the connections.
func (p *Postgres) Close() error {
	p.pool.Close()
	return nil
}

// redact drops the password from a URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Reading is what a log holds for one verification.
type Reading struct {
	Anchors  []audit.Head  // the heads signed by a trusted key
	Problems []LineProblem // lines that are not trusted checkpoints
	Torn     bool          // a last line cut short, left out
	Missing  bool          // the log was never written
	// Key is the key the unpinned case settled on (Trust.Anchors); nil
	// when keys are pinned or no line verified.
	Key ed25519.PublicKey
}

// ReadAnchors reads log and sorts its lines by trust: what `oppslag audit
// verify` and the audit page's chain check both do, before they walk the
// chain, so every checkpoint's record is in the walk's snapshot.
func ReadAnchors(ctx context.Context, log Log, trust Trust) (Reading, error) {
	entries, torn, err := log.Entries(ctx)
	if errors.Is(err, os.ErrNotExist) {
		return Reading{Missing: true}, nil
	}
	if err != nil {
		return Reading{}, fmt.Errorf("checkpoint: read %s: %w", log, err)
	}
	r := Reading{Torn: torn}
	r.Anchors, r.Problems, r.Key = trust.Anchors(entries)
	return r, nil
}
