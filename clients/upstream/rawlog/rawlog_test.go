package rawlog

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// upstream answers with headers that bear tokens and a body of n bytes.
func upstream(t *testing.T, n int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("DPoP-Nonce", "nonce-secret")
		h.Set("Set-Cookie", "sid=cookie-secret")
		h.Set("WWW-Authenticate", `DPoP error="use_dpop_nonce"`)
		h.Set("X-Access-Token", "token-secret")
		h.Set("X-Api-Key", "key-secret")
		h.Set("X-Correlation-Id", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
		h.Set("Api-Version", "3")
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, strings.Repeat("x", n))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, ctx context.Context, c *http.Client, url string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestTransport(t *testing.T) {
	srv := upstream(t, 100)
	c := &http.Client{Transport: Transport{Base: srv.Client().Transport, MaxBody: 40}}

	t.Run("headers stripped, body capped", func(t *testing.T) {
		ctx, capture := With(context.Background())
		body := get(t, ctx, c, srv.URL+"/api/v3/full-access/person/get-by-nin?informationParts=Name&x=01017012345")
		if len(body) != 100 {
			t.Fatalf("the client read %d bytes; want all 100 (the capture must not take from the client)", len(body))
		}
		ex := capture.Exchanges()
		if len(ex) != 1 {
			t.Fatalf("%d exchanges; want 1", len(ex))
		}
		x := ex[0]
		if x.Status != http.StatusTeapot || x.Method != http.MethodGet {
			t.Errorf("got %s %d; want GET 418", x.Method, x.Status)
		}
		if want := "/api/v3/full-access/person/get-by-nin?informationParts=Name&x=[nin]"; x.Path != want {
			t.Errorf("path %q; want %q", x.Path, want)
		}
		if len(x.Body) != 40 || !x.Truncated {
			t.Errorf("body %d bytes, truncated %t; want 40, true", len(x.Body), x.Truncated)
		}
		var all strings.Builder
		var names []string
		for _, h := range x.Header {
			names = append(names, h.Name)
			all.WriteString(h.Name + ": " + h.Value + "\n")
		}
		for _, secret := range []string{"nonce-secret", "cookie-secret", "token-secret", "key-secret", "eyJ", "use_dpop_nonce"} {
			if strings.Contains(all.String(), secret) {
				t.Errorf("headers shown hold %q:\n%s", secret, all.String())
			}
		}
		for _, keep := range []string{"Content-Type", "Api-Version", "X-Correlation-Id"} {
			if !slices.Contains(names, keep) {
				t.Errorf("header %s not shown", keep)
			}
		}
		for _, gone := range []string{"Dpop-Nonce", "Set-Cookie", "Www-Authenticate", "X-Access-Token", "X-Api-Key"} {
			if !slices.Contains(x.Removed, gone) {
				t.Errorf("removed %v; want %s among them", x.Removed, gone)
			}
		}
	})

	t.Run("no capture without a context", func(t *testing.T) {
		ctx, capture := With(context.Background())
		get(t, context.Background(), c, srv.URL)
		if n := len(capture.Exchanges()); n != 0 {
			t.Errorf("a request without the capture's context was captured (%d)", n)
		}
		get(t, ctx, c, srv.URL)
		get(t, ctx, c, srv.URL)
		if n := len(capture.Exchanges()); n != 2 {
			t.Errorf("%d exchanges; want both of the capture's requests", n)
		}
	})
}

func TestSensitive(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"Authorization", true}, {"DPoP", true}, {"dpop-nonce", true}, {"Set-Cookie", true},
		{"X-Session-Id", true}, {"X-Auth-Token", true}, {"Proxy-Authenticate", true}, {"X-Client-Secret", true},
		{"Content-Type", false}, {"Retry-After", false}, {"X-Correlation-Id", false}, {"Date", false},
	}
	for _, tt := range tests {
		if got := Sensitive(tt.name); got != tt.want {
			t.Errorf("Sensitive(%q) = %t; want %t", tt.name, got, tt.want)
		}
	}
}

func TestParseIndent(t *testing.T) {
	in := `{"z":1,"a":[true,null,{"k":"<b>æ</b>"}],"z":2.50,"e":{},"f":[]}`
	v, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(v.Compact()); got != in {
		t.Errorf("compact\n got %s\nwant %s (order, duplicates and numbers as sent)", got, in)
	}
	want := "{\n  \"z\": 1,\n  \"a\": [\n    true,\n    null,\n    {\n      \"k\": \"<b>æ</b>\"\n    }\n  ],\n  \"z\": 2.50,\n  \"e\": {},\n  \"f\": []\n}"
	if got := v.Indent(); got != want {
		t.Errorf("indent\n got %s\nwant %s", got, want)
	}
	for _, bad := range []string{"", "{", `{"a":1}x`, `[1,]`, "nul"} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
	if _, err := Parse([]byte(strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2))); err == nil {
		t.Error("Parse took a document nested deeper than maxDepth")
	}
}

// Indent and Compact write what encoding/json would: members in order,
// empty objects and arrays closed on their line, nesting indented by two.
func TestValue_IndentAndCompact(t *testing.T) {
	doc := `{"a":[],"b":{},"c":[1,{"d":"x","e":null}],"f":{"g":[true]}}`
	v, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := json.Indent(&want, []byte(doc), "", "  "); err != nil {
		t.Fatal(err)
	}
	if got := v.Indent(); got != want.String() {
		t.Errorf("Indent:\n%s\nwant\n%s", got, want.String())
	}
	if got := string(v.Compact()); got != doc {
		t.Errorf("Compact: %s; want %s", got, doc)
	}
}
