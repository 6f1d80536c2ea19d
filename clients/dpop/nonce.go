package dpop

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// NonceError is the error code a server sends when a proof lacks the nonce
// it wants, or carries an old one (RFC 9449 §8 and §9).
const NonceError = "use_dpop_nonce"

// maxNonceLen caps a nonce we are willing to keep and echo; servers send a
// few dozen characters.
const maxNonceLen = 512

// maxOrigins bounds the servers a Nonces remembers. A portal talks to a
// handful; the bound only keeps a misconfiguration from growing the map.
const maxOrigins = 64

// Nonces keeps the latest DPoP-Nonce each server sent, by origin (scheme,
// host and port), so the next proof toward that server carries it at once
// instead of paying a refused request first. RFC 9449 lets a server send a
// new nonce on any answer, errors and successes alike (§8.2), and a client
// keeps "the most recent" one. The zero value is ready to use and safe for
// concurrent use.
type Nonces struct {
	mu sync.Mutex
	m  map[string]string
}

// Get returns the nonce kept for target's origin, or "" when the server
// has sent none (or target is not an absolute URL).
func (n *Nonces) Get(target string) string {
	o := origin(target)
	if o == "" {
		return ""
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.m[o]
}

// Remember keeps the DPoP-Nonce header of an answer from target's origin
// and reports whether the answer carried a usable one. A value that is not
// a valid nonce (RFC 9449 §8.1: visible ASCII, no quote or backslash) is
// ignored rather than echoed into the next proof.
func (n *Nonces) Remember(target string, h http.Header) bool {
	v := h.Get("DPoP-Nonce")
	if !validNonce(v) {
		return false
	}
	o := origin(target)
	if o == "" {
		return false
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.m == nil || len(n.m) >= maxOrigins && n.m[o] == "" {
		n.m = make(map[string]string)
	}
	n.m[o] = v
	return true
}

// Do sends one request to a resource server with the nonce kept for
// target's origin, and follows RFC 9449 §9: when the server answers 401
// with error="use_dpop_nonce" and a new DPoP-Nonce, the request is made
// (newRequest is called again, so it gets a fresh proof and jti) and sent
// once more with that nonce. A second use_dpop_nonce in a row is returned to
// the caller as the 401 it is; Do never loops. Every answer's DPoP-Nonce is
// kept, so a nonce rotated on a successful answer (§8.2) is used next time.
//
// send is called with the nonce to put in the proof ("" when none is
// known) and returns the server's answer; its body is drained and closed
// only when the request is sent again.
func (n *Nonces) Do(target string, send func(nonce string) (*http.Response, error)) (*http.Response, error) {
	resp, err := send(n.Get(target))
	if err != nil {
		return nil, err
	}
	fresh := n.Remember(target, resp.Header)
	if !fresh || !ResourceNonceChallenge(resp.StatusCode, resp.Header) {
		return resp, nil
	}
	// Drain a little so the connection can be reused; the error body of a
	// nonce challenge is small or empty.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp, err = send(n.Get(target))
	if err != nil {
		return nil, err
	}
	n.Remember(target, resp.Header)
	return resp, nil
}

// ResourceNonceChallenge reports whether a resource server's answer asks
// for a (new) nonce: 401 with a DPoP WWW-Authenticate challenge whose error
// is use_dpop_nonce (RFC 9449 §9).
func ResourceNonceChallenge(status int, h http.Header) bool {
	if status != http.StatusUnauthorized {
		return false
	}
	for _, c := range h.Values("WWW-Authenticate") {
		if AuthParam(c, "error") == NonceError {
			return true
		}
	}
	return false
}

// ServerNonceChallenge reports whether an authorization server's answer
// asks for a (new) nonce: 400 with the OAuth error use_dpop_nonce in its
// JSON body (RFC 9449 §8).
func ServerNonceChallenge(status int, body []byte) bool {
	if status != http.StatusBadRequest {
		return false
	}
	var e struct {
		Error string `json:"error"`
	}
	return json.Unmarshal(body, &e) == nil && e.Error == NonceError
}

// AuthParam returns the value of name in a WWW-Authenticate challenge such
// as `DPoP error="use_dpop_nonce", error_description="..."`, or "".
func AuthParam(header, name string) string {
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if i := strings.IndexByte(part, ' '); i >= 0 && !strings.Contains(part[:i], "=") {
			part = strings.TrimSpace(part[i+1:]) // drop the scheme
		}
		k, v, ok := strings.Cut(part, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return ""
}

// origin is scheme://host[:port] of an absolute http(s) URL, normalised as
// htu is, or "" for anything else.
func origin(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return ""
	}
	n, err := normalizeURL((&url.URL{Scheme: u.Scheme, Host: u.Host}).String())
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(n, "/")
}

// validNonce checks the nonce syntax of RFC 9449 §8.1 (1*NQCHAR: visible
// ASCII without '"' and '\') and a sane length.
func validNonce(v string) bool {
	if v == "" || len(v) > maxNonceLen {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// ProofNonce returns the nonce claim of r's DPoP proof without checking the
// proof. A server calls it only after Verifier.Verify (or a token verifier
// built on it) has accepted the same request, to decide whether the nonce
// is one it still honours.
func ProofNonce(r *http.Request) string {
	raw := strings.TrimSpace(r.Header.Get("DPoP"))
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || len(raw) > maxProofLen {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		Nonce string `json:"nonce"`
	}
	if json.NewDecoder(bytes.NewReader(payload)).Decode(&c) != nil {
		return ""
	}
	return c.Nonce
}
