package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/chromedp/chromedp"
)

// browserResult is B10's measurement: per measured load of the person
// overview, milliseconds from the start of the navigation.
type browserResult struct {
	LCP  []float64 `json:"lcp"`  // the last largest-contentful-paint entry
	Load []float64 `json:"load"` // loadEventEnd: every panel is in the HTML, so the page has settled
	TTFB []float64 `json:"ttfb"` // responseStart: the server's share
	DCL  []float64 `json:"dcl"`  // domContentLoadedEventEnd
	// Fetched counts the subresources that came over the network rather than
	// from the cache (transferSize > 0), the last load's.
	Fetched int `json:"fetched"`
}

// pageTiming is what pageTimingJS answers for one load.
type pageTiming struct {
	LCP     float64 `json:"lcp"`
	Load    float64 `json:"load"`
	TTFB    float64 `json:"ttfb"`
	DCL     float64 `json:"dcl"`
	Fetched int     `json:"fetched"`
}

// pageTimingJS waits for the load event to end, lets the largest-contentful-
// paint observer deliver its buffered entries, and answers the timings of the
// navigation. LCP is -1 when the browser reported none.
const pageTimingJS = `new Promise(resolve => {
	const nav = performance.getEntriesByType('navigation')[0];
	let lcp = -1;
	const po = new PerformanceObserver(list => { for (const e of list.getEntries()) lcp = e.startTime; });
	po.observe({type: 'largest-contentful-paint', buffered: true});
	const done = () => {
		po.disconnect();
		const fetched = performance.getEntriesByType('resource').filter(r => r.transferSize > 0).length;
		resolve({lcp: lcp, load: nav ? nav.loadEventEnd : -1, ttfb: nav ? nav.responseStart : -1,
			dcl: nav ? nav.domContentLoadedEventEnd : -1, fetched: fetched});
	};
	const wait = () => (!nav || nav.loadEventEnd > 0) ? setTimeout(done, 100) : setTimeout(wait, 20);
	wait();
})`

// chromiumPath finds a Chromium as browser_test.go does; "" when there is none.
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is B10 in the world: headless Chromium signs in as the doctor,
// looks the subject up through the search box (the number is typed here and
// never leaves the world), then loads the overview once to warm the cache for
// the stylesheets and scripts, as a clinician's browser has them, and n more
// times, measured. Each load comes from about:blank, so it is an ordinary
// navigation rather than a reload.
func (ws *worldState) browser(ctx context.Context, base string, n int) (worldResponse, error) {
	exe := chromiumPath()
	if exe == "" {
		return worldResponse{Skip: "no Chromium found (chromium, chromium-browser or google-chrome on PATH)"}, nil
	}
	dir, err := os.MkdirTemp("", "oppslag-bench-chromium-")
	if err != nil {
		return worldResponse{}, fmt.Errorf("browser: %w", err)
	}
	defer os.RemoveAll(dir)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	// chromedp's own log lines could quote page content; the world prints none.
	quiet := func(string, ...any) {}
	bctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(quiet), chromedp.WithErrorf(quiet))
	defer cancel()
	bctx, cancelTimeout := context.WithTimeout(bctx, 2*time.Minute)
	defer cancelTimeout()

	if err := chromedp.Do(bctx,
		chromedp.Navigate(base+"/login?login_hint=doctor"),
		chromedp.WaitVisible(`#search-q`),
		chromedp.SetValue(`#search-q`, ws.subject),
		chromedp.Submit(`#search-q`),
		chromedp.WaitVisible(`[data-testid="panel-family"]`),
	); err != nil {
		return worldResponse{}, fmt.Errorf("browser: sign in and search: %w", err)
	}
	overview, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		return worldResponse{}, fmt.Errorf("browser: %w", err)
	}
	var res browserResult
	for i := range n + 1 {
		if err := chromedp.Do(bctx,
			chromedp.Navigate("about:blank"),
			chromedp.Navigate(overview),
			chromedp.WaitVisible(`[data-testid="panel-family"]`),
		); err != nil {
			return worldResponse{}, fmt.Errorf("browser: load %d: %w", i, err)
		}
		t, err := chromedp.Run(bctx, chromedp.Evaluate[pageTiming](pageTimingJS, chromedp.EvalAwaitPromise))
		if err != nil {
			return worldResponse{}, fmt.Errorf("browser: load %d: timings: %w", i, err)
		}
		if i == 0 {
			continue // the warm-up
		}
		res.LCP = append(res.LCP, t.LCP)
		res.Load = append(res.Load, t.Load)
		res.TTFB = append(res.TTFB, t.TTFB)
		res.DCL = append(res.DCL, t.DCL)
		res.Fetched = t.Fetched
	}
	return worldResponse{Browser: &res}, nil
}
