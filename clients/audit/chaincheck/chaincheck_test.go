package chaincheck

import (
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
)

func TestRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		rep  audit.Report
		want Result
	}{
		{"intact", audit.Report{Records: 42}, Result{At: at, Records: 42, Intact: true}},
		{"broken", audit.Report{Records: 42, Problems: []audit.Problem{{Seq: 7, Reason: "hash mismatch"}, {Seq: 8, Reason: "broken link"}}},
			Result{At: at, Records: 42, BreakSeq: 7, Problem: "hash mismatch"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Event(tt.rep)
			e.Time = at
			got, ok := Of(audit.Record{Seq: 1, Event: e})
			if !ok || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, ok, tt.want)
			}
		})
	}
	t.Run("another record", func(t *testing.T) {
		if _, ok := Of(audit.Record{Event: audit.Event{Resource: "audit", Action: "search"}}); ok {
			t.Error("a search read as a chain check")
		}
	})
}
