package chaincheck

import (
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
)

func TestRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		rep     audit.Report
		ck      Checkpoints
		want    Result
		outcome audit.Outcome
	}{
		{"intact, checkpoints off", audit.Report{Records: 42}, Checkpoints{}, Result{At: at, Records: 42, Intact: true}, audit.Success},
		{"broken", audit.Report{Records: 42, Problems: []audit.Problem{{Seq: 7, Reason: "hash mismatch"}, {Seq: 8, Reason: "broken link"}}},
			Checkpoints{}, Result{At: at, Records: 42, BreakSeq: 7, Problem: "hash mismatch"}, audit.Failure},
		{"intact against checkpoints", audit.Report{Records: 42}, Checkpoints{Checked: true, Agreed: 3},
			Result{At: at, Records: 42, Intact: true, Checkpoints: Checkpoints{Checked: true, Agreed: 3}}, audit.Success},
		{"a rewrite the checkpoints caught", audit.Report{Records: 42, Problems: []audit.Problem{{Seq: 30, Reason: audit.ReasonCheckpointMismatch}}},
			Checkpoints{Checked: true, Agreed: 2},
			Result{At: at, Records: 42, BreakSeq: 30, Problem: audit.ReasonCheckpointMismatch, Checkpoints: Checkpoints{Checked: true, Agreed: 2}}, audit.Failure},
		{"bad lines in the log fail the check, not the chain", audit.Report{Records: 42}, Checkpoints{Checked: true, Agreed: 1, BadLines: 2},
			Result{At: at, Records: 42, Intact: true, Checkpoints: Checkpoints{Checked: true, Agreed: 1, BadLines: 2}}, audit.Failure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Event(tt.rep, tt.ck)
			e.Time = at
			if e.Outcome != tt.outcome {
				t.Errorf("outcome: got %s, want %s", e.Outcome, tt.outcome)
			}
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
