package app

// The demo: every upstream the configuration leaves unset is simulated on
// loopback in this process, over one synthetic population. Serve decides
// which; this file starts them.

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
	"github.com/oppslag/oppslag/clients/synthetic"
)

// demoClientID is the client id the portal registers with the HelseID simulator.
const demoClientID = "oppslag-demo"

// startDemoHelseID starts the HelseID simulator and registers the portal
// at it with a freshly generated client key, for the portal at baseURL.
func startDemoHelseID(ctx context.Context, logger *slog.Logger, baseURL string) (*simServer, jose.JSONWebKey, error) {
	sim, err := startHelseIDSim(ctx, logger)
	if err != nil {
		return nil, jose.JSONWebKey{}, err
	}
	key, err := helseid.GenerateKey()
	if err != nil {
		return nil, jose.JSONWebKey{}, fmt.Errorf("demo client key: %w", err)
	}
	sim.RegisterClient(helseidsim.Client{
		ID:                     demoClientID,
		Keys:                   []jose.JSONWebKey{key.Public()},
		RedirectURIs:           []string{baseURL + "/auth/callback"},
		PostLogoutRedirectURIs: []string{baseURL + "/signed-out"},
		Scopes:                 helseIDScopes,
	})
	logger.Info("HelseID simulator started", "issuer", sim.issuer)
	return sim, key, nil
}

// demoAuditors are the PIDs of the simulator's auditor personas: in the
// demo they may read the audit trail without OPPSLAG_AUDITOR_PIDS.
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

// simServer is a simulator running on a loopback port for the process's life.
type simServer struct {
	*helseidsim.Server
	issuer string
}

func startHelseIDSim(ctx context.Context, logger *slog.Logger) (*simServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("helseid simulator: listen: %w", err)
	}
	issuer := "http://" + ln.Addr().String()
	sim, err := helseidsim.New(issuer, helseidsim.Options{})
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("helseid simulator: %w", err)
	}
	serveLoopback(ctx, ln, sim, logger)
	return &simServer{Server: sim, issuer: issuer}, nil
}

// startSim serves the handler that mk makes for its base URL on a loopback
// port until ctx ends, and returns that base URL.
func startSim(ctx context.Context, name string, logger *slog.Logger, mk func(base string) http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("%s simulator: listen: %w", name, err)
	}
	base := "http://" + ln.Addr().String()
	serveLoopback(ctx, ln, mk(base), logger)
	logger.Info(name+" simulator started", "url", base)
	return base, nil
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
