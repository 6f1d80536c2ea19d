package sessionstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/clocktest"
)

// newClock starts at the real time, so that expiries computed from it are
// also in the future for Redis, which expires keys by its own clock.
func newClock() *clocktest.Clock {
	return clocktest.New(time.Now().Truncate(time.Second))
}

// backend opens one kind of store for the contract tests.
type backend struct {
	name string
	// open returns a fresh, empty store that reads the time from c. A store
	// that keeps real time (Redis) sets realTime and ignores c for expiry.
	open     func(t *testing.T, c *clocktest.Clock) Store
	realTime bool
}

func backends() []backend {
	return []backend{
		{
			name: "memory",
			open: func(t *testing.T, c *clocktest.Clock) Store { return NewMemory(WithClock(c.Now)) },
		},
		{
			name: "sqlite",
			open: func(t *testing.T, c *clocktest.Clock) Store {
				s, err := OpenSQLite(filepath.Join(t.TempDir(), "sessions.db"), WithClock(c.Now))
				if err != nil {
					t.Fatalf("OpenSQLite: %v", err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			},
		},
		{
			name:     "redis",
			realTime: true,
			open: func(t *testing.T, c *clocktest.Clock) Store {
				return openTestRedis(t)
			},
		},
	}
}

// redisURLForTest is OPPSLAG_TEST_REDIS_URL; the test skips without it.
func redisURLForTest(t *testing.T) string {
	t.Helper()
	url := os.Getenv("OPPSLAG_TEST_REDIS_URL")
	if url == "" {
		t.Skip("OPPSLAG_TEST_REDIS_URL not set; e.g. OPPSLAG_TEST_REDIS_URL=redis://127.0.0.1:6379/0")
	}
	return url
}

// openTestRedis connects to OPPSLAG_TEST_REDIS_URL under a key prefix of its
// own and deletes that prefix when the test ends.
func openTestRedis(t *testing.T) *Redis {
	t.Helper()
	url := redisURLForTest(t)
	prefix := fmt.Sprintf("oppslag:test:%d:%s:", time.Now().UnixNano(), t.Name())
	r, err := OpenRedis(url, WithPrefix(prefix))
	if err != nil {
		t.Fatalf("OpenRedis: %v", err)
	}
	ctx := context.Background()
	if err := r.Ping(ctx); err != nil {
		r.Close()
		t.Fatalf("Ping: %v", err)
	}
	t.Cleanup(func() {
		defer r.Close()
		iter := r.client.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			r.client.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("cleaning up %s*: %v", prefix, err)
		}
	})
	return r
}

func TestContract(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, b backend)
	}{
		{"RoundTrip", testRoundTrip},
		{"Overwrite", testOverwrite},
		{"Delete", testDelete},
		{"DeleteMissing", testDeleteMissing},
		{"LoadMissing", testLoadMissing},
		{"Expired", testExpired},
		{"SaveAlreadyExpired", testSaveAlreadyExpired},
		{"Concurrent", testConcurrent},
		{"Sweep", testSweep},
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) { tt.run(t, b) })
			}
		})
	}
}

func testRoundTrip(t *testing.T, b backend) {
	ctx := context.Background()
	c := newClock()
	s := b.open(t, c)
	values := map[string][]byte{
		"k-text":   []byte(`{"sub":"abc"}`),
		"k-binary": {0, 1, 2, 0xff, 0xfe, 0},
		"k-large":  bytes.Repeat([]byte("x"), 64<<10),
	}
	for k, v := range values {
		if err := s.Save(ctx, k, v, c.Now().Add(time.Hour)); err != nil {
			t.Fatalf("Save(%s): %v", k, err)
		}
	}
	for k, want := range values {
		got, err := s.Load(ctx, k)
		if err != nil {
			t.Fatalf("Load(%s): %v", k, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("Load(%s) = %d bytes, want %d bytes %q...", k, len(got), len(want), want[:min(len(want), 8)])
		}
	}
}

func testOverwrite(t *testing.T, b backend) {
	ctx := context.Background()
	c := newClock()
	s := b.open(t, c)
	if err := s.Save(ctx, "k", []byte("first"), c.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, "k", []byte("second"), c.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load(ctx, "k")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if want := "second"; string(got) != want {
		t.Errorf("Load = %q, want %q", got, want)
	}
	if b.realTime {
		return
	}
	// The expiry is replaced too, not only the value.
	c.Advance(30 * time.Minute)
	if _, err := s.Load(ctx, "k"); err != nil {
		t.Errorf("Load after the first expiry: %v, want the overwritten expiry to hold", err)
	}
}

func testDelete(t *testing.T, b backend) {
	ctx := context.Background()
	c := newClock()
	s := b.open(t, c)
	if err := s.Save(ctx, "k", []byte("v"), c.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, "other", []byte("w"), c.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "k"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Load(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load after Delete: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Load(ctx, "other"); err != nil {
		t.Errorf("Load(other) after Delete(k): %v", err)
	}
}

func testDeleteMissing(t *testing.T, b backend) {
	s := b.open(t, newClock())
	if err := s.Delete(context.Background(), "never-saved"); err != nil {
		t.Errorf("Delete(missing) = %v, want nil", err)
	}
}

func testLoadMissing(t *testing.T, b backend) {
	s := b.open(t, newClock())
	if _, err := s.Load(context.Background(), "never-saved"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load(missing): err = %v, want ErrNotFound", err)
	}
}

func testExpired(t *testing.T, b backend) {
	ctx := context.Background()
	c := newClock()
	s := b.open(t, c)
	if b.realTime {
		// Redis expires by its own clock: the one test that really waits.
		if err := s.Save(ctx, "k", []byte("v"), time.Now().Add(1500*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Load(ctx, "k"); err != nil {
			t.Fatalf("Load before expiry: %v", err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, err := s.Load(ctx, "k")
			if errors.Is(err, ErrNotFound) {
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if time.Now().After(deadline) {
				t.Fatal("key still loads 5 s after its expiry was 1.5 s ahead")
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if err := s.Save(ctx, "k", []byte("v"), c.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Minute - time.Millisecond)
	if _, err := s.Load(ctx, "k"); err != nil {
		t.Fatalf("Load 1 ms before expiry: %v", err)
	}
	c.Advance(time.Millisecond)
	if _, err := s.Load(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load at expiry: err = %v, want ErrNotFound", err)
	}
}

func testSaveAlreadyExpired(t *testing.T, b backend) {
	ctx := context.Background()
	c := newClock()
	s := b.open(t, c)
	now := c.Now()
	if err := s.Save(ctx, "k", []byte("old"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, "k", []byte("v"), now.Add(-time.Second)); err != nil {
		t.Fatalf("Save with a past expiry: %v", err)
	}
	if _, err := s.Load(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load: err = %v, want ErrNotFound", err)
	}
}

func testConcurrent(t *testing.T, b backend) {
	ctx := context.Background()
	c := newClock()
	s := b.open(t, c)
	exp := c.Now().Add(time.Hour)
	const workers, rounds = 16, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			own := fmt.Sprintf("own-%d", w)
			for i := range rounds {
				want := fmt.Appendf(nil, "%d-%d", w, i)
				if err := s.Save(ctx, own, want, exp); err != nil {
					errs <- fmt.Errorf("worker %d: Save: %w", w, err)
					return
				}
				got, err := s.Load(ctx, own)
				if err != nil {
					errs <- fmt.Errorf("worker %d: Load: %w", w, err)
					return
				}
				if !bytes.Equal(got, want) {
					errs <- fmt.Errorf("worker %d: Load = %q, want %q", w, got, want)
					return
				}
				// Everyone also writes and reads one shared key.
				if err := s.Save(ctx, "shared", want, exp); err != nil {
					errs <- fmt.Errorf("worker %d: Save(shared): %w", w, err)
					return
				}
				if _, err := s.Load(ctx, "shared"); err != nil {
					errs <- fmt.Errorf("worker %d: Load(shared): %w", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func testSweep(t *testing.T, b backend) {
	ctx := context.Background()
	c := newClock()
	s := b.open(t, c)
	sw, ok := s.(Sweeper)
	if !ok {
		t.Skipf("%T expires keys by itself and has no Sweep", s)
	}
	now := c.Now()
	for k, exp := range map[string]time.Time{
		"gone-1": now.Add(time.Minute),
		"gone-2": now.Add(2 * time.Minute),
		"edge":   now.Add(5 * time.Minute),
		"live":   now.Add(time.Hour),
	} {
		if err := s.Save(ctx, k, []byte(k), exp); err != nil {
			t.Fatal(err)
		}
	}
	got, err := sw.Sweep(ctx, now.Add(5*time.Minute))
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if want := 3; got != want {
		t.Errorf("Sweep = %d, want %d", got, want)
	}
	if _, err := s.Load(ctx, "live"); err != nil {
		t.Errorf("Load(live) after Sweep: %v", err)
	}
	// Loading ignores the clock for what Sweep removed: the rows are gone.
	got, err = sw.Sweep(ctx, now.Add(5*time.Minute))
	if err != nil || got != 0 {
		t.Errorf("second Sweep = %d, %v; want 0, nil", got, err)
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		url      string
		wantType string
	}{
		{"sqlite:" + filepath.Join(dir, "s.db"), "*sessionstore.SQLite"},
		{"sqlite::memory:", "*sessionstore.SQLite"},
		{"memory:", "*sessionstore.Memory"},
	}
	if u := os.Getenv("OPPSLAG_TEST_REDIS_URL"); u != "" {
		tests = append(tests, struct{ url, wantType string }{u, "*sessionstore.Redis"})
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			s, err := Open(ctx, tt.url)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			c, ok := s.(*Cache)
			if !ok {
				t.Fatalf("Open(%q) = %T, want the store behind a *sessionstore.Cache", tt.url, s)
			}
			if got := fmt.Sprintf("%T", c.Unwrap()); got != tt.wantType {
				t.Errorf("Open(%q) = Cache in front of %s, want %s", tt.url, got, tt.wantType)
			}
			if err := s.Save(ctx, "k", []byte("v"), time.Now().Add(time.Minute)); err != nil {
				t.Errorf("Save: %v", err)
			}
			if err := s.Delete(ctx, "k"); err != nil {
				t.Errorf("Delete: %v", err)
			}
		})
	}
}

func TestOpenWithoutCache(t *testing.T) {
	s, err := Open(t.Context(), "memory:", WithCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.(*Memory); !ok {
		t.Errorf("Open with WithCacheTTL(0) = %T, want *sessionstore.Memory", s)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		url  string
	}{
		{"unknown scheme", "postgres://app:s3cret-pw@db/sessions"},
		{"no scheme", "s3cret-pw"},
		{"empty sqlite path", "sqlite:"},
		{"sqlite query", "sqlite:/tmp/x.db?mode=ro"},
		{"bad redis URL", "redis://app:s3cret-pw@%zz/0"},
		{"redis unreachable", "redis://app:s3cret-pw@127.0.0.1:1/0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(ctx, tt.url)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded, want an error", tt.url)
			}
			// The error is logged; the URL's password must not be in it.
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q repeats the password", err)
			}
		})
	}
}

func TestSQLiteSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sessions.db")
	c := newClock()
	s, err := OpenSQLite(path, WithClock(c.Now))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, "k", []byte("v"), c.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = OpenSQLite(path, WithClock(c.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Load(ctx, "k")
	if err != nil || string(got) != "v" {
		t.Errorf("Load after reopen = %q, %v; want %q, nil", got, err, "v")
	}
}

func TestSQLiteSettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.db")
	s, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mode string
	var busy int
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`PRAGMA busy_timeout`).Scan(&busy); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	if busy <= 0 {
		t.Errorf("busy_timeout = %d, want > 0", busy)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fi.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Errorf("file mode = %v, want %v (the rows are bearer tokens)", got, want)
	}
}

func TestMemoryCopiesValues(t *testing.T) {
	ctx := context.Background()
	m := NewMemory()
	v := []byte("abc")
	if err := m.Save(ctx, "k", v, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	v[0] = 'X'
	got, _ := m.Load(ctx, "k")
	got[1] = 'Y'
	got, _ = m.Load(ctx, "k")
	if want := "abc"; string(got) != want {
		t.Errorf("Load = %q, want %q: the store shares memory with its callers", got, want)
	}
}
