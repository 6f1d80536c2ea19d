package hpr

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Leveler is implemented by limiters that can say how full their bucket
// is without taking from it, for the operators' metrics (the
// oppslag_hpr_bucket_tokens gauge). Both of this package's limiters do.
type Leveler interface {
	// Level returns the tokens in the bucket now, with fractions: 200 when
	// full, 0 when empty or blocked by HPR's Retry-After.
	Level(ctx context.Context) (float64, error)
}

var (
	_ Leveler = (*MemoryLimiter)(nil)
	_ Leveler = (*RedisLimiter)(nil)
)

// Level implements Leveler. A bucket not yet used counts as full, as it
// starts full; reading the level does not start it.
func (l *MemoryLimiter) Level(context.Context) (float64, error) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.started {
		return tokens(l.capacity, l.interval), nil
	}
	return tokens(min(l.capacity, l.credit+now.Sub(l.updated)), l.interval), nil
}

// levelScript reads the bucket as bucketScript keeps it, writing nothing.
// ARGV: capacity, interval, now (−1: Redis TIME). Returns the credit in ms.
var levelScript = redis.NewScript(bucketRead + `
if c == nil or u == nil then
  return capacity
end
return math.min(capacity, c + now - u)
`)

// Level implements Leveler with one read-only script on the shared bucket.
func (l *RedisLimiter) Level(ctx context.Context) (float64, error) {
	ms, err := levelScript.Run(ctx, l.client, []string{l.key},
		l.capacity.Milliseconds(), l.interval.Milliseconds(), l.nowArg()).Int64()
	if err != nil {
		return 0, fmt.Errorf("hpr: redis limiter: level: %w", err)
	}
	return tokens(time.Duration(ms)*time.Millisecond, l.interval), nil
}

// tokens converts credit (refill time) to tokens; a credit below zero
// (a Block's Retry-After still running) is an empty bucket.
func tokens(credit, interval time.Duration) float64 {
	return float64(max(credit, 0)) / float64(interval)
}
