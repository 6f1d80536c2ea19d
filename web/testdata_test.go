package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// withTestdata mounts the population browser over the harness's
// population, as when every upstream is simulated.
func withTestdata() harnessOption {
	return func(h *harness, cfg *Config) { cfg.Testdata = h.pop }
}

var (
	tdLookupNumber = regexp.MustCompile(`name="q" value="(\d{11})"`)
	tdCSRF         = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
)

// TestTestdata_OnlyWhenEverythingIsSimulated: without a population (a real
// upstream configured) /testdata is the router's 404 and the header has
// no link to it.
func TestTestdata_OnlyWhenEverythingIsSimulated(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.login("doctor")
	if p := b.get("/testdata"); p.StatusCode != http.StatusNotFound {
		t.Errorf("/testdata without a population: %d, want 404", p.StatusCode)
	}
	if p := b.get("/me"); strings.Contains(p.body, `href="/testdata"`) {
		t.Errorf("the header links to /testdata although it is not mounted")
	}
}

// TestTestdata_Mounted: with the population, any signed-in persona gets
// the browser (an admin without HPR number too), the header links to it,
// and the list is audited; anonymous users are sent to log in.
func TestTestdata_Mounted(t *testing.T) {
	h := newHarness(t, withTestdata())
	if p := h.browser().get("/testdata"); p.StatusCode == http.StatusOK {
		t.Errorf("anonymous /testdata: 200")
	}
	for _, persona := range []string{"admin", "doctor"} {
		t.Run(persona, func(t *testing.T) {
			b := h.browser()
			b.login(persona)
			p := b.get("/testdata?kind=dnumber")
			if p.StatusCode != http.StatusOK {
				t.Fatalf("/testdata: %d, want 200", p.StatusCode)
			}
			if !strings.Contains(p.body, `data-testid="testdata-row"`) {
				t.Errorf("no rows for kind dnumber")
			}
			if !strings.Contains(p.body, `href="/testdata"`) {
				t.Errorf("the header does not link to /testdata")
			}
		})
	}
	var found bool
	for _, r := range h.records() {
		if r.Resource == "testdata" && r.Action == "search" && len(r.Results) > 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("no testdata search record")
	}
}

// TestTestdata_RowOpensTheLookup: a row's button posts the number to the
// search, which opens the person under a handle: the number is never in a
// URL (S15).
func TestTestdata_RowOpensTheLookup(t *testing.T) {
	h := newHarness(t, withTestdata())
	b := h.browser()
	b.login("doctor")
	p := b.get("/testdata?kind=deceased")
	m, tok := tdLookupNumber.FindStringSubmatch(p.body), tdCSRF.FindStringSubmatch(p.body)
	if m == nil || tok == nil {
		t.Fatalf("no lookup form with a number and a token")
	}
	res := b.post("/search", url.Values{"q": {m[1]}, "csrf_token": {tok[1]}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /search: %d, want 303", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/person/") || strings.Contains(loc, m[1]) {
		t.Errorf("lookup goes to %q", loc)
	}
	if o := b.follow(res); o.StatusCode != http.StatusOK {
		t.Errorf("the overview: %d", o.StatusCode)
	}
	if r := b.get("/testdata?municipality=" + m[1]); r.StatusCode != http.StatusUnprocessableEntity || strings.Contains(r.body, m[1]) {
		t.Errorf("an identity number in the query: %d, echoed %v", r.StatusCode, strings.Contains(r.body, m[1]))
	}
}
