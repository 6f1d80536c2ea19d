package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
)

// Figures B12 (S38, load with faults) and B13 (S39, kill -9 under load).
//
// Both drive the portal with the bench world's virtual clinicians
// (bench_load.go): each signs in through the real login, looks a person up,
// binds a lab basis, then browses that person's overview, panel fragments,
// timeline and lab results (B12 with 0–500 ms of think time, B13 in a
// closed loop, so requests are in flight when the kill comes). Every 200 on a
// /person/{handle} route is a response with patient data; its
// X-Correlation-Id must be on an audit record in the store afterwards.
//
//   - B12: the portal runs in this process (as for B1–B6) on SQLite in a
//     temporary directory, with the default 3 s upstream deadline, while the world
//     switches the Person API and prøvesvar simulators from fault to fault
//     (faultMix: 5xx, hangs past the deadline, malformed bodies, slow and
//     odd-but-valid answers). A 502 or 504 is explained when the route's
//     upstream had a breaking fault while the request was open; any other
//     5xx, and any request that got no response at all, is a server error
//     no fault explains.
//   - B13: the real binary (this executable, `oppslag serve`) runs as a
//     child on SQLite in a temporary directory. Each round the users load
//     it, it gets SIGKILL a third to two thirds of the way into the round,
//     and it is started again at once on the same files and the same port
//     (the users' sessions live in that SQLite file, so they carry on).
//     After the round `oppslag audit verify` runs against the files, and
//     every patient-data response the users received, before or after the
//     kill, must have its audit record.

// b12UpstreamTimeout is the B12 portal's upstream deadline: the default
// OPPSLAG_UPSTREAM_TIMEOUT, so the figure measures the portal as it ships
// (a shorter deadline turns plain overload into 504s no fault explains).
// The mix's hangs (hangLatency) run past it.
const b12UpstreamTimeout = 3 * time.Second

// b12Think is B12's mean think time between a user's pages: 200 users at
// 250 ms ask for up to 800 pages a second, more than the 2-core machines
// serve, so the portal is loaded and the users still behave like users.
const b12Think = 250 * time.Millisecond

// benchPortalEnv is the configuration of a portal whose upstreams are the
// bench world's simulators, with its files in sub; it answers the public key
// to register at the world's HelseID simulator.
func benchPortalEnv(sub string, w *world) (map[string]string, json.RawMessage, error) {
	if err := os.MkdirAll(sub, 0o700); err != nil {
		return nil, nil, err
	}
	keyFile, publicJWK, err := writeBenchKey(sub)
	if err != nil {
		return nil, nil, err
	}
	hprVars, err := hprEnv(sub, w.issuer)
	if err != nil {
		return nil, nil, err
	}
	env := map[string]string{
		"OPPSLAG_ADDR":              "127.0.0.1:0",
		"OPPSLAG_DATABASE_URL":      "sqlite:" + filepath.Join(sub, "oppslag.db"),
		"OPPSLAG_HELSEID_ISSUER":    w.issuer,
		"OPPSLAG_HELSEID_CLIENT_ID": benchClientID,
		"OPPSLAG_HELSEID_KEY_FILE":  keyFile,
		"OPPSLAG_PERSON_API_URL":    w.personAPI,
		"OPPSLAG_LABS_API_URL":      w.labsAPI,
	}
	for _, v := range hprVars {
		k, val, _ := strings.Cut(v, "=")
		env[k] = val
	}
	return env, publicJWK, nil
}

// auditCheck is what the audit store holds for one load's responses.
type auditCheck struct {
	missing       int    // patient-data responses without an audit record
	firstMissing  string // the first such correlation id
	errorsAudited int    // error answers on patient routes that have a record too (S31: upstream_error)
	records       int    // records written while the load ran
}

// checkAudit reads every record written between from and to (a minute of
// margin each side), in windows so a long run is never held in memory at
// once, and looks for each correlation id.
func checkAudit(ctx context.Context, dbURL string, patient, errs []string, from, to time.Time) (auditCheck, error) {
	store, err := audit.Open(ctx, dbURL)
	if err != nil {
		return auditCheck{}, fmt.Errorf("audit store: %w", err)
	}
	defer store.Close()
	var c auditCheck
	seen := map[string]bool{}
	const window = 5 * time.Second
	for t := from.Add(-time.Minute); t.Before(to.Add(time.Minute)); t = t.Add(window) {
		recs, err := store.Query(ctx, audit.Filter{From: t, To: t.Add(window)})
		if err != nil {
			return auditCheck{}, fmt.Errorf("audit store: %w", err)
		}
		for _, r := range recs {
			c.records++
			if r.CorrelationID != "" && r.Patient != "" {
				seen[r.CorrelationID] = true
			}
		}
	}
	for _, id := range patient {
		if !seen[id] {
			if c.missing == 0 {
				c.firstMissing = id
			}
			c.missing++
		}
	}
	for _, id := range errs {
		if seen[id] {
			c.errorsAudited++
		}
	}
	return c, nil
}

// statusSummary lists a load's answers by route and status, most first.
func statusSummary(by map[string]int) string {
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if by[a] != by[b] {
			return by[b] - by[a]
		}
		return strings.Compare(a, b)
	})
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s:%d", strings.ReplaceAll(k, " ", "="), by[k]))
	}
	return strings.Join(parts, " ")
}

// measureLoadWithFaults is B12.
func measureLoadWithFaults(ctx context.Context, dir string, w *world, opts benchOptions) []figure {
	const (
		id                 = "B12"
		errName, audName   = "faults-server-errors", "faults-unaudited"
		errTarget, audTarg = "=0", "=0"
	)
	fail := func(err error) []figure {
		return []figure{failed(id, errName, errTarget, err), failed(id, audName, audTarg, err)}
	}
	env, publicJWK, err := benchPortalEnv(filepath.Join(dir, "b12"), w)
	if err != nil {
		return fail(err)
	}
	env["OPPSLAG_UPSTREAM_TIMEOUT"] = b12UpstreamTimeout.String()
	p, err := startServe(ctx, env)
	if err != nil {
		return fail(fmt.Errorf("portal: %w", err))
	}
	defer p.stop()
	if _, err := w.call(worldRequest{Op: "register", URL: p.url, JWK: publicJWK}); err != nil {
		return fail(err)
	}
	signedIn := time.Now()
	if _, err := w.call(worldRequest{Op: "users", URL: p.url, N: opts.b12Users, Conc: 4}); err != nil {
		return fail(fmt.Errorf("%w\nportal log:\n%s", err, p.logs))
	}
	signIn := time.Since(signedIn)
	from := time.Now()
	resp, err := w.call(worldRequest{Op: "mix", Dur: opts.b12Dur, Think: b12Think, Faults: true, Seed: 12})
	if err != nil {
		return fail(err)
	}
	to := time.Now()
	if err := p.stop(); err != nil {
		return fail(fmt.Errorf("portal: %w", err))
	}
	r := resp.Load
	if r == nil {
		return fail(fmt.Errorf("bench world: mix: no result"))
	}
	check, err := checkAudit(ctx, env["OPPSLAG_DATABASE_URL"], r.PatientCIDs, r.ErrorCIDs, from, to)
	if err != nil {
		return fail(err)
	}
	phases := 0
	for _, n := range r.Phases {
		phases += n
	}
	errorAnswers := r.Requests - r.Transport - len(r.PatientCIDs)
	serverErrors := r.Unexplained + r.Transport
	errNote := fmt.Sprintf("%d users signed in (%.1fs), then %d requests over %s (%.0f/s) with %d fault phases on the Person API and prøvesvar "+
		"simulators (mix: %s; hang %s against a %s upstream deadline): %d 5xx explained by a fault, %d unexplained, %d without a response; %s",
		opts.b12Users, signIn.Seconds(), r.Requests, r.Elapsed.Round(time.Millisecond), float64(r.Requests)/r.Elapsed.Seconds(),
		phases, faultMixText(), hangLatency, b12UpstreamTimeout, r.Explained, r.Unexplained, r.Transport, statusSummary(r.ByStatus))
	if len(r.Examples) > 0 {
		errNote += "; first: " + strings.Join(r.Examples, "; ")
	}
	audNote := fmt.Sprintf("%d patient-data responses (200 on /person/{handle} routes; %d bodies cut) looked up by X-Correlation-Id among %d audit records: %d without one; "+
		"%d of %d error answers on those routes have a record too",
		len(r.PatientCIDs), r.PatientCut, check.records, check.missing, check.errorsAudited, len(r.ErrorCIDs))
	if check.missing > 0 {
		audNote += "; first missing: " + check.firstMissing
	}
	// A run that measured nothing proves nothing.
	enough := len(r.PatientCIDs) > 0 && r.Explained+errorAnswers > 0
	if !enough {
		audNote += "; no patient-data responses or no fault reached the users: nothing was proved"
	}
	return []figure{
		judge(id, errName, fmt.Sprint(serverErrors), errTarget, serverErrors == 0 && enough, errNote),
		judge(id, audName, fmt.Sprint(check.missing), audTarg, check.missing == 0 && enough, audNote),
	}
}

// childPortal is the real binary serving as a child process.
type childPortal struct {
	cmd  *exec.Cmd
	out  *tailWriter
	logs *tailWriter
}

// startChildPortal starts exe serve with env and waits for /readyz.
func startChildPortal(ctx context.Context, exe string, env []string, base string) (*childPortal, error) {
	cmd := exec.CommandContext(ctx, exe, "serve")
	cmd.Env = env
	p := &childPortal{cmd: cmd, out: &tailWriter{max: 4 << 10}, logs: &tailWriter{max: 16 << 10}}
	cmd.Stdout, cmd.Stderr = p.out, p.logs
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- waitListening(ctx, p.out, 30*time.Second) }()
	if err := <-exited; err != nil {
		p.kill()
		return nil, fmt.Errorf("serve process: %w: %s", err, p.logs)
	}
	if err := waitReady(ctx, base, 30*time.Second); err != nil {
		p.kill()
		return nil, fmt.Errorf("serve process: %w: %s", err, p.logs)
	}
	return p, nil
}

// waitListening polls the child's stdout for serve's "listening" line.
func waitListening(ctx context.Context, out *tailWriter, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for !strings.Contains(out.String(), "Oppslag listening on ") {
		if time.Now().After(deadline) {
			return fmt.Errorf("did not listen within %s", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

// kill sends SIGKILL, as kill -9 does, and reaps the process.
func (p *childPortal) kill() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// measureCrash is B13.
func measureCrash(ctx context.Context, dir string, w *world, opts benchOptions, progress func(string, ...any)) []figure {
	const (
		id                     = "B13"
		lossName, verifyName   = "crash-unaudited", "crash-verify"
		lossTarget, verifyTarg = "=0", "intact"
	)
	fail := func(err error) []figure {
		return []figure{failed(id, lossName, lossTarget, err), failed(id, verifyName, verifyTarg, err)}
	}
	exe := opts.oppslag
	sub := filepath.Join(dir, "b13")
	envMap, publicJWK, err := benchPortalEnv(sub, w)
	if err != nil {
		return fail(err)
	}
	// One port for every restart: the users' cookies and the redirect URIs
	// registered at HelseID name it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	envMap["OPPSLAG_ADDR"] = addr
	base := "http://" + addr
	env := childEnv()
	for k, v := range envMap {
		env = append(env, k+"="+v)
	}
	dbURL := envMap["OPPSLAG_DATABASE_URL"]

	if _, err := w.call(worldRequest{Op: "register", URL: base, JWK: publicJWK}); err != nil {
		return fail(err)
	}
	p, err := startChildPortal(ctx, exe, env, base)
	if err != nil {
		return fail(err)
	}
	defer func() {
		if p != nil {
			stopChild(p.cmd)
		}
	}()
	if _, err := w.call(worldRequest{Op: "users", URL: base, N: opts.b13Users, Conc: 4}); err != nil {
		return fail(fmt.Errorf("%w\nportal log:\n%s", err, p.logs))
	}

	var (
		rng                                     = rand.New(rand.NewPCG(13, 39))
		received, cut, missing, transport, reqs int
		firstMissing                            string
		rounds                                  []string
		verified                                []string
		verifyOK                                = true
	)
	for round := 1; round <= opts.b13Rounds; round++ {
		from := time.Now()
		type loadDone struct {
			r   worldResponse
			err error
		}
		done := make(chan loadDone, 1)
		go func() {
			r, err := w.call(worldRequest{Op: "mix", Dur: opts.b13Dur, Seed: uint64(round)}) // closed loop: requests are in flight at the kill
			done <- loadDone{r, err}
		}()
		killAt := opts.b13Dur/3 + time.Duration(rng.Int64N(int64(opts.b13Dur/3)+1))
		select {
		case <-ctx.Done():
			<-done
			return fail(ctx.Err())
		case <-time.After(killAt):
		}
		p.kill()
		p = nil
		killed := time.Now()
		np, err := startChildPortal(ctx, exe, env, base)
		if err != nil {
			<-done
			return fail(fmt.Errorf("round %d: restart after kill -9: %w", round, err))
		}
		p = np
		restart := time.Since(killed)
		ld := <-done
		if ld.err != nil {
			return fail(fmt.Errorf("round %d: %w", round, ld.err))
		}
		r := ld.r.Load
		if r == nil {
			return fail(fmt.Errorf("round %d: bench world: mix: no result", round))
		}
		progress("B13: round %d: killed at %s, ready again %s later; %d requests", round, killAt.Round(time.Millisecond), restart.Round(time.Millisecond), r.Requests)

		vcmd := exec.CommandContext(ctx, exe, "audit", "verify")
		vcmd.Env = env
		out, verr := vcmd.CombinedOutput()
		line := oneLine(string(out))
		if verr != nil {
			verifyOK = false
			line = fmt.Sprintf("%s (%v)", line, verr)
		}
		verified = append(verified, fmt.Sprintf("round %d: %s", round, line))

		check, err := checkAudit(ctx, dbURL, r.PatientCIDs, nil, from, time.Now())
		if err != nil {
			return fail(fmt.Errorf("round %d: %w", round, err))
		}
		if check.missing > 0 && firstMissing == "" {
			firstMissing = check.firstMissing
		}
		received += len(r.PatientCIDs)
		cut += r.PatientCut
		missing += check.missing
		transport += r.Transport
		reqs += r.Requests
		rounds = append(rounds, fmt.Sprintf("round %d: kill at %s, ready %s later, %d requests, %d patient-data responses, %d refused or cut off",
			round, killAt.Round(time.Millisecond), restart.Round(time.Millisecond), r.Requests, len(r.PatientCIDs), r.Transport))
	}
	lossNote := fmt.Sprintf("%s serve on SQLite, %d users, %d rounds of %s load with SIGKILL inside it and a restart on the same files and port: "+
		"%d patient-data responses received (%d of them cut off by the kill), each looked up by X-Correlation-Id in the audit store: %d without a record; %s",
		filepath.Base(exe), opts.b13Users, opts.b13Rounds, opts.b13Dur, received, cut, missing, strings.Join(rounds, "; "))
	if firstMissing != "" {
		lossNote += "; first missing: " + firstMissing
	}
	enough := received > 0 && transport > 0
	if !enough {
		lossNote += "; no patient data received or no request hit the kill: nothing was proved"
	}
	verifyValue := "intact"
	if !verifyOK {
		verifyValue = "broken"
	}
	return []figure{
		judge(id, lossName, fmt.Sprint(missing), lossTarget, missing == 0 && enough, lossNote),
		judge(id, verifyName, verifyValue, verifyTarg, verifyOK && len(verified) == opts.b13Rounds,
			"oppslag audit verify after each restart: "+strings.Join(verified, "; ")),
	}
}
