package sessionstore

import (
	"testing"
	"time"
)

// TestCount: every store counts what has not expired, and nothing else.
func TestCount(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			c := newClock()
			s := b.open(t, c)
			ctx := t.Context()
			count := func(step string, want int) {
				t.Helper()
				got, err := s.(Counter).Count(ctx)
				if err != nil || got != want {
					t.Fatalf("%s: got %d (err %v), want %d", step, got, err, want)
				}
			}
			count("empty", 0)
			for _, k := range []string{"a", "b", "c"} {
				if err := s.Save(ctx, k, []byte("v"), c.Now().Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Save(ctx, "brief", []byte("v"), c.Now().Add(2*time.Second)); err != nil {
				t.Fatal(err)
			}
			count("four saved", 4)
			if err := s.Delete(ctx, "b"); err != nil {
				t.Fatal(err)
			}
			count("one deleted", 3)
			if b.realTime {
				time.Sleep(2100 * time.Millisecond)
			} else {
				c.Advance(2 * time.Second)
			}
			count("one expired", 2)
		})
	}
}

// TestCount_ThroughCache: a Cache counts what its store holds.
func TestCount_ThroughCache(t *testing.T) {
	c := newClock()
	s := NewCache(NewMemory(WithClock(c.Now)), time.Minute, WithClock(c.Now))
	t.Cleanup(func() { s.Close() })
	for _, k := range []string{"a", "b"} {
		if err := s.Save(t.Context(), k, []byte("v"), c.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Count(t.Context()); err != nil || got != 2 {
		t.Errorf("Count: got %d (err %v), want 2", got, err)
	}
}
