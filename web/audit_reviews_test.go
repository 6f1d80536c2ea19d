package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/audit"
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
