package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserStreamedOverview looks at the streamed overview (issue 15,
// F11) with the relatives' bulk call slowed to 4 s at the simulator (the
// fault panel): the banner and the core panels are on screen while the
// marital and family panels show their loading state; when the call
// answers, the panels take their places and the placeholders are gone,
// with script and without; the keys still jump to the panels in page
// order. Checked with axe in both states, wide and narrow, light and dark.
func TestBrowserStreamedOverview(t *testing.T) {
	ctx := browserFor(t)
	p := startPortal(t, "OPPSLAG_DEMO_SEED", "1", "OPPSLAG_DEMO_PERSONS", "2000", "OPPSLAG_UPSTREAM_TIMEOUT", "20s")
	shots := screenshotDir(t)
	w := walk{ctx}
	step, must, enter := w.step, w.must, w.enter
	count := w.count
	// shown counts the elements matching selector that take space on screen.
	shown := func(t *testing.T, selector string) int {
		t.Helper()
		n, err := chromedp.Run(step(t), chromedp.Evaluate[int](`[...document.querySelectorAll(`+"`"+selector+"`"+`)].filter(e => e.getClientRects().length > 0).length`))
		must(t, err)
		return n
	}
	panelOrder := func(t *testing.T) string {
		t.Helper()
		ids, err := chromedp.Run(step(t), chromedp.Evaluate[[]string](`[...document.querySelectorAll('section.app-panel')].filter(e => e.getClientRects().length > 0).map(e => e.id)`))
		must(t, err)
		return strings.Join(ids, " ")
	}
	const wantOrder = "panel-identity panel-names panel-addresses panel-status panel-birth panel-citizenship panel-krr panel-marital panel-family"

	must(t, chromedp.Do(step(t),
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(p.url+"/login?login_hint=doctor"),
		chromedp.WaitVisible(`[data-testid="nav-testdata"]`),
		chromedp.Navigate(p.url+"/testdata/faults"),
		chromedp.WaitVisible(`[data-testid="faults-form"]`),
		chromedp.SetValue(`#fault-upstream`, "person"),
		chromedp.SetValue(`#fault-kind`, "latency"),
		chromedp.SetValue(`#fault-route`, "/api/v3/full-access/person/bulk-by-nin"),
		chromedp.SetValue(`#fault-latency`, "4000"),
	))
	enter(t, `[data-testid="fault-submit"]`, `[data-testid="faults-item"]`)

	// A married person, opened from the population browser by keyboard.
	must(t, chromedp.Do(step(t), chromedp.Navigate(p.url+"/testdata?kind=married"), chromedp.WaitVisible(`[data-testid="testdata-results"]`)))
	enter(t, `[data-testid="testdata-lookup"] button`, `[data-testid="panel-family-pending"]`)
	if shown(t, `[data-testid="patient-banner"]`) != 1 || shown(t, `[data-testid="panel-citizenship"]`) != 1 || shown(t, `[data-testid="panel-krr"]`) != 1 {
		t.Error("the banner or the core panels are not on screen while the relatives are coming")
	}
	if shown(t, `[data-testid="panel-marital-pending"]`) != 1 || count(t, `[data-testid="panel-family"]`) != 0 {
		t.Error("the marital and family panels do not show their loading state")
	}
	checkPage(t, ctx, shots, "stream-1-pending")

	must(t, chromedp.Do(step(t), chromedp.WaitVisible(`[data-testid="panel-family"]`)))
	if n := shown(t, `[data-pending]`); n != 0 {
		t.Errorf("%d placeholders still on screen after every panel came", n)
	}
	if got := panelOrder(t); got != wantOrder {
		t.Errorf("panels on screen: %s; want %s", got, wantOrder)
	}
	if n := count(t, `section.app-panel [data-testid="raw-drawer"]`); n != 9 {
		t.Errorf("%d raw drawers; want one in each of the 9 panels, those that came later too", n)
	}
	// The keys count the panels, not the placeholders: 9 is the family.
	must(t, chromedp.Do(step(t), chromedp.KeyEvent("9")))
	focused, err := chromedp.Run(step(t), chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ''`))
	must(t, err)
	if focused != "panel-family-title" {
		t.Errorf("key 9 focused %q; want the family panel's heading", focused)
	}
	w.look(t, shots, "stream-2-settled")

	// Without script the page fills in the same way: the placeholders go
	// by CSS alone once their panels are in.
	overview, err := chromedp.Run(step(t), chromedp.Location())
	must(t, err)
	noScript := func(off bool) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
			return err
		})
	}
	must(t, chromedp.Do(step(t), noScript(true), chromedp.Navigate(overview), chromedp.WaitVisible(`[data-testid="panel-family"]`)))
	if n := shown(t, `[data-pending]`); n != 0 {
		t.Errorf("without script, %d placeholders stay on screen", n)
	}
	if got := panelOrder(t); got != wantOrder {
		t.Errorf("without script, panels on screen: %s; want %s", got, wantOrder)
	}
	must(t, chromedp.Do(step(t), noScript(false)))
}
