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
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
)

// The bench world is a child process holding the HelseID simulator and the
// load generator, so that neither is counted in the portal process's CPU time
// or heap. The harness talks to it with one JSON request per line on the
// world's stdin and reads one JSON response per line from its stdout. The
// signed-in user's cookies stay in the world: no cookie or token crosses the
// pipe, and none is ever printed.

// worldRequest is one instruction to the bench world.
type worldRequest struct {
	Op   string          `json:"op"`             // register, signin, sessions, seq, loop, fetch, stats
	URL  string          `json:"url,omitempty"`  // portal base (register, signin, sessions) or target
	JWK  json.RawMessage `json:"jwk,omitempty"`  // register: the portal's public client key
	N    int             `json:"n,omitempty"`    // seq: requests; sessions: logins
	Conc int             `json:"conc,omitempty"` // loop, sessions: concurrent clients
	Dur  time.Duration   `json:"dur,omitempty"`  // loop: how long
	User bool            `json:"user,omitempty"` // send the signed-in user's cookies
	HX   bool            `json:"hx,omitempty"`   // send HX-Request: true, as htmx does
}

// worldResponse is the world's answer to one request.
type worldResponse struct {
	Err        string            `json:"err,omitempty"`
	Issuer     string            `json:"issuer,omitempty"` // first line: the simulator's issuer
	N          int               `json:"n,omitempty"`      // successful requests or logins
	Errors     int               `json:"errors,omitempty"`
	FirstError string            `json:"first_error,omitempty"`
	Bytes      int64             `json:"bytes,omitempty"`
	Elapsed    time.Duration     `json:"elapsed,omitempty"`
	Status     int               `json:"status,omitempty"`
	Path       string            `json:"path,omitempty"`
	Body       string            `json:"body,omitempty"`
	Stats      *helseidsim.Stats `json:"stats,omitempty"`
}

// world is the harness's handle on the bench world process.
type world struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	enc    *json.Encoder
	dec    *json.Decoder
	issuer string
	mu     sync.Mutex
}

// startWorld starts this binary as `oppslag bench -world` and waits for the
// simulator's issuer.
func startWorld(ctx context.Context, stderr io.Writer) (*world, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("bench world: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe, "bench", "-world")
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
	if err := w.dec.Decode(&first); err != nil || first.Issuer == "" {
		w.close()
		return nil, fmt.Errorf("bench world: no issuer on start (%v %s)", err, first.Err)
	}
	w.issuer = first.Issuer
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
	transport *http.Transport
	user      *http.Client // the signed-in doctor of signin
	anon      *http.Client // no cookies: the hello server, static assets
}

// runWorld is the bench world: it serves the HelseID simulator on loopback,
// prints its issuer, then answers requests from in until it ends.
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

	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
	}
	defer tr.CloseIdleConnections()
	ws := &worldState{sim: sim, transport: tr, user: newWorldClient(tr), anon: &http.Client{Transport: tr, Timeout: 30 * time.Second}}

	enc := json.NewEncoder(out)
	if err := enc.Encode(worldResponse{Issuer: issuer}); err != nil {
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
			Scopes:                 helseIDScopes,
		})
		return worldResponse{}, nil
	case "signin":
		return worldResponse{}, worldLogin(ctx, ws.user, req.URL)
	case "sessions":
		return ws.sessions(ctx, req.URL, req.N, max(req.Conc, 1)), nil
	case "seq":
		return count(ctx, c, req.URL, req.HX, req.N, max(req.Conc, 1)), nil
	case "loop":
		return loop(ctx, c, req.URL, req.HX, max(req.Conc, 1), req.Dur), nil
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
// soon as the previous answer is read.
func count(ctx context.Context, c *http.Client, url string, hx bool, n, conc int) worldResponse {
	var (
		next  atomic.Int64
		mu    sync.Mutex
		r     worldResponse
		wg    sync.WaitGroup
		start = time.Now()
	)
	for range conc {
		wg.Go(func() {
			var mine worldResponse
			for next.Add(1) <= int64(n) {
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
