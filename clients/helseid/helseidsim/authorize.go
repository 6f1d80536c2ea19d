package helseidsim

import (
	"net/http"
	"net/url"
	"time"
)

// session is the simulator's own login session (its cookie), the sid in
// every token issued under it.
type session struct {
	sid       string
	personaID string
	authTime  time.Time
	expires   time.Time
}

// grant is what the user consented to in one login: the basis of a code and
// of the refresh tokens issued from it.
type grant struct {
	clientID  string
	personaID string
	sid       string
	authTime  time.Time
	scopes    []string
	resources []string
}

// authCode is an authorization code waiting to be redeemed.
type authCode struct {
	grant
	redirectURI   string
	codeChallenge string
	nonce         string
	expires       time.Time
	used          bool
	// refreshTokens issued from this code are revoked if the code is
	// presented again (RFC 6749 §4.1.2).
	refreshTokens []string
}

// handleAuthorize is the authorization endpoint. It only takes client_id and
// request_uri (PAR is mandatory in HelseID); other query parameters are
// ignored and the pushed values used. POST is the persona picker's form.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	s.count(func(st *Stats) { st.Authorize++ })
	if r.Method == http.MethodPost {
		s.handlePick(w, r)
		return
	}
	q := r.URL.Query()
	requestURI := q.Get("request_uri")
	now := s.now()
	p, err := s.pendingPAR(q.Get("client_id"), requestURI, now)
	if err != nil {
		writeErr(w, err)
		return
	}
	if p.prompt == "none" {
		if sess := s.cookieSession(r, now); sess != nil {
			s.finishLogin(w, requestURI, sess, now)
			return
		}
		s.redirectError(w, requestURI, "login_required", "no HelseID session")
		return
	}
	if persona, ok := s.personaByID(p.loginHint); ok && p.loginHint != "" {
		s.login(w, r, requestURI, persona, now)
		return
	}
	s.showPicker(w, r, requestURI, now)
}

// handlePick takes the persona chosen on the picker.
func (s *Server) handlePick(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(w, r)
	if err != nil {
		writeErr(w, err)
		return
	}
	requestURI := form.Get("request_uri")
	now := s.now()
	p, err := s.pendingPAR(form.Get("client_id"), requestURI, now)
	if err != nil {
		writeErr(w, err)
		return
	}
	if p.csrf == "" || !equalConstantTime(p.csrf, form.Get("csrf")) {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the picker form is stale or forged; start the login again")
		return
	}
	persona, ok := s.personaByID(form.Get("persona"))
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_request", "unknown persona")
		return
	}
	s.login(w, r, requestURI, persona, now)
}

// pendingPAR returns a copy of the pushed request behind requestURI if it is
// still usable by clientID.
func (s *Server) pendingPAR(clientID, requestURI string, now time.Time) (parRequest, error) {
	if clientID == "" || requestURI == "" {
		return parRequest{}, errf(http.StatusBadRequest, "invalid_request", "client_id and request_uri are required; use the PAR endpoint")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(now)
	p, ok := s.pars[requestURI]
	if !ok || now.After(p.deadline()) {
		return parRequest{}, errf(http.StatusBadRequest, "invalid_request_uri", "request_uri unknown, used or expired")
	}
	if p.clientID != clientID {
		return parRequest{}, errf(http.StatusBadRequest, "invalid_request", "client_id does not match the pushed request")
	}
	return *p, nil
}

// login starts a new simulator session for persona and completes the
// authorization request with it.
func (s *Server) login(w http.ResponseWriter, r *http.Request, requestURI string, persona Persona, now time.Time) {
	sess := &session{
		sid:       randomToken(16),
		personaID: persona.ID,
		authTime:  now,
		expires:   now.Add(s.rtLifetime),
	}
	cookie := randomToken(32)
	s.mu.Lock()
	// The previous session in this browser ends: one user per browser.
	if old, err := r.Cookie(sessionCookie); err == nil {
		delete(s.sessions, old.Value)
	}
	s.sessions[cookie] = sess
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    cookie,
		Path:     "/",
		HttpOnly: true,
		Secure:   s.issuerURL.Scheme == "https",
		SameSite: http.SameSiteLaxMode,
	})
	s.finishLogin(w, requestURI, sess, now)
}

// finishLogin consumes the pushed request, issues a code for sess and sends
// the browser back to the client.
func (s *Server) finishLogin(w http.ResponseWriter, requestURI string, sess *session, now time.Time) {
	code := randomToken(32)
	s.mu.Lock()
	p, ok := s.pars[requestURI]
	if ok {
		delete(s.pars, requestURI) // single use, also against a double submit
	}
	if ok {
		s.codes[code] = &authCode{
			grant: grant{
				clientID:  p.clientID,
				personaID: sess.personaID,
				sid:       sess.sid,
				authTime:  sess.authTime,
				scopes:    p.scopes,
				resources: p.resources,
			},
			redirectURI:   p.redirectURI,
			codeChallenge: p.codeChallenge,
			nonce:         p.nonce,
			expires:       now.Add(codeLifetime),
		}
	}
	s.mu.Unlock()
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_request_uri", "request_uri unknown, used or expired")
		return
	}
	params := url.Values{}
	params.Set("code", code)
	if p.state != "" {
		params.Set("state", p.state)
	}
	params.Set("iss", s.issuer)
	// HelseID documents session_state as "not used"; Duende sends it anyway.
	params.Set("session_state", randomToken(32)+"."+randomToken(16))
	redirect(w, withQuery(p.redirectURI, params))
}

// redirectError sends an authorization error back to the client's
// redirect_uri, consuming the pushed request.
func (s *Server) redirectError(w http.ResponseWriter, requestURI, code, description string) {
	s.mu.Lock()
	p, ok := s.pars[requestURI]
	delete(s.pars, requestURI)
	s.mu.Unlock()
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_request_uri", "request_uri unknown, used or expired")
		return
	}
	params := url.Values{}
	params.Set("error", code)
	params.Set("error_description", description)
	if p.state != "" {
		params.Set("state", p.state)
	}
	params.Set("iss", s.issuer)
	redirect(w, withQuery(p.redirectURI, params))
}

// cookieSession returns the live session named by the request's cookie.
func (s *Server) cookieSession(r *http.Request, now time.Time) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[c.Value]
	if !ok || now.After(sess.expires) {
		return nil
	}
	return sess
}

// withQuery adds params to the query of a registered URI.
func withQuery(raw string, params url.Values) string {
	u, err := url.Parse(raw)
	if err != nil {
		// Registered URIs were compared verbatim; an unparsable one cannot
		// have been registered usefully.
		return raw
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// redirect answers 302 to an absolute URL.
func redirect(w http.ResponseWriter, location string) {
	w.Header().Set("Location", location)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}
