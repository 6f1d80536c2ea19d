package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/helseid/apitoken"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/personcache"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/clients/simfault"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/handlers"
	"github.com/oppslag/oppslag/web"
	"github.com/oppslag/oppslag/web/logging"
	"github.com/oppslag/oppslag/web/metrics"
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
// stdout once it listens (after "Oppslag bound to ADDR" when a base URL is
// configured, and "Oppslag metrics on URL" when OPPSLAG_METRICS_ADDR is
// set), and logs to stderr. Every upstream the
// configuration leaves unset is simulated on loopback (demo.go). With a
// HelseID given by URL (a real one, or `oppslag simulators`) the simulated
// APIs verify its tokens by its published keys (mixed mode).
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
	// Metrics listen apart from the portal (OPPSLAG_METRICS_ADDR): what
	// they show is for whoever runs the deployment, not for its users.
	var (
		m   *metrics.Metrics // nil: no metrics, nothing instrumented
		mln net.Listener
	)
	if cfg.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			return fmt.Errorf("listen on OPPSLAG_METRICS_ADDR %s: %w", cfg.MetricsAddr, err)
		}
		defer mln.Close()
		m = metrics.New()
	}
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
	if o, ok := auditStore.(interface{ ObserveCommits(audit.CommitObserver) }); ok && m != nil {
		o.ObserveCommits(m.ObserveAuditCommit)
	}
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
	if c, ok := sessions.(sessionstore.Counter); ok && m != nil {
		m.Sessions(c.Count)
	}

	// Every upstream simulated here: the testers' tools are on (F17, F19).
	// With any real upstream, or simulators run apart, they stay off:
	// /testdata, the fault panel and the raw drawer answer 404.
	allSimulated := cfg.HelseIDIssuer == "" && cfg.PersonAPIURL == "" && cfg.LabsAPIURL == "" && cfg.HPRAPIURL == ""
	var faults *simfault.Registry
	// sh starts every simulator this process runs (demo.go), each behind
	// the fault layer when the testers' tools are on.
	sh := simHost{logger: logger}
	if allSimulated {
		faults = simfault.NewRegistry(nil)
		sh.wrap = func(up string, h http.Handler) http.Handler { return faults.Wrap(simfault.Upstream(up), h) }
	}
	var (
		issuer  = cfg.HelseIDIssuer
		key     jose.JSONWebKey
		auditor = cfg.AuditorPIDs
		sim     *simServer
	)
	if issuer == "" {
		if sim, key, err = sh.startDemoHelseID(ctx, baseURL.String()); err != nil {
			return err
		}
		issuer = sim.issuer
		cfg.HelseIDClientID = demoClientID
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
	// Upstreams given by URL may be `oppslag simulators`: they say so
	// (SyntheticHeader), and the band then says the data is synthetic.
	announced := probeSynthetic(ctx, logger, cfg)
	if len(auditor) == 0 && (sim != nil || announced[upHelseID]) {
		// The simulator's auditor persona reads the audit trail, as in
		// the demo; a real HelseID's users need OPPSLAG_AUDITOR_PIDS.
		auditor = demoAuditors()
	}

	population := demoPopulation(cfg, logger)
	// The API simulators check tokens as the real APIs do, against
	// HelseID: the in-process simulator directly, or any other HelseID
	// (a real test HelseID: mixed mode) by its published keys.
	var verifier personsim.TokenVerifier
	if sim != nil {
		verifier = sim.Server
	} else {
		verifier = apitoken.New(issuer, apitoken.Options{HTTPClient: instrumentedClient(m, upHelseID, 5*time.Second)})
	}

	personURL := cfg.PersonAPIURL
	var personChanges *personsim.Changes // a tester's changes to the simulated persons
	if personURL == "" {
		p, err := population()
		if err != nil {
			return err
		}
		if personURL, personChanges, err = sh.startPersonSim(ctx, "127.0.0.1:0", p, verifier); err != nil {
			return err
		}
	}
	personAPI, err := person.New(personURL, person.FullAccess, instrumentedClient(m, upPerson, cfg.UpstreamTimeout))
	if err != nil {
		return fmt.Errorf("OPPSLAG_PERSON_API_URL: %w", err)
	}
	labsURL := cfg.LabsAPIURL
	if labsURL == "" {
		p, err := population()
		if err != nil {
			return err
		}
		if labsURL, err = sh.startLabsSim(ctx, "127.0.0.1:0", p, verifier); err != nil {
			return err
		}
	}
	labsAPI, err := labs.New(labsURL, instrumentedClient(m, upLabs, cfg.UpstreamTimeout))
	if err != nil {
		return fmt.Errorf("OPPSLAG_LABS_API_URL: %w", err)
	}

	hprs, err := startHPR(ctx, cfg, sh, population, m)
	if err != nil {
		return err
	}
	observeHPR(m, hprs)
	syntheticData := cfg.demo() || len(announced) > 0
	var testdata *synthetic.Population
	var changer handlers.PersonChanger // nil unless every upstream is simulated here
	if allSimulated {
		if testdata, err = population(); err != nil {
			return err
		}
		changer = personChanges
	}
	var personCache *personcache.Cache // nil: every page asks the Person API
	if !cfg.PersonCacheOff {
		personCache = personcache.New(personAPI, personcache.Config{Interval: cfg.PersonEventsInterval})
	}
	batches, err := hprBatchStore(cfg)
	if err != nil {
		return err
	}
	readCheckpoints, closeCheckpoints, err := checkpointReader(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeCheckpoints()

	hc, err := helseid.New(helseid.Config{
		Issuer:                issuer,
		ClientID:              cfg.HelseIDClientID,
		Key:                   key,
		DPoPKey:               dpopKey,
		RedirectURL:           baseURL.String() + "/auth/callback",
		PostLogoutRedirectURL: baseURL.String() + "/signed-out",
		Scopes:                helseIDScopes,
		Resources:             apiResources,
		HTTPClient:            instrumentedClient(m, upHelseID, 10*time.Second),
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
		BaseURL:          baseURL,
		HelseID:          hc,
		HelseIDIssuer:    issuer,
		Audit:            auditStore,
		Sessions:         sessions,
		Logger:           logger,
		Demo:             syntheticData,
		Testdata:         testdata,
		PersonChanges:    changer,
		Faults:           faults,
		HPRBatches:       batches,
		AuditCheckpoints: readCheckpoints,
		IdleTimeout:      cfg.IdleTimeout,
		AbsoluteTimeout:  cfg.AbsoluteTimeout,
		TrustedProxies:   cfg.TrustedProxies,
		AuditorPIDs:      auditor,
		PersonAPI:        personAPI,
		PersonCache:      personCache,
		LabsAPI:          labsAPI,
		HPRAPI:           hprs.client,
		HPRIndex:         hprs.index.current,
		UpstreamTimeout:  cfg.UpstreamTimeout,
		EmergencyWindow:  cfg.EmergencyWindow,
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
		Handler:           web.ObserveRequests(srv, requestObserver(m)),
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    1 << 20,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(ln) }()
	var ms *http.Server
	if m != nil {
		ms = metricsServer(m, logger)
		go func() { errc <- fmt.Errorf("metrics: %w", ms.Serve(mln)) }()
		logger.Info("metrics served", "url", metricsURL(mln))
		fmt.Fprintf(stdout, "Oppslag metrics on %s\n", metricsURL(mln))
	}
	logger.Info("Oppslag started", "url", baseURL.String(), "addr", ln.Addr().String(), "demo", cfg.demo(), "synthetic", syntheticData, "config", cfg.String())
	// The listening line is the URL alone: scripts and tests read it. With
	// a base URL configured it does not show the bound address (port 0
	// picks one), so a line before it does.
	if cfg.BaseURL != "" {
		fmt.Fprintf(stdout, "Oppslag bound to %s\n", ln.Addr())
	}
	fmt.Fprintf(stdout, "Oppslag listening on %s\n", baseURL)

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	if ms != nil {
		// Scrapes are short; the portal's own shutdown is what may take time.
		_ = ms.Shutdown(shutdownCtx)
	}
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
// portal reuses its connections (Go's default keeps only 2). The portal's
// own clients come from instrumentedClient (metrics.go), which also counts
// and times each exchange when metrics are on.
func upstreamClient(timeout time.Duration) *http.Client {
	return instrumentedClient(nil, "", timeout)
}

// probeSynthetic asks each upstream given by URL whether it is one of our
// simulators (SyntheticHeader on its answer) and returns those that are, by
// name. Only loopback URLs are asked: the simulators listen nowhere else
// (simulators.go), so a real service is never sent a probe. A probe that
// fails counts as "not synthetic": the answer can only add the band, never
// remove it or open a demo feature.
func probeSynthetic(ctx context.Context, logger *slog.Logger, cfg Config) map[string]bool {
	targets := map[string]string{}
	if cfg.HelseIDIssuer != "" {
		targets[upHelseID] = cfg.HelseIDIssuer + "/.well-known/openid-configuration"
	}
	for up, u := range map[string]string{upPerson: cfg.PersonAPIURL, upLabs: cfg.LabsAPIURL, upHPR: cfg.HPRAPIURL, upMaskinporten: cfg.MaskinportenURL} {
		if u != "" {
			targets[up] = u
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out = map[string]bool{}
	)
	for up, target := range targets {
		u, err := url.Parse(target)
		if err != nil || !helseid.IsLoopback(u.Hostname()) {
			continue
		}
		wg.Go(func() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
			if err != nil {
				return
			}
			resp, err := hc.Do(req)
			if err != nil {
				logger.Warn("upstream not reachable at start-up; not known to be synthetic", "upstream", up, "err", err)
				return
			}
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			if resp.Header.Get(SyntheticHeader) == "true" {
				mu.Lock()
				out[up] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(out) > 0 {
		logger.Info("upstreams announce synthetic data; the band says so", "upstreams", strings.Join(slices.Sorted(maps.Keys(out)), ","))
	}
	return out
}
