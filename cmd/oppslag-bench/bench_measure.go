package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/cmd/internal/app"
)

// Sizes are decimal, the stricter reading of the spec's KB and MB.
const (
	kilobyte = 1000
	megabyte = 1000 * 1000
)

func formatKB(n int64) string { return fmt.Sprintf("%.1fKB", float64(n)/kilobyte) }
func formatMB(n int64) string { return fmt.Sprintf("%.1fMB", float64(n)/megabyte) }

// measureTokenWork is B5 as far as cmd can reach it: token requests counted
// at the simulator over one login, one search and views signed-in views of
// the person page, each of which calls the Person API with the user's token.
// It answers the person page's URL for the figures after it.
func measureTokenWork(w *world, base string, views int) (figure, string, error) {
	const id, name, target = "B5", "token-requests", "<=1/audience"
	before, err := w.call(worldRequest{Op: "stats"})
	if err != nil {
		return figure{}, "", err
	}
	if _, err := w.call(worldRequest{Op: "signin", URL: base}); err != nil {
		return figure{}, "", err
	}
	found, err := w.call(worldRequest{Op: "person", URL: base})
	if err != nil {
		return figure{}, "", err
	}
	page := base + found.Path
	r, err := w.call(worldRequest{Op: "seq", URL: page, N: views, User: true})
	if err != nil {
		return figure{}, "", err
	}
	after, err := w.call(worldRequest{Op: "stats"})
	if err != nil {
		return figure{}, "", err
	}
	if before.Stats == nil || after.Stats == nil {
		return figure{}, "", errors.New("bench world: stats: no counters in the answer")
	}
	codes := after.Stats.Token["authorization_code"] - before.Stats.Token["authorization_code"]
	refreshes := after.Stats.Token["refresh_token"] - before.Stats.Token["refresh_token"]
	// The login's code exchange answers one token whose aud lists every
	// pushed resource; the simulator counts it under each audience. It is the
	// login, not a request for an API's token, so it is counted apart: the
	// figure is the token requests each audience cost on top of the login.
	worst := 0
	var per, raw []string
	for _, aud := range app.APIResources() {
		d := after.Stats.TokenByAudience[aud] - before.Stats.TokenByAudience[aud]
		worst = max(worst, d-codes)
		per = append(per, fmt.Sprintf("%s=%d", aud, d-codes))
		raw = append(raw, fmt.Sprintf("%s=%d", aud, d))
	}
	note := fmt.Sprintf("token requests per API audience at the HelseID simulator over login + search + %d signed-in views of the person page "+
		"(each calls the Person API three times with the user's token), on top of the login: %s; "+
		"raw per-audience counts %s include the login's %d code exchange, whose one token lists every pushed resource in aud; %d refresh grants",
		r.N, strings.Join(per, " "), strings.Join(raw, " "), codes, refreshes)
	if r.Errors > 0 {
		note += fmt.Sprintf("; %d views failed, first: %s", r.Errors, r.FirstError)
	}
	return judge(id, name, strconv.Itoa(worst), target, worst <= 1 && r.Errors == 0, note), page, nil
}

// measurePageWeight is B6: gzip -9 of the person page and of every
// stylesheet and script it references, each compressed on its own as a
// browser would fetch it.
func measurePageWeight(ctx context.Context, w *world, pageURL string) []figure {
	const (
		jsTarget, cssTarget, htmlTarget = "<=20KB", "<=30KB", "<=15KB"
	)
	fail := func(err error) []figure {
		return []figure{failed("B6", "js-gzip", jsTarget, err), failed("B6", "css-gzip", cssTarget, err), failed("B6", "html-gzip", htmlTarget, err)}
	}
	page, err := w.call(worldRequest{Op: "fetch", URL: pageURL, User: true})
	if err != nil {
		return fail(err)
	}
	if page.Status != http.StatusOK || !strings.HasPrefix(page.Path, "/person/") {
		return fail(fmt.Errorf("person page answered %d at %s", page.Status, page.Path))
	}
	css, js, err := pageAssets(page.Body, pageURL)
	if err != nil {
		return fail(err)
	}
	c := &http.Client{Timeout: 10 * time.Second}
	total := func(urls []string) (int64, error) {
		var sum int64
		for _, u := range urls {
			body, err := fetchBytes(ctx, c, u)
			if err != nil {
				return 0, err
			}
			sum += gzipSize(body)
		}
		return sum, nil
	}
	jsBytes, err := total(js)
	if err != nil {
		return fail(err)
	}
	cssBytes, err := total(css)
	if err != nil {
		return fail(err)
	}
	htmlBytes := gzipSize([]byte(page.Body))
	return []figure{
		judge("B6", "js-gzip", formatKB(jsBytes), jsTarget, jsBytes <= 20*kilobyte,
			fmt.Sprintf("%d bytes in %d scripts the person page references", jsBytes, len(js))),
		judge("B6", "css-gzip", formatKB(cssBytes), cssTarget, cssBytes <= 30*kilobyte,
			fmt.Sprintf("%d bytes in %d stylesheets the person page references", cssBytes, len(css))),
		judge("B6", "html-gzip", formatKB(htmlBytes), htmlTarget, htmlBytes <= 15*kilobyte,
			fmt.Sprintf("%d bytes (%d raw): the person overview of a parent with a KRR entry and relatives, every panel rendered", htmlBytes, len(page.Body))),
	}
}

func fetchBytes(ctx context.Context, c *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", req.URL.Path, resp.StatusCode)
	}
	return b, nil
}

// gzipSize is the length of b compressed as gzip -9 would.
func gzipSize(b []byte) int64 {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	_, _ = zw.Write(b)
	_ = zw.Close()
	return int64(buf.Len())
}

var (
	assetTagRE = regexp.MustCompile(`(?is)<(link|script)\b([^>]*)>`)
	attrRE     = regexp.MustCompile(`(?is)([a-z][a-z0-9-]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)`)
)

// pageAssets lists the absolute URLs of the stylesheets and scripts an HTML
// page references: link rel=stylesheet, link rel=preload by its as,
// link rel=modulepreload, and script src. Each URL is listed once.
func pageAssets(html, pageURL string) (css, js []string, err error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, nil, fmt.Errorf("page assets: %w", err)
	}
	add := func(list *[]string, ref string) error {
		u, err := base.Parse(strings.TrimSpace(ref))
		if err != nil {
			return fmt.Errorf("page assets: %q: %w", ref, err)
		}
		if s := u.String(); !slices.Contains(css, s) && !slices.Contains(js, s) {
			*list = append(*list, s)
		}
		return nil
	}
	for _, m := range assetTagRE.FindAllStringSubmatch(html, -1) {
		attrs := map[string]string{}
		for _, a := range attrRE.FindAllStringSubmatch(m[2], -1) {
			attrs[strings.ToLower(a[1])] = strings.Trim(a[2], `"'`)
		}
		rel := " " + strings.ToLower(attrs["rel"]) + " "
		var list *[]string
		ref := attrs["href"]
		switch {
		case strings.EqualFold(m[1], "script"):
			list, ref = &js, attrs["src"]
		case strings.Contains(rel, " stylesheet "):
			list = &css
		case strings.Contains(rel, " modulepreload "):
			list = &js
		case strings.Contains(rel, " preload ") && strings.EqualFold(attrs["as"], "script"):
			list = &js
		case strings.Contains(rel, " preload ") && strings.EqualFold(attrs["as"], "style"):
			list = &css
		}
		if list == nil || ref == "" {
			continue
		}
		if err := add(list, ref); err != nil {
			return nil, nil, err
		}
	}
	return css, js, nil
}

// heapAndRSS collects garbage, returns freed memory to the OS, and reads the
// live Go heap and the process's resident set.
func heapAndRSS() (heap, rss int64, err error) {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	rss, err = readRSS("self")
	return int64(m.HeapAlloc), rss, err
}

// measureSessionMemory is B9's "10,000 live sessions ≤ 150 MB", measured for
// m sessions created through the real login and projected to 10,000 when m
// is smaller. The projection is labelled as one in the line.
func measureSessionMemory(w *world, base string, m int) figure {
	const (
		id, name, target = "B9", "sessions-10k", "<=150MB"
		live             = 10000
		limit            = 150 * megabyte
	)
	heap0, rss0, err := heapAndRSS()
	if err != nil {
		return failed(id, name, target, err)
	}
	r, err := w.call(worldRequest{Op: "sessions", URL: base, N: m, Conc: 4})
	if err != nil {
		return failed(id, name, target, err)
	}
	if r.Errors > 0 {
		return failed(id, name, target, fmt.Errorf("%d of %d logins failed, first: %s", r.Errors, m, r.FirstError))
	}
	heap1, rss1, err := heapAndRSS()
	if err != nil {
		return failed(id, name, target, err)
	}
	heapPer := float64(heap1-heap0) / float64(m)
	rssPer := float64(rss1-rss0) / float64(m)
	// Project with the steeper of the two slopes, never a negative one.
	slope := max(heapPer, rssPer, 0)
	value := float64(rss1)
	label := fmt.Sprintf("measured with %d sessions", m)
	lineName := name
	if m < live {
		value += slope * float64(live-m)
		label = fmt.Sprintf("projected from M=%d", m)
		lineName = name + "-projected"
	}
	note := fmt.Sprintf("%s: portal process RSS %s before, %s after %d logins (%.1f/s); per session %+.0f B heap, %+.0f B RSS; "+
		"sessions kept in SQLite in a temporary directory; the world (simulator, clients) is another process",
		label, formatMB(rss0), formatMB(rss1), r.N, float64(r.N)/r.Elapsed.Seconds(), heapPer, rssPer)
	return judge(id, lineName, formatMB(int64(value)), target, value <= limit, note)
}

// readRSS reads VmRSS of /proc/<pid>/status ("self" for this process).
func readRSS(pid string) (int64, error) {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return 0, fmt.Errorf("resident set size: %w", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("resident set size: %q: %w", v, err)
			}
			return kib * 1024, nil
		}
	}
	return 0, fmt.Errorf("resident set size: no VmRSS in /proc/%s/status", pid)
}

// measureCPU is B2: server CPU per signed-in person page against per hello,
// from this process's CPU time (getrusage user+sys) over the same number of
// requests each, in alternating rounds after a warm-up; the signed-in start
// page is measured alongside as an extra line. The load generator and the
// Person API simulator are the world process, so the CPU time here is the
// servers' alone (the person page's side of its three upstream calls, DPoP
// proofs and JSON decoding included; the simulator's answers not); the
// portal's background work (GC, session sweeps) during its rounds counts
// against it.
//
// The requests come over opts.cpuConns connections (16, B3's load shape),
// not one at a time: with one request in flight every request also pays for
// waking an idle server (netpoll, scheduler spinning), about 60 µs on the
// 2-core machines, which is added to both sides and shrinks the ratio (4.6x
// at one connection against 9.0x at 16 when this was written). -c 1 shows it.
func measureCPU(w *world, page, start, hello string, opts benchOptions) []figure {
	// Revised (performance.md, issue 15): the person page within 40 × hello;
	// 12 × stays the long-term goal, printed beside it. The start page, an
	// extra line, is held to 12 ×.
	const target, goal = "<=40x", "<=12x"
	type endpoint struct {
		name, url string
		user      bool
		per       int // requests per round
		cpu       time.Duration
		n         int
	}
	// The person page costs two orders of magnitude more than hello, so a
	// tenth of the requests measure its CPU as finely and keep the run short.
	personN := max(opts.n/10, 50)
	eps := []*endpoint{
		{name: "hello", url: hello, per: opts.n},
		{name: "person-page-cpu", url: page, user: true, per: personN},
		{name: "start-page-cpu", url: start, user: true, per: opts.n},
	}
	fail := func(err error) []figure {
		return []figure{failed("B2", eps[1].name, target, err), failed("B2", eps[2].name, goal, err)}
	}
	measure := func(e *endpoint, n int, count bool) error {
		c0, err := processCPU()
		if err != nil {
			return err
		}
		r, err := w.call(worldRequest{Op: "seq", URL: e.url, N: n, Conc: opts.cpuConns, User: e.user})
		if err != nil {
			return err
		}
		c1, err := processCPU()
		if err != nil {
			return err
		}
		if r.Errors > 0 {
			return fmt.Errorf("%s: %d of %d requests failed, first: %s", e.name, r.Errors, n, r.FirstError)
		}
		if count {
			e.cpu, e.n = e.cpu+c1-c0, e.n+r.N
		}
		return nil
	}
	for _, e := range eps {
		if err := measure(e, min(e.per, 200), false); err != nil {
			return fail(err)
		}
	}
	for range opts.rounds {
		for _, e := range eps {
			if err := measure(e, e.per, true); err != nil {
				return fail(err)
			}
		}
	}
	per := func(e *endpoint) float64 { return float64(e.cpu.Microseconds()) / float64(e.n) }
	helloPer := per(eps[0])
	if helloPer <= 0 {
		return fail(fmt.Errorf("no CPU time measured for %d hello requests", eps[0].n))
	}
	line := func(e *endpoint, target string, limit float64, what string) figure {
		ratio := per(e) / helloPer
		return judge("B2", e.name, fmt.Sprintf("%.1fx", ratio), target, ratio <= limit,
			fmt.Sprintf("server CPU/request: %s %.1fµs over %dx%d requests, hello %.1fµs over %dx%d (%d connections; "+
				"the load generator and the simulators are another process)", what, per(e), opts.rounds, e.per, helloPer, opts.rounds, opts.n, opts.cpuConns))
	}
	person := line(eps[1], target, 40, "GET /person/{handle} (session, headers, 3 Person API calls, 3 audit records, render)")
	person.note += fmt.Sprintf("; long-term goal %s: %.1f × that", goal, per(eps[1])/helloPer/12)
	return []figure{person, line(eps[2], goal, 12, "signed-in start page (extra: no upstream, no audit)")}
}

// measureThroughput is B3: closed-loop requests per second with opts.conns
// connections against the person page, one panel as an htmx fragment, and
// hello, in alternating rounds after a warm-up, with the upstreams answering
// at once. It also answers the person page's rate, for B4.
func measureThroughput(w *world, page, hello string, opts benchOptions) ([]figure, float64) {
	type endpoint struct {
		url       string
		user, hx  bool
		n         int
		elapsed   time.Duration
		errors    int
		lastError string
	}
	eps := []*endpoint{{url: hello}, {url: page, user: true}, {url: page + "/panel/names", user: true, hx: true}}
	run := func(e *endpoint, d time.Duration, count bool) error {
		r, err := w.call(worldRequest{Op: "loop", URL: e.url, User: e.user, HX: e.hx, Conc: opts.conns, Dur: d})
		if err != nil {
			return err
		}
		if count {
			e.n, e.elapsed, e.errors = e.n+r.N, e.elapsed+r.Elapsed, e.errors+r.Errors
			if r.Errors > 0 {
				e.lastError = r.FirstError
			}
		}
		return nil
	}
	fail := func(err error) ([]figure, float64) {
		return []figure{failed("B3", "person-page-rps", ">=0.12x", err), failed("B3", "panel-rps", ">=0.40x", err)}, 0
	}
	for _, e := range eps {
		if err := run(e, min(opts.t/4, 500*time.Millisecond), false); err != nil {
			return fail(err)
		}
	}
	for range opts.rounds {
		for _, e := range eps {
			if err := run(e, opts.t, true); err != nil {
				return fail(err)
			}
		}
	}
	rps := func(e *endpoint) float64 { return float64(e.n) / e.elapsed.Seconds() }
	helloRPS := rps(eps[0])
	if eps[0].n == 0 || eps[0].errors > 0 {
		return fail(fmt.Errorf("hello baseline: %d requests, %d failed %s", eps[0].n, eps[0].errors, eps[0].lastError))
	}
	line := func(name, target string, want float64, e *endpoint, what string) figure {
		ratio := rps(e) / helloRPS
		note := fmt.Sprintf("%s %.0f rps vs hello %.0f rps (%d conns, %dx%s each, upstreams at 0 ms)", what, rps(e), helloRPS, opts.conns, opts.rounds, opts.t)
		if e.errors > 0 {
			note += fmt.Sprintf("; %d requests failed, last: %s", e.errors, e.lastError)
		}
		return judge("B3", name, fmt.Sprintf("%.2fx", ratio), target, ratio >= want && e.errors == 0, note)
	}
	return []figure{
		line("person-page-rps", ">=0.12x", 0.12, eps[1], "GET /person/{handle}"),
		line("panel-rps", ">=0.40x", 0.40, eps[2], "GET /person/{handle}/panel/names with HX-Request (one Person API call, one audit record)"),
	}, rps(eps[1])
}

// startCPUProfile profiles this process, the portal's, until the returned
// function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}
