// Package apitoken verifies HelseID access tokens as an API protected by
// HelseID does: from the issuer's published keys alone (discovery, then
// JWKS), never from a shared secret or an in-process key. The API
// simulators use it, so they accept tokens of any HelseID: the simulator's
// own, run as a separate process (`oppslag simulators`), or a real test
// HelseID, which lets a real login reach simulated APIs (mixed mode).
//
// What it checks, as helseidsim.Server.VerifyAccessToken does for its own
// tokens: the signature with a key of the issuer's JWKS (asymmetric
// algorithms only), typ at+jwt, iss equal to the issuer, exp and nbf with
// a small skew, aud equal to the API's audience as the only audience, the
// scope when one is asked for, and the DPoP binding: a proof for this
// request (htm, htu, iat, single-use jti, ath) whose key thumbprint is the
// token's cnf.jkt (package dpop verifies the proof).
//
// Keys are cached. A token naming a kid the cache does not hold makes one
// refresh (HelseID rotates keys by publishing the next one first), at most
// once per MinRefresh so a stream of made-up kids cannot turn every request
// into a JWKS download.
package apitoken

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/dpop"
)

// Errors besides the dpop package's (dpop.ErrMissing, dpop.ErrInvalid,
// dpop.ErrReplay, dpop.ErrWrongBinding): an API answers 401 for
// ErrInvalidToken, ErrKeys and the dpop errors, 403 for ErrInsufficientScope.
var (
	ErrInvalidToken      = errors.New("apitoken: invalid access token")
	ErrInsufficientScope = errors.New("apitoken: required scope missing")
	// ErrKeys means the issuer's keys could not be fetched: the token
	// cannot be checked, so it is refused (fail closed).
	ErrKeys = errors.New("apitoken: issuer keys unavailable")
)

// Limits and defaults.
const (
	maxTokenBytes  = 16 << 10
	maxDocBytes    = 1 << 20
	clockSkew      = 10 * time.Second
	defaultMaxAge  = time.Hour
	defaultRefresh = 30 * time.Second
	typAccessToken = "at+jwt"
)

// tokenAlgorithms are the signature algorithms accepted on access tokens:
// asymmetric only, so a token can never be "signed" with a public key.
var tokenAlgorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512,
	jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512,
}

// Options tune a Verifier; the zero value gives the defaults.
type Options struct {
	HTTPClient *http.Client     // default: 5 s timeout
	Now        func() time.Time // default time.Now
	// MaxAge is how long fetched keys are used before they are fetched
	// again; default 1 h.
	MaxAge time.Duration
	// MinRefresh is the shortest time between two fetches; default 30 s.
	MinRefresh time.Duration
}

// Verifier checks access tokens of one issuer. It is safe for concurrent
// use.
type Verifier struct {
	issuer string
	hc     *http.Client
	now    func() time.Time
	maxAge time.Duration
	minGap time.Duration
	proofs *dpop.Verifier

	mu        sync.Mutex
	keys      jose.JSONWebKeySet
	fetchedAt time.Time // last successful fetch
	triedAt   time.Time // last attempt, successful or not
}

// New returns a verifier for issuer (exactly as HelseID publishes it in
// discovery, without a trailing slash). Nothing is fetched until the first
// token arrives, so an API simulator starts even while HelseID is away.
func New(issuer string, opts Options) *Verifier {
	v := &Verifier{
		issuer: strings.TrimSuffix(issuer, "/"),
		hc:     opts.HTTPClient,
		now:    opts.Now,
		maxAge: opts.MaxAge,
		minGap: opts.MinRefresh,
	}
	if v.hc == nil {
		v.hc = &http.Client{Timeout: 5 * time.Second}
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.maxAge <= 0 {
		v.maxAge = defaultMaxAge
	}
	if v.minGap <= 0 {
		v.minGap = defaultRefresh
	}
	v.proofs = &dpop.Verifier{Now: v.now}
	return v
}

// Issuer returns the issuer whose tokens v accepts.
func (v *Verifier) Issuer() string { return v.issuer }

// VerifyAccessToken checks r's DPoP-bound access token and proof for an API
// at apiBaseURL (scheme and host of the proof's htu; r.URL.Path must be the
// full path the client addressed) with the given audience, and scope when
// not empty. It returns the token's claims. It has the signature of
// helseidsim.Server.VerifyAccessToken, so either serves the API simulators.
func (v *Verifier) VerifyAccessToken(r *http.Request, apiBaseURL, audience, scope string) (map[string]any, error) {
	token, err := DPoPAccessToken(r)
	if err != nil {
		return nil, fmt.Errorf("apitoken: verify: %w", err)
	}
	claims, err := v.checkToken(r.Context(), token)
	if err != nil {
		return nil, fmt.Errorf("apitoken: verify: %w", err)
	}
	if aud := Audiences(claims); len(aud) != 1 || aud[0] != audience {
		return nil, fmt.Errorf("apitoken: verify: %w: aud %v, want only %q", ErrInvalidToken, aud, audience)
	}
	if scope != "" && !slices.Contains(Scopes(claims), scope) {
		return nil, fmt.Errorf("apitoken: verify: %w: %q", ErrInsufficientScope, scope)
	}
	cnf, _ := claims["cnf"].(map[string]any)
	jkt, _ := cnf["jkt"].(string)
	if jkt == "" {
		return nil, fmt.Errorf("apitoken: verify: %w: token is not DPoP-bound", ErrInvalidToken)
	}
	proof, err := v.proofs.Verify(r, apiBaseURL, token)
	if err != nil {
		return nil, fmt.Errorf("apitoken: verify: %w", err)
	}
	if proof.Thumbprint != jkt {
		return nil, fmt.Errorf("apitoken: verify: %w", dpop.ErrWrongBinding)
	}
	return claims, nil
}

// checkToken verifies the signature, typ, iss, exp and nbf of a token.
func (v *Verifier) checkToken(ctx context.Context, raw string) (map[string]any, error) {
	if len(raw) > maxTokenBytes {
		return nil, fmt.Errorf("%w: too long", ErrInvalidToken)
	}
	obj, err := jose.ParseSignedCompact(raw, tokenAlgorithms)
	if err != nil || len(obj.Signatures) != 1 {
		return nil, fmt.Errorf("%w: not a signed JWT", ErrInvalidToken)
	}
	h := obj.Signatures[0].Protected
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); !strings.EqualFold(typ, typAccessToken) &&
		!strings.EqualFold(typ, "application/"+typAccessToken) {
		return nil, fmt.Errorf("%w: typ %q is not an access token", ErrInvalidToken, typ)
	}
	key, err := v.key(ctx, h.KeyID)
	if err != nil {
		return nil, err
	}
	payload, err := obj.Verify(key)
	if err != nil {
		return nil, fmt.Errorf("%w: signature", ErrInvalidToken)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("%w: claims", ErrInvalidToken)
	}
	if iss, _ := claims["iss"].(string); iss != v.issuer {
		return nil, fmt.Errorf("%w: iss %q, want %q", ErrInvalidToken, iss, v.issuer)
	}
	now := v.now()
	exp, ok := NumericDate(claims, "exp")
	if !ok || !now.Before(exp.Add(clockSkew)) {
		return nil, fmt.Errorf("%w: expired", ErrInvalidToken)
	}
	if nbf, ok := NumericDate(claims, "nbf"); ok && nbf.After(now.Add(clockSkew)) {
		return nil, fmt.Errorf("%w: not yet valid", ErrInvalidToken)
	}
	return claims, nil
}

// key returns the issuer's signing key with kid. Keys are fetched when none
// are cached, when they are older than MaxAge, or when kid is unknown, at
// most once per MinRefresh. While the issuer cannot be reached, keys
// fetched before still verify: they are the issuer's own, and an API must
// not go down with its token issuer.
func (v *Verifier) key(ctx context.Context, kid string) (*jose.JSONWebKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.now()
	cached := v.lookup(kid)
	if cached != nil && now.Sub(v.fetchedAt) < v.maxAge {
		return cached, nil
	}
	if !v.triedAt.IsZero() && now.Sub(v.triedAt) < v.minGap {
		switch {
		case cached != nil:
			return cached, nil
		case v.fetchedAt.IsZero():
			return nil, fmt.Errorf("%w: the last fetch failed", ErrKeys)
		}
		return nil, fmt.Errorf("%w: unknown kid %q", ErrInvalidToken, kid)
	}
	// The lock is held over the fetch on purpose: concurrent requests with
	// an unknown kid wait for one download instead of starting their own.
	v.triedAt = now
	keys, err := v.fetch(ctx)
	if err != nil {
		if cached != nil {
			return cached, nil
		}
		return nil, fmt.Errorf("%w: %v", ErrKeys, err)
	}
	v.keys, v.fetchedAt = keys, now
	if k := v.lookup(kid); k != nil {
		return k, nil
	}
	return nil, fmt.Errorf("%w: unknown kid %q", ErrInvalidToken, kid)
}

// lookup finds a public signing key by kid; an empty kid matches the only
// key of a one-key set. v.mu must be held.
func (v *Verifier) lookup(kid string) *jose.JSONWebKey {
	var match []jose.JSONWebKey
	for _, k := range v.keys.Keys {
		if k.Use != "" && k.Use != "sig" || !k.IsPublic() {
			continue
		}
		if kid == "" || k.KeyID == kid {
			match = append(match, k)
		}
	}
	if len(match) != 1 {
		return nil
	}
	return &match[0]
}

// fetch reads discovery, checks its issuer, and reads the JWKS it names.
func (v *Verifier) fetch(ctx context.Context) (jose.JSONWebKeySet, error) {
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := v.getJSON(ctx, v.issuer+"/.well-known/openid-configuration", &doc); err != nil {
		return jose.JSONWebKeySet{}, fmt.Errorf("discovery: %w", err)
	}
	if doc.Issuer != v.issuer {
		return jose.JSONWebKeySet{}, fmt.Errorf("discovery names issuer %q, want %q", doc.Issuer, v.issuer)
	}
	if doc.JWKSURI == "" {
		return jose.JSONWebKeySet{}, errors.New("discovery has no jwks_uri")
	}
	var set jose.JSONWebKeySet
	if err := v.getJSON(ctx, doc.JWKSURI, &set); err != nil {
		return jose.JSONWebKeySet{}, fmt.Errorf("jwks: %w", err)
	}
	return set, nil
}

func (v *Verifier) getJSON(ctx context.Context, url string, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxDocBytes+1))
	if err != nil {
		return err
	}
	if len(b) > maxDocBytes {
		return fmt.Errorf("GET %s: body over %d bytes", url, maxDocBytes)
	}
	return json.Unmarshal(b, dst)
}
