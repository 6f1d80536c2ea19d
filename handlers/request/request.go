// Package request holds the request-scoped values that the middleware in web
// sets and that handlers read: the signed-in user, the correlation id, the CSRF
// token and the client address. It is a leaf: it imports nothing of ours, so
// web, handlers and views can all depend on it.
package request

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Role is what a signed-in user may do in the portal.
type Role string

// The roles the portal knows. A user can hold several.
const (
	// RoleClinician is an HPR-authorised health professional at security level 4:
	// may look up patients (person, KRR, labs).
	RoleClinician Role = "clinician"
	// RoleAuditor may read and review the audit log.
	RoleAuditor Role = "auditor"
)

// Approval is one HPR approval of the user, from userinfo's hpr_details.
type Approval struct {
	Profession        string   // code set 9060, e.g. "LE"
	Authorization     string   // code set 7704 value, e.g. "1"
	AuthorizationText string   // e.g. "Autorisasjon"
	Specialities      []string // descriptions, e.g. "Psykiatri"
	RequisitionRights []string // descriptions, e.g. "Full rekvisisjonsrett"
}

// User is the signed-in person as HelseID described them at login.
type User struct {
	Subject        string // HelseID sub (pseudonymous)
	PID            string // national identity number; never logged, never in a URL
	Name           string
	GivenName      string
	MiddleName     string
	FamilyName     string
	HPRNumber      string // empty for users without an HPR number
	Approvals      []Approval
	SecurityLevel  string // "3", "4"
	AssuranceLevel string
	Network        string
	OrgParent      string // legal entity organisation number
	OrgChild       string // sub-unit organisation number
	Roles          []Role
}

// Has reports whether the user holds role r.
func (u *User) Has(r Role) bool { return u != nil && slices.Contains(u.Roles, r) }

// Professions lists the user's distinct HPR profession codes in order.
func (u *User) Professions() []string {
	var out []string
	for _, a := range u.Approvals {
		if a.Profession != "" && !slices.Contains(out, a.Profession) {
			out = append(out, a.Profession)
		}
	}
	return out
}

type key int

const (
	userKey key = iota
	correlationKey
	csrfKey
	clientIPKey
)

// WithUser returns ctx carrying u.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// UserFrom returns the signed-in user, or nil.
func UserFrom(ctx context.Context) *User {
	u, _ := ctx.Value(userKey).(*User)
	return u
}

// WithCorrelationID returns ctx carrying the request's correlation id.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, correlationKey, id)
}

// CorrelationID returns the request's correlation id, or "".
func CorrelationID(ctx context.Context) string {
	s, _ := ctx.Value(correlationKey).(string)
	return s
}

// WithCSRFToken returns ctx carrying the session's CSRF token.
func WithCSRFToken(ctx context.Context, tok string) context.Context {
	return context.WithValue(ctx, csrfKey, tok)
}

// CSRFToken returns the session's CSRF token, or "" without a session.
func CSRFToken(ctx context.Context) string {
	s, _ := ctx.Value(csrfKey).(string)
	return s
}

// WithClientIP returns ctx carrying the client address (after trusted proxies).
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey, ip)
}

// ClientIP returns the client address, or "".
func ClientIP(ctx context.Context) string {
	s, _ := ctx.Value(clientIPKey).(string)
	return s
}

type signedInKey struct{}

// WithSignedInAt returns ctx carrying when the session's login happened.
func WithSignedInAt(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, signedInKey{}, t)
}

// SignedInAt returns when the session's login happened, or the zero time.
func SignedInAt(ctx context.Context) time.Time {
	t, _ := ctx.Value(signedInKey{}).(time.Time)
	return t
}

// Handles turns identity numbers into opaque, per-session handles for links
// and back, so a URL never carries a number (S15). A handle is meaningless
// outside the session that made it.
type Handles interface {
	// Handle returns the session's handle for nin, making one if needed.
	Handle(ctx context.Context, nin string) (string, error)
	// Resolve returns the identity number behind handle, if this session made it.
	Resolve(ctx context.Context, handle string) (string, bool)
}

// PatientSnapshot is what a session remembers of the patient behind one of
// its handles, so that every patient page can say whose it is (the patient
// banner) without fetching the person again. A page that fetches the
// person document takes it; the lab pages, which fetch none, read it back.
// It never holds an address (S19): of the address protection only the level,
// which the banner names.
type PatientSnapshot struct {
	Name         string // the current name, given names first; "" when unknown
	BirthDate    string // YYYY-MM-DD; "" when unknown
	Deceased     bool
	DeceasedDate string // YYYY-MM-DD; "" when not deceased or the date is unknown
	// Protection is the person's address protection level as the Person
	// API names it ("Confidential", "StrictlyConfidential", or a level it
	// does not document); "" when the address is not protected.
	Protection string
}

// PatientMemory is the part of a session's Handles that keeps a snapshot
// of each handle's patient. It is a separate interface that the session's
// Handles also implement, found by a type assertion like http.Flusher, so a
// Handles without it (a test's) still works: its banner shows the number
// alone.
type PatientMemory interface {
	// Remember keeps p as the snapshot of handle's patient, replacing any
	// earlier one; a handle this session did not make is ignored.
	Remember(ctx context.Context, handle string, p PatientSnapshot) error
	// Recall returns the snapshot kept for handle, if any.
	Recall(ctx context.Context, handle string) (PatientSnapshot, bool)
}

// Tokens gives handlers the signed-in user's access to an upstream API: a
// single-audience access token and a DPoP proof for each call.
type Tokens interface {
	AccessToken(ctx context.Context, audience string) (string, error)
	Proof(method, targetURL, accessToken string) (string, error)
}

type handlesKey struct{}
type tokensKey struct{}

// WithHandles returns ctx carrying the session's handles.
func WithHandles(ctx context.Context, h Handles) context.Context {
	return context.WithValue(ctx, handlesKey{}, h)
}

// HandlesFrom returns the session's handles, or nil without a session.
func HandlesFrom(ctx context.Context) Handles {
	h, _ := ctx.Value(handlesKey{}).(Handles)
	return h
}

// WithTokens returns ctx carrying the session's API token source.
func WithTokens(ctx context.Context, t Tokens) context.Context {
	return context.WithValue(ctx, tokensKey{}, t)
}

// TokensFrom returns the session's API token source, or nil without a user.
func TokensFrom(ctx context.Context) Tokens {
	t, _ := ctx.Value(tokensKey{}).(Tokens)
	return t
}

// ErrLoginRequired means the session's HelseID grant is gone (refresh token
// expired or revoked): the user must log in again before any API call.
var ErrLoginRequired = errors.New("login required")

// AccessBasis is a lab access basis bound to one user, one patient and one
// session until a time.
type AccessBasis struct {
	Basis string    // labs access-basis value, e.g. "SAMTYKKE"
	Role  string    // requester's HPR profession code (kodeverk 9060), or ""
	Until time.Time // the binding lapses at this instant
	// Reason is why an emergency basis was opened: the reason code from the
	// list, a colon and the clinician's own words; "" for other bases.
	Reason string
}

// Emergency reports whether the basis is an emergency one (AKUTT or
// FORHOYET_AKUTT), which shows a countdown banner while it lasts.
func (b AccessBasis) Emergency() bool { return b.Basis == "AKUTT" || b.Basis == "FORHOYET_AKUTT" }

// AccessBases keeps lab access bases in the server-side session, keyed by
// the patient's identity number, so a basis never carries over to another
// patient or another session (S18).
type AccessBases interface {
	// Bound returns the basis bound for nin for the signed-in user, if one is
	// bound and has not lapsed at now.
	Bound(ctx context.Context, nin string, now time.Time) (AccessBasis, bool)
	// Bind binds b for nin, replacing any earlier basis.
	Bind(ctx context.Context, nin string, b AccessBasis) error
	// Clear forgets the basis for nin.
	Clear(ctx context.Context, nin string) error
}

type accessBasesKey struct{}

// WithAccessBases returns ctx carrying the session's access bases.
func WithAccessBases(ctx context.Context, a AccessBases) context.Context {
	return context.WithValue(ctx, accessBasesKey{}, a)
}

// AccessBasesFrom returns the session's access bases, or nil without a user.
func AccessBasesFrom(ctx context.Context) AccessBases {
	a, _ := ctx.Value(accessBasesKey{}).(AccessBases)
	return a
}
