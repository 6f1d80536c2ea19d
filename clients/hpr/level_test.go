package hpr_test

import (
	"math"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
)

// TestLimiter_Level: the level follows takes, refills and a block, and
// reading it takes nothing.
func TestLimiter_Level(t *testing.T) {
	c := newClock()
	for name, mk := range limiters(t, c, hpr.LimiterOptions{Capacity: 10}) {
		t.Run(name, func(t *testing.T) {
			l := mk(t)
			lv, ok := l.(hpr.Leveler)
			if !ok {
				t.Fatalf("%T is not a Leveler", l)
			}
			level := func(step string, want float64) {
				t.Helper()
				got, err := lv.Level(bg)
				if err != nil || math.Abs(got-want) > 0.01 {
					t.Fatalf("%s: got level %.3f err %v, want %.3f", step, got, err, want)
				}
			}
			level("unused", 10)
			level("read twice", 10)
			for range 4 {
				if ok, _, err := l.Take(bg); !ok || err != nil {
					t.Fatalf("take: ok %v err %v", ok, err)
				}
			}
			level("after 4 takes", 6)
			c.Advance(3 * time.Second)
			level("half a refill later", 6.5)
			c.Advance(time.Hour)
			level("never above capacity", 10)
			if err := l.Block(bg, c.Now().Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			level("blocked", 0)
			c.Advance(time.Minute + 6*time.Second)
			level("one refill after the block", 2)
		})
	}
}
