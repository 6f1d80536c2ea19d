package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/handlers"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views/i18n"
)

// login starts a HelseID login: a pushed authorization request, then a
// redirect that carries only client_id and request_uri (S11). login_hint is
// passed through PAR; the simulator uses it to pick a persona directly.
//
// A signed-in user is sent back where they came from, unless their session
// can get no more API tokens (grantGone): then "log in again" means it, and
// the old session is ended (audited as a logout) before the new login
// starts. Only such a session is ended by this GET, so a link from another
// site cannot log a working session out.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	u := request.UserFrom(r.Context())
	if u != nil && !grantGone(stateOf(sessionFrom(r.Context()).sess), s.cfg.Now()) {
		http.Redirect(w, r, safeReturn(r.URL.Query().Get("return")), http.StatusSeeOther)
		return nil
	}
	hint := r.URL.Query().Get("login_hint")
	if !validLoginHint(hint) {
		return handlers.Errorf(http.StatusBadRequest, "error.login.hint", nil)
	}
	if u != nil {
		if err := s.endGoneSession(r, sessionFrom(r.Context()), u); err != nil {
			return handlers.Errorf(http.StatusServiceUnavailable, "", err)
		}
	}
	ar, err := s.cfg.HelseID.PushAuthorization(r.Context(), hint)
	switch {
	case errors.Is(err, helseid.ErrUnavailable):
		return handlers.Errorf(http.StatusServiceUnavailable, "error.helseid.down", err)
	case errors.Is(err, helseid.ErrProofKey):
		// The proof key can sign nothing HelseID lists; the logged error
		// says what to configure (see helseid.Config).
		return handlers.Errorf(http.StatusBadGateway, "error.login.proofkey", err)
	case err != nil:
		// HelseID answered and said no: the portal's client registration or
		// key does not match. Only an administrator can fix that.
		return handlers.Errorf(http.StatusBadGateway, "error.login.config", err)
	}
	rs := sessionFrom(r.Context())
	st := stateOf(rs.sess)
	now := s.cfg.Now()
	if rs.sess.IsNew {
		st.Created, st.LastSeen = now, now
	}
	if st.Pending == nil {
		st.Pending = map[string]pendingLogin{}
	}
	for state, p := range st.Pending {
		if now.Sub(p.Auth.Created) > pendingLoginTTL {
			delete(st.Pending, state)
		}
	}
	for len(st.Pending) >= maxPendingLogins {
		delete(st.Pending, oldestPending(st.Pending))
	}
	st.Pending[ar.State] = pendingLogin{Auth: *ar, ReturnTo: safeReturn(r.URL.Query().Get("return"))}
	if err := s.sessions.Save(r, w, rs.sess); err != nil {
		return handlers.Errorf(http.StatusServiceUnavailable, "", err)
	}
	http.Redirect(w, r, ar.AuthorizeURL, http.StatusSeeOther)
	return nil
}

// endGoneSession ends a session whose HelseID grant is gone and leaves rs
// holding a fresh, empty one (a new id once saved), ready for a new login.
func (s *Server) endGoneSession(r *http.Request, rs *requestSession, u *request.User) error {
	ctx := r.Context()
	if err := s.record(ctx, u, audit.Event{Resource: "session", Action: "logout", Outcome: audit.Success,
		Reason: "API access ended; new login"}); err != nil {
		// As at logout: the session ends whether or not the record is kept.
		s.log.ErrorContext(ctx, "audit: logout not recorded", "err", err, "correlation_id", request.CorrelationID(ctx))
	}
	s.dropPersonCache(u)
	if err := s.sessions.rotate(ctx, rs.sess); err != nil {
		return err
	}
	now := s.cfg.Now()
	rs.sess.Values[dataKey] = &sessionState{CSRFToken: randomToken(), Created: now, LastSeen: now}
	return nil
}

func oldestPending(p map[string]pendingLogin) string {
	var oldest string
	var at time.Time
	for state, pl := range p {
		if oldest == "" || pl.Auth.Created.Before(at) {
			oldest, at = state, pl.Auth.Created
		}
	}
	return oldest
}

// validLoginHint keeps the hint to a short persona-like token.
func validLoginHint(h string) bool {
	if len(h) > 64 {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// safeReturn accepts only a same-origin absolute path, so the return
// parameter can never send the user to another site (S41); anything else
// becomes "/".
//
// Browsers normalise a Location before following it: the WHATWG URL parser
// drops TAB, CR and LF anywhere, trims C0 controls and spaces at the ends
// and reads "\" as "/", so "/\t/evil.host" and "/\evil.host" are
// "//evil.host": another host. It also removes "." segments, so
// "/.//evil.host" is the path "//evil.host", another host as soon as
// anything repeats it. Rather than mirror that parser, safeReturn accepts
// only what it leaves unchanged: a path of unreserved characters (letters,
// digits, "-", ".", "_", "~") in non-empty segments that are not "." or
// "..", optionally followed by a query of printable ASCII. No percent escapes in
// the path (no encoded slashes or dots), no "@" or ":" (no userinfo, no
// scheme), no whitespace or control character anywhere, no fragment. The
// portal's own return targets (request paths, opaque handles) are all of
// that form.
func safeReturn(p string) string {
	const maxReturn = 2048
	if len(p) == 0 || len(p) > maxReturn || p[0] != '/' {
		return "/"
	}
	path, query, hasQuery := strings.Cut(p, "?")
	if path != "/" {
		segments := strings.Split(strings.TrimSuffix(path[1:], "/"), "/")
		for _, seg := range segments {
			if seg == "" || seg == "." || seg == ".." {
				return "/"
			}
			for i := 0; i < len(seg); i++ {
				if !isUnreserved(seg[i]) {
					return "/"
				}
			}
		}
	}
	if hasQuery {
		for i := 0; i < len(query); i++ {
			c := query[i]
			if c <= ' ' || c >= 0x7f || strings.IndexByte("#\\\"<>`", c) >= 0 {
				return "/"
			}
		}
	}
	return p
}

// isUnreserved reports whether c is an RFC 3986 unreserved character.
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// callback finishes a login. The state must name a login this browser started
// and iss must be our issuer before any token request is made (S7); the ID
// token, nonce and security level are checked by the client (S8–S10). The
// session id is replaced at login (S2).
func (s *Server) callback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rs := sessionFrom(ctx)
	q := r.URL.Query()
	var pending pendingLogin
	found := false
	if !rs.sess.IsNew {
		st := stateOf(rs.sess)
		pending, found = st.Pending[q.Get("state")]
		if found {
			delete(st.Pending, q.Get("state")) // single use
			if err := s.sessions.Save(r, w, rs.sess); err != nil {
				return handlers.Errorf(http.StatusServiceUnavailable, "", err)
			}
		}
	}
	if !found || s.cfg.Now().Sub(pending.Auth.Created) > pendingLoginTTL {
		s.recordLoginFailure(ctx, nil, "unknown or expired state")
		return handlers.Errorf(http.StatusBadRequest, "error.login.state", nil)
	}
	login, err := s.cfg.HelseID.Exchange(ctx, &pending.Auth, q)
	var levelErr *helseid.SecurityLevelError
	var cbErr *helseid.CallbackError
	switch {
	case errors.As(err, &levelErr):
		u := s.userFromLogin(login)
		if aerr := s.record(ctx, u, audit.Event{Resource: "session", Action: "login_refused", Outcome: audit.Denied,
			Reason: "security level " + levelErr.Got + ", required " + levelErr.Want}); aerr != nil {
			return handlers.Errorf(http.StatusServiceUnavailable, "error.audit", aerr)
		}
		return handlers.Errorf(http.StatusForbidden, "error.login.level", nil)
	case errors.Is(err, helseid.ErrNoRefreshToken):
		// Without a refresh token there are no API tokens: a session now
		// would show a signed-in user who can look nothing up. It is the
		// provider's or the registration's doing, so say so and audit it
		// as a refused login, like the level check.
		u := s.userFromLogin(login)
		if aerr := s.record(ctx, u, audit.Event{Resource: "session", Action: "login_refused", Outcome: audit.Denied,
			Reason: "no refresh token from HelseID"}); aerr != nil {
			return handlers.Errorf(http.StatusServiceUnavailable, "error.audit", aerr)
		}
		return handlers.Errorf(http.StatusBadGateway, "error.login.offline", err)
	case errors.As(err, &cbErr):
		s.recordLoginFailure(ctx, nil, "helseid: "+cbErr.Code)
		return handlers.Errorf(http.StatusUnauthorized, "error.login.cancelled", nil)
	case errors.Is(err, helseid.ErrStateMismatch), errors.Is(err, helseid.ErrIssuerMismatch):
		s.recordLoginFailure(ctx, nil, "state or issuer mismatch")
		return handlers.Errorf(http.StatusBadRequest, "error.login.state", err)
	case errors.Is(err, helseid.ErrUnavailable):
		s.recordLoginFailure(ctx, nil, "helseid unavailable")
		return handlers.Errorf(http.StatusServiceUnavailable, "error.helseid.down", err)
	case err != nil:
		s.recordLoginFailure(ctx, nil, "token or id token rejected")
		return handlers.Errorf(http.StatusBadRequest, "error.login.failed", err)
	}

	u := s.userFromLogin(login)
	if err := s.sessions.rotate(ctx, rs.sess); err != nil {
		return handlers.Errorf(http.StatusServiceUnavailable, "", err)
	}
	now := s.cfg.Now()
	rs.sess.Values[dataKey] = &sessionState{
		CSRFToken: randomToken(),
		Created:   now,
		LastSeen:  now,
		User:      u,
		IDToken:   login.IDToken,
		Tokens:    login.Tokens,
	}
	// Audit first: a login that cannot be recorded does not happen.
	if err := s.record(ctx, u, audit.Event{Resource: "session", Action: "login", Outcome: audit.Success}); err != nil {
		return handlers.Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	if err := s.sessions.Save(r, w, rs.sess); err != nil {
		return handlers.Errorf(http.StatusServiceUnavailable, "", err)
	}
	s.log.InfoContext(ctx, "login", "hpr_number", u.HPRNumber, "correlation_id", request.CorrelationID(ctx))
	http.Redirect(w, r, pending.ReturnTo, http.StatusSeeOther)
	return nil
}

// recordLoginFailure audits a failed login; a failing audit store is logged,
// since the user is refused either way.
func (s *Server) recordLoginFailure(ctx context.Context, u *request.User, reason string) {
	if err := s.record(ctx, u, audit.Event{Resource: "session", Action: "login", Outcome: audit.Failure, Reason: reason}); err != nil {
		s.log.ErrorContext(ctx, "audit: login failure not recorded", "err", err, "correlation_id", request.CorrelationID(ctx))
	}
}

// userFromLogin maps HelseID's description of the user to the portal's user
// and roles. Clinicians are HPR-registered health personnel with at least one
// approval at security level 4; auditors are named in configuration, since
// HelseID carries no such role.
func (s *Server) userFromLogin(l *helseid.Login) *request.User {
	if l == nil {
		return nil
	}
	c := l.Claims
	u := &request.User{
		Subject: c.Subject, PID: c.PID, Name: c.Name, GivenName: c.GivenName, MiddleName: c.MiddleName,
		FamilyName: c.FamilyName, HPRNumber: c.HPRNumber, SecurityLevel: c.SecurityLevel,
		AssuranceLevel: c.AssuranceLevel, Network: c.Network, OrgParent: c.OrgParent, OrgChild: c.OrgChild,
	}
	if u.Name == "" {
		u.Name = strings.Join(strings.Fields(c.GivenName+" "+c.MiddleName+" "+c.FamilyName), " ")
	}
	for _, a := range l.Approvals {
		ap := request.Approval{Profession: a.Profession, Authorization: a.Authorization.Value, AuthorizationText: a.Authorization.Description}
		for _, sp := range a.Specialities {
			ap.Specialities = append(ap.Specialities, sp.Description)
		}
		for _, rr := range a.RequisitionRights {
			ap.RequisitionRights = append(ap.RequisitionRights, rr.Description)
		}
		u.Approvals = append(u.Approvals, ap)
	}
	if u.HPRNumber != "" && len(u.Approvals) > 0 && u.SecurityLevel == "4" {
		u.Roles = append(u.Roles, request.RoleClinician)
	}
	if u.PID != "" && slices.Contains(s.cfg.AuditorPIDs, u.PID) {
		u.Roles = append(u.Roles, request.RoleAuditor)
	}
	return u
}

// record writes an audit event for u; it returns only once committed.
func (s *Server) record(ctx context.Context, u *request.User, e audit.Event) error {
	return handlers.Auditor{Store: s.cfg.Audit}.Record(ctx, u, e)
}

// logout ends the session here and at HelseID (S5): the server-side session is
// deleted, the browser told to clear site data, and sent to end_session with
// the ID token as hint.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rs := sessionFrom(ctx)
	u := request.UserFrom(ctx)
	if rs.sess.IsNew || u == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	st := stateOf(rs.sess)
	idToken := st.IDToken
	if err := s.record(ctx, u, audit.Event{Resource: "session", Action: "logout", Outcome: audit.Success}); err != nil {
		s.log.ErrorContext(ctx, "audit: logout not recorded", "err", err, "correlation_id", request.CorrelationID(ctx))
	}
	s.dropPersonCache(u)
	if err := s.sessions.destroy(r, w, rs.sess); err != nil {
		return handlers.Errorf(http.StatusServiceUnavailable, "", err)
	}
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
	target, err := s.cfg.HelseID.EndSessionURL(ctx, idToken, randomToken())
	if err != nil {
		// HelseID unreachable: the portal session is gone all the same.
		s.log.WarnContext(ctx, "end_session unavailable", "err", err, "correlation_id", request.CorrelationID(ctx))
		target = "/signed-out"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// setLanguage stores the chosen language in a cookie and returns to the page.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	lang, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		return handlers.Errorf(http.StatusBadRequest, "error.lang", nil)
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, s.readable(safeReturn(r.PostFormValue("return"))), http.StatusSeeOther)
	return nil
}

// readable is target if a GET can read it, else the front page: a page
// answered to a POST (the auditor's patient lookup) has no address the
// browser could load again, and a redirect there would end on a 405.
func (s *Server) readable(target string) string {
	path, _, _ := strings.Cut(target, "?")
	if s.router == nil || s.router.Match(chi.NewRouteContext(), http.MethodGet, path) {
		return target
	}
	return "/"
}

// dropPersonCache forgets u's cached person documents: a session that ends
// leaves none behind (issue 15). The cache is per user, so this also
// empties what the user's other sessions had cached; they fetch again.
func (s *Server) dropPersonCache(u *request.User) {
	if s.cfg.PersonCache != nil {
		s.cfg.PersonCache.Drop(handlers.PersonCacheUser(u))
	}
}
