package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
	"github.com/oppslag/oppslag/clients/labs/labsim"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/synthetic"
)

// axeSource is axe-core, vendored from npm (axe-core@4.11.0, MPL-2.0).
//
//go:embed testdata/axe-4.11.0.min.js
var axeSource string

// cspRecorder records every CSP violation the page reports, from before any
// page script runs.
const cspRecorder = `window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`

// browserFor starts headless Chromium, or skips the test when there is none
// (CI sets OPPSLAG_REQUIRE_BROWSER=1 and installs it, so there it fails instead).
func browserFor(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("OPPSLAG_REQUIRE_BROWSER") != "" {
			t.Fatal("no Chromium found, and OPPSLAG_REQUIRE_BROWSER is set")
		}
		t.Skip("no Chromium found: browser tests skipped (install Debian's chromium to run them)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Check pages as they settle: with animations (the dialog's fade-in)
		// axe would measure contrast halfway through.
		chromedp.Flag("force-prefers-reduced-motion", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(cancelTimeout)
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: cspRecorder})
		return err
	})); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// storageLeak matches an 11-digit run or a JWT.
var storageLeak = regexp.MustCompile(`(^|\D)\d{11}(\D|$)|eyJ[\w-]+\.`)

// axeViolation is the part of an axe-core result a failure message needs.
type axeViolation struct {
	ID    string `json:"id"`
	Help  string `json:"help"`
	Nodes []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// checkPage runs axe-core and the CSP recorder on the current page and writes
// a screenshot named name.png under dir.
func checkPage(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";true")); err != nil {
		t.Fatalf("%s: load axe: %v", name, err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", name, err)
	}
	csp, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp || []`))
	if err != nil {
		t.Fatalf("%s: csp: %v", name, err)
	}
	// S15: nothing shaped like an identity number or a token in web storage.
	stored, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])`))
	if err != nil {
		t.Fatalf("%s: storage: %v", name, err)
	}
	if storageLeak.MatchString(stored) {
		t.Errorf("%s: web storage holds an identity number or a token: %s", name, stored)
	}
	// The screenshot is for a person to look at; the checks above are the
	// test. Chromium's full-page capture has been seen, once in many runs
	// under load, never to answer: it gets its own deadline, then the
	// viewport alone is taken, and a page without a picture is logged,
	// not failed.
	shot, err := screenshot(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("%s: full-page screenshot: %v; taking the viewport", name, err)
		shot, err = screenshot(ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		t.Logf("%s: no screenshot: %v", name, err)
	} else {
		file := filepath.Join(dir, name+".png")
		if err := os.WriteFile(file, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", file)
	}
	for _, v := range violations {
		b, _ := json.Marshal(v.Nodes)
		t.Errorf("%s: axe %s: %s %s", name, v.ID, v.Help, b)
	}
	for _, c := range csp {
		t.Errorf("%s: CSP violation: %s", name, c)
	}
}

// screenshot runs a capture with a deadline of its own.
func screenshot(ctx context.Context, capture chromedp.Action[[]byte]) ([]byte, error) {
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return chromedp.Run(sctx, capture)
}

func TestBrowserLoginEachPersona(t *testing.T) {
	ctx := browserFor(t)
	p := startPortal(t)
	shots := os.Getenv("OPPSLAG_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	must := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// leave marks the document on screen, so that the wait after a step
	// that navigates can only be met by the new document: a selector both
	// pages share would otherwise match the old one, and the next action
	// would reach for a node that is gone (a flake seen under CPU load).
	leave := func(ctx context.Context, t *testing.T) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
		must(t, err)
	}

	for _, persona := range []string{"doctor", "nurse", "admin", "auditor"} {
		t.Run(persona, func(t *testing.T) {
			// Bound each persona, so a wait that is never met fails here
			// within two minutes, not at the test's deadline.
			ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			defer cancel()
			must(t, chromedp.Do(ctx,
				chromedp.Navigate(p.url+"/"),
				chromedp.WaitVisible(`a[href="/login"]`),
			))
			checkPage(t, ctx, shots, persona+"-0-welcome")
			button := fmt.Sprintf(`button[value="%s"]`, persona)
			leave(ctx, t)
			must(t, chromedp.Do(ctx,
				chromedp.Click(`a[href="/login"]`),
				chromedp.WaitVisible(`body:not(.old-page) `+button),
			))
			checkPage(t, ctx, shots, persona+"-1-helseid-picker")
			leave(ctx, t)
			must(t, chromedp.Do(ctx,
				chromedp.Click(button),
				chromedp.WaitVisible(`body:not(.old-page) form[action="/logout"]`),
			))
			body, err := chromedp.Run(ctx, chromedp.Text(`body`))
			must(t, err)
			if !strings.Contains(body, "DEMO") {
				t.Error("no demo band")
			}
			checkPage(t, ctx, shots, persona+"-2-start")

			// The user's own page, reached from the name in the header.
			leave(ctx, t)
			must(t, chromedp.Do(ctx,
				chromedp.Click(`a[href="/me"]`),
				chromedp.WaitVisible(`body:not(.old-page) [data-testid="me"]`),
			))
			checkPage(t, ctx, shots, persona+"-2b-me")
			leave(ctx, t)
			must(t, chromedp.Do(ctx,
				chromedp.Navigate(p.url+"/"),
				chromedp.WaitVisible(`body:not(.old-page) #search-q`),
			))

			// Keyboard: "/" focuses the search field.
			must(t, chromedp.Do(ctx, chromedp.KeyEvent("/")))
			focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`))
			must(t, err)
			if focused != "search-q" {
				t.Errorf("after '/', focus is on %q; want search-q", focused)
			}
			// "?" opens the shortcut help (from outside a text field); Esc closes it.
			if persona == "doctor" {
				must(t, chromedp.Do(ctx,
					chromedp.Focus(`a[href="/me"]`),
					chromedp.KeyEvent("?"),
					chromedp.WaitVisible(`#shortcuts-title`),
				))
				checkPage(t, ctx, shots, persona+"-2c-shortcuts")
				must(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)))
			}

			// Switch language to English and back, without a mouse.
			leave(ctx, t)
			must(t, chromedp.Do(ctx,
				chromedp.SetValue(`select[name="lang"]`, "en"),
				chromedp.Submit(`select[name="lang"]`),
				chromedp.WaitVisible(`html[lang="en"] body:not(.old-page)`),
			))
			checkPage(t, ctx, shots, persona+"-3-english")
			leave(ctx, t)
			must(t, chromedp.Do(ctx,
				chromedp.SetValue(`select[name="lang"]`, "nb"),
				chromedp.Submit(`select[name="lang"]`),
				chromedp.WaitVisible(`html[lang="nb"] body:not(.old-page)`),
			))

			// Log out with the keyboard: back at the portal's signed-out page.
			leave(ctx, t)
			must(t, chromedp.Do(ctx,
				chromedp.Focus(`form[action="/logout"] button`),
				chromedp.KeyEvent(kb.Enter),
				chromedp.WaitVisible(`body:not(.old-page) a[href="/login"]`),
			))
			loc, err := chromedp.Run(ctx, chromedp.Location())
			must(t, err)
			if u, err := url.Parse(loc); err != nil || u.Path != "/signed-out" {
				t.Errorf("after logout at %s; want /signed-out", loc)
			}
			checkPage(t, ctx, shots, persona+"-4-signed-out")
		})
	}

	t.Run("error page", func(t *testing.T) {
		must(t, chromedp.Do(ctx,
			chromedp.Navigate(p.url+"/no-such-page"),
			chromedp.WaitVisible(`[data-testid="correlation-id"]`),
		))
		checkPage(t, ctx, shots, "error-404")
	})

	t.Run("level3 is refused", func(t *testing.T) {
		must(t, chromedp.Do(ctx,
			chromedp.Navigate(p.url+"/login?login_hint=level3"),
			chromedp.WaitVisible(`main h1`),
		))
		body, err := chromedp.Run(ctx, chromedp.Text(`main`))
		must(t, err)
		if !strings.Contains(body, "4") {
			t.Errorf("refusal does not mention security level 4: %q", body)
		}
		checkPage(t, ctx, shots, "level3-refused")
	})
}

// TestBrowserPersonFlow walks the clinician's core job with the keyboard
// only: search for a synthetic number, read the overview, jump between
// panels, refresh one, and follow a relative; then a person with a
// protected address.
func TestBrowserPersonFlow(t *testing.T) {
	ctx := browserFor(t)
	const seed, size = 1, 2000
	p := startPortal(t, "OPPSLAG_DEMO_SEED", fmt.Sprint(seed), "OPPSLAG_DEMO_PERSONS", fmt.Sprint(size))
	pop, err := synthetic.Generate(synthetic.Options{Seed: seed, Persons: size})
	if err != nil {
		t.Fatal(err)
	}
	shots := screenshotDir(t)
	w := walk{ctx}
	step, must := w.step, w.must
	// A parent with a family and a KRR entry, so every panel has content.
	var subject *person.Person
	for _, c := range pop.Where("parent", 50) {
		if c.CommonContactRegisterInformation != nil && c.Death == nil && len(c.FamilyRelation) > 1 {
			subject = c
			break
		}
	}
	if subject == nil {
		t.Fatal("no suitable person in the population")
	}
	protected := pop.Where("strictly-confidential", 1)
	if len(protected) == 0 {
		t.Fatal("no strictly confidential person in the population")
	}
	activeID := func(t *testing.T) string {
		t.Helper()
		id, err := chromedp.Run(step(t), chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`))
		must(t, err)
		return id
	}
	// clearSlash removes the "/" that CDP's separate char event types into
	// the field even though app.js cancels the keydown (a real browser
	// types nothing).
	clearSlash := func(t *testing.T) {
		t.Helper()
		v, err := chromedp.Run(step(t), chromedp.Evaluate[string](`document.getElementById("search-q").value`))
		must(t, err)
		if strings.HasSuffix(v, "/") {
			must(t, chromedp.Do(step(t), chromedp.KeyEvent(kb.Backspace)))
		}
	}
	// searchFor types number into the search box after "/" and presses
	// Enter. The old page's body is marked first, so that when the search
	// starts on another person's overview the waits cannot be met by the
	// page being left (a later Focus would then find a node that is gone).
	searchFor := func(t *testing.T, number string) {
		t.Helper()
		_, err := chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
		must(t, err)
		must(t, chromedp.Do(step(t), chromedp.KeyEvent("/")))
		if id := activeID(t); id != "search-q" {
			t.Fatalf("after '/', focus is on %q; want search-q", id)
		}
		clearSlash(t)
		must(t, chromedp.Do(step(t),
			chromedp.KeyEvent(number),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`body:not(.old-page) [data-testid="person-header"]`),
			chromedp.WaitVisible(`body:not(.old-page) [data-testid="panel-family"]`),
		))
	}

	must(t, chromedp.Do(step(t),
		chromedp.Navigate(p.url+"/login?login_hint=doctor"),
		chromedp.WaitVisible(`#search-q`),
	))

	t.Run("search to overview", func(t *testing.T) {
		searchFor(t, subject.CurrentNIN())
		loc, err := chromedp.Run(step(t), chromedp.Location())
		must(t, err)
		if strings.Contains(loc, subject.CurrentNIN()) || !strings.Contains(loc, "/person/") {
			t.Errorf("overview at %s", loc)
		}
		name, err := chromedp.Run(step(t), chromedp.Text(`[data-testid="person-name"]`))
		must(t, err)
		if !strings.Contains(name, subject.CurrentName().FamilyName) {
			t.Errorf("header name %q", name)
		}
		checkPage(t, ctx, shots, "person-1-overview")
	})

	t.Run("panel shortcuts", func(t *testing.T) {
		must(t, chromedp.Do(step(t), chromedp.KeyEvent("3")))
		if id := activeID(t); id != "panel-addresses-title" {
			t.Errorf("after '3', focus is on %q; want panel-addresses-title", id)
		}
		must(t, chromedp.Do(step(t), chromedp.KeyEvent("9")))
		if id := activeID(t); id != "panel-family-title" {
			t.Errorf("after '9', focus is on %q; want panel-family-title", id)
		}
		// The help dialog announces them.
		must(t, chromedp.Do(step(t), chromedp.KeyEvent("?"), chromedp.WaitVisible(`#shortcuts`)))
		help, err := chromedp.Run(step(t), chromedp.Text(`#shortcuts`))
		must(t, err)
		if !strings.Contains(help, "1–9") {
			t.Errorf("shortcut help does not list the panel keys: %q", help)
		}
		must(t, chromedp.Do(step(t), chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(`#shortcuts`)))
	})

	t.Run("refresh one panel", func(t *testing.T) {
		// Mark the old section; the swap replaces it with a fresh one.
		_, err := chromedp.Run(step(t), chromedp.Evaluate[bool](`document.getElementById("panel-names").classList.add("stale"); true`))
		must(t, err)
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`#panel-names [data-testid="refresh"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`#panel-names:not(.stale) [data-testid="fetched"]`),
		))
		if id, err := chromedp.Run(step(t), chromedp.Evaluate[string](`document.activeElement.getAttribute("data-testid") || ""`)); err != nil || id != "refresh" {
			t.Errorf("after the swap, focus is on %q; want the panel's refresh control", id)
		}
		checkPage(t, ctx, shots, "person-3-refreshed")
	})

	t.Run("copy button", func(t *testing.T) {
		hidden, err := chromedp.Run(step(t), chromedp.Evaluate[bool](`document.querySelector("button.app-copy").hidden`))
		must(t, err)
		if hidden {
			t.Error("copy button stays hidden with script")
		}
	})

	t.Run("history and timeline with the keyboard", func(t *testing.T) {
		// A panel's history opens from its summary with Enter.
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="history"] summary`),
			chromedp.KeyEvent(kb.Enter),
		))
		open, err := chromedp.Run(step(t), chromedp.Evaluate[bool](`document.querySelector('[data-testid="history"]').open`))
		must(t, err)
		if !open {
			t.Error("history did not open with Enter")
		}
		overview, err := chromedp.Run(step(t), chromedp.Location())
		must(t, err)
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="timeline-link"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="timeline-list"]`),
		))
		checkPage(t, ctx, shots, "person-2-timeline")
		timeline, err := chromedp.Run(step(t), chromedp.Location())
		must(t, err)
		must(t, chromedp.Do(step(t),
			chromedp.Navigate(timeline+"?asof=2000-01-01"),
			chromedp.WaitVisible(`[data-testid="timeline-asof"]`),
		))
		checkPage(t, ctx, shots, "person-2b-timeline-asof")
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="timeline-back"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="panel-family"]`),
		))
		back, err := chromedp.Run(step(t), chromedp.Location())
		must(t, err)
		if back != overview && !strings.HasPrefix(back, overview) {
			t.Errorf("back link went to %s; want the overview", back)
		}
	})

	t.Run("relative with the keyboard", func(t *testing.T) {
		before, err := chromedp.Run(step(t), chromedp.Location())
		must(t, err)
		_, err = chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
		must(t, err)
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="relative-link"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`body:not(.old-page) [data-testid="panel-family"]`),
		))
		after, err := chromedp.Run(step(t), chromedp.Location())
		must(t, err)
		if after == before {
			t.Error("still on the same person")
		}
		checkPage(t, ctx, shots, "person-4-relative")
	})

	t.Run("protected address", func(t *testing.T) {
		searchFor(t, protected[0].CurrentNIN())
		text, err := chromedp.Run(step(t), chromedp.Text(`[data-testid="panel-addresses"] [data-testid="protected-address"]`))
		must(t, err)
		if !strings.Contains(strings.ToLower(text), "strictly confidential") {
			t.Errorf("address panel does not say the address is strictly confidential: %q", text)
		}
		checkPage(t, ctx, shots, "person-5-protected")
	})

	t.Run("lab results with the keyboard", func(t *testing.T) {
		labsPatient := pop.Where("abnormal-labs", 1)
		if len(labsPatient) == 0 {
			t.Fatal("no abnormal-labs person in the population")
		}
		searchFor(t, labsPatient[0].CurrentNIN())
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-link"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-chooser"]`),
		))
		checkPage(t, ctx, shots, "labs-1-chooser")
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="basis-UNNTAK"]`),
			chromedp.KeyEvent(" "),
			chromedp.Focus(`[data-testid="labs-basis-submit"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-table"]`),
		))
		checkPage(t, ctx, shots, "labs-2-results")
		// The whole history, chosen from the period selector.
		_, err := chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
		must(t, err)
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-range-all"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`body:not(.old-page) [data-testid="labs-range-all"][aria-current="page"]`),
		))
		flag, err := chromedp.Run(step(t), chromedp.Text(`[data-testid="labs-flag"]`))
		must(t, err)
		if strings.TrimSpace(flag) == "" {
			t.Error("flag without text")
		}

		// Issue 12: "/" and the part jumps work on the lab pages too; the
		// cumulative sheet and the "only abnormal" filter by keyboard; and
		// every lab page at 390 px: axe clean, and nothing wider than the
		// page but a table's own scroll region (WCAG 1.4.10).
		narrow := func(t *testing.T, name string) {
			t.Helper()
			must(t, chromedp.Do(step(t), chromedp.EmulateViewport(390, 844)))
			checkPage(t, ctx, shots, name+"-390")
			over, err := chromedp.Run(step(t), chromedp.Evaluate[int](
				`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
			must(t, err)
			if over > 0 {
				t.Errorf("%s at 390 px: the page scrolls sideways by %d px", name, over)
			}
			must(t, chromedp.Do(step(t), chromedp.EmulateViewport(1280, 900)))
		}
		must(t, chromedp.Do(step(t), chromedp.KeyEvent("1")))
		if id := activeID(t); id != "labs-summary-heading" {
			t.Errorf("after '1' on the results, focus is on %q; want the summary of deviations", id)
		}
		must(t, chromedp.Do(step(t), chromedp.KeyEvent("/")))
		if id := activeID(t); id != "search-q" {
			t.Errorf("after '/' on the results, focus is on %q; want search-q", id)
		}
		clearSlash(t)
		narrow(t, "labs-2-results")
		_, err = chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
		must(t, err)
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-view-sheet"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`body:not(.old-page) [data-testid="labs-sheet-table"]`),
		))
		sheetFlags, err := chromedp.Run(step(t), chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="labs-sheet-flag"]').length`))
		must(t, err)
		if sheetFlags == 0 {
			t.Error("the sheet of an abnormal-labs patient shows no flag")
		}
		checkPage(t, ctx, shots, "labs-2b-sheet")
		_, err = chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
		must(t, err)
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-abnormal-toggle"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`body:not(.old-page) [data-testid="labs-abnormal-on"]`),
		))
		checkPage(t, ctx, shots, "labs-2c-sheet-abnormal")
		narrow(t, "labs-2c-sheet-abnormal")
		// At 390 px the sheet scrolls inside its region, which takes the
		// keyboard, while the analysis column stays in view.
		must(t, chromedp.Do(step(t), chromedp.EmulateViewport(390, 844)))
		scroll, err := chromedp.Run(step(t), chromedp.Evaluate[[]float64](`(() => {
			const r = document.querySelector('[data-testid="labs-sheet-scroll"]');
			r.scrollLeft = r.scrollWidth;
			const name = r.querySelector('tbody th[scope="row"]').getBoundingClientRect();
			return [r.scrollWidth - r.clientWidth, r.scrollLeft, name.left - r.getBoundingClientRect().left];
		})()`))
		must(t, err)
		if len(scroll) == 3 && scroll[0] > 0 && (scroll[1] == 0 || scroll[2] < -1 || scroll[2] > 1) {
			t.Errorf("sheet at 390 px: overflow %v, scrolled %v, first column at %v; want it to scroll with the first column kept", scroll[0], scroll[1], scroll[2])
		}
		must(t, chromedp.Do(step(t), chromedp.EmulateViewport(1280, 900)))
		_, err = chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
		must(t, err)
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-view-reports"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`body:not(.old-page) [data-testid="labs-abnormal-on"]`),
		))
		checkPage(t, ctx, shots, "labs-2d-results-abnormal")
		_, err = chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
		must(t, err)
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-abnormal-toggle"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`body:not(.old-page) [data-testid="labs-range-all"][aria-current="page"]`),
		))

		// Trend of one analysis: chart and table twin, then the whole history.
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-trend-link"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-trend-table"]`),
			chromedp.Focus(`[data-testid="labs-trend-range-all"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-trend-range-all"][aria-current="page"]`),
			chromedp.WaitVisible(`[data-testid="labs-trend-chart"]`),
		))
		rows, err := chromedp.Run(step(t), chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="labs-trend-row"]').length`))
		must(t, err)
		points, err := chromedp.Run(step(t), chromedp.Evaluate[int](
			`document.querySelectorAll('[data-testid="labs-trend-point"], [data-testid="labs-trend-flagged"]').length`))
		must(t, err)
		if rows == 0 || points == 0 || points > rows {
			t.Errorf("trend: %d table rows, %d chart markers; want every marker in the table", rows, points)
		}
		checkPage(t, ctx, shots, "labs-3-trend")
		narrow(t, "labs-3-trend")
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-trend-back"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-print-link"]`),
		))

		// Print view: stamped, and back to the results.
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-print-link"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-stamp"]`),
			chromedp.WaitVisible(`[data-testid="labs-print-button"]`),
		))
		stamp, err := chromedp.Run(step(t), chromedp.Text(`[data-testid="labs-stamp"]`))
		must(t, err)
		if !strings.Contains(stamp, "Haugland") || !strings.Contains(stamp, "565501872") {
			t.Errorf("print stamp does not name who printed: %q", stamp)
		}
		checkPage(t, ctx, shots, "labs-4-print")
		narrow(t, "labs-4-print")
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-stamp"] [data-testid="labs-back"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-print-link"]`),
		))

		// Emergency access, keyboard only: change basis → emergency form.
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-change-basis"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-emergency-link"]`),
			chromedp.Focus(`[data-testid="labs-emergency-link"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-emergency-form"]`),
			// Submitted empty first: the error summary lists every field.
			chromedp.Focus(`[data-testid="emergency-submit"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-emergency-errors"]`),
		))
		checkPage(t, ctx, shots, "labs-5-emergency-errors")
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
		reason, err := chromedp.Run(step(t), chromedp.Evaluate[string](`document.getElementById("emergency-reason").value`))
		must(t, err)
		if reason != "unconscious" {
			t.Errorf("reason chosen with the arrow keys = %q; want unconscious", reason)
		}
		checkPage(t, ctx, shots, "labs-6-emergency-form")
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="emergency-submit"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-emergency-banner"]`),
		))
		// The countdown script rewrote the server's text in the same form.
		countdown, err := chromedp.Run(step(t), chromedp.Text(`[data-testid="labs-emergency-countdown"]`))
		must(t, err)
		if !regexp.MustCompile(`^(4 t|3 t \d+ min) igjen\.$|^(4 h|3 h \d+ min) left\.$`).MatchString(strings.TrimSpace(countdown)) {
			t.Errorf("countdown = %q; want about four hours left", countdown)
		}
		checkPage(t, ctx, shots, "labs-7-emergency-results")
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-emergency-end"] button`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-chooser"]`),
			// Ending confirms that it ended (issue 12).
			chromedp.WaitVisible(`[data-testid="labs-ended"]`),
			chromedp.Focus(`[data-testid="labs-back"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="panel-family"]`),
		))
	})

	t.Run("culture, text and pathology reports", func(t *testing.T) {
		// A patient with a culture that grew organisms (each with its own
		// susceptibility table) and, if one exists, one with a text report.
		var culture, text string
		for _, c := range pop.Where("culture-labs", 0) {
			rec, _ := pop.Lab(c.CurrentNIN())
			if rec.Restriction.Kind != labsim.None {
				continue // a blocked culture would not show
			}
			for _, rep := range rec.Reports {
				for _, o := range rep.Observations {
					// An organism: a culture result ("dyrkning") with its
					// amount and antibiotics as members.
					if strings.Contains(o.Code.Display, "dyrkning") && len(o.Members) > 1 && culture == "" {
						culture = c.CurrentNIN()
					}
				}
			}
		}
		if culture == "" {
			t.Fatal("no culture with organisms in the population")
		}
		if ps := pop.Where("text-labs", 1); len(ps) > 0 {
			text = ps[0].CurrentNIN()
		}
		// A histology report: text sections and coded diagnoses.
		var pathology string
		for _, c := range pop.Where("pathology-labs", 0) {
			if rec, _ := pop.Lab(c.CurrentNIN()); rec.Restriction.Kind == labsim.None {
				pathology = c.CurrentNIN()
				break
			}
		}
		for i, nin := range []string{culture, text, pathology} {
			if nin == "" {
				continue
			}
			searchFor(t, nin)
			must(t, chromedp.Do(step(t),
				chromedp.Focus(`[data-testid="labs-link"]`),
				chromedp.KeyEvent(kb.Enter),
				chromedp.WaitVisible(`[data-testid="labs-chooser"]`),
				chromedp.Focus(`[data-testid="basis-UNNTAK"]`),
				chromedp.KeyEvent(" "),
				chromedp.Focus(`[data-testid="labs-basis-submit"]`),
				chromedp.KeyEvent(kb.Enter),
				chromedp.WaitVisible(`[data-testid="labs-range-all"]`),
			))
			_, err := chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
			must(t, err)
			must(t, chromedp.Do(step(t),
				chromedp.Focus(`[data-testid="labs-range-all"]`),
				chromedp.KeyEvent(kb.Enter),
				chromedp.WaitVisible(`body:not(.old-page) [data-testid="labs-range-all"][aria-current="page"]`),
			))
			if i == 0 {
				n, err := chromedp.Run(step(t), chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="labs-susceptibility-row"]').length`))
				must(t, err)
				if n == 0 {
					t.Error("culture with organisms shows no susceptibility rows")
				}
				checkPage(t, ctx, shots, "labs-8-culture")
			} else {
				checkPage(t, ctx, shots, fmt.Sprintf("labs-9-report-%d", i))
			}
			must(t, chromedp.Do(step(t),
				chromedp.Focus(`[data-testid="labs-back"]`),
				chromedp.KeyEvent(kb.Enter),
				chromedp.WaitVisible(`[data-testid="panel-family"]`),
			))
		}
	})

	t.Run("patient banner and overview print", func(t *testing.T) {
		family := subject.CurrentName().FamilyName
		bannerNames := func(t *testing.T) {
			t.Helper()
			text, err := chromedp.Run(step(t), chromedp.Text(`[data-testid="patient-banner"]`))
			must(t, err)
			if !strings.Contains(text, family) {
				t.Errorf("banner %q does not name the patient", text)
			}
			title, err := chromedp.Run(step(t), chromedp.Title())
			must(t, err)
			if strings.Contains(title, family) {
				t.Errorf("tab title %q names the patient", title)
			}
		}
		searchFor(t, subject.CurrentNIN())
		bannerNames(t)
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="person-print-link"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="print-stamp"]`),
			chromedp.WaitVisible(`[data-testid="print-button"]`),
		))
		bannerNames(t)
		stamp, err := chromedp.Run(step(t), chromedp.Text(`[data-testid="print-stamp"]`))
		must(t, err)
		if !strings.Contains(stamp, "Haugland") || !strings.Contains(stamp, "565501872") {
			t.Errorf("print stamp does not name who printed: %q", stamp)
		}
		closed, err := chromedp.Run(step(t), chromedp.Evaluate[int](
			`[...document.querySelectorAll("main details")].filter(d => !d.open).length`))
		must(t, err)
		if closed != 0 {
			t.Errorf("%d details closed on the print; want every one expanded", closed)
		}
		checkPage(t, ctx, shots, "person-8-print")
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="print-back"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="panel-family"]`),
			chromedp.Focus(`[data-testid="labs-link"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-chooser"]`),
		))
		bannerNames(t)
		checkPage(t, ctx, shots, "labs-10-chooser-banner")
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="patient-banner"] [data-testid="banner-name"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="panel-family"]`),
		))
	})

	t.Run("back to the start page, reopen from today's lookups", func(t *testing.T) {
		// Issue 12's walk ends here: the start page lists the patients of
		// today's lookups (loaded from /me/lookups), and one reopens from
		// there through a new session handle, with the banner.
		family := subject.CurrentName().FamilyName
		_, err := chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
		must(t, err)
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`a.app-brand`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`body:not(.old-page) [data-testid="start"]`),
			chromedp.WaitVisible(`[data-testid="start-lookups"] [data-testid="lookups-visits"]`),
		))
		names, err := chromedp.Run(step(t), chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('[data-testid="start-lookups"] a[data-testid="lookups-patient"]')].map(a => a.textContent)`))
		must(t, err)
		found := -1
		for i, n := range names {
			if strings.Contains(n, family) {
				found = i
			}
		}
		if found < 0 {
			t.Fatalf("today's lookups %q do not list the patient looked up", names)
		}
		links, err := chromedp.Run(step(t), chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('[data-testid="start-lookups"] a[data-testid="lookups-patient"]')].map(a => a.getAttribute("href"))`))
		must(t, err)
		for _, l := range links {
			if regexp.MustCompile(`\d{11}`).MatchString(l) {
				t.Errorf("a lookup link carries an identity number: %s", l)
			}
		}
		checkPage(t, ctx, shots, "start-1-lookups")
		_, err = chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
		must(t, err)
		must(t, chromedp.Do(step(t),
			chromedp.Focus(fmt.Sprintf(`[data-testid="start-lookups"] li:nth-of-type(%d) a[data-testid="lookups-patient"]`, found+1)),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`body:not(.old-page) [data-testid="panel-family"]`),
		))
		text, err := chromedp.Run(step(t), chromedp.Text(`[data-testid="patient-banner"]`))
		must(t, err)
		if !strings.Contains(text, family) {
			t.Errorf("reopened overview's banner %q does not name the patient", text)
		}
	})

	t.Run("dark", func(t *testing.T) {
		// The overview and the lab sheet in the dark colour scheme, wide and
		// narrow: axe checks contrast in the scheme the page really shows.
		scheme := func(value string) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: value}}})
				return err
			})
		}
		must(t, chromedp.Do(step(t), scheme("dark")))
		t.Cleanup(func() { chromedp.Do(ctx, scheme("light")) })
		searchFor(t, subject.CurrentNIN())
		checkPage(t, ctx, shots, "dark-1-overview")
		must(t, chromedp.Do(step(t), chromedp.EmulateViewport(390, 844)))
		checkPage(t, ctx, shots, "dark-2-overview-390")
		must(t, chromedp.Do(step(t), chromedp.EmulateViewport(1280, 900)))
		// The lab results and the cumulative sheet, with their flags.
		labsPatient := pop.Where("abnormal-labs", 1)
		searchFor(t, labsPatient[0].CurrentNIN())
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-link"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-chooser"]`),
			chromedp.Focus(`[data-testid="basis-UNNTAK"]`),
			chromedp.KeyEvent(" "),
			chromedp.Focus(`[data-testid="labs-basis-submit"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="labs-table"]`),
		))
		checkPage(t, ctx, shots, "dark-3-labs")
		_, err := chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
		must(t, err)
		must(t, chromedp.Do(step(t),
			chromedp.Focus(`[data-testid="labs-view-sheet"]`),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`body:not(.old-page) [data-testid="labs-sheet-table"]`),
		))
		checkPage(t, ctx, shots, "dark-4-sheet")
		must(t, chromedp.Do(step(t), chromedp.EmulateViewport(390, 844)))
		checkPage(t, ctx, shots, "dark-5-sheet-390")
		must(t, chromedp.Do(step(t), chromedp.EmulateViewport(1280, 900)))
	})

	t.Run("name search", func(t *testing.T) {
		// One hit opens the person, as a number does (issue 12).
		n := subject.CurrentName()
		searchFor(t, n.GivenName+" "+n.FamilyName+" "+subject.CurrentBirth().BirthDate.Format("02.01.2006"))
		// Several are listed: a given name and birth year some persons share.
		list := ""
		for _, c := range pop.All() {
			n, b := c.CurrentName(), c.CurrentBirth()
			if n == nil || b == nil || b.BirthYear == "" || len(strings.Fields(n.GivenName)) == 0 {
				continue
			}
			given := strings.Fields(n.GivenName)[0]
			if k := len(pop.Search(person.SearchQuery{FullName: given, BirthDate: b.BirthYear})); k >= 2 && k < 20 && !strings.ContainsAny(given, "'’") {
				list = given + " " + b.BirthYear
				break
			}
		}
		if list == "" {
			t.Fatal("no given name and birth year shared in the population")
		}
		must(t, chromedp.Do(step(t), chromedp.KeyEvent("/")))
		clearSlash(t)
		must(t, chromedp.Do(step(t),
			chromedp.KeyEvent(list),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="search-results"]`),
		))
		checkPage(t, ctx, shots, "person-6-search-results")
		must(t, chromedp.Do(step(t), chromedp.KeyEvent("/")))
		clearSlash(t)
		must(t, chromedp.Do(step(t),
			chromedp.KeyEvent("12057900498"),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`[data-testid="search-error"]`),
		))
		checkPage(t, ctx, shots, "person-7-search-error")
	})
}

// TestBrowserHPRFlow walks the HPR pages as administrative staff without a
// mouse: search by number → card → batch check → CSV, axe clean.
func TestBrowserHPRFlow(t *testing.T) {
	ctx := browserFor(t)
	p := startPortal(t, "OPPSLAG_DEMO_PERSONS", "2000")
	shots := screenshotDir(t)
	w := walk{ctx}
	step, must := w.step, w.must
	doctor := helseidsim.Personas()[0]
	must(t, chromedp.Do(step(t),
		chromedp.Navigate(p.url+"/login?login_hint=admin"),
		chromedp.WaitVisible(`form[action="/logout"]`),
		chromedp.Focus(`[data-testid="nav-hpr"]`),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#hpr-q`),
		chromedp.Focus(`#hpr-q`),
		chromedp.KeyEvent(doctor.HPRNumber),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`[data-testid="hpr-results"]`),
	))
	loc, err := chromedp.Run(step(t), chromedp.Location())
	must(t, err)
	if !strings.Contains(loc, "q="+doctor.HPRNumber) {
		t.Errorf("search by HPR number is not bookmarkable: %s", loc)
	}
	checkPage(t, ctx, shots, "hpr-1-search")

	must(t, chromedp.Do(step(t),
		chromedp.Focus(`[data-testid="hpr-hit"] a`),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`[data-testid="hpr-freshness"]`),
	))
	card, err := chromedp.Run(step(t), chromedp.Text(`main`))
	must(t, err)
	for _, want := range []string{"Ingrid Marie Haugland", "Allmennmedisin"} {
		if !strings.Contains(card, want) {
			t.Errorf("card lacks %q", want)
		}
	}
	checkPage(t, ctx, shots, "hpr-2-card")

	must(t, chromedp.Do(step(t),
		chromedp.Navigate(p.url+"/hpr"),
		chromedp.WaitVisible(`a[href="/hpr/batch"]`),
		chromedp.Focus(`a[href="/hpr/batch"]`),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#hpr-numbers`),
		chromedp.Focus(`#hpr-numbers`),
		chromedp.KeyEvent(doctor.HPRNumber+"\n565502143\n9"),
	))
	checkPage(t, ctx, shots, "hpr-3-batch-form")
	must(t, chromedp.Do(step(t),
		chromedp.Focus(`[data-testid="hpr-batch-submit"]`),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`[data-testid="hpr-batch-table"]`),
	))
	rows, err := chromedp.Run(step(t), chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="hpr-batch-row"]').length`))
	must(t, err)
	if rows != 3 {
		t.Errorf("%d batch rows; want 3", rows)
	}
	checkPage(t, ctx, shots, "hpr-4-batch-result")
	csvText, err := chromedp.Run(step(t), chromedp.Evaluate[string](
		`fetch(document.querySelector('[data-testid="hpr-batch-csv"]').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	must(t, err)
	if !strings.Contains(csvText, doctor.HPRNumber) || strings.Count(csvText, "\n") != 4 {
		t.Errorf("CSV download:\n%s", csvText)
	}
}

// TestBrowserS25_HostileStringsRenderInert opens the overview and the
// timeline of each person whose every text is a hostile string (markup,
// script, htmx attributes, javascript: URLs, RTL overrides, a 10,000
// character name), served by the Person API simulator beside the
// population. Nothing may run (the strings would count in window.__xss),
// the page may fetch nothing it did not mean to (only its own static
// files), the CSP reports nothing, axe finds nothing, and the strings are
// on the page as text.
func TestBrowserS25_HostileStringsRenderInert(t *testing.T) {
	ctx := browserFor(t)
	p := startPortal(t, "OPPSLAG_DEMO_PERSONS", "2000")
	shots := os.Getenv("OPPSLAG_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	step := func(t *testing.T) context.Context {
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		t.Cleanup(cancel)
		return sctx
	}
	must := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// inert checks the page on screen: no script ran, nothing was fetched
	// but the portal's own static files, and the hostile text is text.
	inert := func(t *testing.T, name string) {
		t.Helper()
		ran, err := chromedp.Run(step(t), chromedp.Evaluate[int](`window.__xss || 0`))
		must(t, err)
		if ran != 0 {
			t.Errorf("%s: a hostile string ran (%d times)", name, ran)
		}
		urls, err := chromedp.Run(step(t), chromedp.Evaluate[[]string](`performance.getEntriesByType('resource').map(e => e.name)`))
		must(t, err)
		for _, u := range urls {
			if !strings.HasPrefix(u, p.url+"/static/") {
				t.Errorf("%s: the page fetched %s", name, u)
			}
		}
		text, err := chromedp.Run(step(t), chromedp.Text(`main`))
		must(t, err)
		if !strings.Contains(text, "window.__xss") {
			t.Errorf("%s: the hostile strings are not on the page as text", name)
		}
		checkPage(t, ctx, shots, name)
	}
	must(t, chromedp.Do(step(t),
		chromedp.Navigate(p.url+"/login?login_hint=doctor"),
		chromedp.WaitVisible(`#search-q`),
	))
	for i, hp := range synthetic.HostilePersons() {
		name := fmt.Sprintf("hostile-%d", i)
		t.Run(name, func(t *testing.T) {
			must(t, chromedp.Do(step(t),
				chromedp.Navigate(p.url+"/"),
				chromedp.WaitVisible(`#search-q`),
			))
			_, err := chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
			must(t, err)
			must(t, chromedp.Do(step(t),
				chromedp.SetValue(`#search-q`, hp.CurrentNIN()),
				chromedp.Submit(`#search-q`),
				chromedp.WaitVisible(`body:not(.old-page) [data-testid="panel-family"]`),
			))
			// The KRR panel lists the date it could not read (S44); axe
			// checks that list with the rest of the page.
			must(t, chromedp.Do(step(t),
				chromedp.Focus(`[data-testid="panel-krr"] [data-testid="unread"] summary`),
				chromedp.KeyEvent(kb.Enter),
				chromedp.WaitVisible(`[data-testid="panel-krr"] [data-testid="unread-value"]`),
			))
			inert(t, name+"-overview")
			_, err = chromedp.Run(step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
			must(t, err)
			must(t, chromedp.Do(step(t),
				chromedp.Focus(`[data-testid="timeline-link"]`),
				chromedp.KeyEvent(kb.Enter),
				chromedp.WaitVisible(`body:not(.old-page) [data-testid="timeline"]`),
			))
			inert(t, name+"-timeline")
		})
	}
}
