package dpop

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/clocktest"
)

const (
	base   = "https://api.example.test"
	target = "https://api.example.test/api/v3/full-access/person/get-by-nin"
)

var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
	ec384Key *ecdsa.PrivateKey
)

func keys(t *testing.T) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if ec384Key, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader); err != nil {
			panic(err)
		}
	})
}

func newClock() *clocktest.Clock { return clocktest.New(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)) }

func request(method, url, proof string) *http.Request {
	r := httptest.NewRequest(method, url, nil)
	if proof != "" {
		r.Header.Set("DPoP", proof)
	}
	return r
}

func mustSigner(t *testing.T, key any, alg string, c *clocktest.Clock) *Signer {
	t.Helper()
	s, err := NewSigner(jose.JSONWebKey{Key: key, Algorithm: alg}, c.Now)
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	return s
}

func decodeSegment(t *testing.T, seg string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatalf("decode segment: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("unmarshal segment: %v", err)
	}
	return m
}

func TestRoundTrip(t *testing.T) {
	keys(t)
	tests := []struct {
		name    string
		key     any
		alg     string
		wantAlg string
		wantJWK []string
	}{
		{"RSA", rsaKey, "", "RS256", []string{"kty", "n", "e"}},
		{"RSA PS256 from JWK", rsaKey, "PS256", "PS256", []string{"kty", "n", "e"}},
		{"EC P-256", ecKey, "", "ES256", []string{"kty", "crv", "x", "y"}},
		{"EC P-384", ec384Key, "", "ES384", []string{"kty", "crv", "x", "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			s := mustSigner(t, tt.key, tt.alg, c)
			proof, err := s.Proof(http.MethodPost, target+"?informationParts=Name#frag", "n0nce", "the-token")
			if err != nil {
				t.Fatalf("Proof: %v", err)
			}
			parts := strings.Split(proof, ".")
			if len(parts) != 3 {
				t.Fatalf("got %d parts, want 3", len(parts))
			}
			h := decodeSegment(t, parts[0])
			if got, want := h["typ"], "dpop+jwt"; got != want {
				t.Errorf("typ: got %v, want %v", got, want)
			}
			if got := h["alg"]; got != tt.wantAlg {
				t.Errorf("alg: got %v, want %v", got, tt.wantAlg)
			}
			jwk, _ := h["jwk"].(map[string]any)
			for _, k := range tt.wantJWK {
				if _, ok := jwk[k]; !ok {
					t.Errorf("jwk lacks %q: %v", k, jwk)
				}
			}
			for _, k := range []string{"d", "p", "q", "dp", "dq", "qi", "kid"} {
				if _, ok := jwk[k]; ok {
					t.Errorf("jwk carries %q", k)
				}
			}
			p := decodeSegment(t, parts[1])
			if got, want := p["htu"], target; got != want {
				t.Errorf("htu: got %v, want %v", got, want)
			}
			if got, want := p["htm"], "POST"; got != want {
				t.Errorf("htm: got %v, want %v", got, want)
			}
			if got, want := p["ath"], accessTokenHash("the-token"); got != want {
				t.Errorf("ath: got %v, want %v", got, want)
			}
			if got, want := p["iat"], float64(c.Now().Unix()); got != want {
				t.Errorf("iat: got %v, want %v", got, want)
			}

			v := &Verifier{Now: c.Now, NonceCheck: func(n string) bool { return n == "n0nce" }}
			got, err := v.Verify(request(http.MethodPost, target+"?informationParts=Name", proof), base, "the-token")
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got.Thumbprint != s.Thumbprint() {
				t.Errorf("thumbprint: got %q, want %q", got.Thumbprint, s.Thumbprint())
			}
			if got.Nonce != "n0nce" || got.JTI == "" || !got.IssuedAt.Equal(c.Now()) {
				t.Errorf("proof: got %+v", got)
			}
		})
	}
}

func TestSignerJTIUnique(t *testing.T) {
	keys(t)
	s := mustSigner(t, ecKey, "", newClock())
	seen := map[string]bool{}
	for range 50 {
		proof, err := s.Proof("GET", target, "", "")
		if err != nil {
			t.Fatal(err)
		}
		jti := decodeSegment(t, strings.Split(proof, ".")[1])["jti"].(string)
		if seen[jti] {
			t.Fatalf("jti %q repeated", jti)
		}
		seen[jti] = true
	}
}

func TestNewSignerRejects(t *testing.T) {
	keys(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]any{
		"public RSA": &rsaKey.PublicKey,
		"public EC":  &ecKey.PublicKey,
		"symmetric":  []byte("0123456789abcdef0123456789abcdef"),
		"nil":        nil,
		"RSA-1024":   small,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewSigner(jose.JSONWebKey{Key: key}, nil); err == nil {
				t.Error("got nil error, want one")
			}
		})
	}
}

func TestThumbprintRFC7638(t *testing.T) {
	// The example key and thumbprint of RFC 7638 §3.1.
	const n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
	const want = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON([]byte(`{"kty":"RSA","e":"AQAB","n":"` + n + `"}`)); err != nil {
		t.Fatal(err)
	}
	got, err := thumbprint(k)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// craft builds a compact JWS by hand so tests can produce proofs the Signer
// never would.
func craft(t *testing.T, header, payload map[string]any, sign func(input []byte) []byte) string {
	t.Helper()
	hb, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	input := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(pb)
	return input + "." + base64.RawURLEncoding.EncodeToString(sign([]byte(input)))
}

func rs256(key *rsa.PrivateKey) func([]byte) []byte {
	return func(in []byte) []byte {
		sum := sha256.Sum256(in)
		sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
		if err != nil {
			panic(err)
		}
		return sig
	}
}

func publicJWK(t *testing.T, key any) map[string]any {
	t.Helper()
	b, err := json.Marshal(jose.JSONWebKey{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestVerifyRejects(t *testing.T) {
	keys(t)
	c := newClock()
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := mustSigner(t, rsaKey, "", c)
	good := func() map[string]any {
		return map[string]any{"jti": "j-" + c.Now().String(), "htm": "GET", "htu": target, "iat": c.Now().Unix()}
	}
	header := func() map[string]any {
		return map[string]any{"typ": "dpop+jwt", "alg": "RS256", "jwk": publicJWK(t, &rsaKey.PublicKey)}
	}
	proofWith := func(mutH func(map[string]any), mutP func(map[string]any), sign func([]byte) []byte) string {
		h, p := header(), good()
		if mutH != nil {
			mutH(h)
		}
		if mutP != nil {
			mutP(p)
		}
		if sign == nil {
			sign = rs256(rsaKey)
		}
		return craft(t, h, p, sign)
	}
	signerProof := func(method, url, nonce, token string) string {
		p, err := s.Proof(method, url, nonce, token)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	tests := []struct {
		name    string
		req     func() *http.Request
		token   string
		nonce   func(string) bool
		wantErr error
	}{
		{"missing header", func() *http.Request { return request("GET", target, "") }, "", nil, ErrMissing},
		{"two headers", func() *http.Request {
			r := request("GET", target, signerProof("GET", target, "", ""))
			r.Header.Add("DPoP", signerProof("GET", target, "", ""))
			return r
		}, "", nil, ErrInvalid},
		{"not a JWS", func() *http.Request { return request("GET", target, "not.a.jws") }, "", nil, ErrInvalid},
		{"typ JWT", func() *http.Request {
			return request("GET", target, proofWith(func(h map[string]any) { h["typ"] = "JWT" }, nil, nil))
		}, "", nil, ErrInvalid},
		{"typ missing", func() *http.Request {
			return request("GET", target, proofWith(func(h map[string]any) { delete(h, "typ") }, nil, nil))
		}, "", nil, ErrInvalid},
		{"alg none", func() *http.Request {
			return request("GET", target, proofWith(func(h map[string]any) { h["alg"] = "none" }, nil,
				func([]byte) []byte { return nil }))
		}, "", nil, ErrInvalid},
		{"alg HS256", func() *http.Request {
			return request("GET", target, proofWith(func(h map[string]any) {
				h["alg"] = "HS256"
				h["jwk"] = map[string]any{"kty": "oct", "k": base64.RawURLEncoding.EncodeToString([]byte("secret"))}
			}, nil, func(in []byte) []byte {
				m := hmac.New(sha256.New, []byte("secret"))
				m.Write(in)
				return m.Sum(nil)
			}))
		}, "", nil, ErrInvalid},
		{"jwk missing", func() *http.Request {
			return request("GET", target, proofWith(func(h map[string]any) { delete(h, "jwk") }, nil, nil))
		}, "", nil, ErrInvalid},
		{"jwk private", func() *http.Request {
			return request("GET", target, proofWith(func(h map[string]any) {
				b, _ := json.Marshal(jose.JSONWebKey{Key: rsaKey})
				var m map[string]any
				_ = json.Unmarshal(b, &m)
				h["jwk"] = m
			}, nil, nil))
		}, "", nil, ErrInvalid},
		{"signed by another key", func() *http.Request {
			return request("GET", target, proofWith(nil, nil, rs256(other)))
		}, "", nil, ErrInvalid},
		{"htm mismatch", func() *http.Request {
			return request("POST", target, signerProof("GET", target, "", ""))
		}, "", nil, ErrInvalid},
		{"htu other path", func() *http.Request {
			return request("GET", target, signerProof("GET", base+"/api/v3/full-access/person/bulk-by-nin", "", ""))
		}, "", nil, ErrInvalid},
		{"htu other host", func() *http.Request {
			return request("GET", target, signerProof("GET", "https://evil.example.test/api/v3/full-access/person/get-by-nin", "", ""))
		}, "", nil, ErrInvalid},
		{"htu other scheme", func() *http.Request {
			return request("GET", target, signerProof("GET", "http://api.example.test/api/v3/full-access/person/get-by-nin", "", ""))
		}, "", nil, ErrInvalid},
		{"htu missing", func() *http.Request {
			return request("GET", target, proofWith(nil, func(p map[string]any) { delete(p, "htu") }, nil))
		}, "", nil, ErrInvalid},
		{"jti missing", func() *http.Request {
			return request("GET", target, proofWith(nil, func(p map[string]any) { delete(p, "jti") }, nil))
		}, "", nil, ErrInvalid},
		{"iat missing", func() *http.Request {
			return request("GET", target, proofWith(nil, func(p map[string]any) { delete(p, "iat") }, nil))
		}, "", nil, ErrInvalid},
		{"iat too old", func() *http.Request {
			return request("GET", target, proofWith(nil, func(p map[string]any) { p["iat"] = c.Now().Add(-61 * time.Second).Unix() }, nil))
		}, "", nil, ErrInvalid},
		{"iat in the future", func() *http.Request {
			return request("GET", target, proofWith(nil, func(p map[string]any) { p["iat"] = c.Now().Add(61 * time.Second).Unix() }, nil))
		}, "", nil, ErrInvalid},
		{"ath missing", func() *http.Request {
			return request("GET", target, signerProof("GET", target, "", ""))
		}, "the-token", nil, ErrInvalid},
		{"ath for another token", func() *http.Request {
			return request("GET", target, signerProof("GET", target, "", "another-token"))
		}, "the-token", nil, ErrInvalid},
		{"nonce missing", func() *http.Request {
			return request("GET", target, signerProof("GET", target, "", ""))
		}, "", func(string) bool { return true }, ErrNonceNeeded},
		{"nonce stale", func() *http.Request {
			return request("GET", target, signerProof("GET", target, "old", ""))
		}, "", func(n string) bool { return n == "fresh" }, ErrNonceNeeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &Verifier{Now: c.Now, NonceCheck: tt.nonce}
			_, err := v.Verify(tt.req(), base, tt.token)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("got %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestVerifyAccepts(t *testing.T) {
	keys(t)
	c := newClock()
	s := mustSigner(t, ecKey, "", c)
	tests := []struct {
		name   string
		htu    string
		reqURL string
		base   string
		skew   time.Duration
	}{
		{"exact", target, target, base, 0},
		{"query in request and proof", target + "?a=1", target + "?b=2", base, 0},
		{"default port and host case", "https://API.example.test:443/api/v3/full-access/person/get-by-nin", target, base, 0},
		{"base URL path ignored", target, target, base + "/ignored", 0},
		{"iat 60 s old", target, target, base, -60 * time.Second},
		{"iat 60 s ahead", target, target, base, 60 * time.Second},
		{"plain http loopback", "http://127.0.0.1:8081/connect/token", "http://127.0.0.1:8081/connect/token", "http://127.0.0.1:8081", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signAt := clocktest.New(c.Now().Add(tt.skew))
			s.now = signAt.Now
			proof, err := s.Proof("GET", tt.htu, "", "")
			if err != nil {
				t.Fatal(err)
			}
			v := &Verifier{Now: c.Now}
			if _, err := v.Verify(request("GET", tt.reqURL, proof), tt.base, ""); err != nil {
				t.Errorf("got %v, want nil", err)
			}
		})
	}
}

func TestVerifyReplay(t *testing.T) {
	keys(t)
	c := newClock()
	s := mustSigner(t, rsaKey, "", c)
	v := &Verifier{Now: c.Now}
	proof, err := s.Proof("POST", target, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(request("POST", target, proof), base, ""); err != nil {
		t.Fatalf("first use: %v", err)
	}
	c.Advance(30 * time.Second)
	if _, err := v.Verify(request("POST", target, proof), base, ""); !errors.Is(err, ErrReplay) {
		t.Errorf("second use: got %v, want %v", err, ErrReplay)
	}
	c.Advance(31 * time.Second)
	if _, err := v.Verify(request("POST", target, proof), base, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("after the window: got %v, want %v (iat too old)", err, ErrInvalid)
	}
}

func TestVerifyFailedProofDoesNotBurnJTI(t *testing.T) {
	// A proof refused for its nonce must not count as seen; otherwise the
	// nonce retry would be blamed for a replay it never made.
	keys(t)
	c := newClock()
	s := mustSigner(t, rsaKey, "", c)
	proof, err := s.Proof("POST", target, "n1", "")
	if err != nil {
		t.Fatal(err)
	}
	strict := &Verifier{Now: c.Now, NonceCheck: func(string) bool { return false }}
	if _, err := strict.Verify(request("POST", target, proof), base, ""); !errors.Is(err, ErrNonceNeeded) {
		t.Fatalf("got %v, want %v", err, ErrNonceNeeded)
	}
	strict.NonceCheck = func(n string) bool { return n == "n1" }
	if _, err := strict.Verify(request("POST", target, proof), base, ""); err != nil {
		t.Errorf("got %v, want nil", err)
	}
}

func TestVerifyEvictsExpired(t *testing.T) {
	keys(t)
	c := newClock()
	s := mustSigner(t, ecKey, "", c)
	v := &Verifier{Now: c.Now, MaxAge: 10 * time.Second}
	verify := func() {
		t.Helper()
		proof, err := s.Proof("GET", target, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(request("GET", target, proof), base, ""); err != nil {
			t.Fatal(err)
		}
	}
	for range 20 {
		verify()
	}
	if got, want := v.cacheLen(), 20; got != want {
		t.Fatalf("cache: got %d, want %d", got, want)
	}
	c.Advance(time.Minute)
	verify()
	if got, want := v.cacheLen(), 1; got != want {
		t.Errorf("cache after the window: got %d, want %d", got, want)
	}
}

func TestVerifyConcurrent(t *testing.T) {
	keys(t)
	c := newClock()
	s := mustSigner(t, ecKey, "", c)
	v := &Verifier{Now: c.Now}
	proof, err := s.Proof("GET", target, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 8 {
		wg.Go(func() {
			if _, err := v.Verify(request("GET", target, proof), base, ""); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ok != 1 {
		t.Errorf("accepted %d times, want 1", ok)
	}
}
