package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets this test binary play the child the harness starts from its
// own executable (the bench world): under go test, os.Executable is this
// binary, not oppslag-bench. The product children (B9, B13) are the real
// oppslag binary, built by the harness.
func TestMain(m *testing.M) {
	if os.Getenv(benchChildEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "oppslag:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// figureLineRE is the harness's line grammar: ID name value target STATUS,
// optionally followed by "  # note".
var figureLineRE = regexp.MustCompile(`^(B\d+) +(\S+) +(\S+) +(\S+) +(PASS|FAIL|SKIP)(  # \S.*)?$`)

// elevenDigits matches a run of exactly 11 digits: an identity number's shape.
var elevenDigits = regexp.MustCompile(`(^|\D)\d{11}(\D|$)`)

func TestBenchQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole harness in quick mode (about 35 s)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	var out strings.Builder
	stderr := &lockedBuffer{}
	err := run(ctx, []string{"-quick"}, func(string) string { return "" }, &out, stderr)
	// Timing figures may miss on a shared machine; anything else is a failure.
	if err != nil && !errors.Is(err, errFiguresMissed) {
		t.Fatalf("bench: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), stderr)
	}

	status := map[string][]string{} // id → statuses of its lines
	names := map[string]bool{}      // id/name of every line
	for line := range strings.Lines(out.String()) {
		line = strings.TrimRight(line, "\n")
		if line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		m := figureLineRE.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line %q does not have the form ID name value target PASS|FAIL|SKIP", line)
			continue
		}
		status[m[1]] = append(status[m[1]], m[5])
		names[m[1]+"/"+m[2]] = true
		if m[5] != statusSkip {
			continue
		}
		switch {
		case m[3] != "n/a":
			t.Errorf("skip line %q: want value n/a", line)
		case m[1] == "B10":
			// The browser figure is skipped only for want of a browser.
			if !strings.Contains(line, "no Chromium") {
				t.Errorf("skip line %q: want the reason no Chromium", line)
			}
		case m[1] == "B11":
			// The audit search figure needs a PostgreSQL the harness does not start.
			if !strings.Contains(line, "no PostgreSQL") {
				t.Errorf("skip line %q: want the reason no PostgreSQL", line)
			}
		case !strings.HasPrefix(m[4], "arrives-with-issue-"):
			t.Errorf("skip line %q: want target arrives-with-issue-N", line)
		}
	}
	for _, id := range []string{"B1", "B2", "B3", "B4", "B5", "B6", "B8", "B9", "B12", "B13"} {
		if len(status[id]) == 0 {
			t.Errorf("no %s line in\n%s", id, out.String())
		}
		if slices.Contains(status[id], statusSkip) {
			t.Errorf("%s skipped; it is implemented", id)
		}
	}
	// The person page, not a stand-in, is what B2 and B3 measure.
	for _, want := range []string{"B2/person-page-cpu", "B3/person-page-rps", "B3/panel-rps", "B10/browser-banner-painted", "B10/browser-settled"} {
		if !names[want] {
			t.Errorf("no %s line in\n%s", want, out.String())
		}
	}
	for _, want := range []string{"B12/faults-server-errors", "B12/faults-unaudited", "B13/crash-unaudited", "B13/crash-verify"} {
		if !names[want] {
			t.Errorf("no %s line in\n%s", want, out.String())
		}
	}
	// Counts, not timings: noise cannot move them.
	for _, id := range []string{"B5", "B6", "B12", "B13"} {
		for _, st := range status[id] {
			if st != statusPass {
				t.Errorf("%s: %s\n%s", id, st, out.String())
			}
		}
	}
	// B7: the bucket is a count; the cache rate and the index timings are
	// reported, and the names must be there.
	for _, want := range []string{"B7/hpr-bucket", "B7/hpr-cache-hit", "B7/hpr-index-build", "B7/hpr-index-search-p99"} {
		if !names[want] {
			t.Errorf("no %s line in\n%s", want, out.String())
		}
	}
	if got := status["B7"]; len(got) == 0 || got[0] != statusPass {
		t.Errorf("B7 bucket: %v; the portal must never exceed HPR's bucket", got)
	}
	// The load looks a synthetic person up by number; the number stays in
	// the bench world.
	for name, text := range map[string]string{"stdout": out.String(), "stderr": stderr.String()} {
		if m := elevenDigits.FindString(text); m != "" {
			t.Errorf("%s holds an 11-digit number %q", name, m)
		}
	}
	if t.Failed() {
		t.Logf("stderr:\n%s", stderr)
	}
}

func TestBenchArguments(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr bool
	}{
		{"help", []string{"-h"}, false},
		{"unknown flag", []string{"-bogus"}, true},
		{"stray argument", []string{"-quick", "now"}, true},
		{"unknown figure", []string{"-only", "B12,B99"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := run(context.Background(), c.args, func(string) string { return "" }, io.Discard, io.Discard)
			if got := err != nil; got != c.wantErr {
				t.Fatalf("oppslag-bench %v: error %v, want error %t", c.args, err, c.wantErr)
			}
		})
	}
}

func TestFigureString(t *testing.T) {
	cases := []struct {
		name string
		f    figure
		want string
	}{
		{"measured", judge("B2", "start-page-cpu", "9.1x", "<=12x", true, "395µs vs 43µs"),
			"B2  start-page-cpu           9.1x       <=12x                PASS  # 395µs vs 43µs"},
		{"missed", judge("B3", "panel-rps", "0.19x", ">=0.40x", false, ""),
			"B3  panel-rps                0.19x      >=0.40x              FAIL"},
		{"skipped", skipped("B10", "browser-lcp", "arrives-with-issue-3", "needs the person page"),
			"B10 browser-lcp              n/a        arrives-with-issue-3 SKIP  # needs the person page"},
		{"error", failed("B8", "demo-ready", "<=2s", errors.New("serve:\n  boom")),
			"B8  demo-ready               error      <=2s                 FAIL  # serve: boom"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.f.String()
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
			if !figureLineRE.MatchString(got) {
				t.Errorf("%q does not match the line grammar", got)
			}
		})
	}
}

func TestPageAssets(t *testing.T) {
	cases := []struct {
		name            string
		html            string
		wantCSS, wantJS []string
	}{
		{
			name: "stylesheets and scripts",
			html: `<link rel="stylesheet" href="/static/css/app.abc.css"><link href='/static/css/x.css' rel='stylesheet'>` +
				`<script src="/static/js/htmx.min.js" defer></script><script type="module" src=app.js></script>`,
			wantCSS: []string{"http://p.test/static/css/app.abc.css", "http://p.test/static/css/x.css"},
			wantJS:  []string{"http://p.test/static/js/htmx.min.js", "http://p.test/dir/app.js"},
		},
		{
			name: "preloads count by their as, icons do not count",
			html: `<link rel="modulepreload" href="/m.js"><link rel="preload" as="style" href="/p.css">` +
				`<link rel="preload" as="script" href="/p.js"><link rel="icon" href="/favicon.svg"><link rel="preload" as="font" href="/f.woff2">`,
			wantCSS: []string{"http://p.test/p.css"},
			wantJS:  []string{"http://p.test/m.js", "http://p.test/p.js"},
		},
		{
			name:    "each asset once, inline scripts ignored",
			html:    `<SCRIPT SRC="/a.js"></SCRIPT><script src="/a.js"></script><script>alert(1)</script>`,
			wantCSS: nil,
			wantJS:  []string{"http://p.test/a.js"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			css, js, err := pageAssets(c.html, "http://p.test/dir/page")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(css, c.wantCSS) {
				t.Errorf("css: got %q, want %q", css, c.wantCSS)
			}
			if !slices.Equal(js, c.wantJS) {
				t.Errorf("js: got %q, want %q", js, c.wantJS)
			}
		})
	}
}

func TestTailWriterKeepsTheEnd(t *testing.T) {
	w := &tailWriter{max: 8}
	for i := range 100 {
		fmt.Fprintf(w, "%d,", i)
	}
	if got, want := w.String(), "7,98,99,"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSummarizePercentiles(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var out []time.Duration
		for _, x := range v {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // unsorted on purpose
	}
	cases := []struct {
		name string
		in   []time.Duration
		want latencySummary
	}{
		{"one", ms(7), latencySummary{P50: 7 * time.Millisecond, P90: 7 * time.Millisecond, P99: 7 * time.Millisecond, Max: 7 * time.Millisecond}},
		{"nearest rank of 1..100", ms(hundred...),
			latencySummary{P50: 50 * time.Millisecond, P90: 90 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := summarize(c.in)
			if got == nil || *got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
	if got := summarize(nil); got != nil {
		t.Errorf("empty: got %+v, want nil", got)
	}
}

func TestParseOnly(t *testing.T) {
	only, err := parseOnly(" b12, B13 ")
	if err != nil {
		t.Fatal(err)
	}
	o := benchOptions{only: only}
	if !o.want("B12") || !o.want("B5", "B13") || o.want("B5") || o.want("B1", "B7") {
		t.Errorf("-only b12,B13 gave %v", only)
	}
	if all, err := parseOnly(""); err != nil || all != nil || !(benchOptions{}).want("B7") {
		t.Errorf("no -only: %v %v; want every figure", all, err)
	}
	if _, err := parseOnly("B12,"); err == nil {
		t.Error("an empty id was accepted")
	}
}

func TestFaultExplainsOnlyGatewayErrorsWhileItLasts(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	breaking, harmless := faultMix[3], faultMix[1] // 500, slow
	if !breaking.breaks || harmless.breaks {
		t.Fatalf("faultMix order changed: %+v %+v", breaking, harmless)
	}
	phases := []faultPhase{
		{upstream: upPerson, fault: breaking, from: at(100), to: at(200)},
		{upstream: upLabs, fault: harmless, from: at(0), to: at(1000)},
	}
	cases := []struct {
		name     string
		a        loadAnswer
		explains bool
	}{
		{"502 during the fault", loadAnswer{upstream: upPerson, status: 502, from: at(150), to: at(160)}, true},
		{"504 open across the fault's start", loadAnswer{upstream: upPerson, status: 504, from: at(50), to: at(1100)}, true},
		{"502 after the fault", loadAnswer{upstream: upPerson, status: 502, from: at(250), to: at(300)}, false},
		{"500 during the fault", loadAnswer{upstream: upPerson, status: 500, from: at(150), to: at(160)}, false},
		{"503 during the fault", loadAnswer{upstream: upPerson, status: 503, from: at(150), to: at(160)}, false},
		{"502 on another upstream", loadAnswer{upstream: upLabs, status: 502, from: at(150), to: at(160)}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := explained(c.a, phases); got != c.explains {
				t.Errorf("explained = %t, want %t", got, c.explains)
			}
		})
	}
}

// lockedBuffer is a strings.Builder that the harness's goroutines may write
// to at once.
type lockedBuffer struct {
	mu sync.Mutex
	sb strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.String()
}
