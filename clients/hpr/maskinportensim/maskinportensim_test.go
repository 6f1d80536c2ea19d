package maskinportensim_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/oppslag/oppslag/clients/clocktest"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/maskinportensim"
)

// Keys are generated once per test binary: RSA generation is slow.
var (
	clientKey = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA() })
	otherKey  = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA() })
)

func mustRSA() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

const (
	clientID = "oppslag-hpr"
	kid      = "oppslag-hpr-key-1"
)

type env struct {
	sim    *maskinportensim.Server
	clock  *clocktest.Clock
	issuer string
	srv    *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String() + "/"
	c := clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	sim, err := maskinportensim.New(issuer, maskinportensim.Options{Now: c.Now, ConsumerOrg: "987654325"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := sim.RegisterClient(clientID, &clientKey().PublicKey, kid, hpr.ScopeBasic, hpr.ScopeExtended); err != nil {
		t.Fatalf("RegisterClient: %v", err)
	}
	srv.Config.Handler = sim
	srv.Start()
	t.Cleanup(srv.Close)
	return &env{sim: sim, clock: c, issuer: issuer, srv: srv}
}

// grant describes a JWT grant; the zero values of its fields mean "the
// valid default" so each case changes only what it tests.
type grant struct {
	alg    jose.SignatureAlgorithm
	key    any // signing key, default clientKey
	kid    *string
	claims map[string]any // overrides; a nil value deletes the claim
}

func (e *env) sign(t *testing.T, g grant) string {
	t.Helper()
	now := e.clock.Now()
	claims := map[string]any{
		"aud":   e.issuer,
		"iss":   clientID,
		"iat":   now.Unix(),
		"exp":   now.Add(60 * time.Second).Unix(),
		"jti":   rand.Text(),
		"scope": hpr.ScopeBasic,
	}
	for k, v := range g.claims {
		if v == nil {
			delete(claims, k)
		} else {
			claims[k] = v
		}
	}
	alg := g.alg
	if alg == "" {
		alg = jose.RS256
	}
	var key any = clientKey()
	if g.key != nil {
		key = g.key
	}
	keyID := kid
	if g.kid != nil {
		keyID = *g.kid
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: keyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	raw, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatalf("Serialize: %v", err)
	}
	return raw
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func (a answer) str(k string) string { s, _ := a.body[k].(string); return s }

func (e *env) post(t *testing.T, form url.Values) answer {
	t.Helper()
	resp, err := http.Post(e.issuer+"token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatalf("POST /token: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal(b, &a.body); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, b)
	}
	return a
}

func (e *env) request(t *testing.T, assertion string) answer {
	t.Helper()
	return e.post(t, url.Values{"grant_type": {maskinportensim.GrantType}, "assertion": {assertion}})
}

func TestToken_Issued(t *testing.T) {
	e := newEnv(t)
	a := e.request(t, e.sign(t, grant{claims: map[string]any{"scope": hpr.ScopeBasic + " " + hpr.ScopeExtended}}))
	if a.status != http.StatusOK {
		t.Fatalf("status: got %d, want 200 (%v)", a.status, a.body)
	}
	if got, want := a.str("token_type"), "Bearer"; got != want {
		t.Errorf("token_type: got %q, want %q", got, want)
	}
	if got, want := a.body["expires_in"], float64(120); got != want {
		t.Errorf("expires_in: got %v, want %v", got, want)
	}
	if got, want := a.str("scope"), hpr.ScopeBasic+" "+hpr.ScopeExtended; got != want {
		t.Errorf("scope: got %q, want %q", got, want)
	}
	if got, want := a.header.Get("Cache-Control"), "no-store"; got != want {
		t.Errorf("Cache-Control: got %q, want %q", got, want)
	}

	at := a.str("access_token")
	gotClient, gotScopes, err := e.sim.VerifyAccessToken(at)
	if err != nil {
		t.Fatalf("VerifyAccessToken: %v", err)
	}
	if gotClient != clientID {
		t.Errorf("client id: got %q, want %q", gotClient, clientID)
	}
	if want := []string{hpr.ScopeBasic, hpr.ScopeExtended}; !slices.Equal(gotScopes, want) {
		t.Errorf("scopes: got %v, want %v", gotScopes, want)
	}

	// The token verifies with the published JWKS and carries Maskinporten's claims.
	resp, err := http.Get(e.issuer + "jwk")
	if err != nil {
		t.Fatal(err)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(set.Keys) != 1 || !set.Keys[0].IsPublic() || set.Keys[0].Algorithm != "RS256" {
		t.Fatalf("jwk: got %+v, want one public RS256 key", set.Keys)
	}
	tok, err := jwt.ParseSigned(at, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tok.Headers[0].KeyID, set.Keys[0].KeyID; got != want {
		t.Errorf("token kid: got %q, want %q", got, want)
	}
	var claims map[string]any
	if err := tok.Claims(set.Keys[0].Key, &claims); err != nil {
		t.Fatalf("token does not verify with the JWKS: %v", err)
	}
	now := e.clock.Now().Unix()
	for k, want := range map[string]any{
		"iss": e.issuer, "client_id": clientID, "scope": hpr.ScopeBasic + " " + hpr.ScopeExtended,
		"iat": float64(now), "exp": float64(now + 120), "token_type": "Bearer", "client_amr": "private_key_jwt",
	} {
		if got := claims[k]; got != want {
			t.Errorf("claim %s: got %v, want %v", k, got, want)
		}
	}
	consumer, _ := claims["consumer"].(map[string]any)
	if got, want := consumer["ID"], "0192:987654325"; got != want {
		t.Errorf("consumer.ID: got %v, want %v", got, want)
	}
	if got, want := consumer["authority"], "iso6523-actorid-upis"; got != want {
		t.Errorf("consumer.authority: got %v, want %v", got, want)
	}
	if jti, _ := claims["jti"].(string); jti == "" {
		t.Error("token has no jti")
	}
	if _, ok := claims["aud"]; ok {
		t.Error("token without resource has aud")
	}

	if st := e.sim.Stats(); st.TokenRequests != 1 || st.Issued != 1 || len(st.Refused) != 0 {
		t.Errorf("stats: got %+v, want 1 request, 1 issued, no refusals", st)
	}
}

func TestToken_AcceptsEveryRSAlgorithmAndResource(t *testing.T) {
	e := newEnv(t)
	for _, alg := range []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512} {
		t.Run(string(alg), func(t *testing.T) {
			a := e.request(t, e.sign(t, grant{alg: alg, claims: map[string]any{"resource": "https://api.offentlig.hpr.nhn.no"}}))
			if a.status != http.StatusOK {
				t.Fatalf("status: got %d, want 200 (%v)", a.status, a.body)
			}
			tok, err := jwt.ParseSigned(a.str("access_token"), []jose.SignatureAlgorithm{jose.RS256})
			if err != nil {
				t.Fatal(err)
			}
			var c jwt.Claims
			if err := tok.UnsafeClaimsWithoutVerification(&c); err != nil {
				t.Fatal(err)
			}
			if got, want := []string(c.Audience), []string{"https://api.offentlig.hpr.nhn.no"}; !slices.Equal(got, want) {
				t.Errorf("aud: got %v, want %v", got, want)
			}
		})
	}
}

func TestToken_Refused(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	tests := []struct {
		name       string
		g          grant
		form       url.Values // instead of a signed grant
		wantStatus int
		wantCode   string
		wantReason maskinportensim.Reason
	}{
		{name: "bad signature", g: grant{key: otherKey()}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonSignature},
		{name: "wrong aud", g: grant{claims: map[string]any{"aud": "https://maskinporten.no/"}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonAudience},
		{name: "aud is the token URL", g: grant{claims: map[string]any{"aud": "TOKEN_URL"}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonAudience},
		{name: "aud with two values", g: grant{claims: map[string]any{"aud": []string{"ISSUER", "https://other/"}}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonAudience},
		{name: "no aud", g: grant{claims: map[string]any{"aud": nil}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonAudience},
		{name: "wrong iss", g: grant{claims: map[string]any{"iss": "someone-else"}}, wantCode: "invalid_client", wantReason: maskinportensim.ReasonUnknownClient},
		{name: "iat 11 s ahead", g: grant{claims: map[string]any{"iat": "+11s"}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonIssuedAt},
		{name: "iat 11 s behind", g: grant{claims: map[string]any{"iat": "-11s"}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonIssuedAt},
		{name: "no iat", g: grant{claims: map[string]any{"iat": nil}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonIssuedAt},
		{name: "exp-iat 121 s", g: grant{claims: map[string]any{"exp": "+121s"}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonLifetime},
		{name: "expired", g: grant{claims: map[string]any{"iat": "-10s", "exp": "-1s"}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonExpired},
		{name: "exp equals now", g: grant{claims: map[string]any{"exp": "+0s"}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonExpired},
		{name: "no exp", g: grant{claims: map[string]any{"exp": nil}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonExpired},
		{name: "no jti", g: grant{claims: map[string]any{"jti": nil}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonNoJTI},
		{name: "unknown scope", g: grant{claims: map[string]any{"scope": "nhn:hpr/everything"}}, wantCode: "invalid_scope", wantReason: maskinportensim.ReasonScope},
		{name: "scope not granted to the client", g: grant{claims: map[string]any{"scope": hpr.ScopeBasic + " " + hpr.ScopeExport}}, wantCode: "invalid_scope", wantReason: maskinportensim.ReasonScope},
		{name: "no scope", g: grant{claims: map[string]any{"scope": nil}}, wantCode: "invalid_scope", wantReason: maskinportensim.ReasonNoScope},
		{name: "blank scope", g: grant{claims: map[string]any{"scope": "  "}}, wantCode: "invalid_scope", wantReason: maskinportensim.ReasonNoScope},
		{name: "unknown kid", g: grant{kid: str("not-registered")}, wantCode: "invalid_client", wantReason: maskinportensim.ReasonUnknownKey},
		{name: "no kid", g: grant{kid: str("")}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonNoKeyID},
		{name: "alg PS256", g: grant{alg: jose.PS256}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonAlgorithm},
		{name: "alg ES256", g: grant{alg: jose.ES256, key: ecKey}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonAlgorithm},
		{name: "alg HS256", g: grant{alg: jose.HS256, key: []byte("0123456789abcdef0123456789abcdef")}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonAlgorithm},
		{name: "not a JWS", form: url.Values{"grant_type": {maskinportensim.GrantType}, "assertion": {"not.a.jwt"}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonMalformed},
		{name: "unsigned (alg none)", form: url.Values{"grant_type": {maskinportensim.GrantType}, "assertion": {"eyJhbGciOiJub25lIn0.eyJpc3MiOiJvcHBzbGFnLWhwciJ9."}}, wantCode: "invalid_grant", wantReason: maskinportensim.ReasonMalformed},
		{name: "wrong grant_type", form: url.Values{"grant_type": {"client_credentials"}, "assertion": {"x"}}, wantCode: "unsupported_grant_type", wantReason: maskinportensim.ReasonGrantType},
		{name: "no assertion", form: url.Values{"grant_type": {maskinportensim.GrantType}}, wantCode: "invalid_request", wantReason: maskinportensim.ReasonRequest},
		{name: "assertion too long", form: url.Values{"grant_type": {maskinportensim.GrantType}, "assertion": {strings.Repeat("a", 9<<10)}}, wantCode: "invalid_request", wantReason: maskinportensim.ReasonRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			// Relative times and placeholders are resolved against this env.
			now := e.clock.Now()
			for k, v := range tt.g.claims {
				switch s, _ := v.(string); {
				case strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-"):
					d, err := time.ParseDuration(s)
					if err != nil {
						t.Fatal(err)
					}
					tt.g.claims[k] = now.Add(d).Unix()
				case s == "TOKEN_URL":
					tt.g.claims[k] = e.issuer + "token"
				}
				if l, ok := v.([]string); ok {
					l = slices.Clone(l)
					l[0] = e.issuer
					tt.g.claims[k] = l
				}
			}
			form := tt.form
			if form == nil {
				form = url.Values{"grant_type": {maskinportensim.GrantType}, "assertion": {e.sign(t, tt.g)}}
			}
			a := e.post(t, form)
			want := tt.wantStatus
			if want == 0 {
				want = http.StatusBadRequest
			}
			if a.status != want {
				t.Fatalf("status: got %d, want %d (%v)", a.status, want, a.body)
			}
			if got := a.str("error"); got != tt.wantCode {
				t.Errorf("error: got %q, want %q (%s)", got, tt.wantCode, a.str("error_description"))
			}
			if a.str("error_description") == "" {
				t.Error("error_description is empty")
			}
			if _, ok := a.body["access_token"]; ok {
				t.Error("a refused request carries an access token")
			}
			st := e.sim.Stats()
			if got := st.Refused[tt.wantReason]; got != 1 {
				t.Errorf("refusals for %q: got %d, want 1 (all: %v)", tt.wantReason, got, st.Refused)
			}
			if st.Issued != 0 {
				t.Errorf("issued: got %d, want 0", st.Issued)
			}
		})
	}
}

func TestToken_ReplayedJTI(t *testing.T) {
	e := newEnv(t)
	g := e.sign(t, grant{})
	if a := e.request(t, g); a.status != http.StatusOK {
		t.Fatalf("first use: status %d, want 200 (%v)", a.status, a.body)
	}
	e.clock.Advance(5 * time.Second)
	a := e.request(t, g)
	if a.status != http.StatusBadRequest || a.str("error") != "invalid_grant" {
		t.Fatalf("replay: got %d %q, want 400 invalid_grant", a.status, a.str("error"))
	}
	if got := e.sim.Stats().Refused[maskinportensim.ReasonReplayedJTI]; got != 1 {
		t.Errorf("replayed_jti refusals: got %d, want 1", got)
	}

	// The same jti from a fresh grant is still refused while remembered.
	jti := "fixed-jti"
	if a := e.request(t, e.sign(t, grant{claims: map[string]any{"jti": jti}})); a.status != http.StatusOK {
		t.Fatalf("fresh jti: status %d", a.status)
	}
	if a := e.request(t, e.sign(t, grant{claims: map[string]any{"jti": jti}})); a.status != http.StatusBadRequest {
		t.Errorf("re-signed grant with a used jti: status %d, want 400", a.status)
	}
}

func TestToken_MethodAndContentType(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.issuer + "token")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusMethodNotAllowed; got != want {
		t.Errorf("GET /token: got %d, want %d", got, want)
	}
	body := url.Values{"grant_type": {maskinportensim.GrantType}, "assertion": {e.sign(t, grant{})}}.Encode()
	resp, err = http.Post(e.issuer+"token", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusBadRequest; got != want {
		t.Errorf("JSON content type: got %d, want %d", got, want)
	}
}

func TestToken_Down(t *testing.T) {
	e := newEnv(t)
	e.sim.SetDown(true)
	if a := e.request(t, e.sign(t, grant{})); a.status != http.StatusServiceUnavailable {
		t.Errorf("down: got %d, want 503", a.status)
	}
	e.sim.SetDown(false)
	if a := e.request(t, e.sign(t, grant{})); a.status != http.StatusOK {
		t.Errorf("up again: got %d, want 200", a.status)
	}
}

func TestRegisterClient(t *testing.T) {
	e := newEnv(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tests := []struct {
		name    string
		id      string
		key     any
		kid     string
		wantErr bool
	}{
		{"public key", "a", &otherKey().PublicKey, "k", false},
		{"private key reduced to public", "b", otherKey(), "k", false},
		{"JWK with its own kid", "c", jose.JSONWebKey{Key: &otherKey().PublicKey, KeyID: "jwk-kid"}, "", false},
		{"no kid at all", "d", &otherKey().PublicKey, "", true},
		{"short RSA key", "e", &small.PublicKey, "k", true},
		{"EC key", "f", &ec.PublicKey, "k", true},
		{"empty client id", "", &otherKey().PublicKey, "k", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.sim.RegisterClient(tt.id, tt.key, tt.kid, hpr.ScopeBasic)
			if got := err != nil; got != tt.wantErr {
				t.Errorf("error: got %v, want error %v", err, tt.wantErr)
			}
		})
	}

	// A second key for the same client: both sign valid grants (rotation).
	if err := e.sim.RegisterClient(clientID, &otherKey().PublicKey, "key-2", hpr.ScopeBasic); err != nil {
		t.Fatal(err)
	}
	k2 := "key-2"
	for _, g := range []grant{{}, {key: otherKey(), kid: &k2}} {
		if a := e.request(t, e.sign(t, g)); a.status != http.StatusOK {
			t.Errorf("after rotation: status %d (%v)", a.status, a.body)
		}
	}
	// The second registration replaced the scopes.
	if a := e.request(t, e.sign(t, grant{claims: map[string]any{"scope": hpr.ScopeExtended}})); a.str("error") != "invalid_scope" {
		t.Errorf("scope after re-registration: got %q, want invalid_scope", a.str("error"))
	}
}

func TestVerifyAccessToken(t *testing.T) {
	e := newEnv(t)
	a := e.request(t, e.sign(t, grant{}))
	at := a.str("access_token")
	foreign, err := maskinportensim.New(e.issuer, maskinportensim.Options{Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(at, ".")
	// Swap one payload character in the middle (not the last, whose low
	// bits may be padding).
	mid := len(parts[1]) / 2
	swap := byte('A')
	if parts[1][mid] == 'A' {
		swap = 'B'
	}
	tampered := parts[0] + "." + parts[1][:mid] + string(swap) + parts[1][mid+1:] + "." + parts[2]

	tests := []struct {
		name    string
		verify  func(string) (string, []string, error)
		token   string
		advance time.Duration
		wantErr bool
	}{
		{"valid", e.sim.VerifyAccessToken, at, 0, false},
		{"valid until just before exp", e.sim.VerifyAccessToken, at, 119 * time.Second, false},
		{"expired", e.sim.VerifyAccessToken, at, 120 * time.Second, true},
		{"tampered payload", e.sim.VerifyAccessToken, tampered, 0, true},
		{"another simulator's key", foreign.VerifyAccessToken, at, 0, true},
		{"the grant itself", e.sim.VerifyAccessToken, e.sign(t, grant{}), 0, true},
		{"empty", e.sim.VerifyAccessToken, "", 0, true},
		{"garbage", e.sim.VerifyAccessToken, "a.b.c", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.clock.Advance(tt.advance)
			defer e.clock.Advance(-tt.advance)
			id, scopes, err := tt.verify(tt.token)
			if tt.wantErr {
				if !errors.Is(err, maskinportensim.ErrInvalidToken) {
					t.Errorf("error: got %v, want ErrInvalidToken", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("VerifyAccessToken: %v", err)
			}
			if id != clientID || !slices.Equal(scopes, []string{hpr.ScopeBasic}) {
				t.Errorf("got %q %v, want %q [%s]", id, scopes, clientID, hpr.ScopeBasic)
			}
		})
	}
}

func TestMetadata(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.issuer + ".well-known/oauth-authorization-server")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"issuer": e.issuer, "token_endpoint": e.issuer + "token", "jwks_uri": e.issuer + "jwk"} {
		if got := m[k]; got != want {
			t.Errorf("%s: got %v, want %s", k, got, want)
		}
	}
}

func TestNew_RejectsIssuerWithoutSlash(t *testing.T) {
	for _, issuer := range []string{"https://maskinporten.no", "maskinporten.no/", "https://maskinporten.no/?x=1"} {
		if _, err := maskinportensim.New(issuer, maskinportensim.Options{}); err == nil {
			t.Errorf("New(%q): got nil error, want one", issuer)
		}
	}
}
