package helseid_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/clocktest"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
)

const (
	clientID    = "oppslag-test"
	redirectURL = "https://portal.test/auth/callback"
	logoutURL   = "https://portal.test/"
	audPerson   = "nhn:hgd-persontjenesten-api"
	audPPS      = "nhn:pps"
)

var scopes = []string{
	"openid", "profile", "offline_access",
	"helseid://scopes/identity/pid",
	"helseid://scopes/identity/security_level",
	"helseid://scopes/identity/assurance_level",
	"helseid://scopes/identity/network",
	"helseid://scopes/hpr/hpr_number",
	"helseid://scopes/client/client_name",
	"nhn:hgd-persontjenesten-api/full-access",
	"nhn:pps/provesvar-read",
}

// newClock starts at the real time, shared by the simulator and the client.
func newClock() *clocktest.Clock { return clocktest.New(time.Now().Truncate(time.Second)) }

// sent is one request the client made, as it went over the wire.
type sent struct {
	Method string
	URL    *url.URL
	Header http.Header
	Form   url.Values
}

// recorder is a RoundTripper that keeps a copy of every request.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	reqs []sent
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	s := sent{Method: req.Method, URL: req.URL, Header: req.Header.Clone()}
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(b))
		s.Form, _ = url.ParseQuery(string(b))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, s)
	r.mu.Unlock()
	return r.base.RoundTrip(req)
}

// to returns the recorded requests whose path ends with suffix.
func (r *recorder) to(suffix string) []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sent
	for _, s := range r.reqs {
		if strings.HasSuffix(s.URL.Path, suffix) {
			out = append(out, s)
		}
	}
	return out
}

func (r *recorder) all() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs)
}

type env struct {
	sim    *helseidsim.Server
	srv    *httptest.Server
	client *helseid.Client
	clock  *clocktest.Clock
	rec    *recorder
	issuer string
}

// newEnv starts the simulator at a fresh loopback address, with the issuer
// equal to the server URL, and a client registered with it.
func newEnv(t *testing.T) *env { t.Helper(); return newEnvWith(t, nil) }

// newEnvWith is newEnv with wrap (if not nil) placed between the client's
// recorder and the network.
func newEnvWith(t *testing.T, wrap func(*env, http.RoundTripper) http.RoundTripper) *env {
	t.Helper()
	return newEnvOpts(t, envOptions{wrap: wrap})
}

// envOptions vary the provider and the client's keys.
type envOptions struct {
	wrap    func(*env, http.RoundTripper) http.RoundTripper
	sim     helseidsim.Options // Now is set by the env
	key     *jose.JSONWebKey   // client key; default a generated EC P-256 key
	dpopKey *jose.JSONWebKey   // Config.DPoPKey
}

func newEnvOpts(t *testing.T, o envOptions) *env {
	t.Helper()
	clk := newClock()
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	simOpts := o.sim
	simOpts.Now = clk.Now
	sim, err := helseidsim.New(issuer, simOpts)
	if err != nil {
		t.Fatalf("helseidsim.New: %v", err)
	}
	srv.Config.Handler = sim
	srv.Start()
	t.Cleanup(srv.Close)

	var key jose.JSONWebKey
	if o.key != nil {
		key = *o.key
	} else if key, err = helseid.GenerateKey(); err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	wrap := o.wrap
	sim.RegisterClient(helseidsim.Client{
		ID:                     clientID,
		Keys:                   []jose.JSONWebKey{key.Public()},
		RedirectURIs:           []string{redirectURL},
		PostLogoutRedirectURIs: []string{logoutURL},
		Scopes:                 scopes,
	})
	e := &env{sim: sim, srv: srv, clock: clk, issuer: issuer}
	var transport http.RoundTripper = srv.Client().Transport
	if wrap != nil {
		transport = wrap(e, transport)
	}
	rec := &recorder{base: transport}
	e.rec = rec
	client, err := helseid.New(helseid.Config{
		Issuer:                issuer,
		ClientID:              clientID,
		Key:                   key,
		RedirectURL:           redirectURL,
		PostLogoutRedirectURL: logoutURL,
		Scopes:                scopes,
		Resources:             []string{audPerson, audPPS},
		HTTPClient:            &http.Client{Transport: rec, Timeout: 10 * time.Second},
		Now:                   clk.Now,
		DPoPKey:               o.dpopKey,
	})
	if err != nil {
		t.Fatalf("helseid.New: %v", err)
	}
	e.client = client
	return e
}

// authorize pushes an authorization request for persona and plays the
// browser at the authorize endpoint, returning the callback's query.
func (e *env) authorize(t *testing.T, persona string) (*helseid.AuthRequest, url.Values) {
	t.Helper()
	ar, err := e.client.PushAuthorization(context.Background(), persona)
	if err != nil {
		t.Fatalf("PushAuthorization: %v", err)
	}
	browser := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirectURL) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := browser.Get(ar.AuthorizeURL)
	if err != nil {
		t.Fatalf("GET authorize: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize status = %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), redirectURL) {
		t.Fatalf("authorize redirected to %q, want the redirect URL", resp.Header.Get("Location"))
	}
	return ar, loc.Query()
}

// login runs a whole login for persona.
func (e *env) login(t *testing.T, persona string) *helseid.Login {
	t.Helper()
	ar, cb := e.authorize(t, persona)
	login, err := e.client.Exchange(context.Background(), ar, cb)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return login
}

func tokenCount(st helseidsim.Stats) int {
	n := 0
	for _, v := range st.Token {
		n += v
	}
	return n
}

func persona(t *testing.T, id string) helseidsim.Persona {
	t.Helper()
	for _, p := range helseidsim.Personas() {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no persona %q", id)
	return helseidsim.Persona{}
}

// jwtParts decodes a compact JWT's header and payload without verifying it.
func jwtParts(t *testing.T, token string) (header, payload map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWT: %d parts", len(parts))
	}
	for i, dst := range []*map[string]any{&header, &payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("JWT part %d: %v", i, err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatalf("JWT part %d: %v", i, err)
		}
	}
	return header, payload
}

func TestLogin_Doctor(t *testing.T) {
	e := newEnv(t)
	login := e.login(t, "doctor")
	want := persona(t, "doctor")

	c := login.Claims
	for _, tc := range []struct{ name, got, want string }{
		{"PID", c.PID, want.PID},
		{"GivenName", c.GivenName, want.GivenName},
		{"MiddleName", c.MiddleName, want.MiddleName},
		{"FamilyName", c.FamilyName, want.FamilyName},
		{"Name", c.Name, want.GivenName + " " + want.MiddleName + " " + want.FamilyName},
		{"HPRNumber", c.HPRNumber, want.HPRNumber},
		{"SecurityLevel", c.SecurityLevel, "4"},
		{"AssuranceLevel", c.AssuranceLevel, want.AssuranceLevel},
		{"Network", c.Network, want.Network},
		{"OrgParent", c.OrgParent, want.OrgParent},
		{"OrgChild", c.OrgChild, want.OrgChild},
	} {
		if tc.got != tc.want {
			t.Errorf("Claims.%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if c.Subject == "" || c.Subject == want.PID {
		t.Errorf("Claims.Subject = %q, want a pseudonym", c.Subject)
	}
	if c.SID == "" {
		t.Error("Claims.SID is empty")
	}
	if c.AuthTime.IsZero() || c.AuthTime.After(e.clock.Now()) {
		t.Errorf("Claims.AuthTime = %v, want a time at or before now", c.AuthTime)
	}

	var wantApprovals []helseid.Approval
	for _, a := range want.Approvals {
		ap := helseid.Approval{Profession: a.Profession, Authorization: helseid.Code(a.Authorization)}
		for _, r := range a.RequisitionRights {
			ap.RequisitionRights = append(ap.RequisitionRights, helseid.Code(r))
		}
		for _, s := range a.Specialities {
			ap.Specialities = append(ap.Specialities, helseid.Code(s))
		}
		wantApprovals = append(wantApprovals, ap)
	}
	gotJSON, _ := json.Marshal(login.Approvals)
	wantJSON, _ := json.Marshal(wantApprovals)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Errorf("Approvals = %s, want %s", gotJSON, wantJSON)
	}

	if login.IDToken == "" {
		t.Error("IDToken is empty")
	}
	ts := login.Tokens
	if ts.RefreshToken == "" {
		t.Error("RefreshToken is empty")
	}
	if got, want := ts.RefreshTokenExpiresAt, e.clock.Now().Add(12*time.Hour); !got.Equal(want) {
		t.Errorf("RefreshTokenExpiresAt = %v, want %v (rt_expires_in)", got, want)
	}
	at, ok := ts.Access[helseid.UserinfoAudience]
	if !ok || at.Token == "" {
		t.Fatalf("Access[%q] missing", helseid.UserinfoAudience)
	}
	if got, want := at.ExpiresAt, e.clock.Now().Add(600*time.Second); !got.Equal(want) {
		t.Errorf("userinfo token ExpiresAt = %v, want %v", got, want)
	}
	if len(ts.Access) != 1 {
		t.Errorf("Access has %d tokens after login, want 1", len(ts.Access))
	}

	// The token set survives the session store's JSON round trip.
	b, err := json.Marshal(ts)
	if err != nil {
		t.Fatalf("marshal TokenSet: %v", err)
	}
	var back helseid.TokenSet
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("unmarshal TokenSet: %v", err)
	}
	if back.RefreshToken != ts.RefreshToken || !back.Access[helseid.UserinfoAudience].ExpiresAt.Equal(at.ExpiresAt) {
		t.Error("TokenSet changed in a JSON round trip")
	}

	// One token per API audience afterwards, each with that audience only.
	for _, aud := range []string{audPerson, audPPS} {
		tok, changed, err := e.client.AccessToken(context.Background(), &ts, aud)
		if err != nil {
			t.Fatalf("AccessToken(%s): %v", aud, err)
		}
		if !changed {
			t.Errorf("AccessToken(%s) changed = false on first use, want true", aud)
		}
		_, payload := jwtParts(t, tok)
		if got := payload["aud"]; got != aud {
			t.Errorf("token for %s has aud %v, want exactly %q", aud, got, aud)
		}
	}
}

func TestLogin_PersonasWithoutHPR(t *testing.T) {
	for _, id := range []string{"nurse", "admin", "auditor"} {
		t.Run(id, func(t *testing.T) {
			e := newEnv(t)
			login := e.login(t, id)
			want := persona(t, id)
			if got := login.Claims.HPRNumber; got != want.HPRNumber {
				t.Errorf("HPRNumber = %q, want %q", got, want.HPRNumber)
			}
			if got, want := len(login.Approvals), len(want.Approvals); got != want {
				t.Errorf("len(Approvals) = %d, want %d", got, want)
			}
		})
	}
}

func TestS7_CallbackCheckedBeforeTokenRequest(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		change func(url.Values)
		want   error
	}{
		{"state mismatch", func(v url.Values) { v.Set("state", "forged") }, helseid.ErrStateMismatch},
		{"state missing", func(v url.Values) { v.Del("state") }, helseid.ErrStateMismatch},
		{"iss mismatch", func(v url.Values) { v.Set("iss", "https://evil.example") }, helseid.ErrIssuerMismatch},
		{"iss with trailing slash", func(v url.Values) { v.Set("iss", e.issuer+"/") }, helseid.ErrIssuerMismatch},
		{"iss missing", func(v url.Values) { v.Del("iss") }, helseid.ErrIssuerMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ar, cb := e.authorize(t, "doctor")
			tc.change(cb)
			before := tokenCount(e.sim.Stats())
			tokenReqs := len(e.rec.to("/connect/token"))

			login, err := e.client.Exchange(context.Background(), ar, cb)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Exchange error = %v, want %v", err, tc.want)
			}
			if login != nil {
				t.Error("Exchange returned a login")
			}
			if got := tokenCount(e.sim.Stats()); got != before {
				t.Errorf("token responses = %d, want %d (no token request)", got, before)
			}
			if got := len(e.rec.to("/connect/token")); got != tokenReqs {
				t.Errorf("token requests sent = %d, want %d", got, tokenReqs)
			}
		})
	}

	t.Run("error callback", func(t *testing.T) {
		ar, _ := e.authorize(t, "doctor")
		tokenReqs := len(e.rec.to("/connect/token"))
		cb := url.Values{"error": {"access_denied"}, "error_description": {"user cancelled"}, "state": {ar.State}, "iss": {e.issuer}}
		_, err := e.client.Exchange(context.Background(), ar, cb)
		var ce *helseid.CallbackError
		if !errors.As(err, &ce) {
			t.Fatalf("Exchange error = %v, want *CallbackError", err)
		}
		if ce.Code != "access_denied" || ce.Description != "user cancelled" {
			t.Errorf("CallbackError = %+v, want access_denied / user cancelled", ce)
		}
		if got := len(e.rec.to("/connect/token")); got != tokenReqs {
			t.Errorf("token requests sent = %d, want %d", got, tokenReqs)
		}
	})
}

func TestS8_NonceMismatch(t *testing.T) {
	e := newEnv(t)
	ar, cb := e.authorize(t, "doctor")
	ar.Nonce = "tampered"
	login, err := e.client.Exchange(context.Background(), ar, cb)
	if !errors.Is(err, helseid.ErrNonceMismatch) {
		t.Fatalf("Exchange error = %v, want ErrNonceMismatch", err)
	}
	if login != nil {
		t.Error("Exchange returned a login")
	}
	if n := len(e.rec.to("/connect/userinfo")); n != 0 {
		t.Errorf("userinfo called %d times after a bad nonce, want 0", n)
	}
}

func TestS10_SecurityLevel3Refused(t *testing.T) {
	e := newEnv(t)
	ar, cb := e.authorize(t, "level3")
	login, err := e.client.Exchange(context.Background(), ar, cb)
	var sle *helseid.SecurityLevelError
	if !errors.As(err, &sle) {
		t.Fatalf("Exchange error = %v, want *SecurityLevelError", err)
	}
	if sle.Got != "3" || sle.Want != "4" {
		t.Errorf("SecurityLevelError = %+v, want Got 3, Want 4", sle)
	}
	if login == nil {
		t.Fatal("login is nil; the caller needs it to audit the refusal")
	}
	if got, want := login.Claims.HPRNumber, persona(t, "level3").HPRNumber; got != want {
		t.Errorf("refused login HPRNumber = %q, want %q", got, want)
	}
	if strings.Contains(err.Error(), persona(t, "level3").PID) {
		t.Error("error text holds the PID")
	}
}

func TestS11_AuthorizeURLHoldsOnlyRequestURI(t *testing.T) {
	e := newEnv(t)
	ar, err := e.client.PushAuthorization(context.Background(), "doctor")
	if err != nil {
		t.Fatalf("PushAuthorization: %v", err)
	}
	u, err := url.Parse(ar.AuthorizeURL)
	if err != nil {
		t.Fatalf("AuthorizeURL: %v", err)
	}
	if got, want := u.Scheme+"://"+u.Host+u.Path, e.issuer+"/connect/authorize"; got != want {
		t.Errorf("AuthorizeURL endpoint = %q, want %q", got, want)
	}
	q := u.Query()
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if !yield(k) {
				return
			}
		}
	})
	if want := []string{"client_id", "request_uri"}; !slices.Equal(keys, want) {
		t.Errorf("AuthorizeURL parameters = %v, want %v", keys, want)
	}
	if got := q.Get("client_id"); got != clientID {
		t.Errorf("client_id = %q, want %q", got, clientID)
	}
	if !strings.HasPrefix(q.Get("request_uri"), "urn:ietf:params:oauth:request_uri:") {
		t.Errorf("request_uri = %q, want a PAR request URI", q.Get("request_uri"))
	}

	pars := e.rec.to("/connect/par")
	if len(pars) != 1 {
		t.Fatalf("PAR requests = %d, want 1", len(pars))
	}
	form := pars[0].Form
	sum := sha256.Sum256([]byte(ar.CodeVerifier))
	for _, tc := range []struct{ key, want string }{
		{"response_type", "code"},
		{"client_id", clientID},
		{"redirect_uri", redirectURL},
		{"scope", strings.Join(scopes, " ")},
		{"state", ar.State},
		{"nonce", ar.Nonce},
		{"code_challenge_method", "S256"},
		{"code_challenge", base64.RawURLEncoding.EncodeToString(sum[:])},
		{"login_hint", "doctor"},
		{"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
	} {
		if got := form.Get(tc.key); got != tc.want {
			t.Errorf("PAR %s = %q, want %q", tc.key, got, tc.want)
		}
	}
	if got, want := form["resource"], []string{audPerson, audPPS}; !slices.Equal(got, want) {
		t.Errorf("PAR resource = %v, want %v", got, want)
	}
	for name, v := range map[string]string{"state": ar.State, "nonce": ar.Nonce, "verifier": ar.CodeVerifier} {
		if b, err := base64.RawURLEncoding.DecodeString(v); err != nil || len(b) != 32 {
			t.Errorf("%s = %q, want 32 random bytes base64url", name, v)
		}
	}

	t.Run("verifier single use", func(t *testing.T) {
		ar, cb := e.authorize(t, "doctor")
		if _, err := e.client.Exchange(context.Background(), ar, cb); err != nil {
			t.Fatalf("first Exchange: %v", err)
		}
		tokenReqs := len(e.rec.to("/connect/token"))
		if _, err := e.client.Exchange(context.Background(), ar, cb); err == nil {
			t.Fatal("second Exchange with the same auth request succeeded")
		}
		if got := len(e.rec.to("/connect/token")); got != tokenReqs {
			t.Errorf("second Exchange sent %d token requests, want 0", got-tokenReqs)
		}
	})
}

func TestS12_ClientAssertionAndDPoP(t *testing.T) {
	e := newEnv(t)
	login := e.login(t, "doctor")
	ts := login.Tokens
	if _, _, err := e.client.AccessToken(context.Background(), &ts, audPerson); err != nil {
		t.Fatalf("AccessToken: %v", err)
	}

	jtis := map[string]bool{}
	var assertions int
	for _, r := range e.rec.all() {
		if r.Form.Has("client_secret") || r.Header.Get("Authorization") != "" && strings.HasPrefix(r.Header.Get("Authorization"), "Basic") {
			t.Errorf("%s %s carries a client secret", r.Method, r.URL.Path)
		}
		a := r.Form.Get("client_assertion")
		if a == "" {
			continue
		}
		assertions++
		header, claims := jwtParts(t, a)
		if header["alg"] != "ES256" || header["typ"] != "client-authentication+jwt" || header["kid"] == "" || header["kid"] == nil {
			t.Errorf("assertion header = %v, want alg ES256, typ client-authentication+jwt, kid", header)
		}
		if claims["iss"] != clientID || claims["sub"] != clientID {
			t.Errorf("assertion iss/sub = %v/%v, want %q", claims["iss"], claims["sub"], clientID)
		}
		if claims["aud"] != e.issuer {
			t.Errorf("assertion aud = %v, want exactly %q", claims["aud"], e.issuer)
		}
		iat, _ := claims["iat"].(float64)
		exp, _ := claims["exp"].(float64)
		nbf, _ := claims["nbf"].(float64)
		if life := exp - iat; life <= 0 || life > 60 {
			t.Errorf("assertion exp - iat = %v s, want in (0, 60]", life)
		}
		if nbf != iat {
			t.Errorf("assertion nbf = %v, want iat %v", nbf, iat)
		}
		jti, _ := claims["jti"].(string)
		if jti == "" || jtis[jti] {
			t.Errorf("assertion jti %q empty or reused", jti)
		}
		jtis[jti] = true
	}
	// PAR, the code exchange (with its nonce retry) and a refresh.
	if assertions < 3 {
		t.Errorf("client assertions sent = %d, want at least 3", assertions)
	}

	// DPoP: every token request has a proof; the first one gets
	// use_dpop_nonce and is retried once with the nonce; later requests reuse
	// the remembered nonce without another retry.
	tokenReqs := e.rec.to("/connect/token")
	if len(tokenReqs) != 3 {
		t.Fatalf("token requests = %d, want 3 (code, code with nonce, refresh)", len(tokenReqs))
	}
	proofJTIs := map[string]bool{}
	for i, r := range tokenReqs {
		proof := r.Header.Get("DPoP")
		if proof == "" {
			t.Fatalf("token request %d has no DPoP proof", i)
		}
		header, claims := jwtParts(t, proof)
		if header["typ"] != "dpop+jwt" || header["jwk"] == nil {
			t.Errorf("proof %d header = %v, want typ dpop+jwt with jwk", i, header)
		}
		if claims["htm"] != "POST" || claims["htu"] != e.issuer+"/connect/token" {
			t.Errorf("proof %d htm/htu = %v %v, want POST %s/connect/token", i, claims["htm"], claims["htu"], e.issuer)
		}
		if _, ok := claims["ath"]; ok {
			t.Errorf("proof %d toward HelseID has ath", i)
		}
		_, hasNonce := claims["nonce"]
		if wantNonce := i > 0; hasNonce != wantNonce {
			t.Errorf("proof %d has nonce = %v, want %v", i, hasNonce, wantNonce)
		}
		jti, _ := claims["jti"].(string)
		if jti == "" || proofJTIs[jti] {
			t.Errorf("proof %d jti %q empty or reused", i, jti)
		}
		proofJTIs[jti] = true
	}
	if got := tokenReqs[0].Form.Get("client_assertion"); got == tokenReqs[1].Form.Get("client_assertion") {
		t.Error("nonce retry reused the client assertion")
	}
	if got, want := tokenReqs[1].Form.Get("code"), tokenReqs[0].Form.Get("code"); got != want {
		t.Errorf("retry code = %q, want the same code %q", got, want)
	}
	if st := e.sim.Stats(); st.Token["authorization_code"] != 1 || st.Token["refresh_token"] != 1 {
		t.Errorf("token responses = %v, want 1 authorization_code and 1 refresh_token", st.Token)
	}

	// Userinfo: DPoP scheme and a proof with ath, htu without query.
	ui := e.rec.to("/connect/userinfo")
	if len(ui) == 0 {
		t.Fatal("userinfo was not called")
	}
	at := login.Tokens.Access[helseid.UserinfoAudience].Token
	if got, want := ui[0].Header.Get("Authorization"), "DPoP "+at; got != want {
		t.Error("userinfo Authorization is not `DPoP <access token>`")
	}
	_, claims := jwtParts(t, ui[0].Header.Get("DPoP"))
	sum := sha256.Sum256([]byte(at))
	if claims["ath"] != base64.RawURLEncoding.EncodeToString(sum[:]) || claims["htm"] != "GET" || claims["htu"] != e.issuer+"/connect/userinfo" {
		t.Errorf("userinfo proof = %v, want ath of the token, GET, %s/connect/userinfo", claims, e.issuer)
	}

	t.Run("API proof", func(t *testing.T) {
		proof, err := e.client.Proof(http.MethodGet, "https://api.test/person?nin=1", "tok")
		if err != nil {
			t.Fatalf("Proof: %v", err)
		}
		_, claims := jwtParts(t, proof)
		sum := sha256.Sum256([]byte("tok"))
		if claims["htu"] != "https://api.test/person" || claims["ath"] != base64.RawURLEncoding.EncodeToString(sum[:]) {
			t.Errorf("API proof claims = %v, want htu without query and ath", claims)
		}
	})
}

func TestS13_TokenReuse(t *testing.T) {
	t.Run("one token set", func(t *testing.T) {
		e := newEnv(t)
		ts := e.login(t, "doctor").Tokens
		// The code-exchange token (no resource) carries every API audience;
		// count what AccessToken causes from here.
		base := e.sim.Stats().TokenByAudience[audPerson]
		var first string
		for i := range 100 {
			tok, changed, err := e.client.AccessToken(context.Background(), &ts, audPerson)
			if err != nil {
				t.Fatalf("AccessToken #%d: %v", i, err)
			}
			if i == 0 {
				first = tok
			} else if tok != first || changed {
				t.Fatalf("AccessToken #%d: new token or changed = %v, want the cached token", i, changed)
			}
			e.clock.Advance(5 * time.Second) // 100 page views over 500 s of a 600 s token
		}
		st := e.sim.Stats()
		if got := st.TokenByAudience[audPerson] - base; got != 1 {
			t.Errorf("tokens issued for %s = %d, want 1", audPerson, got)
		}
		if st.Discovery != 1 {
			t.Errorf("discovery fetched %d times, want 1", st.Discovery)
		}
		if st.Token["refresh_token"] != 1 {
			t.Errorf("refresh grants = %d, want 1", st.Token["refresh_token"])
		}

		// Near expiry the token is refreshed once more.
		e.clock.Advance(80 * time.Second)
		if _, changed, err := e.client.AccessToken(context.Background(), &ts, audPerson); err != nil || !changed {
			t.Fatalf("AccessToken near expiry: changed = %v, err = %v; want a refresh", changed, err)
		}
		if got := e.sim.Stats().TokenByAudience[audPerson] - base; got != 2 {
			t.Errorf("tokens issued after expiry = %d, want 2", got)
		}
	})

	t.Run("concurrent requests with session copies", func(t *testing.T) {
		e := newEnv(t)
		ts := e.login(t, "doctor").Tokens
		base := e.sim.Stats().TokenByAudience[audPPS]
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		tokens := make(chan string, 100)
		for range 100 {
			copyTS := ts
			copyTS.Access = make(map[string]helseid.AccessToken)
			for k, v := range ts.Access {
				copyTS.Access[k] = v
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				tok, _, err := e.client.AccessToken(context.Background(), &copyTS, audPPS)
				errs <- err
				tokens <- tok
			}()
		}
		wg.Wait()
		close(errs)
		close(tokens)
		for err := range errs {
			if err != nil {
				t.Fatalf("AccessToken: %v", err)
			}
		}
		distinct := map[string]bool{}
		for tok := range tokens {
			distinct[tok] = true
		}
		if len(distinct) != 1 {
			t.Errorf("distinct tokens = %d, want 1", len(distinct))
		}
		st := e.sim.Stats()
		if got := st.TokenByAudience[audPPS] - base; got != 1 {
			t.Errorf("tokens issued for %s = %d, want 1", audPPS, got)
		}
		if st.Discovery != 1 {
			t.Errorf("discovery fetched %d times, want 1", st.Discovery)
		}
	})
}

func TestS14_HelseIDDownAfterStart(t *testing.T) {
	e := newEnv(t)
	ts := e.login(t, "doctor").Tokens
	cached, _, err := e.client.AccessToken(context.Background(), &ts, audPerson)
	if err != nil {
		t.Fatalf("AccessToken: %v", err)
	}
	if err := e.client.Ready(context.Background()); err != nil {
		t.Fatalf("Ready while up: %v", err)
	}

	e.sim.SetDown(true)
	requests := len(e.rec.all())

	// An existing session keeps working without HelseID.
	tok, changed, err := e.client.AccessToken(context.Background(), &ts, audPerson)
	if err != nil || tok != cached || changed {
		t.Fatalf("AccessToken while down = changed %v, err %v; want the cached token", changed, err)
	}
	if got := len(e.rec.all()); got != requests {
		t.Errorf("cached AccessToken made %d requests, want 0", got-requests)
	}

	// A new login fails as unavailable (the portal shows a 503 page).
	_, err = e.client.PushAuthorization(context.Background(), "doctor")
	if !errors.Is(err, helseid.ErrUnavailable) {
		t.Fatalf("PushAuthorization while down = %v, want ErrUnavailable", err)
	}
	var oe *helseid.OAuthError
	if !errors.As(err, &oe) || oe.Status != http.StatusServiceUnavailable {
		t.Errorf("PushAuthorization error = %v, want an *OAuthError with status 503", err)
	}
	if err := e.client.Ready(context.Background()); !errors.Is(err, helseid.ErrUnavailable) {
		t.Errorf("Ready while down = %v, want ErrUnavailable", err)
	}
	// A token that needs a refresh cannot be had.
	if _, _, err := e.client.AccessToken(context.Background(), &ts, audPPS); !errors.Is(err, helseid.ErrUnavailable) {
		t.Errorf("AccessToken needing refresh while down = %v, want ErrUnavailable", err)
	}

	e.sim.SetDown(false)
	if err := e.client.Ready(context.Background()); err != nil {
		t.Errorf("Ready after recovery: %v", err)
	}
	if _, _, err := e.client.AccessToken(context.Background(), &ts, audPPS); err != nil {
		t.Errorf("AccessToken after recovery: %v", err)
	}
}

func TestReady_NetworkError(t *testing.T) {
	e := newEnv(t)
	if err := e.client.Ready(context.Background()); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	e.srv.Close()
	// Discovery is fresh, but the next call fails and Ready reports it.
	if _, err := e.client.PushAuthorization(context.Background(), ""); !errors.Is(err, helseid.ErrUnavailable) {
		t.Fatalf("PushAuthorization with the server gone = %v, want ErrUnavailable", err)
	}
	if err := e.client.Ready(context.Background()); !errors.Is(err, helseid.ErrUnavailable) {
		t.Errorf("Ready with the server gone = %v, want ErrUnavailable", err)
	}
}

func TestDiscovery_RefetchedAfterAnHour(t *testing.T) {
	e := newEnv(t)
	if err := e.client.Ready(context.Background()); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	e.clock.Advance(59 * time.Minute)
	if err := e.client.Ready(context.Background()); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	if got := e.sim.Stats().Discovery; got != 1 {
		t.Errorf("discovery fetched %d times within the hour, want 1", got)
	}
	e.clock.Advance(2 * time.Minute)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := e.client.Ready(context.Background()); err != nil {
				t.Errorf("Ready: %v", err)
			}
		}()
	}
	wg.Wait()
	if got := e.sim.Stats().Discovery; got != 2 {
		t.Errorf("discovery fetched %d times after the hour by 20 callers, want 2", got)
	}
}

func TestAccessToken_LoginRequired(t *testing.T) {
	tests := []struct {
		name      string
		change    func(e *env, ts *helseid.TokenSet)
		wantOAuth bool // HelseID was asked and said invalid_grant
	}{
		{
			name:      "wrong refresh token",
			change:    func(_ *env, ts *helseid.TokenSet) { ts.RefreshToken = "not-a-refresh-token" },
			wantOAuth: true,
		},
		{
			name:   "no refresh token",
			change: func(_ *env, ts *helseid.TokenSet) { ts.RefreshToken = "" },
		},
		{
			name:   "expired by rt_expires_in",
			change: func(e *env, _ *helseid.TokenSet) { e.clock.Advance(12*time.Hour + time.Second) },
		},
		{
			name: "expired at HelseID, expiry unknown locally",
			change: func(e *env, ts *helseid.TokenSet) {
				ts.RefreshTokenExpiresAt = time.Time{}
				e.clock.Advance(13 * time.Hour)
			},
			wantOAuth: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ts := e.login(t, "doctor").Tokens
			tc.change(e, &ts)
			before := len(e.rec.to("/connect/token"))
			_, _, err := e.client.AccessToken(context.Background(), &ts, audPerson)
			if !errors.Is(err, helseid.ErrLoginRequired) {
				t.Fatalf("AccessToken error = %v, want ErrLoginRequired", err)
			}
			if errors.Is(err, helseid.ErrUnavailable) {
				t.Error("ErrLoginRequired is also ErrUnavailable")
			}
			var oe *helseid.OAuthError
			if got := errors.As(err, &oe); got != tc.wantOAuth {
				t.Errorf("error wraps *OAuthError = %v, want %v", got, tc.wantOAuth)
			} else if got && (oe.Code != "invalid_grant" || oe.Status != http.StatusBadRequest) {
				t.Errorf("OAuthError = %+v, want 400 invalid_grant", oe)
			}
			asked := len(e.rec.to("/connect/token")) > before
			if asked != tc.wantOAuth {
				t.Errorf("asked HelseID = %v, want %v", asked, tc.wantOAuth)
			}
		})
	}
}

func TestEndSessionURL(t *testing.T) {
	e := newEnv(t)
	got, err := e.client.EndSessionURL(context.Background(), "the.id.token", "st4te")
	if err != nil {
		t.Fatalf("EndSessionURL: %v", err)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatalf("EndSessionURL = %q: %v", got, err)
	}
	if endpoint := u.Scheme + "://" + u.Host + u.Path; endpoint != e.issuer+"/connect/endsession" {
		t.Errorf("endpoint = %q, want %q", endpoint, e.issuer+"/connect/endsession")
	}
	want := url.Values{
		"id_token_hint":            {"the.id.token"},
		"post_logout_redirect_uri": {logoutURL},
		"state":                    {"st4te"},
	}
	if u.Query().Encode() != want.Encode() {
		t.Errorf("query = %q, want %q", u.Query().Encode(), want.Encode())
	}
}

func writeJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatalf("write: %v", err)
	}
	return path
}

func TestLoadKey(t *testing.T) {
	ec, err := helseid.GenerateKey()
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	rsaPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("rsa: %v", err)
	}
	rsaKey := jose.JSONWebKey{Key: rsaPriv, KeyID: "rsa-1", Algorithm: "RS256", Use: "sig"}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatalf("rsa: %v", err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatalf("ecdsa: %v", err)
	}

	tests := []struct {
		name    string
		content func(t *testing.T) string // returns a path
		wantKID string
		wantErr bool
	}{
		{"EC private", func(t *testing.T) string { return writeJSON(t, ec) }, ec.KeyID, false},
		{"RSA private", func(t *testing.T) string { return writeJSON(t, rsaKey) }, "rsa-1", false},
		{"EC P-384 ES384", func(t *testing.T) string {
			return writeJSON(t, jose.JSONWebKey{Key: p384, KeyID: "p384", Algorithm: "ES384"})
		}, "p384", false},
		{"key set with one key", func(t *testing.T) string {
			return writeJSON(t, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{rsaKey}})
		}, "rsa-1", false},
		{"public key", func(t *testing.T) string { return writeJSON(t, ec.Public()) }, "", true},
		{"public RSA key", func(t *testing.T) string { return writeJSON(t, rsaKey.Public()) }, "", true},
		{"symmetric key", func(t *testing.T) string {
			return writeJSON(t, jose.JSONWebKey{Key: []byte("0123456789abcdef0123456789abcdef"), KeyID: "hs", Algorithm: "HS256"})
		}, "", true},
		{"short RSA key", func(t *testing.T) string {
			return writeJSON(t, jose.JSONWebKey{Key: small, KeyID: "small"})
		}, "", true},
		{"alg does not fit key", func(t *testing.T) string {
			return writeJSON(t, jose.JSONWebKey{Key: p384, KeyID: "p384", Algorithm: "ES256"})
		}, "", true},
		{"key set with two keys", func(t *testing.T) string {
			return writeJSON(t, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{rsaKey, ec}})
		}, "", true},
		{"not JSON", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "key.json")
			if err := os.WriteFile(path, []byte("-----BEGIN PRIVATE KEY-----"), 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}, "", true},
		{"missing file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope.json") }, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := helseid.LoadKey(tc.content(t))
			if (err != nil) != tc.wantErr {
				t.Fatalf("LoadKey error = %v, want error %v", err, tc.wantErr)
			}
			if err == nil && (key.KeyID != tc.wantKID || key.IsPublic()) {
				t.Errorf("LoadKey = kid %q public %v, want kid %q private", key.KeyID, key.IsPublic(), tc.wantKID)
			}
		})
	}
}

func TestGenerateKey(t *testing.T) {
	key, err := helseid.GenerateKey()
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	if key.Algorithm != "ES256" || key.IsPublic() {
		t.Errorf("GenerateKey = alg %q public %v, want a private ES256 key", key.Algorithm, key.IsPublic())
	}
	pub := key.Public()
	tp, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatalf("Thumbprint: %v", err)
	}
	if got, want := key.KeyID, base64.RawURLEncoding.EncodeToString(tp); got != want {
		t.Errorf("kid = %q, want the RFC 7638 thumbprint %q", got, want)
	}
}

func TestNew_Validates(t *testing.T) {
	key, err := helseid.GenerateKey()
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	good := helseid.Config{
		Issuer:      "https://helseid-sts.test.nhn.no",
		ClientID:    clientID,
		Key:         key,
		RedirectURL: redirectURL,
		Scopes:      []string{"openid"},
	}
	tests := []struct {
		name    string
		change  func(*helseid.Config)
		wantErr bool
	}{
		{"valid", func(*helseid.Config) {}, false},
		{"issuer with trailing slash", func(c *helseid.Config) { c.Issuer += "/" }, true},
		{"issuer relative", func(c *helseid.Config) { c.Issuer = "helseid-sts.test.nhn.no" }, true},
		{"issuer with query", func(c *helseid.Config) { c.Issuer += "?x=1" }, true},
		{"no client id", func(c *helseid.Config) { c.ClientID = "" }, true},
		{"public key", func(c *helseid.Config) { c.Key = key.Public() }, true},
		{"symmetric key", func(c *helseid.Config) { c.Key = jose.JSONWebKey{Key: []byte("secretsecretsecretsecretsecret12")} }, true},
		{"no key", func(c *helseid.Config) { c.Key = jose.JSONWebKey{} }, true},
		{"relative redirect", func(c *helseid.Config) { c.RedirectURL = "/callback" }, true},
		{"no openid scope", func(c *helseid.Config) { c.Scopes = []string{"profile"} }, true},
		{"empty resource", func(c *helseid.Config) { c.Resources = []string{""} }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.change(&cfg)
			_, err := helseid.New(cfg)
			if (err != nil) != tc.wantErr {
				t.Errorf("New error = %v, want error %v", err, tc.wantErr)
			}
		})
	}
}

// TestErrorsHoldNoSecrets checks that no error text carries a token, the
// PID or a JWT.
func TestErrorsHoldNoSecrets(t *testing.T) {
	e := newEnv(t)
	jwtLike := regexp.MustCompile(`ey[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}`)
	login := e.login(t, "doctor")
	ts := login.Tokens
	ts.Access = nil
	ts.RefreshToken += "x"
	_, _, err := e.client.AccessToken(context.Background(), &ts, audPerson)
	ar, cb := e.authorize(t, "doctor")
	ar.Nonce = "x"
	_, err2 := e.client.Exchange(context.Background(), ar, cb)
	for _, err := range []error{err, err2} {
		if err == nil {
			t.Fatal("want an error")
		}
		msg := err.Error()
		if jwtLike.MatchString(msg) || strings.Contains(msg, ts.RefreshToken) || strings.Contains(msg, login.Claims.PID) {
			t.Errorf("error text holds a secret: %q", msg)
		}
	}
}
