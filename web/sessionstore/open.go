package sessionstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Open opens the store named by url and checks it answers:
// "sqlite:<path>" for SQLite, "redis://..." or "rediss://..." for Redis,
// "memory:" for a process-local Memory store. The store comes behind a
// Cache (see Cache for how changes reach every instance) unless
// WithCacheTTL turns it off.
func Open(ctx context.Context, url string, opts ...Option) (Store, error) {
	var (
		s   Store
		err error
	)
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		s, err = OpenSQLite(strings.TrimPrefix(url, "sqlite:"), opts...)
	case strings.HasPrefix(url, "redis://"), strings.HasPrefix(url, "rediss://"):
		s, err = OpenRedis(url, opts...)
	case url == "memory:":
		s = NewMemory(opts...)
	default:
		// The URL is not repeated: it may hold a password.
		return nil, errors.New("sessionstore: open: unsupported URL (want sqlite:<path>, redis://, rediss:// or memory:)")
	}
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sessionstore: open: %w", err)
	}
	if c := newConfig(opts); c.cacheTTL > 0 {
		return NewCache(s, c.cacheTTL, opts...), nil
	}
	return s, nil
}
