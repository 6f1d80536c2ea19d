package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"time"

	"github.com/oppslag/oppslag/handlers/request"
)

// maxHandles bounds the handles one session keeps; the oldest go first, and
// a link made with an evicted handle answers "no longer valid".
const maxHandles = 1000

// handleEntry is one opaque handle and the identity number behind it, with
// what the patient banner shows of that patient once a page has fetched
// them (nil until then).
type handleEntry struct {
	Handle  string           `json:"h"`
	NIN     string           `json:"n"`
	Patient *patientSnapshot `json:"p,omitempty"`
}

// patientSnapshot is request.PatientSnapshot as the session store keeps it.
// It has no field for an address, so none can be stored (S19).
type patientSnapshot struct {
	Name         string `json:"name,omitempty"`
	BirthDate    string `json:"birth,omitempty"`
	Deceased     bool   `json:"dead,omitempty"`
	DeceasedDate string `json:"death,omitempty"`
	Protection   string `json:"prot,omitempty"`
}

// sessionAccess gives handlers what the session holds on their behalf:
// handles for identity numbers and API tokens. It implements request.Handles
// and request.Tokens.
type sessionAccess struct {
	s  *Server
	rs *requestSession
	r  *http.Request // for the session store's Save; its context is not used
}

var (
	_ request.Handles       = sessionAccess{}
	_ request.PatientMemory = sessionAccess{}
	_ request.Tokens        = sessionAccess{}
)

// Every read of the request's session state takes the session lock, as the
// writes do: a page's lookups run in parallel with its rendering (the
// streamed overview), and a token refresh in one of them rereads the state.

// Handle returns the session's handle for nin, making and storing one if needed.
func (a sessionAccess) Handle(ctx context.Context, nin string) (string, error) {
	rs := a.rs
	if rs.sess.IsNew {
		return "", ErrLoginRequired
	}
	mu := a.s.sessionLock(rs.sess.ID)
	mu.Lock()
	defer mu.Unlock()
	// A number this request's session already has a handle for (every
	// relative on a second visit) needs no store round trip.
	if h, ok := handleFor(stateOf(rs.sess).Handles, nin); ok {
		return h, nil
	}
	st := a.s.refresh(ctx, rs)
	if h, ok := handleFor(st.Handles, nin); ok {
		return h, nil
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("handle: %w", err)
	}
	h := base64.RawURLEncoding.EncodeToString(b)
	st.Handles = append(st.Handles, handleEntry{Handle: h, NIN: nin})
	if len(st.Handles) > maxHandles {
		st.Handles = st.Handles[len(st.Handles)-maxHandles:]
	}
	if err := a.s.sessions.Save(a.r, discardCookie{}, rs.sess); err != nil {
		return "", fmt.Errorf("handle: keep in session: %w", err)
	}
	return h, nil
}

// Resolve returns the identity number behind handle if this session made it.
func (a sessionAccess) Resolve(ctx context.Context, handle string) (string, bool) {
	rs := a.rs
	if rs.sess.IsNew || handle == "" {
		return "", false
	}
	find := func(entries []handleEntry) (string, bool) {
		for _, e := range entries {
			if tokensEqual(e.Handle, handle) {
				return e.NIN, true
			}
		}
		return "", false
	}
	mu := a.s.sessionLock(rs.sess.ID)
	mu.Lock()
	nin, ok := find(stateOf(rs.sess).Handles)
	mu.Unlock()
	if ok {
		return nin, true
	}
	// A parallel request may have made it since this one loaded the session.
	if fresh, err := a.s.reload(ctx, rs.sess.ID); err == nil {
		return find(fresh.Handles)
	}
	return "", false
}

// Remember keeps p with handle, so the lab pages, which fetch no person
// document, can name the patient. Saving is skipped when the session
// already holds the same snapshot: every overview view remembers, and most
// change nothing.
func (a sessionAccess) Remember(ctx context.Context, handle string, p request.PatientSnapshot) error {
	rs := a.rs
	if rs.sess.IsNew || handle == "" {
		return ErrLoginRequired
	}
	snap := patientSnapshot(p)
	mu := a.s.sessionLock(rs.sess.ID)
	mu.Lock()
	defer mu.Unlock()
	if i := entryIndex(stateOf(rs.sess).Handles, handle); i >= 0 {
		if old := stateOf(rs.sess).Handles[i].Patient; old != nil && *old == snap {
			return nil
		}
	}
	st := a.s.refresh(ctx, rs)
	i := entryIndex(st.Handles, handle)
	if i < 0 {
		return nil
	}
	st.Handles[i].Patient = &snap
	if err := a.s.sessions.Save(a.r, discardCookie{}, rs.sess); err != nil {
		return fmt.Errorf("patient snapshot: keep in session: %w", err)
	}
	return nil
}

// Recall returns the snapshot kept with handle. It reads the session as
// this request loaded it: a snapshot a parallel request is saving now shows
// from the next page on.
func (a sessionAccess) Recall(_ context.Context, handle string) (request.PatientSnapshot, bool) {
	rs := a.rs
	if rs.sess.IsNew || handle == "" {
		return request.PatientSnapshot{}, false
	}
	mu := a.s.sessionLock(rs.sess.ID)
	mu.Lock()
	defer mu.Unlock()
	entries := stateOf(rs.sess).Handles
	i := entryIndex(entries, handle)
	if i < 0 || entries[i].Patient == nil {
		return request.PatientSnapshot{}, false
	}
	return request.PatientSnapshot(*entries[i].Patient), true
}

// entryIndex finds handle among entries, or -1.
func entryIndex(entries []handleEntry, handle string) int {
	for i, e := range entries {
		if tokensEqual(e.Handle, handle) {
			return i
		}
	}
	return -1
}

// AccessToken returns the session's access token for audience (see Server.accessToken).
func (a sessionAccess) AccessToken(ctx context.Context, audience string) (string, error) {
	return a.s.accessToken(ctx, a.rs, a.r, audience)
}

// Proof makes the DPoP proof for one API call with token.
func (a sessionAccess) Proof(method, targetURL, token string) (string, error) {
	return a.s.cfg.HelseID.Proof(method, targetURL, token)
}

// handleFor finds the handle already made for nin.
func handleFor(entries []handleEntry, nin string) (string, bool) {
	for _, e := range entries {
		if e.NIN == nin {
			return e.Handle, true
		}
	}
	return "", false
}

// boundBasis is a lab access basis as the session keeps it. Subject ties it
// to the user who chose it.
type boundBasis struct {
	Subject string    `json:"sub"`
	Basis   string    `json:"basis"`
	Role    string    `json:"role,omitempty"`
	Until   time.Time `json:"until"`
	Reason  string    `json:"reason,omitempty"`
}

var _ request.AccessBases = sessionAccess{}

// Bound returns the unexpired basis bound for nin by this session's user.
func (a sessionAccess) Bound(_ context.Context, nin string, now time.Time) (request.AccessBasis, bool) {
	mu := a.s.sessionLock(a.rs.sess.ID)
	mu.Lock()
	defer mu.Unlock()
	st := stateOf(a.rs.sess)
	if a.rs.sess.IsNew || st.User == nil || nin == "" {
		return request.AccessBasis{}, false
	}
	b, ok := st.Bases[nin]
	if !ok || b.Subject != st.User.Subject || !now.Before(b.Until) {
		return request.AccessBasis{}, false
	}
	return request.AccessBasis{Basis: b.Basis, Role: b.Role, Until: b.Until, Reason: b.Reason}, true
}

// Bind keeps b for nin in the server-side session.
func (a sessionAccess) Bind(ctx context.Context, nin string, b request.AccessBasis) error {
	return a.updateBases(ctx, func(st *sessionState) {
		if st.Bases == nil {
			st.Bases = map[string]boundBasis{}
		}
		st.Bases[nin] = boundBasis{Subject: st.User.Subject, Basis: b.Basis, Role: b.Role, Until: b.Until, Reason: b.Reason}
	})
}

// Clear forgets the basis for nin.
func (a sessionAccess) Clear(ctx context.Context, nin string) error {
	return a.updateBases(ctx, func(st *sessionState) { delete(st.Bases, nin) })
}

// updateBases changes the session's bases under the session lock, on top
// of what parallel requests stored, and saves the session.
func (a sessionAccess) updateBases(ctx context.Context, change func(*sessionState)) error {
	rs := a.rs
	if rs.sess.IsNew || stateOf(rs.sess).User == nil {
		return ErrLoginRequired
	}
	mu := a.s.sessionLock(rs.sess.ID)
	mu.Lock()
	defer mu.Unlock()
	st := a.s.refresh(ctx, rs)
	change(st)
	if err := a.s.sessions.Save(a.r, discardCookie{}, rs.sess); err != nil {
		return fmt.Errorf("access basis: keep in session: %w", err)
	}
	return nil
}
