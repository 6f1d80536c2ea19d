// Package dpop creates and verifies DPoP proofs (RFC 9449) as HelseID and the
// NHN APIs use them: a JWT with typ "dpop+jwt", the public key in the header,
// and jti, htm, htu, iat (plus nonce toward HelseID, ath toward APIs).
//
// The portal signs proofs with the same private key it uses for client
// assertions, as HelseID's security profile prescribes.
package dpop

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Named verification failures, so a verifier can answer with the right error code.
var (
	ErrMissing      = errors.New("dpop: no proof")
	ErrInvalid      = errors.New("dpop: invalid proof")
	ErrReplay       = errors.New("dpop: jti seen before")
	ErrNonceNeeded  = errors.New("dpop: nonce required") // answer use_dpop_nonce with a fresh DPoP-Nonce header
	ErrWrongBinding = errors.New("dpop: proof key does not match the token's cnf.jkt")
)

// proofType is the JOSE typ header of a DPoP proof.
const proofType = "dpop+jwt"

// algorithms are the signature algorithms a proof may use: asymmetric only,
// the same list HelseID publishes as dpop_signing_alg_values_supported.
var algorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512,
	jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512,
}

// defaultMaxAge is the accepted distance between a proof's iat and now when
// Verifier.MaxAge is zero.
const defaultMaxAge = 60 * time.Second

// maxProofLen caps the size of a proof we are willing to parse; real proofs
// with an RSA-4096 key stay well below 4 KiB.
const maxProofLen = 8 << 10

// maxJTILen caps the jti we remember, so the replay cache cannot be inflated
// by huge identifiers.
const maxJTILen = 256

// maxIAT keeps absurd iat values away from time arithmetic (year 5138).
const maxIAT = 1e11

// minRSABits is the smallest RSA modulus accepted in a proof.
const minRSABits = 2048

// Signer makes proofs with one private key.
type Signer struct {
	key jose.JSONWebKey // private
	alg jose.SignatureAlgorithm
	now func() time.Time
	// jws signs every proof: made once, since making it (the embedded
	// public JWK) cost as much as a signature. go-jose's signers hold no
	// state between signatures, so one serves concurrent calls.
	jws func() (jose.Signer, error)
}

// newSigner is the Signer for key, alg and now.
func newSigner(key jose.JSONWebKey, alg jose.SignatureAlgorithm, now func() time.Time) *Signer {
	if now == nil {
		now = time.Now
	}
	return &Signer{key: key, alg: alg, now: now, jws: sync.OnceValues(func() (jose.Signer, error) {
		// EmbedJWK puts only the public half (kty, n, e / kty, crv, x, y)
		// in the header, and go-jose then leaves kid out, as RFC 9449
		// expects.
		return jose.NewSigner(
			jose.SigningKey{Algorithm: alg, Key: key.Key},
			(&jose.SignerOptions{EmbedJWK: true}).WithType(proofType),
		)
	})}
}

// NewSigner returns a Signer for key (a private RSA or EC JWK). now may be nil.
//
// RSA keys sign with the JWK's alg when it names an RSA algorithm (HelseID's
// samples use RS256, RS512 and PS256 keys), otherwise RS256; EC keys sign with
// the algorithm of their curve (P-256 ES256, P-384 ES384, P-521 ES512).
func NewSigner(key jose.JSONWebKey, now func() time.Time) (*Signer, error) {
	alg, err := signingAlg(key)
	if err != nil {
		return nil, fmt.Errorf("dpop: new signer: %w", err)
	}
	return newSigner(key, alg, now), nil
}

// NewSignerWithAlgorithm returns a Signer for key that signs with alg,
// which must be one of Algorithms(key): the algorithm a server lists in
// dpop_signing_alg_values_supported, picked with ChooseAlgorithm.
func NewSignerWithAlgorithm(key jose.JSONWebKey, alg jose.SignatureAlgorithm, now func() time.Time) (*Signer, error) {
	algs, err := Algorithms(key)
	if err != nil {
		return nil, fmt.Errorf("dpop: new signer: %w", err)
	}
	if !slices.Contains(algs, alg) {
		return nil, fmt.Errorf("dpop: new signer: the key cannot sign %s", alg)
	}
	return newSigner(key, alg, now), nil
}

// Algorithm returns the algorithm the signer signs proofs with.
func (s *Signer) Algorithm() jose.SignatureAlgorithm { return s.alg }

// ErrNoAlgorithm means a server accepts no proof algorithm the key can sign.
var ErrNoAlgorithm = errors.New("dpop: no proof algorithm in common with the server")

// Algorithms lists the proof algorithms key may sign with, the one NewSigner
// uses first. A JWK whose alg names an algorithm is held to it (RFC 7517
// §4.4: the algorithm intended for use with the key); an RSA key without
// alg can sign every RS and PS algorithm, an EC key only its curve's.
func Algorithms(key jose.JSONWebKey) ([]jose.SignatureAlgorithm, error) {
	preferred, err := signingAlg(key)
	if err != nil {
		return nil, err
	}
	if _, ok := key.Key.(*rsa.PrivateKey); ok && key.Algorithm == "" {
		return []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.RS384, jose.PS384, jose.RS512, jose.PS512}, nil
	}
	return []jose.SignatureAlgorithm{preferred}, nil
}

// ChooseAlgorithm returns the first of key's Algorithms that supported
// (a server's dpop_signing_alg_values_supported) lists. An empty list means
// the server published none: the key's preferred algorithm is used, as
// before servers published lists. No match gives ErrNoAlgorithm.
func ChooseAlgorithm(key jose.JSONWebKey, supported []string) (jose.SignatureAlgorithm, error) {
	algs, err := Algorithms(key)
	if err != nil {
		return "", err
	}
	if len(supported) == 0 {
		return algs[0], nil
	}
	for _, a := range algs {
		if slices.Contains(supported, string(a)) {
			return a, nil
		}
	}
	names := make([]string, len(algs))
	for i, a := range algs {
		names[i] = string(a)
	}
	return "", fmt.Errorf("%w: the server accepts %s, the key can sign %s",
		ErrNoAlgorithm, strings.Join(supported, " "), strings.Join(names, " "))
}

func signingAlg(key jose.JSONWebKey) (jose.SignatureAlgorithm, error) {
	switch k := key.Key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < minRSABits {
			return "", fmt.Errorf("RSA key of %d bits, want at least %d", k.N.BitLen(), minRSABits)
		}
		switch a := jose.SignatureAlgorithm(key.Algorithm); a {
		case jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512:
			return a, nil
		}
		return jose.RS256, nil
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256():
			return jose.ES256, nil
		case elliptic.P384():
			return jose.ES384, nil
		case elliptic.P521():
			return jose.ES512, nil
		}
		return "", errors.New("unsupported EC curve")
	case nil:
		return "", errors.New("no key")
	default:
		return "", fmt.Errorf("key type %T is not a private RSA or EC key", key.Key)
	}
}

// claims is the payload of a proof.
type claims struct {
	JTI   string  `json:"jti"`
	HTM   string  `json:"htm"`
	HTU   string  `json:"htu"`
	IAT   float64 `json:"iat"`
	Nonce string  `json:"nonce,omitempty"`
	ATH   string  `json:"ath,omitempty"`
}

// Proof returns a proof for method and target URL (query and fragment are
// stripped from htu). nonce and accessToken may be empty; a non-empty
// accessToken adds ath.
func (s *Signer) Proof(method, targetURL, nonce, accessToken string) (string, error) {
	if method == "" {
		return "", errors.New("dpop: proof: empty method")
	}
	htu, err := stripURL(targetURL)
	if err != nil {
		return "", fmt.Errorf("dpop: proof: %w", err)
	}
	jti, err := randomID()
	if err != nil {
		return "", fmt.Errorf("dpop: proof: %w", err)
	}
	c := claims{
		JTI:   jti,
		HTM:   method,
		HTU:   htu,
		IAT:   float64(s.now().Unix()),
		Nonce: nonce,
	}
	if accessToken != "" {
		c.ATH = accessTokenHash(accessToken)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("dpop: proof: %w", err)
	}
	signer, err := s.jws()
	if err != nil {
		return "", fmt.Errorf("dpop: proof: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("dpop: proof: %w", err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("dpop: proof: %w", err)
	}
	return out, nil
}

// Thumbprint is the RFC 7638 SHA-256 thumbprint of the signer's public key,
// base64url without padding: the value of cnf.jkt in a bound token.
func (s *Signer) Thumbprint() string {
	pub := s.Public()
	jkt, err := thumbprint(pub)
	if err != nil {
		// Unreachable: NewSigner accepted only RSA and EC keys, which always
		// have a thumbprint.
		return ""
	}
	return jkt
}

// Public returns the public half of the signer's key.
func (s *Signer) Public() jose.JSONWebKey {
	return s.key.Public()
}

// thumbprint returns the RFC 7638 SHA-256 thumbprint of key, base64url
// without padding.
func thumbprint(key jose.JSONWebKey) (string, error) {
	sum, err := key.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("dpop: thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}

// accessTokenHash is the ath value for accessToken: base64url of its SHA-256
// hash, without padding.
func accessTokenHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Verifier checks proofs. It remembers seen jti values for MaxAge so a replay
// is caught; it is safe for concurrent use.
type Verifier struct {
	MaxAge     time.Duration    // accepted |now - iat|; default 60 s
	Now        func() time.Time // default time.Now
	NonceCheck func(nonce string) bool
	// Algorithms, when not empty, are the only proof algorithms accepted
	// (what the server publishes as dpop_signing_alg_values_supported);
	// empty means every asymmetric algorithm.
	Algorithms []jose.SignatureAlgorithm
	// nonce check: when NonceCheck is set, a proof without a nonce, or with one
	// NonceCheck rejects, fails with ErrNonceNeeded.

	mu        sync.Mutex
	seen      map[string]time.Time // thumbprint + " " + jti → forget after
	lastSweep time.Time
}

// Proof is a verified proof.
type Proof struct {
	JTI        string
	Thumbprint string // RFC 7638 thumbprint of the proof's key
	Nonce      string
	IssuedAt   time.Time
}

// Verify checks the single DPoP header of r against r's method and URL (scheme
// and host from baseURL, path from r), and, when accessToken is not empty, the
// ath claim. The returned Proof names the key thumbprint the caller compares
// with the token's cnf.jkt.
//
// Any path in baseURL is ignored: the request path must already be the full
// path the client addressed.
func (v *Verifier) Verify(r *http.Request, baseURL string, accessToken string) (*Proof, error) {
	values := r.Header.Values("DPoP")
	switch {
	case len(values) == 0:
		return nil, ErrMissing
	case len(values) > 1:
		return nil, fmt.Errorf("%w: %d DPoP headers", ErrInvalid, len(values))
	}
	raw := strings.TrimSpace(values[0])
	if raw == "" {
		return nil, ErrMissing
	}
	if len(raw) > maxProofLen {
		return nil, fmt.Errorf("%w: proof too long", ErrInvalid)
	}

	accepted := algorithms
	if len(v.Algorithms) > 0 {
		// Never wider than the asymmetric list, whatever was configured.
		accepted = slices.DeleteFunc(slices.Clone(v.Algorithms), func(a jose.SignatureAlgorithm) bool {
			return !slices.Contains(algorithms, a)
		})
	}
	jws, err := jose.ParseSignedCompact(raw, accepted)
	if err != nil {
		return nil, fmt.Errorf("%w: parse: %v", ErrInvalid, err)
	}
	if len(jws.Signatures) != 1 {
		return nil, fmt.Errorf("%w: want one signature", ErrInvalid)
	}
	h := jws.Signatures[0].Protected
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != proofType {
		return nil, fmt.Errorf("%w: typ %q", ErrInvalid, typ)
	}
	jwk := h.JSONWebKey
	if jwk == nil || !jwk.IsPublic() || !jwk.Valid() {
		return nil, fmt.Errorf("%w: header jwk missing or not a public key", ErrInvalid)
	}
	if k, ok := jwk.Key.(*rsa.PublicKey); ok && k.N.BitLen() < minRSABits {
		return nil, fmt.Errorf("%w: RSA key too small", ErrInvalid)
	}
	payload, err := jws.Verify(jwk)
	if err != nil {
		return nil, fmt.Errorf("%w: signature: %v", ErrInvalid, err)
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrInvalid, err)
	}
	if c.JTI == "" || len(c.JTI) > maxJTILen {
		return nil, fmt.Errorf("%w: jti missing or too long", ErrInvalid)
	}
	if c.HTM != r.Method {
		return nil, fmt.Errorf("%w: htm %q, request method %q", ErrInvalid, c.HTM, r.Method)
	}
	want, err := requestURL(baseURL, r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	got, err := normalizeURL(c.HTU)
	if err != nil || got != want {
		return nil, fmt.Errorf("%w: htu %q does not match %q", ErrInvalid, c.HTU, want)
	}

	now := v.now()
	if c.IAT <= 0 || c.IAT > maxIAT {
		return nil, fmt.Errorf("%w: iat missing or out of range", ErrInvalid)
	}
	iat := time.Unix(int64(c.IAT), 0)
	maxAge := v.maxAge()
	if d := now.Sub(iat); d > maxAge || d < -maxAge {
		return nil, fmt.Errorf("%w: iat %s outside ±%s of now", ErrInvalid, iat.UTC().Format(time.RFC3339), maxAge)
	}

	if accessToken != "" {
		if c.ATH == "" {
			return nil, fmt.Errorf("%w: ath missing", ErrInvalid)
		}
		if subtle.ConstantTimeCompare([]byte(c.ATH), []byte(accessTokenHash(accessToken))) != 1 {
			return nil, fmt.Errorf("%w: ath does not match the access token", ErrInvalid)
		}
	}

	if v.NonceCheck != nil && (c.Nonce == "" || !v.NonceCheck(c.Nonce)) {
		return nil, ErrNonceNeeded
	}

	jkt, err := thumbprint(*jwk)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	// The jti is remembered only once everything else holds, so a proof that
	// failed for a stale nonce or a bad htu does not poison the cache. Entries
	// are scoped by key: a jti only has to be unique per signer.
	if !v.remember(jkt+" "+c.JTI, iat.Add(maxAge), now) {
		return nil, ErrReplay
	}
	return &Proof{JTI: c.JTI, Thumbprint: jkt, Nonce: c.Nonce, IssuedAt: iat}, nil
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) maxAge() time.Duration {
	if v.MaxAge > 0 {
		return v.MaxAge
	}
	return defaultMaxAge
}

// remember records key until forgetAfter and reports whether it was new. A
// proof older than MaxAge is refused anyway, so nothing needs to be kept
// beyond that; expired entries are swept at most once per MaxAge, which
// bounds the cache to the proofs of about two windows.
func (v *Verifier) remember(key string, forgetAfter, now time.Time) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.seen == nil {
		v.seen = make(map[string]time.Time)
	}
	if now.Sub(v.lastSweep) >= v.maxAge() {
		for k, exp := range v.seen {
			if now.After(exp) {
				delete(v.seen, k)
			}
		}
		v.lastSweep = now
	}
	if exp, ok := v.seen[key]; ok && !now.After(exp) {
		return false
	}
	v.seen[key] = forgetAfter
	return true
}

// cacheLen reports the number of remembered jti values (for tests).
func (v *Verifier) cacheLen() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.seen)
}

// stripURL drops user info, query and fragment from a target URL.
func stripURL(target string) (string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("target URL: %w", err)
	}
	if u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("target URL %q is not absolute", target)
	}
	u.User = nil
	u.RawQuery = ""
	u.ForceQuery = false
	u.Fragment = ""
	u.RawFragment = ""
	return u.String(), nil
}

// requestURL is the URL the client addressed: scheme and host from baseURL,
// path from r, normalised like htu.
func requestURL(baseURL string, r *http.Request) (string, error) {
	b, err := url.Parse(baseURL)
	if err != nil || b.Scheme == "" || b.Host == "" {
		return "", fmt.Errorf("base URL %q is not absolute", baseURL)
	}
	u := url.URL{Scheme: b.Scheme, Host: b.Host, Path: r.URL.Path, RawPath: r.URL.RawPath}
	return normalizeURL(u.String())
}

// normalizeURL applies the syntax- and scheme-based normalisation RFC 9449
// §4.3 asks for (RFC 3986 §6.2.2 and §6.2.3): lower-case scheme and host,
// default port dropped, empty path as "/", query and fragment ignored.
func normalizeURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("URL %q is not absolute http(s)", raw)
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if scheme == "https" && port == "443" || scheme == "http" && port == "80" {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	// Re-escaping through url.URL makes %7e and ~ compare equal and
	// normalises the case of percent-encodings.
	p, err := url.PathUnescape(path)
	if err != nil {
		return "", err
	}
	path = (&url.URL{Path: p}).EscapedPath()
	return scheme + "://" + host + path, nil
}

// randomID returns 128 random bits, base64url.
func randomID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
