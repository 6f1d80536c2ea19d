package simfault

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/dpop"
	"github.com/oppslag/oppslag/clients/person"
)

// inner is a trivial simulator: a small JSON document, or 404 on /missing.
var inner = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/missing" {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"status":404}`)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	io.WriteString(w, `{"answer":"from the simulator","n":42}`)
})

// proof is an unsigned DPoP proof carrying nonce: Wrap only reads it.
func proof(nonce string) string {
	enc := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(map[string]string{"nonce": nonce, "jti": "x"})
	return enc([]byte(`{"typ":"dpop+jwt","alg":"ES256"}`)) + "." + enc(payload) + ".c2ln"
}

func TestWrap_Kinds(t *testing.T) {
	isJSON := func(b []byte) bool { return json.Valid(b) }
	cases := []struct {
		name   string
		fault  Fault
		path   string
		header http.Header
		check  func(t *testing.T, rec *httptest.ResponseRecorder)
	}{
		{"no fault", Fault{Upstream: Labs, Kind: KindStatus500}, "/x", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), "from the simulator") {
				t.Errorf("a fault of another upstream applied: %d %q", rec.Code, rec.Body)
			}
		}},
		{"latency", Fault{Upstream: Person, Kind: KindLatency, Latency: 30 * time.Millisecond}, "/x", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), "from the simulator") {
				t.Errorf("got %d %q; want the simulator's answer", rec.Code, rec.Body)
			}
		}},
		{"500", Fault{Upstream: Person, Kind: KindStatus500}, "/x", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 500 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
				t.Errorf("got %d %q; want 500 problem details", rec.Code, rec.Header().Get("Content-Type"))
			}
		}},
		{"502", Fault{Upstream: Person, Kind: KindStatus502}, "/x", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 502 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
				t.Errorf("got %d %q; want a gateway's 502 page", rec.Code, rec.Header().Get("Content-Type"))
			}
		}},
		{"503 with Retry-After", Fault{Upstream: Person, Kind: KindStatus503, RetryAfter: 90}, "/x", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 503 || rec.Header().Get("Retry-After") != "90" {
				t.Errorf("got %d, Retry-After %q; want 503, 90", rec.Code, rec.Header().Get("Retry-After"))
			}
		}},
		{"503 default Retry-After", Fault{Upstream: Person, Kind: KindStatus503}, "/x", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Header().Get("Retry-After") != "30" {
				t.Errorf("Retry-After %q; want 30", rec.Header().Get("Retry-After"))
			}
		}},
		{"401", Fault{Upstream: HPR, Kind: KindStatus401}, "/x", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 401 || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer ") {
				t.Errorf("got %d %q; want 401 with a Bearer challenge", rec.Code, rec.Header().Get("WWW-Authenticate"))
			}
		}},
		{"429 with Retry-After", Fault{Upstream: HPR, Kind: KindStatus429, RetryAfter: 7}, "/x", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 429 || rec.Header().Get("Retry-After") != "7" {
				t.Errorf("got %d, Retry-After %q; want 429, 7", rec.Code, rec.Header().Get("Retry-After"))
			}
		}},
		{"malformed", Fault{Upstream: Labs, Kind: KindMalformed}, "/x", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 200 || isJSON(rec.Body.Bytes()) || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Errorf("got %d %q %q; want 200, JSON type, a body that is not JSON", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
		}},
		{"truncated", Fault{Upstream: Labs, Kind: KindTruncated}, "/x", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 200 || isJSON(rec.Body.Bytes()) || !strings.HasPrefix(`{"answer":"from the simulator","n":42}`, rec.Body.String()) || rec.Body.Len() == 0 {
				t.Errorf("got %d %q; want the first half of the answer", rec.Code, rec.Body)
			}
		}},
		{"wrong content type", Fault{Upstream: Labs, Kind: KindWrongContentType}, "/x", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !isJSON(rec.Body.Bytes()) {
				t.Errorf("got %d %q; want the answer labelled text/html", rec.Code, rec.Header().Get("Content-Type"))
			}
		}},
		{"oversized", Fault{Upstream: HPR, Kind: KindOversized}, "/x", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 200 || rec.Body.Len() <= oversizedBytes(HPR)-1 || !isJSON(rec.Body.Bytes()) {
				t.Errorf("got %d, %d bytes; want valid JSON over %d bytes", rec.Code, rec.Body.Len(), oversizedBytes(HPR))
			}
		}},
		{"spoiling leaves an error answer alone", Fault{Upstream: Labs, Kind: KindTruncated}, "/missing", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 404 || rec.Body.String() != `{"status":404}` {
				t.Errorf("got %d %q; want the simulator's 404", rec.Code, rec.Body)
			}
		}},
		{"dpop nonce demanded", Fault{Upstream: Person, Kind: KindDPoPNonce}, "/x", http.Header{"Dpop": {proof("")}}, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 401 || !dpop.ResourceNonceChallenge(rec.Code, rec.Header()) || rec.Header().Get("DPoP-Nonce") == "" {
				t.Errorf("got %d %v; want a use_dpop_nonce challenge with a nonce", rec.Code, rec.Header())
			}
		}},
		{"route prefix: other path untouched", Fault{Upstream: Person, Kind: KindStatus500, Route: "/api/v3/full-access/event"}, "/api/v3/full-access/person/get-by-nin", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 200 {
				t.Errorf("got %d; the fault is for another route", rec.Code)
			}
		}},
		{"route prefix: matching path", Fault{Upstream: Person, Kind: KindStatus500, Route: "/api/v3/full-access/person"}, "/api/v3/full-access/person/get-by-nin", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 500 {
				t.Errorf("got %d; want 500", rec.Code)
			}
		}},
		{"information part: matching", Fault{Upstream: Person, Kind: KindStatus503, Route: "commoncontactregisterinformation"}, "/p?informationParts=Name&informationParts=CommonContactRegisterInformation", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 503 {
				t.Errorf("got %d; want 503", rec.Code)
			}
		}},
		{"information part: other parts", Fault{Upstream: Person, Kind: KindStatus503, Route: "CommonContactRegisterInformation"}, "/p?informationParts=Name", nil, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Code != 200 {
				t.Errorf("got %d; the fault is for another part", rec.Code)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var reg Registry
			if _, err := reg.Set(tc.fault); err != nil {
				t.Fatal(err)
			}
			up := Person
			if tc.name != "no fault" {
				up = tc.fault.Upstream
			}
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			for k, v := range tc.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			start := time.Now()
			reg.Wrap(up, inner).ServeHTTP(rec, req)
			if tc.fault.Latency > 0 && time.Since(start) < tc.fault.Latency {
				t.Errorf("answered after %v; want at least %v", time.Since(start), tc.fault.Latency)
			}
			tc.check(t, rec)
		})
	}
}

func TestWrap_DPoPNonceMetPassesOn(t *testing.T) {
	var reg Registry
	if _, err := reg.Set(Fault{Upstream: Labs, Kind: KindDPoPNonce}); err != nil {
		t.Fatal(err)
	}
	h := reg.Wrap(Labs, inner)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	nonce := rec.Header().Get("DPoP-Nonce")
	if rec.Code != 401 || nonce == "" {
		t.Fatalf("got %d, nonce %q; want a challenge", rec.Code, nonce)
	}
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	req.Header.Set("DPoP", proof(nonce))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("a proof with the nonce: got %d; want the simulator's 200", rec.Code)
	}
	req.Header.Set("DPoP", proof("stale"))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 401 {
		t.Errorf("a proof with another nonce: got %d; want 401", rec.Code)
	}
}

func TestWrap_HangEndsWithTheRequest(t *testing.T) {
	var reg Registry
	if _, err := reg.Set(Fault{Upstream: HelseID, Kind: KindHang}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		reg.Wrap(HelseID, inner).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/token", nil).WithContext(ctx))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("hang did not end with the request's context")
	}
	if rec.Body.Len() != 0 {
		t.Errorf("a hang wrote %q", rec.Body)
	}
}

func TestRegistry(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	reg := NewRegistry(clock)

	short, err := reg.Set(Fault{Upstream: Person, Kind: KindStatus500, Until: now.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	forever, err := reg.Set(Fault{Upstream: Person, Kind: KindStatus502})
	if err != nil {
		t.Fatal(err)
	}
	if short.ID == "" || short.ID == forever.ID {
		t.Fatalf("ids %q and %q; want two distinct ids", short.ID, forever.ID)
	}
	serve := func() int {
		rec := httptest.NewRecorder()
		reg.Wrap(Person, inner).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
		return rec.Code
	}
	if got := serve(); got != 502 {
		t.Errorf("status %d; want the newest fault's 502", got)
	}
	if got := len(reg.Active(clock())); got != 2 {
		t.Errorf("%d active; want 2", got)
	}
	if !reg.Clear(forever.ID) || reg.Clear(forever.ID) {
		t.Error("Clear: want true once, then false")
	}
	if got := serve(); got != 500 {
		t.Errorf("status %d; want the remaining 500", got)
	}
	advance(time.Minute)
	if got := serve(); got != 200 {
		t.Errorf("status %d after expiry; want 200", got)
	}
	if got := reg.Active(clock()); len(got) != 0 {
		t.Errorf("expired faults still active: %v", got)
	}
	reg.Set(Fault{Upstream: HPR, Kind: KindHang})
	reg.Set(Fault{Upstream: Labs, Kind: KindHang})
	if n := reg.ClearAll(); n != 2 || len(reg.Active(clock())) != 0 {
		t.Errorf("ClearAll cleared %d; want 2, none left", n)
	}
	var none *Registry
	if none.Active(now) != nil {
		t.Error("a nil registry has faults")
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		fault Fault
		field Field // "" = valid
		route string
	}{
		{Fault{Upstream: Person, Kind: KindStatus503}, "", ""},
		{Fault{Upstream: Person, Kind: KindStatus503, Route: " name "}, "", string(person.PartName)},
		{Fault{Upstream: Person, Kind: KindStatus503, Route: "Shoe size"}, FieldRoute, ""},
		{Fault{Upstream: Labs, Kind: KindStatus503, Route: "DiagnosticReport"}, FieldRoute, ""},
		{Fault{Upstream: Labs, Kind: KindStatus503, Route: "/DiagnosticReport"}, "", "/DiagnosticReport"},
		{Fault{Upstream: Labs, Kind: KindStatus503, Route: "/a?b"}, FieldRoute, ""},
		{Fault{Upstream: "kafka", Kind: KindStatus503}, FieldUpstream, ""},
		{Fault{Upstream: Person, Kind: "418"}, FieldKind, ""},
		{Fault{Upstream: HPR, Kind: KindDPoPNonce}, FieldKind, ""},
		{Fault{Upstream: HelseID, Kind: KindDPoPNonce}, FieldKind, ""},
		{Fault{Upstream: Person, Kind: KindLatency}, FieldLatency, ""},
		{Fault{Upstream: Person, Kind: KindLatency, Latency: 2 * time.Minute}, FieldLatency, ""},
		{Fault{Upstream: Person, Kind: KindStatus429, RetryAfter: 7200}, FieldRetryAfter, ""},
	}
	for _, tc := range cases {
		t.Run(string(tc.fault.Upstream)+"/"+string(tc.fault.Kind)+"/"+tc.fault.Route, func(t *testing.T) {
			got, err := tc.fault.Validate()
			var inv *InvalidError
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("Validate: %v; want valid", err)
			case tc.field == "" && got.Route != tc.route:
				t.Errorf("route %q; want %q", got.Route, tc.route)
			case tc.field != "" && (!errors.As(err, &inv) || inv.Field != tc.field || !errors.Is(err, ErrInvalid)):
				t.Errorf("Validate: %v; want an InvalidError for %s", err, tc.field)
			}
		})
	}
}
