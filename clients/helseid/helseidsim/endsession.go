package helseidsim

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/oppslag/oppslag/clients/helseid/apitoken"
)

// handleEndSession is the end-session endpoint. With a valid id_token_hint
// it ends the login's session, revokes its refresh tokens and sends the
// browser to a registered post_logout_redirect_uri with state. Without one
// it ends the browser's own session and shows a signed-out page.
func (s *Server) handleEndSession(w http.ResponseWriter, r *http.Request) {
	s.count(func(st *Stats) { st.EndSession++ })
	form, err := parseForm(w, r)
	if err != nil {
		writeErr(w, err)
		return
	}
	clientID, sid, hinted := s.idTokenHint(form.Get("id_token_hint"))
	postLogout := form.Get("post_logout_redirect_uri")
	if hinted && postLogout != "" {
		s.mu.Lock()
		client, ok := s.clients[clientID]
		s.mu.Unlock()
		if !ok || !slices.Contains(client.PostLogoutRedirectURIs, postLogout) {
			oauthError(w, http.StatusBadRequest, "invalid_request", "post_logout_redirect_uri is not registered for the client")
			return
		}
	}

	s.mu.Lock()
	if c, err := r.Cookie(sessionCookie); err == nil {
		if sess, ok := s.sessions[c.Value]; ok && !hinted {
			sid = sess.sid
		}
		delete(s.sessions, c.Value)
	}
	if sid != "" {
		s.endSessionLocked(sid)
	}
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   s.issuerURL.Scheme == "https",
		SameSite: http.SameSiteLaxMode,
	})

	if hinted && postLogout != "" {
		params := url.Values{}
		if st := form.Get("state"); st != "" {
			params.Set("state", st)
		}
		redirect(w, withQuery(postLogout, params))
		return
	}
	s.renderPage(w, http.StatusOK, signedOutTemplate, pageData{Lang: langOf(r)}, "")
}

// idTokenHint returns the client and sid of an ID token this simulator
// issued. An expired token is still a valid hint: logging out is exactly
// what happens after the ID token has expired.
func (s *Server) idTokenHint(raw string) (clientID, sid string, ok bool) {
	if raw == "" {
		return "", "", false
	}
	claims, typ, err := s.parseOwnToken(raw)
	if err != nil || typ == typAccessToken {
		return "", "", false
	}
	aud := apitoken.Audiences(claims)
	sid, _ = claims["sid"].(string)
	if len(aud) != 1 || sid == "" {
		return "", "", false
	}
	return aud[0], sid, true
}

// endSessionLocked ends every session with sid and revokes its refresh
// tokens; s.mu must be held.
func (s *Server) endSessionLocked(sid string) {
	for k, sess := range s.sessions {
		if sess.sid == sid {
			delete(s.sessions, k)
		}
	}
	for k, g := range s.refresh {
		if g.sid == sid {
			delete(s.refresh, k)
		}
	}
}
