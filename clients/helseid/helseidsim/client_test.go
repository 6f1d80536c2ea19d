package helseidsim_test

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/clocktest"
	"github.com/oppslag/oppslag/clients/dpop"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
)

// This file is a deliberately small, hand-written HelseID client: it builds
// client assertions and DPoP proofs itself, so the tests see the wire
// protocol and can break any part of it.

const (
	clientID    = "oppslag-test"
	persontjAud = "nhn:hgd-persontjenesten-api"
	persontjRW  = "nhn:hgd-persontjenesten-api/full-access"
	ppsAud      = "nhn:pps"
	ppsScope    = "nhn:pps/provesvar-read"
)

var loginScopes = []string{
	"openid", "profile", "offline_access",
	"helseid://scopes/identity/pid", "helseid://scopes/identity/security_level",
	"helseid://scopes/identity/assurance_level", "helseid://scopes/identity/network",
	"helseid://scopes/hpr/hpr_number", persontjRW, ppsScope,
}

var (
	keyOnce   sync.Once
	clientKey *rsa.PrivateKey
	otherKey  *rsa.PrivateKey
)

func testKeys() (*rsa.PrivateKey, *rsa.PrivateKey) {
	keyOnce.Do(func() {
		var err error
		if clientKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if otherKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return clientKey, otherKey
}

// env is a simulator behind httptest plus a registered test client.
type env struct {
	t        *testing.T
	clock    *clocktest.Clock
	sim      *helseidsim.Server
	issuer   string
	redirect string
	logout   string
	key      *rsa.PrivateKey
	signer   *dpop.Signer
	browser  *http.Client
	nonce    string // last DPoP nonce from the token endpoint
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvAt(t, "", false)
}

// newEnvAt serves the simulator with an issuer path prefix, with or without
// a router stripping it.
func newEnvAt(t *testing.T, prefix string, strip bool) *env {
	t.Helper()
	key, _ := testKeys()
	e := &env{t: t, clock: clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)), key: key}
	ts := httptest.NewUnstartedServer(nil)
	e.issuer = "http://" + ts.Listener.Addr().String() + prefix
	sim, err := helseidsim.New(e.issuer, helseidsim.Options{Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.sim = sim
	ts.Config.Handler = sim
	if strip {
		mux := http.NewServeMux()
		mux.Handle(prefix+"/", http.StripPrefix(prefix, sim))
		ts.Config.Handler = mux
	}
	ts.Start()
	t.Cleanup(ts.Close)

	e.redirect = "https://portal.example.test/auth/callback"
	e.logout = "https://portal.example.test/signed-out"
	sim.RegisterClient(helseidsim.Client{
		ID:                     clientID,
		Keys:                   []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "client-key", Algorithm: "RS256", Use: "sig"}},
		RedirectURIs:           []string{e.redirect},
		PostLogoutRedirectURIs: []string{e.logout},
		Scopes:                 append(append([]string{}, loginScopes...), "nhn:hgd-persontjenesten-api/restricted-access"),
	})
	// The same key signs client assertions and DPoP proofs, as HelseID's
	// security profile prescribes.
	e.signer = e.newSigner(key)
	e.resetBrowser()
	return e
}

// resetBrowser starts a browser with no cookies.
func (e *env) resetBrowser() {
	jar, _ := cookiejar.New(nil)
	e.browser = &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (e *env) newSigner(key *rsa.PrivateKey) *dpop.Signer {
	e.t.Helper()
	s, err := dpop.NewSigner(jose.JSONWebKey{Key: key, Algorithm: "RS256"}, e.clock.Now)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// signJWT builds a compact JWS. key selects the algorithm's signer: an RSA
// key signs RS256, a []byte HS256, nil nothing (alg none). The header's alg
// is whatever the caller put there.
func signJWT(header, payload map[string]any, key any) string {
	hb, _ := json.Marshal(header)
	pb, _ := json.Marshal(payload)
	input := b64(hb) + "." + b64(pb)
	var sig []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		sum := sha256.Sum256([]byte(input))
		var err error
		if sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:]); err != nil {
			panic(err)
		}
	case []byte:
		m := hmac.New(sha256.New, k)
		m.Write([]byte(input))
		sig = m.Sum(nil)
	}
	return input + "." + b64(sig)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b64(b)
}

// assertion returns a fresh client assertion; mod may change header, claims
// and signing key.
func (e *env) assertion(mod func(h, p map[string]any, key *any)) string {
	now := e.clock.Now()
	h := map[string]any{"alg": "RS256", "typ": "client-authentication+jwt", "kid": "client-key"}
	p := map[string]any{
		"iss": clientID, "sub": clientID, "aud": e.issuer,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(30 * time.Second).Unix(),
		"jti": randomString(),
	}
	var key any = e.key
	if mod != nil {
		mod(h, p, &key)
	}
	return signJWT(h, p, key)
}

// authForm adds client authentication to form.
func (e *env) authForm(form url.Values, assertion string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = append([]string(nil), v...)
	}
	out.Set("client_id", clientID)
	out.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
	out.Set("client_assertion", assertion)
	return out
}

// response is a finished HTTP exchange with its JSON body, if any.
type response struct {
	*http.Response
	body string
	json map[string]any
}

func (r *response) str(k string) string { s, _ := r.json[k].(string); return s }

func (e *env) do(req *http.Request) *response {
	e.t.Helper()
	resp, err := e.browser.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := &response{Response: resp, body: string(b)}
	_ = json.Unmarshal(b, &out.json)
	return out
}

func (e *env) post(path string, form url.Values, header http.Header) *response {
	e.t.Helper()
	return e.postRaw(path, "application/x-www-form-urlencoded", form.Encode(), header)
}

func (e *env) postRaw(path, contentType, body string, header http.Header) *response {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.issuer+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header[k] = v
	}
	return e.do(req)
}

func (e *env) get(rawURL string, header http.Header) *response {
	e.t.Helper()
	if strings.HasPrefix(rawURL, "/") {
		rawURL = e.issuer + rawURL
	}
	req, _ := http.NewRequest(http.MethodGet, rawURL, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	return e.do(req)
}

// pkce is a code_verifier and its S256 challenge.
type pkce struct{ verifier, challenge string }

func newPKCE() pkce {
	v := randomString()
	sum := sha256.Sum256([]byte(v))
	return pkce{verifier: v, challenge: b64(sum[:])}
}

// parParams are the authorization parameters of a normal login.
func (e *env) parParams(p pkce, loginHint string) url.Values {
	v := url.Values{
		"response_type":         {"code"},
		"redirect_uri":          {e.redirect},
		"scope":                 {strings.Join(loginScopes, " ")},
		"code_challenge":        {p.challenge},
		"code_challenge_method": {"S256"},
		"state":                 {"state-" + randomString()[:8]},
		"nonce":                 {"nonce-" + randomString()[:8]},
		"resource":              {persontjAud, ppsAud},
	}
	if loginHint != "" {
		v.Set("login_hint", loginHint)
	}
	return v
}

func (e *env) par(params url.Values) *response {
	e.t.Helper()
	return e.post("/connect/par", e.authForm(params, e.assertion(nil)), nil)
}

// authorizeURL is the browser-visible URL: client_id and request_uri only.
func (e *env) authorizeURL(requestURI string) string {
	return e.issuer + "/connect/authorize?" + url.Values{"client_id": {clientID}, "request_uri": {requestURI}}.Encode()
}

// login runs PAR and authorize with a login_hint and returns the callback
// query and the PAR parameters.
func (e *env) login(personaID string, p pkce) (url.Values, url.Values) {
	e.t.Helper()
	params := e.parParams(p, personaID)
	pr := e.par(params)
	if pr.StatusCode != http.StatusCreated {
		e.t.Fatalf("PAR: status %d: %s", pr.StatusCode, pr.body)
	}
	ar := e.get(e.authorizeURL(pr.str("request_uri")), nil)
	if ar.StatusCode != http.StatusFound {
		e.t.Fatalf("authorize: status %d: %s", ar.StatusCode, ar.body)
	}
	loc, err := url.Parse(ar.Header.Get("Location"))
	if err != nil {
		e.t.Fatal(err)
	}
	return loc.Query(), params
}

// tokenRequest posts one token request with a fresh assertion and a proof
// from signer carrying the last nonce.
func (e *env) tokenRequest(form url.Values, signer *dpop.Signer) *response {
	e.t.Helper()
	h := http.Header{}
	if signer != nil {
		proof, err := signer.Proof(http.MethodPost, e.issuer+"/connect/token", e.nonce, "")
		if err != nil {
			e.t.Fatal(err)
		}
		h.Set("DPoP", proof)
	}
	return e.post("/connect/token", e.authForm(form, e.assertion(nil)), h)
}

// token does a token request with the DPoP nonce retry.
func (e *env) token(form url.Values, signer *dpop.Signer) *response {
	e.t.Helper()
	r := e.tokenRequest(form, signer)
	if r.StatusCode == http.StatusBadRequest && r.str("error") == "use_dpop_nonce" {
		e.nonce = r.Header.Get("DPoP-Nonce")
		r = e.tokenRequest(form, signer)
	}
	return r
}

func (e *env) exchange(code string, p pkce) *response {
	e.t.Helper()
	return e.token(url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {e.redirect},
		"code_verifier": {p.verifier},
	}, e.signer)
}

// loggedIn logs in as the persona and redeems the code.
func (e *env) loggedIn(personaID string) *response {
	e.t.Helper()
	p := newPKCE()
	cb, _ := e.login(personaID, p)
	tr := e.exchange(cb.Get("code"), p)
	if tr.StatusCode != http.StatusOK {
		e.t.Fatalf("code exchange: status %d: %s", tr.StatusCode, tr.body)
	}
	return tr
}

func (e *env) refresh(rt, resource string, signer *dpop.Signer) *response {
	e.t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	if resource != "" {
		form.Set("resource", resource)
	}
	return e.token(form, signer)
}

// apiRequest is a request to an API with a DPoP-bound token.
func (e *env) apiRequest(method, target, token string, signer *dpop.Signer) *http.Request {
	e.t.Helper()
	r := httptest.NewRequest(method, target, nil)
	proof, err := signer.Proof(method, target, "", token)
	if err != nil {
		e.t.Fatal(err)
	}
	r.Header.Set("Authorization", "DPoP "+token)
	r.Header.Set("DPoP", proof)
	return r
}

func (e *env) userinfo(token string, signer *dpop.Signer) *response {
	e.t.Helper()
	proof, err := signer.Proof(http.MethodGet, e.issuer+"/connect/userinfo", "", token)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.get("/connect/userinfo", http.Header{"Authorization": {"DPoP " + token}, "Dpop": {proof}})
}

// claims decodes a JWT's payload without verifying it.
func claims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %d parts", len(parts))
	}
	return decodeJSON(t, parts[1])
}

func header(t *testing.T, token string) map[string]any {
	t.Helper()
	return decodeJSON(t, strings.Split(token, ".")[0])
}

func decodeJSON(t *testing.T, seg string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
