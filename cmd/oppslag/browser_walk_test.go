package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// walk is the steps of one browser session, shared by the browser tests.
type walk struct{ ctx context.Context }

// step bounds one browser step, so a wait that is never met fails within
// a minute at its own line, not at the test's deadline.
func (w walk) step(t *testing.T) context.Context {
	sctx, cancel := context.WithTimeout(w.ctx, time.Minute)
	t.Cleanup(cancel)
	return sctx
}

// must fails the test on err, naming the page the browser is on.
func (w walk) must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		sctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
		defer cancel()
		loc, _ := chromedp.Run(sctx, chromedp.Location())
		t.Fatalf("%v (page: %s)", err, loc)
	}
}

// leave marks the page on screen, so a wait after a navigation can only
// be met by the next page (a wait for a node of the old one would pass at
// once and flake under load).
func (w walk) leave(t *testing.T) {
	t.Helper()
	_, err := chromedp.Run(w.step(t), chromedp.Evaluate[bool](`document.body.classList.add("old-page"); true`))
	w.must(t, err)
}

// enter presses Enter on selector and waits for wait on the next page.
func (w walk) enter(t *testing.T, selector, wait string) {
	t.Helper()
	w.leave(t)
	w.must(t, chromedp.Do(w.step(t),
		chromedp.Focus(selector),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`body:not(.old-page) `+wait),
	))
}

// count is how many elements match selector on the page on screen.
func (w walk) count(t *testing.T, selector string) int {
	t.Helper()
	n, err := chromedp.Run(w.step(t), chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+selector+"`"+`).length`))
	w.must(t, err)
	return n
}

// liveText is the text of the element matching selector now ("" when
// there is none), read in one script run: safe while htmx swaps it.
func (w walk) liveText(t *testing.T, selector string) string {
	t.Helper()
	s, err := chromedp.Run(w.step(t), chromedp.Evaluate[string](`(document.querySelector(`+"`"+selector+"`"+`) || {}).innerText || ''`))
	w.must(t, err)
	return s
}

// scheme emulates the prefers-color-scheme value ("light" or "dark").
func scheme(value string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: value}}})
		return err
	})
}

// look checks the page on screen (checkPage: axe, CSP, storage, a
// screenshot into shots) wide and light, narrow, and narrow and dark, and
// that nothing scrolls sideways at 390 px. It reloads the page for the
// dark scheme (a scheme switched under a loaded page fades its colours,
// and axe would measure the fade), so it suits GET pages.
func (w walk) look(t *testing.T, shots, name string) {
	t.Helper()
	checkPage(t, w.ctx, shots, name)
	w.must(t, chromedp.Do(w.step(t), chromedp.EmulateViewport(390, 844)))
	checkPage(t, w.ctx, shots, name+"-390")
	over, err := chromedp.Run(w.step(t), chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	w.must(t, err)
	if over > 0 {
		wide, _ := chromedp.Run(w.step(t), chromedp.Evaluate[[]string](widest))
		t.Errorf("%s at 390 px: the page scrolls sideways by %d px; widest: %v", name, over, wide)
	}
	w.must(t, chromedp.Do(w.step(t), scheme("dark"), chromedp.Reload()))
	checkPage(t, w.ctx, shots, name+"-390-dark")
	w.must(t, chromedp.Do(w.step(t), scheme("light"), chromedp.EmulateViewport(1366, 900)))
}

// screenshotDir is OPPSLAG_SCREENSHOT_DIR, or a temporary directory.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("OPPSLAG_SCREENSHOT_DIR"); d != "" {
		return d
	}
	return t.TempDir()
}
