package helseidsim

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
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

	"github.com/oppslag/oppslag/clients/dpop"
)

// Client is a client registration, as made in HelseID Selvbetjening.
type Client struct {
	ID                                   string
	Keys                                 []jose.JSONWebKey // public keys for private_key_jwt and allowed DPoP keys
	RedirectURIs, PostLogoutRedirectURIs []string
	Scopes                               []string // allowed scopes (identity + API scopes)
}

// Options tune a Server; the zero value gives the defaults.
type Options struct {
	Personas []Persona // default Personas()
	// APIs maps each API audience to its scopes. The default knows
	// Persontjenesten (full-access, restricted-access) and Pasientens
	// prøvesvar (provesvar-read); HPR is not among them, it is reached with a
	// Maskinporten token.
	APIs                 map[string][]string
	Now                  func() time.Time
	AccessTokenLifetime  time.Duration // default 600 s
	RefreshTokenLifetime time.Duration // default 12 h

	// Knobs for behaving like another OpenID Provider than HelseID.

	// DPoPAlgorithms, when not empty, is the provider's
	// dpop_signing_alg_values_supported, and proofs signed otherwise are
	// refused (token endpoint, userinfo and VerifyAccessToken). Empty: every
	// asymmetric algorithm, as HelseID publishes.
	DPoPAlgorithms []jose.SignatureAlgorithm
	// OmitDPoPAlgorithms leaves dpop_signing_alg_values_supported out of
	// discovery altogether (an older provider); proofs are checked as with
	// the default list.
	OmitDPoPAlgorithms bool
	// NoRefreshTokens makes the code exchange answer without refresh_token
	// even when offline_access was granted, as a provider does that wants
	// offline_access asked for differently (e.g. with prompt=consent).
	NoRefreshTokens bool
}

// Stats counts what the simulator served. Endpoint counters count requests
// that reached the endpoint (none while the server is down); Token counts
// successful token responses by grant_type, so the DPoP nonce retry does not
// inflate it; TokenByAudience counts issued access tokens per aud value.
type Stats struct {
	Discovery, JWKS, PAR, Authorize, Userinfo, EndSession int
	Token                                                 map[string]int // by grant_type
	TokenByAudience                                       map[string]int // access tokens issued per aud
}

// defaultAPIs returns the API audiences and scopes used when Options.APIs is
// nil.
func defaultAPIs() map[string][]string {
	return map[string][]string{
		"nhn:hgd-persontjenesten-api": {
			"nhn:hgd-persontjenesten-api/full-access",
			"nhn:hgd-persontjenesten-api/restricted-access",
		},
		"nhn:pps": {"nhn:pps/provesvar-read"},
	}
}

// Lifetimes HelseID does not publish; these follow Duende's defaults and the
// values in HelseID's documentation.
const (
	parLifetime      = 60 * time.Second
	codeLifetime     = 60 * time.Second
	pickerLifetime   = 10 * time.Minute // a human at the picker needs longer than the PAR's 60 s
	idTokenLifetime  = 5 * time.Minute
	nonceLifetime    = 5 * time.Minute
	assertionMaxLife = 60 * time.Second
	clockSkew        = 10 * time.Second
	sweepInterval    = 30 * time.Second
	maxFormBytes     = 64 << 10
	sessionCookie    = "helseidsim_session"
)

// Server is a HelseID simulator for one issuer. It is an http.Handler and is
// safe for concurrent use.
type Server struct {
	issuer     string
	issuerPath string // path part of the issuer, "" for a bare host
	issuerURL  *url.URL
	personas   []Persona
	apis       map[string][]string
	now        func() time.Time
	atLifetime time.Duration
	rtLifetime time.Duration
	dpopAlgs   []jose.SignatureAlgorithm // published and accepted proof algorithms
	omitAlgs   bool
	noRefresh  bool

	key      *rsa.PrivateKey
	kid      string
	nonceKey []byte

	routes map[string]route

	tokenProofs *dpop.Verifier // token endpoint: nonce required
	apiProofs   *dpop.Verifier // userinfo and VerifyAccessToken

	down atomic.Bool

	mu         sync.Mutex
	clients    map[string]Client
	assertions map[string]time.Time // client_id + " " + jti → exp
	pars       map[string]*parRequest
	codes      map[string]*authCode
	refresh    map[string]*refreshGrant
	sessions   map[string]*session // cookie value → session
	stats      Stats
	lastSweep  time.Time
}

// New returns a simulator for issuer (an absolute http(s) URL without a
// trailing slash, exactly as discovery will publish it). It generates its own
// RSA-2048 signing key (kid, alg RS256).
func New(issuer string, opts Options) (*Server, error) {
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("helseidsim: new: issuer %q is not an absolute http(s) URL", issuer)
	}
	if strings.HasSuffix(issuer, "/") {
		return nil, fmt.Errorf("helseidsim: new: issuer %q ends with a slash; HelseID's issuer has none", issuer)
	}
	s := &Server{
		issuer:     issuer,
		issuerPath: u.EscapedPath(),
		issuerURL:  u,
		personas:   opts.Personas,
		apis:       opts.APIs,
		now:        opts.Now,
		atLifetime: opts.AccessTokenLifetime,
		rtLifetime: opts.RefreshTokenLifetime,
		dpopAlgs:   slices.Clone(opts.DPoPAlgorithms),
		omitAlgs:   opts.OmitDPoPAlgorithms,
		noRefresh:  opts.NoRefreshTokens,
		clients:    map[string]Client{},
		assertions: map[string]time.Time{},
		pars:       map[string]*parRequest{},
		codes:      map[string]*authCode{},
		refresh:    map[string]*refreshGrant{},
		sessions:   map[string]*session{},
		stats:      Stats{Token: map[string]int{}, TokenByAudience: map[string]int{}},
	}
	if s.personas == nil {
		s.personas = Personas()
	}
	seen := map[string]bool{}
	for _, p := range s.personas {
		if p.ID == "" || seen[p.ID] {
			return nil, fmt.Errorf("helseidsim: new: persona id %q empty or repeated", p.ID)
		}
		seen[p.ID] = true
	}
	if s.apis == nil {
		s.apis = defaultAPIs()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.atLifetime <= 0 {
		s.atLifetime = 600 * time.Second
	}
	if s.rtLifetime <= 0 {
		s.rtLifetime = 12 * time.Hour
	}
	if s.key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return nil, fmt.Errorf("helseidsim: new: signing key: %w", err)
	}
	sum, err := (&jose.JSONWebKey{Key: &s.key.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("helseidsim: new: key id: %w", err)
	}
	s.kid = strings.ToUpper(fmt.Sprintf("%x", sum[:16]))
	s.nonceKey = make([]byte, 32)
	if _, err := rand.Read(s.nonceKey); err != nil {
		return nil, fmt.Errorf("helseidsim: new: nonce key: %w", err)
	}
	s.routes = map[string]route{
		pathDiscovery:  {[]string{http.MethodGet}, s.handleDiscovery},
		pathJWKS:       {[]string{http.MethodGet}, s.handleJWKS},
		pathPAR:        {[]string{http.MethodPost}, s.handlePAR},
		pathAuthorize:  {[]string{http.MethodGet, http.MethodPost}, s.handleAuthorize},
		pathToken:      {[]string{http.MethodPost}, s.handleToken},
		pathUserinfo:   {[]string{http.MethodGet, http.MethodPost}, s.handleUserinfo},
		pathEndSession: {[]string{http.MethodGet, http.MethodPost}, s.handleEndSession},
	}
	if len(s.dpopAlgs) == 0 {
		s.dpopAlgs = slices.Clone(asymmetricAlgs)
	}
	s.tokenProofs = &dpop.Verifier{Now: s.now, NonceCheck: s.validNonce, Algorithms: s.dpopAlgs}
	s.apiProofs = &dpop.Verifier{Now: s.now, Algorithms: s.dpopAlgs}
	return s, nil
}

// RegisterClient adds or replaces a client registration. Private keys are
// reduced to their public half.
func (s *Server) RegisterClient(c Client) {
	c.Keys = slices.Clone(c.Keys)
	for i := range c.Keys {
		c.Keys[i] = c.Keys[i].Public()
	}
	c.RedirectURIs = slices.Clone(c.RedirectURIs)
	c.PostLogoutRedirectURIs = slices.Clone(c.PostLogoutRedirectURIs)
	c.Scopes = slices.Clone(c.Scopes)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[c.ID] = c
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Token = maps.Clone(s.stats.Token)
	st.TokenByAudience = maps.Clone(s.stats.TokenByAudience)
	return st
}

// SetDown makes every endpoint answer 503 while down is true, to test
// behaviour when HelseID is unavailable.
func (s *Server) SetDown(down bool) { s.down.Store(down) }

// KeySet returns the public signing keys, for API simulators in the same
// process.
func (s *Server) KeySet() jose.JSONWebKeySet {
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{s.publicKey()}}
}

func (s *Server) publicKey() jose.JSONWebKey {
	return jose.JSONWebKey{Key: &s.key.PublicKey, KeyID: s.kid, Algorithm: string(jose.RS256), Use: "sig"}
}

// Endpoint paths, relative to the issuer, as in HelseID's discovery document.
const (
	pathDiscovery  = "/.well-known/openid-configuration"
	pathJWKS       = "/.well-known/openid-configuration/jwks"
	pathPAR        = "/connect/par"
	pathAuthorize  = "/connect/authorize"
	pathToken      = "/connect/token"
	pathUserinfo   = "/connect/userinfo"
	pathEndSession = "/connect/endsession"
)

// route is an endpoint: its methods and handler. HEAD is not among them:
// a HEAD on authorize must not consume a pushed request.
type route struct {
	methods []string
	handle  func(http.ResponseWriter, *http.Request)
}

// ServeHTTP routes to the endpoints. It accepts requests whether or not a
// mounting router has stripped the issuer's path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		// A bug must not take the simulator down with it; answer like a
		// server error instead.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			oauthError(w, http.StatusInternalServerError, "server_error", "internal error")
		}
	}()
	if s.down.Load() {
		w.Header().Set("Retry-After", "30")
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "HelseID is unavailable")
		return
	}
	path := r.URL.Path
	if s.issuerPath != "" && strings.HasPrefix(path, s.issuerPath+"/") {
		path = strings.TrimPrefix(path, s.issuerPath)
	}
	rt, ok := s.routes[path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !slices.Contains(rt.methods, r.Method) {
		w.Header().Set("Allow", strings.Join(rt.methods, ", "))
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "method not allowed")
		return
	}
	rt.handle(w, r)
}

// endpoint is the absolute URL of an endpoint path.
func (s *Server) endpoint(path string) string { return s.issuer + path }

// asEndpoint returns r as the client addressed it, with the issuer's path in
// front of the endpoint path, so DPoP htu checks hold when a router stripped
// the prefix.
func (s *Server) asEndpoint(r *http.Request, path string) *http.Request {
	r2 := r.Clone(r.Context())
	u := *r.URL
	u.Path = s.issuerURL.Path + path
	u.RawPath = ""
	r2.URL = &u
	return r2
}

func (s *Server) count(f func(*Stats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.stats)
}

func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	s.count(func(st *Stats) { st.Discovery++ })
	scopes := []string{
		"openid", "profile", "offline_access",
		"helseid://scopes/client/info", "helseid://scopes/client/client_name",
		"helseid://scopes/identity/assurance_level", "helseid://scopes/identity/pid",
		"helseid://scopes/identity/pid_pseudonym", "helseid://scopes/identity/security_level",
		"helseid://scopes/identity/network", "helseid://scopes/hpr/hpr_number",
	}
	for _, aud := range slices.Sorted(maps.Keys(s.apis)) {
		scopes = append(scopes, s.apis[aud]...)
	}
	algs := make([]string, 0, len(asymmetricAlgs))
	for _, a := range asymmetricAlgs {
		algs = append(algs, string(a))
	}
	dpopAlgs := make([]string, 0, len(s.dpopAlgs))
	for _, a := range s.dpopAlgs {
		dpopAlgs = append(dpopAlgs, string(a))
	}
	doc := map[string]any{
		"issuer":                                s.issuer,
		"jwks_uri":                              s.endpoint(pathJWKS),
		"authorization_endpoint":                s.endpoint(pathAuthorize),
		"token_endpoint":                        s.endpoint(pathToken),
		"userinfo_endpoint":                     s.endpoint(pathUserinfo),
		"end_session_endpoint":                  s.endpoint(pathEndSession),
		"pushed_authorization_request_endpoint": s.endpoint(pathPAR),
		// HelseID publishes false server-wide and enforces PAR per client;
		// the simulator enforces it for every client.
		"require_pushed_authorization_requests": false,
		"frontchannel_logout_supported":         false,
		"backchannel_logout_supported":          false,
		"scopes_supported":                      scopes,
		"claims_supported": []string{
			"sub", "name", "family_name", "given_name", "middle_name",
			claimAssuranceLevel, claimPID, claimPIDPseudonym, claimSecurityLevel, claimNetwork,
			claimHPRNumber, claimClientName, claimClientTenancy, claimOrgParent, claimOrgChild,
		},
		"grant_types_supported":                            []string{"authorization_code", "refresh_token"},
		"response_types_supported":                         []string{"code"},
		"response_modes_supported":                         []string{"query"},
		"subject_types_supported":                          []string{"public"},
		"code_challenge_methods_supported":                 []string{"S256"},
		"id_token_signing_alg_values_supported":            []string{"RS256"},
		"token_endpoint_auth_methods_supported":            []string{"private_key_jwt"},
		"token_endpoint_auth_signing_alg_values_supported": algs,
		"dpop_signing_alg_values_supported":                dpopAlgs,
		"authorization_response_iss_parameter_supported":   true,
		"prompt_values_supported":                          []string{"none", "login"},
		"request_parameter_supported":                      false,
		"claims_parameter_supported":                       false,
	}
	if s.omitAlgs {
		delete(doc, "dpop_signing_alg_values_supported")
	}
	writeJSON(w, http.StatusOK, doc)
}

func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	s.count(func(st *Stats) { st.JWKS++ })
	writeJSON(w, http.StatusOK, s.KeySet())
}

// writeJSON answers v as JSON; OAuth responses must never be cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// oauthError answers an OAuth error response (RFC 6749 §5.2).
func oauthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

// oauthErr is an OAuth error a handler step returns to its caller.
type oauthErr struct {
	status      int
	code        string
	description string
}

func (e *oauthErr) Error() string { return e.code + ": " + e.description }

func errf(status int, code, format string, args ...any) *oauthErr {
	return &oauthErr{status: status, code: code, description: fmt.Sprintf(format, args...)}
}

// writeErr answers err; anything that is not an *oauthErr is a server error.
func writeErr(w http.ResponseWriter, err error) {
	var oe *oauthErr
	if errors.As(err, &oe) {
		oauthError(w, oe.status, oe.code, oe.description)
		return
	}
	oauthError(w, http.StatusInternalServerError, "server_error", "internal error")
}

// parseForm reads a bounded form body and rejects repeated parameters other
// than those allowed to repeat (RFC 6749 §3.1: parameters must not be
// included more than once).
func parseForm(w http.ResponseWriter, r *http.Request, repeatable ...string) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, errf(http.StatusBadRequest, "invalid_request", "malformed form body")
	}
	form := r.PostForm
	if r.Method == http.MethodGet {
		form = r.Form
	}
	for k, vs := range form {
		if len(vs) > 1 && !slices.Contains(repeatable, k) {
			return nil, errf(http.StatusBadRequest, "invalid_request", "parameter %s repeated", k)
		}
	}
	return form, nil
}

// randomToken returns n random bytes, base64url.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on supported platforms (Go 1.24+ it
		// aborts the program instead); keep the contract explicit anyway.
		panic(fmt.Sprintf("helseidsim: crypto/rand: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func equalConstantTime(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// newNonce returns a DPoP nonce: issue time and an HMAC over it, so the
// simulator does not need to remember the nonces it hands out.
func (s *Server) newNonce(now time.Time) string {
	b := make([]byte, 8, 8+32)
	binary.BigEndian.PutUint64(b, uint64(now.Unix()))
	m := hmac.New(sha256.New, s.nonceKey)
	m.Write(b)
	return base64.RawURLEncoding.EncodeToString(m.Sum(b))
}

// validNonce accepts a nonce this server issued within nonceLifetime.
func (s *Server) validNonce(nonce string) bool {
	b, err := base64.RawURLEncoding.DecodeString(nonce)
	if err != nil || len(b) != 8+32 {
		return false
	}
	m := hmac.New(sha256.New, s.nonceKey)
	m.Write(b[:8])
	if !hmac.Equal(m.Sum(nil), b[8:]) {
		return false
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(b[:8])), 0)
	age := s.now().Sub(issued)
	return age >= -clockSkew && age <= nonceLifetime
}

// sweepLocked drops expired entries from every store; s.mu must be held.
func (s *Server) sweepLocked(now time.Time) {
	if now.Sub(s.lastSweep) < sweepInterval {
		return
	}
	s.lastSweep = now
	for k, exp := range s.assertions {
		if now.After(exp) {
			delete(s.assertions, k)
		}
	}
	for k, p := range s.pars {
		if now.After(p.deadline()) {
			delete(s.pars, k)
		}
	}
	for k, c := range s.codes {
		if now.After(c.expires) {
			delete(s.codes, k)
		}
	}
	for k, g := range s.refresh {
		if now.After(g.expires) {
			delete(s.refresh, k)
		}
	}
	for k, ss := range s.sessions {
		if now.After(ss.expires) {
			delete(s.sessions, k)
		}
	}
}

// personaByID finds a persona by its login_hint id.
func (s *Server) personaByID(id string) (Persona, bool) {
	for _, p := range s.personas {
		if p.ID == id {
			return p, true
		}
	}
	return Persona{}, false
}

// securityHeaders are set on every HTML page the simulator renders.
func securityHeaders(w http.ResponseWriter, csp string) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
}
