package maskinportensim

import (
	"testing"
	"time"
)

// TestRememberJTI_ForgetsExpired shows the jti memory is bounded by the
// grants still valid: a jti is refused until its exp, then pruned.
func TestRememberJTI_ForgetsExpired(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := &Server{jtis: map[string]time.Time{}, lastSweep: now}
	exp := now.Add(60 * time.Second)
	if !s.rememberJTI("c j1", exp, now) {
		t.Fatal("first use refused")
	}
	if s.rememberJTI("c j1", exp, now.Add(59*time.Second)) {
		t.Error("reuse before exp accepted")
	}
	if !s.rememberJTI("c j2", now.Add(200*time.Second), now.Add(100*time.Second)) {
		t.Fatal("new jti refused")
	}
	if got, want := s.rememberedJTIs(), 1; got != want {
		t.Errorf("remembered after the sweep: got %d, want %d", got, want)
	}
}
