package hpr

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/oppslag/oppslag/clients/sanitize"
	"github.com/oppslag/oppslag/clients/upstream"
)

// Maskinporten issuers: the aud of a JWT grant (upstreams.md §3.1; the test
// issuer is INFERENCE).
const (
	MaskinportenProd = "https://maskinporten.no/"
	MaskinportenTest = "https://test.maskinporten.no/"
)

// grantType is the JWT-bearer grant (RFC 7523 §2.1).
const grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// GrantLifetime is exp−iat of the grants the TokenSource signs; Maskinporten
// accepts at most 120 s.
const GrantLifetime = 60 * time.Second

const (
	maxTokenResponseBytes = 64 << 10
	maxAccessTokenBytes   = 16 << 10
	// defaultFetchTimeout bounds one token request. The fetch is shared by
	// every caller waiting for it, so it runs under its own deadline rather
	// than the first caller's.
	defaultFetchTimeout = 10 * time.Second
	// maxRefreshMargin is how long before expiry a token is replaced; for
	// short lifetimes a quarter of the lifetime is used instead.
	maxRefreshMargin = 30 * time.Second
)

// Tokens supplies Maskinporten access tokens for HPR; *TokenSource
// implements it. Scopes are the scopes the tokens carry; the Client picks
// the extended endpoints when they include extended or export.
type Tokens interface {
	Token(ctx context.Context) (string, error)
	Scopes() []string
}

// TokenConfig configures a TokenSource.
type TokenConfig struct {
	// Issuer is Maskinporten's issuer with its trailing slash, the grant's
	// aud: MaskinportenProd, MaskinportenTest or a simulator's.
	Issuer string
	// TokenURL is the token endpoint; default Issuer + "token".
	TokenURL string
	// ClientID is the Maskinporten client (the grant's iss).
	ClientID string
	// Key is the RSA private key registered for the client; its KeyID is
	// the kid and its Algorithm RS256 (default), RS384 or RS512.
	Key jose.JSONWebKey
	// Scopes are requested in every grant (space-separated).
	Scopes []string
	// Resource is the optional resource claim (the token's aud).
	Resource string
	// HTTPClient sends the token requests; default a client with a 30 s
	// timeout.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// FetchTimeout bounds one token request; default 10 s.
	FetchTimeout time.Duration
}

// TokenSource gets Maskinporten access tokens with the JWT-bearer grant and
// keeps each until shortly before it expires: one token request per token
// lifetime, shared by concurrent callers. It is safe for concurrent use.
type TokenSource struct {
	cfg      TokenConfig
	tokenURL string
	signer   jose.Signer
	now      func() time.Time
	hc       *http.Client

	mu        sync.Mutex
	token     string
	expires   time.Time
	refreshAt time.Time
	inflight  *tokenCall
}

// tokenCall is one token request that callers wait for.
type tokenCall struct {
	done  chan struct{}
	token string
	err   error
}

// TokenError is Maskinporten's refusal of a grant: its OAuth error code and
// description, sanitised and capped. It wraps ErrUnauthorized for a 4xx
// answer and upstream.ErrUnavailable otherwise.
type TokenError struct {
	Status      int
	Code        string
	Description string
	kind        error
}

// Error names the kind, status and OAuth error code.
func (e *TokenError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("%v: maskinporten status %d", e.kind, e.Status)
	}
	return fmt.Sprintf("%v: maskinporten status %d: %s", e.kind, e.Status, e.Code)
}

// Unwrap returns the named error.
func (e *TokenError) Unwrap() error { return e.kind }

// NewTokenSource checks cfg and returns a TokenSource.
func NewTokenSource(cfg TokenConfig) (*TokenSource, error) {
	if u, err := url.Parse(cfg.Issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !strings.HasSuffix(cfg.Issuer, "/") {
		return nil, errors.New("hpr: new token source: Issuer must be an absolute http(s) URL ending with a slash")
	}
	if cfg.ClientID == "" {
		return nil, errors.New("hpr: new token source: no ClientID")
	}
	if len(cfg.Scopes) == 0 {
		return nil, errors.New("hpr: new token source: no Scopes")
	}
	for _, sc := range cfg.Scopes {
		if sc == "" || strings.ContainsAny(sc, " \t\r\n") {
			return nil, errors.New("hpr: new token source: a scope is empty or has white space")
		}
	}
	priv, ok := cfg.Key.Key.(*rsa.PrivateKey)
	if !ok || priv == nil {
		return nil, errors.New("hpr: new token source: Key must be an RSA private key")
	}
	if priv.N.BitLen() < 2048 {
		return nil, errors.New("hpr: new token source: RSA key shorter than 2048 bits")
	}
	if cfg.Key.KeyID == "" {
		return nil, errors.New("hpr: new token source: Key needs the KeyID registered at Maskinporten")
	}
	alg := jose.SignatureAlgorithm(cfg.Key.Algorithm)
	switch alg {
	case "":
		alg = jose.RS256
	case jose.RS256, jose.RS384, jose.RS512:
	default:
		return nil, errors.New("hpr: new token source: Maskinporten takes RS256, RS384 or RS512 grants")
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: priv, KeyID: cfg.Key.KeyID}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return nil, fmt.Errorf("hpr: new token source: %w", err)
	}
	ts := &TokenSource{cfg: cfg, tokenURL: cfg.TokenURL, signer: signer, now: cfg.Now, hc: cfg.HTTPClient}
	ts.cfg.Scopes = slices.Clone(cfg.Scopes)
	if ts.tokenURL == "" {
		ts.tokenURL = cfg.Issuer + "token"
	}
	if ts.now == nil {
		ts.now = time.Now
	}
	if ts.hc == nil {
		ts.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if ts.cfg.FetchTimeout <= 0 {
		ts.cfg.FetchTimeout = defaultFetchTimeout
	}
	return ts, nil
}

// Scopes returns the scopes the tokens are requested with.
func (ts *TokenSource) Scopes() []string { return slices.Clone(ts.cfg.Scopes) }

// Token returns a valid access token, from memory while it is fresh. Only
// one token request runs at a time; concurrent callers share it. If a
// refresh fails while the old token has not yet expired, the old one is
// returned.
func (ts *TokenSource) Token(ctx context.Context) (string, error) {
	tok, err := ts.get(ctx)
	if err != nil {
		return "", fmt.Errorf("hpr: token: %w", err)
	}
	return tok, nil
}

// get is Token with errors not yet wrapped with the operation, so the
// Client can name its own.
func (ts *TokenSource) get(ctx context.Context) (string, error) {
	now := ts.now()
	ts.mu.Lock()
	if ts.token != "" && now.Before(ts.refreshAt) {
		tok := ts.token
		ts.mu.Unlock()
		return tok, nil
	}
	c := ts.inflight
	if c == nil {
		c = &tokenCall{done: make(chan struct{})}
		ts.inflight = c
		go ts.run(context.WithoutCancel(ctx), c)
	}
	ts.mu.Unlock()

	select {
	case <-c.done:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if c.err == nil {
		return c.token, nil
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token != "" && ts.now().Before(ts.expires) {
		return ts.token, nil
	}
	return "", c.err
}

// Invalidate forgets token if it is the one held, after HPR refused it, so
// the next call fetches a new one.
func (ts *TokenSource) Invalidate(token string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token == token {
		ts.token, ts.expires, ts.refreshAt = "", time.Time{}, time.Time{}
	}
}

// run performs one token request and publishes its outcome.
func (ts *TokenSource) run(ctx context.Context, c *tokenCall) {
	ctx, cancel := context.WithTimeout(ctx, ts.cfg.FetchTimeout)
	defer cancel()
	obtained := ts.now()
	tok, lifetime, err := ts.fetch(ctx, obtained)

	ts.mu.Lock()
	if err == nil {
		margin := min(maxRefreshMargin, lifetime/4)
		ts.token, ts.expires, ts.refreshAt = tok, obtained.Add(lifetime), obtained.Add(lifetime-margin)
	}
	ts.inflight = nil
	c.token, c.err = tok, err
	ts.mu.Unlock()
	close(c.done)
}

// grant signs a JWT grant issued at now.
func (ts *TokenSource) grant(now time.Time) (string, error) {
	jti := make([]byte, 16)
	rand.Read(jti)
	claims := map[string]any{
		"aud":   ts.cfg.Issuer,
		"iss":   ts.cfg.ClientID,
		"iat":   now.Unix(),
		"exp":   now.Add(GrantLifetime).Unix(),
		"jti":   base64.RawURLEncoding.EncodeToString(jti),
		"scope": strings.Join(ts.cfg.Scopes, " "),
	}
	if ts.cfg.Resource != "" {
		claims["resource"] = ts.cfg.Resource
	}
	return jwt.Signed(ts.signer).Claims(claims).Serialize()
}

// fetch sends one grant and reads the token and its lifetime.
func (ts *TokenSource) fetch(ctx context.Context, now time.Time) (string, time.Duration, error) {
	assertion, err := ts.grant(now)
	if err != nil {
		return "", 0, fmt.Errorf("%w: signing the grant: %v", upstream.ErrUnauthorized, err)
	}
	form := url.Values{"grant_type": {grantType}, "assertion": {assertion}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, fmt.Errorf("%w: %v", upstream.ErrUnavailable, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := ts.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", 0, fmt.Errorf("%w: %w", upstream.ErrUnavailable, ctx.Err())
		}
		// The *url.Error names the token URL, which holds no secret.
		return "", 0, fmt.Errorf("%w: %v", upstream.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponseBytes+1))
	if err != nil {
		return "", 0, fmt.Errorf("%w: reading the token response: %v", upstream.ErrUnavailable, err)
	}
	if resp.StatusCode != http.StatusOK {
		te := &TokenError{Status: resp.StatusCode, kind: upstream.ErrUnavailable}
		if resp.StatusCode >= 400 && resp.StatusCode < 500 {
			te.kind = upstream.ErrUnauthorized
		}
		var oe struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if sanitize.IsJSON(resp.Header.Get("Content-Type")) && sanitize.DecodeJSON(body, &oe) == nil {
			te.Code = sanitize.Text(oe.Error, nil, 64)
			te.Description = sanitize.Text(oe.Description, nil, 300)
		}
		return "", 0, te
	}
	if !sanitize.IsJSON(resp.Header.Get("Content-Type")) {
		return "", 0, fmt.Errorf("%w: token response content type", upstream.ErrMalformed)
	}
	if len(body) > maxTokenResponseBytes {
		return "", 0, fmt.Errorf("%w: token response larger than %d bytes", upstream.ErrMalformed, maxTokenResponseBytes)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := sanitize.DecodeJSON(body, &tr); err != nil {
		return "", 0, fmt.Errorf("%w: token response: %w", upstream.ErrMalformed, err)
	}
	switch {
	case tr.AccessToken == "" || len(tr.AccessToken) > maxAccessTokenBytes:
		return "", 0, fmt.Errorf("%w: token response without a usable access_token", upstream.ErrMalformed)
	case !strings.EqualFold(tr.TokenType, "Bearer"):
		return "", 0, fmt.Errorf("%w: token_type is not Bearer", upstream.ErrMalformed)
	case tr.ExpiresIn <= 0 || tr.ExpiresIn > 24*3600:
		return "", 0, fmt.Errorf("%w: expires_in out of range", upstream.ErrMalformed)
	}
	return tr.AccessToken, time.Duration(tr.ExpiresIn) * time.Second, nil
}
