package helseid_test

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/helseid"
)

// hostileIdP is a hand-written HelseID that speaks the protocol correctly
// (discovery, JWKS, PAR, token, userinfo) but serves whatever ID token the test
// put in idToken. Unlike the simulator it signs nothing on its own, so a test
// controls every byte of the ID token the client receives.
type hostileIdP struct {
	srv         *httptest.Server
	issuer      string
	key         *rsa.PrivateKey // the key published in the JWKS
	kid         string
	now         time.Time
	code        string // the only authorization code the token endpoint honours
	accessToken string

	mu      sync.Mutex
	nonce   string // from the pushed authorization request
	idToken string // served by the token endpoint

	tokenCalls    atomic.Int32
	userinfoCalls atomic.Int32
}

const (
	hostileClientID = "oppslag-s9"
	hostileSubject  = "s9-subject"
)

func newHostileIdP(t *testing.T, key *rsa.PrivateKey, kid string, now time.Time) *hostileIdP {
	t.Helper()
	h := &hostileIdP{key: key, kid: kid, now: now, code: "code-" + rand.Text()}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", h.discovery)
	mux.HandleFunc("GET /.well-known/openid-configuration/jwks", h.jwks)
	mux.HandleFunc("POST /connect/par", h.par)
	mux.HandleFunc("POST /connect/token", h.token)
	mux.HandleFunc("GET /connect/userinfo", h.userinfo)
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	h.issuer = h.srv.URL
	h.accessToken = signRS256(t, key, kid, "at+jwt", map[string]any{
		"iss": h.issuer, "aud": "nhn:pps", "client_id": hostileClientID, "sub": hostileSubject,
		"scope": []string{"openid", "profile"}, "iat": now.Unix(), "nbf": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(), "jti": rand.Text(),
	})
	return h
}

// client returns a portal client configured for h, on the same fixed clock.
func (h *hostileIdP) client(t *testing.T) *helseid.Client {
	t.Helper()
	key, err := helseid.GenerateKey()
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	c, err := helseid.New(helseid.Config{
		Issuer:      h.issuer,
		ClientID:    hostileClientID,
		Key:         key,
		RedirectURL: "https://portal.test/auth/callback",
		Scopes:      []string{"openid", "profile"},
		HTTPClient:  h.srv.Client(),
		Now:         func() time.Time { return h.now },
	})
	if err != nil {
		t.Fatalf("helseid.New: %v", err)
	}
	return c
}

// idTokenClaims are the claims of a faithful ID token for this login.
func (h *hostileIdP) idTokenClaims() map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	sum := sha256.Sum256([]byte(h.accessToken))
	return map[string]any{
		"iss":       h.issuer,
		"aud":       hostileClientID,
		"sub":       hostileSubject,
		"nonce":     h.nonce,
		"iat":       h.now.Unix(),
		"nbf":       h.now.Unix(),
		"exp":       h.now.Add(5 * time.Minute).Unix(),
		"auth_time": h.now.Unix(),
		"at_hash":   base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2]),
		"sid":       "s9-session",
		"helseid://claims/identity/security_level": "4",
	}
}

func (h *hostileIdP) discovery(w http.ResponseWriter, _ *http.Request) {
	hostileJSON(w, http.StatusOK, map[string]any{
		"issuer":                                h.issuer,
		"authorization_endpoint":                h.issuer + "/connect/authorize",
		"token_endpoint":                        h.issuer + "/connect/token",
		"userinfo_endpoint":                     h.issuer + "/connect/userinfo",
		"jwks_uri":                              h.issuer + "/.well-known/openid-configuration/jwks",
		"end_session_endpoint":                  h.issuer + "/connect/endsession",
		"pushed_authorization_request_endpoint": h.issuer + "/connect/par",
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func (h *hostileIdP) jwks(w http.ResponseWriter, _ *http.Request) {
	hostileJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &h.key.PublicKey, KeyID: h.kid, Algorithm: string(jose.RS256), Use: "sig"},
	}})
}

func (h *hostileIdP) par(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil || r.PostForm.Get("client_assertion") == "" || r.PostForm.Get("nonce") == "" {
		hostileJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	h.mu.Lock()
	h.nonce = r.PostForm.Get("nonce")
	h.mu.Unlock()
	hostileJSON(w, http.StatusCreated, map[string]any{
		"request_uri": "urn:ietf:params:oauth:request_uri:" + rand.Text(),
		"expires_in":  60,
	})
}

func (h *hostileIdP) token(w http.ResponseWriter, r *http.Request) {
	h.tokenCalls.Add(1)
	if r.ParseForm() != nil || r.PostForm.Get("grant_type") != "authorization_code" ||
		r.PostForm.Get("code") != h.code || r.PostForm.Get("code_verifier") == "" || r.Header.Get("DPoP") == "" {
		hostileJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	h.mu.Lock()
	idToken := h.idToken
	h.mu.Unlock()
	hostileJSON(w, http.StatusOK, map[string]any{
		"access_token":  h.accessToken,
		"token_type":    "DPoP",
		"expires_in":    300,
		"scope":         "openid profile",
		"id_token":      idToken,
		"refresh_token": rand.Text(),
		"rt_expires_in": 3600,
	})
}

func (h *hostileIdP) userinfo(w http.ResponseWriter, r *http.Request) {
	h.userinfoCalls.Add(1)
	if r.Header.Get("Authorization") != "DPoP "+h.accessToken || r.Header.Get("DPoP") == "" {
		w.Header().Set("WWW-Authenticate", `DPoP error="invalid_token"`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	hostileJSON(w, http.StatusOK, map[string]any{
		"sub":  hostileSubject,
		"name": "Kari Nordmann",
		"helseid://claims/identity/security_level": "4",
	})
}

func hostileJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// signRS256 signs claims with go-jose, as HelseID signs its tokens.
func signRS256(t *testing.T, key *rsa.PrivateKey, kid, typ string, claims any) string {
	t.Helper()
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType(jose.ContentType(typ)),
	)
	if err != nil {
		t.Fatalf("signer: %v", err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatalf("claims: %v", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		t.Fatalf("serialize: %v", err)
	}
	return s
}

// craftJWT builds a compact JWS by hand, for algorithms go-jose refuses to
// produce (none, HS256 keyed with an RSA public key). mac signs the signing
// input; nil leaves the signature empty.
func craftJWT(t *testing.T, header, claims map[string]any, mac func(input []byte) []byte) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("craft: %v", err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(header) + "." + enc(claims)
	var sig []byte
	if mac != nil {
		sig = mac([]byte(input))
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// TestS9_IDTokenFromHostileServerRejected lets a hand-written HelseID answer
// the code exchange with an ID token that is wrong in exactly one way. The
// callback (state, iss, code) is right, so only the ID token can be at fault;
// the client must refuse it and stop before userinfo. Covers S8 (nonce) too.
// (shim_test.go's TestS9_IDTokenRejected does the same through the simulator.)
func TestS9_IDTokenFromHostileServerRejected(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	idpKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("rsa: %v", err)
	}
	foreignKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("rsa: %v", err)
	}
	const kid = "helseid-sts-1"
	der, err := x509.MarshalPKIXPublicKey(&idpKey.PublicKey)
	if err != nil {
		t.Fatalf("public key: %v", err)
	}
	// The key-confusion attack: a verifier that takes alg from the header
	// and the key from the JWKS would HMAC with the public key it publishes.
	publicPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})

	tests := []struct {
		name    string
		mutate  func(claims map[string]any)                      // nil: faithful claims
		sign    func(t *testing.T, claims map[string]any) string // nil: RS256 with the JWKS key
		accept  bool                                             // the control case
		wantErr error                                            // when set, Exchange's error must wrap it
	}{
		{name: "control", accept: true},
		{name: "wrong aud", mutate: func(c map[string]any) { c["aud"] = "another-client" }},
		{name: "aud list without client id", mutate: func(c map[string]any) {
			c["aud"] = []string{"another-client", "nhn:pps"}
		}},
		{name: "wrong iss", mutate: func(c map[string]any) { c["iss"] = "https://helseid-sts.nhn.no" }},
		{name: "alg none", sign: func(t *testing.T, c map[string]any) string {
			return craftJWT(t, map[string]any{"alg": "none", "typ": "JWT", "kid": kid}, c, nil)
		}},
		{name: "HS256 keyed with the RSA public key", sign: func(t *testing.T, c map[string]any) string {
			return craftJWT(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": kid}, c, func(in []byte) []byte {
				m := hmac.New(sha256.New, publicPEM)
				m.Write(in)
				return m.Sum(nil)
			})
		}},
		{name: "expired", mutate: func(c map[string]any) {
			// An hour past expiry: beyond any clock-skew allowance.
			c["iat"], c["nbf"], c["auth_time"] = now.Add(-2*time.Hour).Unix(), now.Add(-2*time.Hour).Unix(), now.Add(-2*time.Hour).Unix()
			c["exp"] = now.Add(-time.Hour).Unix()
		}},
		{name: "kid not in JWKS", sign: func(t *testing.T, c map[string]any) string {
			return signRS256(t, foreignKey, "not-in-jwks", "JWT", c)
		}},
		{name: "unknown key with JWKS kid", sign: func(t *testing.T, c map[string]any) string {
			return signRS256(t, foreignKey, kid, "JWT", c)
		}},
		{name: "S8 wrong nonce", mutate: func(c map[string]any) { c["nonce"] = "not-the-nonce-of-this-login" },
			wantErr: helseid.ErrNonceMismatch},
		{name: "missing nonce", mutate: func(c map[string]any) { delete(c, "nonce") },
			wantErr: helseid.ErrNonceMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			h := newHostileIdP(t, idpKey, kid, now)
			client := h.client(t)
			ar, err := client.PushAuthorization(ctx, "")
			if err != nil {
				t.Fatalf("PushAuthorization: %v", err)
			}
			claims := h.idTokenClaims()
			if got, want := claims["nonce"], ar.Nonce; got != want {
				t.Fatalf("nonce at PAR = %q, want the AuthRequest's %q", got, want)
			}
			if tc.mutate != nil {
				tc.mutate(claims)
			}
			var idToken string
			if tc.sign != nil {
				idToken = tc.sign(t, claims)
			} else {
				idToken = signRS256(t, idpKey, kid, "JWT", claims)
			}
			h.mu.Lock()
			h.idToken = idToken
			h.mu.Unlock()

			callback := url.Values{"code": {h.code}, "state": {ar.State}, "iss": {h.issuer}}
			login, err := client.Exchange(ctx, ar, callback)

			if got := h.tokenCalls.Load(); got != 1 {
				t.Errorf("token requests = %d, want 1", got)
			}
			if tc.accept {
				if err != nil {
					t.Fatalf("Exchange: %v", err)
				}
				if got, want := login.Claims.Subject, hostileSubject; got != want {
					t.Errorf("subject = %q, want %q", got, want)
				}
				if got := h.userinfoCalls.Load(); got != 1 {
					t.Errorf("userinfo requests = %d, want 1", got)
				}
				return
			}
			if err == nil {
				t.Fatal("Exchange accepted the ID token, want a refusal")
			}
			if login != nil {
				t.Error("Exchange returned a login with its error")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("Exchange error = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && errors.Is(err, helseid.ErrNonceMismatch) {
				t.Errorf("Exchange error = %v, want a refusal of the token itself, not its nonce", err)
			}
			if got := h.userinfoCalls.Load(); got != 0 {
				t.Errorf("userinfo requests = %d after a bad ID token, want 0", got)
			}
			t.Logf("refused: %v", err)
		})
	}
}
