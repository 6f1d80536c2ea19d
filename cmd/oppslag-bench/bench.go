package main

// This file is the benchmark harness of /work/shared/spec/performance.md
// (one command in the README: go run ./cmd/oppslag-bench).
//
// Layout of a run. Two processes take part, so that the numbers measure the
// portal and nothing else:
//
//   - this process, the portal process: the portal started through app.Serve
//     exactly as `oppslag serve` starts it (an env map with OPPSLAG_ADDR
//     127.0.0.1:0 and the database in a temporary directory), plus the bare
//     net/http hello-world server that every ratio is measured against;
//   - the bench world, this same binary re-executed as `oppslag-bench -world`:
//     the HelseID simulator, the Person API simulator over the demo's
//     synthetic population (its latency knob serves B1 and B10), the load
//     generator, and for B10 headless Chromium.
//
// The portal reaches the world's simulators through the ordinary production
// settings OPPSLAG_HELSEID_ISSUER, _CLIENT_ID, _KEY_FILE and
// OPPSLAG_PERSON_API_URL, so run.go needs no hook: the harness owns the
// simulators and reads their counters, and RUSAGE_SELF and the Go heap of
// this process hold server work only, never the client's or the upstreams'
// (B2, B9). Only B8 ("demo default ready") starts serve with no HelseID
// settings at all, because that figure is about the embedded default.
//
// B9's idle process and B13's kill -9 rounds run the shipped product
// binary, not this one: `go build ./cmd/oppslag` into the run's temporary
// directory once per run (or the binary given with -oppslag), so the
// process that is measured idle, and killed, is the one that ships.
//
// The person page is measured as a clinician reaches it: the world signs in,
// posts the search form with a synthetic person's number and follows the 303
// to /person/{handle}; the number never leaves the world.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// benchChildEnv marks a process the harness started from its own binary (the
// bench world). The real binary needs no marker, main passes its arguments
// to run; a test binary's TestMain looks for it.
const benchChildEnv = "OPPSLAG_BENCH_CHILD"

// benchClientID is the client id the harness registers for the portal at the
// world's HelseID simulator.
const benchClientID = "oppslag-bench"

// errFiguresMissed is returned (wrapped) when a measured figure misses its
// target, so the exit status says so while every line is still printed.
var errFiguresMissed = errors.New("figures missed their target")

// benchOptions are the sizes of one run.
type benchOptions struct {
	quick    bool
	n        int           // B2: requests per endpoint per round
	cpuConns int           // B2: concurrent connections
	rounds   int           // B2 and B3: alternating rounds per endpoint
	t        time.Duration // B3: closed-loop duration per endpoint per round
	conns    int           // B3: concurrent connections
	views    int           // B5: signed-in page views
	sessions int           // B9: sessions created through the real login
	fanN     int           // B1: person pages, one at a time, at 50 ms upstream latency
	openDur  time.Duration // B4: how long the fixed-rate load runs
	b4Rate   float64       // B4: a rate to use instead of half of B3's (comparisons across builds)
	loads    int           // B10: measured browser loads of the person page
	profile  string        // file for a CPU profile of this process during B2 and B3
	oppslag  string        // B9, B13: the product binary to start; "": go build ./cmd/oppslag

	b12Users  int           // B12: virtual clinicians
	b12Dur    time.Duration // B12: how long they browse under the fault mix
	b13Users  int           // B13: virtual clinicians
	b13Dur    time.Duration // B13: load per round; the kill falls in its middle third
	b13Rounds int           // B13: kill -9 and restart rounds

	audit auditOptions // B11: the audit log and its searches (bench_audit.go)

	only map[string]bool // figure ids to measure; nil: all
}

// want reports whether any of ids is to be measured.
func (o benchOptions) want(ids ...string) bool {
	if o.only == nil {
		return true
	}
	for _, id := range ids {
		if o.only[id] {
			return true
		}
	}
	return false
}

// benchIDs are the figures of performance.md, for -only.
var benchIDs = []string{"B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "B11", "B12", "B13"}

// parseOnly reads -only's comma-separated figure ids.
func parseOnly(s string) (map[string]bool, error) {
	if s == "" {
		return nil, nil
	}
	only := map[string]bool{}
	for f := range strings.SplitSeq(s, ",") {
		id := strings.ToUpper(strings.TrimSpace(f))
		if !slices.Contains(benchIDs, id) {
			return nil, fmt.Errorf("-only: unknown figure %q (want ids like B12,B13)", f)
		}
		only[id] = true
	}
	return only, nil
}

func defaultBenchOptions(quick bool) benchOptions {
	if quick {
		return benchOptions{quick: true, n: 200, cpuConns: 16, rounds: 1, t: 300 * time.Millisecond, conns: 16, views: 300, sessions: 40,
			fanN: 20, openDur: 500 * time.Millisecond, loads: 2,
			b12Users: 8, b12Dur: 3 * time.Second, b13Users: 6, b13Dur: 2 * time.Second, b13Rounds: 3}
	}
	return benchOptions{n: 3000, cpuConns: 16, rounds: 3, t: 2 * time.Second, conns: 16, views: 1000, sessions: 2000,
		fanN: 200, openDur: 5 * time.Second, loads: 5,
		b12Users: 200, b12Dur: 60 * time.Second, b13Users: 50, b13Dur: 8 * time.Second, b13Rounds: 3}
}

// run is the whole harness, or with -world the bench world; main only calls
// it. The harness builds its own configuration for every portal it starts,
// so the environment is not read.
func run(ctx context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("oppslag-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "small sizes for tests and a fast look (numbers are noisier)")
	n := fs.Int("n", 0, "B2: requests per endpoint per round (default 3000, quick 200)")
	c := fs.Int("c", 0, "B2: concurrent connections sending them (default 16; 1 is sequential)")
	t := fs.Duration("t", 0, "B3: closed-loop duration per endpoint per round (default 2s, quick 300ms)")
	sessions := fs.Int("sessions", 0, "B9: sessions created through the real login (default 2000, quick 40)")
	b4Rate := fs.Float64("b4rate", 0, "B4: requests per second instead of half of B3's rate, to compare builds at one load (the line then says so)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the portal process during B2 to B4 to this file")
	only := fs.String("only", "", "measure only these figures, comma-separated (e.g. B12,B13: CI's short form with the flags below)")
	b12Users := fs.Int("b12users", 0, "B12: virtual clinicians browsing under the fault mix (default 200, quick 8)")
	b12Dur := fs.Duration("b12duration", 0, "B12: how long they browse (default 60s, quick 3s)")
	b13Users := fs.Int("b13users", 0, "B13: virtual clinicians loading the portal that is killed (default 50, quick 6)")
	b13Dur := fs.Duration("b13duration", 0, "B13: load per kill -9 round (default 8s, quick 2s)")
	b13Rounds := fs.Int("b13rounds", 0, "B13: kill -9 and restart rounds (default 3)")
	oppslagBin := fs.String("oppslag", "", "B9, B13: the oppslag binary to run as its own process (default: go build ./cmd/oppslag into the run's temporary directory)")
	b11 := auditFlags(fs)
	world := fs.Bool("world", false, "internal: run as the bench world (HelseID simulator and load generator), reading requests on stdin")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: oppslag-bench [-quick] [-only B12,B13] [-n requests] [-c connections] [-t duration] [-sessions count] [-b4rate per-second] [-cpuprofile file]\n"+
			"                     [-oppslag binary] [-b12users n] [-b12duration d] [-b13users n] [-b13duration d] [-b13rounds n]")
		fmt.Fprintln(stderr, "prints one line per figure of the performance spec: ID name value target PASS|FAIL|SKIP")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("bench: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected arguments %q", fs.Args())
	}
	if *world {
		// The world is a child of the harness: its requests arrive on stdin,
		// which run's signature does not carry.
		return runWorld(ctx, os.Stdin, stdout, stderr)
	}
	opts := defaultBenchOptions(*quick)
	if *n > 0 {
		opts.n = *n
	}
	if *c > 0 {
		opts.cpuConns = *c
	}
	opts.profile = *profile
	opts.oppslag = *oppslagBin
	if *t > 0 {
		opts.t = *t
	}
	if *sessions > 0 {
		opts.sessions = *sessions
	}
	opts.b4Rate = *b4Rate
	ids, err := parseOnly(*only)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	opts.only = ids
	b11(&opts)
	for _, v := range []struct {
		set int
		to  *int
	}{{*b12Users, &opts.b12Users}, {*b13Users, &opts.b13Users}, {*b13Rounds, &opts.b13Rounds}} {
		if v.set > 0 {
			*v.to = v.set
		}
	}
	for _, v := range []struct {
		set time.Duration
		to  *time.Duration
	}{{*b12Dur, &opts.b12Dur}, {*b13Dur, &opts.b13Dur}} {
		if v.set > 0 {
			*v.to = v.set
		}
	}
	return runBench(ctx, opts, stdout, stderr)
}

// figure is one line of the harness's output.
type figure struct {
	id, name, value, target, status, note string
}

// Status words of a figure line.
const (
	statusPass = "PASS"
	statusFail = "FAIL"
	statusSkip = "SKIP"
)

// String formats the line as `ID name value target STATUS  # note`; the first
// five fields never contain spaces.
func (f figure) String() string {
	s := fmt.Sprintf("%-3s %-24s %-10s %-20s %s", f.id, f.name, f.value, f.target, f.status)
	if f.note != "" {
		s += "  # " + f.note
	}
	return s
}

// judge builds a measured figure: PASS when ok.
func judge(id, name, value, target string, ok bool, note string) figure {
	st := statusFail
	if ok {
		st = statusPass
	}
	return figure{id: id, name: name, value: value, target: target, status: st, note: note}
}

// failed is a figure that could not be measured: it counts as a miss.
func failed(id, name, target string, err error) figure {
	return figure{id: id, name: name, value: "error", target: target, status: statusFail, note: oneLine(err.Error())}
}

// skipped is a figure whose page or subsystem does not exist yet.
func skipped(id, name, target, note string) figure {
	return figure{id: id, name: name, value: "n/a", target: target, status: statusSkip, note: note}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// figureOrder sorts lines by the number in their id, keeping measurement order
// within one id.
func figureOrder(a, b figure) int {
	na, _ := strconv.Atoi(strings.TrimPrefix(a.id, "B"))
	nb, _ := strconv.Atoi(strings.TrimPrefix(b.id, "B"))
	return na - nb
}

func runBench(ctx context.Context, opts benchOptions, stdout, stderr io.Writer) error {
	only := "all"
	if opts.only != nil {
		only = strings.Join(slices.DeleteFunc(slices.Clone(benchIDs), func(id string) bool { return !opts.only[id] }), ",")
	}
	fmt.Fprintf(stdout, "# oppslag-bench %s %s/%s cpus=%d quick=%t figures=%s B1 n=%d B2 n=%dx%d c=%d B3 t=%sx%d conns=%d B4 t=%s B5 views=%d B9 sessions=%d B10 loads=%d "+
		"B12 users=%d t=%s B13 users=%d t=%s rounds=%d\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), opts.quick, only, opts.fanN,
		opts.n, opts.rounds, opts.cpuConns, opts.t, opts.rounds, opts.conns, opts.openDur, opts.views, opts.sessions, opts.loads,
		opts.b12Users, opts.b12Dur, opts.b13Users, opts.b13Dur, opts.b13Rounds)
	progress := func(format string, a ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", a...) }

	var figs []figure
	err := measureAll(ctx, opts, progress, stderr, func(f figure) {
		if opts.want(f.id) { // -only B5 still runs B5's group, and prints B5
			figs = append(figs, f)
		}
	})
	slices.SortStableFunc(figs, figureOrder)
	missed := 0
	for _, f := range figs {
		fmt.Fprintln(stdout, f)
		if f.status == statusFail {
			missed++
		}
	}
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if missed > 0 {
		return fmt.Errorf("bench: %w: %d", errFiguresMissed, missed)
	}
	return nil
}

// measureAll runs every implemented figure, handing each line to emit. An
// error means the harness itself could not run (no portal, no world); a
// figure that cannot be measured is emitted as a FAIL instead.
func measureAll(ctx context.Context, opts benchOptions, progress func(string, ...any), stderr io.Writer, emit func(figure)) error {
	dir, err := os.MkdirTemp("", "oppslag-bench-")
	if err != nil {
		return fmt.Errorf("temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)

	if opts.want("B8") {
		progress("B8: starting the demo default")
		emit(measureDemoReady(ctx, dir))
	}

	if opts.want("B9", "B13") && opts.oppslag == "" {
		progress("building the product binary (go build ./cmd/oppslag) for B9 and B13")
		if opts.oppslag, err = buildProduct(ctx, dir); err != nil {
			return err
		}
	}

	if opts.want("B1", "B2", "B3", "B4", "B5", "B6", "B9", "B10", "B12", "B13") {
		progress("starting the bench world (HelseID, Person API and prøvesvar simulators, load generator)")
		w, err := startWorld(ctx, stderr)
		if err != nil {
			return err
		}
		defer w.close()
		if opts.want("B1", "B2", "B3", "B4", "B5", "B6", "B9", "B10") {
			if err := measurePortal(ctx, opts, dir, w, progress, emit); err != nil {
				return err
			}
		}
		if opts.want("B12") {
			progress("B12: %d users for %s under the fault mix", opts.b12Users, opts.b12Dur)
			for _, f := range measureLoadWithFaults(ctx, dir, w, opts) {
				emit(f)
			}
		}
		if opts.want("B13") {
			progress("B13: %d rounds of kill -9 under load (%d users, %s a round)", opts.b13Rounds, opts.b13Users, opts.b13Dur)
			for _, f := range measureCrash(ctx, dir, w, opts, progress) {
				emit(f)
			}
		}
	}
	if opts.want("B11") {
		measureAuditSearch(ctx, opts.audit, progress, emit)
	}
	// B7 runs last: its 600,000-entry index and population stay in this
	// process's memory, which would count in B9's sessions figure, measured
	// in this process too.
	if opts.want("B7") {
		measureHPR(ctx, dir, opts.quick, progress, emit)
	}
	return nil
}

// measurePortal measures the figures of the portal served in this process
// (B1 to B6, B9, B10), in the order they have always run.
func measurePortal(ctx context.Context, opts benchOptions, dir string, w *world, progress func(string, ...any), emit func(figure)) error {
	keyFile, publicJWK, err := writeBenchKey(dir)
	if err != nil {
		return err
	}
	hprVars, err := hprEnv(dir, w.issuer)
	if err != nil {
		return err
	}
	env := map[string]string{
		"OPPSLAG_ADDR":              "127.0.0.1:0",
		"OPPSLAG_DATABASE_URL":      "sqlite:" + filepath.Join(dir, "oppslag.db"),
		"OPPSLAG_HELSEID_ISSUER":    w.issuer,
		"OPPSLAG_HELSEID_CLIENT_ID": benchClientID,
		"OPPSLAG_HELSEID_KEY_FILE":  keyFile,
		"OPPSLAG_PERSON_API_URL":    w.personAPI,
		// The figures measure no lab page; the client only needs a URL.
		"OPPSLAG_LABS_API_URL": w.issuer,
		// The figures are of a page and its upstream calls (B1, B2, B10):
		// the same person looked up again and again would otherwise be
		// answered from the user's person cache.
		"OPPSLAG_PERSON_CACHE": "off",
	}
	for _, v := range hprVars {
		k, val, _ := strings.Cut(v, "=")
		env[k] = val
	}
	p, err := startServe(ctx, env)
	if err != nil {
		return fmt.Errorf("portal: %w", err)
	}
	defer p.stop()
	if _, err := w.call(worldRequest{Op: "register", URL: p.url, JWK: publicJWK}); err != nil {
		return err
	}
	hello, err := startHello(ctx)
	if err != nil {
		return err
	}
	defer hello.stop()

	progress("B5: signing in, searching, and viewing the person page %d times", opts.views)
	b5, page, err := measureTokenWork(w, p.url, opts.views)
	if err != nil {
		return fmt.Errorf("%w\nportal log:\n%s", err, p.logs)
	}
	emit(b5)

	progress("B6: page weight")
	for _, f := range measurePageWeight(ctx, w, page) {
		emit(f)
	}

	progress("B9: %d sessions through the real login", opts.sessions)
	emit(measureSessionMemory(w, p.url, opts.sessions))
	progress("B9: idle serve process")
	emit(measureIdleRSS(ctx, dir, w, opts.oppslag))

	progress("B1: %d person pages one at a time, every upstream call delayed %s", opts.fanN, upstreamDelay)
	for _, f := range measureFanOut(w, page, opts.fanN) {
		emit(f)
	}
	progress("B10: headless Chromium, %d loads of the person page, every upstream call delayed %s", opts.loads, upstreamDelay)
	for _, f := range measureBrowser(w, p.url, opts.loads) {
		emit(f)
	}

	// The profile covers B2 to B4 only; stopping twice is harmless.
	stopProfile := func() {}
	if opts.profile != "" {
		stopProfile, err = startCPUProfile(opts.profile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	progress("B2: CPU per request, %d rounds of %d requests per endpoint (the person page a tenth) over %d connections", opts.rounds, opts.n, opts.cpuConns)
	for _, f := range measureCPU(w, page, p.url+"/", hello.url, opts) {
		emit(f)
	}

	progress("B3: closed loop, %d connections, %d rounds of %s per endpoint", opts.conns, opts.rounds, opts.t)
	b3, pageRPS := measureThroughput(w, page, hello.url, opts)
	for _, f := range b3 {
		emit(f)
	}
	rate, why := pageRPS/2, "half of B3's closed-loop person-page rate"
	if opts.b4Rate > 0 {
		rate, why = opts.b4Rate, fmt.Sprintf("set by -b4rate, not the figure's half of B3's %.0f/s", pageRPS)
	}
	progress("B4: open loop at %.0f/s (%s) for %s", rate, why, opts.openDur)
	emit(measureOpenLoop(w, page, rate, opts.openDur, why))
	stopProfile()
	if err := p.stop(); err != nil {
		return fmt.Errorf("portal: %w", err)
	}
	return nil
}
