package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/web"
	"github.com/oppslag/oppslag/web/logging"
	"github.com/oppslag/oppslag/web/sessionstore"
)

// helseIDScopes is the scope string sent to HelseID at login: identity scopes
// for the header and the audit trail, offline_access for the refresh token,
// and the API scopes the portal calls on the user's behalf.
var helseIDScopes = []string{
	"openid", "profile", "offline_access",
	"helseid://scopes/identity/pid", "helseid://scopes/identity/pid_pseudonym",
	"helseid://scopes/identity/assurance_level", "helseid://scopes/identity/security_level",
	"helseid://scopes/identity/network", "helseid://scopes/hpr/hpr_number",
	"nhn:hgd-persontjenesten-api/full-access", "nhn:pps/provesvar-read",
}

// apiResources are the API audiences; each gets its own single-audience token.
var apiResources = []string{"nhn:hgd-persontjenesten-api", "nhn:pps"}

// HelseIDScopes is the scope list the portal asks HelseID for at login: a
// HelseID (or simulator) must register the client with these.
func HelseIDScopes() []string { return slices.Clone(helseIDScopes) }

// APIResources are the API audiences the portal asks HelseID for tokens to,
// one single-audience token each.
func APIResources() []string { return slices.Clone(apiResources) }

// Serve runs the portal as `oppslag serve` does, with getenv as its whole
// environment, until ctx ends: it prints "Oppslag listening on URL" to
// stdout once it listens, and logs to stderr. Every upstream the
// configuration leaves unset is simulated on loopback (demo.go).
func Serve(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return err
	}
	logger := logging.New(stderr, cfg.LogFormat == "json", slog.LevelInfo)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on OPPSLAG_ADDR %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	base := cfg.BaseURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	baseURL, _ := url.Parse(strings.TrimSuffix(base, "/"))

	auditStore, err := audit.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("OPPSLAG_DATABASE_URL: %w", err)
	}
	defer auditStore.Close()
	// Deferred after Close, so it runs before it: the last checkpoint
	// follows the server's shutdown and precedes the store's.
	stopCheckpoints, err := startCheckpoints(ctx, cfg, auditStore, logger)
	if err != nil {
		return err
	}
	defer stopCheckpoints()
	sessions, err := sessionstore.Open(ctx, sessionURL(cfg))
	if err != nil {
		return fmt.Errorf("session store: %w", err)
	}
	defer sessions.Close()

	var (
		issuer  = cfg.HelseIDIssuer
		key     jose.JSONWebKey
		auditor = cfg.AuditorPIDs
		sim     *simServer
	)
	if issuer == "" {
		if sim, key, err = startDemoHelseID(ctx, logger, baseURL.String()); err != nil {
			return err
		}
		issuer = sim.issuer
		cfg.HelseIDClientID = demoClientID
		if len(auditor) == 0 {
			auditor = demoAuditors()
		}
	} else if key, err = helseid.LoadKey(cfg.HelseIDKeyFile); err != nil {
		return fmt.Errorf("OPPSLAG_HELSEID_KEY_FILE: %w", err)
	}
	// A separate DPoP proof key is read from a file, never generated, so
	// every instance binds tokens to the same key (see helseid.Config).
	var dpopKey *jose.JSONWebKey
	if cfg.HelseIDDPoPKeyFile != "" {
		k, err := helseid.LoadKey(cfg.HelseIDDPoPKeyFile)
		if err != nil {
			return &configError{"OPPSLAG_HELSEID_DPOP_KEY_FILE", err.Error()}
		}
		dpopKey = &k
	}

	population := demoPopulation(cfg, logger)
	// simulated starts the simulator of an API the configuration leaves
	// unset; its tokens are checked against the HelseID simulator, as the
	// real API checks HelseID's, so a real HelseID needs the real API too.
	simulated := func(variable, name string, handler func(base string, pop *synthetic.Population) http.Handler) (string, error) {
		if sim == nil {
			return "", &configError{variable, "required with a real HelseID: the " + name + " simulator verifies only tokens from the HelseID simulator"}
		}
		p, err := population()
		if err != nil {
			return "", err
		}
		return startSim(ctx, name, logger, func(base string) http.Handler { return handler(base, p) })
	}

	personURL := cfg.PersonAPIURL
	if personURL == "" {
		if personURL, err = simulated("OPPSLAG_PERSON_API_URL", "Person API", func(base string, p *synthetic.Population) http.Handler {
			// Beside the population, a few persons whose every text is a
			// hostile string (S25): a tester sees them render inert.
			hostile := personsim.NewMemoryRegistry(synthetic.HostilePersons(), nil)
			return personsim.New(base, personsim.Overlay(hostile, p), sim.Server)
		}); err != nil {
			return err
		}
	}
	personAPI, err := person.New(personURL, person.FullAccess, upstreamClient(cfg.UpstreamTimeout))
	if err != nil {
		return fmt.Errorf("OPPSLAG_PERSON_API_URL: %w", err)
	}
	labsURL := cfg.LabsAPIURL
	if labsURL == "" {
		if labsURL, err = simulated("OPPSLAG_LABS_API_URL", "Pasientens prøvesvar", func(base string, p *synthetic.Population) http.Handler {
			return labsim.New(base, p, sim.Server)
		}); err != nil {
			return err
		}
	}
	labsAPI, err := labs.New(labsURL, upstreamClient(cfg.UpstreamTimeout))
	if err != nil {
		return fmt.Errorf("OPPSLAG_LABS_API_URL: %w", err)
	}

	hprs, err := startHPR(ctx, cfg, logger, population)
	if err != nil {
		return err
	}

	hc, err := helseid.New(helseid.Config{
		Issuer:                issuer,
		ClientID:              cfg.HelseIDClientID,
		Key:                   key,
		DPoPKey:               dpopKey,
		RedirectURL:           baseURL.String() + "/auth/callback",
		PostLogoutRedirectURL: baseURL.String() + "/signed-out",
		Scopes:                helseIDScopes,
		Resources:             apiResources,
	})
	if err != nil {
		return fmt.Errorf("helseid client: %w", err)
	}
	if sim == nil {
		if err := checkDPoP(ctx, hc, logger); err != nil {
			return err
		}
	}
	srv, err := web.New(web.Config{
		BaseURL:         baseURL,
		HelseID:         hc,
		HelseIDIssuer:   issuer,
		Audit:           auditStore,
		Sessions:        sessions,
		Logger:          logger,
		Demo:            cfg.demo(),
		IdleTimeout:     cfg.IdleTimeout,
		AbsoluteTimeout: cfg.AbsoluteTimeout,
		TrustedProxies:  cfg.TrustedProxies,
		AuditorPIDs:     auditor,
		PersonAPI:       personAPI,
		LabsAPI:         labsAPI,
		HPRAPI:          hprs.client,
		HPRIndex:        hprs.index.current,
		UpstreamTimeout: cfg.UpstreamTimeout,
		EmergencyWindow: cfg.EmergencyWindow,
	})
	if err != nil {
		return err
	}
	if sw, ok := sessions.(interface {
		Sweep(context.Context, time.Time) (int, error)
	}); ok {
		go sweepSessions(ctx, sw, logger)
	}

	// Request line and headers must arrive within ReadHeaderTimeout and fit
	// in MaxHeaderBytes; beyond either, Go answers (or drops) the request
	// itself. The portal's own, smaller header limit answers first with a
	// proper page (web.limitHeaders). There is no ReadTimeout: each body
	// gets its route's read deadline (web.Config.BodyTimeout, longer for
	// uploads) when it is awaited, so a slow sender gets a 408 page rather
	// than a cut connection, and a long-running page is not cancelled by
	// a deadline meant for its request.
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    1 << 20,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	logger.Info("Oppslag started", "url", baseURL.String(), "demo", cfg.demo(), "config", cfg.String())
	fmt.Fprintf(stdout, "Oppslag listening on %s\n", baseURL)

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// checkDPoP stops start-up when HelseID accepts no proof algorithm the
// proof key can sign; an unreachable HelseID is only logged, since each
// login checks again (S14: HelseID may come back).
func checkDPoP(ctx context.Context, hc *helseid.Client, logger *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := hc.CheckDPoP(ctx)
	switch {
	case errors.Is(err, helseid.ErrProofKey):
		return &configError{"OPPSLAG_HELSEID_DPOP_KEY_FILE", err.Error()}
	case err != nil:
		logger.Warn("HelseID discovery not reachable at start-up; the DPoP algorithm is checked at each login", "err", err)
	}
	return nil
}

// sessionURL picks the session store: Redis when configured, else the SQLite
// database file, else (audit in PostgreSQL without Redis) a local SQLite file.
func sessionURL(cfg Config) string {
	switch {
	case cfg.RedisURL != "":
		return cfg.RedisURL
	case strings.HasPrefix(cfg.DatabaseURL, "sqlite:"):
		return cfg.DatabaseURL
	default:
		return "sqlite:oppslag-sessions.db"
	}
}

func sweepSessions(ctx context.Context, sw interface {
	Sweep(context.Context, time.Time) (int, error)
}, logger *slog.Logger) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if _, err := sw.Sweep(ctx, now); err != nil {
				logger.Warn("session sweep failed", "err", err)
			}
		}
	}
}

// upstreamClient is the HTTP client for an upstream API: the per-call
// deadline as a backstop, and enough idle connections per host that a busy
// portal reuses its connections (Go's default keeps only 2).
func upstreamClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: timeout, Transport: t}
}
