package main

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// The figures of the person page that are about time at the page's
// upstreams: B1 (fan-out), B4 (latency under load) and B10 (the browser).

// upstreamDelay is the latency B1 and B10 give every Person API answer.
const upstreamDelay = 50 * time.Millisecond

// personRoundTrips is the person overview's critical path in upstream round
// trips, by design (handlers/person_overview.go): the core FREG parts and KRR
// in parallel, then one bulk call for the relatives, which needs the core's
// family relations first.
const personRoundTrips = 2

func formatMS(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// setUpstreamDelay sets the Person API simulator's latency.
func (w *world) setUpstreamDelay(d time.Duration) error {
	_, err := w.call(worldRequest{Op: "latency", Latency: d})
	return err
}

// upstreamCalls reads the Person API simulator's per-route counters.
func (w *world) upstreamCalls() (gets, bulks int, err error) {
	r, err := w.call(worldRequest{Op: "upstream"})
	if err != nil {
		return 0, 0, err
	}
	if r.Upstream == nil {
		return 0, 0, errors.New("bench world: upstream: no counters in the answer")
	}
	return r.Upstream.GetByNIN, r.Upstream.BulkByNIN, nil
}

// measureFanOut is B1: the median response time of the full person page
// (no HX-Request: the no-JS path, every panel rendered on the server) over
// n requests sent one at a time, so that no request waits for another, with
// every Person API answer delayed upstreamDelay at the simulator. The target
// is the spec's, 1.15 × one upstream delay; the page's critical path is two
// round trips, and the note reports p50 against it and against the sum of
// all its calls made one after another.
func measureFanOut(w *world, page string, n int) figure {
	const id, name = "B1", "fan-out-p50"
	limit := upstreamDelay * 115 / 100
	target := "<=" + formatMS(limit)
	if err := w.setUpstreamDelay(upstreamDelay); err != nil {
		return failed(id, name, target, err)
	}
	defer w.setUpstreamDelay(0)
	// One page to warm the portal's connections to the simulator.
	if _, err := w.call(worldRequest{Op: "seq", URL: page, N: 1, User: true}); err != nil {
		return failed(id, name, target, err)
	}
	g0, b0, err := w.upstreamCalls()
	if err != nil {
		return failed(id, name, target, err)
	}
	r, err := w.call(worldRequest{Op: "timed", URL: page, N: n, Conc: 1, User: true})
	if err != nil {
		return failed(id, name, target, err)
	}
	g1, b1, err := w.upstreamCalls()
	if err != nil {
		return failed(id, name, target, err)
	}
	if r.Errors > 0 || r.Latencies == nil {
		return failed(id, name, target, fmt.Errorf("%d of %d person pages failed, first: %s", r.Errors, n, r.FirstError))
	}
	l := r.Latencies
	gets, bulks := float64(g1-g0)/float64(r.N), float64(b1-b0)/float64(r.N)
	critical := personRoundTrips * upstreamDelay
	sequential := time.Duration((gets + bulks) * float64(upstreamDelay))
	ratio := func(d time.Duration) float64 { return float64(l.P50) / float64(d) }
	note := fmt.Sprintf("p50 of %d GET /person/{handle} (full page, no-JS path) one at a time, every Person API answer delayed %s at the simulator: "+
		"%.2f × %s (target as written: 1.15 × %s); the page's critical path is %d sequential round trips "+
		"(core FREG parts + KRR in parallel, then one bulk call for the relatives), so %s is this design's floor: "+
		"p50 = %.2f × the critical path %s, %.2f × the sequential sum %s of its %.2f calls per page "+
		"(%.2f get-by-nin + %.2f bulk-by-nin counted at the simulator); p90 %s, p99 %s, max %s",
		r.N, upstreamDelay, ratio(upstreamDelay), upstreamDelay, upstreamDelay, personRoundTrips, critical,
		ratio(critical), critical, ratio(sequential), sequential, gets+bulks, gets, bulks,
		formatMS(l.P90), formatMS(l.P99), formatMS(l.Max))
	return judge(id, name, formatMS(l.P50), target, l.P50 <= limit, note)
}

// measureOpenLoop is B4: response times of the person page at a fixed rate,
// half of B3's closed-loop maximum, with the upstreams answering at once.
// why says where rate came from, for the line's note.
func measureOpenLoop(w *world, page string, rate float64, d time.Duration, why string) figure {
	const (
		id, name, target = "B4", "latency-p99", "<=25ms"
		limit            = 25 * time.Millisecond
	)
	if rate <= 0 {
		return failed(id, name, target, errors.New("no person-page rate from B3 to take half of"))
	}
	r, err := w.call(worldRequest{Op: "open", URL: page, User: true, Rate: rate, Dur: d})
	if err != nil {
		return failed(id, name, target, err)
	}
	if r.Latencies == nil {
		return failed(id, name, target, fmt.Errorf("no person page answered, first error: %s", r.FirstError))
	}
	l := r.Latencies
	note := fmt.Sprintf("GET /person/{handle} open loop at %.0f/s (%s) for %s, upstreams at 0 ms; "+
		"times from each request's due moment; %d answered in %s; p50 %s, p90 %s, max %s",
		rate, why, d, r.N, r.Elapsed.Round(time.Millisecond), formatMS(l.P50), formatMS(l.P90), formatMS(l.Max))
	if r.Errors > 0 {
		note += fmt.Sprintf("; %d requests failed, first: %s", r.Errors, r.FirstError)
	}
	return judge(id, name, formatMS(l.P99), target, l.P99 <= limit && r.Errors == 0, note)
}

// median of a non-empty list.
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// measureBrowser is B10: headless Chromium in the world loads the person
// overview with every Person API answer delayed upstreamDelay. LCP comes from
// a PerformanceObserver for largest-contentful-paint; "all panels settled" is
// the load event's end, because every panel is rendered into the HTML on the
// server (htmx only refreshes a panel on request). Medians over loads.
func measureBrowser(w *world, base string, loads int) []figure {
	const (
		id                    = "B10"
		lcpName, lcpTarget    = "browser-lcp", "<=1.0s"
		settledName           = "browser-settled"
		lcpLimit              = time.Second
		settledPercentOfDelay = 120
	)
	settledLimit := upstreamDelay * settledPercentOfDelay / 100 // the slowest upstream: every one is delayed alike
	settledTarget := "<=" + formatMS(settledLimit)
	fail := func(err error) []figure {
		return []figure{failed(id, lcpName, lcpTarget, err), failed(id, settledName, settledTarget, err)}
	}
	if err := w.setUpstreamDelay(upstreamDelay); err != nil {
		return fail(err)
	}
	defer w.setUpstreamDelay(0)
	r, err := w.call(worldRequest{Op: "browser", URL: base, N: loads})
	if err != nil {
		return fail(err)
	}
	if r.Skip != "" {
		return []figure{
			{id: id, name: lcpName, value: "n/a", target: lcpTarget, status: statusSkip, note: r.Skip},
			{id: id, name: settledName, value: "n/a", target: settledTarget, status: statusSkip, note: r.Skip},
		}
	}
	b := r.Browser
	if b == nil || len(b.LCP) == 0 {
		return fail(errors.New("bench world: browser: no loads measured"))
	}
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	lcp, load, ttfb, dcl := ms(median(b.LCP)), ms(median(b.Load)), ms(median(b.TTFB)), ms(median(b.DCL))
	how := fmt.Sprintf("headless Chromium, median of %d warm loads of /person/{handle} (after one that fills the cache), every Person API answer delayed %s; "+
		"first byte %s, DOMContentLoaded %s, load %s, %d subresources over the network on the last load",
		len(b.LCP), upstreamDelay, formatMS(ttfb), formatMS(dcl), formatMS(load), b.Fetched)
	lcpLine := judge(id, lcpName, formatMS(lcp), lcpTarget, lcp >= 0 && lcp <= lcpLimit,
		"largest-contentful-paint from a PerformanceObserver (buffered); "+how)
	if lcp < 0 {
		lcpLine = failed(id, lcpName, lcpTarget, errors.New("no largest-contentful-paint entry from Chromium"))
	}
	settledLine := judge(id, settledName, formatMS(load), settledTarget, load <= settledLimit,
		fmt.Sprintf("all panels settled = end of the load event (every panel is rendered on the server); target as written, %d%% of the slowest upstream (%s); "+
			"the page's critical path is %d sequential round trips (core FREG parts + KRR in parallel, then the bulk relatives call), "+
			"so nothing can settle before %s in this design: %.2f × that; %s",
			settledPercentOfDelay, upstreamDelay, personRoundTrips, personRoundTrips*upstreamDelay,
			float64(load)/float64(personRoundTrips*upstreamDelay), how))
	return []figure{lcpLine, settledLine}
}
