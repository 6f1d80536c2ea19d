package hpr_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/clocktest"
	"github.com/oppslag/oppslag/clients/hpr"
)

// limiters returns each Limiter implementation on clock c with o; Redis only
// when OPPSLAG_TEST_REDIS_URL is set.
func limiters(t *testing.T, c *clocktest.Clock, o hpr.LimiterOptions) map[string]func(t *testing.T) hpr.Limiter {
	o.Now = c.Now
	return map[string]func(t *testing.T) hpr.Limiter{
		"memory": func(*testing.T) hpr.Limiter { return hpr.NewMemoryLimiter(o) },
		"redis": func(t *testing.T) hpr.Limiter {
			rc := openTestRedis(t)
			l, err := hpr.NewRedisLimiter(rc, testKey(t, rc)+"bucket", o)
			if err != nil {
				t.Fatal(err)
			}
			return l
		},
	}
}

func newClock() *clocktest.Clock { return clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) }

// TestLimiter_Bucket: 200, then a wait; 10 per minute; never above 200.
func TestLimiter_Bucket(t *testing.T) {
	c := newClock()
	for name, mk := range limiters(t, c, hpr.LimiterOptions{}) {
		t.Run(name, func(t *testing.T) {
			l := mk(t)
			take := func(step string, n int) {
				t.Helper()
				for i := range n {
					ok, wait, err := l.Take(bg)
					if err != nil || !ok {
						t.Fatalf("%s: take %d of %d: ok %v wait %s err %v", step, i+1, n, ok, wait, err)
					}
				}
			}
			refused := func(step string, want time.Duration) {
				t.Helper()
				ok, wait, err := l.Take(bg)
				if err != nil || ok || wait != want {
					t.Fatalf("%s: got ok %v wait %s err %v, want a refusal with %s", step, ok, wait, err, want)
				}
			}
			take("full bucket", 200)
			refused("201st", 6*time.Second)
			c.Advance(1500 * time.Millisecond)
			refused("1.5 s later", 4500*time.Millisecond)
			c.Advance(4500 * time.Millisecond)
			take("6 s later", 1)
			refused("then", 6*time.Second)
			c.Advance(time.Minute)
			take("a minute later", 10)
			refused("then", 6*time.Second)
			c.Advance(2 * time.Hour)
			take("two hours later", 200)
			refused("capped at 200", 6*time.Second)
		})
	}
}

// TestLimiter_Block: after a 429, nothing until Retry-After; then one token
// and the usual refill. A shorter block does not shorten a longer one.
func TestLimiter_Block(t *testing.T) {
	c := newClock()
	for name, mk := range limiters(t, c, hpr.LimiterOptions{}) {
		t.Run(name, func(t *testing.T) {
			l := mk(t)
			if ok, _, _ := l.Take(bg); !ok {
				t.Fatal("fresh bucket refused")
			}
			if err := l.Block(bg, c.Now().Add(30*time.Second)); err != nil {
				t.Fatal(err)
			}
			if err := l.Block(bg, c.Now().Add(10*time.Second)); err != nil {
				t.Fatal(err)
			}
			if ok, wait, _ := l.Take(bg); ok || wait != 30*time.Second {
				t.Fatalf("blocked: got ok %v wait %s, want 30 s", ok, wait)
			}
			c.Advance(29 * time.Second)
			if ok, wait, _ := l.Take(bg); ok || wait != time.Second {
				t.Fatalf("29 s later: got ok %v wait %s, want 1 s", ok, wait)
			}
			c.Advance(time.Second)
			if ok, _, _ := l.Take(bg); !ok {
				t.Fatal("at the end of the block: refused")
			}
			if ok, wait, _ := l.Take(bg); ok || wait != 6*time.Second {
				t.Fatalf("after the first token: got ok %v wait %s, want 6 s", ok, wait)
			}
		})
	}
}

// TestLimiter_Concurrent: many takers at once get exactly the bucket.
func TestLimiter_Concurrent(t *testing.T) {
	c := newClock()
	for name, mk := range limiters(t, c, hpr.LimiterOptions{Capacity: 50}) {
		t.Run(name, func(t *testing.T) {
			l := mk(t)
			var granted atomic.Int64
			var wg sync.WaitGroup
			for range 20 {
				wg.Go(func() {
					for range 5 {
						ok, _, err := l.Take(bg)
						if err != nil {
							t.Error(err)
						}
						if ok {
							granted.Add(1)
						}
					}
				})
			}
			wg.Wait()
			if got, want := granted.Load(), int64(50); got != want {
				t.Errorf("granted: got %d, want %d", got, want)
			}
		})
	}
}

// TestRedisLimiter_RedisClock: without an injected clock the bucket runs on
// Redis's own clock, shared by every instance.
func TestRedisLimiter_RedisClock(t *testing.T) {
	rc := openTestRedis(t)
	key := testKey(t, rc) + "bucket"
	a, _ := hpr.NewRedisLimiter(rc, key, hpr.LimiterOptions{Capacity: 2})
	b, _ := hpr.NewRedisLimiter(rc, key, hpr.LimiterOptions{Capacity: 2})
	for i, l := range []hpr.Limiter{a, b} {
		if ok, _, err := l.Take(bg); !ok || err != nil {
			t.Fatalf("take %d: ok %v err %v", i+1, ok, err)
		}
	}
	ok, wait, err := a.Take(bg)
	if ok || err != nil || wait <= 0 || wait > 6*time.Second {
		t.Errorf("third take: got ok %v wait %s err %v, want a refusal of at most 6 s", ok, wait, err)
	}
	if ttl := rc.PTTL(bg, key).Val(); ttl <= 0 {
		t.Errorf("bucket key TTL: got %s, want one", ttl)
	}
}

func TestNewRedisLimiter_Validates(t *testing.T) {
	if _, err := hpr.NewRedisLimiter(nil, "k", hpr.LimiterOptions{}); err == nil {
		t.Error("nil client: got nil error")
	}
}
