package apitoken_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/dpop"
	"github.com/oppslag/oppslag/clients/helseid/apitoken"
)

const (
	api      = "https://api.example.test"
	target   = api + "/v1/person"
	audience = "nhn:hgd-persontjenesten-api"
	scope    = "nhn:hgd-persontjenesten-api/full-access"
)

// issuer is a fake OpenID Provider: discovery and JWKS only, with keys that
// can be rotated and a counter of JWKS downloads.
type issuer struct {
	srv   *httptest.Server
	url   string
	keys  atomic.Pointer[jose.JSONWebKeySet]
	jwks  atomic.Int32
	down  atomic.Bool
	other string // the issuer discovery names; "" for url
}

func newIssuer(t *testing.T) *issuer {
	is := &issuer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if is.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		name := is.url
		if is.other != "" {
			name = is.other
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": name, "jwks_uri": is.url + "/jwks"})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		is.jwks.Add(1)
		_ = json.NewEncoder(w).Encode(is.keys.Load())
	})
	is.srv = httptest.NewServer(mux)
	is.url = is.srv.URL
	t.Cleanup(is.srv.Close)
	is.keys.Store(&jose.JSONWebKeySet{})
	return is
}

// signingKey is a private key the fake issuer publishes.
func (is *issuer) signingKey(t *testing.T, kid string) jose.JSONWebKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	priv := jose.JSONWebKey{Key: k, KeyID: kid, Algorithm: "RS256", Use: "sig"}
	set := *is.keys.Load()
	set.Keys = append(append([]jose.JSONWebKey(nil), set.Keys...), priv.Public())
	is.keys.Store(&set)
	return priv
}

func sign(t *testing.T, key jose.JSONWebKey, typ string, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType(jose.ContentType(typ)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(claims)
	obj, err := s.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func proofSigner(t *testing.T) *dpop.Signer { return proofSignerAt(t, nil) }

func proofSignerAt(t *testing.T, now func() time.Time) *dpop.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := dpop.NewSigner(jose.JSONWebKey{Key: k}, now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func request(t *testing.T, method, url, token string, proof *dpop.Signer) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, url, nil)
	r.Header.Set("Authorization", "DPoP "+token)
	p, err := proof.Proof(method, url, "", token)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("DPoP", p)
	return r
}

func TestVerifyAccessToken(t *testing.T) {
	is := newIssuer(t)
	key := is.signingKey(t, "k1")
	signer, other := proofSigner(t), proofSigner(t)
	now := time.Now()
	claims := func(mod func(map[string]any)) map[string]any {
		c := map[string]any{
			"iss": is.url, "aud": audience, "scope": []string{scope, "openid"},
			"exp": now.Add(5 * time.Minute).Unix(), "nbf": now.Unix(), "iat": now.Unix(),
			"cnf": map[string]string{"jkt": signer.Thumbprint()}, "sub": "s",
		}
		if mod != nil {
			mod(c)
		}
		return c
	}
	good := sign(t, key, "at+jwt", claims(nil))
	v := apitoken.New(is.url, apitoken.Options{})

	t.Run("good", func(t *testing.T) {
		c, err := v.VerifyAccessToken(request(t, http.MethodPost, target, good, signer), api, audience, scope)
		if err != nil {
			t.Fatalf("got %v, want nil", err)
		}
		if c["sub"] != "s" {
			t.Errorf("claims: got %v", c)
		}
	})

	forger := jose.JSONWebKey{KeyID: "k1", Algorithm: "RS256"}
	if k, err := rsa.GenerateKey(rand.Reader, 2048); err == nil {
		forger.Key = k
	}
	tests := []struct {
		name    string
		req     func() *http.Request
		aud     string
		scope   string
		wantErr error
	}{
		{"wrong audience", func() *http.Request { return request(t, http.MethodPost, target, good, signer) }, "nhn:pps", "", apitoken.ErrInvalidToken},
		{"two audiences", func() *http.Request {
			return request(t, http.MethodPost, target, sign(t, key, "at+jwt", claims(func(c map[string]any) { c["aud"] = []string{audience, "nhn:pps"} })), signer)
		}, audience, scope, apitoken.ErrInvalidToken},
		{"missing scope", func() *http.Request { return request(t, http.MethodPost, target, good, signer) }, audience, audience + "/restricted-access", apitoken.ErrInsufficientScope},
		{"another issuer's iss", func() *http.Request {
			return request(t, http.MethodPost, target, sign(t, key, "at+jwt", claims(func(c map[string]any) { c["iss"] = "https://evil.example" })), signer)
		}, audience, scope, apitoken.ErrInvalidToken},
		{"signed by another key under a known kid", func() *http.Request {
			return request(t, http.MethodPost, target, sign(t, forger, "at+jwt", claims(nil)), signer)
		}, audience, scope, apitoken.ErrInvalidToken},
		{"an ID token", func() *http.Request {
			return request(t, http.MethodPost, target, sign(t, key, "JWT", claims(nil)), signer)
		}, audience, scope, apitoken.ErrInvalidToken},
		{"expired", func() *http.Request {
			return request(t, http.MethodPost, target, sign(t, key, "at+jwt", claims(func(c map[string]any) { c["exp"] = now.Add(-time.Minute).Unix() })), signer)
		}, audience, scope, apitoken.ErrInvalidToken},
		{"not yet valid", func() *http.Request {
			return request(t, http.MethodPost, target, sign(t, key, "at+jwt", claims(func(c map[string]any) { c["nbf"] = now.Add(time.Hour).Unix() })), signer)
		}, audience, scope, apitoken.ErrInvalidToken},
		{"not DPoP-bound", func() *http.Request {
			return request(t, http.MethodPost, target, sign(t, key, "at+jwt", claims(func(c map[string]any) { delete(c, "cnf") })), signer)
		}, audience, scope, apitoken.ErrInvalidToken},
		{"proof by another key", func() *http.Request { return request(t, http.MethodPost, target, good, other) }, audience, scope, dpop.ErrWrongBinding},
		{"no proof", func() *http.Request {
			r := request(t, http.MethodPost, target, good, signer)
			r.Header.Del("DPoP")
			return r
		}, audience, scope, dpop.ErrMissing},
		{"proof for another method", func() *http.Request {
			r := request(t, http.MethodGet, target, good, signer)
			r.Method = http.MethodPost
			return r
		}, audience, scope, dpop.ErrInvalid},
		{"proof for another URL", func() *http.Request {
			r := request(t, http.MethodPost, api+"/v1/other", good, signer)
			r.URL.Path = "/v1/person"
			return r
		}, audience, scope, dpop.ErrInvalid},
		{"proof for another token (ath)", func() *http.Request {
			r := request(t, http.MethodPost, target, good, signer)
			p, _ := signer.Proof(http.MethodPost, target, "", "another token")
			r.Header.Set("DPoP", p)
			return r
		}, audience, scope, dpop.ErrInvalid},
		{"Bearer scheme", func() *http.Request {
			r := request(t, http.MethodPost, target, good, signer)
			r.Header.Set("Authorization", "Bearer "+good)
			return r
		}, audience, scope, apitoken.ErrInvalidToken},
		{"garbage", func() *http.Request {
			r := request(t, http.MethodPost, target, good, signer)
			r.Header.Set("Authorization", "DPoP not.a.jwt")
			return r
		}, audience, scope, apitoken.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.VerifyAccessToken(tt.req(), api, tt.aud, tt.scope)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("got %v, want %v", err, tt.wantErr)
			}
		})
	}
	t.Run("replayed proof", func(t *testing.T) {
		r := request(t, http.MethodPost, target, good, signer)
		if _, err := v.VerifyAccessToken(r, api, audience, scope); err != nil {
			t.Fatal(err)
		}
		if _, err := v.VerifyAccessToken(r, api, audience, scope); !errors.Is(err, dpop.ErrReplay) {
			t.Errorf("got %v, want %v", err, dpop.ErrReplay)
		}
	})
}

// TestKeyRotationAndCache: keys are fetched once and cached; a token under
// a new kid makes one refresh; unknown kids refresh at most once per
// MinRefresh; cached keys outlive the issuer going down.
func TestKeyRotationAndCache(t *testing.T) {
	is := newIssuer(t)
	k1 := is.signingKey(t, "k1")
	clock := time.Now()
	now := func() time.Time { return clock }
	signer := proofSignerAt(t, now)
	v := apitoken.New(is.url, apitoken.Options{Now: now, MinRefresh: time.Minute})
	token := func(k jose.JSONWebKey) string {
		return sign(t, k, "at+jwt", map[string]any{"iss": is.url, "aud": audience, "exp": clock.Add(5 * time.Minute).Unix(),
			"cnf": map[string]string{"jkt": signer.Thumbprint()}})
	}
	verify := func(tok string) error {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.Header.Set("Authorization", "DPoP "+tok)
		proof, err := signer.Proof(http.MethodGet, target, "", tok)
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("DPoP", proof)
		_, err = v.VerifyAccessToken(r, api, audience, "")
		return err
	}
	for range 3 {
		if err := verify(token(k1)); err != nil {
			t.Fatal(err)
		}
	}
	if n := is.jwks.Load(); n != 1 {
		t.Errorf("JWKS fetched %d times for three tokens; want 1", n)
	}
	clock = clock.Add(2 * time.Minute)
	k2 := is.signingKey(t, "k2")
	if err := verify(token(k2)); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	if n := is.jwks.Load(); n != 2 {
		t.Errorf("JWKS fetched %d times after a rotation; want 2", n)
	}
	clock = clock.Add(2 * time.Minute)
	unknown := jose.JSONWebKey{KeyID: "made-up", Algorithm: "RS256"}
	unknown.Key, _ = rsa.GenerateKey(rand.Reader, 2048)
	for range 5 {
		if err := verify(token(unknown)); !errors.Is(err, apitoken.ErrInvalidToken) {
			t.Fatalf("unknown kid: got %v, want %v", err, apitoken.ErrInvalidToken)
		}
	}
	if n := is.jwks.Load(); n != 3 {
		t.Errorf("JWKS fetched %d times after five made-up kids; want one more (3)", n)
	}
	is.down.Store(true)
	clock = clock.Add(2 * time.Hour)
	if err := verify(token(k1)); err != nil {
		t.Errorf("issuer down, cached key: got %v, want nil", err)
	}

	fresh := apitoken.New(is.url, apitoken.Options{Now: now})
	v = fresh
	if err := verify(token(k1)); !errors.Is(err, apitoken.ErrKeys) {
		t.Errorf("issuer down, nothing cached: got %v, want %v", err, apitoken.ErrKeys)
	}
}

func TestDiscoveryMustNameTheIssuer(t *testing.T) {
	is := newIssuer(t)
	is.other = "https://someone-else.example"
	k := is.signingKey(t, "k1")
	signer := proofSigner(t)
	v := apitoken.New(is.url, apitoken.Options{})
	tok := sign(t, k, "at+jwt", map[string]any{"iss": is.url, "aud": audience, "exp": time.Now().Add(time.Minute).Unix(),
		"cnf": map[string]string{"jkt": signer.Thumbprint()}})
	_, err := v.VerifyAccessToken(request(t, http.MethodGet, target, tok, signer), api, audience, "")
	if !errors.Is(err, apitoken.ErrKeys) {
		t.Errorf("got %v, want %v", err, apitoken.ErrKeys)
	}
}
