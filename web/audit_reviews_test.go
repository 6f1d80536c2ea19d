package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/checkpoint"
	"github.com/oppslag/oppslag/clients/labs"
)

func TestF20_EmergencyReviewQueue(t *testing.T) {
	h := newHarness(t)
	doc, tok := clinician(t, h)
	number := labsPerson(t, h, "abnormal-labs")
	path := doc.labsPath(tok, number)
	if p := doc.post(path+"/emergency", emergencyForm(tok, labs.BasisAkutt)); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("emergency opening: status %d", p.StatusCode)
	}
	if p := doc.get(path); p.StatusCode != http.StatusOK {
		t.Fatalf("lab results: status %d", p.StatusCode)
	}

	a := h.browser()
	atok := csrfToken(t, a.login("auditor").body)
	search := a.get("/audit")
	if len(testids(t, search.body, "audit-reviews-link")) != 1 || len(testids(t, search.body, "audit-export-link")) != 1 {
		t.Error("the search links neither the queue nor the export")
	}
	q := a.get("/audit/reviews")
	items := testids(t, q.body, "audit-review")
	if q.StatusCode != http.StatusOK || len(items) != 1 {
		t.Fatalf("queue: status %d, %d items; want 200, 1\n%s", q.StatusCode, len(items), q.body)
	}
	if r := testids(t, q.body, "audit-review-reason"); len(r) != 1 || !strings.Contains(nodeText(r[0]), "Brought in unconscious") {
		t.Error("the queue does not show the clinician's reason")
	}
	if o := testids(t, q.body, "audit-review-opened"); len(o) == 0 || nodeText(o[0]) != msg("lookups.kind.labs") {
		t.Errorf("the queue does not show that lab results were opened\n%s", q.body)
	}
	var seq string
	for _, at := range items[0].Attr {
		if at.Key == "data-seq" {
			seq = at.Val
		}
	}

	bad := a.post("/audit/reviews/"+seq, url.Values{"csrf_token": {atok}, "verdict": {"fine"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || len(testids(t, bad.body, "field-error")) != 1 {
		t.Errorf("no verdict: status %d; want 422 with a field message", bad.StatusCode)
	}
	done := a.post("/audit/reviews/"+seq, url.Values{"csrf_token": {atok}, "verdict": {"justified"}, "comment": {"Confirmed with the ward."}})
	if done.StatusCode != http.StatusSeeOther {
		t.Fatalf("review: status %d; want 303", done.StatusCode)
	}
	if q := a.get("/audit/reviews"); len(testids(t, q.body, "audit-review")) != 0 {
		t.Error("the reviewed opening is still in the queue")
	}
	var reviews, views int
	for _, r := range auditorRecords(t, h) {
		switch r.Action {
		case audit.ActionReview:
			reviews++
			if r.Reason != "seq:"+seq+" justified Confirmed with the ward." {
				t.Errorf("review reason = %q", r.Reason)
			}
		case "reviews":
			views++
		}
	}
	if reviews != 1 || views < 3 {
		t.Errorf("%d review records, %d queue views; want 1 and at least 3", reviews, views)
	}

	if p := a.post("/audit/verify", url.Values{"csrf_token": {atok}}); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: status %d; want 303", p.StatusCode)
	}
	if p := a.get("/audit"); len(testids(t, p.body, "audit-chain-intact")) != 1 {
		t.Errorf("the search does not show an intact chain\n%s", p.body)
	}
}

// The audit page's chain check reads the signed checkpoints, as `oppslag
// audit verify` does: it says how many the chain was checked against,
// catches a checkpoint the chain no longer agrees with, and fails on lines
// of the log no trusted key signed.
func TestF20_ChainCheckReadsCheckpoints(t *testing.T) {
	var reading checkpoint.Reading
	h := newHarness(t, func(_ *harness, cfg *Config) {
		cfg.AuditCheckpoints = func(context.Context) (checkpoint.Reading, error) { return reading, nil }
	})
	a := h.browser()
	atok := csrfToken(t, a.login("auditor").body)
	recs := h.records()
	last := recs[len(recs)-1]
	check := func(name string, r checkpoint.Reading, want ...string) {
		t.Helper()
		reading = r
		if p := a.post("/audit/verify", url.Values{"csrf_token": {atok}}); p.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: verify: status %d; want 303", name, p.StatusCode)
		}
		page := a.get("/audit")
		for _, id := range want {
			if len(testids(t, page.body, id)) != 1 {
				t.Errorf("%s: the page lacks %s", name, id)
			}
		}
	}
	check("agreeing", checkpoint.Reading{Anchors: []audit.Head{{Seq: last.Seq, Hash: last.Hash}}},
		"audit-chain-intact", "audit-chain-checkpoints")
	check("rewritten", checkpoint.Reading{Anchors: []audit.Head{{Seq: last.Seq, Hash: strings.Repeat("0", 64)}}},
		"audit-chain-broken", "audit-chain-checkpoints")
	check("bad lines", checkpoint.Reading{Problems: []checkpoint.LineProblem{{Line: 2, Reason: checkpoint.ReasonBadSignature}}},
		"audit-chain-intact", "audit-chain-badlines")

	var outcomes []audit.Outcome
	for _, r := range h.records() {
		if r.Resource == "audit" && r.Action == "verify" {
			outcomes = append(outcomes, r.Outcome)
		}
	}
	if want := []audit.Outcome{audit.Success, audit.Failure, audit.Failure}; !slices.Equal(outcomes, want) {
		t.Errorf("check records' outcomes: got %v, want %v", outcomes, want)
	}
}

// Without checkpoints the page says they are off, and what that costs.
func TestF20_ChainCheckWithoutCheckpoints(t *testing.T) {
	h := newHarness(t)
	a := h.browser()
	atok := csrfToken(t, a.login("auditor").body)
	a.post("/audit/verify", url.Values{"csrf_token": {atok}})
	if p := a.get("/audit"); len(testids(t, p.body, "audit-chain-checkpoints-off")) != 1 {
		t.Error("the page does not say checkpoints are off")
	}
}
