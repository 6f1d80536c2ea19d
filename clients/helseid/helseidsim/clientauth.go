package helseidsim

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// asymmetricAlgs are the only algorithms HelseID accepts for client
// assertions and DPoP proofs ("HelseID only supports asymmetric signing
// algorithms").
var asymmetricAlgs = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512,
	jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512,
}

const (
	assertionTypeJWTBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	maxAssertionLen        = 8 << 10
)

// assertionClaims are the registered claims of a client assertion. Times are
// pointers so a missing claim is told apart from zero.
type assertionClaims struct {
	Issuer    string           `json:"iss"`
	Subject   string           `json:"sub"`
	Audience  jwt.Audience     `json:"aud"`
	Expiry    *jwt.NumericDate `json:"exp"`
	IssuedAt  *jwt.NumericDate `json:"iat"`
	NotBefore *jwt.NumericDate `json:"nbf"`
	ID        string           `json:"jti"`
}

// authenticateClient checks private_key_jwt client authentication on form,
// posted to the endpoint at path. Every failure is invalid_client; the
// description says why, as a developer needs it (a real server says less).
func (s *Server) authenticateClient(r *http.Request, form url.Values, path string) (Client, error) {
	fail := func(format string, args ...any) (Client, error) {
		return Client{}, errf(http.StatusUnauthorized, "invalid_client", format, args...)
	}
	// HelseID requires private_key_jwt of every client; a secret in any form
	// is refused rather than ignored.
	if form.Has("client_secret") {
		return fail("client secrets are not accepted; use private_key_jwt")
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		return fail("client authentication in the Authorization header is not accepted; use private_key_jwt")
	}
	if form.Get("client_assertion_type") != assertionTypeJWTBearer {
		return fail("client_assertion_type must be %s", assertionTypeJWTBearer)
	}
	raw := form.Get("client_assertion")
	if raw == "" || len(raw) > maxAssertionLen {
		return fail("client_assertion missing or too long")
	}
	tok, err := jwt.ParseSigned(raw, asymmetricAlgs)
	if err != nil {
		return fail("client_assertion is not a JWS signed with an asymmetric algorithm")
	}
	if len(tok.Headers) != 1 {
		return fail("client_assertion must carry one signature")
	}
	h := tok.Headers[0]
	typ, _ := h.ExtraHeaders[jose.HeaderType].(string)
	if typ != "client-authentication+jwt" && !strings.EqualFold(typ, "JWT") {
		return fail("client_assertion typ must be client-authentication+jwt or JWT, got %q", typ)
	}
	var unverified assertionClaims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return fail("client_assertion claims are malformed")
	}
	clientID := form.Get("client_id")
	if clientID == "" {
		clientID = unverified.Issuer
	}
	s.mu.Lock()
	client, ok := s.clients[clientID]
	s.mu.Unlock()
	if !ok {
		return fail("unknown client")
	}

	var c assertionClaims
	verified := false
	for _, k := range client.Keys {
		if h.KeyID != "" && k.KeyID != "" && h.KeyID != k.KeyID {
			continue
		}
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		if err := tok.Claims(k.Key, &c); err == nil {
			verified = true
			break
		}
	}
	if !verified {
		return fail("client_assertion signature does not match a registered key of the client")
	}

	if c.Issuer != client.ID || c.Subject != client.ID {
		return fail("client_assertion iss and sub must both be the client_id")
	}
	accepted := []string{s.issuer, s.issuer + "/", s.endpoint(path)}
	if !slices.ContainsFunc(c.Audience, func(a string) bool { return slices.Contains(accepted, a) }) {
		return fail("client_assertion aud must be the issuer %s", s.issuer)
	}
	if c.Expiry == nil || c.IssuedAt == nil {
		return fail("client_assertion needs exp and iat")
	}
	exp, iat := c.Expiry.Time(), c.IssuedAt.Time()
	if exp.Sub(iat) > assertionMaxLife {
		return fail("client_assertion lifetime exp-iat is %s; at most %s", exp.Sub(iat), assertionMaxLife)
	}
	now := s.now()
	if !now.Before(exp) {
		return fail("client_assertion expired")
	}
	if iat.After(now.Add(clockSkew)) {
		return fail("client_assertion issued in the future")
	}
	if c.NotBefore != nil && c.NotBefore.Time().After(now.Add(clockSkew)) {
		return fail("client_assertion not yet valid")
	}
	if c.ID == "" || len(c.ID) > 256 {
		return fail("client_assertion needs a jti")
	}
	if !s.rememberAssertion(client.ID+" "+c.ID, exp, now) {
		return fail("client_assertion jti was used before; an assertion is single use")
	}
	return client, nil
}

// rememberAssertion records a client assertion's jti until it expires and
// reports whether it was new.
func (s *Server) rememberAssertion(key string, exp, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(now)
	if prev, ok := s.assertions[key]; ok && !now.After(prev) {
		return false
	}
	s.assertions[key] = exp
	return true
}
