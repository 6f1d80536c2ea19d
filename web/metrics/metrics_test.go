package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// scrape returns m's exposition text.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: status %d", rec.Code)
	}
	return rec.Body.String()
}

func wantLines(t *testing.T, body string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(body, l+"\n") {
			t.Errorf("scrape lacks %q", l)
		}
	}
}

func TestLabels(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"200", statusClass(200), "2xx"},
		{"303", statusClass(303), "3xx"},
		{"499, the client left", statusClass(499), "4xx"},
		{"504", statusClass(504), "5xx"},
		{"no status", statusClass(0), "other"},
		{"GET", methodLabel("GET"), "GET"},
		{"a made-up method", methodLabel("BREW"), "other"},
		{"a lower-case method", methodLabel("get"), "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestObserveRequest(t *testing.T) {
	m := New()
	m.ObserveRequest("GET", "/person/{handle}", 200, 20*time.Millisecond)
	m.ObserveRequest("GET", "/person/{handle}", 502, time.Second)
	m.ObserveRequest("PROPFIND", "unmatched", 405, time.Millisecond)
	wantLines(t, scrape(t, m),
		`oppslag_http_requests_total{method="GET",route="/person/{handle}",status="2xx"} 1`,
		`oppslag_http_requests_total{method="GET",route="/person/{handle}",status="5xx"} 1`,
		`oppslag_http_requests_total{method="other",route="unmatched",status="4xx"} 1`,
		`oppslag_http_request_duration_seconds_count{method="GET",route="/person/{handle}"} 2`,
		`oppslag_http_request_duration_seconds_bucket{method="GET",route="/person/{handle}",le="0.025"} 1`,
	)
}

// TestTransport: each exchange is counted once, by outcome, when its body
// is done.
func TestTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			io.WriteString(w, "hello")
		case "/missing":
			http.NotFound(w, r)
		case "/limited":
			w.WriteHeader(http.StatusTooManyRequests)
		case "/down":
			w.WriteHeader(http.StatusBadGateway)
		case "/slow":
			time.Sleep(200 * time.Millisecond)
		}
	}))
	defer srv.Close()
	m := New()
	c := &http.Client{Transport: m.Transport("person", nil)}
	get := func(path string, timeout time.Duration) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		resp, err := c.Do(req)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close() // after EOF: still counted once
	}
	for _, p := range []string{"/ok", "/ok", "/missing", "/limited", "/down"} {
		get(p, 5*time.Second)
	}
	get("/slow", 20*time.Millisecond)
	wantLines(t, scrape(t, m),
		`oppslag_upstream_requests_total{outcome="ok",upstream="person"} 2`,
		`oppslag_upstream_requests_total{outcome="not_found",upstream="person"} 1`,
		`oppslag_upstream_requests_total{outcome="rate_limited",upstream="person"} 1`,
		`oppslag_upstream_requests_total{outcome="unavailable",upstream="person"} 1`,
		`oppslag_upstream_requests_total{outcome="timeout",upstream="person"} 1`,
		`oppslag_upstream_request_duration_seconds_count{upstream="person"} 6`,
	)
}

func TestFailureOutcome(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want string
	}{
		{"the caller left", canceled, context.Canceled, "canceled"},
		{"deadline", context.Background(), context.DeadlineExceeded, "timeout"},
		{"refused", context.Background(), errors.New("connection refused"), "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := failureOutcome(tt.ctx, tt.err); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAuditSessionsHPRAndCaches(t *testing.T) {
	m := New()
	m.ObserveAuditCommit(3, 2*time.Millisecond, nil)
	m.ObserveAuditCommit(1, time.Millisecond, errors.New("disk full"))
	m.Sessions(func(context.Context) (int, error) { return 7, nil })
	m.HPRBucket(func(context.Context) (float64, error) { return 0, errors.New("redis down") })
	m.Cache("hpr", func() CacheCounts { return CacheCounts{Hits: 5, Stale: 1, Misses: 2} })
	m.Counter("oppslag_hpr_limited_total", "HPR calls refused.", "by", "local", func() int64 { return 4 })
	body := scrape(t, m)
	wantLines(t, body,
		`oppslag_audit_commit_group_size_sum 4`,
		`oppslag_audit_commit_group_size_count 2`,
		`oppslag_audit_commit_failures_total 1`,
		`oppslag_sessions 7`,
		`oppslag_cache_lookups_total{cache="hpr",result="hit"} 5`,
		`oppslag_cache_lookups_total{cache="hpr",result="stale"} 1`,
		`oppslag_cache_lookups_total{cache="hpr",result="miss"} 2`,
		`oppslag_hpr_limited_total{by="local"} 4`,
	)
	if strings.Contains(body, "oppslag_hpr_bucket_tokens ") {
		t.Error("a bucket that cannot be read: want the sample left out")
	}
}
