package helseid_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
)

func rsaKey(t *testing.T, alg jose.SignatureAlgorithm) *jose.JSONWebKey {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return &jose.JSONWebKey{Key: priv, Algorithm: string(alg), Use: "sig", KeyID: "rsa-" + string(alg)}
}

func ecKey(t *testing.T) *jose.JSONWebKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &jose.JSONWebKey{Key: priv, Use: "sig", KeyID: "proof"}
}

func jkt(t *testing.T, k *jose.JSONWebKey) string {
	t.Helper()
	pub := k.Public()
	sum, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(sum)
}

// TestS12_ProofAlgorithmFollowsDiscovery checks the portal signs DPoP proofs
// only with an algorithm the provider lists in
// dpop_signing_alg_values_supported, binds tokens to the configured proof
// key, and refuses a login up front, with a reason, when no algorithm fits.
func TestS12_ProofAlgorithmFollowsDiscovery(t *testing.T) {
	t.Parallel()
	es256Only := helseidsim.Options{DPoPAlgorithms: []jose.SignatureAlgorithm{jose.ES256}}
	cases := []struct {
		name      string
		sim       helseidsim.Options
		key       *jose.JSONWebKey
		dpopKey   bool // a separate EC P-256 proof key
		wantAlg   jose.SignatureAlgorithm
		wantNoFit bool
	}{
		{name: "RSA client key, provider lists only ES256", sim: es256Only, key: rsaKey(t, jose.RS256), wantNoFit: true},
		{name: "RSA client key, provider lists only ES256, separate EC proof key", sim: es256Only, key: rsaKey(t, jose.RS256), dpopKey: true, wantAlg: jose.ES256},
		{name: "RSA key without alg, provider lists only PS256", sim: helseidsim.Options{DPoPAlgorithms: []jose.SignatureAlgorithm{jose.PS256}}, key: rsaKey(t, ""), wantAlg: jose.PS256},
		{name: "RSA key with alg RS256 is held to it", sim: helseidsim.Options{DPoPAlgorithms: []jose.SignatureAlgorithm{jose.PS256}}, key: rsaKey(t, jose.RS256), wantNoFit: true},
		{name: "no list in discovery: the key's own algorithm", sim: helseidsim.Options{OmitDPoPAlgorithms: true}, key: rsaKey(t, jose.RS512), wantAlg: jose.RS512},
		{name: "HelseID's list, EC client key", key: nil, wantAlg: jose.ES256},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := envOptions{sim: tc.sim, key: tc.key}
			if tc.dpopKey {
				o.dpopKey = ecKey(t)
			}
			e := newEnvOpts(t, o)
			ctx := context.Background()
			if tc.wantNoFit {
				_, err := e.client.PushAuthorization(ctx, "doctor")
				if !errors.Is(err, helseid.ErrProofKey) {
					t.Fatalf("PushAuthorization error = %v, want ErrProofKey", err)
				}
				if !strings.Contains(err.Error(), "proof key") {
					t.Errorf("error %q does not say what to configure", err)
				}
				if st := e.sim.Stats(); st.PAR != 0 {
					t.Errorf("%d pushed authorization requests sent; want none when no proof algorithm fits", st.PAR)
				}
				if err := e.client.CheckDPoP(ctx); !errors.Is(err, helseid.ErrProofKey) {
					t.Errorf("CheckDPoP = %v, want ErrProofKey", err)
				}
				return
			}
			if err := e.client.CheckDPoP(ctx); err != nil {
				t.Fatalf("CheckDPoP: %v", err)
			}
			login := e.login(t, "doctor")
			ts := login.Tokens
			if _, _, err := e.client.AccessToken(ctx, &ts, audPerson); err != nil {
				t.Fatalf("AccessToken after login: %v", err)
			}
			for _, r := range e.rec.to("/connect/token") {
				h, _ := jwtParts(t, r.Header.Get("DPoP"))
				if h["alg"] != string(tc.wantAlg) {
					t.Errorf("token request proof alg = %v, want %s", h["alg"], tc.wantAlg)
				}
			}
			proof, err := e.client.Proof("GET", "https://api.test/x", ts.Access[audPerson].Token)
			if err != nil {
				t.Fatal(err)
			}
			if h, _ := jwtParts(t, proof); h["alg"] != string(tc.wantAlg) {
				t.Errorf("API proof alg = %v, want %s", h["alg"], tc.wantAlg)
			}
			wantKey := tc.key
			if o.dpopKey != nil {
				wantKey = o.dpopKey
			}
			if wantKey != nil {
				_, claims := jwtParts(t, ts.Access[audPerson].Token)
				cnf, _ := claims["cnf"].(map[string]any)
				if got, want := cnf["jkt"], jkt(t, wantKey); got != want {
					t.Errorf("access token cnf.jkt = %v, want the proof key's %s", got, want)
				}
			}
			if o.dpopKey != nil {
				// The client key still authenticates the client.
				par := e.rec.to("/connect/par")
				if len(par) == 0 {
					t.Fatal("no PAR request recorded")
				}
				h, _ := jwtParts(t, par[0].Form.Get("client_assertion"))
				if h["alg"] != string(jose.RS256) {
					t.Errorf("client assertion alg = %v, want the client key's RS256", h["alg"])
				}
			}
		})
	}
}

// TestNoRefreshTokenRefusesLogin: a provider that answers the code exchange
// without a refresh token (offline_access ignored) must not give a session
// that looks signed in but can get no API token.
func TestNoRefreshTokenRefusesLogin(t *testing.T) {
	t.Parallel()
	e := newEnvOpts(t, envOptions{sim: helseidsim.Options{NoRefreshTokens: true}})
	ar, cb := e.authorize(t, "doctor")
	login, err := e.client.Exchange(context.Background(), ar, cb)
	if !errors.Is(err, helseid.ErrNoRefreshToken) {
		t.Fatalf("Exchange error = %v, want ErrNoRefreshToken", err)
	}
	if login == nil || login.Claims.HPRNumber == "" {
		t.Errorf("Exchange returned login %+v; want the refused user, for the audit trail", login)
	}
}

// TestIssuerMustBeHTTPSOffLoopback: plain http is for the simulator on this
// machine only.
func TestIssuerMustBeHTTPSOffLoopback(t *testing.T) {
	t.Parallel()
	key, err := helseid.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	for issuer, ok := range map[string]bool{
		"https://helseid-sts.test.nhn.no": true,
		"http://127.0.0.1:8081":           true,
		"http://127.3.4.5":                true,
		"http://[::1]:9000":               true,
		"http://localhost:9000":           true,
		"http://helseid-sts.test.nhn.no":  false,
		"http://10.0.0.7:8080":            false,
		"http://localhost.example.no":     false,
		"http://[::ffff:10.0.0.1]":        false,
	} {
		_, err := helseid.New(helseid.Config{
			Issuer: issuer, ClientID: clientID, Key: key, RedirectURL: redirectURL, Scopes: scopes,
		})
		if (err == nil) != ok {
			t.Errorf("New(issuer %s) error = %v; want accepted %v", issuer, err, ok)
		}
	}
}
