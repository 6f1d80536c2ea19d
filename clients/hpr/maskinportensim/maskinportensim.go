// Package maskinportensim simulates Maskinporten's token endpoint for the
// JWT-bearer grant (upstreams.md §3.1): a client signs a short-lived grant
// with a pre-registered RSA key and receives an access token for the scopes
// it was granted. The simulator checks exactly what the contract says
// Maskinporten checks, so the portal's real TokenSource is exercised
// without an account, and it verifies its own access tokens for the HPR
// simulator in the same process.
//
// What it enforces: grant header alg RS256, RS384 or RS512 and a kid of a
// key registered for the client (x5c, the virksomhetssertifikat variant, is
// not simulated); a valid signature; aud equal to the issuer (one value);
// iss a registered client_id; iat within ±10 s of now; exp after now and
// exp−iat ≤ 120 s; a jti, never accepted twice while its grant could still
// be valid; a space-separated scope whose every scope the client was
// granted.
//
// Errors are OAuth 2.0 error responses (RFC 6749 §5.2) with status 400.
// The descriptions say precisely why, as a developer needs them; the real
// Maskinporten says less. INFERENCE: an unknown client or key is
// invalid_client, every other assertion problem invalid_grant, and a scope
// problem invalid_scope, as the docs' "Feilsøking" page suggests.
//
// Access tokens are JWTs signed RS256 by the simulator's own key with the
// claims Maskinporten's self-contained tokens carry: iss, client_id,
// client_amr, token_type, scope, consumer {authority, ID "0192:<orgnr>"},
// iat, exp, jti, and aud when the grant named a resource.
package maskinportensim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// GrantType is the grant_type of a JWT-bearer grant (RFC 7523 §2.1).
const GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// Limits of the grant, as Maskinporten documents them.
const (
	// ClockSkew is how far iat may be from the simulator's clock.
	ClockSkew = 10 * time.Second
	// MaxGrantLifetime is the largest exp−iat accepted.
	MaxGrantLifetime = 120 * time.Second
)

// DefaultTokenLifetime is expires_in when Options.TokenLifetime is zero.
const DefaultTokenLifetime = 120 * time.Second

// DefaultConsumerOrg is the consumer organisation number of clients that
// were given none (a well-formed, synthetic number).
const DefaultConsumerOrg = "999999999"

// consumerAuthority is the identifier scheme of consumer.ID (ISO 6523,
// 0192 = Norwegian organisation number).
const consumerAuthority = "iso6523-actorid-upis"

// ErrInvalidToken is returned by VerifyAccessToken for any token it does not
// accept; the reason is deliberately not told apart for the resource server.
var ErrInvalidToken = errors.New("maskinportensim: invalid access token")

// Reason names why a token request was refused; Stats counts refusals by it.
type Reason string

// The refusal reasons.
const (
	ReasonMethod        Reason = "method"         // not a POST
	ReasonRequest       Reason = "request"        // not a form, or assertion missing or too long
	ReasonGrantType     Reason = "grant_type"     // not the JWT-bearer grant
	ReasonMalformed     Reason = "malformed"      // not a compact JWS, or claims not JSON
	ReasonAlgorithm     Reason = "algorithm"      // alg other than RS256, RS384, RS512
	ReasonNoKeyID       Reason = "no_kid"         // header has no kid (x5c is not simulated)
	ReasonUnknownClient Reason = "unknown_client" // iss is not a registered client_id
	ReasonUnknownKey    Reason = "unknown_kid"    // kid is not a key of that client
	ReasonSignature     Reason = "signature"      // signature does not verify
	ReasonAudience      Reason = "audience"       // aud is not exactly the issuer
	ReasonIssuedAt      Reason = "iat"            // iat missing or more than ClockSkew from now
	ReasonExpired       Reason = "exp"            // exp missing or not after now
	ReasonLifetime      Reason = "lifetime"       // exp−iat above MaxGrantLifetime
	ReasonNoJTI         Reason = "no_jti"         // jti missing or too long
	ReasonReplayedJTI   Reason = "replayed_jti"   // jti seen before
	ReasonNoScope       Reason = "no_scope"       // scope claim missing or empty
	ReasonScope         Reason = "scope"          // a scope the client was not granted
	ReasonDown          Reason = "down"           // SetDown(true)
	ReasonIssue         Reason = "issue"          // the simulator failed to sign
)

const (
	maxAssertionBytes   = 8 << 10          // a grant is well under 2 KB
	maxFormBytes        = 64 << 10         // the whole request body
	maxJTIBytes         = 255              // a UUID or 16 random bytes need far less
	sweepEvery          = 30 * time.Second // how often remembered jtis are pruned
	maxAccessTokenBytes = 16 << 10         // a token presented to VerifyAccessToken
	accessTokenKeyBits  = 2048

	// Routes, relative to the issuer (Maskinporten's own paths).
	routeToken    = "token"
	routeJWKS     = "jwk"
	routeMetadata = ".well-known/oauth-authorization-server"
)

// grantAlgorithms are the signature algorithms Maskinporten accepts for a
// grant.
var grantAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512}

// anyAlgorithm lets the parser read a header of any algorithm so that a
// wrong one is reported as such rather than as a malformed JWS.
var anyAlgorithm = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.HS256, jose.HS384, jose.HS512, jose.EdDSA,
}

// Options tune a Server; the zero value gives the defaults.
type Options struct {
	// Now is the clock; default time.Now.
	Now func() time.Time
	// TokenLifetime is expires_in of issued tokens; default 120 s.
	TokenLifetime time.Duration
	// ConsumerOrg is the organisation number of clients registered without
	// one; default DefaultConsumerOrg.
	ConsumerOrg string
}

// Stats counts what the simulator served.
type Stats struct {
	TokenRequests int            // requests that reached /token
	Issued        int            // access tokens issued
	Refused       map[Reason]int // refused token requests by reason
	JWKS          int            // requests for /jwk
}

// client is a registration made in Maskinporten's self-service.
type client struct {
	keys   map[string]*rsa.PublicKey // by kid
	scopes []string
	org    string
}

// Server is a Maskinporten simulator for one issuer. It is an http.Handler
// and safe for concurrent use.
type Server struct {
	issuer   string // with the trailing slash, as aud must be
	basePath string // path part of the issuer, with its trailing slash
	now      func() time.Time
	lifetime time.Duration
	org      string
	key      *rsa.PrivateKey
	kid      string
	signer   jose.Signer
	down     atomic.Bool

	mu        sync.Mutex
	clients   map[string]*client
	jtis      map[string]time.Time // client_id + " " + jti → the grant's exp
	lastSweep time.Time
	stats     Stats
}

// New returns a simulator for issuer: its base URL with the trailing slash,
// exactly as grants must name it in aud (e.g. "https://maskinporten.no/").
// It generates its own RSA-2048 signing key.
func New(issuer string, opts Options) (*Server, error) {
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, errors.New("maskinportensim: new: issuer must be an absolute http(s) URL")
	}
	if !strings.HasSuffix(issuer, "/") {
		return nil, errors.New("maskinportensim: new: issuer must end with a slash, as Maskinporten's does")
	}
	s := &Server{
		issuer:   issuer,
		basePath: u.EscapedPath(),
		now:      opts.Now,
		lifetime: opts.TokenLifetime,
		org:      opts.ConsumerOrg,
		clients:  map[string]*client{},
		jtis:     map[string]time.Time{},
		stats:    Stats{Refused: map[Reason]int{}},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.lifetime <= 0 {
		s.lifetime = DefaultTokenLifetime
	}
	if s.org == "" {
		s.org = DefaultConsumerOrg
	}
	if s.key, err = rsa.GenerateKey(rand.Reader, accessTokenKeyBits); err != nil {
		return nil, fmt.Errorf("maskinportensim: new: signing key: %w", err)
	}
	sum, err := (&jose.JSONWebKey{Key: &s.key.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("maskinportensim: new: key id: %w", err)
	}
	s.kid = base64.RawURLEncoding.EncodeToString(sum)
	s.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: s.key, KeyID: s.kid}}, nil)
	if err != nil {
		return nil, fmt.Errorf("maskinportensim: new: signer: %w", err)
	}
	return s, nil
}

// Issuer returns the issuer identifier (with its trailing slash).
func (s *Server) Issuer() string { return s.issuer }

// TokenURL returns the token endpoint's URL.
func (s *Server) TokenURL() string { return s.issuer + routeToken }

// RegisterClient registers client id with a public key under kid and the
// scopes it may ask for. key is an RSA key as a jose.JSONWebKey (public or
// private; kid may then be empty to use the JWK's own), an *rsa.PublicKey
// or an *rsa.PrivateKey; private keys are reduced to their public half.
// Registering an existing client adds or replaces the key under kid and
// replaces its scopes, as a key rotation in the self-service does.
func (s *Server) RegisterClient(id string, key any, kid string, scopes ...string) error {
	if id == "" {
		return errors.New("maskinportensim: register client: empty client id")
	}
	pub, jwkKID, err := rsaPublic(key)
	if err != nil {
		return fmt.Errorf("maskinportensim: register client: %w", err)
	}
	if kid == "" {
		kid = jwkKID
	}
	if kid == "" {
		return errors.New("maskinportensim: register client: the key needs a kid")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clients[id]
	if c == nil {
		c = &client{keys: map[string]*rsa.PublicKey{}, org: s.org}
		s.clients[id] = c
	}
	c.keys[kid] = pub
	c.scopes = slices.Clone(scopes)
	return nil
}

// SetConsumerOrg sets the organisation number a registered client's tokens
// name as consumer.
func (s *Server) SetConsumerOrg(clientID, orgNumber string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clients[clientID]
	if c == nil {
		return errors.New("maskinportensim: set consumer org: unknown client")
	}
	c.org = orgNumber
	return nil
}

// SetDown makes the token endpoint answer 503 while down is true, to test
// the portal when Maskinporten is unavailable.
func (s *Server) SetDown(down bool) { s.down.Store(down) }

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Refused = maps.Clone(s.stats.Refused)
	return st
}

// KeySet returns the public key access tokens are signed with.
func (s *Server) KeySet() jose.JSONWebKeySet {
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &s.key.PublicKey, KeyID: s.kid, Algorithm: string(jose.RS256), Use: "sig",
	}}}
}

// rsaPublic returns the RSA public key in key and a JWK's own kid.
func rsaPublic(key any) (*rsa.PublicKey, string, error) {
	kid := ""
	switch k := key.(type) {
	case *jose.JSONWebKey:
		if k == nil {
			return nil, "", errors.New("nil key")
		}
		kid, key = k.KeyID, k.Key
	case jose.JSONWebKey:
		kid, key = k.KeyID, k.Key
	}
	var pub *rsa.PublicKey
	switch k := key.(type) {
	case *rsa.PublicKey:
		pub = k
	case *rsa.PrivateKey:
		pub = &k.PublicKey
	default:
		return nil, "", fmt.Errorf("key of type %T; Maskinporten grants are RSA-signed", key)
	}
	if pub == nil || pub.N == nil || pub.N.BitLen() < 2048 {
		return nil, "", errors.New("RSA key shorter than 2048 bits")
	}
	return pub, kid, nil
}

// ServeHTTP routes POST /token, GET /jwk and GET
// /.well-known/oauth-authorization-server under the issuer's path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, ok := strings.CutPrefix(r.URL.Path, s.basePath)
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch route {
	case routeToken:
		s.handleToken(w, r)
	case routeJWKS:
		if !allowGet(w, r) {
			return
		}
		s.mu.Lock()
		s.stats.JWKS++
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, s.KeySet())
	case routeMetadata:
		if !allowGet(w, r) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer":                                s.issuer,
			"token_endpoint":                        s.TokenURL(),
			"jwks_uri":                              s.issuer + routeJWKS,
			"grant_types_supported":                 []string{GrantType},
			"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
			"token_endpoint_auth_signing_alg_values_supported": grantAlgorithms,
		})
	default:
		http.NotFound(w, r)
	}
}

func allowGet(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

// tokenResponse is the successful answer of /token.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// oauthError is an OAuth 2.0 error answer.
type oauthError struct {
	status      int
	code        string
	description string
	reason      Reason
}

func refuse(reason Reason, code, format string, args ...any) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: code, description: fmt.Sprintf(format, args...), reason: reason}
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.TokenRequests++
	s.mu.Unlock()
	resp, oe := s.token(w, r)
	if oe != nil {
		s.mu.Lock()
		s.stats.Refused[oe.reason]++
		s.mu.Unlock()
		if oe.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", http.MethodPost)
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, oe.status, map[string]string{"error": oe.code, "error_description": oe.description})
		return
	}
	s.mu.Lock()
	s.stats.Issued++
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// token checks the grant and issues a token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) (*tokenResponse, *oauthError) {
	if s.down.Load() {
		return nil, &oauthError{status: http.StatusServiceUnavailable, code: "temporarily_unavailable",
			description: "the simulator is down", reason: ReasonDown}
	}
	if r.Method != http.MethodPost {
		return nil, &oauthError{status: http.StatusMethodNotAllowed, code: "invalid_request",
			description: "use POST", reason: ReasonMethod}
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/x-www-form-urlencoded") {
		return nil, refuse(ReasonRequest, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, refuse(ReasonRequest, "invalid_request", "the body is not a valid form")
	}
	form := r.PostForm
	if gt := form.Get("grant_type"); gt != GrantType {
		return nil, refuse(ReasonGrantType, "unsupported_grant_type", "grant_type must be %s", GrantType)
	}
	raw := form.Get("assertion")
	if raw == "" || len(raw) > maxAssertionBytes {
		return nil, refuse(ReasonRequest, "invalid_request", "assertion missing or longer than %d bytes", maxAssertionBytes)
	}
	g, oe := s.verifyGrant(raw)
	if oe != nil {
		return nil, oe
	}
	return s.issue(g)
}

// grantClaims are the claims of a JWT grant. Times are pointers so a
// missing claim is told apart from zero.
type grantClaims struct {
	Issuer   string           `json:"iss"`
	Audience jwt.Audience     `json:"aud"`
	IssuedAt *jwt.NumericDate `json:"iat"`
	Expiry   *jwt.NumericDate `json:"exp"`
	ID       string           `json:"jti"`
	Scope    *string          `json:"scope"`
	Resource jwt.Audience     `json:"resource"`
}

// verifiedGrant is a grant that passed every check but the jti's reuse.
type verifiedGrant struct {
	clientID string
	org      string
	scopes   []string
	jti      string
	exp      time.Time
	resource []string
}

// verifyGrant checks a grant in the order a careful server would: the
// header, the client and key, the signature, and only then the claims.
func (s *Server) verifyGrant(raw string) (*verifiedGrant, *oauthError) {
	tok, err := jwt.ParseSigned(raw, anyAlgorithm)
	if err != nil {
		return nil, refuse(ReasonMalformed, "invalid_grant", "Invalid assertion. The grant is not a compact JWS")
	}
	if len(tok.Headers) != 1 {
		return nil, refuse(ReasonMalformed, "invalid_grant", "Invalid assertion. The grant must carry one signature")
	}
	h := tok.Headers[0]
	if !slices.Contains(grantAlgorithms, jose.SignatureAlgorithm(h.Algorithm)) {
		return nil, refuse(ReasonAlgorithm, "invalid_grant", "Invalid assertion. alg must be RS256, RS384 or RS512")
	}
	if h.KeyID == "" {
		return nil, refuse(ReasonNoKeyID, "invalid_grant", "Invalid assertion. The header needs the kid of a registered key (x5c is not simulated)")
	}
	var unverified grantClaims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return nil, refuse(ReasonMalformed, "invalid_grant", "Invalid assertion. The claims are not a valid JSON object")
	}
	s.mu.Lock()
	c := s.clients[unverified.Issuer]
	var key *rsa.PublicKey
	var org string
	var allowed []string
	if c != nil {
		key, org, allowed = c.keys[h.KeyID], c.org, c.scopes
	}
	s.mu.Unlock()
	if c == nil {
		return nil, refuse(ReasonUnknownClient, "invalid_client", "Invalid assertion. iss is not a registered client_id")
	}
	if key == nil {
		return nil, refuse(ReasonUnknownKey, "invalid_client", "Invalid assertion. kid is not a registered key of the client")
	}
	var cl grantClaims
	if err := tok.Claims(key, &cl); err != nil {
		return nil, refuse(ReasonSignature, "invalid_grant", "Invalid assertion. Client authentication failed: signature does not verify")
	}
	if len(cl.Audience) != 1 || cl.Audience[0] != s.issuer {
		return nil, refuse(ReasonAudience, "invalid_grant", "Invalid assertion. Client authentication failed. Invalid JWT claim aud: must be the issuer %s", s.issuer)
	}
	now := s.now()
	if cl.IssuedAt == nil {
		return nil, refuse(ReasonIssuedAt, "invalid_grant", "Invalid assertion. iat is missing")
	}
	iat := cl.IssuedAt.Time()
	if d := now.Sub(iat); d > ClockSkew || d < -ClockSkew {
		return nil, refuse(ReasonIssuedAt, "invalid_grant", "Invalid assertion. iat must be within %s of the server's clock", ClockSkew)
	}
	if cl.Expiry == nil {
		return nil, refuse(ReasonExpired, "invalid_grant", "Invalid assertion. exp is missing")
	}
	exp := cl.Expiry.Time()
	if !now.Before(exp) {
		return nil, refuse(ReasonExpired, "invalid_grant", "Invalid assertion. The grant has expired")
	}
	if exp.Sub(iat) > MaxGrantLifetime {
		return nil, refuse(ReasonLifetime, "invalid_grant", "Invalid assertion. exp-iat must be at most %s", MaxGrantLifetime)
	}
	if cl.ID == "" || len(cl.ID) > maxJTIBytes {
		return nil, refuse(ReasonNoJTI, "invalid_grant", "Invalid assertion. jti is missing or too long")
	}
	if cl.Scope == nil || strings.TrimSpace(*cl.Scope) == "" {
		return nil, refuse(ReasonNoScope, "invalid_scope", "scope is missing")
	}
	scopes := strings.Fields(*cl.Scope)
	for _, sc := range scopes {
		if !slices.Contains(allowed, sc) {
			return nil, refuse(ReasonScope, "invalid_scope", "Scope %s is not allowed for the client", sc)
		}
	}
	return &verifiedGrant{
		clientID: unverified.Issuer, org: org, scopes: dedupe(scopes),
		jti: cl.ID, exp: exp, resource: cl.Resource,
	}, nil
}

// dedupe removes repeated scopes, keeping the first of each.
func dedupe(scopes []string) []string {
	out := make([]string, 0, len(scopes))
	for _, sc := range scopes {
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// issue records the grant's jti and signs an access token.
func (s *Server) issue(g *verifiedGrant) (*tokenResponse, *oauthError) {
	now := s.now()
	if !s.rememberJTI(g.clientID+" "+g.jti, g.exp, now) {
		return nil, refuse(ReasonReplayedJTI, "invalid_grant", "Invalid assertion. jti has been used before")
	}
	claims := map[string]any{
		"iss":        s.issuer,
		"client_id":  g.clientID,
		"client_amr": "private_key_jwt",
		"token_type": "Bearer",
		"scope":      strings.Join(g.scopes, " "),
		"consumer":   map[string]string{"authority": consumerAuthority, "ID": "0192:" + g.org},
		"iat":        now.Unix(),
		"exp":        now.Add(s.lifetime).Unix(),
		"jti":        randomID(),
	}
	switch len(g.resource) {
	case 0:
	case 1:
		claims["aud"] = g.resource[0]
	default:
		claims["aud"] = g.resource
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return nil, &oauthError{status: http.StatusInternalServerError, code: "server_error", description: "cannot encode the token", reason: ReasonIssue}
	}
	obj, err := s.signer.Sign(payload)
	if err != nil {
		return nil, &oauthError{status: http.StatusInternalServerError, code: "server_error", description: "cannot sign the token", reason: ReasonIssue}
	}
	at, err := obj.CompactSerialize()
	if err != nil {
		return nil, &oauthError{status: http.StatusInternalServerError, code: "server_error", description: "cannot sign the token", reason: ReasonIssue}
	}
	return &tokenResponse{
		AccessToken: at,
		TokenType:   "Bearer",
		ExpiresIn:   int(s.lifetime / time.Second),
		Scope:       strings.Join(g.scopes, " "),
	}, nil
}

// rememberJTI records key until exp and reports whether it was new. A jti
// is kept only while its grant could still be accepted (until exp); after
// that the grant fails on exp anyway.
func (s *Server) rememberJTI(key string, exp, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.lastSweep) >= sweepEvery || now.Before(s.lastSweep) {
		for k, e := range s.jtis {
			if !now.Before(e) {
				delete(s.jtis, k)
			}
		}
		s.lastSweep = now
	}
	if e, ok := s.jtis[key]; ok && now.Before(e) {
		return false
	}
	s.jtis[key] = exp
	return true
}

// rememberedJTIs is the number of jtis held, for tests of the sweep.
func (s *Server) rememberedJTIs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.jtis)
}

// VerifyAccessToken checks an access token this simulator issued, as a
// resource server (the HPR simulator) does: the RS256 signature with the
// simulator's key, iss, and exp after now (iat no later than now plus
// ClockSkew). It returns the client_id and the scopes. Every refusal is
// ErrInvalidToken.
func (s *Server) VerifyAccessToken(token string) (clientID string, scopes []string, err error) {
	if token == "" || len(token) > maxAccessTokenBytes {
		return "", nil, ErrInvalidToken
	}
	obj, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(obj.Signatures) != 1 || obj.Signatures[0].Protected.KeyID != s.kid {
		return "", nil, ErrInvalidToken
	}
	payload, err := obj.Verify(&s.key.PublicKey)
	if err != nil {
		return "", nil, ErrInvalidToken
	}
	var c struct {
		Issuer   string           `json:"iss"`
		ClientID string           `json:"client_id"`
		Scope    string           `json:"scope"`
		IssuedAt *jwt.NumericDate `json:"iat"`
		Expiry   *jwt.NumericDate `json:"exp"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return "", nil, ErrInvalidToken
	}
	now := s.now()
	switch {
	case c.Issuer != s.issuer, c.ClientID == "", c.Expiry == nil, c.IssuedAt == nil:
		return "", nil, ErrInvalidToken
	case !now.Before(c.Expiry.Time()), c.IssuedAt.Time().After(now.Add(ClockSkew)):
		return "", nil, ErrInvalidToken
	}
	return c.ClientID, strings.Fields(c.Scope), nil
}

// randomID returns 16 random bytes, base64url.
func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}
