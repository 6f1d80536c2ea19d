// Package web is the portal's HTTP server: the routes, the middleware, the
// session and the HelseID login flow, and the one error renderer. Nothing here
// knows what a person or a lab result is; that lives in handlers.
package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/checkpoint"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/personcache"
	"github.com/oppslag/oppslag/clients/simfault"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/handlers"
	"github.com/oppslag/oppslag/web/sessionstore"
)

// Config is what the server needs from its surroundings.
type Config struct {
	BaseURL       *url.URL // where browsers reach the portal
	HelseID       *helseid.Client
	HelseIDIssuer string // for the CSP form-action after logout
	Audit         audit.Store
	// AuditCheckpoints reads the signed checkpoints for the audit page's
	// chain check; nil when OPPSLAG_AUDIT_CHECKPOINTS is off.
	AuditCheckpoints func(context.Context) (checkpoint.Reading, error)
	Sessions         sessionstore.Store
	Logger           *slog.Logger
	Demo             bool
	IdleTimeout      time.Duration  // default 30 min (S3)
	AbsoluteTimeout  time.Duration  // default 12 h (S4)
	TrustedProxies   []netip.Prefix // whose X-Forwarded-For is believed
	AuditorPIDs      []string       // users who get the auditor role
	PersonAPI        *person.Client // nil: person pages answer 503
	LabsAPI          *labs.Client   // lab results; nil when not configured
	// PersonCache keeps each user's recent person documents, invalidated
	// by the Person API's change events; nil: no cache. Logout drops the
	// user's entries.
	PersonCache *personcache.Cache
	// HPRAPI is the HPR client; nil when HPR is not configured.
	HPRAPI handlers.HPRRegister
	// HPRIndex returns the local index of HPR's export, or nil while there
	// is none; a nil func means no index.
	HPRIndex func() handlers.HPRIndex
	// EmergencyWindow is how long an emergency opening of lab results
	// lasts; 0 means handlers.DefaultEmergencyWindow (4 h).
	EmergencyWindow time.Duration
	UpstreamTimeout time.Duration // per upstream call (S32); default 3 s
	// Testdata is the synthetic population every upstream simulator serves,
	// for the population browser (/testdata). nil, as whenever a real
	// upstream is configured, leaves /testdata unmounted: a 404.
	Testdata *synthetic.Population
	// PersonChanges lets a tester change a synthetic person in the Person
	// API simulator (POST /testdata/person); nil: no such form.
	PersonChanges handlers.PersonChanger
	// HPRBatches keeps the HPR batch checks; nil: this instance's memory.
	// With Redis, a shared store, so a poll on any instance finds a batch.
	HPRBatches *handlers.HPRBatches
	// Faults are the simulators' faults (F19), for the fault panel
	// (/testdata/faults) and the band on every page. nil, as whenever a
	// real upstream is configured, leaves the panel unmounted: a 404.
	Faults *simfault.Registry
	// BodyTimeout is how long a client may take to send a form body (S40);
	// an upload gets uploadTimeoutFactor times as long. Default 10 s.
	BodyTimeout time.Duration
	Now         func() time.Time
}

// Server is the portal's http.Handler.
type Server struct {
	cfg      Config
	log      *slog.Logger
	sessions *sessionStore
	site     handlers.Site
	handler  http.Handler

	// router is the route tree, and bodies the body each route takes; the
	// body limits are applied before routing (limitBody).
	router *chi.Mux
	bodies map[string]body

	// sessionLocks serialise the read-modify-write of one session's state
	// (token refreshes, new handles, access bases) so parallel panels do not
	// race. Sessions are striped over a fixed set: memory stays bounded
	// however many sessions come and expire, and two sessions sharing a
	// stripe only wait for each other.
	sessionLocks [256]sync.Mutex

	// hprBatches are the HPR batch checks running or finished here.
	hprBatches *handlers.HPRBatches
}

// New checks cfg and builds the server.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.BaseURL == nil:
		return nil, errors.New("web: BaseURL is required")
	case cfg.HelseID == nil:
		return nil, errors.New("web: HelseID client is required")
	case cfg.Audit == nil:
		return nil, errors.New("web: audit store is required")
	case cfg.Sessions == nil:
		return nil, errors.New("web: session store is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.UpstreamTimeout == 0 {
		cfg.UpstreamTimeout = 3 * time.Second
	}
	if cfg.BodyTimeout == 0 {
		cfg.BodyTimeout = 10 * time.Second
	}
	if cfg.AbsoluteTimeout == 0 {
		cfg.AbsoluteTimeout = 12 * time.Hour
	}
	s := &Server{
		cfg:        cfg,
		log:        cfg.Logger,
		site:       handlers.Site{Demo: cfg.Demo, Testdata: cfg.Testdata != nil},
		hprBatches: cmp.Or(cfg.HPRBatches, handlers.NewHPRBatches()),
		sessions: &sessionStore{
			kv: cfg.Sessions, now: cfg.Now, idle: cfg.IdleTimeout, absolute: cfg.AbsoluteTimeout, log: cfg.Logger,
		},
	}
	if reg := cfg.Faults; reg != nil {
		s.site.Faults = func() []simfault.Fault { return reg.Active(cfg.Now()) }
	}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Ready reports whether the server can serve logins and patient data:
// storage reachable and HelseID discovery available.
func (s *Server) Ready(ctx context.Context) error {
	if err := s.cfg.Audit.Ping(ctx); err != nil {
		return fmt.Errorf("audit store: %w", err)
	}
	if err := s.cfg.Sessions.Ping(ctx); err != nil {
		return fmt.Errorf("session store: %w", err)
	}
	if err := s.cfg.HelseID.Ready(ctx); err != nil {
		return fmt.Errorf("helseid: %w", err)
	}
	return nil
}
