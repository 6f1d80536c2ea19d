package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/web"
)

// TestMetrics_ScrapeAfterRealRequests runs the portal with metrics on a
// listener of their own, signs in, looks a person up, opens an HPR card
// twice and asks for an unknown path that looks like an identity number;
// then it scrapes. Every family is there, the routes are patterns, no
// label holds an identity number, a handle, an HPR number or a session,
// and the portal's own port does not serve /metrics.
func TestMetrics_ScrapeAfterRealRequests(t *testing.T) {
	env := map[string]string{
		"OPPSLAG_ADDR":              freeAddr(t),
		"OPPSLAG_METRICS_ADDR":      "127.0.0.1:0",
		"OPPSLAG_DATABASE_URL":      "sqlite:" + filepath.Join(t.TempDir(), "oppslag.db"),
		"OPPSLAG_DEMO_SEED":         "1",
		"OPPSLAG_DEMO_PERSONS":      strconv.Itoa(testPersons),
		"OPPSLAG_AUDIT_CHECKPOINTS": "off",
	}
	lines := runUntilLine(t, "Serve", func(ctx context.Context, stdout, stderr io.Writer) error {
		return Serve(ctx, func(k string) string { return env[k] }, stdout, stderr)
	}, func(l string) bool { return strings.HasPrefix(l, "Oppslag listening on ") })
	portal := strings.TrimPrefix(lines[len(lines)-1], "Oppslag listening on ")
	var scrapeURL string
	for _, l := range lines {
		if u, ok := strings.CutPrefix(l, "Oppslag metrics on "); ok {
			scrapeURL = u
		}
	}
	if scrapeURL == "" {
		t.Fatalf("no metrics line before the listening line: %q", lines)
	}

	nin, _ := ordinaryPerson(t, 1)
	number := firstHPRNumber(t, 1)
	b := newBrowser(t)
	start := b.login(portal, "doctor")
	resp, _ := b.lookUp(portal, start, nin)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/person/") {
		t.Fatalf("lookup ended at %s with %d", resp.Request.URL, resp.StatusCode)
	}
	handle := strings.Split(strings.TrimPrefix(resp.Request.URL.Path, "/person/"), "/")[0]
	for range 2 { // the second from HPR's cache
		if resp, _ := b.get(portal + "/hpr/" + strconv.Itoa(number)); resp.StatusCode != http.StatusOK {
			t.Fatalf("HPR card %d: status %d", number, resp.StatusCode)
		}
	}
	if resp, _ := b.get(portal + "/person/" + nin); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /person/<nin>: status %d, want 404", resp.StatusCode)
	}
	req, _ := http.NewRequest("BREW", portal+"/", nil)
	if resp, err := b.c.Do(req); err == nil {
		resp.Body.Close()
	}
	u, _ := url.Parse(portal)
	var session string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == web.SessionCookie {
			session = c.Value
		}
	}
	if session == "" {
		t.Fatal("no session cookie after login")
	}

	if resp, _ := b.get(portal + "/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics on the portal's port: status %d, want 404", resp.StatusCode)
	}
	// A request is counted once its handler has returned, which may be
	// just after its client has the answer: scrape until the last one is in.
	resp, body := b.get(scrapeURL)
	for deadline := time.Now().Add(3 * time.Second); !strings.Contains(body, `method="other"`) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		resp, body = b.get(scrapeURL)
	}
	if testing.Verbose() {
		t.Log(grepLines(body, "oppslag_"))
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: status %d", resp.StatusCode)
	}
	if host, _, _ := net.SplitHostPort(resp.Request.URL.Host); host != "127.0.0.1" {
		t.Errorf("metrics served on %s, want loopback as configured", resp.Request.URL.Host)
	}
	for _, want := range []string{
		`oppslag_http_requests_total{method="GET",route="/person/{handle}",status="2xx"}`,
		`oppslag_http_requests_total{method="POST",route="/search",status="3xx"}`,
		`oppslag_http_requests_total{method="GET",route="unmatched",status="4xx"}`,
		`oppslag_http_requests_total{method="other",route="unmatched",status="4xx"}`,
		`oppslag_http_request_duration_seconds_bucket{method="GET",route="/hpr/{number}",le="+Inf"}`,
		`oppslag_upstream_requests_total{outcome="ok",upstream="person"}`,
		`oppslag_upstream_requests_total{outcome="ok",upstream="hpr"}`,
		`oppslag_upstream_requests_total{outcome="ok",upstream="maskinporten"}`,
		`oppslag_upstream_request_duration_seconds_bucket{upstream="person",le="+Inf"}`,
		`oppslag_audit_commit_duration_seconds_bucket{le="+Inf"}`,
		`oppslag_audit_commit_group_size_bucket{le="+Inf"}`,
		`oppslag_audit_commit_failures_total 0`,
		`oppslag_sessions `,
		`oppslag_hpr_bucket_tokens `,
		`oppslag_hpr_limited_total{by="local"} 0`,
		`oppslag_cache_lookups_total{cache="hpr",result="hit"} 1`,
		`oppslag_cache_lookups_total{cache="hpr",result="miss"} 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if !regexp.MustCompile(`(?m)^oppslag_sessions [1-9]`).MatchString(body) {
		t.Errorf("oppslag_sessions: want at least the signed-in session\n%s", grepLines(body, "oppslag_sessions"))
	}

	// No label value may identify anyone or anything a user typed.
	digits := regexp.MustCompile(`\d{11}`)
	for _, m := range regexp.MustCompile(`(\w+)="((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(body, -1) {
		name, value := m[1], m[2]
		switch {
		case digits.MatchString(value):
			t.Errorf("label %s=%q holds 11 digits", name, value)
		case strings.Contains(value, handle), strings.Contains(value, session), strings.Contains(value, nin):
			t.Errorf("label %s=%q holds a handle, session or identity number", name, value)
		case value == strconv.Itoa(number) || strings.Contains(value, "/hpr/"+strconv.Itoa(number)):
			t.Errorf("label %s=%q holds an HPR number", name, value)
		}
	}
}

// TestServe_PrintsBoundAddressWithBaseURL: with a base URL and port 0 the
// bound address is printed before the listening line, which stays the URL
// alone.
func TestServe_PrintsBoundAddressWithBaseURL(t *testing.T) {
	env := map[string]string{
		"OPPSLAG_ADDR":              "127.0.0.1:0",
		"OPPSLAG_BASE_URL":          "https://oppslag.example.no",
		"OPPSLAG_DATABASE_URL":      "sqlite:" + filepath.Join(t.TempDir(), "oppslag.db"),
		"OPPSLAG_DEMO_PERSONS":      strconv.Itoa(testPersons),
		"OPPSLAG_AUDIT_CHECKPOINTS": "off",
	}
	lines := runUntilLine(t, "Serve", func(ctx context.Context, stdout, stderr io.Writer) error {
		return Serve(ctx, func(k string) string { return env[k] }, stdout, stderr)
	}, func(l string) bool { return strings.HasPrefix(l, "Oppslag listening on ") })
	if got, want := lines[len(lines)-1], "Oppslag listening on https://oppslag.example.no"; got != want {
		t.Errorf("listening line: got %q, want %q", got, want)
	}
	var bound string
	for _, l := range lines {
		if a, ok := strings.CutPrefix(l, "Oppslag bound to "); ok {
			bound = a
		}
	}
	host, port, err := net.SplitHostPort(bound)
	if err != nil || host != "127.0.0.1" || port == "0" {
		t.Fatalf("bound line: got %q in %q, want 127.0.0.1 and the port picked", bound, lines)
	}
	resp, err := http.Get("http://" + bound + "/healthz")
	if err != nil {
		t.Fatalf("the printed address does not answer: %v", err)
	}
	resp.Body.Close()
}

// firstHPRNumber is a health worker's HPR number in the demo population.
func firstHPRNumber(t *testing.T, seed int64) int {
	t.Helper()
	pop, err := synthetic.Generate(synthetic.Options{Seed: seed, Persons: testPersons})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	pop.EachPersonnel(func(p hpr.Personnel) bool {
		n = p.HPRNumber
		return false
	})
	if n == 0 {
		t.Fatal("no health personnel in the test population")
	}
	return n
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
