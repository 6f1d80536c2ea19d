package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/gorilla/sessions"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/web/sessionstore"
)

// SessionCookie is the session cookie's name. The __Host- prefix makes the
// browser insist on Secure, Path=/ and no Domain (S1).
const SessionCookie = "__Host-oppslag"

// dataKey is the one key in a gorilla session's Values: the typed state.
const dataKey = "state"

// maxPendingLogins bounds how many unfinished logins (one per tab) a session keeps.
const maxPendingLogins = 5

// pendingLoginTTL is how long a started login may take to come back.
const pendingLoginTTL = 10 * time.Minute

// sessionState is everything the portal keeps about a browser session. It
// lives only on the server; the cookie carries a random id.
type sessionState struct {
	CSRFToken string                  `json:"csrf"`
	Created   time.Time               `json:"created"`
	LastSeen  time.Time               `json:"last_seen"`
	User      *request.User           `json:"user,omitempty"`
	IDToken   string                  `json:"id_token,omitempty"`
	Tokens    helseid.TokenSet        `json:"tokens"`
	Pending   map[string]pendingLogin `json:"pending,omitempty"` // by OAuth state
	Handles   []handleEntry           `json:"handles,omitempty"` // oldest first
	Bases     map[string]boundBasis   `json:"bases,omitempty"`   // lab access bases by patient number (S18)
	// GrantLost is set when HelseID refused the refresh token: the user is
	// still signed in here but can get no API token until a new login.
	GrantLost bool `json:"grant_lost,omitempty"`
}

// pendingLogin is a login sent to HelseID and not yet back.
type pendingLogin struct {
	Auth     helseid.AuthRequest `json:"auth"`
	ReturnTo string              `json:"return_to,omitempty"`
}

// sessionStore is a gorilla/sessions Store that keeps all state server-side.
// The cookie holds 32 random bytes; the store key is their SHA-256, so a copy
// of the store does not hand out live session ids.
type sessionStore struct {
	kv       sessionstore.Store
	now      func() time.Time
	idle     time.Duration
	absolute time.Duration
	log      *slog.Logger
}

var _ sessions.Store = (*sessionStore)(nil)

// Get returns the request's session, cached per request by gorilla's registry.
func (s *sessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// errSessionExpired marks a session that existed but timed out (S3, S4).
var errSessionExpired = errors.New("session expired")

// New loads the session named by the request's cookie. A missing, unknown,
// malformed or timed-out cookie yields a new empty session (IsNew); timeouts
// and malformed values are reported through the error so the caller can tell
// an expired session from a visitor without one.
func (s *sessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	sess.IsNew = true
	sess.Options = s.cookieOptions()
	c, err := r.Cookie(name)
	if err != nil {
		return sess, nil
	}
	id, ok := parseSessionID(c.Value)
	if !ok {
		// Not a value we ever issued: log the event, never the value (S6).
		s.log.WarnContext(r.Context(), "security: malformed session cookie rejected")
		return sess, nil
	}
	st, cached, err := s.load(r.Context(), storeKey(id))
	if err == nil && cached && s.timedOut(st) {
		// Another instance may have moved LastSeen a moment ago and its
		// message not yet arrived: decide on what the store holds.
		st, cached, err = s.loadFresh(r.Context(), storeKey(id))
	}
	if errors.Is(err, sessionstore.ErrNotFound) {
		s.log.InfoContext(r.Context(), "security: unknown or expired session id presented")
		return sess, errSessionExpired
	}
	if err != nil {
		return sess, err
	}
	if s.timedOut(st) {
		_ = s.kv.Delete(r.Context(), storeKey(id))
		return sess, errSessionExpired
	}
	if cached {
		st = st.clone() // the cached state is shared; the request may change its own
	}
	sess.ID = id
	sess.IsNew = false
	sess.Values[dataKey] = st
	return sess, nil
}

// timedOut reports whether st is past its idle (S3) or absolute (S4)
// timeout. LastSeen moves at most once a touchInterval (a write per page
// would be one store write per request), so the idle timeout holds to
// within that interval: a session idle between idle−touchInterval and idle
// may end early, never late.
func (s *sessionStore) timedOut(st *sessionState) bool {
	now := s.now()
	return now.Sub(st.LastSeen) > s.idle || now.Sub(st.Created) > s.absolute
}

// decodedLoader is a store that keeps decoded values in memory
// (sessionstore.Cache); the result it returns is shared and must be cloned
// before use.
type decodedLoader interface {
	LoadDecoded(ctx context.Context, key string, decode func([]byte) (any, error)) (any, error)
}

// load returns the state stored under key; cached reports that it is the
// cache's shared copy, which the caller must clone before changing.
func (s *sessionStore) load(ctx context.Context, key string) (st *sessionState, cached bool, err error) {
	dl, ok := s.kv.(decodedLoader)
	if !ok {
		return s.loadFresh(ctx, key)
	}
	v, err := dl.LoadDecoded(ctx, key, func(raw []byte) (any, error) { return decodeState(raw) })
	if err != nil {
		return nil, false, wrapLoadErr(err)
	}
	return v.(*sessionState), true, nil
}

// loadFresh reads and decodes the state under key from the store itself.
func (s *sessionStore) loadFresh(ctx context.Context, key string) (*sessionState, bool, error) {
	raw, err := s.kv.Load(ctx, key)
	if err != nil {
		return nil, false, wrapLoadErr(err)
	}
	st, err := decodeState(raw)
	if err != nil {
		return nil, false, wrapLoadErr(err)
	}
	return st, false, nil
}

// errSessionDecode marks a stored value that is not a session state.
var errSessionDecode = errors.New("session: decode")

func decodeState(raw []byte) (*sessionState, error) {
	var st sessionState
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("%w: %w", errSessionDecode, err)
	}
	return &st, nil
}

func wrapLoadErr(err error) error {
	if errors.Is(err, sessionstore.ErrNotFound) || errors.Is(err, errSessionDecode) {
		return err
	}
	return fmt.Errorf("session: load: %w", err)
}

// clone returns a copy of st that shares nothing it could change: every
// map, slice and pointer below it is copied (TestSessionStateClone checks
// each field, so a new one cannot be forgotten).
func (st *sessionState) clone() *sessionState {
	c := *st
	if st.User != nil {
		u := *st.User
		u.Approvals = slices.Clone(u.Approvals)
		for i := range u.Approvals {
			u.Approvals[i].Specialities = slices.Clone(u.Approvals[i].Specialities)
			u.Approvals[i].RequisitionRights = slices.Clone(u.Approvals[i].RequisitionRights)
		}
		u.Roles = slices.Clone(u.Roles)
		c.User = &u
	}
	c.Tokens.Access = maps.Clone(st.Tokens.Access)
	c.Pending = maps.Clone(st.Pending)
	c.Handles = slices.Clone(st.Handles)
	for i, h := range c.Handles {
		if h.Patient != nil {
			p := *h.Patient
			c.Handles[i].Patient = &p
		}
	}
	c.Bases = maps.Clone(st.Bases)
	return &c
}

// Save persists the session and sets its cookie; MaxAge < 0 deletes both.
func (s *sessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.kv.Delete(r.Context(), storeKey(sess.ID)); err != nil {
				return fmt.Errorf("session: delete: %w", err)
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	st := stateOf(sess)
	if sess.ID == "" {
		sess.ID = randomToken()
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("session: encode: %w", err)
	}
	if err := s.kv.Save(r.Context(), storeKey(sess.ID), raw, s.expiry(st)); err != nil {
		return fmt.Errorf("session: save: %w", err)
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), sess.ID, sess.Options))
	return nil
}

// expiry is when the store may forget st: the earlier of the idle and absolute limits.
func (s *sessionStore) expiry(st *sessionState) time.Time {
	idle := st.LastSeen.Add(s.idle)
	if abs := st.Created.Add(s.absolute); abs.Before(idle) {
		return abs
	}
	return idle
}

// cookieOptions are S1's: Path=/, Secure, HttpOnly, SameSite=Lax, no Domain,
// and a session cookie (no Max-Age) instead of gorilla's 30 days.
func (s *sessionStore) cookieOptions() *sessions.Options {
	return &sessions.Options{Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode}
}

// destroy deletes sess at the store and in the browser.
func (s *sessionStore) destroy(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	sess.Options.MaxAge = -1
	return s.Save(r, w, sess)
}

// rotate gives sess a fresh id and forgets the old one (S2).
func (s *sessionStore) rotate(ctx context.Context, sess *sessions.Session) error {
	if sess.ID != "" {
		if err := s.kv.Delete(ctx, storeKey(sess.ID)); err != nil {
			return fmt.Errorf("session: rotate: %w", err)
		}
	}
	sess.ID = ""
	return nil
}

// stateOf returns the typed state of sess, creating it for a new session.
func stateOf(sess *sessions.Session) *sessionState {
	if st, ok := sess.Values[dataKey].(*sessionState); ok {
		return st
	}
	st := &sessionState{CSRFToken: randomToken()}
	sess.Values[dataKey] = st
	return st
}

// randomToken is 32 random bytes, base64url without padding (43 characters).
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseSessionID accepts only values shaped like the ids randomToken makes.
func parseSessionID(v string) (string, bool) {
	if len(v) != 43 {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) != 32 {
		return "", false
	}
	return v, true
}

func storeKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// tokensEqual compares secrets in constant time.
func tokensEqual(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
