package dpop

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

func TestNoncesKeptPerOrigin(t *testing.T) {
	var n Nonces
	h := http.Header{"Dpop-Nonce": {"abc"}}
	if !n.Remember("https://API.example.test:443/a/b?q=1", h) {
		t.Fatal("Remember = false for a valid nonce")
	}
	for target, want := range map[string]string{
		"https://api.example.test/other":    "abc", // same origin, other path
		"https://api.example.test:8443/a/b": "",    // other port
		"http://api.example.test/a/b":       "",    // other scheme
		"https://helseid.example.test/a/b":  "",
		"not a url":                         "",
	} {
		if got := n.Get(target); got != want {
			t.Errorf("Get(%q) = %q, want %q", target, got, want)
		}
	}
	for _, bad := range []string{"", `has"quote`, "has space", strings.Repeat("x", maxNonceLen+1), "ctl\x01"} {
		if n.Remember("https://api.example.test/", http.Header{"Dpop-Nonce": {bad}}) {
			t.Errorf("Remember accepted nonce %q", bad)
		}
	}
	if got := n.Get("https://api.example.test/"); got != "abc" {
		t.Errorf("an invalid nonce replaced the kept one: %q", got)
	}
}

func TestAuthParamAndChallenges(t *testing.T) {
	h := http.Header{}
	h.Set("WWW-Authenticate", `DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`)
	if !ResourceNonceChallenge(http.StatusUnauthorized, h) {
		t.Error("401 use_dpop_nonce not recognised")
	}
	if ResourceNonceChallenge(http.StatusForbidden, h) {
		t.Error("403 taken for a nonce challenge")
	}
	h.Set("WWW-Authenticate", `DPoP error="invalid_token"`)
	if ResourceNonceChallenge(http.StatusUnauthorized, h) {
		t.Error("invalid_token taken for a nonce challenge")
	}
	if !ServerNonceChallenge(http.StatusBadRequest, []byte(`{"error":"use_dpop_nonce"}`)) {
		t.Error("400 use_dpop_nonce not recognised")
	}
	if ServerNonceChallenge(http.StatusBadRequest, []byte(`{"error":"invalid_grant"}`)) {
		t.Error("invalid_grant taken for a nonce challenge")
	}
}

// TestNoncesDoRetriesOnce drives Do against a server with each demand.
func TestNoncesDoRetriesOnce(t *testing.T) {
	for _, tc := range []struct {
		demand             NonceDemand
		calls, wantReqs    int
		wantLastStatus     int
		rotateBeforeSecond bool
	}{
		{demand: NoNonce, calls: 2, wantReqs: 2, wantLastStatus: 200},
		{demand: NonceRequired, calls: 2, wantReqs: 3, wantLastStatus: 200},
		{demand: NonceRequired, calls: 2, wantReqs: 4, wantLastStatus: 200, rotateBeforeSecond: true},
		{demand: NonceRotating, calls: 3, wantReqs: 4, wantLastStatus: 200},
		{demand: NonceNeverAccepted, calls: 1, wantReqs: 2, wantLastStatus: 401},
	} {
		var sn ServerNonces
		sn.SetDemand(tc.demand)
		reqs := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reqs++
			if !sn.Check(w, r.Header.Get("X-Nonce")) {
				w.Header().Set("WWW-Authenticate", Challenge)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			io.WriteString(w, "ok")
		}))
		var n Nonces
		var last *http.Response
		for i := range tc.calls {
			if i == 1 && tc.rotateBeforeSecond {
				sn.Rotate()
			}
			resp, err := n.Do(srv.URL+"/x", func(nonce string) (*http.Response, error) {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/x", nil)
				req.Header.Set("X-Nonce", nonce)
				return srv.Client().Do(req)
			})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			last = resp
		}
		srv.Close()
		if reqs != tc.wantReqs || last.StatusCode != tc.wantLastStatus {
			t.Errorf("demand %d: %d requests, last status %d; want %d and %d", tc.demand, reqs, last.StatusCode, tc.wantReqs, tc.wantLastStatus)
		}
	}
}

func TestChooseAlgorithm(t *testing.T) {
	keys(t)
	for _, tc := range []struct {
		name      string
		key       jose.JSONWebKey
		supported []string
		want      jose.SignatureAlgorithm
	}{
		{"no list: RSA default", jose.JSONWebKey{Key: rsaKey}, nil, jose.RS256},
		{"no list: JWK alg", jose.JSONWebKey{Key: rsaKey, Algorithm: "PS384"}, nil, jose.PS384},
		{"RSA without alg takes a listed PS", jose.JSONWebKey{Key: rsaKey}, []string{"ES256", "PS256"}, jose.PS256},
		{"RSA with alg held to it", jose.JSONWebKey{Key: rsaKey, Algorithm: "RS256"}, []string{"PS256"}, ""},
		{"RSA, EC-only provider", jose.JSONWebKey{Key: rsaKey}, []string{"ES256"}, ""},
		{"EC P-256", jose.JSONWebKey{Key: ecKey}, []string{"RS256", "ES256"}, jose.ES256},
		{"EC P-384, provider lists only ES256", jose.JSONWebKey{Key: ec384Key}, []string{"ES256"}, ""},
	} {
		got, err := ChooseAlgorithm(tc.key, tc.supported)
		if tc.want == "" {
			if !errors.Is(err, ErrNoAlgorithm) {
				t.Errorf("%s: got %q, %v; want ErrNoAlgorithm", tc.name, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %s", tc.name, got, err, tc.want)
		}
		if _, err := NewSignerWithAlgorithm(tc.key, got, nil); err != nil {
			t.Errorf("%s: NewSignerWithAlgorithm(%s): %v", tc.name, got, err)
		}
	}
}

// TestVerifierAlgorithms: a server that lists fewer algorithms refuses the
// others.
func TestVerifierAlgorithms(t *testing.T) {
	keys(t)
	c := newClock()
	proof, err := mustSigner(t, rsaKey, "RS256", c).Proof(http.MethodGet, target, "", "")
	if err != nil {
		t.Fatal(err)
	}
	v := &Verifier{Now: c.Now, Algorithms: []jose.SignatureAlgorithm{jose.ES256}}
	if _, err := v.Verify(request(http.MethodGet, target, proof), base, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("RS256 proof against an ES256-only verifier: %v, want ErrInvalid", err)
	}
	v = &Verifier{Now: c.Now, Algorithms: []jose.SignatureAlgorithm{jose.RS256}}
	if _, err := v.Verify(request(http.MethodGet, target, proof), base, ""); err != nil {
		t.Errorf("RS256 proof against an RS256 verifier: %v", err)
	}
}
