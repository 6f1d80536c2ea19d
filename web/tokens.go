package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/handlers/request"
)

// ErrLoginRequired means the session's HelseID grant is gone (refresh token
// expired or revoked): the user must log in again. Handlers see it as
// request.ErrLoginRequired.
var ErrLoginRequired = request.ErrLoginRequired

// accessToken returns an access token for audience on behalf of the
// session: the cached one while it is valid, otherwise one refresh with
// resource=audience (S13). Refreshes are serialised per session so that
// parallel panels share one token request.
func (s *Server) accessToken(ctx context.Context, rs *requestSession, r *http.Request, audience string) (string, error) {
	if rs == nil || rs.sess.IsNew || stateOf(rs.sess).User == nil {
		return "", ErrLoginRequired
	}
	mu := s.sessionLock(rs.sess.ID)
	mu.Lock()
	defer mu.Unlock()
	// The token this request already holds is the common case: no store
	// round trip then. Only a refresh rereads the session first.
	if tok, ok := s.cfg.HelseID.CachedToken(&stateOf(rs.sess).Tokens, audience); ok {
		return tok, nil
	}
	st := s.refresh(ctx, rs)
	tok, changed, err := s.cfg.HelseID.AccessToken(ctx, &st.Tokens, audience)
	if errors.Is(err, helseid.ErrLoginRequired) {
		// The session can get no more API tokens. Remember that, so that
		// "log in again" ends this session and starts a new login instead
		// of finding a signed-in user and sending them back (see login).
		if !st.GrantLost {
			st.GrantLost = true
			if serr := s.sessions.Save(r, discardCookie{}, rs.sess); serr != nil {
				s.log.WarnContext(ctx, "session: grant loss not kept", "err", serr, "correlation_id", request.CorrelationID(ctx))
			}
		}
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

// The session's API token source answers APIs that demand DPoP nonces.
var (
	_ person.NonceProver = sessionAccess{}
	_ labs.NonceProver   = sessionAccess{}
)

// ProofWithNonce makes the DPoP proof for one API call with token and the
// nonce the API demanded (RFC 9449 §9). The API clients keep the nonces and
// find this method on the session's token source.
func (a sessionAccess) ProofWithNonce(method, targetURL, nonce, token string) (string, error) {
	return a.s.cfg.HelseID.ProofWithNonce(method, targetURL, nonce, token)
}

// grantGone reports whether st's session can no longer get API tokens: the
// refresh token is missing or expired, or HelseID refused it.
func grantGone(st *sessionState, now time.Time) bool {
	t := st.Tokens
	return st.GrantLost || t.RefreshToken == "" ||
		!t.RefreshTokenExpiresAt.IsZero() && !now.Before(t.RefreshTokenExpiresAt)
}

// refresh rereads what parallel requests of the same session may have
// changed since this one loaded it (tokens, handles, access bases) into its state. The
// caller holds the session lock.
func (s *Server) refresh(ctx context.Context, rs *requestSession) *sessionState {
	st := stateOf(rs.sess)
	if fresh, err := s.reload(ctx, rs.sess.ID); err == nil {
		st.Tokens, st.Handles, st.Bases = fresh.Tokens, fresh.Handles, fresh.Bases
	}
	return st
}

// sessionLock is the lock guarding session id's stored state (one stripe).
func (s *Server) sessionLock(id string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(id))
	return &s.sessionLocks[h.Sum32()%uint32(len(s.sessionLocks))]
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
