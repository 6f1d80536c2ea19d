package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
	"github.com/oppslag/oppslag/clients/labs/labsim"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/cmd/internal/app"
)

// The bench world is a child process holding the HelseID simulator, the
// Person API simulator over the demo's synthetic population, the load
// generator and (for B10) the headless browser, so that none of them is
// counted in the portal process's CPU time or heap. The harness talks to it
// with one JSON request per line on the world's stdin and reads one JSON
// response per line from its stdout. The signed-in user's cookies and the
// identity number the load looks up stay in the world: no cookie, token or
// number crosses the pipe, and none is ever printed. The portal names the
// person with an opaque session handle, /person/{handle}, and only that path
// comes back.

// worldRequest is one instruction to the bench world.
type worldRequest struct {
	// Op is one of register, signin, sessions, person, seq, timed, staged,
	// loop, open, fetch, stats, latency, upstream, browser, users, mix.
	Op      string          `json:"op"`
	URL     string          `json:"url,omitempty"`     // portal base (register, signin, sessions, person, browser) or target
	JWK     json.RawMessage `json:"jwk,omitempty"`     // register: the portal's public client key
	N       int             `json:"n,omitempty"`       // seq, timed: requests; sessions: logins; browser: measured loads
	Conc    int             `json:"conc,omitempty"`    // seq, timed, loop, sessions: concurrent clients
	Dur     time.Duration   `json:"dur,omitempty"`     // loop, open: how long
	Rate    float64         `json:"rate,omitempty"`    // open: requests per second
	Latency time.Duration   `json:"latency,omitempty"` // latency: delay of every Person API answer
	User    bool            `json:"user,omitempty"`    // send the signed-in user's cookies
	HX      bool            `json:"hx,omitempty"`      // send HX-Request: true, as htmx does
	Faults  bool            `json:"faults,omitempty"`  // mix: inject the fault mix into the Person API and prøvesvar simulators
	Seed    uint64          `json:"seed,omitempty"`    // mix: seed of the users' choices and the fault schedule
	Think   time.Duration   `json:"think,omitempty"`   // mix: each user's mean pause between pages (0: none, a closed loop)
	Marker  string          `json:"marker,omitempty"`  // staged: the bytes whose arrival is timed
}

// worldResponse is the world's answer to one request.
type worldResponse struct {
	Err        string            `json:"err,omitempty"`
	Issuer     string            `json:"issuer,omitempty"`     // first line: the HelseID simulator's issuer
	PersonAPI  string            `json:"person_api,omitempty"` // first line: the Person API simulator's base URL
	LabsAPI    string            `json:"labs_api,omitempty"`   // first line: the prøvesvar simulator's base URL
	N          int               `json:"n,omitempty"`          // successful requests or logins
	Errors     int               `json:"errors,omitempty"`
	FirstError string            `json:"first_error,omitempty"`
	Bytes      int64             `json:"bytes,omitempty"`
	Elapsed    time.Duration     `json:"elapsed,omitempty"`
	Status     int               `json:"status,omitempty"`
	Path       string            `json:"path,omitempty"`
	Body       string            `json:"body,omitempty"`
	Stats      *helseidsim.Stats `json:"stats,omitempty"`
	Upstream   *personsim.Stats  `json:"upstream,omitempty"` // upstream: the Person API simulator's counters
	Latencies  *latencySummary   `json:"latencies,omitempty"`
	// FirstMark is, for op "staged", when the marker's bytes arrived: the
	// patient banner on the wire, before the last byte (Latencies).
	FirstMark *latencySummary `json:"first_mark,omitempty"`
	Browser   *browserResult  `json:"browser,omitempty"`
	Skip      string          `json:"skip,omitempty"` // browser: why nothing was measured
	Load      *loadResult     `json:"load,omitempty"` // mix: what the virtual users received
}

// latencySummary is the distribution of one run's response times.
type latencySummary struct {
	P50, P90, P99, Max time.Duration
}

// summarize sorts d and reads its percentiles (nearest rank).
func summarize(d []time.Duration) *latencySummary {
	if len(d) == 0 {
		return nil
	}
	slices.Sort(d)
	at := func(p float64) time.Duration {
		i := int(float64(len(d))*p+0.999999) - 1
		return d[min(max(i, 0), len(d)-1)]
	}
	return &latencySummary{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: d[len(d)-1]}
}

// world is the harness's handle on the bench world process.
type world struct {
	cmd       *exec.Cmd
	stdin     io.WriteCloser
	enc       *json.Encoder
	dec       *json.Decoder
	issuer    string
	personAPI string
	labsAPI   string
	mu        sync.Mutex
}

// startWorld starts this binary as `oppslag-bench -world` and waits for the
// simulator's issuer.
func startWorld(ctx context.Context, stderr io.Writer) (*world, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("bench world: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe, "-world")
	cmd.Env = childEnv()
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("bench world: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("bench world: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench world: %w", err)
	}
	w := &world{cmd: cmd, stdin: stdin, enc: json.NewEncoder(stdin), dec: json.NewDecoder(stdout)}
	var first worldResponse
	if err := w.dec.Decode(&first); err != nil || first.Issuer == "" || first.PersonAPI == "" {
		w.close()
		return nil, fmt.Errorf("bench world: no issuer on start (%v %s)", err, first.Err)
	}
	w.issuer, w.personAPI, w.labsAPI = first.Issuer, first.PersonAPI, first.LabsAPI
	return w, nil
}

// call sends one request and waits for its response.
func (w *world) call(req worldRequest) (worldResponse, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var resp worldResponse
	if err := w.enc.Encode(req); err != nil {
		return resp, fmt.Errorf("bench world: %s: %w", req.Op, err)
	}
	if err := w.dec.Decode(&resp); err != nil {
		return resp, fmt.Errorf("bench world: %s: %w", req.Op, err)
	}
	if resp.Err != "" {
		return resp, fmt.Errorf("bench world: %s: %s", req.Op, resp.Err)
	}
	return resp, nil
}

// close ends the world: end of stdin is its signal to stop.
func (w *world) close() {
	_ = w.stdin.Close()
	done := make(chan struct{})
	go func() { _ = w.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = w.cmd.Process.Kill()
		<-done
	}
}

// worldState is what the world process holds between requests.
type worldState struct {
	sim       *helseidsim.Server
	persons   *personsim.Server
	subject   string // the identity number the person page shows; never printed
	labs      *labsim.Server
	subjects  []string // B12, B13: the persons the virtual users look up; never printed
	users     []*loadUser
	transport *http.Transport
	user      *http.Client // the signed-in doctor of signin
	anon      *http.Client // no cookies: the hello server, static assets
}

// benchSubject picks the person the load looks up, as the browser walk does:
// a living parent with a KRR entry and more than one relative, so every
// panel has content and the page makes all three of its upstream calls.
func benchSubject(pop *synthetic.Population) (string, error) {
	for _, p := range pop.Where("parent", 200) {
		if p.CommonContactRegisterInformation != nil && p.Death == nil && len(p.FamilyRelation) > 1 {
			return p.CurrentNIN(), nil
		}
	}
	if ps := pop.Where("family", 1); len(ps) > 0 {
		return ps[0].CurrentNIN(), nil
	}
	return "", errors.New("no person with a family in the synthetic population")
}

// startPersonAPI serves the Person API simulator over the demo's synthetic
// population (the seed and size serve uses when nothing is set), with tokens
// checked against the world's HelseID simulator.
func startPersonAPI(hsim *helseidsim.Server, stderr io.Writer) (*personsim.Server, string, string, func(), error) {
	cfg, err := app.LoadConfig(func(string) string { return "" })
	if err != nil {
		return nil, "", "", nil, err
	}
	pop, err := synthetic.Generate(synthetic.Options{Seed: cfg.DemoSeed, Persons: cfg.DemoPersons})
	if err != nil {
		return nil, "", "", nil, fmt.Errorf("synthetic population: %w", err)
	}
	subject, err := benchSubject(pop)
	if err != nil {
		return nil, "", "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", "", nil, fmt.Errorf("person API simulator: listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	sim := personsim.New(base, pop, hsim)
	hs := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(stderr, "bench world: person API: ", 0)}
	go func() { _ = hs.Serve(ln) }()
	return sim, base, subject, func() { _ = hs.Close() }, nil
}

// runWorld is the bench world: it serves the HelseID and Person API
// simulators on loopback, prints their URLs, then answers requests from in
// until it ends.
func runWorld(ctx context.Context, in io.Reader, out io.Writer, stderr io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("bench world: listen: %w", err)
	}
	issuer := "http://" + ln.Addr().String()
	sim, err := helseidsim.New(issuer, helseidsim.Options{})
	if err != nil {
		ln.Close()
		return fmt.Errorf("bench world: %w", err)
	}
	hs := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(stderr, "bench world: ", 0)}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	persons, personAPI, subject, stopPersons, err := startPersonAPI(sim, stderr)
	if err != nil {
		return fmt.Errorf("bench world: %w", err)
	}
	defer stopPersons()
	labs, labsAPI, subjects, stopLabs, err := startLabsAPI(sim, stderr)
	if err != nil {
		return fmt.Errorf("bench world: %w", err)
	}
	defer stopLabs()

	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
	}
	defer tr.CloseIdleConnections()
	ws := &worldState{sim: sim, persons: persons, subject: subject, labs: labs, subjects: subjects, transport: tr,
		user: newWorldClient(tr), anon: &http.Client{Transport: tr, Timeout: 30 * time.Second}}

	enc := json.NewEncoder(out)
	if err := enc.Encode(worldResponse{Issuer: issuer, PersonAPI: personAPI, LabsAPI: labsAPI}); err != nil {
		return fmt.Errorf("bench world: %w", err)
	}
	dec := json.NewDecoder(in)
	for {
		var req worldRequest
		if err := dec.Decode(&req); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("bench world: read request: %w", err)
		}
		resp, err := ws.do(ctx, req)
		if err != nil {
			resp.Err = oneLine(err.Error())
		}
		if err := enc.Encode(resp); err != nil {
			return fmt.Errorf("bench world: write response: %w", err)
		}
	}
}

// newWorldClient is a browser-like client: a cookie jar, redirects followed.
func newWorldClient(tr http.RoundTripper) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Transport: tr, Jar: jar, Timeout: 30 * time.Second}
}

func (ws *worldState) do(ctx context.Context, req worldRequest) (worldResponse, error) {
	c := ws.anon
	if req.User {
		c = ws.user
	}
	switch req.Op {
	case "register":
		var key jose.JSONWebKey
		if err := json.Unmarshal(req.JWK, &key); err != nil {
			return worldResponse{}, errors.New("register: not a JSON Web Key")
		}
		ws.sim.RegisterClient(helseidsim.Client{
			ID:                     benchClientID,
			Keys:                   []jose.JSONWebKey{key},
			RedirectURIs:           []string{req.URL + "/auth/callback"},
			PostLogoutRedirectURIs: []string{req.URL + "/signed-out"},
			Scopes:                 app.HelseIDScopes(),
		})
		return worldResponse{}, nil
	case "signin":
		return worldResponse{}, worldLogin(ctx, ws.user, req.URL)
	case "sessions":
		return ws.sessions(ctx, req.URL, req.N, max(req.Conc, 1)), nil
	case "person":
		return ws.openPerson(ctx, req.URL)
	case "seq":
		return count(ctx, c, req.URL, req.HX, req.N, max(req.Conc, 1), false), nil
	case "timed":
		return count(ctx, c, req.URL, req.HX, req.N, max(req.Conc, 1), true), nil
	case "staged":
		return staged(ctx, c, req.URL, req.Marker, req.N), nil
	case "loop":
		return loop(ctx, c, req.URL, req.HX, max(req.Conc, 1), req.Dur), nil
	case "open":
		if req.Rate <= 0 || req.Dur <= 0 {
			return worldResponse{}, errors.New("open: rate and duration must be positive")
		}
		return openLoop(ctx, c, req.URL, req.HX, req.Rate, req.Dur), nil
	case "latency":
		ws.persons.SetFault(personsim.Fault{Latency: req.Latency})
		return worldResponse{}, nil
	case "upstream":
		st := ws.persons.Stats()
		return worldResponse{Upstream: &st}, nil
	case "browser":
		return ws.browser(ctx, req.URL, req.N)
	case "users":
		return ws.signInUsers(ctx, req.URL, req.N, max(req.Conc, 1))
	case "mix":
		if req.Dur <= 0 || len(ws.users) == 0 {
			return worldResponse{}, errors.New("mix: needs a duration and signed-in users (op users)")
		}
		r := ws.mix(ctx, req.Dur, req.Think, req.Faults, req.Seed)
		return worldResponse{Load: r}, nil
	case "fetch":
		hr, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
		if err != nil {
			return worldResponse{}, err
		}
		resp, err := c.Do(hr)
		if err != nil {
			return worldResponse{}, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return worldResponse{}, err
		}
		return worldResponse{Status: resp.StatusCode, Path: resp.Request.URL.Path, Body: string(b)}, nil
	case "stats":
		st := ws.sim.Stats()
		return worldResponse{Stats: &st}, nil
	default:
		return worldResponse{}, fmt.Errorf("unknown op %q", req.Op)
	}
}

// worldLogin signs a doctor in through the real flow: the portal's /login, the
// simulator's PAR and authorize (login_hint picks the persona), the
// callback, and back to the start page.
func worldLogin(ctx context.Context, c *http.Client, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/login?login_hint=doctor", nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" {
		return fmt.Errorf("login ended at %s with %d", resp.Request.URL.Path, resp.StatusCode)
	}
	return nil
}

// sessions creates n live sessions, each a fresh browser that logs in and
// is then forgotten (its session stays live in the portal until it expires).
func (ws *worldState) sessions(ctx context.Context, base string, n, conc int) worldResponse {
	var (
		next  atomic.Int64
		mu    sync.Mutex
		r     worldResponse
		wg    sync.WaitGroup
		start = time.Now()
	)
	for range conc {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				err := worldLogin(ctx, newWorldClient(ws.transport), base)
				mu.Lock()
				if err != nil {
					r.fail(err)
				} else {
					r.N++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	r.Elapsed = time.Since(start)
	return r
}

// reqResult is one request's outcome.
type reqResult struct {
	status int
	bytes  int64
	err    error
}

func worldGet(ctx context.Context, c *http.Client, url string, hx bool) reqResult {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return reqResult{err: err}
	}
	if hx {
		req.Header.Set("HX-Request", "true")
	}
	resp, err := c.Do(req)
	if err != nil {
		return reqResult{err: err}
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return reqResult{status: resp.StatusCode, bytes: n, err: err}
}

// add counts one request: only a complete 200 is a success.
func (r *worldResponse) add(res reqResult) {
	switch {
	case res.err != nil:
		r.fail(res.err)
	case res.status != http.StatusOK:
		r.fail(fmt.Errorf("status %d", res.status))
	default:
		r.N++
		r.Bytes += res.bytes
	}
}

func (r *worldResponse) fail(err error) {
	if r.Errors == 0 {
		r.FirstError = oneLine(err.Error())
	}
	r.Errors++
}

// count sends n requests from conc clients, each sending its next request as
// soon as the previous answer is read. With timed it also answers the
// distribution of the successful requests' response times.
func count(ctx context.Context, c *http.Client, url string, hx bool, n, conc int, timed bool) worldResponse {
	var (
		next  atomic.Int64
		mu    sync.Mutex
		r     worldResponse
		wg    sync.WaitGroup
		times []time.Duration
		start = time.Now()
	)
	for range conc {
		wg.Go(func() {
			var mine worldResponse
			var own []time.Duration
			for next.Add(1) <= int64(n) {
				t0 := time.Now()
				res := worldGet(ctx, c, url, hx)
				if timed && res.err == nil && res.status == http.StatusOK {
					own = append(own, time.Since(t0))
				}
				mine.add(res)
			}
			mu.Lock()
			r.merge(mine)
			times = append(times, own...)
			mu.Unlock()
		})
	}
	wg.Wait()
	r.Elapsed = time.Since(start)
	if timed {
		r.Latencies = summarize(times)
	}
	return r
}

// staged sends n GETs of url one at a time and times, for each, the
// arrival of marker's bytes and of the last byte: what a streamed page
// puts on the wire first, and when it is done. A page that holds back
// every byte until it is whole has the two nearly equal.
func staged(ctx context.Context, c *http.Client, url, marker string, n int) worldResponse {
	var (
		r           worldResponse
		firsts, all []time.Duration
		start       = time.Now()
	)
	buf := make([]byte, 32<<10)
	for range n {
		t0 := time.Now()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			r.fail(err)
			continue
		}
		resp, err := c.Do(req)
		if err != nil {
			r.fail(err)
			continue
		}
		var seen []byte
		var mark time.Duration
		var size int64
		for {
			k, rerr := resp.Body.Read(buf)
			size += int64(k)
			if mark == 0 && k > 0 {
				// Keep only what a marker split between reads needs.
				seen = append(seen, buf[:k]...)
				if strings.Contains(string(seen), marker) {
					mark = time.Since(t0)
				} else if len(seen) > len(marker) {
					seen = seen[len(seen)-len(marker):]
				}
			}
			if rerr != nil {
				err = rerr
				break
			}
		}
		resp.Body.Close()
		took := time.Since(t0)
		switch {
		case err != io.EOF:
			r.fail(err)
		case resp.StatusCode != http.StatusOK:
			r.fail(fmt.Errorf("status %d", resp.StatusCode))
		case mark == 0:
			r.fail(fmt.Errorf("no %q in the page", marker))
		default:
			r.N++
			r.Bytes += size
			firsts, all = append(firsts, mark), append(all, took)
		}
	}
	r.Elapsed = time.Since(start)
	r.Latencies, r.FirstMark = summarize(all), summarize(firsts)
	return r
}

// openLoop is an open-loop load: requests start at a fixed rate whether or
// not earlier ones have been answered, and each response time counts from the
// moment its request was due, so a stalled server cannot hide its backlog by
// slowing the generator down (coordinated omission).
func openLoop(ctx context.Context, c *http.Client, url string, hx bool, rate float64, d time.Duration) worldResponse {
	n := max(int(rate*d.Seconds()), 1)
	interval := time.Duration(float64(time.Second) / rate)
	var (
		mu    sync.Mutex
		r     worldResponse
		wg    sync.WaitGroup
		times = make([]time.Duration, 0, n)
		start = time.Now()
	)
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		wg.Go(func() {
			res := worldGet(ctx, c, url, hx)
			took := time.Since(due)
			mu.Lock()
			r.add(res)
			if res.err == nil && res.status == http.StatusOK {
				times = append(times, took)
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	r.Elapsed = time.Since(start)
	r.Latencies = summarize(times)
	return r
}

// csrfFieldRE finds the session's CSRF token in a signed-in page's forms.
var csrfFieldRE = regexp.MustCompile(`name="csrf_token"\s+value="([^"]+)"`)

// openPerson looks the subject up as a clinician does: the search form on
// the signed-in start page, POST /search with the number, and the 303 to
// /person/{handle}. Only that path is answered; the number stays here.
func (ws *worldState) openPerson(ctx context.Context, base string) (worldResponse, error) {
	path, err := openPersonAs(ctx, ws.user, base, ws.subject)
	if err != nil {
		return worldResponse{}, err
	}
	return worldResponse{Status: http.StatusOK, Path: path}, nil
}

// openPersonAs looks subject up as the signed-in client c and answers the
// path of its person page.
func openPersonAs(ctx context.Context, c *http.Client, base, subject string) (string, error) {
	start, err := getPage(ctx, c, base+"/")
	if err != nil {
		return "", fmt.Errorf("person: start page: %w", err)
	}
	m := csrfFieldRE.FindStringSubmatch(start)
	if m == nil {
		return "", errors.New("person: no CSRF token on the start page (not signed in?)")
	}
	form := url.Values{"q": {subject}, "csrf_token": {m[1]}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/search", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("person: search: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	path := resp.Request.URL.Path
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(path, "/person/") {
		return "", fmt.Errorf("person: search ended at %s with %d", path, resp.StatusCode)
	}
	return path, nil
}

// getPage fetches a page as client c and answers its body; anything but a
// 200 is an error.
func getPage(ctx context.Context, c *http.Client, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d at %s", resp.StatusCode, resp.Request.URL.Path)
	}
	return string(b), nil
}

// merge adds the counts of o to r.
func (r *worldResponse) merge(o worldResponse) {
	r.N += o.N
	r.Bytes += o.Bytes
	if o.Errors > 0 && r.Errors == 0 {
		r.FirstError = o.FirstError
	}
	r.Errors += o.Errors
}

// loop is a closed-loop load: conc clients, each sending its next request as
// soon as the previous answer is read, for d.
func loop(ctx context.Context, c *http.Client, url string, hx bool, conc int, d time.Duration) worldResponse {
	var (
		mu    sync.Mutex
		r     worldResponse
		wg    sync.WaitGroup
		start = time.Now()
		end   = start.Add(d)
	)
	for range conc {
		wg.Go(func() {
			var mine worldResponse
			for time.Now().Before(end) {
				mine.add(worldGet(ctx, c, url, hx))
			}
			mu.Lock()
			r.merge(mine)
			mu.Unlock()
		})
	}
	wg.Wait()
	r.Elapsed = time.Since(start)
	return r
}
