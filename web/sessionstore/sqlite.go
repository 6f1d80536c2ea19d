package sessionstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// SQLite is a Store in a local SQLite file: the default for a single instance,
// and sessions survive a restart.
type SQLite struct {
	db  *sql.DB
	now func() time.Time
}

var (
	_ Store   = (*SQLite)(nil)
	_ Sweeper = (*SQLite)(nil)
)

const sqliteSchema = `
CREATE TABLE IF NOT EXISTS sessions (
	key        TEXT PRIMARY KEY,
	value      BLOB NOT NULL,
	expires_at INTEGER NOT NULL -- unix milliseconds
);
CREATE INDEX IF NOT EXISTS sessions_expires_at ON sessions (expires_at);`

// OpenSQLite opens (creating if needed) the session database at path.
// The path ":memory:" gives a private in-memory database.
func OpenSQLite(path string, opts ...Option) (*SQLite, error) {
	c := newConfig(opts)
	if path == "" {
		return nil, errors.New("sessionstore: open sqlite: empty path")
	}
	// The driver cuts the DSN at the first '?', so such a name would open
	// another file than asked for.
	if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil, errors.New("sessionstore: open sqlite: path must be a plain file name")
	}
	inMemory := path == ":memory:"
	if !inMemory {
		// The rows are bearer tokens: create the file readable by the owner
		// only. SQLite gives the -wal and -shm files the same mode.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("sessionstore: open sqlite: %w", err)
		}
		f.Close()
	}
	// WAL lets page loads read while another request writes; busy_timeout
	// makes a concurrent writer wait instead of failing with SQLITE_BUSY.
	// synchronous=NORMAL may lose the last commits on power loss, which for
	// sessions means a re-login, and saves an fsync per request.
	dsn := path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sessionstore: open sqlite: %w", err)
	}
	if inMemory {
		// Every connection to ":memory:" is its own database; keep exactly one.
		db.SetMaxOpenConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		// Each connection carries its own page cache; a few are enough for
		// small reads and writes that SQLite serialises anyway.
		db.SetMaxOpenConns(4)
		db.SetMaxIdleConns(4)
	}
	if _, err := db.Exec(sqliteSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("sessionstore: open sqlite: create schema: %w", err)
	}
	return &SQLite{db: db, now: c.now}, nil
}

// Load returns the value under key, or ErrNotFound if it is missing or expired.
func (s *SQLite) Load(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := s.db.QueryRowContext(ctx,
		`SELECT value FROM sessions WHERE key = ? AND expires_at > ?`,
		key, s.now().UnixMilli()).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sessionstore: sqlite load: %w", err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

// Save stores value under key until expiresAt, replacing any earlier value.
func (s *SQLite) Save(ctx context.Context, key string, value []byte, expiresAt time.Time) error {
	if value == nil {
		value = []byte{} // NOT NULL column; an empty session is still a session
	}
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO sessions (key, value, expires_at) VALUES (?, ?, ?)
		 ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
		key, value, expiresAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("sessionstore: sqlite save: %w", err)
	}
	return nil
}

// Delete removes key; deleting a missing key is not an error.
func (s *SQLite) Delete(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE key = ?`, key); err != nil {
		return fmt.Errorf("sessionstore: sqlite delete: %w", err)
	}
	return nil
}

// Sweep deletes the rows that expired at or before now. Load already ignores
// them; sweeping only keeps the file from growing.
func (s *SQLite) Sweep(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("sessionstore: sqlite sweep: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sessionstore: sqlite sweep: %w", err)
	}
	return int(n), nil
}

// Ping checks the database answers.
func (s *SQLite) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("sessionstore: sqlite ping: %w", err)
	}
	return nil
}

// Close closes the database.
func (s *SQLite) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("sessionstore: sqlite close: %w", err)
	}
	return nil
}
