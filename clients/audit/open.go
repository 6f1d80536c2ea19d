package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Option configures a store.
type Option func(*config)

type config struct {
	now func() time.Time
}

// WithClock sets the clock that stamps events whose Time is zero; tests
// inject one, production uses time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

func newConfig(opts []Option) config {
	c := config{now: time.Now}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Open opens the audit store named by url: "sqlite:<path>" (or a bare path
// ending in ".db") for SQLite, "postgres://..." or "postgresql://..." for
// PostgreSQL. The schema is created if missing. Errors never repeat the URL,
// which may hold a password.
func Open(ctx context.Context, url string, opts ...Option) (Store, error) {
	switch {
	case url == "":
		return nil, errors.New("audit: open: no store URL given (want sqlite:<path>, postgres:// or postgresql://)")
	case strings.HasPrefix(url, "sqlite://"):
		// sqlite://x.db would silently mean /x.db; refuse rather than guess.
		return nil, errors.New(`audit: open: use "sqlite:<path>" (e.g. sqlite:/var/lib/oppslag/audit.db), not "sqlite://"`)
	case strings.HasPrefix(url, "sqlite:"):
		return OpenSQLite(strings.TrimPrefix(url, "sqlite:"), opts...)
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return OpenPostgres(ctx, url, opts...)
	case strings.HasSuffix(url, ".db") && !strings.Contains(url, "://"):
		return OpenSQLite(url, opts...)
	}
	if scheme, ok := schemeOf(url); ok {
		return nil, fmt.Errorf("audit: open: unsupported store scheme %q (want sqlite:<path>, postgres:// or postgresql://)", scheme)
	}
	return nil, errors.New("audit: open: store URL has no known scheme (want sqlite:<path>, postgres:// or postgresql://)")
}

// schemeOf returns the RFC 3986 scheme of u, if it has one; only that part
// may be echoed in errors.
func schemeOf(u string) (string, bool) {
	i := strings.IndexByte(u, ':')
	if i <= 0 {
		return "", false
	}
	s := u[:i]
	for j, c := range s {
		alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !alpha && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return "", false
		}
	}
	return s, true
}

// unavailable wraps a storage failure so errors.Is(err, ErrUnavailable)
// holds, keeping the cause for logs.
func unavailable(op string, err error) error {
	if errors.Is(err, ErrUnavailable) {
		return fmt.Errorf("audit: %s: %w", op, err)
	}
	return fmt.Errorf("audit: %s: %w: %w", op, ErrUnavailable, err)
}
