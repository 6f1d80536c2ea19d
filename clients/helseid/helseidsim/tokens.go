package helseidsim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// HelseID claim names (upstreams.md §1.5).
const (
	claimPID            = "helseid://claims/identity/pid"
	claimPIDPseudonym   = "helseid://claims/identity/pid_pseudonym"
	claimSecurityLevel  = "helseid://claims/identity/security_level"
	claimAssuranceLevel = "helseid://claims/identity/assurance_level"
	claimNetwork        = "helseid://claims/identity/network"
	claimHPRNumber      = "helseid://claims/hpr/hpr_number"
	claimHPRDetails     = "helseid://claims/hpr/hpr_details"
	claimClientName     = "helseid://claims/client/client_name"
	claimClientTenancy  = "helseid://claims/client/claims/client_tenancy"
	claimOrgParent      = "helseid://claims/client/claims/orgnr_parent"
	claimOrgChild       = "helseid://claims/client/claims/orgnr_child"
)

// Scopes that release identity claims.
const (
	scopeOpenID         = "openid"
	scopeProfile        = "profile"
	scopeOfflineAccess  = "offline_access"
	scopePID            = "helseid://scopes/identity/pid"
	scopePIDPseudonym   = "helseid://scopes/identity/pid_pseudonym"
	scopeSecurityLevel  = "helseid://scopes/identity/security_level"
	scopeAssuranceLevel = "helseid://scopes/identity/assurance_level"
	scopeNetwork        = "helseid://scopes/identity/network"
	scopeHPRNumber      = "helseid://scopes/hpr/hpr_number"
)

const (
	typAccessToken = "at+jwt"
	typIDToken     = "JWT"
	idpTestIDP     = "testidp-oidc"
)

// sign signs claims as a JWT with the server's key.
func (s *Server) sign(typ string, claims map[string]any) (string, error) {
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: s.key, KeyID: s.kid}},
		(&jose.SignerOptions{}).WithType(jose.ContentType(typ)),
	)
	if err != nil {
		return "", fmt.Errorf("helseidsim: sign: %w", err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("helseidsim: sign: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("helseidsim: sign: %w", err)
	}
	return obj.CompactSerialize()
}

// userClaims are the identity claims released by scopes, as in the ID token
// and the userinfo response.
func userClaims(p Persona, scopes []string) map[string]any {
	has := func(sc string) bool { return slices.Contains(scopes, sc) }
	c := map[string]any{"sub": p.subject()}
	if has(scopeProfile) {
		c["name"] = p.name()
		c["given_name"] = p.GivenName
		if p.MiddleName != "" {
			c["middle_name"] = p.MiddleName
		}
		c["family_name"] = p.FamilyName
	}
	if has(scopePID) {
		c[claimPID] = p.PID
	}
	if has(scopePIDPseudonym) {
		c[claimPIDPseudonym] = p.subject()
	}
	if has(scopeSecurityLevel) {
		c[claimSecurityLevel] = p.SecurityLevel
	}
	if has(scopeAssuranceLevel) {
		c[claimAssuranceLevel] = p.AssuranceLevel
	}
	if has(scopeNetwork) {
		c[claimNetwork] = p.Network
	}
	if has(scopeHPRNumber) && p.HPRNumber != "" {
		c[claimHPRNumber] = p.HPRNumber
	}
	return c
}

// issueIDToken makes the ID token of a code exchange.
func (s *Server) issueIDToken(c *authCode, p Persona, accessToken string, now time.Time) (string, error) {
	claims := userClaims(p, c.scopes)
	claims["iss"] = s.issuer
	claims["aud"] = c.clientID
	claims["iat"] = now.Unix()
	claims["nbf"] = now.Unix()
	claims["exp"] = now.Add(idTokenLifetime).Unix()
	claims["auth_time"] = c.authTime.Unix()
	claims["sid"] = c.sid
	claims["idp"] = idpTestIDP
	claims["amr"] = []string{"pwd"}
	claims["at_hash"] = leftHalfHash(accessToken)
	if c.nonce != "" {
		claims["nonce"] = c.nonce
	}
	return s.sign(typIDToken, claims)
}

// leftHalfHash is at_hash for an RS256-signed ID token (OIDC Core §3.1.3.6).
func leftHalfHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// issueAccessToken makes a DPoP-bound JWT access token. HelseID lets the
// API, not the client, choose the user claims of its tokens; the simulator
// gives every API the identity and client claims the NHN APIs require.
func (s *Server) issueAccessToken(client Client, g grant, p Persona, aud, scopes []string, jkt string, now time.Time) (string, error) {
	claims := map[string]any{
		"iss":               s.issuer,
		"iat":               now.Unix(),
		"nbf":               now.Unix(),
		"exp":               now.Add(s.atLifetime).Unix(),
		"client_id":         client.ID,
		"sub":               p.subject(),
		"sid":               g.sid,
		"auth_time":         g.authTime.Unix(),
		"idp":               idpTestIDP,
		"amr":               []string{"pwd"},
		"jti":               randomToken(16),
		"scope":             scopes,
		"cnf":               map[string]string{"jkt": jkt},
		claimPID:            p.PID,
		claimSecurityLevel:  p.SecurityLevel,
		claimAssuranceLevel: p.AssuranceLevel,
		claimNetwork:        p.Network,
		claimOrgParent:      p.OrgParent,
		claimOrgChild:       p.OrgChild,
		claimClientName:     client.ID,
		claimClientTenancy:  "single-tenant",
	}
	if p.HPRNumber != "" {
		claims[claimHPRNumber] = p.HPRNumber
	}
	if len(aud) == 1 {
		claims["aud"] = aud[0]
	} else {
		claims["aud"] = aud
	}
	return s.sign(typAccessToken, claims)
}

// errNotOurs means a token was not signed by this simulator.
var errNotOurs = errors.New("token not issued by this simulator")

// parseOwnToken verifies a token's signature with the server's key and
// returns its claims and typ header. Times are not checked here.
func (s *Server) parseOwnToken(raw string) (map[string]any, string, error) {
	if raw == "" || len(raw) > 16<<10 {
		return nil, "", errNotOurs
	}
	obj, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(obj.Signatures) != 1 {
		return nil, "", errNotOurs
	}
	h := obj.Signatures[0].Protected
	if h.KeyID != s.kid {
		return nil, "", errNotOurs
	}
	payload, err := obj.Verify(&s.key.PublicKey)
	if err != nil {
		return nil, "", errNotOurs
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, "", errNotOurs
	}
	if iss, _ := claims["iss"].(string); iss != s.issuer {
		return nil, "", errNotOurs
	}
	typ, _ := h.ExtraHeaders[jose.HeaderType].(string)
	return claims, typ, nil
}
