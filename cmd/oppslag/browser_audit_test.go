package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
	"github.com/oppslag/oppslag/clients/synthetic"
)

// TestBrowserAuditFlow walks the auditor's pages with the keyboard: a
// doctor opens a patient, then the auditor finds that access under "who
// has seen this patient", opens its full record, makes the letter to the
// patient, searches the log by the doctor's HPR number, reviews the
// doctor's emergency opening and downloads the export; axe clean.
func TestBrowserAuditFlow(t *testing.T) {
	ctx := browserFor(t)
	const seed, size = 1, 2000
	p := startPortal(t, "OPPSLAG_DEMO_SEED", fmt.Sprint(seed), "OPPSLAG_DEMO_PERSONS", fmt.Sprint(size))
	pop, err := synthetic.Generate(synthetic.Options{Seed: seed, Persons: size})
	if err != nil {
		t.Fatal(err)
	}
	patients := pop.Where("parent", 1)
	if len(patients) == 0 {
		t.Fatal("no parent in the population")
	}
	number := patients[0].CurrentNIN()
	shots := screenshotDir(t)
	w := walk{ctx}
	step, must, enter := w.step, w.must, w.enter

	// The doctor's lookup, then logout.
	must(t, chromedp.Do(step(t),
		chromedp.Navigate(p.url+"/login?login_hint=doctor"),
		chromedp.WaitVisible(`#search-q`),
		chromedp.Focus(`#search-q`),
		chromedp.KeyEvent(number),
	))
	enter(t, `#search-q`, `[data-testid="person-header"]`)
	// and an emergency opening of the patient's lab results.
	enter(t, `[data-testid="labs-link"]`, `[data-testid="labs-emergency-link"]`)
	enter(t, `[data-testid="labs-emergency-link"]`, `[data-testid="labs-emergency-form"]`)
	must(t, chromedp.Do(step(t),
		chromedp.Focus(`[data-testid="emergency-basis-AKUTT"]`),
		chromedp.KeyEvent(" "),
		chromedp.Focus(`[data-testid="emergency-reason"]`),
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.Focus(`[data-testid="emergency-text"]`),
		chromedp.KeyEvent("Brought in unconscious, no relatives reachable."),
		chromedp.Focus(`[data-testid="emergency-confirm"]`),
		chromedp.KeyEvent(" "),
	))
	enter(t, `[data-testid="emergency-submit"]`, `[data-testid="labs-emergency-banner"]`)
	enter(t, `form[action="/logout"] button`, `a[href="/login"]`)

	// The auditor, from the start page.
	must(t, chromedp.Do(step(t),
		chromedp.Navigate(p.url+"/login?login_hint=auditor"),
		chromedp.WaitVisible(`[data-testid="start-audit-search"]`),
	))
	checkPage(t, ctx, shots, "audit-0-start")
	enter(t, `[data-testid="start-audit-search"]`, `#audit-nin`)
	checkPage(t, ctx, shots, "audit-1-search")
	must(t, chromedp.Do(step(t), chromedp.Focus(`#audit-nin`), chromedp.KeyEvent(number)))
	enter(t, `[data-testid="audit-patient-submit"]`, `[data-testid="audit-accesses"]`)
	doctor := helseidsim.Personas()[0]
	who, err := chromedp.Run(step(t), chromedp.Text(`[data-testid="audit-accesses"]`))
	must(t, err)
	if !strings.Contains(who, doctor.FamilyName) {
		t.Errorf("who has seen the patient does not name the doctor:\n%s", who)
	}
	checkPage(t, ctx, shots, "audit-2-patient")

	enter(t, `[data-testid="audit-print"]`, `[data-testid="audit-letter"]`)
	checkPage(t, ctx, shots, "audit-3-letter")

	must(t, chromedp.Do(step(t),
		chromedp.Navigate(p.url+"/audit?hpr="+doctor.HPRNumber),
		chromedp.WaitVisible(`[data-testid="audit-rows"]`),
	))
	checkPage(t, ctx, shots, "audit-4-search-hpr")
	enter(t, `[data-testid="audit-open"]`, `[data-testid="audit-record"]`)
	corr, err := chromedp.Run(step(t), chromedp.Text(`[data-testid="audit-field-correlation"]`))
	must(t, err)
	if strings.TrimSpace(corr) == "" {
		t.Error("the full record shows no correlation id")
	}
	checkPage(t, ctx, shots, "audit-5-record")

	// The emergency opening waits in the review queue with its reason; the
	// auditor marks it justified, and it leaves the queue.
	must(t, chromedp.Do(step(t),
		chromedp.Navigate(p.url+"/audit"),
		chromedp.WaitVisible(`[data-testid="audit-reviews-link"]`),
	))
	enter(t, `[data-testid="audit-reviews-link"]`, `[data-testid="audit-reviews"]`)
	reason, err := chromedp.Run(step(t), chromedp.Text(`[data-testid="audit-review-reason"]`))
	must(t, err)
	if !strings.Contains(reason, "Brought in unconscious") {
		t.Errorf("the review queue does not show the clinician's reason: %q", reason)
	}
	checkPage(t, ctx, shots, "audit-6-reviews")
	must(t, chromedp.Do(step(t),
		chromedp.Focus(`[data-testid="audit-verdict-justified"]`),
		chromedp.KeyEvent(" "),
	))
	enter(t, `[data-testid="audit-review-submit"]`, `[data-testid="audit-reviews-none"]`)
	checkPage(t, ctx, shots, "audit-7-reviews-empty")

	// The export of today's log downloads, and every line is an AuditEvent.
	must(t, chromedp.Do(step(t),
		chromedp.Navigate(p.url+"/audit"),
		chromedp.WaitVisible(`[data-testid="audit-export-link"]`),
	))
	lines, err := chromedp.Run(step(t), chromedp.Evaluate[[]string](`fetch(document.querySelector('[data-testid="audit-export-link"]').href)
		.then(r => r.ok && r.headers.get("Content-Type").startsWith("application/x-ndjson") ? r.text() : "")
		.then(t => t.split("\n").filter(l => l !== ""))`, chromedp.EvalAwaitPromise))
	must(t, err)
	if len(lines) == 0 {
		t.Fatal("the export downloaded no lines")
	}
	for i, l := range lines {
		var ev struct {
			ResourceType string `json:"resourceType"`
		}
		if err := json.Unmarshal([]byte(l), &ev); err != nil || ev.ResourceType != "AuditEvent" {
			t.Errorf("export line %d is not an AuditEvent: %v %.80s", i+1, err, l)
		}
	}
}
