package helseidsim

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/dpop"
)

// refreshGrant is an issued refresh token.
//
// HelseID's exact refresh-token rotation policy is not public. The simulator
// keeps a refresh token reusable until it expires (an absolute lifetime from
// the login), bound to the DPoP key of the code exchange and to the
// simulator session (sid); end_session revokes it.
type refreshGrant struct {
	grant
	jkt     string
	expires time.Time
}

const (
	grantAuthorizationCode = "authorization_code"
	grantRefreshToken      = "refresh_token"
)

// tokenResponse is the token endpoint's success body.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	RTExpiresIn  int    `json:"rt_expires_in,omitempty"`
}

// handleToken is the token endpoint: private_key_jwt, then DPoP with the
// nonce dance, then the grant.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(w, r)
	if err != nil {
		writeErr(w, err)
		return
	}
	// As in Duende, the client is authenticated before the DPoP proof is
	// looked at, so a request refused for its nonce has used up its client
	// assertion: the retry needs a fresh assertion as well as a fresh proof.
	client, err := s.authenticateClient(r, form, pathToken)
	if err != nil {
		writeErr(w, err)
		return
	}
	grantType := form.Get("grant_type")
	if grantType != grantAuthorizationCode && grantType != grantRefreshToken {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
		return
	}
	proof, err := s.tokenProofs.Verify(s.asEndpoint(r, pathToken), s.issuer, "")
	switch {
	case errors.Is(err, dpop.ErrNonceNeeded):
		w.Header().Set("DPoP-Nonce", s.newNonce(s.now()))
		oauthError(w, http.StatusBadRequest, "use_dpop_nonce", "a DPoP nonce is required; retry with the nonce in the DPoP-Nonce header")
		return
	case err != nil:
		oauthError(w, http.StatusBadRequest, "invalid_dpop_proof", err.Error())
		return
	}
	var resp *tokenResponse
	if grantType == grantAuthorizationCode {
		resp, err = s.redeemCode(client, form, proof)
	} else {
		resp, err = s.redeemRefreshToken(client, form, proof)
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	s.count(func(st *Stats) { st.Token[grantType]++ })
	writeJSON(w, http.StatusOK, resp)
}

// redeemCode is the authorization_code grant.
func (s *Server) redeemCode(client Client, form map[string][]string, proof *dpop.Proof) (*tokenResponse, error) {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	invalid := func(format string, args ...any) (*tokenResponse, error) {
		return nil, errf(http.StatusBadRequest, "invalid_grant", format, args...)
	}
	now := s.now()
	s.mu.Lock()
	c, ok := s.codes[get("code")]
	if ok && c.used {
		// A code presented twice may have been stolen: revoke what the
		// first redemption produced.
		for _, rt := range c.refreshTokens {
			delete(s.refresh, rt)
		}
	}
	usable := ok && !c.used && !now.After(c.expires)
	if usable {
		c.used = true // any presentation uses the code up, as in Duende
	}
	s.mu.Unlock()
	if !usable {
		return invalid("code unknown, used or expired")
	}
	if c.clientID != client.ID {
		return invalid("code was issued to another client")
	}
	if get("redirect_uri") != c.redirectURI {
		return invalid("redirect_uri differs from the one in the pushed request")
	}
	verifier := get("code_verifier")
	if !validVerifier(verifier) {
		return invalid("code_verifier missing or malformed")
	}
	sum := sha256.Sum256([]byte(verifier))
	if !equalConstantTime(base64.RawURLEncoding.EncodeToString(sum[:]), c.codeChallenge) {
		return invalid("code_verifier does not match the code_challenge")
	}
	persona, ok := s.personaByID(c.personaID)
	if !ok {
		return invalid("the persona of this login is gone")
	}
	aud, scopes, err := s.audienceAndScopes(c.grant, get("resource"), "")
	if err != nil {
		return nil, err
	}
	at, err := s.issueAccessToken(client, c.grant, persona, aud, scopes, proof.Thumbprint, now)
	if err != nil {
		return nil, err
	}
	resp := &tokenResponse{
		AccessToken: at,
		TokenType:   "DPoP",
		ExpiresIn:   int(s.atLifetime / time.Second),
		Scope:       strings.Join(scopes, " "),
	}
	if slices.Contains(c.scopes, scopeOpenID) {
		if resp.IDToken, err = s.issueIDToken(c, persona, at, now); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.Contains(c.scopes, scopeOfflineAccess) && !s.noRefresh {
		rt := randomToken(32)
		s.refresh[rt] = &refreshGrant{grant: c.grant, jkt: proof.Thumbprint, expires: now.Add(s.rtLifetime)}
		c.refreshTokens = append(c.refreshTokens, rt)
		resp.RefreshToken = rt
		resp.RTExpiresIn = int(s.rtLifetime / time.Second)
	}
	s.countAudiencesLocked(aud)
	return resp, nil
}

// redeemRefreshToken is the refresh_token grant, with an optional resource
// to get a token for one API.
func (s *Server) redeemRefreshToken(client Client, form map[string][]string, proof *dpop.Proof) (*tokenResponse, error) {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	now := s.now()
	rt := get("refresh_token")
	s.mu.Lock()
	s.sweepLocked(now)
	g, ok := s.refresh[rt]
	var rg refreshGrant
	if ok {
		rg = *g
	}
	s.mu.Unlock()
	if !ok || now.After(rg.expires) {
		return nil, errf(http.StatusBadRequest, "invalid_grant", "refresh_token unknown, revoked or expired")
	}
	if rg.clientID != client.ID {
		return nil, errf(http.StatusBadRequest, "invalid_grant", "refresh_token was issued to another client")
	}
	if !equalConstantTime(rg.jkt, proof.Thumbprint) {
		return nil, errf(http.StatusBadRequest, "invalid_dpop_proof", "the DPoP key differs from the key the refresh token is bound to")
	}
	persona, ok := s.personaByID(rg.personaID)
	if !ok {
		return nil, errf(http.StatusBadRequest, "invalid_grant", "the persona of this login is gone")
	}
	aud, scopes, err := s.audienceAndScopes(rg.grant, get("resource"), get("scope"))
	if err != nil {
		return nil, err
	}
	at, err := s.issueAccessToken(client, rg.grant, persona, aud, scopes, rg.jkt, now)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.countAudiencesLocked(aud)
	s.mu.Unlock()
	return &tokenResponse{
		AccessToken:  at,
		TokenType:    "DPoP",
		ExpiresIn:    int(s.atLifetime / time.Second),
		Scope:        strings.Join(scopes, " "),
		RefreshToken: rt,
		RTExpiresIn:  max(1, int(rg.expires.Sub(now)/time.Second)),
	}, nil
}

// audienceAndScopes decides a new access token's aud and scope. With a
// resource the token is for that API alone and carries only its scopes
// ("several national APIs require access tokens with the API Resource as the
// only audience"). Without one, aud lists the pushed resources (or the
// issuer's "/resources" when there were none) and the token carries every
// granted scope. scopeParam may narrow the granted scopes.
func (s *Server) audienceAndScopes(g grant, resource, scopeParam string) ([]string, []string, error) {
	scopes := g.scopes
	if scopeParam != "" {
		scopes = strings.Fields(scopeParam)
		for _, sc := range scopes {
			if !slices.Contains(g.scopes, sc) {
				return nil, nil, errf(http.StatusBadRequest, "invalid_scope", "scope %q was not granted", sc)
			}
		}
	}
	if resource == "" {
		if len(g.resources) > 0 {
			return slices.Clone(g.resources), slices.Clone(scopes), nil
		}
		return []string{s.issuer + "/resources"}, slices.Clone(scopes), nil
	}
	if !slices.Contains(g.resources, resource) {
		return nil, nil, errf(http.StatusBadRequest, "invalid_target", "resource %q was not requested in the pushed authorization request", resource)
	}
	api := s.apis[resource]
	var out []string
	for _, sc := range scopes {
		if slices.Contains(api, sc) {
			out = append(out, sc)
		}
	}
	if len(out) == 0 {
		return nil, nil, errf(http.StatusBadRequest, "invalid_target", "no granted scope belongs to resource %q", resource)
	}
	return []string{resource}, out, nil
}

// countAudiencesLocked counts one issued access token per aud value; s.mu
// must be held.
func (s *Server) countAudiencesLocked(aud []string) {
	for _, a := range aud {
		s.stats.TokenByAudience[a]++
	}
}

// validVerifier checks a PKCE code_verifier's form (RFC 7636 §4.1).
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for _, c := range v {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9',
			c == '-', c == '.', c == '_', c == '~':
		default:
			return false
		}
	}
	return true
}
