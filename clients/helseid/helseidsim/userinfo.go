package helseidsim

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/oppslag/oppslag/clients/dpop"
	"github.com/oppslag/oppslag/clients/helseid/apitoken"
)

// Errors of VerifyAccessToken besides the dpop package's (dpop.ErrMissing,
// dpop.ErrInvalid, dpop.ErrReplay, dpop.ErrWrongBinding): an API answers 401
// for ErrInvalidToken and the dpop errors, 403 for ErrInsufficientScope.
var (
	ErrInvalidToken      = errors.New("helseidsim: invalid access token")
	ErrInsufficientScope = errors.New("helseidsim: required scope missing")
)

// VerifyAccessToken checks an access token and its DPoP proof as an API
// protected by HelseID does: signature with s's key, typ at+jwt, iss,
// exp/nbf, aud equal to audience (as the only audience), scope present (when
// not empty), and a proof for r (scheme and host from apiBaseURL) with ath
// whose key matches cnf.jkt. It returns the token's claims.
//
// r.URL.Path must be the full path the client addressed (as in its htu):
// call it before any http.StripPrefix.
func (s *Server) VerifyAccessToken(r *http.Request, apiBaseURL, audience, scope string) (map[string]any, error) {
	token, err := accessToken(r)
	if err != nil {
		return nil, fmt.Errorf("helseidsim: verify access token: %w", err)
	}
	claims, err := s.checkAccessToken(token)
	if err != nil {
		return nil, fmt.Errorf("helseidsim: verify access token: %w", err)
	}
	if aud := apitoken.Audiences(claims); len(aud) != 1 || aud[0] != audience {
		return nil, fmt.Errorf("helseidsim: verify access token: %w: aud %v, want only %q", ErrInvalidToken, aud, audience)
	}
	if scope != "" && !slices.Contains(apitoken.Scopes(claims), scope) {
		return nil, fmt.Errorf("helseidsim: verify access token: %w: %q", ErrInsufficientScope, scope)
	}
	if err := s.checkProof(r, apiBaseURL, token, claims); err != nil {
		return nil, fmt.Errorf("helseidsim: verify access token: %w", err)
	}
	return claims, nil
}

// checkAccessToken verifies a token this simulator issued: signature, iss,
// typ at+jwt, exp and nbf.
func (s *Server) checkAccessToken(token string) (map[string]any, error) {
	claims, typ, err := s.parseOwnToken(token)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if typ != typAccessToken {
		return nil, fmt.Errorf("%w: typ %q is not an access token", ErrInvalidToken, typ)
	}
	now := s.now()
	exp, ok := apitoken.NumericDate(claims, "exp")
	if !ok || !now.Before(exp) {
		return nil, fmt.Errorf("%w: expired", ErrInvalidToken)
	}
	if nbf, ok := apitoken.NumericDate(claims, "nbf"); ok && nbf.After(now.Add(clockSkew)) {
		return nil, fmt.Errorf("%w: not yet valid", ErrInvalidToken)
	}
	return claims, nil
}

// checkProof verifies the DPoP proof of a resource request and its binding
// to the token's cnf.jkt.
func (s *Server) checkProof(r *http.Request, baseURL, token string, claims map[string]any) error {
	cnf, _ := claims["cnf"].(map[string]any)
	jkt, _ := cnf["jkt"].(string)
	if jkt == "" {
		return fmt.Errorf("%w: token is not DPoP-bound", ErrInvalidToken)
	}
	proof, err := s.apiProofs.Verify(r, baseURL, token)
	if err != nil {
		return err
	}
	if !equalConstantTime(proof.Thumbprint, jkt) {
		return dpop.ErrWrongBinding
	}
	return nil
}

// handleUserinfo is the userinfo endpoint: a DPoP-bound access token with
// the openid scope, and a proof with ath.
func (s *Server) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	s.count(func(st *Stats) { st.Userinfo++ })
	token, err := accessToken(r)
	if err != nil {
		s.userinfoError(w, http.StatusUnauthorized, "invalid_token", "DPoP access token required")
		return
	}
	claims, err := s.checkAccessToken(token)
	if err != nil {
		s.userinfoError(w, http.StatusUnauthorized, "invalid_token", "access token invalid or expired")
		return
	}
	scopes := apitoken.Scopes(claims)
	if !slices.Contains(scopes, scopeOpenID) {
		s.userinfoError(w, http.StatusForbidden, "insufficient_scope", "the access token lacks the openid scope")
		return
	}
	if err := s.checkProof(s.asEndpoint(r, pathUserinfo), s.issuer, token, claims); err != nil {
		s.userinfoError(w, http.StatusUnauthorized, "invalid_dpop_proof", "DPoP proof invalid or not bound to the token")
		return
	}
	sub, _ := claims["sub"].(string)
	i := slices.IndexFunc(s.personas, func(p Persona) bool { return p.subject() == sub })
	if i < 0 {
		s.userinfoError(w, http.StatusUnauthorized, "invalid_token", "unknown subject")
		return
	}
	p := s.personas[i]
	out := userClaims(p, scopes)
	if slices.Contains(scopes, scopeHPRNumber) {
		if d, ok := p.hprDetails(); ok {
			out[claimHPRDetails] = d
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// userinfoError answers a protected-resource error (RFC 6750 §3, RFC 9449
// §7.1) with a WWW-Authenticate challenge for the DPoP scheme.
func (s *Server) userinfoError(w http.ResponseWriter, status int, code, description string) {
	algs := make([]string, 0, len(s.dpopAlgs))
	for _, a := range s.dpopAlgs {
		algs = append(algs, string(a))
	}
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`DPoP error=%q, error_description=%q, algs=%q`,
		code, description, strings.Join(algs, " ")))
	oauthError(w, status, code, description)
}

// accessToken takes the token from "Authorization: DPoP <token>"; a
// DPoP-bound token sent as Bearer is refused (RFC 9449 §7.1).
func accessToken(r *http.Request) (string, error) {
	token, err := apitoken.DPoPAccessToken(r)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	return token, nil
}
