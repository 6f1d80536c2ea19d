package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/gorilla/sessions"
	"golang.org/x/text/language"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/handlers"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views/i18n"
)

// CorrelationHeader names the response header that carries the request's
// correlation id, the same one shown on error pages and written to the logs
// and the audit trail.
const CorrelationHeader = "X-Correlation-Id"

// requestID gives every request a fresh correlation id. An incoming header is
// not trusted: the id must be ours to be worth quoting to support.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newCorrelationID()
		w.Header().Set(CorrelationHeader, id)
		next.ServeHTTP(w, r.WithContext(request.WithCorrelationID(r.Context(), id)))
	})
}

// newCorrelationID returns 16 random hex digits. About one such id in a
// hundred holds a run of 11 decimal digits; those are drawn again, so no
// log scanner, ours or one further down the line, can take an id for an
// identity number and mask what a user quotes to support.
func newCorrelationID() string {
	b := make([]byte, 8)
	for {
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		if !nin.HasDigitRun(id, 11) {
			return id
		}
	}
}

// clientIP records the client address: the peer, or, when the peer is a
// trusted proxy, the nearest untrusted address in X-Forwarded-For.
func (s *Server) clientIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := clientAddr(r, s.cfg.TrustedProxies)
		next.ServeHTTP(w, r.WithContext(request.WithClientIP(r.Context(), ip)))
	})
}

func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return ""
	}
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	if !isTrusted(peer) {
		return peer.Unmap().String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !isTrusted(a) {
			return a.Unmap().String()
		}
	}
	return peer.Unmap().String()
}

// accessLog writes one line per request: the route pattern rather than the
// raw path and never the query, so nothing a user typed reaches the log.
//
// A request whose client went away before anything was written is logged
// with status 499 (nginx's "client closed request"): it is not a server
// failure, and nothing about it should page anyone (see clientGone).
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		status := ww.Status()
		switch {
		case status == 0 && errors.Is(r.Context().Err(), context.Canceled):
			status = statusClientClosed
		case status == 0:
			status = http.StatusOK
		}
		elapsed := time.Since(start)
		s.log.InfoContext(r.Context(), "request",
			"method", r.Method, "route", route, "status", status, "bytes", ww.BytesWritten(),
			"ms", elapsed.Milliseconds(), "correlation_id", request.CorrelationID(r.Context()))
		if observe, ok := r.Context().Value(requestObserverKey{}).(RequestObserver); ok {
			observe(r.Method, route, status, elapsed)
		}
	})
}

// RequestObserver is told of every request the access log writes: its
// method, route pattern ("unmatched" when no route took it, never the
// path), status (499 when the client left) and time. It is how the
// metrics (web/metrics) learn about requests without the server knowing
// Prometheus.
type RequestObserver func(method, route string, status int, elapsed time.Duration)

type requestObserverKey struct{}

// ObserveRequests returns h with observe called by the access log after
// each request. It wraps the handler rather than configuring the server,
// so a portal without metrics carries nothing.
func ObserveRequests(h http.Handler, observe RequestObserver) http.Handler {
	if observe == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestObserverKey{}, observe)))
	})
}

// recoverer turns a panic into the generic 500 page; the process stays up (S36).
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if rec == http.ErrAbortHandler {
				panic(rec)
			}
			s.log.ErrorContext(r.Context(), "panic", "value", fmt.Sprint(rec), "stack", string(debug.Stack()),
				"correlation_id", request.CorrelationID(r.Context()))
			if ww, ok := w.(middleware.WrapResponseWriter); ok && ww.Status() != 0 {
				return // too late for an error page
			}
			s.renderError(w, r, handlers.Errorf(http.StatusInternalServerError, "", fmt.Errorf("panic: %v", rec)))
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets S23's headers on every response, with a fresh CSP nonce
// that templ adds to the scripts it renders.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	formAction := "'self'"
	if origin := originOf(s.cfg.HelseIDIssuer); origin != "" {
		formAction += " " + origin // logout posts, then redirects to HelseID's end_session
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		nonce := base64.StdEncoding.EncodeToString(b)
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self' 'nonce-"+nonce+"'; style-src 'self' 'nonce-"+nonce+
			"'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action "+formAction+
			"; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		// Pages carry patient data from the next issue on; nothing dynamic is
		// cached anywhere. The static handler overrides this for hashed assets.
		h.Set("Cache-Control", "no-store")
		h.Add("Vary", "HX-Request")
		next.ServeHTTP(w, r.WithContext(templ.WithNonce(r.Context(), nonce)))
	})
}

func originOf(raw string) string {
	if raw == "" {
		return ""
	}
	i := strings.Index(raw, "://")
	if i < 0 {
		return ""
	}
	rest := raw[i+3:]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	return raw[:i+3] + rest
}

// langCookie remembers the chosen language; it is a preference, not a secret.
const langCookie = "lang"

// language picks the user's language: the lang cookie, else the
// Accept-Language tag the browser ranks highest (by q-value) that the
// portal speaks, else bokmål.
func (s *Server) language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := i18n.NB
		if c, err := r.Cookie(langCookie); err == nil {
			if l, ok := i18n.Parse(c.Value); ok {
				lang = l
			}
		} else {
			lang = fromAcceptLanguage(r.Header.Get("Accept-Language"))
		}
		next.ServeHTTP(w, r.WithContext(i18n.WithLang(r.Context(), lang)))
	})
}

func fromAcceptLanguage(h string) i18n.Lang {
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil || len(tags) == 0 {
		return i18n.NB
	}
	// The tags come sorted by their q-values, with q=0 left out; the
	// matcher picks the best supported one (no and da read as bokmål).
	_, i, conf := acceptMatcher.Match(tags...)
	if conf == language.No {
		return i18n.NB
	}
	return acceptLangs[i]
}

// acceptLangs are the portal's languages in the matcher's order; the first
// is the default.
var acceptLangs = []i18n.Lang{i18n.NB, i18n.NN, i18n.EN}

var acceptMatcher = language.NewMatcher([]language.Tag{language.MustParse("nb"), language.MustParse("nn"), language.English})

type sessionKey struct{}

// requestSession is the session as the middleware found it.
type requestSession struct {
	sess    *sessions.Session
	expired bool // a session cookie came in but its session had timed out
}

func sessionFrom(ctx context.Context) *requestSession {
	rs, _ := ctx.Value(sessionKey{}).(*requestSession)
	return rs
}

// touchInterval limits how often a request rewrites the session only to move
// its idle deadline; the idle timeout is thus exact to within this interval.
const touchInterval = time.Minute

// session loads the server-side session and puts the user and CSRF token in
// the request context. If the store cannot be read the request fails closed.
func (s *Server) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.sessions.Get(r, SessionCookie)
		expired := errors.Is(err, errSessionExpired)
		if err != nil && !expired {
			s.renderError(w, r, handlers.Errorf(http.StatusServiceUnavailable, "", err))
			return
		}
		rs := &requestSession{sess: sess, expired: expired}
		ctx := context.WithValue(r.Context(), sessionKey{}, rs)
		if !sess.IsNew {
			st := stateOf(sess)
			if now := s.cfg.Now(); now.Sub(st.LastSeen) >= touchInterval {
				st.LastSeen = now
				if err := s.sessions.Save(r, w, sess); err != nil {
					s.renderError(w, r, handlers.Errorf(http.StatusServiceUnavailable, "", err))
					return
				}
			}
			ctx = request.WithCSRFToken(ctx, st.CSRFToken)
			if st.User != nil {
				ctx = request.WithUser(ctx, st.User)
				ctx = request.WithSignedInAt(ctx, st.Created)
				access := sessionAccess{s: s, rs: rs, r: r}
				ctx = request.WithHandles(ctx, access)
				ctx = request.WithTokens(ctx, access)
				ctx = request.WithAccessBases(ctx, access)
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// crossOrigin rejects cross-site unsafe requests by Sec-Fetch-Site and Origin (S22).
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.WarnContext(r.Context(), "security: cross-origin request rejected", "method", r.Method)
		s.renderError(w, r, handlers.Errorf(http.StatusForbidden, "error.csrf", nil))
	}))
	return cop.Handler(next)
}

// CSRFField and CSRFHeader carry the session's CSRF token on unsafe requests:
// the hidden form field for plain forms, the header htmx sends from hx-headers.
const (
	CSRFField  = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

// csrf demands the session's token on every unsafe request to a route that
// comes with a session. Without one there is nothing to ride on; routes that
// need a user refuse such requests anyway. A request that matches no route
// goes on to the 404 or 405 page, which changes nothing.
//
// The form field is read from the form limitBody has already parsed within
// the route's limits; this middleware never reads the body itself (S40).
func (s *Server) csrf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		want := request.CSRFToken(r.Context())
		if want == "" || routeOf(r.Context()) == "" {
			next.ServeHTTP(w, r)
			return
		}
		got := r.Header.Get(CSRFHeader)
		if got == "" {
			got = r.PostForm.Get(CSRFField)
		}
		if !tokensEqual(got, want) {
			s.log.WarnContext(r.Context(), "security: CSRF token missing or wrong", "method", r.Method)
			s.renderError(w, r, handlers.Errorf(http.StatusForbidden, "error.csrf", nil))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireUser lets only signed-in users through. A full page goes to login;
// an htmx request gets 401 with HX-Redirect, so a login page is never swapped
// into a fragment (S3).
func (s *Server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if request.UserFrom(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		if r.Header.Get("HX-Request") == "true" { // fragments and history restores alike
			w.Header().Set("HX-Redirect", "/login")
			s.renderError(w, r, handlers.Errorf(http.StatusUnauthorized, "", nil))
			return
		}
		target := "/login"
		if r.Method == http.MethodGet {
			target += "?return=" + url.QueryEscape(r.URL.Path)
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	})
}

// requireRole lets only users holding role through (S21); a refusal is an
// audited denial.
func (s *Server) requireRole(role request.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u := request.UserFrom(r.Context())
			if u.Has(role) {
				next.ServeHTTP(w, r)
				return
			}
			if err := s.record(r.Context(), u, audit.Event{Resource: "access", Action: "role_check", Outcome: audit.Denied,
				Reason: "requires role " + string(role)}); err != nil {
				s.renderError(w, r, handlers.Errorf(http.StatusServiceUnavailable, "error.audit", err))
				return
			}
			s.renderError(w, r, handlers.Errorf(http.StatusForbidden, "error.role."+string(role), nil))
		})
	}
}

// statusClientClosed is the status logged for a request whose client went
// away before its answer was written (nginx's 499). It is never sent.
const statusClientClosed = 499

// maxHeaderBytes bounds the request line and headers the portal accepts.
// Larger requests get the 431 page from limitHeaders, with the security
// headers, the correlation id and a translated message. http.Server's own
// MaxHeaderBytes (1 MiB, cmd/oppslag) stays far above it: only beyond that
// does Go refuse a request itself, with a bare 431, before any handler runs.
const maxHeaderBytes = 32 << 10

// limitHeaders refuses requests whose request line and headers exceed
// maxHeaderBytes (431).
func (s *Server) limitHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		size := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
		for k, vs := range r.Header {
			for _, v := range vs {
				size += len(k) + len(v) + 4
			}
		}
		if size > maxHeaderBytes {
			s.log.InfoContext(r.Context(), "request refused: headers too large", "status", http.StatusRequestHeaderFieldsTooLarge,
				"bytes", size, "limit", maxHeaderBytes, "correlation_id", request.CorrelationID(r.Context()))
			w.Header().Set("Connection", "close")
			s.renderError(w, r, handlers.Errorf(http.StatusRequestHeaderFieldsTooLarge, "error.headers.large", nil))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// body is what a route takes in its request body (S40). The zero body is
// none at all: every route not made with form or upload in routes.go.
type body struct {
	max       int64         // bytes; a longer body is refused with 413
	multipart bool          // multipart/form-data is parsed (uploads); otherwise only urlencoded forms are
	timeout   time.Duration // to receive all of it; slower is refused with 408 (0: Config.BodyTimeout)
}

// bodyRoute is a route's handler with the body it takes. routes.go makes
// them (form, upload); limitBody finds them by route before routing.
type bodyRoute struct {
	http.Handler
	body body
}

// bodiesOf lists the body each route of r takes, by "METHOD pattern".
func bodiesOf(r chi.Routes) map[string]body {
	bodies := map[string]body{}
	_ = chi.Walk(r, func(method, route string, h http.Handler, _ ...func(http.Handler) http.Handler) error {
		if br, ok := h.(bodyRoute); ok {
			bodies[method+" "+route] = br.body
		}
		return nil
	})
	return bodies
}

type routeKey struct{}

// routeOf is the route pattern limitBody matched, "" when no route takes
// the request's method and path (it will get the 404 or 405 page).
func routeOf(ctx context.Context) string {
	route, _ := ctx.Value(routeKey{}).(string)
	return route
}

// findRoute is the pattern the router will pick for r, found the way chi
// routes: by the raw path when there is one.
func (s *Server) findRoute(r *http.Request) string {
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	if path == "" {
		path = "/"
	}
	return s.router.Find(chi.NewRouteContext(), r.Method, path)
}

// errMultipartNotTaken refuses an upload sent to a route that takes only
// plain forms.
var errMultipartNotTaken = errors.New("multipart body on a route without uploads")

// limitBody is S40: before anything reads a body (the CSRF check
// included), it finds the route the request will reach and holds the body
// to what that route takes. A declared length over the limit is refused
// unread; otherwise the body is read through http.MaxBytesReader under a
// read deadline and parsed here, once: multipart only on upload routes,
// with the limit as its memory bound so no part is ever spilled to a
// temporary file, and whatever the parser made removed when the request
// ends. Refusals: too large 413, malformed 400, too slow 408, multipart
// where none is taken 415; NUL bytes or invalid UTF-8 in the path, the
// query or a form value 422 (S42), never echoed.
//
// Slow bodies are cut by a per-request read deadline
// (http.ResponseController.SetReadDeadline) rather than http.Server's
// ReadTimeout: the deadline belongs to the route (a form gets
// Config.BodyTimeout, an upload uploadTimeoutFactor times that), it starts
// when the body is awaited rather than when the connection was accepted,
// and the handler is still running when it fires, so the user gets a 408
// page instead of a dropped connection. The deadline is lifted once the
// body has been read to its end: net/http then watches the connection for
// a client that leaves, and a deadline firing there would cancel the
// request.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route := s.findRoute(r)
		b := s.bodies[r.Method+" "+route]
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, route))
		var rc *http.ResponseController
		if r.ContentLength != 0 { // a body is coming: its length given, or chunked
			timeout := b.timeout
			if timeout == 0 {
				timeout = s.cfg.BodyTimeout
			}
			// Set even when the body will be refused: net/http may still
			// read some of it to reuse the connection.
			rc = http.NewResponseController(w)
			if err := rc.SetReadDeadline(time.Now().Add(timeout)); err != nil {
				rc = nil // not a connection (a test recorder): nothing to lift
			}
		}
		if r.ContentLength > b.max {
			s.refuseBody(w, r, route, b, &http.MaxBytesError{Limit: b.max})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, b.max)
		if rc != nil {
			r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
		}
		if b.max > 0 {
			defer func() {
				if r.MultipartForm != nil {
					_ = r.MultipartForm.RemoveAll()
				}
			}()
			if err := parseBody(r, b); err != nil {
				s.refuseBody(w, r, route, b, err)
				return
			}
		}
		if badInput(r) {
			s.log.InfoContext(r.Context(), "request refused: NUL or invalid UTF-8 in input", "status", http.StatusUnprocessableEntity,
				"route", route, "correlation_id", request.CorrelationID(r.Context()))
			s.renderError(w, r, handlers.Errorf(http.StatusUnprocessableEntity, "error.input", nil))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// parseBody parses r's form within b: multipart only when b takes uploads.
func parseBody(r *http.Request, b body) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return r.ParseForm()
	}
	if !b.multipart {
		return errMultipartNotTaken
	}
	// The body cannot exceed b.max, so with b.max as the memory bound
	// every part stays in memory.
	return r.ParseMultipartForm(b.max)
}

// refuseBody answers a body limitBody will not pass on, with its own status,
// message and log line. A client that left is logged as such, and nothing
// is written.
func (s *Server) refuseBody(w http.ResponseWriter, r *http.Request, route string, b body, err error) {
	ctx := r.Context()
	var tooLarge *http.MaxBytesError
	var e *handlers.Error
	var reason string
	switch {
	case errors.As(err, &tooLarge):
		e, reason = handlers.Errorf(http.StatusRequestEntityTooLarge, "error.body.large", nil), "too large"
	case errors.Is(err, os.ErrDeadlineExceeded):
		e, reason = handlers.Errorf(http.StatusRequestTimeout, "error.body.slow", nil), "too slow"
		// net/http cancels the request when a read fails, this one too;
		// the client is still there to be told.
		r = r.WithContext(context.WithoutCancel(ctx))
	case errors.Is(ctx.Err(), context.Canceled):
		s.log.InfoContext(ctx, "client aborted", "status", statusClientClosed, "stage", "request body",
			"route", route, "correlation_id", request.CorrelationID(ctx))
		return
	case errors.Is(err, errMultipartNotTaken):
		e, reason = handlers.Errorf(http.StatusUnsupportedMediaType, "error.body.type", nil), "multipart not taken"
	default:
		e, reason = handlers.Errorf(http.StatusBadRequest, "error.body.malformed", nil), "malformed"
	}
	s.log.InfoContext(ctx, "request body refused", "status", e.Status, "reason", reason, "route", route,
		"limit", b.max, "correlation_id", request.CorrelationID(ctx))
	// The rest of the body is not read: the connection cannot be reused.
	w.Header().Set("Connection", "close")
	s.renderError(w, r, e)
}

// deadlineBody lifts the read deadline once the body has been read to its
// end (see limitBody).
type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done bool
}

func (d *deadlineBody) Read(p []byte) (int, error) {
	n, err := d.ReadCloser.Read(p)
	if err == io.EOF && !d.done {
		d.done = true
		_ = d.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// badInput reports whether the path, the query or a form value of r holds
// a NUL byte or invalid UTF-8 (S42). Such input is refused whole, so no
// page can echo it into a document declared UTF-8.
func badInput(r *http.Request) bool {
	bad := func(s string) bool { return strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) }
	if bad(r.URL.Path) {
		return true
	}
	values := r.Form // the query and the form, when parseBody ran
	if values == nil {
		values, _ = url.ParseQuery(r.URL.RawQuery)
	}
	for k, vs := range values {
		if bad(k) {
			return true
		}
		for _, v := range vs {
			if bad(v) {
				return true
			}
		}
	}
	return false
}
