package sessionstore

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingStore counts the reads that reach the store behind a Cache.
type countingStore struct {
	Store
	loads  atomic.Int64
	onLoad func() // runs inside Load, after the read
}

func (s *countingStore) Load(ctx context.Context, key string) ([]byte, error) {
	s.loads.Add(1)
	v, err := s.Store.Load(ctx, key)
	if s.onLoad != nil {
		s.onLoad()
	}
	return v, err
}

// decodeString is the decode a test hands LoadDecoded; it counts its calls.
func decodeString(n *atomic.Int64) func([]byte) (any, error) {
	return func(b []byte) (any, error) {
		n.Add(1)
		return string(b), nil
	}
}

func loadString(t *testing.T, c *Cache, key string, decodes *atomic.Int64) (string, error) {
	t.Helper()
	v, err := c.LoadDecoded(t.Context(), key, decodeString(decodes))
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

func TestCache(t *testing.T) {
	const ttl = 2 * time.Second
	type env struct {
		clock   interface{ Advance(time.Duration) }
		mem     *Memory
		counted *countingStore
		cache   *Cache
		decodes *atomic.Int64
	}
	setup := func(t *testing.T) env {
		clock := newClock()
		mem := NewMemory(WithClock(clock.Now))
		counted := &countingStore{Store: mem}
		c := NewCache(counted, ttl, WithClock(clock.Now))
		t.Cleanup(func() { c.Close() })
		if err := c.Save(t.Context(), "k", []byte("v1"), clock.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		return env{clock: clock, mem: mem, counted: counted, cache: c, decodes: new(atomic.Int64)}
	}
	expect := func(t *testing.T, e env, want string, wantLoads int64) {
		t.Helper()
		got, err := loadString(t, e.cache, "k", e.decodes)
		if err != nil {
			t.Fatalf("LoadDecoded: %v", err)
		}
		if got != want {
			t.Errorf("LoadDecoded = %q, want %q", got, want)
		}
		if n := e.counted.loads.Load(); n != wantLoads {
			t.Errorf("store reads = %d, want %d", n, wantLoads)
		}
	}

	t.Run("hit serves the decoded value without a store read", func(t *testing.T) {
		e := setup(t)
		expect(t, e, "v1", 1)
		expect(t, e, "v1", 1)
		expect(t, e, "v1", 1)
		if n := e.decodes.Load(); n != 1 {
			t.Errorf("decodes = %d, want 1", n)
		}
	})
	t.Run("save through the cache drops the entry", func(t *testing.T) {
		e := setup(t)
		expect(t, e, "v1", 1)
		if err := e.cache.Save(t.Context(), "k", []byte("v2"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		expect(t, e, "v2", 2)
	})
	t.Run("delete through the cache revokes at once", func(t *testing.T) {
		e := setup(t)
		expect(t, e, "v1", 1)
		if err := e.cache.Delete(t.Context(), "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := loadString(t, e.cache, "k", e.decodes); !errors.Is(err, ErrNotFound) {
			t.Fatalf("LoadDecoded after Delete: %v, want ErrNotFound", err)
		}
	})
	t.Run("TTL bounds a change the cache did not see", func(t *testing.T) {
		e := setup(t)
		expect(t, e, "v1", 1)
		// Behind the cache's back: what a lost change message amounts to.
		if err := e.mem.Delete(t.Context(), "k"); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(ttl - time.Millisecond)
		expect(t, e, "v1", 1) // the staleness the TTL allows
		e.clock.Advance(time.Millisecond)
		if _, err := loadString(t, e.cache, "k", e.decodes); !errors.Is(err, ErrNotFound) {
			t.Fatalf("LoadDecoded a TTL after the change: %v, want ErrNotFound", err)
		}
	})
	t.Run("Load always reads the store", func(t *testing.T) {
		e := setup(t)
		expect(t, e, "v1", 1)
		if _, err := e.cache.Load(t.Context(), "k"); err != nil {
			t.Fatal(err)
		}
		if n := e.counted.loads.Load(); n != 2 {
			t.Errorf("store reads = %d, want 2", n)
		}
	})
	t.Run("a read that raced a save is not kept", func(t *testing.T) {
		e := setup(t)
		var once sync.Once
		// The read has the old value in hand when another request saves.
		e.counted.onLoad = func() {
			once.Do(func() {
				if err := e.cache.Save(t.Context(), "k", []byte("v2"), time.Now().Add(time.Hour)); err != nil {
					t.Error(err)
				}
			})
		}
		expect(t, e, "v1", 1)
		expect(t, e, "v2", 2)
		expect(t, e, "v2", 2)
	})
	t.Run("decode errors are not kept", func(t *testing.T) {
		e := setup(t)
		bad := errors.New("bad")
		for range 2 {
			_, err := e.cache.LoadDecoded(t.Context(), "k", func([]byte) (any, error) { return nil, bad })
			if !errors.Is(err, bad) {
				t.Fatalf("LoadDecoded: %v, want the decode error", err)
			}
		}
		expect(t, e, "v1", 3)
	})
}

// fakeFeed is a change feed under the test's control: messages go only
// where the test delivers them.
type fakeFeed struct {
	*Memory
	live      chan bool
	published chan string
}

func (f *fakeFeed) publishChange(_ context.Context, _, key string) error {
	f.published <- key
	return nil
}

func (f *fakeFeed) watchChanges(ctx context.Context, _ func(from, key string), live func(bool)) {
	for {
		select {
		case <-ctx.Done():
			return
		case l := <-f.live:
			live(l)
		}
	}
}

func TestCacheSharedStoreServesOnlyWhileSubscribed(t *testing.T) {
	feed := &fakeFeed{Memory: NewMemory(), live: make(chan bool), published: make(chan string, 10)}
	counted := &countingStore{Store: feed}
	c := NewCache(feed, time.Hour)
	defer c.Close()
	// The cache reads through the counting wrapper; the feed is the Memory's.
	c.next = counted
	ctx := t.Context()
	if err := c.Save(ctx, "k", []byte("v"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := <-feed.published; got != "k" {
		t.Errorf("published %q, want k", got)
	}
	var decodes atomic.Int64
	read := func() {
		t.Helper()
		if _, err := loadString(t, c, "k", &decodes); err != nil {
			t.Fatal(err)
		}
	}
	read()
	read()
	if n := counted.loads.Load(); n != 2 {
		t.Errorf("store reads before the subscription is confirmed = %d, want 2 (no caching)", n)
	}
	feed.live <- true
	feed.live <- true // the second send returns once the first was handled
	read()
	read()
	if n := counted.loads.Load(); n != 3 {
		t.Errorf("store reads while subscribed = %d, want 3", n)
	}
	feed.live <- false
	feed.live <- false
	read()
	if n := counted.loads.Load(); n != 4 {
		t.Errorf("store reads after the subscription failed = %d, want 4", n)
	}
}

// TestCacheRedisRevocationAcrossInstances runs two instances' caches on one
// Redis: a session one instance deletes or changes is gone from the other
// instance's memory at once, far inside the TTL.
func TestCacheRedisRevocationAcrossInstances(t *testing.T) {
	prefix := openTestRedis(t).prefix // that client deletes the prefix at the end
	a, err := OpenRedis(redisURLForTest(t), WithPrefix(prefix))
	if err != nil {
		t.Fatal(err)
	}
	b, err := OpenRedis(redisURLForTest(t), WithPrefix(prefix))
	if err != nil {
		t.Fatal(err)
	}
	const ttl = time.Hour // far longer than the test: only a message can explain a drop
	ca, cb := NewCache(a, ttl), NewCache(b, ttl)
	defer ca.Close()
	defer cb.Close()
	waitLive(t, ca)
	waitLive(t, cb)
	ctx := t.Context()
	var decodes atomic.Int64
	until := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 2 s", what)
			}
			time.Sleep(time.Millisecond)
		}
	}

	if err := ca.Save(ctx, "s1", []byte("v1"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, err := loadString(t, cb, "s1", &decodes); err != nil || got != "v1" {
		t.Fatalf("instance b reads %q, %v; want v1", got, err)
	}
	if err := ca.Save(ctx, "s1", []byte("v2"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	until("a change on a reaches b", func() bool {
		got, err := loadString(t, cb, "s1", &decodes)
		return err == nil && got == "v2"
	})
	start := time.Now()
	if err := ca.Delete(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	until("a revocation on a reaches b", func() bool {
		_, err := loadString(t, cb, "s1", &decodes)
		return errors.Is(err, ErrNotFound)
	})
	t.Logf("revocation reached the other instance in %s", time.Since(start))

	// A cache skips its own messages: its entry went when it saved.
	if err := cb.Save(ctx, "s2", []byte("x"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, err := loadString(t, cb, "s2", &decodes); err != nil || got != "x" {
		t.Fatalf("instance b reads its own save as %q, %v", got, err)
	}
}

func waitLive(t *testing.T, c *Cache) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !c.live.Load() {
		if time.Now().After(deadline) {
			t.Fatal("cache not subscribed within 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}
