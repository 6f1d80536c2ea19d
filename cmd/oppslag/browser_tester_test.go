package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/views/i18n"
)

// TestBrowserTesterFlow walks the testers' tools with the keyboard (F17,
// F19): the population browser's preset lands on a matching person, one
// key opens that person's overview; a Person API 503 set in the fault
// panel degrades the overview's KRR panel while the band on every page
// names the fault; clearing it from the band heals the page; the raw
// drawer shows what the Person API sent; a person renamed from /testdata
// shows under the new name within seconds (the change-event feed). Every page is checked with axe,
// wide and narrow, light and dark.
func TestBrowserTesterFlow(t *testing.T) {
	ctx := browserFor(t)
	p := startPortal(t, "OPPSLAG_DEMO_SEED", "1", "OPPSLAG_DEMO_PERSONS", "2000", "OPPSLAG_PERSON_EVENTS_INTERVAL", "1s")
	shots := screenshotDir(t)
	w := walk{ctx}
	step, must, enter := w.step, w.must, w.enter
	look := func(t *testing.T, name string) { t.Helper(); w.look(t, shots, name) }
	text := func(t *testing.T, selector string) string {
		t.Helper()
		s, err := chromedp.Run(step(t), chromedp.Text(selector))
		must(t, err)
		return s
	}
	count := w.count

	// The doctor persona, as a tester signs in; the header links the browser.
	must(t, chromedp.Do(step(t),
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(p.url+"/login?login_hint=doctor"),
		chromedp.WaitVisible(`[data-testid="nav-testdata"]`),
	))
	enter(t, `[data-testid="nav-testdata"]`, `[data-testid="testdata-presets"]`)
	look(t, "tester-1-testdata")

	// A preset: reserved in KRR with abnormal labs.
	enter(t, `[data-testid="testdata-preset-reserved-abnormal-labs"]`, `[data-testid="testdata-results"]`)
	if n := count(t, `[data-testid="testdata-row"]`); n == 0 {
		t.Fatal("the preset found no one")
	}
	if loc, _ := chromedp.Run(step(t), chromedp.Location()); nin.HasDigitRun(loc, 11) {
		t.Errorf("the preset's URL holds an identity number: %s", loc)
	}
	look(t, "tester-2-preset")

	// One key opens the first row's person (the number goes by POST).
	enter(t, `[data-testid="testdata-lookup"] button`, `[data-testid="person-header"]`)
	overview, err := chromedp.Run(step(t), chromedp.Location())
	must(t, err)
	if nin.HasDigitRun(overview, 11) {
		t.Errorf("the overview's URL holds an identity number: %s", overview)
	}
	if count(t, `[data-testid="fault-band"]`) != 0 {
		t.Error("a fault band before any fault was set")
	}

	// The fault panel: a Person API 503 on KRR, for five minutes.
	must(t, chromedp.Do(step(t), chromedp.Navigate(p.url+"/testdata"), chromedp.WaitVisible(`[data-testid="testdata-faults-link"]`)))
	enter(t, `[data-testid="testdata-faults-link"]`, `[data-testid="faults-form"]`)
	look(t, "tester-3-faults")
	must(t, chromedp.Do(step(t),
		chromedp.SetValue(`#fault-upstream`, "person"),
		chromedp.SetValue(`#fault-kind`, "503"),
		chromedp.Focus(`#fault-route`),
		chromedp.KeyEvent("CommonContactRegisterInformation"),
		chromedp.Focus(`#fault-retry`),
		chromedp.KeyEvent("60"),
	))
	enter(t, `[data-testid="fault-submit"]`, `[data-testid="faults-item"]`)
	if !strings.Contains(text(t, `[data-testid="fault-band"]`), "503") {
		t.Error("the band does not name the 503")
	}

	// The overview, reloaded, comes from this user's person cache (its
	// panels say when they were fetched); Refresh on the KRR panel asks the
	// Person API now, and that one panel degrades; the band says why.
	must(t, chromedp.Do(step(t), chromedp.Navigate(overview), chromedp.WaitVisible(`[data-testid="person-header"]`)))
	// The browser asks for English; the portal answers in it.
	down := i18n.TL(i18n.EN, "error.person.upstream.title")
	must(t, chromedp.Do(step(t),
		chromedp.Focus(`[data-testid="panel-krr"] [data-testid="refresh"]`),
		chromedp.KeyEvent(kb.Enter),
	))
	var krr string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		// Read by script, not by node: htmx may swap the panel between a
		// node's lookup and the read of its text.
		if krr = w.liveText(t, `[data-testid="panel-krr"]`); strings.Contains(krr, down) {
			break
		}
	}
	if !strings.Contains(krr, down) {
		t.Errorf("the refreshed KRR panel does not say the Person API failed: %q", krr)
	}
	if id := text(t, `[data-testid="panel-identity"]`); strings.Contains(id, down) {
		t.Errorf("the identity panel failed with KRR: %q", id)
	}
	if count(t, `[data-testid="fault-band-item"]`) != 1 {
		t.Error("the overview has no fault band")
	}
	look(t, "tester-4-overview-fault")

	// Cleared from the band, with the keyboard; the overview heals.
	enter(t, `[data-testid="fault-clear"] button`, `main`)
	must(t, chromedp.Do(step(t), chromedp.Navigate(overview), chromedp.WaitVisible(`[data-testid="person-header"]`)))
	if count(t, `[data-testid="fault-band"]`) != 0 {
		t.Error("the band stays after the fault was cleared")
	}
	if krr := text(t, `[data-testid="panel-krr"]`); strings.Contains(krr, down) {
		t.Errorf("the KRR panel still fails after the clear: %q", krr)
	}

	// The raw drawer of the identity panel: what the Person API sent.
	// focus moves the focus as Tab would, and fails when it cannot land.
	focus := func(t *testing.T, selector string) {
		t.Helper()
		// Tried again for a while: an element just revealed (a drawer
		// opened) may take a frame before it can hold the focus.
		ok, err := chromedp.Run(step(t), chromedp.Evaluate[bool](`(async () => {
			for (let i = 0; i < 40; i++) {
				const el = document.querySelector('`+selector+`');
				if (el) {
					el.focus();
					if (document.activeElement === el) return true;
				}
				await new Promise(r => requestAnimationFrame(() => setTimeout(r, 25)));
			}
			return false;
		})()`, chromedp.EvalAwaitPromise))
		must(t, err)
		if !ok {
			why, _ := chromedp.Run(step(t), chromedp.Evaluate[string](`(() => {
				const all = document.querySelectorAll('`+selector+`');
				const a = document.activeElement;
				return all.length + ' matches: ' + (all[0] ? all[0].outerHTML.slice(0, 300) + ' visible=' + all[0].checkVisibility() : '') + '; active: ' + (a ? a.outerHTML.slice(0, 200) : 'none');
			})()`))
			t.Fatalf("%s cannot take the focus (%s)", selector, why)
		}
	}
	focus(t, `[data-testid="panel-identity"] [data-testid="raw-drawer"] summary`)
	must(t, chromedp.Do(step(t),
		chromedp.KeyEvent(" "),
		chromedp.WaitVisible(`[data-testid="panel-identity"] [data-testid="raw-drawer"][open] [data-testid="raw-link"]`),
	))
	w.leave(t)
	focus(t, `[data-testid="panel-identity"] [data-testid="raw-link"]`)
	must(t, chromedp.Do(step(t), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(`body:not(.old-page) [data-testid="raw-page"]`)))
	if status := text(t, `[data-testid="raw-status"]`); !strings.Contains(status, "200") {
		t.Errorf("raw status line %q; want 200", status)
	}
	body := text(t, `[data-testid="raw-body"]`)
	if !strings.Contains(body, "{") {
		t.Errorf("the raw body is not the JSON sent: %q", body)
	}
	if headers := text(t, `[data-testid="raw-headers"]`); strings.Contains(strings.ToLower(headers), "authorization") || strings.Contains(headers, "eyJ") {
		t.Errorf("the raw headers show a token: %q", headers)
	}
	if count(t, `[data-testid="patient-banner"]`) != 1 {
		t.Error("the raw page does not say whose data it is")
	}
	look(t, "tester-5-raw")

	// A tester renames the person: the simulator reports it in its event
	// feed, and the overview (cached for this user) shows the new name
	// once the portal has read the feed, within seconds.
	number, err := chromedp.Run(step(t), chromedp.Text(`[data-testid="banner-nin"]`))
	must(t, err)
	must(t, chromedp.Do(step(t), chromedp.Navigate(p.url+"/testdata"), chromedp.WaitVisible(`#td-change-nin`),
		chromedp.Focus(`#td-change-nin`), chromedp.KeyEvent(strings.TrimSpace(number)),
		chromedp.Focus(`#td-change-family`), chromedp.KeyEvent("Endretsen"),
	))
	enter(t, `[data-testid="testdata-change-submit"]`, `[data-testid="testdata-changed"]`)
	if loc, _ := chromedp.Run(step(t), chromedp.Location()); nin.HasDigitRun(loc, 11) {
		t.Errorf("the change's redirect holds an identity number: %s", loc)
	}
	var name string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		must(t, chromedp.Do(step(t), chromedp.Navigate(overview), chromedp.WaitVisible(`[data-testid="person-name"]`)))
		if name = text(t, `[data-testid="person-name"]`); strings.Contains(name, "Endretsen") {
			break
		}
	}
	if !strings.Contains(name, "Endretsen") {
		t.Errorf("the overview still says %q 10 s after the change", name)
	}
}

// widest names the innermost elements that reach past the viewport's right
// edge, for a message that says where a page overflows.
const widest = `(() => {
	const w = document.documentElement.clientWidth, out = [];
	for (const el of document.querySelectorAll('body *')) {
		const r = el.getBoundingClientRect();
		if (r.right > w + 1 && ![...el.children].some(c => c.getBoundingClientRect().right > w + 1)) {
			out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).replace(/ +/g, '.') : '') + ' ' + Math.round(r.right));
		}
		if (out.length >= 5) break;
	}
	return out;
})()`
