package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/personcache"
	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/clients/upstream"
	"github.com/oppslag/oppslag/handlers/request"
)

// Person serves the clinician's person lookup: search, the overview with its
// panels, and the timeline. Every access to patient data is audited before
// the data is written (S20, S27).
type Person struct {
	Site    Site
	API     *person.Client // nil when the Person API is not configured
	Labs    *labs.Client   // the timeline's lab reports; nil when the lab service is not configured
	Audit   Auditor
	Timeout time.Duration // per upstream call (S32)
	Log     *slog.Logger  // panel failures, with their correlation id
	Now     func() time.Time
	// RawDrawer serves each panel's raw-response drawer (F19; person_raw.go):
	// set only when every upstream is simulated.
	RawDrawer bool
	// Cache keeps each user's recent person documents for a few minutes,
	// invalidated by the Person API's change events (see get); nil: every
	// lookup asks the API.
	Cache *personcache.Cache
}

// defaultTimeout is the per-call deadline when Timeout is not set (S32).
const defaultTimeout = 3 * time.Second

func (h Person) timeout() time.Duration {
	if h.Timeout <= 0 {
		return defaultTimeout
	}
	return h.Timeout
}

// pageDeadlineKey carries the deadline of a whole page's upstream calls.
type pageDeadlineKey struct{}

// withPageBudget gives every upstream call made for this page one shared
// deadline: h.Timeout from now. The overview's calls are sequential in part
// (the relatives need the person first), and each with its own full
// Timeout the page could take twice as long as the deadline the README
// promises. A call that starts late gets what is left; when nothing is
// left it fails at once as a timeout, and its panel says so.
func (h Person) withPageBudget(ctx context.Context) context.Context {
	return context.WithValue(ctx, pageDeadlineKey{}, time.Now().Add(h.timeout()))
}

// callContext is the context of one upstream call: h.Timeout from now, or
// the page's shared deadline when that comes first. The audit record of the
// call is written with the request's own context, never with this one, so
// a spent budget cannot turn into a lost record.
func (h Person) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(h.timeout())
	if page, ok := ctx.Value(pageDeadlineKey{}).(time.Time); ok && page.Before(deadline) {
		deadline = page
	}
	return context.WithDeadline(ctx, deadline)
}

func (h Person) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

// lookup resolves the handle to an identity number (404 "error.person.handle"
// if unknown to this session), fetches the person with parts and history
// under h.Timeout using request.TokensFrom(ctx) as person.Auth, records ONE
// audit event {Patient: nin, Resource: resource, Action: "view", Outcome:
// granted | upstream_error | denied} BEFORE returning data (audit failure →
// 503 "error.audit", fail closed, no data), and maps client errors to *Error
// (404 not found, 502/504 upstream).
func (h Person) lookup(r *http.Request, resource string, parts []person.InformationPart, history bool) (*person.Person, string, error) {
	nin, err := resolve(r)
	if err != nil {
		return nil, "", err
	}
	p, err := h.fetch(r.Context(), nin, resource, "view", parts, history)
	if err != nil {
		return nil, nin, err
	}
	return p, nin, nil
}

// fetch gets nin's person document and audits the access as action ("view",
// or "print" for the print view); see lookup.
func (h Person) fetch(ctx context.Context, nin, resource, action string, parts []person.InformationPart, history bool) (*person.Person, error) {
	var p *person.Person
	var err error
	if h.API == nil {
		err = errNoAPI
	} else {
		cctx, cancel := h.callContext(ctx)
		p, err = h.get(cctx, nin, action, parts, history)
		cancel()
	}
	e := audit.Event{Patient: nin, Resource: resource, Action: action, Outcome: outcomeOf(err)}
	if err == nil && p == nil {
		e.Outcome = audit.UpstreamError
	}
	if errors.Is(err, upstream.ErrNotFound) {
		e.Reason = "not found"
	}
	if aerr := h.Audit.Record(ctx, request.UserFrom(ctx), e); aerr != nil {
		return nil, Errorf(http.StatusServiceUnavailable, "error.audit", aerr)
	}
	if err != nil {
		return nil, upstreamError(servicePerson, err)
	}
	if p == nil {
		return nil, Errorf(http.StatusBadGateway, "error.person.malformed", errors.New("person: empty document"))
	}
	if len(p.Unread) > 0 && h.Log != nil {
		// The paths only: a value may hold anything, an identity number too.
		h.Log.WarnContext(ctx, "person document has values the client could not read",
			"resource", resource, "fields", tolerant.Paths(p.Unread), "correlation_id", request.CorrelationID(ctx))
	}
	return p, nil
}

// get returns nin's document from the user's cache or the API. Every call
// of fetch is audited the same way whichever answered: the audit trail
// records accesses, and a cached view is an access.
//
// The cache is consulted only with a user and a token, and never for the
// raw-response drawer, whose point is to show what the API sends now.
// Before a cached document is served, the change-event feed is read with
// this user's token when the last read is older than the cache's interval
// (personcache.Cache.Sync); when it cannot be read the lookup goes to the
// API and nothing is stored.
func (h Person) get(ctx context.Context, nin, action string, parts []person.InformationPart, history bool) (*person.Person, error) {
	auth := tokens(ctx)
	user := PersonCacheUser(request.UserFrom(ctx))
	if h.Cache == nil || auth == nil || user == "" || action == actionRaw {
		return h.API.GetByNIN(ctx, auth, nin, parts, history)
	}
	k := personcache.KeyOf(nin, parts, history)
	ticket, serr := h.Cache.Sync(ctx, auth)
	if serr == nil && !freshAsked(ctx) {
		if p, ok := h.Cache.Get(user, k); ok {
			return p, nil
		}
	} else if h.Log != nil && !errors.Is(serr, request.ErrLoginRequired) {
		h.Log.InfoContext(ctx, "person event feed not read; looking up without the cache", "err", serr,
			"correlation_id", request.CorrelationID(ctx))
	}
	p, err := h.API.GetByNIN(ctx, auth, nin, parts, history)
	if err == nil && serr == nil {
		h.Cache.Put(user, k, p, ticket)
	}
	return p, err
}

// freshKey marks a request whose user asked for the API's answer now.
type freshKey struct{}

// askFresh marks ctx: a panel's Refresh is a user asking for what the
// Person API says now, so the cache is not read (and is refilled). A
// whole page, loaded again, may be answered from the cache; its panels say
// when they were fetched.
func askFresh(ctx context.Context) context.Context { return context.WithValue(ctx, freshKey{}, true) }

func freshAsked(ctx context.Context) bool { v, _ := ctx.Value(freshKey{}).(bool); return v }

// PersonCacheUser is the key of u's entries in the person cache; logout
// drops them with it. It is "" (no caching) without a user.
func PersonCacheUser(u *request.User) string {
	if u == nil || u.PID == "" && u.Subject == "" {
		return ""
	}
	return u.PID + "|" + u.Subject
}

// errNoAPI stands for a portal started without a Person API.
var errNoAPI = notConfigured(servicePerson)

// tokens returns the session's token source as the client's Auth, or nil
// (the client then refuses the call) without one.
func tokens(ctx context.Context) person.Auth {
	if t := request.TokensFrom(ctx); t != nil {
		return t
	}
	return nil
}
