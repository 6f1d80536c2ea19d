// Package sessionstore keeps server-side session state: opaque values under a
// key with an expiry. The web package encodes and decodes the values; this
// package stores them (SQLite by default, Redis when scaled out) and keeps
// recently read ones, decoded, in memory in front of the store (Cache).
package sessionstore

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by Load for a missing or expired key.
var ErrNotFound = errors.New("session not found")

// Store holds session values. Implementations are safe for concurrent use.
type Store interface {
	// Load returns the value under key, or ErrNotFound if it is missing or expired.
	Load(ctx context.Context, key string) ([]byte, error)
	// Save stores value under key until expiresAt, replacing any earlier value.
	Save(ctx context.Context, key string, value []byte, expiresAt time.Time) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// Ping checks the store is reachable.
	Ping(ctx context.Context) error
	Close() error
}

// Sweeper is implemented by stores that keep expired rows until told to drop
// them (SQLite, Memory); Redis expires keys by itself and does not need it.
type Sweeper interface {
	// Sweep deletes every entry that expired at or before now and reports how many.
	Sweep(ctx context.Context, now time.Time) (int, error)
}

// Option configures a store opened by Open, OpenSQLite, OpenRedis or NewMemory.
type Option func(*config)

type config struct {
	now      func() time.Time
	prefix   string
	cacheTTL time.Duration
}

func newConfig(opts []Option) config {
	c := config{now: time.Now, prefix: "oppslag:session:", cacheTTL: DefaultCacheTTL}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithClock makes a store read the time from now, so tests can move past an
// expiry without sleeping. Redis keeps its own clock for expiry; there the
// clock only decides whether a Save is already expired.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithPrefix sets the key prefix Redis stores sessions under (default
// "oppslag:session:"), so several deployments or tests can share one server.
func WithPrefix(prefix string) Option {
	return func(c *config) { c.prefix = prefix }
}

// WithCacheTTL sets how long the Cache that Open puts in front of the store
// serves a value from memory (default DefaultCacheTTL); 0 or less opens the
// store without a cache.
func WithCacheTTL(ttl time.Duration) Option {
	return func(c *config) { c.cacheTTL = ttl }
}
