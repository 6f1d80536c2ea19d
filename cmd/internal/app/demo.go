package app

// The simulators: every upstream the configuration leaves unset is
// simulated on loopback in the portal's process over one synthetic
// population (the embedded demo, Serve), and `oppslag simulators` runs all
// of them as one service for several portals (simulators.go). Both start
// them through this file, and every simulator's handler passes
// simHost.serve: the one place where a handler is wrapped before it is
// served.

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprsim"
	"github.com/oppslag/oppslag/clients/hpr/maskinportensim"
	"github.com/oppslag/oppslag/clients/labs/labsim"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/clients/synthetic"
)

// demoClientID is the client id the portal registers with the HelseID simulator.
const demoClientID = "oppslag-demo"

// The upstreams' names, as the fault middleware (clients/simfault) knows them.
const (
	upHelseID      = "helseid"
	upPerson       = "person"
	upLabs         = "labs"
	upHPR          = "hpr"
	upMaskinporten = "maskinporten"
)

// SyntheticHeader is the response header with which every simulator
// announces itself ("true"), on every answer. A portal pointed at the
// simulators by URL finds it at start-up (probeSynthetic) and shows the
// synthetic-data band while staying out of demo mode. It can only turn the
// band on: no feature opens because of it.
const SyntheticHeader = "Oppslag-Synthetic"

// simHost starts simulators in this process.
type simHost struct {
	logger *slog.Logger
	// wrap is applied to every simulator's handler before it is served,
	// with the upstream's name (upHelseID …); nil serves them as they are.
	// The fault middleware goes in here.
	wrap func(up string, h http.Handler) http.Handler
}

// listen opens a simulator's loopback listener at addr ("127.0.0.1:0" for
// any free port) and returns it with the simulator's base URL.
func (sh simHost) listen(name, addr string) (net.Listener, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("%s simulator: listen on %s: %w", name, addr, err)
	}
	return ln, "http://" + ln.Addr().String(), nil
}

// serve serves a simulator's handler on ln until ctx ends: wrapped (wrap),
// and announcing itself (SyntheticHeader) on every answer.
func (sh simHost) serve(ctx context.Context, ln net.Listener, up string, h http.Handler) {
	if sh.wrap != nil {
		h = sh.wrap(up, h)
	}
	serveLoopback(ctx, ln, announce(h), sh.logger)
}

// announce sets SyntheticHeader on every answer of h.
func announce(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(SyntheticHeader, "true")
		h.ServeHTTP(w, r)
	})
}

// simServer is the HelseID simulator running on a loopback port for the
// process's life.
type simServer struct {
	*helseidsim.Server
	issuer string
}

// startHelseIDSim starts the HelseID simulator at addr; its issuer is its
// own base URL.
func (sh simHost) startHelseIDSim(ctx context.Context, addr string) (*simServer, error) {
	ln, issuer, err := sh.listen("HelseID", addr)
	if err != nil {
		return nil, err
	}
	sim, err := helseidsim.New(issuer, helseidsim.Options{})
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("helseid simulator: %w", err)
	}
	sh.serve(ctx, ln, upHelseID, sim)
	sh.logger.Info("HelseID simulator started", "issuer", issuer)
	return &simServer{Server: sim, issuer: issuer}, nil
}

// registerDemoClient registers the demo client with key at the simulator,
// for portals at each of bases (their redirect and post-logout URIs).
func (s *simServer) registerDemoClient(key jose.JSONWebKey, bases []string) {
	c := helseidsim.Client{ID: demoClientID, Keys: []jose.JSONWebKey{key.Public()}, Scopes: helseIDScopes}
	for _, b := range bases {
		c.RedirectURIs = append(c.RedirectURIs, b+"/auth/callback")
		c.PostLogoutRedirectURIs = append(c.PostLogoutRedirectURIs, b+"/signed-out")
	}
	s.RegisterClient(c)
}

// startDemoHelseID starts the HelseID simulator on any free loopback port
// and registers the portal at it with a freshly generated client key, for
// the portal at baseURL.
func (sh simHost) startDemoHelseID(ctx context.Context, baseURL string) (*simServer, jose.JSONWebKey, error) {
	sim, err := sh.startHelseIDSim(ctx, "127.0.0.1:0")
	if err != nil {
		return nil, jose.JSONWebKey{}, err
	}
	key, err := helseid.GenerateKey()
	if err != nil {
		return nil, jose.JSONWebKey{}, fmt.Errorf("demo client key: %w", err)
	}
	sim.registerDemoClient(key, []string{baseURL})
	return sim, key, nil
}

// startPersonSim starts the Person API simulator at addr over pop, and,
// beside the population, a few persons whose every text is a hostile
// string (S25), so a tester sees them render inert. Tokens are checked by
// verifier: the in-process HelseID simulator, or an apitoken.Verifier.
// The returned Changes let a tester rename a person; the simulator then
// reports it in its event feed.
func (sh simHost) startPersonSim(ctx context.Context, addr string, pop *synthetic.Population, verifier personsim.TokenVerifier) (string, *personsim.Changes, error) {
	ln, base, err := sh.listen("Person API", addr)
	if err != nil {
		return "", nil, err
	}
	hostile := personsim.NewMemoryRegistry(synthetic.HostilePersons(), nil)
	changes := personsim.NewChanges(personsim.Overlay(hostile, pop))
	sh.serve(ctx, ln, upPerson, personsim.New(base, changes, verifier))
	sh.logger.Info("Person API simulator started", "url", base)
	return base, changes, nil
}

// startLabsSim starts the Pasientens prøvesvar simulator at addr over pop.
func (sh simHost) startLabsSim(ctx context.Context, addr string, pop *synthetic.Population, verifier labsim.TokenVerifier) (string, error) {
	ln, base, err := sh.listen("Pasientens prøvesvar", addr)
	if err != nil {
		return "", err
	}
	sh.serve(ctx, ln, upLabs, labsim.New(base, pop, verifier))
	sh.logger.Info("Pasientens prøvesvar simulator started", "url", base)
	return base, nil
}

// hprSims are the running Maskinporten and HPR simulators and the demo
// client registered at Maskinporten.
type hprSims struct {
	base     string          // HPR's base URL
	issuer   string          // Maskinporten's issuer, with its trailing slash
	clientID string          // demoMaskinportenClient
	key      jose.JSONWebKey // the client's private key
	scopes   []string        // all three HPR scopes
}

// startHPRSims starts the Maskinporten simulator at mpAddr and the HPR
// simulator at hprAddr over pop, and registers the demo client at
// Maskinporten with a fresh key and all three scopes, so every HPR feature
// shows.
func (sh simHost) startHPRSims(ctx context.Context, mpAddr, hprAddr string, pop *synthetic.Population) (*hprSims, error) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("maskinporten demo key: %w", err)
	}
	key := jose.JSONWebKey{Key: rsaKey, KeyID: "oppslag-demo-1", Algorithm: string(jose.RS256), Use: "sig"}
	ln, base, err := sh.listen("Maskinporten", mpAddr)
	if err != nil {
		return nil, err
	}
	mp, err := maskinportensim.New(base+"/", maskinportensim.Options{})
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("maskinporten simulator: %w", err)
	}
	scopes := []string{hpr.ScopeBasic, hpr.ScopeExtended, hpr.ScopeExport}
	if err := mp.RegisterClient(demoMaskinportenClient, &rsaKey.PublicKey, key.KeyID, scopes...); err != nil {
		ln.Close()
		return nil, fmt.Errorf("maskinporten simulator: %w", err)
	}
	sh.serve(ctx, ln, upMaskinporten, mp)
	sh.logger.Info("Maskinporten simulator started", "url", base)
	hln, hbase, err := sh.listen("HPR", hprAddr)
	if err != nil {
		return nil, err
	}
	sh.serve(ctx, hln, upHPR, hprsim.New(pop, mp, hprsim.Options{}))
	sh.logger.Info("HPR simulator started", "url", hbase)
	return &hprSims{base: hbase, issuer: base + "/", clientID: demoMaskinportenClient, key: key, scopes: slices.Clone(scopes)}, nil
}

// demoAuditors are the PIDs of the simulator's auditor personas: where the
// HelseID is the simulator they may read the audit trail without
// OPPSLAG_AUDITOR_PIDS.
func demoAuditors() []string {
	var pids []string
	for _, p := range helseidsim.Personas() {
		if p.ID == "auditor" {
			pids = append(pids, p.PID)
		}
	}
	return pids
}

// demoPopulation returns the demo population (OPPSLAG_DEMO_SEED,
// OPPSLAG_DEMO_PERSONS), generated once when a simulator first needs it.
func demoPopulation(cfg Config, logger *slog.Logger) func() (*synthetic.Population, error) {
	var pop *synthetic.Population
	return func() (*synthetic.Population, error) {
		if pop != nil {
			return pop, nil
		}
		start := time.Now()
		p, err := synthetic.Generate(synthetic.Options{Seed: cfg.DemoSeed, Persons: cfg.DemoPersons})
		if err != nil {
			return nil, fmt.Errorf("synthetic population: %w", err)
		}
		logger.Info("synthetic population generated", "persons", cfg.DemoPersons, "seed", cfg.DemoSeed,
			"ms", time.Since(start).Milliseconds())
		pop = p
		return pop, nil
	}
}

// serveLoopback serves h on ln until ctx ends.
func serveLoopback(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	go func() { _ = hs.Serve(ln) }()
	go func() {
		<-ctx.Done()
		c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(c)
	}()
}
