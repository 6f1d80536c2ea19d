package trend

import (
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
)

// CollectMarked marks the entries of the reports its function names, and
// only those; Collect marks none.
func TestCollectMarked(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 8, 0, 0, 0, time.UTC) }
	hb := func(id string) labs.Analysis {
		return labs.Analysis{ID: id, Code: labs.Coding{Code: "NPU02319"}, Value: labs.AnalysisValue{Text: "140"}}
	}
	res := &labs.Result{Reports: []labs.Report{
		{ID: "open", Effective: day(1), Analyses: []labs.Analysis{hb("a")}},
		{ID: "restricted", Effective: day(2), Analyses: []labs.Analysis{{Code: labs.Coding{Code: "PANEL"}, Members: []labs.Analysis{hb("b")}}}},
	}}
	got := CollectMarked(res, "NPU02319", func(r labs.Report) bool { return r.ID == "restricted" })
	if len(got) != 2 || got[0].Restricted || !got[1].Restricted {
		t.Fatalf("entries %+v; want the open report's unmarked and the restricted one's panel member marked", got)
	}
	for _, e := range Collect(res, "NPU02319") {
		if e.Restricted {
			t.Error("Collect marked an entry")
		}
	}
}
