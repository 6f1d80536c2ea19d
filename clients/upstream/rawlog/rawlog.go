// Package rawlog captures what an upstream sent, for the raw-response drawer
// of the demo (F19): the status, the headers without anything that bears a
// token, and the body up to a cap.
//
// The design keeps no state between requests and none shared between users.
// Nothing is logged, cached or written to disk: a page that wants to show
// an upstream's answer makes the call itself with a context from With, and
// the Transport, which wraps the clients' own transport, fills that
// request's Capture as the client reads the response. A request whose
// context carries no Capture passes through untouched, so the Transport can
// wrap every upstream client always; only the drawer's route asks for a
// capture, and only in demo mode (every upstream simulated). Two users'
// requests never share a Capture, so neither can see the other's exchange.
//
// The body is captured as the client reads it (a tee), not read ahead: the
// client keeps its own limits and streaming, and the capture holds exactly
// the bytes the client saw, up to MaxBody. The package knows no upstream
// and masks nothing in bodies: what a page hides (S19 addresses) the caller
// masks before rendering, with the rule that hides it on the page.
package rawlog

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// DefaultMaxBody is the body cap when Transport.MaxBody is 0: a person
// document with full history is tens of kilobytes, a 100-person bulk
// answer a few hundred.
const DefaultMaxBody = 1 << 20

// Header is one response header line as shown.
type Header struct {
	Name, Value string
}

// Exchange is one upstream request and the response to it, as captured.
type Exchange struct {
	Method string
	// Path is the request's URL path and query, without scheme and host;
	// every run of 11 or more digits is replaced by "[nin]", though the
	// clients send identity numbers only in bodies.
	Path   string
	Status int    // the response status code
	Proto  string // e.g. HTTP/1.1
	// Header holds the response headers, sorted by name, without the
	// token-bearing ones (see Sensitive); JWT-shaped values in the rest
	// are replaced by "[jwt]".
	Header []Header
	// Removed names the headers left out because they may bear a token.
	Removed []string
	// Body is the response body as the client read it, at most MaxBody
	// bytes; Truncated says there was more.
	Body      []byte
	Truncated bool
}

// Capture collects the exchanges of one request, in order: a client may
// make several calls (a bulk call after the person, a DPoP nonce retry).
// It is safe for concurrent use.
type Capture struct {
	mu sync.Mutex
	ex []*Exchange
}

type captureKey struct{}

// With returns a context whose upstream requests, through a Transport, are
// captured into the returned Capture.
func With(ctx context.Context) (context.Context, *Capture) {
	c := &Capture{}
	return context.WithValue(ctx, captureKey{}, c), c
}

func from(ctx context.Context) *Capture {
	c, _ := ctx.Value(captureKey{}).(*Capture)
	return c
}

// Exchanges returns copies of what was captured so far, in request order.
func (c *Capture) Exchanges() []Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Exchange, len(c.ex))
	for i, x := range c.ex {
		out[i] = *x
		out[i].Body = slices.Clone(x.Body)
		out[i].Header = slices.Clone(x.Header)
		out[i].Removed = slices.Clone(x.Removed)
	}
	return out
}

// Transport is an http.RoundTripper that captures the exchanges of requests
// whose context carries a Capture (see With) and passes every other request
// through untouched.
type Transport struct {
	Base    http.RoundTripper // nil: http.DefaultTransport
	MaxBody int               // body cap per exchange; 0: DefaultMaxBody
}

// Wrap returns base wrapped in a Transport; nil base is
// http.DefaultTransport.
func Wrap(base http.RoundTripper) http.RoundTripper { return Transport{Base: base} }

// RoundTrip sends req through Base and, when req's context asks for it,
// records the response as it is read.
func (t Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	c := from(req.Context())
	if c == nil || err != nil || resp == nil {
		return resp, err
	}
	max := t.MaxBody
	if max <= 0 {
		max = DefaultMaxBody
	}
	x := &Exchange{Method: req.Method, Path: requestPath(req), Status: resp.StatusCode, Proto: resp.Proto}
	x.Header, x.Removed = Headers(resp.Header)
	c.mu.Lock()
	c.ex = append(c.ex, x)
	c.mu.Unlock()
	if resp.Body != nil {
		resp.Body = &tee{ReadCloser: resp.Body, c: c, x: x, max: max}
	}
	return resp, nil
}

// tee copies what the client reads of a body into its Exchange.
type tee struct {
	io.ReadCloser
	c   *Capture
	x   *Exchange
	max int
}

func (t *tee) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	if n > 0 {
		t.c.mu.Lock()
		room := t.max - len(t.x.Body)
		switch {
		case room >= n:
			t.x.Body = append(t.x.Body, p[:n]...)
		default:
			t.x.Body = append(t.x.Body, p[:max(room, 0)]...)
			t.x.Truncated = true
		}
		t.c.mu.Unlock()
	}
	return n, err
}

// sensitiveNames are header names that bear credentials outright.
var sensitiveNames = []string{"authorization", "proxy-authorization", "cookie", "set-cookie", "dpop", "dpop-nonce"}

// sensitiveParts are parts of header names that may bear a credential or
// a session: such a header is left out whole rather than guessed at.
var sensitiveParts = []string{"token", "auth", "cookie", "secret", "session", "key", "signature", "credential", "password", "dpop"}

// Sensitive reports whether a header named name may bear a token, a key or
// a session, and so is never shown. It fails closed on names: a header the
// portal does not know but whose name says "token" or "auth" is left out
// (WWW-Authenticate too, whose error description is not worth the risk).
func Sensitive(name string) bool {
	n := strings.ToLower(name)
	if slices.Contains(sensitiveNames, n) {
		return true
	}
	for _, p := range sensitiveParts {
		if strings.Contains(n, p) {
			return true
		}
	}
	return false
}

var (
	jwtShape = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)
	digits   = regexp.MustCompile(`[0-9]{11,}`)
)

// Headers splits h into the lines shown, sorted by name, and the names
// left out (Sensitive), sorted. A JWT-shaped value in a shown header is
// replaced by "[jwt]".
func Headers(h http.Header) (shown []Header, removed []string) {
	for name, values := range h {
		if Sensitive(name) {
			removed = append(removed, name)
			continue
		}
		for _, v := range values {
			shown = append(shown, Header{Name: name, Value: jwtShape.ReplaceAllString(v, "[jwt]")})
		}
	}
	slices.SortStableFunc(shown, func(a, b Header) int { return strings.Compare(a.Name, b.Name) })
	slices.Sort(removed)
	return shown, removed
}

// requestPath is the path and query of req's URL, identity-number-shaped
// runs masked.
func requestPath(req *http.Request) string {
	p := req.URL.EscapedPath()
	if req.URL.RawQuery != "" {
		p += "?" + req.URL.RawQuery
	}
	return digits.ReplaceAllString(p, "[nin]")
}
