// Package helseid is the portal's HelseID client: discovery, pushed
// authorization requests with private_key_jwt and PKCE, the code exchange and
// refresh with DPoP, one single-audience access token per upstream API, userinfo
// with hpr_details, and end_session.
package helseid

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/dpop"
)

// Config configures a Client. Issuer, ClientID, Key, RedirectURL and Scopes are
// required.
//
// The DPoP proof key. Access and refresh tokens are bound to the thumbprint
// of the key that signed the proof (cnf.jkt), and sessions may be served by
// any instance, before or after a restart. So the proof key is chosen from
// configuration alone, never from what discovery says: DPoPKey when set,
// otherwise Key (HelseID's security profile lets the client key sign proofs
// too). Discovery only picks the algorithm: the first one the key may sign
// that dpop_signing_alg_values_supported lists (a JWK with alg is held to
// it; an RSA key without alg may use any RS or PS algorithm). When the list
// holds none of them, logins fail with ErrProofKey and CheckDPoP says why:
// the fix is a separate proof key (an EC P-256 JWK is cheapest) shared by
// every instance. When discovery publishes no list, the key's own algorithm
// is used, as before. A proof key is never generated here: a per-process
// key would unbind every session at the next restart or on another instance.
type Config struct {
	Issuer                string           // e.g. https://helseid-sts.test.nhn.no (no trailing slash)
	ClientID              string           // the client id from HelseID Selvbetjening
	Key                   jose.JSONWebKey  // private JWK: signs client assertions, and DPoP proofs unless DPoPKey is set
	DPoPKey               *jose.JSONWebKey // optional private JWK that signs DPoP proofs instead of Key (see above)
	RedirectURL           string           // the portal's callback
	PostLogoutRedirectURL string           // where end_session sends the browser back to; optional
	Scopes                []string         // full scope string for PAR (openid profile offline_access helseid://scopes/... API scopes)
	Resources             []string         // API audiences, each sent as `resource` at PAR
	RequiredSecurityLevel string           // default "4"
	HTTPClient            *http.Client     // default: 10 s timeout
	Now                   func() time.Time // default time.Now
}

// UserinfoAudience is the TokenSet.Access key of the access token from the code
// exchange. That token is requested without a resource, so HelseID gives it
// whatever audiences the scopes imply; the portal uses it only for userinfo.
const UserinfoAudience = "userinfo"

// Named errors. Errors returned by the Client wrap these, so callers test them
// with errors.Is.
var (
	// ErrStateMismatch means the callback's state is not the one this login sent.
	ErrStateMismatch = errors.New("state mismatch")
	// ErrIssuerMismatch means the callback's iss is missing or not our issuer (mix-up defence, S7).
	ErrIssuerMismatch = errors.New("issuer mismatch")
	// ErrNonceMismatch means the ID token's nonce is not the one this login sent (S8).
	ErrNonceMismatch = errors.New("nonce mismatch")
	// ErrLoginRequired means the refresh token is gone, expired or rejected: the user must log in again.
	ErrLoginRequired = errors.New("login required")
	// ErrUnavailable means HelseID could not be reached or answered with a 5xx status.
	ErrUnavailable = errors.New("unavailable")
	// ErrProofKey means the DPoP proof key can sign no algorithm HelseID
	// lists in dpop_signing_alg_values_supported (see Config).
	ErrProofKey = errors.New("DPoP proof key")
	// ErrNoRefreshToken means the code exchange gave no refresh token, so the
	// portal could never get the API tokens a session needs. Exchange returns
	// it with the Login, like *SecurityLevelError, so the refusal can be
	// audited.
	ErrNoRefreshToken = errors.New("no refresh token in the token answer")
)

// CallbackError is an error HelseID sent back to the redirect URI instead of a code
// (for example access_denied when the user cancels).
type CallbackError struct{ Code, Description string }

func (e *CallbackError) Error() string {
	if e.Description == "" {
		return "helseid: callback error " + e.Code
	}
	return fmt.Sprintf("helseid: callback error %s: %s", e.Code, e.Description)
}

// SecurityLevelError means the user logged in with a security level other than
// the one the portal requires (S10). Exchange returns it together with the Login
// so the caller can audit who was refused.
type SecurityLevelError struct{ Got, Want string }

func (e *SecurityLevelError) Error() string {
	return fmt.Sprintf("helseid: security level %q, want %q", e.Got, e.Want)
}

// OAuthError is an OAuth error response from HelseID ({"error": ..., "error_description": ...}).
type OAuthError struct {
	Status      int
	Code        string
	Description string
}

func (e *OAuthError) Error() string {
	s := fmt.Sprintf("oauth error (status %d)", e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Client talks to one HelseID issuer on behalf of one portal client. It is safe
// for concurrent use.
type Client struct {
	cfg      Config
	http     *http.Client
	now      func() time.Time
	proofKey jose.JSONWebKey         // DPoPKey, or Key
	signer   *dpop.Signer            // proofKey with its own algorithm, until discovery says otherwise
	alg      jose.SignatureAlgorithm // client assertion algorithm

	disc discoveryCache

	nonces dpop.Nonces // latest DPoP-Nonce per HelseID origin

	healthMu sync.Mutex
	down     error // last unavailability seen on any HelseID call; nil after a success

	refresh refreshCache
}

// New validates cfg and returns a Client. It makes no network call.
func New(cfg Config) (*Client, error) {
	if err := validIssuer(cfg.Issuer); err != nil {
		return nil, fmt.Errorf("helseid: config: issuer: %w", err)
	}
	if cfg.ClientID == "" {
		return nil, errors.New("helseid: config: client id is empty")
	}
	if u, err := url.Parse(cfg.RedirectURL); err != nil || !u.IsAbs() || u.Host == "" {
		return nil, errors.New("helseid: config: redirect URL must be an absolute URL")
	}
	if cfg.PostLogoutRedirectURL != "" {
		if u, err := url.Parse(cfg.PostLogoutRedirectURL); err != nil || !u.IsAbs() || u.Host == "" {
			return nil, errors.New("helseid: config: post-logout redirect URL must be an absolute URL")
		}
	}
	if !slices.Contains(cfg.Scopes, "openid") {
		return nil, errors.New(`helseid: config: scopes must include "openid"`)
	}
	for _, r := range cfg.Resources {
		if r == "" || r == UserinfoAudience {
			return nil, fmt.Errorf("helseid: config: invalid resource %q", r)
		}
	}
	alg, err := signingAlgorithm(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("helseid: config: key: %w", err)
	}
	if cfg.Key.KeyID == "" {
		// HelseID picks the registered key by kid; GenerateKey uses the
		// thumbprint as kid, so a key without one gets the same treatment.
		kid, err := thumbprint(cfg.Key)
		if err != nil {
			return nil, fmt.Errorf("helseid: config: key: %w", err)
		}
		cfg.Key.KeyID = kid
	}
	if cfg.RequiredSecurityLevel == "" {
		cfg.RequiredSecurityLevel = "4"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	proofKey := cfg.Key
	if cfg.DPoPKey != nil {
		proofKey = *cfg.DPoPKey
		if _, err := signingAlgorithm(proofKey); err != nil {
			return nil, fmt.Errorf("helseid: config: DPoP key: %w", err)
		}
	}
	signer, err := dpop.NewSigner(proofKey, cfg.Now)
	if err != nil {
		return nil, fmt.Errorf("helseid: config: dpop: %w", err)
	}
	cfg.Scopes = append([]string(nil), cfg.Scopes...)
	cfg.Resources = append([]string(nil), cfg.Resources...)
	return &Client{
		cfg:      cfg,
		http:     cfg.HTTPClient,
		now:      cfg.Now,
		proofKey: proofKey,
		signer:   signer,
		alg:      alg,
	}, nil
}

// validIssuer checks the issuer is an absolute https URL written exactly as
// HelseID writes it in discovery: no trailing slash, query or fragment.
// Plain http is accepted only on loopback (the embedded simulator, tests),
// where nothing crosses a network.
func validIssuer(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a URL")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return errors.New("scheme must be https")
	case u.Scheme == "http" && !IsLoopback(u.Hostname()):
		return errors.New("scheme must be https (plain http only on loopback: 127.0.0.0/8, ::1, localhost)")
	case u.Host == "":
		return errors.New("no host")
	case strings.HasSuffix(s, "/"):
		return errors.New("trailing slash")
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return errors.New("query, fragment or user info not allowed")
	}
	return nil
}

// IsLoopback reports whether host (a URL's Hostname) is a loopback name or
// address: localhost, 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// Proof returns a DPoP proof for calling an API with an access token from
// AccessToken (the proof carries ath, the token's hash).
func (c *Client) Proof(method, targetURL, accessToken string) (string, error) {
	return c.ProofWithNonce(method, targetURL, "", accessToken)
}

// ProofWithNonce is Proof with the nonce an API demanded (RFC 9449 §9); an
// empty nonce is left out. The API client keeps the nonces, one per server.
func (c *Client) ProofWithNonce(method, targetURL, nonce, accessToken string) (string, error) {
	signer, err := c.apiSigner()
	if err != nil {
		return "", fmt.Errorf("helseid: proof: %w", err)
	}
	p, err := signer.Proof(method, targetURL, nonce, accessToken)
	if err != nil {
		return "", fmt.Errorf("helseid: proof: %w", err)
	}
	return p, nil
}

// apiSigner is the proof signer for API calls: the one the cached discovery
// chose. API calls come after a login or a refresh, which fetched discovery;
// only a token reused from a session another instance started can come
// first, and CheckDPoP at start-up covers that.
func (c *Client) apiSigner() (*dpop.Signer, error) {
	c.disc.mu.Lock()
	m := c.disc.meta
	c.disc.mu.Unlock()
	if m == nil {
		return c.signer, nil
	}
	return m.proofSigner()
}

// CheckDPoP fetches discovery and reports whether the proof key can sign
// an algorithm HelseID accepts (ErrProofKey when not). An unreachable
// HelseID gives an error wrapping ErrUnavailable: start-up may carry on,
// since logins check again.
func (c *Client) CheckDPoP(ctx context.Context) error {
	meta, err := c.metadata(ctx)
	if err != nil {
		return err
	}
	if _, err := meta.proofSigner(); err != nil {
		return fmt.Errorf("helseid: check dpop: %w", err)
	}
	return nil
}
