package app

// `oppslag simulators`: every simulator (HelseID, Person API, Pasientens
// prøvesvar, Maskinporten, HPR) in one process, on fixed loopback ports,
// over one population, for several portals at once. Portals pointed at it
// by URL run in non-demo mode; the simulators announce themselves
// (SyntheticHeader), so their band still says the data is synthetic.
//
// Decisions:
//   - Loopback only, for the listeners and for the portals: the HelseID
//     simulator logs anyone in as any persona and the APIs serve whoever
//     holds its tokens, so none of it may be reachable from elsewhere, and
//     no login may be sent anywhere else.
//   - The portals' redirect URIs are registered per --portal (repeatable,
//     default http://127.0.0.1:8080), never "any loopback URL": the
//     simulator checks redirect URIs exactly, as HelseID does.
//   - The APIs verify tokens by the issuer's published keys
//     (clients/helseid/apitoken), as the real APIs do, so --issuer can name
//     a real test HelseID instead of starting the simulator (mixed mode).
//   - The client keys are generated at each start and written, 0600, to
//     --keys (default: a fresh private temporary directory, removed at
//     exit); the printed settings name the files.
//   - Once everything listens, the settings are printed to stdout in one
//     write, one OPPSLAG_…=value line each; the logs go to stderr.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/helseid/apitoken"
	"github.com/oppslag/oppslag/web/logging"
)

// Default loopback addresses of the simulators service.
const (
	defaultHelseIDAddr      = "127.0.0.1:8701"
	defaultPersonAddr       = "127.0.0.1:8702"
	defaultLabsAddr         = "127.0.0.1:8703"
	defaultMaskinportenAddr = "127.0.0.1:8704"
	defaultHPRAddr          = "127.0.0.1:8705"
	defaultPortal           = "http://127.0.0.1:8080"
)

// simulatorsConfig is the configuration of `oppslag simulators`.
type simulatorsConfig struct {
	helseidAddr, personAddr, labsAddr, maskinportenAddr, hprAddr string
	seed                                                         int64
	persons                                                      int
	keyDir                                                       string // "" for a fresh temporary directory
	portals                                                      []string
	issuer                                                       string // a HelseID to trust instead of the simulator
	logFormat                                                    string
}

// parseSimulators reads the flags; the population's defaults are the
// demo's (OPPSLAG_DEMO_SEED, OPPSLAG_DEMO_PERSONS).
func parseSimulators(args []string, getenv func(string) string, stderr io.Writer) (simulatorsConfig, error) {
	base, err := LoadConfig(func(k string) string {
		switch k {
		case "OPPSLAG_DEMO_SEED", "OPPSLAG_DEMO_PERSONS", "OPPSLAG_LOG_FORMAT":
			return getenv(k)
		}
		return ""
	})
	if err != nil {
		return simulatorsConfig{}, err
	}
	c := simulatorsConfig{logFormat: base.LogFormat}
	fs := flag.NewFlagSet("oppslag simulators", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.helseidAddr, "helseid-addr", defaultHelseIDAddr, "HelseID simulator's loopback `host:port`")
	fs.StringVar(&c.personAddr, "person-addr", defaultPersonAddr, "Person API simulator's loopback `host:port`")
	fs.StringVar(&c.labsAddr, "labs-addr", defaultLabsAddr, "Pasientens prøvesvar simulator's loopback `host:port`")
	fs.StringVar(&c.maskinportenAddr, "maskinporten-addr", defaultMaskinportenAddr, "Maskinporten simulator's loopback `host:port`")
	fs.StringVar(&c.hprAddr, "hpr-addr", defaultHPRAddr, "HPR simulator's loopback `host:port`")
	fs.Int64Var(&c.seed, "seed", base.DemoSeed, "seed of the synthetic population")
	fs.IntVar(&c.persons, "persons", base.DemoPersons, "size of the synthetic population, 100 to 2000000")
	fs.StringVar(&c.keyDir, "keys", "", "`directory` for the client key files (default: a fresh temporary directory, removed at exit)")
	fs.StringVar(&c.issuer, "issuer", "", "a HelseID `issuer` whose tokens the APIs accept, instead of starting the HelseID simulator")
	fs.Func("portal", "a portal's base `URL` (loopback) the HelseID simulator may send logins back to; repeatable (default "+defaultPortal+")", func(v string) error {
		c.portals = append(c.portals, strings.TrimSuffix(v, "/"))
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("simulators: unexpected argument %q", fs.Arg(0))
	}
	if len(c.portals) == 0 {
		c.portals = []string{defaultPortal}
	}
	for _, a := range []struct{ flag, addr string }{
		{"--helseid-addr", c.helseidAddr}, {"--person-addr", c.personAddr}, {"--labs-addr", c.labsAddr},
		{"--maskinporten-addr", c.maskinportenAddr}, {"--hpr-addr", c.hprAddr},
	} {
		host, port, err := net.SplitHostPort(a.addr)
		if _, perr := strconv.ParseUint(port, 10, 16); err != nil || perr != nil || !helseid.IsLoopback(host) {
			return c, fmt.Errorf("simulators: %s %q: want a loopback host:port, e.g. 127.0.0.1:8701", a.flag, a.addr)
		}
	}
	for _, p := range c.portals {
		u, err := url.Parse(p)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" ||
			u.RawQuery != "" || u.Fragment != "" || u.User != nil || !helseid.IsLoopback(u.Hostname()) {
			return c, fmt.Errorf("simulators: --portal %q: want a loopback base URL, e.g. http://127.0.0.1:8080", p)
		}
	}
	if c.persons < 100 || c.persons > 2_000_000 {
		return c, errors.New("simulators: --persons: want a whole number from 100 to 2000000")
	}
	if c.issuer != "" {
		c.issuer = strings.TrimSuffix(c.issuer, "/")
		u, err := url.Parse(c.issuer)
		if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && helseid.IsLoopback(u.Hostname()))) {
			return c, fmt.Errorf("simulators: --issuer %q: want https:// (plain http only on loopback)", c.issuer)
		}
	}
	return c, nil
}

// Simulators runs `oppslag simulators` until ctx ends: every simulator on
// its loopback port, then the settings for the portals on stdout in one
// write (Settings), logs on stderr.
func Simulators(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parseSimulators(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logger := logging.New(stderr, c.logFormat == "json", slog.LevelInfo)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sims, err := startSimulators(ctx, c, simHost{logger: logger})
	if err != nil {
		return err
	}
	defer sims.cleanup()
	if _, err := io.WriteString(stdout, sims.settings()); err != nil {
		return fmt.Errorf("simulators: print settings: %w", err)
	}
	logger.Info("simulators ready", "portals", strings.Join(c.portals, " "))
	<-ctx.Done()
	return nil
}

// simulators is a running simulators service.
type simulators struct {
	helseID   *simServer      // nil with --issuer
	clientKey jose.JSONWebKey // the demo client's key at the HelseID simulator
	portals   []string
	issuer    string
	person    string
	labs      string
	hpr       *hprSims
	keyFiles  struct{ helseID, maskinporten string }
	cleanup   func()
}

// startSimulators starts every simulator of c through sh and writes the
// client keys.
func startSimulators(ctx context.Context, c simulatorsConfig, sh simHost) (*simulators, error) {
	s := &simulators{portals: c.portals, cleanup: func() {}}
	dir := c.keyDir
	if dir == "" {
		d, err := os.MkdirTemp("", "oppslag-simulators-")
		if err != nil {
			return nil, fmt.Errorf("simulators: key directory: %w", err)
		}
		dir, s.cleanup = d, func() { os.RemoveAll(d) }
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("simulators: --keys: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			s.cleanup()
		}
	}()
	pop, err := demoPopulation(Config{DemoSeed: c.seed, DemoPersons: c.persons}, sh.logger)()
	if err != nil {
		return nil, err
	}
	s.issuer = c.issuer
	if s.issuer == "" {
		if s.helseID, err = sh.startHelseIDSim(ctx, c.helseidAddr); err != nil {
			return nil, err
		}
		s.issuer = s.helseID.issuer
		if s.clientKey, err = helseid.GenerateKey(); err != nil {
			return nil, fmt.Errorf("simulators: demo client key: %w", err)
		}
		s.helseID.registerDemoClient(s.clientKey, s.portals)
		s.keyFiles.helseID = filepath.Join(dir, "helseid-client-key.json")
		if err := writeKeyFile(s.keyFiles.helseID, s.clientKey); err != nil {
			return nil, err
		}
	}
	// One verifier for both APIs: one cache of the issuer's keys.
	verifier := apitoken.New(s.issuer, apitoken.Options{HTTPClient: upstreamClient(5 * time.Second)})
	if s.person, _, err = sh.startPersonSim(ctx, c.personAddr, pop, verifier); err != nil {
		return nil, err
	}
	if s.labs, err = sh.startLabsSim(ctx, c.labsAddr, pop, verifier); err != nil {
		return nil, err
	}
	if s.hpr, err = sh.startHPRSims(ctx, c.maskinportenAddr, c.hprAddr, pop); err != nil {
		return nil, err
	}
	s.keyFiles.maskinporten = filepath.Join(dir, "maskinporten-client-key.json")
	if err := writeKeyFile(s.keyFiles.maskinporten, s.hpr.key); err != nil {
		return nil, err
	}
	ok = true
	return s, nil
}

// allowPortal lets the HelseID simulator send logins back to one more
// portal (tests start portals on free ports after the simulators).
func (s *simulators) allowPortal(base string) {
	if s.helseID == nil {
		return
	}
	s.portals = append(s.portals, strings.TrimSuffix(base, "/"))
	s.helseID.registerDemoClient(s.clientKey, s.portals)
}

// settings are the portal's environment for these simulators, one
// OPPSLAG_…=value line each. Values hold no spaces, so the lines work as
// `env $(cat file) oppslag`. With --issuer the HelseID lines are left out:
// the client of a real HelseID is the operator's own.
func (s *simulators) settings() string {
	var b strings.Builder
	line := func(k, v string) { fmt.Fprintf(&b, "%s=%s\n", k, v) }
	if s.helseID != nil {
		line("OPPSLAG_HELSEID_ISSUER", s.issuer)
		line("OPPSLAG_HELSEID_CLIENT_ID", demoClientID)
		line("OPPSLAG_HELSEID_KEY_FILE", s.keyFiles.helseID)
	}
	line("OPPSLAG_PERSON_API_URL", s.person)
	line("OPPSLAG_LABS_API_URL", s.labs)
	line("OPPSLAG_HPR_API_URL", s.hpr.base)
	line("OPPSLAG_MASKINPORTEN_URL", s.hpr.issuer)
	line("OPPSLAG_MASKINPORTEN_CLIENT_ID", s.hpr.clientID)
	line("OPPSLAG_MASKINPORTEN_KEY_FILE", s.keyFiles.maskinporten)
	line("OPPSLAG_HPR_SCOPES", strings.Join(s.hpr.scopes, ","))
	return b.String()
}

// writeKeyFile writes a private JWK readable by its owner only, replacing
// any file there.
func writeKeyFile(path string, key jose.JSONWebKey) error {
	raw, err := json.Marshal(key)
	if err != nil {
		return fmt.Errorf("simulators: key file: %w", err)
	}
	_ = os.Remove(path) // a file left by another user or mode is replaced, not reused
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("simulators: key file: %w", err)
	}
	if _, err := f.Write(raw); err != nil {
		f.Close()
		return fmt.Errorf("simulators: key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("simulators: key file: %w", err)
	}
	return nil
}
