package hpr

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisLimiter is a Limiter whose bucket lives in Redis, so every instance
// of the portal draws from the one bucket HPR keeps for the shared
// Maskinporten client. Each Take and Block is one atomic Lua script.
type RedisLimiter struct {
	client   redis.Scripter
	key      string
	capacity time.Duration
	interval time.Duration
	now      func() time.Time // nil: Redis's clock
}

var _ Limiter = (*RedisLimiter)(nil)

// NewRedisLimiter returns a limiter on the bucket under key (a hash that
// expires an hour after it would be full again). client is usually a
// *redis.Client. With o.Now nil the bucket runs on Redis's clock (TIME in
// the script, which needs Redis 5 or later), so instances with skewed
// clocks still agree; tests inject a clock.
func NewRedisLimiter(client redis.Scripter, key string, o LimiterOptions) (*RedisLimiter, error) {
	if client == nil || key == "" {
		return nil, errors.New("hpr: new redis limiter: client and key are required")
	}
	l := &RedisLimiter{client: client, key: key, now: o.Now}
	l.capacity, l.interval = o.size()
	return l, nil
}

// bucketRead is how both bucket scripts begin: capacity, now and the
// stored c and u (nil for a bucket not yet used). ARGV: capacity,
// interval, now (−1: Redis TIME).
const bucketRead = `
local capacity = tonumber(ARGV[1])
local now = tonumber(ARGV[3])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local c = tonumber(redis.call('HGET', KEYS[1], 'c'))
local u = tonumber(redis.call('HGET', KEYS[1], 'u'))
`

// bucketScript keeps the bucket in milliseconds: fields c (credit, the
// stored tokens as refill time) and u (when c was measured; after a block
// it lies in the future). ARGV: capacity, interval, now (−1: Redis TIME),
// op ("take" or "block"), block delay. Returns {ok, wait}.
var bucketScript = redis.NewScript(bucketRead + `
local interval = tonumber(ARGV[2])
if c == nil or u == nil then
  c = capacity
  u = now
end
local function save(credit, at)
  redis.call('HSET', KEYS[1], 'c', credit, 'u', at)
  redis.call('PEXPIRE', KEYS[1], math.max(1, capacity - credit + at - now) + 3600000)
end
if ARGV[4] == 'block' then
  local untilms = now + tonumber(ARGV[5])
  save(math.min(interval, capacity, c + untilms - u), untilms)
  return {0, 0}
end
local avail = math.min(capacity, c + now - u)
if avail < interval then
  return {0, interval - avail}
end
save(avail - interval, now)
return {1, 0}
`)

// nowArg is the script's now: the injected clock in ms, or −1 for Redis's.
func (l *RedisLimiter) nowArg() int64 {
	if l.now == nil {
		return -1
	}
	return l.now().UnixMilli()
}

// Take implements Limiter.
func (l *RedisLimiter) Take(ctx context.Context) (bool, time.Duration, error) {
	res, err := bucketScript.Run(ctx, l.client, []string{l.key},
		l.capacity.Milliseconds(), l.interval.Milliseconds(), l.nowArg(), "take", 0).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("hpr: redis limiter: take: %w", err)
	}
	if len(res) != 2 {
		return false, 0, errors.New("hpr: redis limiter: take: unexpected script result")
	}
	return res[0] == 1, time.Duration(res[1]) * time.Millisecond, nil
}

// Block implements Limiter. The block is sent as a delay from now, so it
// holds on Redis's clock too.
func (l *RedisLimiter) Block(ctx context.Context, until time.Time) error {
	now := time.Now()
	if l.now != nil {
		now = l.now()
	}
	delay := until.Sub(now)
	// Round up: blocking a little longer is safe, shorter is not.
	ms := (delay + time.Millisecond - 1) / time.Millisecond
	err := bucketScript.Run(ctx, l.client, []string{l.key},
		l.capacity.Milliseconds(), l.interval.Milliseconds(), l.nowArg(), "block", int64(ms)).Err()
	if err != nil {
		return fmt.Errorf("hpr: redis limiter: block: %w", err)
	}
	return nil
}
