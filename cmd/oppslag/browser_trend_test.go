package main

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserTrendMarksRestrictedResults opens, with the keyboard, the
// lab results of a patient who restricted them, under FORHOYET_AKUTT, and
// follows a restricted report's trend link: the trend marks the results
// that came from restricted reports, in the table and in the chart's
// labels, with a legend, as the reports and the sheet do. Checked with
// axe, wide and narrow, light and dark.
func TestBrowserTrendMarksRestrictedResults(t *testing.T) {
	ctx := browserFor(t)
	p := startPortal(t, "OPPSLAG_DEMO_SEED", "1", "OPPSLAG_DEMO_PERSONS", "2000")
	shots := screenshotDir(t)
	w := walk{ctx}
	step, must, enter := w.step, w.must, w.enter

	must(t, chromedp.Do(step(t),
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(p.url+"/login?login_hint=doctor"),
		chromedp.WaitVisible(`[data-testid="nav-testdata"]`),
		chromedp.Navigate(p.url+"/testdata?kind=restricted-labs"),
		chromedp.WaitVisible(`[data-testid="testdata-results"]`),
	))
	enter(t, `[data-testid="testdata-lookup"] button`, `[data-testid="labs-link"]`)
	enter(t, `[data-testid="labs-link"]`, `[data-testid="labs-chooser"]`)
	emergency, err := chromedp.Run(step(t), chromedp.Evaluate[string](`document.querySelector('[data-testid="labs-emergency-link"]').href`))
	must(t, err)

	// The emergency form with the elevated basis chosen, as the
	// restriction notice offers it.
	must(t, chromedp.Do(step(t),
		chromedp.Navigate(emergency+"?basis=FORHOYET_AKUTT"),
		chromedp.WaitVisible(`[data-testid="labs-emergency-form"]`),
		chromedp.Focus(`[data-testid="emergency-reason"]`),
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.Focus(`[data-testid="emergency-text"]`),
		chromedp.KeyEvent("Unconscious, the restricted results may matter."),
		chromedp.Focus(`[data-testid="emergency-confirm"]`),
		chromedp.KeyEvent(" "),
	))
	enter(t, `[data-testid="emergency-submit"]`, `[data-testid="labs-emergency-banner"]`)
	if w.count(t, `[data-testid="labs-report"][data-restricted] [data-testid="labs-trend-link"]`) == 0 {
		t.Fatal("no trend link in a report marked restricted")
	}
	enter(t, `[data-testid="labs-report"][data-restricted] [data-testid="labs-trend-link"]`, `[data-testid="labs-trend-table"]`)
	if w.count(t, `[data-testid="labs-trend-restricted"]`) == 0 || w.count(t, `[data-testid="labs-trend-restricted-legend"]`) != 1 {
		t.Error("the trend does not mark the results from restricted reports")
	}
	w.look(t, shots, "trend-restricted")
}
