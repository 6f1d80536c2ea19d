package clocktest_test

import (
	"sync"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/clocktest"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestClock(t *testing.T) {
	tests := []struct {
		name  string
		steps []time.Duration
		want  time.Time
	}{
		{"new reads its start", nil, start},
		{"advance adds", []time.Duration{time.Second, time.Hour}, start.Add(time.Hour + time.Second)},
		{"negative advance moves back", []time.Duration{5 * time.Minute, -5 * time.Minute}, start},
		{"zero advance stays", []time.Duration{0}, start},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := clocktest.New(start)
			for _, d := range tt.steps {
				c.Advance(d)
			}
			if got := c.Now(); !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestClock_MethodValue: code under test holds c.Now as a func() time.Time
// and sees later advances.
func TestClock_MethodValue(t *testing.T) {
	c := clocktest.New(start)
	var now func() time.Time = c.Now
	c.Advance(time.Minute)
	if got, want := now(), start.Add(time.Minute); !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestClock_Concurrent reads and advances from many goroutines; run with
// -race to check the locking.
func TestClock_Concurrent(t *testing.T) {
	c := clocktest.New(start)
	const n = 50
	var wg sync.WaitGroup
	for range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			c.Advance(time.Second)
		}()
		go func() {
			defer wg.Done()
			if got := c.Now(); got.Before(start) || got.After(start.Add(n*time.Second)) {
				t.Errorf("got %v, want between %v and %v", got, start, start.Add(n*time.Second))
			}
		}()
	}
	wg.Wait()
	if got, want := c.Now(), start.Add(n*time.Second); !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
