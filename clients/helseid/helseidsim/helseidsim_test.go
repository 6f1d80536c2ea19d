package helseidsim_test

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/dpop"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
)

func TestDiscovery(t *testing.T) {
	e := newEnv(t)
	r := e.get("/.well-known/openid-configuration", nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status: got %d, want 200", r.StatusCode)
	}
	wantStrings := map[string]string{
		"issuer":                                e.issuer,
		"jwks_uri":                              e.issuer + "/.well-known/openid-configuration/jwks",
		"authorization_endpoint":                e.issuer + "/connect/authorize",
		"token_endpoint":                        e.issuer + "/connect/token",
		"userinfo_endpoint":                     e.issuer + "/connect/userinfo",
		"end_session_endpoint":                  e.issuer + "/connect/endsession",
		"pushed_authorization_request_endpoint": e.issuer + "/connect/par",
	}
	for k, want := range wantStrings {
		if got := r.str(k); got != want {
			t.Errorf("%s: got %q, want %q", k, got, want)
		}
	}
	list := func(k string) []string {
		var out []string
		for _, v := range r.json[k].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	wantLists := map[string][]string{
		"code_challenge_methods_supported":      {"S256"},
		"token_endpoint_auth_methods_supported": {"private_key_jwt"},
		"id_token_signing_alg_values_supported": {"RS256"},
		"dpop_signing_alg_values_supported":     {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"},
		"response_types_supported":              {"code"},
	}
	for k, want := range wantLists {
		if got := list(k); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", k, got, want)
		}
	}
	if got := r.json["authorization_response_iss_parameter_supported"]; got != true {
		t.Errorf("authorization_response_iss_parameter_supported: got %v, want true", got)
	}
	for _, want := range []string{"openid", "offline_access", "helseid://scopes/identity/pid", persontjRW, ppsScope} {
		if !slices.Contains(list("scopes_supported"), want) {
			t.Errorf("scopes_supported lacks %q", want)
		}
	}
	for _, want := range []string{"helseid://claims/identity/pid", "helseid://claims/hpr/hpr_number", "helseid://claims/identity/security_level"} {
		if !slices.Contains(list("claims_supported"), want) {
			t.Errorf("claims_supported lacks %q", want)
		}
	}

	jr := e.get("/.well-known/openid-configuration/jwks", nil)
	var set jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(jr.body), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 1 {
		t.Fatalf("keys: got %d, want 1", len(set.Keys))
	}
	k := set.Keys[0]
	if !k.IsPublic() || k.KeyID == "" || k.Algorithm != "RS256" || k.Use != "sig" {
		t.Errorf("key: got public=%v kid=%q alg=%q use=%q", k.IsPublic(), k.KeyID, k.Algorithm, k.Use)
	}
	if strings.Contains(jr.body, `"d"`) {
		t.Error("JWKS leaks a private key component")
	}
	if got := e.sim.KeySet().Keys[0].KeyID; got != k.KeyID {
		t.Errorf("KeySet kid: got %q, want %q", got, k.KeyID)
	}
	st := e.sim.Stats()
	if st.Discovery != 1 || st.JWKS != 1 {
		t.Errorf("stats: got discovery=%d jwks=%d, want 1 and 1", st.Discovery, st.JWKS)
	}
}

func TestNewRejectsBadIssuer(t *testing.T) {
	for _, issuer := range []string{"", "helseid-sts.test.nhn.no", "https://helseid-sts.test.nhn.no/", "ftp://x", "https://x?q=1"} {
		if _, err := helseidsim.New(issuer, helseidsim.Options{}); err == nil {
			t.Errorf("New(%q): got nil error, want one", issuer)
		}
	}
}

// TestHappyPath walks the whole login: PAR, authorize with login_hint, code
// exchange with the DPoP nonce dance, userinfo, refresh for one API, and
// end_session revoking the refresh token.
func TestHappyPath(t *testing.T) {
	e := newEnv(t)
	doctor := helseidsim.Personas()[0]
	p := newPKCE()
	params := e.parParams(p, "doctor")

	pr := e.par(params)
	if pr.StatusCode != http.StatusCreated {
		t.Fatalf("PAR: status %d: %s", pr.StatusCode, pr.body)
	}
	if !strings.HasPrefix(pr.str("request_uri"), "urn:ietf:params:oauth:request_uri:") || pr.json["expires_in"] != float64(60) {
		t.Errorf("PAR response: got %v", pr.json)
	}

	ar := e.get(e.authorizeURL(pr.str("request_uri")), nil)
	if ar.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d: %s", ar.StatusCode, ar.body)
	}
	loc, _ := url.Parse(ar.Header.Get("Location"))
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != e.redirect {
		t.Errorf("redirect: got %q, want %q", got, e.redirect)
	}
	cb := loc.Query()
	if cb.Get("code") == "" || cb.Get("state") != params.Get("state") || cb.Get("iss") != e.issuer || cb.Get("session_state") == "" {
		t.Errorf("callback: got %v", cb)
	}
	cookie := findCookie(ar.Response, "helseidsim_session")
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Errorf("session cookie: got %+v", cookie)
	}

	// The first token request has no nonce: HelseID answers use_dpop_nonce.
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {cb.Get("code")},
		"redirect_uri": {e.redirect}, "code_verifier": {p.verifier},
	}
	first := e.tokenRequest(form, e.signer)
	if first.StatusCode != http.StatusBadRequest || first.str("error") != "use_dpop_nonce" || first.Header.Get("DPoP-Nonce") == "" {
		t.Fatalf("first token request: status %d, error %q, nonce %q", first.StatusCode, first.str("error"), first.Header.Get("DPoP-Nonce"))
	}
	e.nonce = first.Header.Get("DPoP-Nonce")
	tr := e.tokenRequest(form, e.signer)
	if tr.StatusCode != http.StatusOK {
		t.Fatalf("token: status %d: %s", tr.StatusCode, tr.body)
	}
	if tr.str("token_type") != "DPoP" || tr.json["expires_in"] != float64(600) || tr.str("refresh_token") == "" ||
		tr.json["rt_expires_in"] != float64(12*3600) || tr.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("token response: got %v", tr.json)
	}

	// ID token: signed with the JWKS key, claims as HelseID's.
	idToken := tr.str("id_token")
	set := e.sim.KeySet()
	obj, err := jose.ParseSignedCompact(idToken, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := obj.Verify(&set.Keys[0]); err != nil {
		t.Errorf("id_token signature: %v", err)
	}
	if got := header(t, idToken)["kid"]; got != set.Keys[0].KeyID {
		t.Errorf("id_token kid: got %v, want %v", got, set.Keys[0].KeyID)
	}
	at := tr.str("access_token")
	idc := claims(t, idToken)
	sum := sha256.Sum256([]byte(at))
	wantID := map[string]any{
		"iss": e.issuer, "aud": clientID, "nonce": params.Get("nonce"), "idp": "testidp-oidc",
		"at_hash":                       b64(sum[:16]),
		"helseid://claims/identity/pid": doctor.PID,
		"helseid://claims/identity/security_level":  "4",
		"helseid://claims/identity/assurance_level": "high",
		"helseid://claims/identity/network":         "internett",
		"helseid://claims/hpr/hpr_number":           doctor.HPRNumber,
		"given_name":                                doctor.GivenName,
		"family_name":                               doctor.FamilyName,
	}
	for k, want := range wantID {
		if got := idc[k]; got != want {
			t.Errorf("id_token %s: got %v, want %v", k, got, want)
		}
	}
	sub, _ := idc["sub"].(string)
	if sub == "" || sub == doctor.PID || strings.Contains(sub, doctor.PID) {
		t.Errorf("id_token sub: got %q, want a pseudonym", sub)
	}
	for _, k := range []string{"sid", "auth_time", "exp", "iat", "nbf", "amr"} {
		if _, ok := idc[k]; !ok {
			t.Errorf("id_token lacks %s", k)
		}
	}

	// Access token: at+jwt, both PAR resources as aud, bound to our key.
	if got := header(t, at)["typ"]; got != "at+jwt" {
		t.Errorf("access token typ: got %v, want at+jwt", got)
	}
	atc := claims(t, at)
	if got, want := toStrings(atc["aud"]), []string{persontjAud, ppsAud}; !slices.Equal(got, want) {
		t.Errorf("access token aud: got %v, want %v", got, want)
	}
	if got := atc["cnf"].(map[string]any)["jkt"]; got != e.signer.Thumbprint() {
		t.Errorf("cnf.jkt: got %v, want %v", got, e.signer.Thumbprint())
	}
	for k, want := range map[string]any{
		"client_id": clientID, "sub": sub, "sid": idc["sid"],
		"helseid://claims/client/claims/orgnr_parent":   doctor.OrgParent,
		"helseid://claims/client/claims/orgnr_child":    doctor.OrgChild,
		"helseid://claims/client/claims/client_tenancy": "single-tenant",
	} {
		if got := atc[k]; got != want {
			t.Errorf("access token %s: got %v, want %v", k, got, want)
		}
	}
	if _, ok := atc["scope"].([]any); !ok {
		t.Errorf("access token scope: got %T, want a JSON array", atc["scope"])
	}

	// Userinfo, with hpr_details.
	ui := e.userinfo(at, e.signer)
	if ui.StatusCode != http.StatusOK {
		t.Fatalf("userinfo: status %d: %s", ui.StatusCode, ui.body)
	}
	if ui.str("sub") != sub || ui.str("name") != "Ingrid Marie Haugland" || ui.str("helseid://claims/identity/pid") != doctor.PID {
		t.Errorf("userinfo: got %v", ui.json)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(ui.body), &raw); err != nil {
		t.Fatal(err)
	}
	details := raw["helseid://claims/hpr/hpr_details"]
	wantDetails := `{"approvals":[{"profession":"LE","authorization":{"value":"1","description":"Autorisasjon"},` +
		`"requisition_rights":[{"value":"1","description":"Full rekvisisjonsrett"}],` +
		`"specialities":[{"value":"1","description":"Allmennmedisin"}]}],"hpr_number":565501872}`
	if string(details) != wantDetails {
		t.Errorf("hpr_details:\ngot  %s\nwant %s", details, wantDetails)
	}

	// Refresh for one API: a single aud and only that API's scopes.
	rt := tr.str("refresh_token")
	rr := e.refresh(rt, ppsAud, e.signer)
	if rr.StatusCode != http.StatusOK {
		t.Fatalf("refresh: status %d: %s", rr.StatusCode, rr.body)
	}
	pc := claims(t, rr.str("access_token"))
	if got := pc["aud"]; got != ppsAud {
		t.Errorf("refreshed aud: got %v, want %q", got, ppsAud)
	}
	if got := toStrings(pc["scope"]); !slices.Equal(got, []string{ppsScope}) {
		t.Errorf("refreshed scope: got %v, want [%s]", got, ppsScope)
	}
	if got := pc["cnf"].(map[string]any)["jkt"]; got != e.signer.Thumbprint() {
		t.Errorf("refreshed cnf.jkt: got %v", got)
	}
	if rr.str("refresh_token") != rt || rr.str("scope") != ppsScope {
		t.Errorf("refresh response: got %v", rr.json)
	}
	st := e.sim.Stats()
	if st.Token["authorization_code"] != 1 || st.Token["refresh_token"] != 1 || st.TokenByAudience[ppsAud] != 2 || st.TokenByAudience[persontjAud] != 1 {
		t.Errorf("stats: got %+v", st)
	}

	// End session: back to the client with state, cookie cleared, refresh
	// token revoked.
	es := e.get("/connect/endsession?"+url.Values{
		"id_token_hint": {idToken}, "post_logout_redirect_uri": {e.logout}, "state": {"bye"},
	}.Encode(), nil)
	if es.StatusCode != http.StatusFound || es.Header.Get("Location") != e.logout+"?state=bye" {
		t.Fatalf("endsession: status %d, location %q", es.StatusCode, es.Header.Get("Location"))
	}
	if c := findCookie(es.Response, "helseidsim_session"); c == nil || c.MaxAge >= 0 {
		t.Errorf("endsession cookie: got %+v, want it cleared", c)
	}
	if r := e.refresh(rt, ppsAud, e.signer); r.StatusCode != http.StatusBadRequest || r.str("error") != "invalid_grant" {
		t.Errorf("refresh after endsession: status %d, error %q, want 400 invalid_grant", r.StatusCode, r.str("error"))
	}
}

func TestPicker(t *testing.T) {
	e := newEnv(t)
	p := newPKCE()
	pr := e.par(e.parParams(p, ""))
	page := e.get(e.authorizeURL(pr.str("request_uri")), nil)
	if page.StatusCode != http.StatusOK {
		t.Fatalf("picker: status %d: %s", page.StatusCode, page.body)
	}
	for _, want := range []string{`<html lang="nb">`, "<title>", "<main>", "<h1>", `<form method="post"`, `name="request_uri"`, `name="csrf"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("picker lacks %s", want)
		}
	}
	if got := strings.Count(page.body, "<button"); got != len(helseidsim.Personas()) {
		t.Errorf("buttons: got %d, want %d", got, len(helseidsim.Personas()))
	}
	if strings.Contains(page.body, "<script") {
		t.Error("picker has a script")
	}
	csp := page.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP: got %q", csp)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page.body)
	if csrf == nil {
		t.Fatal("no csrf value")
	}
	pick := func(csrfValue, persona string) *response {
		return e.post("/connect/authorize", url.Values{
			"client_id": {clientID}, "request_uri": {pr.str("request_uri")}, "csrf": {csrfValue}, "persona": {persona},
		}, nil)
	}

	t.Run("forged csrf", func(t *testing.T) {
		if r := pick("forged", "nurse"); r.StatusCode != http.StatusBadRequest {
			t.Errorf("status: got %d, want 400", r.StatusCode)
		}
	})
	t.Run("unknown persona", func(t *testing.T) {
		if r := pick(csrf[1], "mallory"); r.StatusCode != http.StatusBadRequest {
			t.Errorf("status: got %d, want 400", r.StatusCode)
		}
	})
	t.Run("choice", func(t *testing.T) {
		// A human is slower than the PAR's 60 s.
		e.clock.Advance(3 * time.Minute)
		r := pick(csrf[1], "nurse")
		if r.StatusCode != http.StatusFound {
			t.Fatalf("status: got %d, want 302: %s", r.StatusCode, r.body)
		}
		c := findCookie(r.Response, "helseidsim_session")
		if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Value == "" {
			t.Errorf("cookie: got %+v", c)
		}
		loc, _ := url.Parse(r.Header.Get("Location"))
		tr := e.exchange(loc.Query().Get("code"), p)
		if tr.StatusCode != http.StatusOK {
			t.Fatalf("exchange: status %d: %s", tr.StatusCode, tr.body)
		}
		if got, want := claims(t, tr.str("id_token"))["helseid://claims/identity/pid"], helseidsim.Personas()[1].PID; got != want {
			t.Errorf("pid: got %v, want nurse %v", got, want)
		}
	})
	t.Run("request_uri used up", func(t *testing.T) {
		if r := pick(csrf[1], "nurse"); r.StatusCode != http.StatusBadRequest {
			t.Errorf("status: got %d, want 400", r.StatusCode)
		}
	})
}

func TestS12_ClientAssertion(t *testing.T) {
	_, other := testKeys()
	tests := []struct {
		name string
		mod  func(h, p map[string]any, key *any)
		ok   bool
	}{
		{"good", nil, true},
		{"typ JWT", func(h, _ map[string]any, _ *any) { h["typ"] = "JWT" }, true},
		{"aud with trailing slash", func(_, p map[string]any, _ *any) { p["aud"] = p["aud"].(string) + "/" }, true},
		{"aud as list", func(_, p map[string]any, _ *any) { p["aud"] = []string{p["aud"].(string)} }, true},
		{"wrong client key", func(_, _ map[string]any, key *any) { *key = other }, false},
		{"alg HS256", func(h, _ map[string]any, key *any) {
			h["alg"] = "HS256"
			*key = []byte("a shared secret of 32 bytes....!")
		}, false},
		{"alg none", func(h, _ map[string]any, key *any) { h["alg"] = "none"; *key = nil }, false},
		{"lifetime over 60 s", func(_, p map[string]any, _ *any) { p["exp"] = p["iat"].(int64) + 61 }, false},
		{"expired", func(_, p map[string]any, _ *any) { p["iat"] = p["iat"].(int64) - 50; p["exp"] = p["iat"].(int64) + 40 }, false},
		{"no exp", func(_, p map[string]any, _ *any) { delete(p, "exp") }, false},
		{"no iat", func(_, p map[string]any, _ *any) { delete(p, "iat") }, false},
		{"no jti", func(_, p map[string]any, _ *any) { delete(p, "jti") }, false},
		{"wrong aud", func(_, p map[string]any, _ *any) { p["aud"] = "https://helseid-sts.nhn.no" }, false},
		{"sub differs", func(_, p map[string]any, _ *any) { p["sub"] = "someone-else" }, false},
		{"typ missing", func(h, _ map[string]any, _ *any) { delete(h, "typ") }, false},
		{"typ at+jwt", func(h, _ map[string]any, _ *any) { h["typ"] = "at+jwt" }, false},
		{"unknown client", func(_, p map[string]any, _ *any) { p["iss"], p["sub"] = "stranger", "stranger" }, false},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.post("/connect/par", e.authForm(e.parParams(newPKCE(), "doctor"), e.assertion(tt.mod)), nil)
			if tt.ok {
				if r.StatusCode != http.StatusCreated {
					t.Errorf("status: got %d, want 201: %s", r.StatusCode, r.body)
				}
				return
			}
			if r.StatusCode != http.StatusUnauthorized || r.str("error") != "invalid_client" {
				t.Errorf("got %d %q, want 401 invalid_client", r.StatusCode, r.str("error"))
			}
		})
	}

	t.Run("aud is the endpoint URL", func(t *testing.T) {
		a := e.assertion(func(_, p map[string]any, _ *any) { p["aud"] = e.issuer + "/connect/par" })
		if r := e.post("/connect/par", e.authForm(e.parParams(newPKCE(), "doctor"), a), nil); r.StatusCode != http.StatusCreated {
			t.Errorf("status: got %d, want 201: %s", r.StatusCode, r.body)
		}
	})
	t.Run("replayed assertion", func(t *testing.T) {
		a := e.assertion(nil)
		if r := e.post("/connect/par", e.authForm(e.parParams(newPKCE(), "doctor"), a), nil); r.StatusCode != http.StatusCreated {
			t.Fatalf("first use: status %d: %s", r.StatusCode, r.body)
		}
		r := e.post("/connect/par", e.authForm(e.parParams(newPKCE(), "doctor"), a), nil)
		if r.StatusCode != http.StatusUnauthorized || r.str("error") != "invalid_client" {
			t.Errorf("replay: got %d %q, want 401 invalid_client", r.StatusCode, r.str("error"))
		}
	})
	t.Run("client secret refused", func(t *testing.T) {
		f := e.authForm(e.parParams(newPKCE(), "doctor"), e.assertion(nil))
		f.Set("client_secret", "s3cret")
		if r := e.post("/connect/par", f, nil); r.str("error") != "invalid_client" {
			t.Errorf("got %d %q, want invalid_client", r.StatusCode, r.str("error"))
		}
	})
	t.Run("basic auth refused", func(t *testing.T) {
		f := e.authForm(e.parParams(newPKCE(), "doctor"), e.assertion(nil))
		if r := e.post("/connect/par", f, http.Header{"Authorization": {"Basic b3BwOnNlY3JldA=="}}); r.str("error") != "invalid_client" {
			t.Errorf("got %d %q, want invalid_client", r.StatusCode, r.str("error"))
		}
	})
	t.Run("token endpoint checks too", func(t *testing.T) {
		a := e.assertion(func(_, _ map[string]any, key *any) { *key = other })
		r := e.post("/connect/token", e.authForm(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}}, a), nil)
		if r.StatusCode != http.StatusUnauthorized || r.str("error") != "invalid_client" {
			t.Errorf("got %d %q, want 401 invalid_client", r.StatusCode, r.str("error"))
		}
	})
}

func TestS11_PushedAuthorizationRequest(t *testing.T) {
	tests := []struct {
		name    string
		mod     func(e *env, v url.Values)
		wantErr string
	}{
		{"missing PKCE", func(_ *env, v url.Values) { v.Del("code_challenge"); v.Del("code_challenge_method") }, "invalid_request"},
		{"missing challenge method", func(_ *env, v url.Values) { v.Del("code_challenge_method") }, "invalid_request"},
		{"plain PKCE method", func(_ *env, v url.Values) { v.Set("code_challenge_method", "plain") }, "invalid_request"},
		{"implicit flow", func(_ *env, v url.Values) { v.Set("response_type", "token") }, "unsupported_response_type"},
		{"hybrid flow", func(_ *env, v url.Values) { v.Set("response_type", "code id_token") }, "unsupported_response_type"},
		{"unregistered redirect_uri", func(_ *env, v url.Values) { v.Set("redirect_uri", "https://evil.example.test/cb") }, "invalid_request"},
		{"scope not allowed", func(_ *env, v url.Values) { v.Set("scope", v.Get("scope")+" nhn:other/api") }, "invalid_scope"},
		{"unknown resource", func(_ *env, v url.Values) { v.Add("resource", "nhn:unknown") }, "invalid_target"},
		{"resource without its scopes", func(_ *env, v url.Values) {
			v.Set("scope", strings.ReplaceAll(v.Get("scope"), " "+ppsScope, ""))
		}, "invalid_target"},
		{"repeated parameter", func(_ *env, v url.Values) { v.Add("state", "again") }, "invalid_request"},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := e.parParams(newPKCE(), "doctor")
			tt.mod(e, v)
			r := e.par(v)
			if r.StatusCode != http.StatusBadRequest || r.str("error") != tt.wantErr {
				t.Errorf("got %d %q, want 400 %q", r.StatusCode, r.str("error"), tt.wantErr)
			}
		})
	}

	t.Run("authorize uses only the pushed values", func(t *testing.T) {
		v := e.parParams(newPKCE(), "doctor")
		pr := e.par(v)
		r := e.get(e.authorizeURL(pr.str("request_uri"))+"&redirect_uri=https%3A%2F%2Fevil.example.test%2Fcb&state=forged", nil)
		loc, _ := url.Parse(r.Header.Get("Location"))
		if r.StatusCode != http.StatusFound || loc.Host != "portal.example.test" || loc.Query().Get("state") != v.Get("state") {
			t.Errorf("got %d to %q", r.StatusCode, r.Header.Get("Location"))
		}
	})
	t.Run("request_uri single use", func(t *testing.T) {
		pr := e.par(e.parParams(newPKCE(), "doctor"))
		if r := e.get(e.authorizeURL(pr.str("request_uri")), nil); r.StatusCode != http.StatusFound {
			t.Fatalf("first use: %d", r.StatusCode)
		}
		if r := e.get(e.authorizeURL(pr.str("request_uri")), nil); r.StatusCode != http.StatusBadRequest {
			t.Errorf("second use: got %d, want 400", r.StatusCode)
		}
	})
	t.Run("request_uri expires", func(t *testing.T) {
		pr := e.par(e.parParams(newPKCE(), "doctor"))
		e.clock.Advance(61 * time.Second)
		if r := e.get(e.authorizeURL(pr.str("request_uri")), nil); r.StatusCode != http.StatusBadRequest {
			t.Errorf("got %d, want 400", r.StatusCode)
		}
	})
	t.Run("request_uri of another client", func(t *testing.T) {
		pr := e.par(e.parParams(newPKCE(), "doctor"))
		u := e.issuer + "/connect/authorize?" + url.Values{"client_id": {"other"}, "request_uri": {pr.str("request_uri")}}.Encode()
		if r := e.get(u, nil); r.StatusCode != http.StatusBadRequest {
			t.Errorf("got %d, want 400", r.StatusCode)
		}
	})
	t.Run("authorize without PAR", func(t *testing.T) {
		u := e.issuer + "/connect/authorize?" + url.Values{
			"client_id": {clientID}, "response_type": {"code"}, "redirect_uri": {e.redirect}, "scope": {"openid"},
		}.Encode()
		if r := e.get(u, nil); r.StatusCode != http.StatusBadRequest {
			t.Errorf("got %d, want 400", r.StatusCode)
		}
	})
	t.Run("prompt none with session", func(t *testing.T) {
		e.loggedIn("nurse")
		p := newPKCE()
		v := e.parParams(p, "")
		v.Set("prompt", "none")
		r := e.get(e.authorizeURL(e.par(v).str("request_uri")), nil)
		loc, _ := url.Parse(r.Header.Get("Location"))
		if r.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
			t.Fatalf("got %d to %q, want a code", r.StatusCode, r.Header.Get("Location"))
		}
		tr := e.exchange(loc.Query().Get("code"), p)
		if got, want := claims(t, tr.str("id_token"))["helseid://claims/identity/pid"], helseidsim.Personas()[1].PID; got != want {
			t.Errorf("pid: got %v, want the session's nurse %v", got, want)
		}
	})
	t.Run("prompt none without session", func(t *testing.T) {
		e.resetBrowser()
		v := e.parParams(newPKCE(), "")
		v.Set("prompt", "none")
		r := e.get(e.authorizeURL(e.par(v).str("request_uri")), nil)
		loc, _ := url.Parse(r.Header.Get("Location"))
		if r.StatusCode != http.StatusFound || loc.Query().Get("error") != "login_required" {
			t.Errorf("got %d to %q, want a login_required redirect", r.StatusCode, r.Header.Get("Location"))
		}
	})
}

func TestS11_CodeExchange(t *testing.T) {
	codeForm := func(e *env, code string, p pkce) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {e.redirect}, "code_verifier": {p.verifier}}
	}
	tests := []struct {
		name string
		mod  func(e *env, f url.Values)
	}{
		{"wrong code_verifier", func(_ *env, f url.Values) { f.Set("code_verifier", newPKCE().verifier) }},
		{"missing code_verifier", func(_ *env, f url.Values) { f.Del("code_verifier") }},
		{"short code_verifier", func(_ *env, f url.Values) { f.Set("code_verifier", "abc") }},
		{"wrong redirect_uri", func(_ *env, f url.Values) { f.Set("redirect_uri", "https://portal.example.test/other") }},
		{"unknown code", func(_ *env, f url.Values) { f.Set("code", "made-up") }},
		{"expired code", func(e *env, _ url.Values) { e.clock.Advance(61 * time.Second) }},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPKCE()
			cb, _ := e.login("doctor", p)
			f := codeForm(e, cb.Get("code"), p)
			tt.mod(e, f)
			r := e.token(f, e.signer)
			if r.StatusCode != http.StatusBadRequest || r.str("error") != "invalid_grant" {
				t.Errorf("got %d %q, want 400 invalid_grant", r.StatusCode, r.str("error"))
			}
		})
	}
	t.Run("code reuse", func(t *testing.T) {
		p := newPKCE()
		cb, _ := e.login("doctor", p)
		first := e.token(codeForm(e, cb.Get("code"), p), e.signer)
		if first.StatusCode != http.StatusOK {
			t.Fatalf("first: %d %s", first.StatusCode, first.body)
		}
		second := e.token(codeForm(e, cb.Get("code"), p), e.signer)
		if second.StatusCode != http.StatusBadRequest || second.str("error") != "invalid_grant" {
			t.Errorf("second: got %d %q, want 400 invalid_grant", second.StatusCode, second.str("error"))
		}
		// The reuse revokes what the first redemption issued.
		if r := e.refresh(first.str("refresh_token"), "", e.signer); r.str("error") != "invalid_grant" {
			t.Errorf("refresh after code reuse: got %d %q, want invalid_grant", r.StatusCode, r.str("error"))
		}
	})
	t.Run("code used by wrong verifier is gone", func(t *testing.T) {
		p := newPKCE()
		cb, _ := e.login("doctor", p)
		bad := codeForm(e, cb.Get("code"), p)
		bad.Set("code_verifier", newPKCE().verifier)
		e.token(bad, e.signer)
		if r := e.token(codeForm(e, cb.Get("code"), p), e.signer); r.str("error") != "invalid_grant" {
			t.Errorf("got %d %q, want invalid_grant", r.StatusCode, r.str("error"))
		}
	})
	t.Run("unsupported grant", func(t *testing.T) {
		r := e.token(url.Values{"grant_type": {"password"}, "username": {"u"}, "password": {"p"}}, e.signer)
		if r.str("error") != "unsupported_grant_type" {
			t.Errorf("got %d %q, want unsupported_grant_type", r.StatusCode, r.str("error"))
		}
	})
}

func TestS12_DPoPAtTokenEndpoint(t *testing.T) {
	e := newEnv(t)
	_, other := testKeys()
	t.Run("missing proof", func(t *testing.T) {
		p := newPKCE()
		cb, _ := e.login("doctor", p)
		r := e.token(url.Values{"grant_type": {"authorization_code"}, "code": {cb.Get("code")}, "redirect_uri": {e.redirect}, "code_verifier": {p.verifier}}, nil)
		if r.StatusCode != http.StatusBadRequest || r.str("error") != "invalid_dpop_proof" {
			t.Errorf("got %d %q, want 400 invalid_dpop_proof", r.StatusCode, r.str("error"))
		}
	})
	t.Run("bad htu", func(t *testing.T) {
		e.loggedIn("doctor") // learns a nonce
		p := newPKCE()
		cb, _ := e.login("doctor", p)
		proof, _ := e.signer.Proof(http.MethodPost, e.issuer+"/connect/par", e.nonce, "")
		f := e.authForm(url.Values{"grant_type": {"authorization_code"}, "code": {cb.Get("code")}, "redirect_uri": {e.redirect}, "code_verifier": {p.verifier}}, e.assertion(nil))
		r := e.post("/connect/token", f, http.Header{"Dpop": {proof}})
		if r.StatusCode != http.StatusBadRequest || r.str("error") != "invalid_dpop_proof" {
			t.Errorf("got %d %q, want 400 invalid_dpop_proof", r.StatusCode, r.str("error"))
		}
	})
	t.Run("replayed proof", func(t *testing.T) {
		tr := e.loggedIn("doctor")
		proof, _ := e.signer.Proof(http.MethodPost, e.issuer+"/connect/token", e.nonce, "")
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.str("refresh_token")}}
		if r := e.post("/connect/token", e.authForm(form, e.assertion(nil)), http.Header{"Dpop": {proof}}); r.StatusCode != http.StatusOK {
			t.Fatalf("first: %d %s", r.StatusCode, r.body)
		}
		r := e.post("/connect/token", e.authForm(form, e.assertion(nil)), http.Header{"Dpop": {proof}})
		if r.StatusCode != http.StatusBadRequest || r.str("error") != "invalid_dpop_proof" {
			t.Errorf("got %d %q, want 400 invalid_dpop_proof", r.StatusCode, r.str("error"))
		}
	})
	t.Run("wrong key for bound refresh token", func(t *testing.T) {
		tr := e.loggedIn("doctor")
		r := e.refresh(tr.str("refresh_token"), ppsAud, e.newSigner(other))
		if r.StatusCode != http.StatusBadRequest || r.str("error") != "invalid_dpop_proof" {
			t.Errorf("got %d %q, want 400 invalid_dpop_proof", r.StatusCode, r.str("error"))
		}
	})
	t.Run("stale nonce asks again", func(t *testing.T) {
		tr := e.loggedIn("doctor")
		old := e.nonce
		e.clock.Advance(6 * time.Minute)
		r := e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.str("refresh_token")}}, e.signer)
		if r.StatusCode != http.StatusBadRequest || r.str("error") != "use_dpop_nonce" {
			t.Fatalf("got %d %q, want 400 use_dpop_nonce", r.StatusCode, r.str("error"))
		}
		if n := r.Header.Get("DPoP-Nonce"); n == "" || n == old {
			t.Errorf("DPoP-Nonce: got %q, want a fresh one", n)
		}
	})
	t.Run("forged nonce", func(t *testing.T) {
		tr := e.loggedIn("doctor")
		e.nonce = "forged-nonce"
		r := e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.str("refresh_token")}}, e.signer)
		if r.str("error") != "use_dpop_nonce" {
			t.Errorf("got %d %q, want use_dpop_nonce", r.StatusCode, r.str("error"))
		}
	})
}

func TestRefresh(t *testing.T) {
	e := newEnv(t)
	t.Run("resource not requested at PAR", func(t *testing.T) {
		tr := e.loggedIn("doctor")
		r := e.refresh(tr.str("refresh_token"), "nhn:hpr", e.signer)
		if r.StatusCode != http.StatusBadRequest || r.str("error") != "invalid_target" {
			t.Errorf("got %d %q, want 400 invalid_target", r.StatusCode, r.str("error"))
		}
	})
	t.Run("reusable, one token per audience", func(t *testing.T) {
		tr := e.loggedIn("doctor")
		before := e.sim.Stats()
		for _, aud := range []string{persontjAud, ppsAud, persontjAud} {
			r := e.refresh(tr.str("refresh_token"), aud, e.signer)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("refresh for %s: %d %s", aud, r.StatusCode, r.body)
			}
			if got := claims(t, r.str("access_token"))["aud"]; got != aud {
				t.Errorf("aud: got %v, want %s", got, aud)
			}
		}
		st := e.sim.Stats()
		if st.TokenByAudience[persontjAud]-before.TokenByAudience[persontjAud] != 2 ||
			st.TokenByAudience[ppsAud]-before.TokenByAudience[ppsAud] != 1 ||
			st.Token["refresh_token"]-before.Token["refresh_token"] != 3 {
			t.Errorf("stats: got %+v", st)
		}
	})
	t.Run("expired", func(t *testing.T) {
		tr := e.loggedIn("doctor")
		e.clock.Advance(12*time.Hour + time.Second)
		if r := e.refresh(tr.str("refresh_token"), "", e.signer); r.str("error") != "invalid_grant" {
			t.Errorf("got %d %q, want invalid_grant", r.StatusCode, r.str("error"))
		}
	})
	t.Run("no refresh token without offline_access", func(t *testing.T) {
		p := newPKCE()
		v := e.parParams(p, "nurse")
		v.Set("scope", "openid profile "+ppsScope)
		v.Del("resource")
		pr := e.par(v)
		loc, _ := url.Parse(e.get(e.authorizeURL(pr.str("request_uri")), nil).Header.Get("Location"))
		tr := e.exchange(loc.Query().Get("code"), p)
		if tr.StatusCode != http.StatusOK || tr.str("refresh_token") != "" {
			t.Errorf("got %d with refresh_token %q", tr.StatusCode, tr.str("refresh_token"))
		}
		if got := claims(t, tr.str("access_token"))["aud"]; got != e.issuer+"/resources" {
			t.Errorf("aud: got %v, want %s/resources", got, e.issuer)
		}
	})
}

func TestUserinfo(t *testing.T) {
	e := newEnv(t)
	tr := e.loggedIn("admin")
	at := tr.str("access_token")
	t.Run("no HPR number", func(t *testing.T) {
		r := e.userinfo(at, e.signer)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", r.StatusCode, r.body)
		}
		for _, k := range []string{"helseid://claims/hpr/hpr_number", "helseid://claims/hpr/hpr_details"} {
			if _, ok := r.json[k]; ok {
				t.Errorf("admin has %s", k)
			}
		}
	})
	t.Run("Bearer scheme", func(t *testing.T) {
		r := e.get("/connect/userinfo", http.Header{"Authorization": {"Bearer " + at}})
		if r.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "DPoP ") {
			t.Errorf("got %d %q", r.StatusCode, r.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("missing proof", func(t *testing.T) {
		r := e.get("/connect/userinfo", http.Header{"Authorization": {"DPoP " + at}})
		if r.StatusCode != http.StatusUnauthorized || r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("got %d %q", r.StatusCode, r.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("proof without ath", func(t *testing.T) {
		proof, _ := e.signer.Proof(http.MethodGet, e.issuer+"/connect/userinfo", "", "")
		r := e.get("/connect/userinfo", http.Header{"Authorization": {"DPoP " + at}, "Dpop": {proof}})
		if r.StatusCode != http.StatusUnauthorized {
			t.Errorf("got %d, want 401", r.StatusCode)
		}
	})
	t.Run("API token lacks openid", func(t *testing.T) {
		rr := e.refresh(tr.str("refresh_token"), ppsAud, e.signer)
		r := e.userinfo(rr.str("access_token"), e.signer)
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Header.Get("WWW-Authenticate"), "insufficient_scope") {
			t.Errorf("got %d %q, want 403 insufficient_scope", r.StatusCode, r.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("expired token", func(t *testing.T) {
		e.clock.Advance(601 * time.Second)
		if r := e.userinfo(at, e.signer); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("got %d, want 401", r.StatusCode)
		}
	})
}

func TestEndSession(t *testing.T) {
	e := newEnv(t)
	t.Run("without hint", func(t *testing.T) {
		r := e.get("/connect/endsession", nil)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.body, `lang="nb"`) || r.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("got %d", r.StatusCode)
		}
	})
	t.Run("unregistered post_logout_redirect_uri", func(t *testing.T) {
		tr := e.loggedIn("doctor")
		r := e.get("/connect/endsession?"+url.Values{"id_token_hint": {tr.str("id_token")}, "post_logout_redirect_uri": {"https://evil.example.test/"}}.Encode(), nil)
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("got %d, want 400", r.StatusCode)
		}
	})
	t.Run("forged hint does not redirect", func(t *testing.T) {
		forged := signJWT(map[string]any{"alg": "RS256", "typ": "JWT"}, map[string]any{"iss": e.issuer, "aud": clientID, "sid": "x"}, e.key)
		r := e.get("/connect/endsession?"+url.Values{"id_token_hint": {forged}, "post_logout_redirect_uri": {e.logout}}.Encode(), nil)
		if r.StatusCode != http.StatusOK {
			t.Errorf("got %d, want the signed-out page", r.StatusCode)
		}
	})
	t.Run("expired hint still valid", func(t *testing.T) {
		tr := e.loggedIn("doctor")
		e.clock.Advance(2 * time.Hour)
		r := e.get("/connect/endsession?"+url.Values{"id_token_hint": {tr.str("id_token")}, "post_logout_redirect_uri": {e.logout}}.Encode(), nil)
		if r.StatusCode != http.StatusFound || r.Header.Get("Location") != e.logout {
			t.Errorf("got %d %q", r.StatusCode, r.Header.Get("Location"))
		}
	})
}

func TestS14_SetDown(t *testing.T) {
	e := newEnv(t)
	e.sim.SetDown(true)
	for _, path := range []string{"/.well-known/openid-configuration", "/.well-known/openid-configuration/jwks", "/connect/authorize", "/connect/userinfo", "/connect/endsession"} {
		if r := e.get(path, nil); r.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("GET %s: got %d, want 503", path, r.StatusCode)
		}
	}
	for _, path := range []string{"/connect/par", "/connect/token"} {
		if r := e.post(path, url.Values{}, nil); r.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("POST %s: got %d, want 503", path, r.StatusCode)
		}
	}
	e.sim.SetDown(false)
	if r := e.get("/.well-known/openid-configuration", nil); r.StatusCode != http.StatusOK {
		t.Errorf("after SetDown(false): got %d, want 200", r.StatusCode)
	}
}

func TestS12_VerifyAccessToken(t *testing.T) {
	_, other := testKeys()
	const api = "https://et.persontjenesten.test.nhn.no"
	const target = api + "/api/v3/full-access/person/get-by-nin?informationParts=Name"
	e := newEnv(t)
	tr := e.loggedIn("doctor")
	pt := e.refresh(tr.str("refresh_token"), persontjAud, e.signer).str("access_token")

	t.Run("good", func(t *testing.T) {
		c, err := e.sim.VerifyAccessToken(e.apiRequest(http.MethodPost, target, pt, e.signer), api, persontjAud, persontjRW)
		if err != nil {
			t.Fatalf("got %v, want nil", err)
		}
		if c["helseid://claims/identity/pid"] != helseidsim.Personas()[0].PID {
			t.Errorf("claims: got %v", c)
		}
	})
	tests := []struct {
		name    string
		req     func() *http.Request
		aud     string
		scope   string
		wantErr error
	}{
		{"wrong aud", func() *http.Request { return e.apiRequest(http.MethodPost, target, pt, e.signer) }, ppsAud, ppsScope, helseidsim.ErrInvalidToken},
		{"multi-audience token", func() *http.Request {
			return e.apiRequest(http.MethodPost, target, tr.str("access_token"), e.signer)
		}, persontjAud, persontjRW, helseidsim.ErrInvalidToken},
		{"missing scope", func() *http.Request { return e.apiRequest(http.MethodPost, target, pt, e.signer) }, persontjAud, "nhn:hgd-persontjenesten-api/restricted-access", helseidsim.ErrInsufficientScope},
		{"wrong proof key", func() *http.Request { return e.apiRequest(http.MethodPost, target, pt, e.newSigner(other)) }, persontjAud, persontjRW, dpop.ErrWrongBinding},
		{"no proof", func() *http.Request {
			r := e.apiRequest(http.MethodPost, target, pt, e.signer)
			r.Header.Del("DPoP")
			return r
		}, persontjAud, persontjRW, dpop.ErrMissing},
		{"proof for another URL", func() *http.Request {
			r := e.apiRequest(http.MethodPost, api+"/api/v3/full-access/person/bulk-by-nin", pt, e.signer)
			r.URL, _ = url.Parse(target)
			return r
		}, persontjAud, persontjRW, dpop.ErrInvalid},
		{"Bearer scheme", func() *http.Request {
			r := e.apiRequest(http.MethodPost, target, pt, e.signer)
			r.Header.Set("Authorization", "Bearer "+pt)
			return r
		}, persontjAud, persontjRW, helseidsim.ErrInvalidToken},
		{"token from another issuer", func() *http.Request {
			forged := signJWT(map[string]any{"alg": "RS256", "typ": "at+jwt"}, claims(t, pt), e.key)
			return e.apiRequest(http.MethodPost, target, forged, e.signer)
		}, persontjAud, persontjRW, helseidsim.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.sim.VerifyAccessToken(tt.req(), api, tt.aud, tt.scope)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("got %v, want %v", err, tt.wantErr)
			}
		})
	}
	t.Run("replayed proof", func(t *testing.T) {
		r := e.apiRequest(http.MethodPost, target, pt, e.signer)
		if _, err := e.sim.VerifyAccessToken(r, api, persontjAud, persontjRW); err != nil {
			t.Fatal(err)
		}
		if _, err := e.sim.VerifyAccessToken(r, api, persontjAud, persontjRW); !errors.Is(err, dpop.ErrReplay) {
			t.Errorf("got %v, want %v", err, dpop.ErrReplay)
		}
	})
	t.Run("expired", func(t *testing.T) {
		e.clock.Advance(601 * time.Second)
		_, err := e.sim.VerifyAccessToken(e.apiRequest(http.MethodPost, target, pt, e.signer), api, persontjAud, persontjRW)
		if !errors.Is(err, helseidsim.ErrInvalidToken) {
			t.Errorf("got %v, want %v", err, helseidsim.ErrInvalidToken)
		}
	})
}

func TestPersonas(t *testing.T) {
	ps := helseidsim.Personas()
	ids := make([]string, 0, len(ps))
	pids := map[string]bool{}
	for _, p := range ps {
		ids = append(ids, p.ID)
		if pids[p.PID] {
			t.Errorf("%s: pid repeated", p.ID)
		}
		pids[p.PID] = true
		if !validTNumber(p.PID) {
			t.Errorf("%s: pid is not a valid synthetic T-number", p.ID)
		}
		if !validOrgNumber(p.OrgParent) || !validOrgNumber(p.OrgChild) {
			t.Errorf("%s: org numbers %s/%s fail mod 11", p.ID, p.OrgParent, p.OrgChild)
		}
		if p.GivenName == "" || p.FamilyName == "" || p.Description == "" || p.Network != "internett" {
			t.Errorf("%s: incomplete: %+v", p.ID, p)
		}
	}
	if want := []string{"doctor", "nurse", "admin", "auditor", "level3"}; !slices.Equal(ids, want) {
		t.Fatalf("ids: got %v, want %v", ids, want)
	}
	byID := map[string]helseidsim.Persona{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	for _, tt := range []struct {
		id, level, profession string
		hpr                   bool
	}{
		{"doctor", "4", "LE", true}, {"nurse", "4", "SP", true}, {"admin", "4", "", false},
		{"auditor", "4", "", false}, {"level3", "3", "SP", true},
	} {
		p := byID[tt.id]
		if p.SecurityLevel != tt.level || (p.HPRNumber != "") != tt.hpr {
			t.Errorf("%s: got level %s hpr %q", tt.id, p.SecurityLevel, p.HPRNumber)
		}
		prof := ""
		if len(p.Approvals) > 0 {
			prof = p.Approvals[0].Profession
		}
		if prof != tt.profession {
			t.Errorf("%s: profession got %q, want %q", tt.id, prof, tt.profession)
		}
	}
}

// validTNumber checks a Test-Norge number: month + 80 and both mod-11
// check digits.
func validTNumber(s string) bool {
	if len(s) != 11 {
		return false
	}
	d := make([]int, 11)
	for i, c := range s {
		if c < '0' || c > '9' {
			return false
		}
		d[i] = int(c - '0')
	}
	if m := d[2]*10 + d[3]; m < 81 || m > 92 {
		return false
	}
	check := func(w []int) int {
		sum := 0
		for i, wi := range w {
			sum += d[i] * wi
		}
		k := 11 - sum%11
		if k == 11 {
			k = 0
		}
		return k
	}
	return check([]int{3, 7, 6, 1, 8, 9, 4, 5, 2}) == d[9] && check([]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}) == d[10]
}

func validOrgNumber(s string) bool {
	if len(s) != 9 {
		return false
	}
	w := []int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, c := range s[:8] {
		sum += int(c-'0') * w[i]
	}
	k := 11 - sum%11
	if k == 11 {
		k = 0
	}
	return k != 10 && k == int(s[8]-'0')
}

func findCookie(r *http.Response, name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func toStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, s := range x {
			str, _ := s.(string)
			out = append(out, str)
		}
		return out
	}
	return nil
}

func TestIssuerWithPath(t *testing.T) {
	for _, strip := range []bool{false, true} {
		t.Run(map[bool]string{false: "served as is", true: "behind StripPrefix"}[strip], func(t *testing.T) {
			e := newEnvAt(t, "/helseid", strip)
			d := e.get("/.well-known/openid-configuration", nil)
			if d.StatusCode != http.StatusOK || d.str("token_endpoint") != e.issuer+"/connect/token" {
				t.Fatalf("discovery: %d %v", d.StatusCode, d.json["token_endpoint"])
			}
			tr := e.loggedIn("doctor")
			if ui := e.userinfo(tr.str("access_token"), e.signer); ui.StatusCode != http.StatusOK {
				t.Errorf("userinfo: %d %s", ui.StatusCode, ui.body)
			}
		})
	}
}

// TestGarbageNeverPanics sends malformed input to every endpoint; each must
// answer a client error, never a server error.
func TestGarbageNeverPanics(t *testing.T) {
	e := newEnv(t)
	junkJWT := "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9.AAAA"
	long := strings.Repeat("x", 100<<10)
	tests := []struct {
		name, method, path, contentType, body string
		header                                http.Header
	}{
		{"PAR empty", "POST", "/connect/par", "application/x-www-form-urlencoded", "", nil},
		{"PAR bad encoding", "POST", "/connect/par", "application/x-www-form-urlencoded", "%zz=%", nil},
		{"PAR oversized", "POST", "/connect/par", "application/x-www-form-urlencoded", "a=" + long, nil},
		{"PAR JSON body", "POST", "/connect/par", "application/json", `{"client_id":1}`, nil},
		{"PAR junk assertion", "POST", "/connect/par", "application/x-www-form-urlencoded",
			url.Values{"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {junkJWT}}.Encode(), nil},
		{"token junk", "POST", "/connect/token", "application/x-www-form-urlencoded", "grant_type=%00&code=" + long[:1000], nil},
		{"token junk DPoP", "POST", "/connect/token", "application/x-www-form-urlencoded",
			e.authForm(url.Values{"grant_type": {"refresh_token"}}, e.assertion(nil)).Encode(), http.Header{"Dpop": {junkJWT}}},
		{"authorize junk", "GET", "/connect/authorize?client_id=%00&request_uri=" + url.QueryEscape(long[:2000]), "", "", nil},
		{"picker junk", "POST", "/connect/authorize", "application/x-www-form-urlencoded", "request_uri=x&client_id=y&csrf=&persona=", nil},
		{"userinfo junk", "GET", "/connect/userinfo", "", "", http.Header{"Authorization": {"DPoP " + junkJWT}, "Dpop": {junkJWT}}},
		{"userinfo two auth headers", "GET", "/connect/userinfo", "", "", http.Header{"Authorization": {"DPoP a", "DPoP b"}}},
		{"endsession junk hint", "GET", "/connect/endsession?id_token_hint=" + junkJWT + "&post_logout_redirect_uri=%00", "", "", nil},
		{"wrong method", "DELETE", "/connect/token", "", "", nil},
		{"unknown path", "GET", "/connect/introspect", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r *response
			if tt.method == "POST" {
				r = e.postRaw(tt.path, tt.contentType, tt.body, tt.header)
			} else {
				req, _ := http.NewRequest(tt.method, e.issuer+tt.path, nil)
				for k, v := range tt.header {
					req.Header[k] = v
				}
				r = e.do(req)
			}
			if r.StatusCode < 400 && tt.name != "endsession junk hint" || r.StatusCode >= 500 {
				t.Errorf("status: got %d, want a 4xx: %s", r.StatusCode, r.body)
			}
		})
	}
}

// The picker speaks the portal's language: its "lang" cookie first, then
// Accept-Language, then bokmål.
func TestPickerLanguage(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		want   []string
	}{
		{"default", nil, []string{`<html lang="nb">`, "<h1>Velg testperson</h1>", "sikkerhetsnivå 4"}},
		{"accept english", http.Header{"Accept-Language": {"en-GB,en;q=0.9"}},
			[]string{`<html lang="en">`, "<h1>Choose a test user</h1>", "Doctor (LE), GP — security level 4"}},
		{"cookie nynorsk", http.Header{"Cookie": {"lang=nn"}, "Accept-Language": {"en"}},
			[]string{`<html lang="nn">`, "<h1>Vel testperson</h1>", "Sjukepleiar (SP) — tryggleiksnivå 4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			pr := e.par(e.parParams(newPKCE(), ""))
			page := e.get(e.authorizeURL(pr.str("request_uri")), tt.header)
			if page.StatusCode != http.StatusOK {
				t.Fatalf("picker: status %d: %s", page.StatusCode, page.body)
			}
			for _, want := range tt.want {
				if !strings.Contains(page.body, want) {
					t.Errorf("picker lacks %q", want)
				}
			}
		})
	}
}
