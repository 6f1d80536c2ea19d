package hpr

import (
	"context"
	"sync"
	"time"
)

// Limiter keeps the portal inside HPR's rate limit: a token bucket per
// Maskinporten client, 200 tokens, refilled with 10 per minute
// (upstreams.md §0). The Client takes a token before every request, so the
// portal never sends a request HPR would refuse; with several instances
// the bucket must be shared (RedisLimiter).
//
// Both implementations keep the bucket the way the HPR simulator does
// (INFERENCE about the real HPR): a continuous refill of one token every
// 6 s, never above the capacity, starting full. If HPR's bucket was
// already drained when the portal started (a restart, another consumer of
// the same client id), HPR answers 429; the Client then calls Block with
// its Retry-After, and the limiter refuses until it has passed.
type Limiter interface {
	// Take takes one token. When the bucket is empty it returns ok false
	// and how long until a token will be there; nothing is taken then.
	Take(ctx context.Context) (ok bool, wait time.Duration, err error)
	// Block empties the bucket until until: Take refuses before it, and
	// from then on the bucket refills from one token. A Block never
	// shortens an earlier, longer one.
	Block(ctx context.Context, until time.Time) error
}

// LimiterOptions size a Limiter; the zero value is HPR's bucket.
type LimiterOptions struct {
	// Capacity is the bucket size; default 200.
	Capacity int
	// RefillPerMinute is how many tokens come back per minute; default 10.
	RefillPerMinute int
	// Now is the clock; default time.Now. For RedisLimiter a nil Now means
	// Redis's own clock, which all instances share.
	Now func() time.Time
}

// HPR's bucket (upstreams.md §0).
const (
	DefaultCapacity        = 200
	DefaultRefillPerMinute = 10
)

// size returns the bucket as refill time: the capacity and one token.
func (o LimiterOptions) size() (capacity, interval time.Duration) {
	c, r := o.Capacity, o.RefillPerMinute
	if c <= 0 {
		c = DefaultCapacity
	}
	if r <= 0 {
		r = DefaultRefillPerMinute
	}
	interval = time.Minute / time.Duration(r)
	return time.Duration(c) * interval, interval
}

// MemoryLimiter is a Limiter for one process. It is safe for concurrent
// use.
type MemoryLimiter struct {
	capacity time.Duration // bucket size as refill time
	interval time.Duration // refill time of one token
	now      func() time.Time

	mu      sync.Mutex
	started bool
	// credit is the stored tokens as refill time, as of updated; updated
	// may lie in the future after a Block. Durations keep it exact.
	credit  time.Duration
	updated time.Time
}

var _ Limiter = (*MemoryLimiter)(nil)

// NewMemoryLimiter returns a full bucket.
func NewMemoryLimiter(o LimiterOptions) *MemoryLimiter {
	l := &MemoryLimiter{now: o.Now}
	l.capacity, l.interval = o.size()
	if l.now == nil {
		l.now = time.Now
	}
	return l
}

// startLocked fills the bucket at its first use.
func (l *MemoryLimiter) startLocked(now time.Time) {
	if !l.started {
		l.started, l.credit, l.updated = true, l.capacity, now
	}
}

// Take implements Limiter.
func (l *MemoryLimiter) Take(context.Context) (bool, time.Duration, error) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.startLocked(now)
	credit := min(l.capacity, l.credit+now.Sub(l.updated))
	if credit < l.interval {
		return false, l.interval - credit, nil
	}
	l.credit, l.updated = credit-l.interval, now
	return true, 0, nil
}

// Block implements Limiter.
func (l *MemoryLimiter) Block(_ context.Context, until time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.startLocked(l.now())
	atUntil := min(l.capacity, l.credit+until.Sub(l.updated))
	l.credit, l.updated = min(l.interval, atUntil), until
	return nil
}
