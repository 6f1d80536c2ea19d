package main

import (
	"context"
	"os"
	"testing"
	"time"

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

// screenshotDir is OPPSLAG_SCREENSHOT_DIR, or a temporary directory.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("OPPSLAG_SCREENSHOT_DIR"); d != "" {
		return d
	}
	return t.TempDir()
}
