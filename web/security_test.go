package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/handlers/request"
)

func TestS7_CallbackStateAndIssuer(t *testing.T) {
	h := newHarness(t)
	cases := map[string]func(q url.Values){
		"missing state": func(q url.Values) { q.Del("state") },
		"wrong state":   func(q url.Values) { q.Set("state", "not-the-state") },
		"missing iss":   func(q url.Values) { q.Del("iss") },
		"wrong iss":     func(q url.Values) { q.Set("iss", "https://evil.example") },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			c := h.browser()
			authz := c.get("/login?login_hint=doctor")
			back := c.get(authz.Header.Get("Location")) // the simulator answers with the callback redirect
			cb, err := url.Parse(back.Header.Get("Location"))
			if err != nil || cb.Path != "/auth/callback" {
				t.Fatalf("simulator did not redirect to the callback: %q", back.Header.Get("Location"))
			}
			q := cb.Query()
			mutate(q)
			cb.RawQuery = q.Encode()
			before := h.sim.Stats().Token["authorization_code"]
			res := c.get(cb.String())
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d; want 400", res.StatusCode)
			}
			if after := h.sim.Stats().Token["authorization_code"]; after != before {
				t.Errorf("a token request was sent (%d → %d)", before, after)
			}
		})
	}
}

func TestS10_SecurityLevel3IsRefused(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	p := b.follow(b.get("/login?login_hint=level3"))
	if p.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d; want 403", p.StatusCode)
	}
	if !strings.Contains(p.body, "4") || strings.Contains(p.body, `action="/logout"`) {
		t.Errorf("refusal page should explain security level 4 and not sign in:\n%s", p.body)
	}
	if n := countActions(h.records(), "login_refused", audit.Denied); n != 1 {
		t.Errorf("%d login_refused audit records; want 1", n)
	}
}

func TestS11_AuthorizeURLHoldsOnlyRequestURI(t *testing.T) {
	h := newHarness(t)
	p := h.browser().get("/login?login_hint=doctor")
	loc, err := url.Parse(p.Header.Get("Location"))
	if err != nil || p.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d Location %q", p.StatusCode, p.Header.Get("Location"))
	}
	var keys []string
	for k := range loc.Query() {
		keys = append(keys, k)
	}
	if len(keys) != 2 || loc.Query().Get("client_id") == "" || !strings.HasPrefix(loc.Query().Get("request_uri"), "urn:ietf:params:oauth:request_uri:") {
		t.Fatalf("authorize URL parameters %v; want only client_id and request_uri", keys)
	}
}

func TestS13_TokenReuse(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.login("doctor")
	before := h.sim.Stats()
	for range 100 {
		if p := b.get("/me"); p.StatusCode != http.StatusOK {
			t.Fatalf("status %d", p.StatusCode)
		}
	}
	// Each API audience is fetched once, then reused for the token's lifetime.
	sessionID := b.cookie(SessionCookie)
	for range 100 {
		for _, aud := range []string{"nhn:hgd-persontjenesten-api", "nhn:pps"} {
			req := httptest.NewRequest(http.MethodGet, "/me", nil)
			req.AddCookie(&http.Cookie{Name: SessionCookie, Value: sessionID})
			var got string
			var err error
			h.srv.session(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got, err = request.TokensFrom(r.Context()).AccessToken(r.Context(), aud)
			})).ServeHTTP(httptest.NewRecorder(), req)
			if err != nil || got == "" {
				t.Fatalf("access token for %s: %v", aud, err)
			}
		}
	}
	after := h.sim.Stats()
	for _, aud := range []string{"nhn:hgd-persontjenesten-api", "nhn:pps"} {
		if n := after.TokenByAudience[aud] - before.TokenByAudience[aud]; n != 1 {
			t.Errorf("%d token requests for %s; want 1", n, aud)
		}
	}
	if after.Discovery != before.Discovery {
		t.Errorf("discovery fetched %d more times; want it cached", after.Discovery-before.Discovery)
	}
}

func TestS14_HelseIDDownAfterStart(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.login("doctor")
	h.sim.SetDown(true)
	if p := b.get("/me"); p.StatusCode != http.StatusOK {
		t.Errorf("existing session: status %d; want 200", p.StatusCode)
	}
	p := h.browser().get("/login")
	if p.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("new login: status %d; want 503", p.StatusCode)
	}
	if !strings.Contains(p.body, "HelseID") {
		t.Errorf("503 page does not say HelseID is the problem:\n%s", p.body)
	}
	if r := h.browser().get("/readyz"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz %d with HelseID down; want 503", r.StatusCode)
	}
}

// elevenDigits finds anything shaped like a national identity number.
var elevenDigits = regexp.MustCompile(`(^|\D)\d{11}(\D|$)`)

func TestS15_NoTokenOrIdentityNumberInURLsOrPages(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	pid := persona(t, "doctor").PID
	var seen []*page
	p := b.get("/login?login_hint=doctor")
	for i := 0; i < 10; i++ {
		seen = append(seen, p)
		if p.StatusCode < 300 || p.StatusCode >= 400 {
			break
		}
		loc, _ := p.Request.URL.Parse(p.Header.Get("Location"))
		p = b.get(loc.String())
	}
	for _, path := range []string{"/", "/me", "/healthz", "/readyz", "/no-such-page"} {
		seen = append(seen, b.get(path))
	}
	for _, p := range seen {
		u := p.Request.URL.String()
		if strings.Contains(u, pid) || strings.Contains(u, "eyJ") && !strings.Contains(u, "/connect/") {
			t.Errorf("URL carries a token or identity number: %s", p.Request.URL.Path)
		}
		if loc := p.Header.Get("Location"); strings.Contains(loc, pid) {
			t.Errorf("redirect carries the identity number")
		}
		if p.Request.URL.Host != strings.TrimPrefix(h.url, "http://") {
			continue // the simulator's own pages
		}
		if strings.Contains(p.body, pid) || strings.Contains(p.body, "eyJ") {
			t.Errorf("%s renders the user's identity number or a token", p.Request.URL.Path)
		}
		if p.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q", p.Request.URL.Path, p.Header.Get("Referrer-Policy"))
		}
	}
	if logs := h.logs.String(); strings.Contains(logs, pid) || strings.Contains(logs, "eyJ") || elevenDigits.MatchString(logs) {
		t.Error("technical log holds an identity number or a token")
	}
}

func TestS22_CrossSiteRequestsRejected(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	start := b.login("doctor")
	tok := csrfToken(t, start.body)
	cases := []struct {
		name   string
		form   url.Values
		header []string
		want   int
	}{
		{"cross-site with token", url.Values{"csrf_token": {tok}, "lang": {"en"}}, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"foreign Origin with token", url.Values{"csrf_token": {tok}, "lang": {"en"}}, []string{"Sec-Fetch-Site", "", "Origin", "https://evil.example"}, http.StatusForbidden},
		{"same-site without token", url.Values{"lang": {"en"}}, nil, http.StatusForbidden},
		{"same-site with wrong token", url.Values{"csrf_token": {tok + "x"}, "lang": {"en"}}, nil, http.StatusForbidden},
		{"same-site with form token", url.Values{"csrf_token": {tok}, "lang": {"en"}}, nil, http.StatusSeeOther},
		{"htmx header token", url.Values{"lang": {"en"}}, []string{"X-CSRF-Token", tok}, http.StatusSeeOther},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if p := b.post("/lang", c.form, c.header...); p.StatusCode != c.want {
				t.Fatalf("status %d; want %d", p.StatusCode, c.want)
			}
		})
	}
	t.Run("GET does not change state", func(t *testing.T) {
		if p := b.get("/logout"); p.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET /logout status %d; want 405", p.StatusCode)
		}
		if p := b.get("/me"); p.StatusCode != http.StatusOK {
			t.Errorf("signed out by a GET")
		}
	})
}

func TestS23_SecurityHeadersOnEveryResponse(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.login("doctor")
	responses := map[string]*page{
		"page":      b.get("/"),
		"fragment":  b.get("/me", "HX-Request", "true"),
		"not found": b.get("/nope"),
		"error":     b.post("/lang", url.Values{"lang": {"xx"}}),
		"healthz":   b.get("/healthz"),
	}
	nonces := map[string]bool{}
	for name, p := range responses {
		t.Run(name, func(t *testing.T) {
			csp := p.Header.Get("Content-Security-Policy")
			for _, want := range []string{"object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "'nonce-"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP lacks %s: %q", want, csp)
				}
			}
			for _, bad := range []string{"unsafe-inline", "unsafe-eval"} {
				if strings.Contains(csp, bad) {
					t.Errorf("CSP has %s", bad)
				}
			}
			m := regexp.MustCompile(`'nonce-([^']+)'`).FindStringSubmatch(csp)
			if m != nil {
				nonces[m[1]] = true
			}
			want := map[string]string{
				"X-Content-Type-Options":     "nosniff",
				"Referrer-Policy":            "no-referrer",
				"Cross-Origin-Opener-Policy": "same-origin",
				"Cache-Control":              "no-store",
			}
			for k, v := range want {
				if got := p.Header.Get(k); got != v {
					t.Errorf("%s = %q; want %q", k, got, v)
				}
			}
			if !strings.HasPrefix(p.Header.Get("Strict-Transport-Security"), "max-age=") {
				t.Errorf("no HSTS")
			}
		})
	}
	if len(nonces) != len(responses) {
		t.Errorf("%d distinct CSP nonces over %d responses; want one per response", len(nonces), len(responses))
	}
}

func TestS24_HtmxConfiguration(t *testing.T) {
	h := newHarness(t)
	p := h.browser().get("/")
	m := regexp.MustCompile(`<meta name="htmx-config" content="([^"]*)"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no htmx-config meta")
	}
	cfg := strings.ReplaceAll(m[1], "&#34;", `"`)
	for _, want := range []string{`"allowEval":false`, `"selfRequestsOnly":true`, `"historyCacheSize":0`, `"includeIndicatorStyles":false`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("htmx config lacks %s: %s", want, cfg)
		}
	}
	if !regexp.MustCompile(`<link[^>]+indicator[^>]*\.css`).MatchString(p.body) {
		t.Error("indicator stylesheet not linked")
	}
}

func TestS26_ErrorBodiesArePlain(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.login("doctor")
	h.sim.SetDown(true)
	pages := []*page{
		b.get("/nope"),
		b.post("/lang", url.Values{"lang": {"xx"}}, "X-CSRF-Token", "wrong"),
		h.browser().get("/login"),                        // HelseID down: 503
		h.browser().get("/auth/callback?state=x&code=y"), // unknown state: 400
	}
	for _, p := range pages {
		if p.StatusCode < 400 {
			t.Errorf("%s: status %d; want an error", p.Request.URL.Path, p.StatusCode)
		}
		for _, leak := range []string{"goroutine", ".go:", "*errors.", "helseid:", "dial tcp", "127.0.0.1", "connection refused", "panic"} {
			if strings.Contains(p.body, leak) {
				t.Errorf("%s error body contains %q", p.Request.URL.Path, leak)
			}
		}
		cid := p.Header.Get(CorrelationHeader)
		if cid == "" || !strings.Contains(p.body, cid) {
			t.Errorf("%s error body lacks the correlation id %q", p.Request.URL.Path, cid)
		}
	}
}

func TestS29_LogsHoldNoSecrets(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	start := b.login("doctor")
	b.get("/me")
	b.get("/nope?nin=12345678901")
	b.post("/logout", url.Values{"csrf_token": {csrfToken(t, start.body)}})
	logs := h.logs.String()
	if elevenDigits.MatchString(logs) {
		t.Error("log holds an 11-digit number")
	}
	if strings.Contains(logs, "eyJ") {
		t.Error("log holds a JWT")
	}
	if strings.Contains(logs, "12345678901") || strings.Contains(logs, "nin=") {
		t.Error("log holds a query string")
	}
}

func TestS30_SecurityEventsAuditedOnce(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	start := b.login("doctor")
	b.post("/logout", url.Values{"csrf_token": {csrfToken(t, start.body)}})
	l3 := h.browser()
	l3.follow(l3.get("/login?login_hint=level3"))
	h.browser().get("/auth/callback?state=forged&code=x&iss=" + url.QueryEscape(h.simURL))
	recs := h.records()
	for _, c := range []struct {
		action  string
		outcome audit.Outcome
	}{
		{"login", audit.Success},
		{"logout", audit.Success},
		{"login_refused", audit.Denied},
		{"login", audit.Failure},
	} {
		if n := countActions(recs, c.action, c.outcome); n != 1 {
			t.Errorf("%d %s/%s records; want 1", n, c.action, c.outcome)
		}
	}
	for _, r := range recs {
		if r.CorrelationID == "" || r.Time.IsZero() || r.Resource != "session" {
			t.Errorf("incomplete record %+v", r)
		}
	}
	if rep, err := h.audit.Verify(t.Context()); err != nil || !rep.OK() {
		t.Errorf("chain: %+v, %v", rep, err)
	}
}

func TestS36_PanicGivesGeneric500(t *testing.T) {
	h := newHarness(t)
	boom := h.srv.requestID(h.srv.accessLog(h.srv.recoverer(h.srv.securityHeaders(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret internal detail 12345678901")
	})))))
	rec := httptest.NewRecorder()
	boom.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d; want 500", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "secret internal detail") {
		t.Error("panic value shown to the user")
	}
	if p := h.browser().get("/readyz"); p.StatusCode != http.StatusOK {
		t.Errorf("/readyz %d after a panic; want 200", p.StatusCode)
	}
	if strings.Contains(h.logs.String(), "12345678901") {
		t.Error("panic value logged with an identity number")
	}
}

func TestLoginAuditFailsClosed(t *testing.T) {
	h := newHarness(t, func(_ *harness, c *Config) { c.Audit = audit.Failing() })
	b := h.browser()
	res := b.follow(b.get("/login?login_hint=doctor"))
	if res.StatusCode != http.StatusServiceUnavailable || strings.Contains(res.body, `action="/logout"`) {
		t.Fatalf("login with a failing audit store: status %d; want 503 and no session", res.StatusCode)
	}
}

func TestLoginWithUnregisteredClientKey(t *testing.T) {
	h := newHarness(t, func(h *harness, c *Config) {
		key, err := helseid.GenerateKey() // not the key registered at HelseID
		if err != nil {
			t.Fatal(err)
		}
		hc, err := helseid.New(helseid.Config{Issuer: h.simURL, ClientID: "portal", Key: key,
			RedirectURL: h.url + "/auth/callback", Scopes: []string{"openid"}, Now: h.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		c.HelseID = hc
	})
	p := h.browser().get("/login?login_hint=doctor")
	if p.StatusCode != http.StatusBadGateway {
		t.Fatalf("status %d; want 502", p.StatusCode)
	}
	if !strings.Contains(p.body, "HelseID") || !strings.Contains(p.body, p.Header.Get(CorrelationHeader)) {
		t.Errorf("page should say HelseID refused the portal and give the reference")
	}
	if h.sim.Stats().Authorize != 0 {
		t.Error("the browser was sent to HelseID anyway")
	}
}

func TestClientAddrTrustsOnlyConfiguredProxies(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	cases := []struct {
		name, remote, xff, want string
	}{
		{"direct client", "203.0.113.7:5000", "", "203.0.113.7"},
		{"untrusted peer's header ignored", "203.0.113.7:5000", "198.51.100.1", "203.0.113.7"},
		{"trusted proxy", "10.1.2.3:443", "198.51.100.1", "198.51.100.1"},
		{"spoofed left entries ignored", "10.1.2.3:443", "1.2.3.4, 198.51.100.1", "198.51.100.1"},
		{"proxy chain", "10.1.2.3:443", "198.51.100.1, 10.9.9.9", "198.51.100.1"},
		{"garbage header", "10.1.2.3:443", "not-an-ip", "10.1.2.3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = c.remote
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			if got := clientAddr(r, proxies); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestS21_PatientPagesNeedAClinician(t *testing.T) {
	h := newHarness(t)
	// Clinicians get through to the handlers: a valid number goes to the
	// person's page (303), a handle this session never made is unknown (404).
	// Everyone else is refused (403) and the refusal is audited.
	allowed := []int{http.StatusSeeOther, http.StatusNotFound, http.StatusNotFound}
	refused := []int{http.StatusForbidden, http.StatusForbidden, http.StatusForbidden}
	for _, c := range []struct {
		persona string
		want    []int
	}{
		{"doctor", allowed},
		{"nurse", allowed},
		{"admin", refused},
		{"auditor", refused},
	} {
		t.Run(c.persona, func(t *testing.T) {
			b := h.browser()
			start := b.login(c.persona)
			before := countActions(h.records(), "role_check", audit.Denied)
			tok := csrfToken(t, start.body)
			for i, p := range []*page{
				b.post("/search", url.Values{"csrf_token": {tok}, "q": {"12057900499"}}),
				b.get("/person/abc"),
				b.get("/person/abc/panel/names", "HX-Request", "true"),
			} {
				if p.StatusCode != c.want[i] {
					t.Errorf("%s %s: status %d; want %d", p.Request.Method, p.Request.URL.Path, p.StatusCode, c.want[i])
				}
			}
			denials := countActions(h.records(), "role_check", audit.Denied) - before
			if want := map[bool]int{true: 3, false: 0}[c.want[0] == http.StatusForbidden]; denials != want {
				t.Errorf("%d audited denials; want %d", denials, want)
			}
		})
	}
}

func TestS21_HPRIsOpenToEverySignedInUser(t *testing.T) {
	h := newHarness(t)
	doctor := persona(t, "doctor")
	for _, id := range []string{"doctor", "nurse", "admin", "auditor"} {
		t.Run(id, func(t *testing.T) {
			b := h.browser()
			b.login(id)
			for _, path := range []string{"/hpr", "/hpr?q=" + doctor.HPRNumber, "/hpr/" + doctor.HPRNumber, "/hpr/batch"} {
				if got := b.get(path).StatusCode; got != http.StatusOK {
					t.Errorf("%s: status %d; want 200", path, got)
				}
			}
		})
	}
	// Signed out: the login, not the page.
	for _, path := range []string{"/hpr", "/hpr/" + doctor.HPRNumber, "/hpr/batch"} {
		if p := h.browser().get(path); p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/login") {
			t.Errorf("%s signed out: status %d to %q; want a redirect to the login", path, p.StatusCode, p.Header.Get("Location"))
		}
	}
}
