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
	// Banner is when the patient banner's text was painted (Element Timing,
	// elementtiming="patient-banner" in views/banner.templ).
	Banner []float64 `json:"banner"`
	FCP    []float64 `json:"fcp"`  // first-contentful-paint
	LCP    []float64 `json:"lcp"`  // the last largest-contentful-paint entry
	Load   []float64 `json:"load"` // loadEventEnd: the streamed document is complete, every panel in
	TTFB   []float64 `json:"ttfb"` // responseStart: the server's share
	DCL    []float64 `json:"dcl"`  // domContentLoadedEventEnd
	// FloorFCP and FloorLoad are the first-contentful-paint and load end of
	// the portal's HPR search form, which calls no upstream: the floor this
	// browser and the layout set for any page.
	FloorFCP  []float64 `json:"floorFcp"`
	FloorLoad []float64 `json:"floorLoad"`
	// LCPElement is the last load's largest-contentful-paint element as tag,
	// id and classes (no text of the page).
	LCPElement string `json:"lcpElement"`
	// Fetched counts the subresources that came over the network rather than
	// from the cache (transferSize > 0), the last load's.
	Fetched int `json:"fetched"`
}

// pageTiming is what pageTimingJS answers for one load.
type pageTiming struct {
	Banner     float64 `json:"banner"`
	FCP        float64 `json:"fcp"`
	LCP        float64 `json:"lcp"`
	LCPElement string  `json:"lcpElement"`
	Load       float64 `json:"load"`
	TTFB       float64 `json:"ttfb"`
	DCL        float64 `json:"dcl"`
	Fetched    int     `json:"fetched"`
}

// pageTimingJS waits for the load event to end, lets the paint observers
// deliver their buffered entries, and answers the timings of the
// navigation. A paint the browser reported nothing for is -1.
const pageTimingJS = `new Promise(resolve => {
	const nav = performance.getEntriesByType('navigation')[0];
	let lcp = -1, lcpElement = '', banner = -1;
	const describe = el => !el ? '' : el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
		(typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '');
	const lcpObserver = new PerformanceObserver(list => {
		for (const e of list.getEntries()) { lcp = e.startTime; lcpElement = describe(e.element); }
	});
	lcpObserver.observe({type: 'largest-contentful-paint', buffered: true});
	const elementObserver = new PerformanceObserver(list => {
		for (const e of list.getEntries()) {
			if (e.identifier === 'patient-banner' && banner < 0) banner = e.renderTime || e.loadTime;
		}
	});
	elementObserver.observe({type: 'element', buffered: true});
	const done = () => {
		lcpObserver.disconnect();
		elementObserver.disconnect();
		const fetched = performance.getEntriesByType('resource').filter(r => r.transferSize > 0).length;
		const fcp = performance.getEntriesByName('first-contentful-paint')[0];
		resolve({banner: banner, fcp: fcp ? fcp.startTime : -1, lcp: lcp, lcpElement: lcpElement,
			load: nav ? nav.loadEventEnd : -1, ttfb: nav ? nav.responseStart : -1,
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
// times, measured. Each load comes from the portal's start page, as a
// clinician's lookup does: an ordinary navigation within the site rather
// than a reload. (From about:blank, Chromium also starts a new renderer
// process for each load, which is the browser's cost, not the page's: it
// added about 130 ms between first byte and DOMContentLoaded here.)
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
	// loads navigates to target from the start page n+1 times, waiting for
	// wait, and answers the timings of all but the first (the warm-up).
	loads := func(what, target, wait string) ([]pageTiming, error) {
		var out []pageTiming
		for i := range n + 1 {
			if err := chromedp.Do(bctx, chromedp.Navigate(base+"/"), chromedp.Navigate(target), chromedp.WaitVisible(wait)); err != nil {
				return nil, fmt.Errorf("browser: %s %d: %w", what, i, err)
			}
			t, err := chromedp.Run(bctx, chromedp.Evaluate[pageTiming](pageTimingJS, chromedp.EvalAwaitPromise))
			if err != nil {
				return nil, fmt.Errorf("browser: %s %d: timings: %w", what, i, err)
			}
			if i > 0 {
				out = append(out, t)
			}
		}
		return out, nil
	}
	page, err := loads("load", overview, `[data-testid="panel-family"]`)
	if err != nil {
		return worldResponse{}, err
	}
	// The floor: the portal's HPR search form, the same layout and assets
	// with no upstream call, loaded the same way. What this browser on this
	// machine needs to paint any page of the portal.
	floor, err := loads("floor load", base+"/hpr", `#hpr-q`)
	if err != nil {
		return worldResponse{}, err
	}
	var res browserResult
	for _, t := range page {
		res.Banner = append(res.Banner, t.Banner)
		res.FCP = append(res.FCP, t.FCP)
		res.LCP = append(res.LCP, t.LCP)
		res.LCPElement = t.LCPElement
		res.Load = append(res.Load, t.Load)
		res.TTFB = append(res.TTFB, t.TTFB)
		res.DCL = append(res.DCL, t.DCL)
		res.Fetched = t.Fetched
	}
	for _, t := range floor {
		res.FloorFCP = append(res.FloorFCP, t.FCP)
		res.FloorLoad = append(res.FloorLoad, t.Load)
	}
	return worldResponse{Browser: &res}, nil
}
