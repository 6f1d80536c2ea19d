package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/handlers/request"
)

// ErrLoginRequired means the session's HelseID grant is gone (refresh token
// expired or revoked): the user must log in again.
var ErrLoginRequired = errors.New("login required")

// accessToken returns an access token for audience on behalf of the request's
// session: the cached one while it is valid, otherwise one refresh with
// resource=audience (S13). Refreshes are serialised per session so that
// parallel panels share one token request.
func (s *Server) accessToken(r *http.Request, audience string) (string, error) {
	rs := sessionFrom(r.Context())
	if rs == nil || rs.sess.IsNew || request.UserFrom(r.Context()) == nil {
		return "", ErrLoginRequired
	}
	mu := s.sessionLock(rs.sess.ID)
	mu.Lock()
	defer mu.Unlock()
	// Another request may have refreshed while we waited: reread the session.
	st := stateOf(rs.sess)
	if fresh, err := s.reload(r.Context(), rs.sess.ID); err == nil {
		st.Tokens = fresh.Tokens
	}
	tok, changed, err := s.cfg.HelseID.AccessToken(r.Context(), &st.Tokens, audience)
	if errors.Is(err, helseid.ErrLoginRequired) {
		return "", ErrLoginRequired
	}
	if err != nil {
		return "", fmt.Errorf("access token for %s: %w", audience, err)
	}
	if changed {
		if err := s.sessions.Save(r, discardCookie{}, rs.sess); err != nil {
			return "", fmt.Errorf("access token: keep in session: %w", err)
		}
	}
	return tok, nil
}

func (s *Server) sessionLock(id string) *sync.Mutex {
	mu, _ := s.tokenLocks.LoadOrStore(id, &sync.Mutex{})
	return mu.(*sync.Mutex)
}

// reload reads the stored state of session id afresh.
func (s *Server) reload(ctx context.Context, id string) (*sessionState, error) {
	raw, err := s.sessions.kv.Load(ctx, storeKey(id))
	if err != nil {
		return nil, err
	}
	var st sessionState
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// discardCookie is a ResponseWriter for saving a session mid-request without
// setting its cookie again: the id has not changed.
type discardCookie struct{}

func (discardCookie) Header() http.Header         { return http.Header{} }
func (discardCookie) Write(b []byte) (int, error) { return len(b), nil }
func (discardCookie) WriteHeader(int)             {}
