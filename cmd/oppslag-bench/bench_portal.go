package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/cmd/internal/app"
)

// servedPortal is a portal started through app.Serve in this process.
type servedPortal struct {
	url  string
	logs *tailWriter
	stop func() error // idempotent
}

// startServe calls app.Serve in a goroutine with env as its whole environment,
// as `oppslag serve` would run with it, and returns once serve has printed
// the URL it listens on.
func startServe(ctx context.Context, env map[string]string) (*servedPortal, error) {
	ctx, cancel := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	logs := &tailWriter{max: 16 << 10}
	done := make(chan error, 1)
	go func() {
		err := app.Serve(ctx, func(k string) string { return env[k] }, pw, logs)
		pw.Close()
		done <- err
	}()
	var (
		once    sync.Once
		stopErr error
	)
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(15 * time.Second):
				stopErr = errors.New("serve did not stop within 15 s of cancel")
			}
		})
		return stopErr
	}
	got := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(pr)
		for lines.Scan() {
			if u, ok := strings.CutPrefix(lines.Text(), "Oppslag listening on "); ok {
				select {
				case got <- u:
				default:
				}
			}
		}
	}()
	select {
	case u := <-got:
		return &servedPortal{url: u, logs: logs, stop: stop}, nil
	case err := <-done:
		cancel()
		return nil, fmt.Errorf("serve stopped before listening: %v\n%s", err, logs)
	case <-time.After(30 * time.Second):
		stop()
		return nil, fmt.Errorf("serve did not listen within 30 s\n%s", logs)
	}
}

// tailWriter keeps the last max bytes written to it: the portal's log, kept
// for error reports. Writing to it costs about what a log line to a pipe
// costs, so the portal's CPU figures include logging as in production.
type tailWriter struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailWriter) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.buf) > t.max {
		return string(t.buf[len(t.buf)-t.max:])
	}
	return string(t.buf)
}

// helloServer is the baseline: bare net/http answering "hello".
type helloServer struct {
	url  string
	stop func()
}

func startHello(ctx context.Context) (*helloServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("hello server: listen: %w", err)
	}
	hs := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("hello"))
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() { _ = hs.Serve(ln) }()
	return &helloServer{url: "http://" + ln.Addr().String() + "/", stop: func() { _ = hs.Close() }}, nil
}

// writeBenchKey makes the portal's client key, as an operator would download
// it from HelseID Selvbetjening: the private JWK in a file for
// OPPSLAG_HELSEID_KEY_FILE, the public one for the simulator's registration.
func writeBenchKey(dir string) (path string, public json.RawMessage, err error) {
	key, err := helseid.GenerateKey()
	if err != nil {
		return "", nil, fmt.Errorf("bench key: %w", err)
	}
	priv, err := json.Marshal(key)
	if err != nil {
		return "", nil, fmt.Errorf("bench key: %w", err)
	}
	if public, err = json.Marshal(key.Public()); err != nil {
		return "", nil, fmt.Errorf("bench key: %w", err)
	}
	path = filepath.Join(dir, "helseid-key.json")
	if err := os.WriteFile(path, priv, 0o600); err != nil {
		return "", nil, fmt.Errorf("bench key: %w", err)
	}
	return path, public, nil
}

// writeMaskinportenKey writes an RSA JWK for the HPR client's Maskinporten
// grant. The bench portal never calls HPR; the key only has to load.
func writeMaskinportenKey(dir string) (string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", fmt.Errorf("bench maskinporten key: %w", err)
	}
	priv, err := json.Marshal(jose.JSONWebKey{Key: key, KeyID: "bench", Algorithm: string(jose.RS256), Use: "sig"})
	if err != nil {
		return "", fmt.Errorf("bench maskinporten key: %w", err)
	}
	path := filepath.Join(dir, "maskinporten-key.json")
	return path, os.WriteFile(path, priv, 0o600)
}

// hprEnv points the bench portal's HPR client at an HPR it never calls,
// so no HPR or Maskinporten simulator (and no population) runs inside the
// process being measured.
func hprEnv(dir, url string) ([]string, error) {
	key, err := writeMaskinportenKey(dir)
	if err != nil {
		return nil, err
	}
	return []string{"OPPSLAG_HPR_API_URL=" + url, "OPPSLAG_MASKINPORTEN_URL=" + url,
		"OPPSLAG_MASKINPORTEN_CLIENT_ID=bench", "OPPSLAG_MASKINPORTEN_KEY_FILE=" + key}, nil
}

// waitReady polls base/readyz until it answers 200.
func waitReady(ctx context.Context, base string, limit time.Duration) error {
	c := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(limit)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
		if err != nil {
			return err
		}
		resp, err := c.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("/readyz not 200 within %s", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// measureDemoReady is B8's "demo default ready ≤ 2 s after start": from
// calling serve with nothing but an address and a database until /readyz
// answers 200, with the embedded HelseID simulator.
func measureDemoReady(ctx context.Context, dir string) figure {
	const (
		id, name, target = "B8", "demo-ready", "<=2s"
		limit            = 2 * time.Second
	)
	start := time.Now()
	p, err := startServe(ctx, map[string]string{
		"OPPSLAG_ADDR":         "127.0.0.1:0",
		"OPPSLAG_DATABASE_URL": "sqlite:" + filepath.Join(dir, "demo.db"),
	})
	if err != nil {
		return failed(id, name, target, err)
	}
	defer p.stop()
	if err := waitReady(ctx, p.url, 30*time.Second); err != nil {
		return failed(id, name, target, err)
	}
	d := time.Since(start)
	if err := p.stop(); err != nil {
		return failed(id, name, target, err)
	}
	return judge(id, name, fmt.Sprintf("%.2fs", d.Seconds()), target, d <= limit,
		"demo default (embedded HelseID simulator, Person API simulator over the default synthetic population) from calling serve to /readyz 200; "+
			"the population sizes (100k ≤5s, 1M ≤60s) are not measured here")
}

// measureIdleRSS is B9's "serve mode (no simulators) idle RSS ≤ 40 MB": the
// product binary exe started as `oppslag serve` in a process of its own, with HelseID at
// the bench world (a real issuer from its point of view) and every upstream
// URL set, so it starts no simulator; RSS read once /readyz answers 200.
func measureIdleRSS(ctx context.Context, dir string, w *world, exe string) figure {
	const (
		id, name, target = "B9", "idle-rss", "<=40MB"
		limit            = 40 * megabyte
	)
	keyFile, _, err := writeBenchKey(dir)
	if err != nil {
		return failed(id, name, target, err)
	}
	cmd := exec.CommandContext(ctx, exe, "serve")
	cmd.Env = append(childEnv(),
		"OPPSLAG_ADDR=127.0.0.1:0",
		"OPPSLAG_DATABASE_URL=sqlite:"+filepath.Join(dir, "idle.db"),
		"OPPSLAG_HELSEID_ISSUER="+w.issuer,
		"OPPSLAG_HELSEID_CLIENT_ID="+benchClientID,
		"OPPSLAG_HELSEID_KEY_FILE="+keyFile,
		// Upstreams that would otherwise be simulated in-process; the idle
		// portal never calls them.
		"OPPSLAG_PERSON_API_URL="+w.personAPI,
		"OPPSLAG_LABS_API_URL="+w.issuer,
	)
	hprVars, err := hprEnv(dir, w.issuer)
	if err != nil {
		return failed(id, name, target, err)
	}
	cmd.Env = append(cmd.Env, hprVars...)
	logs := &tailWriter{max: 8 << 10}
	cmd.Stderr = logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		return failed(id, name, target, err)
	}
	if err := cmd.Start(); err != nil {
		return failed(id, name, target, err)
	}
	defer stopChild(cmd)
	got := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if u, ok := strings.CutPrefix(lines.Text(), "Oppslag listening on "); ok {
				select {
				case got <- u:
				default:
				}
			}
		}
	}()
	var base string
	select {
	case base = <-got:
	case <-time.After(30 * time.Second):
		return failed(id, name, target, fmt.Errorf("serve process did not listen within 30 s: %s", logs))
	}
	if err := waitReady(ctx, base, 30*time.Second); err != nil {
		return failed(id, name, target, fmt.Errorf("serve process: %w: %s", err, logs))
	}
	rss, err := readRSS(fmt.Sprint(cmd.Process.Pid))
	if err != nil {
		return failed(id, name, target, err)
	}
	return judge(id, name, formatMB(rss), target, rss <= limit,
		fmt.Sprintf("%s serve as its own process, HelseID at the bench world, no simulators; VmRSS once /readyz is 200",
			filepath.Base(exe)))
}

// childEnv is this process's environment without OPPSLAG_ settings, plus the
// marker that lets a test binary play the bench world.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OPPSLAG_") {
			env = append(env, kv)
		}
	}
	return append(env, benchChildEnv+"=1")
}

// stopChild asks a child to stop as a terminal would, then kills it if it
// does not.
func stopChild(cmd *exec.Cmd) {
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		_ = cmd.Process.Kill() // no interrupt on this platform
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}
