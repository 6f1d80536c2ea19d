package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
)

// portal is a running `oppslag` started through run, as main starts it.
type portal struct {
	url    string
	stderr *lockedBuffer
	env    map[string]string
}

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

// startPortal runs the embedded default on a free loopback port with its
// database in a temporary directory, and stops it when the test ends.
func startPortal(t *testing.T, extra ...string) *portal {
	t.Helper()
	env := map[string]string{
		"OPPSLAG_ADDR":         "127.0.0.1:0",
		"OPPSLAG_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "oppslag.db"),
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	p := &portal{stderr: &lockedBuffer{}, env: env}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, func(k string) string { return env[k] }, pw, p.stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("run did not stop within 15 s of cancel")
		}
	})
	lines := bufio.NewScanner(pr)
	got := make(chan string, 1)
	go func() {
		for lines.Scan() {
			if u, ok := strings.CutPrefix(lines.Text(), "Oppslag listening on "); ok {
				got <- u
			}
		}
	}()
	select {
	case p.url = <-got:
	case err := <-done:
		t.Fatalf("run stopped before listening: %v\n%s", err, p.stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("portal did not start within 30 s\n%s", p.stderr)
	}
	return p
}

func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestLoginFlowThroughRun(t *testing.T) {
	p := startPortal(t)
	c := newClient()
	doctor := helseidsim.Personas()[0]

	resp, body := get(t, c, p.url+"/login?login_hint=doctor")
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" {
		t.Fatalf("login ended at %s with %d", resp.Request.URL.Path, resp.StatusCode)
	}
	for _, want := range []string{doctor.FamilyName, doctor.HPRNumber, `action="/logout"`, `name="q"`, `action="/search"`} {
		if !strings.Contains(body, want) {
			t.Errorf("start page lacks %q", want)
		}
	}
	if !strings.Contains(body, "DEMO") {
		t.Error("no demo band on the start page")
	}

	// Log out at both ends: HelseID's end_session returns the browser to /signed-out.
	tok := between(body, `name="csrf_token" value="`, `"`)
	if tok == "" {
		tok = between(body, `value="`, `" name="csrf_token"`)
	}
	req, _ := http.NewRequest(http.MethodPost, p.url+"/logout", strings.NewReader(url.Values{"csrf_token": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", p.url)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/signed-out" {
		t.Fatalf("logout ended at %s (%d); want /signed-out", resp.Request.URL.Path, resp.StatusCode)
	}
	if _, body := get(t, c, p.url+"/"); strings.Contains(body, `action="/logout"`) {
		t.Error("still signed in after logout")
	}

	// The audit trail verifies through the same binary.
	var out strings.Builder
	if err := run(context.Background(), []string{"audit", "verify"}, func(k string) string { return p.env[k] }, &out, io.Discard); err != nil {
		t.Fatalf("audit verify: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "hash chain intact") {
		t.Errorf("audit verify said %q", out.String())
	}
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	j := strings.Index(s, b)
	if j < 0 {
		return ""
	}
	return s[:j]
}

func TestInvalidConfigurationNamesTheVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"OPPSLAG_ADDR":                 {"OPPSLAG_ADDR": "nonsense"},
		"OPPSLAG_BASE_URL":             {"OPPSLAG_BASE_URL": "ftp://x"},
		"OPPSLAG_HELSEID_CLIENT_ID":    {"OPPSLAG_HELSEID_ISSUER": "https://helseid-sts.test.nhn.no", "OPPSLAG_HELSEID_KEY_FILE": "k.json"},
		"OPPSLAG_HELSEID_KEY_FILE":     {"OPPSLAG_HELSEID_ISSUER": "https://helseid-sts.test.nhn.no", "OPPSLAG_HELSEID_CLIENT_ID": "c"},
		"OPPSLAG_HELSEID_ISSUER":       {"OPPSLAG_HELSEID_ISSUER": "http://helseid-sts.test.nhn.no", "OPPSLAG_HELSEID_CLIENT_ID": "c", "OPPSLAG_HELSEID_KEY_FILE": "k.json"},
		"OPPSLAG_PERSON_API_URL":       {"OPPSLAG_PERSON_API_URL": "not a url"},
		"OPPSLAG_DATABASE_URL":         {"OPPSLAG_DATABASE_URL": "mysql://x"},
		"OPPSLAG_REDIS_URL":            {"OPPSLAG_REDIS_URL": "http://x"},
		"OPPSLAG_DEMO_SEED":            {"OPPSLAG_DEMO_SEED": "abc"},
		"OPPSLAG_DEMO_PERSONS":         {"OPPSLAG_DEMO_PERSONS": "-5"},
		"OPPSLAG_SESSION_IDLE_TIMEOUT": {"OPPSLAG_SESSION_IDLE_TIMEOUT": "soon"},
		"OPPSLAG_TRUSTED_PROXIES":      {"OPPSLAG_TRUSTED_PROXIES": "10.0.0.1"},
		"OPPSLAG_LOG_FORMAT":           {"OPPSLAG_LOG_FORMAT": "xml"},
	}
	for name, env := range cases {
		t.Run(name, func(t *testing.T) {
			err := run(context.Background(), nil, func(k string) string { return env[k] }, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), name) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v; want one line naming %s", err, name)
			}
		})
	}
}

func TestDemoStartsEverySimulator(t *testing.T) {
	p := startPortal(t)
	logs := p.stderr.String()
	for _, name := range []string{"HelseID simulator started", "Person API simulator started", "Pasientens prøvesvar simulator started"} {
		if !strings.Contains(logs, name) {
			t.Errorf("demo start-up did not log %q", name)
		}
	}
	if n := strings.Count(logs, "synthetic population generated"); n != 1 {
		t.Errorf("population generated %d times; want once for every simulator", n)
	}
}

// writeKey writes key as a JWK file and returns its path.
func writeKey(t *testing.T, key jose.JSONWebKey) string {
	t.Helper()
	raw, err := json.Marshal(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestS12_StartUpChecksTheDPoPAlgorithm: against a provider whose
// dpop_signing_alg_values_supported has nothing the RSA client key can
// sign, start-up stops with one line naming OPPSLAG_HELSEID_DPOP_KEY_FILE;
// with an EC P-256 proof key in that file it starts.
func TestS12_StartUpChecksTheDPoPAlgorithm(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	sim, err := helseidsim.New(issuer, helseidsim.Options{DPoPAlgorithms: []jose.SignatureAlgorithm{jose.ES256}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = sim
	srv.Start()
	t.Cleanup(srv.Close)

	rsaPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	clientKey := writeKey(t, jose.JSONWebKey{Key: rsaPriv, Algorithm: "RS256", Use: "sig", KeyID: "client"})
	env := map[string]string{
		"OPPSLAG_ADDR":              "127.0.0.1:0",
		"OPPSLAG_DATABASE_URL":      "sqlite:" + filepath.Join(t.TempDir(), "o.db"),
		"OPPSLAG_HELSEID_ISSUER":    issuer,
		"OPPSLAG_HELSEID_CLIENT_ID": "c",
		"OPPSLAG_HELSEID_KEY_FILE":  clientKey,
		"OPPSLAG_PERSON_API_URL":    "https://person.example.invalid",
		"OPPSLAG_LABS_API_URL":      "https://labs.example.invalid",
	}
	err = run(context.Background(), nil, func(k string) string { return env[k] }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "OPPSLAG_HELSEID_DPOP_KEY_FILE") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %v; want one line naming OPPSLAG_HELSEID_DPOP_KEY_FILE", err)
	}

	proofKey, err := helseid.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	extra := []string{"OPPSLAG_HELSEID_DPOP_KEY_FILE", writeKey(t, proofKey)}
	for k, v := range env {
		if k != "OPPSLAG_ADDR" && k != "OPPSLAG_DATABASE_URL" {
			extra = append(extra, k, v)
		}
	}
	startPortal(t, extra...)
}
