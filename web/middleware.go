package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/gorilla/sessions"
	"github.com/oppslag/oppslag/clients/audit"
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
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set(CorrelationHeader, id)
		next.ServeHTTP(w, r.WithContext(request.WithCorrelationID(r.Context(), id)))
	})
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
		if status == 0 {
			status = http.StatusOK
		}
		s.log.InfoContext(r.Context(), "request",
			"method", r.Method, "route", route, "status", status, "bytes", ww.BytesWritten(),
			"ms", time.Since(start).Milliseconds(), "correlation_id", request.CorrelationID(r.Context()))
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

// language picks the user's language: the lang cookie, else the first
// supported Accept-Language tag, else bokmål.
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
	for _, part := range strings.Split(h, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "nn" || strings.HasPrefix(tag, "nn-"):
			return i18n.NN
		case tag == "nb" || tag == "no" || strings.HasPrefix(tag, "nb-") || strings.HasPrefix(tag, "no-"):
			return i18n.NB
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return i18n.EN
		}
	}
	return i18n.NB
}

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

// csrf demands the session's token on every unsafe request that comes with a
// session. Without one there is nothing to ride on; routes that need a user
// refuse such requests anyway.
func (s *Server) csrf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		want := request.CSRFToken(r.Context())
		if want == "" {
			next.ServeHTTP(w, r)
			return
		}
		got := r.Header.Get(CSRFHeader)
		if got == "" {
			got = r.PostFormValue(CSRFField)
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
