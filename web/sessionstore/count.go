package sessionstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Counter is implemented by stores that can count their live sessions,
// for the operators' metrics (the oppslag_sessions gauge). Every store in
// this package does. A count includes sessions not yet signed in (a login
// in progress keeps its state in a session too).
type Counter interface {
	// Count returns how many entries have not expired.
	Count(ctx context.Context) (int, error)
}

var (
	_ Counter = (*Memory)(nil)
	_ Counter = (*SQLite)(nil)
	_ Counter = (*Redis)(nil)
	_ Counter = (*Cache)(nil)
)

// Count implements Counter by asking the store behind the cache: the
// cache holds only what was read lately, not every session.
func (c *Cache) Count(ctx context.Context) (int, error) {
	if n, ok := c.next.(Counter); ok {
		return n.Count(ctx)
	}
	return 0, errors.ErrUnsupported
}

// Count implements Counter.
func (m *Memory) Count(context.Context) (int, error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, e := range m.entries {
		if e.expiresAt.After(now) {
			n++
		}
	}
	return n, nil
}

// Count implements Counter with one query on the expires_at index.
func (s *SQLite) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE expires_at > ?`, s.now().UnixMilli()).Scan(&n); err != nil {
		return 0, fmt.Errorf("sessionstore: sqlite count: %w", err)
	}
	return n, nil
}

// countScanBatch is how many keys one SCAN step asks Redis to look at.
const countScanBatch = 1000

// Count implements Counter by walking the keys under the store's prefix
// with SCAN, so Redis is never blocked; Redis drops expired keys itself.
// It costs one round trip per countScanBatch keys in the database: cheap
// at a scrape interval, and meant for nothing more frequent. A key that
// appears or goes during the walk may be counted or not.
func (r *Redis) Count(ctx context.Context) (int, error) {
	var (
		cursor uint64
		n      int
	)
	match := globEscaper.Replace(r.prefix) + "*"
	for {
		keys, next, err := r.client.Scan(ctx, cursor, match, countScanBatch).Result()
		if err != nil {
			return 0, fmt.Errorf("sessionstore: redis count: %w", err)
		}
		n += len(keys)
		if cursor = next; cursor == 0 {
			return n, nil
		}
	}
}

// globEscaper escapes Redis MATCH pattern characters in a literal prefix.
var globEscaper = strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
