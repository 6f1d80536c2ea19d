package helseid

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/dpop"
)

// AuthRequest is one login in progress: what PushAuthorization sent, kept
// (server side) until the callback comes back. It is JSON-serialisable.
type AuthRequest struct {
	State        string
	Nonce        string
	CodeVerifier string // PKCE verifier; Exchange clears it once the code is redeemed (single use, S11)
	RedirectURL  string
	AuthorizeURL string // where to send the browser: holds only client_id and request_uri (S11)
	Created      time.Time
}

// Claims is the logged-in user as HelseID describes them, merged from the
// verified ID token and userinfo.
type Claims struct {
	Subject        string
	PID            string // national identity number; never log it
	Name           string
	GivenName      string
	MiddleName     string
	FamilyName     string
	HPRNumber      string
	SecurityLevel  string
	AssuranceLevel string
	Network        string
	OrgParent      string // display only, see orgClaimsFromAccessToken
	OrgChild       string // display only
	ClientName     string
	SID            string
	AuthTime       time.Time
}

// Code is a coded value from an HPR code set with its text.
type Code struct{ Value, Description string }

// Approval is one HPR authorisation (godkjenning) of the user.
type Approval struct {
	Profession        string
	Authorization     Code
	RequisitionRights []Code
	Specialities      []Code
}

// AccessToken is a DPoP-bound access token for one audience.
type AccessToken struct {
	Token     string
	ExpiresAt time.Time
}

// TokenSet is what the portal keeps in the server-side session to call APIs on
// the user's behalf. It is JSON-serialisable.
type TokenSet struct {
	RefreshToken string
	// RefreshTokenExpiresAt comes from HelseID's rt_expires_in. Zero means
	// HelseID did not say: the token is then treated as living as long as the
	// portal session, and HelseID's invalid_grant tells when it is gone.
	RefreshTokenExpiresAt time.Time
	Access                map[string]AccessToken // by audience; UserinfoAudience for the code-exchange token
}

// Login is the result of a completed login.
type Login struct {
	IDToken   string // raw, for end_session's id_token_hint; never log it
	Claims    Claims
	Approvals []Approval
	Tokens    TokenSet
}

// PushAuthorization starts a login: it pushes the authorization request to
// HelseID's PAR endpoint (client-authenticated, PKCE S256, fresh state and
// nonce) and returns the AuthRequest to keep and the URL to send the browser
// to. loginHint may be empty.
func (c *Client) PushAuthorization(ctx context.Context, loginHint string) (*AuthRequest, error) {
	const op = "par"
	meta, err := c.metadata(ctx)
	if err != nil {
		return nil, fmt.Errorf("helseid: %s: %w", op, err)
	}
	// A login whose tokens could not be bound to our proof key would fail
	// at the code exchange, after the user has signed in; say why now.
	if _, err := meta.proofSigner(); err != nil {
		return nil, fmt.Errorf("helseid: %s: %w", op, err)
	}
	var secrets [3]string
	for i := range secrets {
		if secrets[i], err = randomString(); err != nil {
			return nil, fmt.Errorf("helseid: %s: %w", op, err)
		}
	}
	ar := &AuthRequest{
		State:        secrets[0],
		Nonce:        secrets[1],
		CodeVerifier: secrets[2],
		RedirectURL:  c.cfg.RedirectURL,
		Created:      c.now(),
	}
	challenge := sha256.Sum256([]byte(ar.CodeVerifier))
	params := url.Values{
		"response_type":         {"code"},
		"scope":                 {strings.Join(c.cfg.Scopes, " ")},
		"redirect_uri":          {ar.RedirectURL},
		"state":                 {ar.State},
		"nonce":                 {ar.Nonce},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(challenge[:])},
		"code_challenge_method": {"S256"},
	}
	if len(c.cfg.Resources) > 0 {
		params["resource"] = append([]string(nil), c.cfg.Resources...)
	}
	if loginHint != "" {
		params.Set("login_hint", loginHint)
	}
	body, err := c.postForm(ctx, op, meta.doc.PAREndpoint, params, nil)
	if err != nil {
		return nil, err
	}
	var resp struct {
		RequestURI string `json:"request_uri"`
	}
	if err := json.Unmarshal(body, &resp); err != nil || resp.RequestURI == "" {
		return nil, fmt.Errorf("helseid: %s: answer has no request_uri", op)
	}
	u, err := url.Parse(meta.doc.AuthorizationEndpoint)
	if err != nil {
		return nil, fmt.Errorf("helseid: %s: authorization endpoint: %w", op, err)
	}
	// Only client_id and request_uri reach the browser; everything else stays
	// in the pushed request (S11).
	u.RawQuery = url.Values{"client_id": {c.cfg.ClientID}, "request_uri": {resp.RequestURI}}.Encode()
	ar.AuthorizeURL = u.String()
	return ar, nil
}

// tokenResponse is the token endpoint's answer.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	RTExpiresIn  int64  `json:"rt_expires_in"` // HelseID-specific: refresh token lifetime in seconds
}

// defaultTokenLifetime is assumed when a token answer lacks expires_in (HelseID
// always sends it); short, so the token is refreshed soon rather than used
// after it has expired.
const defaultTokenLifetime = 60 * time.Second

func (c *Client) tokenRequest(ctx context.Context, op string, meta *metadata, params url.Values) (*tokenResponse, error) {
	signer, err := meta.proofSigner()
	if err != nil {
		return nil, fmt.Errorf("helseid: %s: %w", op, err)
	}
	body, err := c.postForm(ctx, op, meta.doc.TokenEndpoint, params, signer)
	if err != nil {
		return nil, err
	}
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return nil, fmt.Errorf("helseid: %s: malformed token answer", op)
	}
	if tr.AccessToken == "" {
		return nil, fmt.Errorf("helseid: %s: token answer has no access_token", op)
	}
	// The portal always proves possession; a Bearer token would mean the
	// binding was lost, which the security profile does not allow.
	if !strings.EqualFold(tr.TokenType, "DPoP") {
		return nil, fmt.Errorf("helseid: %s: token_type %q, want DPoP", op, tr.TokenType)
	}
	return &tr, nil
}

func (tr *tokenResponse) accessToken(now time.Time) AccessToken {
	life := time.Duration(tr.ExpiresIn) * time.Second
	if tr.ExpiresIn <= 0 {
		life = defaultTokenLifetime
	}
	return AccessToken{Token: tr.AccessToken, ExpiresAt: now.Add(life)}
}

func (tr *tokenResponse) refreshExpiry(now time.Time) time.Time {
	if tr.RTExpiresIn <= 0 {
		return time.Time{}
	}
	return now.Add(time.Duration(tr.RTExpiresIn) * time.Second)
}

// Exchange completes a login from the callback's query. It checks the
// callback (error, state, iss) before any token request (S7), redeems the
// code with PKCE, client assertion and DPoP, verifies the ID token and its
// nonce (S8), and merges userinfo. A security level other than the required
// one returns both the Login and a *SecurityLevelError (S10), so the caller
// can audit who was refused; it must not start a session with that Login. Exchange clears ar.CodeVerifier when it sends the
// code, so an AuthRequest serves one exchange only.
func (c *Client) Exchange(ctx context.Context, ar *AuthRequest, callback url.Values) (*Login, error) {
	const op = "exchange"
	if ar == nil {
		return nil, fmt.Errorf("helseid: %s: no auth request", op)
	}
	if code := callback.Get("error"); code != "" {
		desc := callback.Get("error_description")
		if len(desc) > maxDescription {
			desc = desc[:maxDescription] + "…"
		}
		return nil, fmt.Errorf("helseid: %s: %w", op, &CallbackError{Code: code, Description: desc})
	}
	if ar.State == "" || !equal(callback.Get("state"), ar.State) {
		return nil, fmt.Errorf("helseid: %s: %w", op, ErrStateMismatch)
	}
	if callback.Get("iss") != c.cfg.Issuer {
		return nil, fmt.Errorf("helseid: %s: %w", op, ErrIssuerMismatch)
	}
	code := callback.Get("code")
	if code == "" {
		return nil, fmt.Errorf("helseid: %s: callback has no code", op)
	}
	if ar.CodeVerifier == "" {
		return nil, fmt.Errorf("helseid: %s: auth request already used", op)
	}
	meta, err := c.metadata(ctx)
	if err != nil {
		return nil, fmt.Errorf("helseid: %s: %w", op, err)
	}
	verifier := ar.CodeVerifier
	ar.CodeVerifier = ""
	now := c.now()
	tr, err := c.tokenRequest(ctx, op, meta, url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {ar.RedirectURL},
		"code_verifier": {verifier},
	})
	if err != nil {
		return nil, err
	}
	if tr.IDToken == "" {
		return nil, fmt.Errorf("helseid: %s: token answer has no id_token", op)
	}

	// go-oidc checks signature (RS256 only, keys from jwks_uri), iss exactly,
	// aud contains the client id, and expiry; the nonce is ours to check.
	idt, err := meta.verifier.Verify(ctx, tr.IDToken)
	if err != nil {
		return nil, fmt.Errorf("helseid: %s: id token: %w", op, err)
	}
	if !equal(idt.Nonce, ar.Nonce) || ar.Nonce == "" {
		return nil, fmt.Errorf("helseid: %s: %w", op, ErrNonceMismatch)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tr.AccessToken); err != nil {
			return nil, fmt.Errorf("helseid: %s: id token at_hash: %w", op, err)
		}
	}
	if idt.Subject == "" {
		return nil, fmt.Errorf("helseid: %s: id token has no sub", op)
	}
	var idClaims map[string]json.RawMessage
	if err := idt.Claims(&idClaims); err != nil {
		return nil, fmt.Errorf("helseid: %s: id token claims: %w", op, err)
	}

	ui, err := c.userinfo(ctx, meta, tr.AccessToken)
	if err != nil {
		return nil, err
	}
	if sub := claimString(ui, "sub"); sub != idt.Subject {
		return nil, fmt.Errorf("helseid: %s: userinfo sub does not match the id token", op)
	}

	login := &Login{
		IDToken: tr.IDToken,
		Tokens: TokenSet{
			RefreshToken:          tr.RefreshToken,
			RefreshTokenExpiresAt: tr.refreshExpiry(now),
			Access:                map[string]AccessToken{UserinfoAudience: tr.accessToken(now)},
		},
	}
	login.Claims, login.Approvals, err = mergeClaims(idt.Subject, idClaims, ui, orgClaimsFromAccessToken(tr.AccessToken))
	if err != nil {
		return nil, fmt.Errorf("helseid: %s: %w", op, err)
	}
	if login.Claims.SecurityLevel != c.cfg.RequiredSecurityLevel {
		return login, fmt.Errorf("helseid: %s: %w", op, &SecurityLevelError{Got: login.Claims.SecurityLevel, Want: c.cfg.RequiredSecurityLevel})
	}
	// Every API token comes from the refresh token (one per audience). A
	// provider that ignores offline_access would otherwise give a session
	// that looks signed in and can look nothing up.
	if len(c.cfg.Resources) > 0 && tr.RefreshToken == "" {
		return login, fmt.Errorf("helseid: %s: %w", op, ErrNoRefreshToken)
	}
	return login, nil
}

// userinfo calls the userinfo endpoint with the DPoP-bound access token (the
// proof carries ath) and returns its claims. A 401 with use_dpop_nonce and a
// DPoP-Nonce header is retried once with the nonce, as RFC 9449 section 9
// prescribes for resource servers.
func (c *Client) userinfo(ctx context.Context, meta *metadata, accessToken string) (map[string]json.RawMessage, error) {
	const op = "userinfo"
	endpoint := meta.doc.UserinfoEndpoint
	signer, err := meta.proofSigner()
	if err != nil {
		return nil, fmt.Errorf("helseid: %s: %w", op, err)
	}
	for attempt := 0; ; attempt++ {
		proof, err := signer.Proof(http.MethodGet, endpoint, c.nonces.Get(endpoint), accessToken)
		if err != nil {
			return nil, fmt.Errorf("helseid: %s: dpop: %w", op, err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
		if err != nil {
			return nil, fmt.Errorf("helseid: %s: %w", op, err)
		}
		req.Header.Set("Authorization", "DPoP "+accessToken)
		req.Header.Set("DPoP", proof)
		req.Header.Set("Accept", "application/json")
		status, header, body, err := c.do(req)
		if err != nil {
			return nil, fmt.Errorf("helseid: %s: %w", op, err)
		}
		fresh := c.nonces.Remember(endpoint, header)
		if status == http.StatusOK {
			if ct := header.Get("Content-Type"); strings.HasPrefix(ct, "application/jwt") {
				return nil, fmt.Errorf("helseid: %s: signed userinfo is not supported", op)
			}
			var claims map[string]json.RawMessage
			if err := json.Unmarshal(body, &claims); err != nil || claims == nil {
				return nil, fmt.Errorf("helseid: %s: malformed answer", op)
			}
			return claims, nil
		}
		var oe *OAuthError
		if status == http.StatusUnauthorized {
			oe = &OAuthError{Status: status, Code: dpop.AuthParam(header.Get("WWW-Authenticate"), "error")}
			if oe.Code == "" {
				oe = parseOAuthError(status, body)
			}
			if attempt == 0 && fresh && dpop.ResourceNonceChallenge(status, header) {
				continue
			}
			return nil, fmt.Errorf("helseid: %s: %w", op, oe)
		}
		return nil, fmt.Errorf("helseid: %s: %w", op, c.statusError(status, body))
	}
}

// EndSessionURL returns HelseID's end_session URL for logging the user out:
// id_token_hint (so HelseID skips its confirmation page), the configured
// post-logout redirect and state. Empty values are left out.
func (c *Client) EndSessionURL(ctx context.Context, idTokenHint, state string) (string, error) {
	const op = "end session"
	meta, err := c.metadata(ctx)
	if err != nil {
		return "", fmt.Errorf("helseid: %s: %w", op, err)
	}
	if meta.doc.EndSessionEndpoint == "" {
		return "", fmt.Errorf("helseid: %s: discovery has no end_session_endpoint", op)
	}
	u, err := url.Parse(meta.doc.EndSessionEndpoint)
	if err != nil {
		return "", fmt.Errorf("helseid: %s: %w", op, err)
	}
	q := url.Values{}
	if idTokenHint != "" {
		q.Set("id_token_hint", idTokenHint)
	}
	if c.cfg.PostLogoutRedirectURL != "" {
		q.Set("post_logout_redirect_uri", c.cfg.PostLogoutRedirectURL)
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
