// Package clocktest provides a settable clock for tests, in the manner of
// net/http/httptest: a test hands Clock.Now to the code under test wherever
// it takes a func() time.Time, and moves time with Advance instead of
// sleeping.
package clocktest

import (
	"sync"
	"time"
)

// Clock is a settable time source. It is safe for concurrent use because
// servers under test read it from their own goroutines while the test
// advances it.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a Clock that reads t until it is advanced.
func New(t time.Time) *Clock {
	return &Clock{t: t}
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock by d; a negative d moves it back, which lets a
// subtest undo its step.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
