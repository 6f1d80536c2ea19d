package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/clocktest"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprindex"
	"github.com/oppslag/oppslag/clients/hpr/hprsim"
	"github.com/oppslag/oppslag/clients/hpr/maskinportensim"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/handlers"
	"github.com/oppslag/oppslag/web/logging"
	"github.com/oppslag/oppslag/web/sessionstore"
)

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is a portal wired to the real HelseID simulator and real stores,
// served over loopback: nothing in between is mocked.
type harness struct {
	t      *testing.T
	clock  *clocktest.Clock // shared by the portal, its HelseID client and the simulators
	sim    *helseidsim.Server
	simURL string
	srv    *Server
	url    string
	audit  audit.Store
	kv     sessionstore.Store
	logs   *syncBuffer

	// The Person API simulator over the test population, checking tokens
	// against the HelseID simulator as the real API checks HelseID's.
	personSim *personsim.Server
	pop       *synthetic.Population
	registry  personsim.Registry // what personSim serves; withRegistry replaces it

	// The lab results simulator over the same population.
	labSim *labsim.Server

	// Maskinporten and HPR simulators over the same population, the HPR
	// client the portal uses, and the local index when withHPRIndex.
	mpSim     *maskinportensim.Server
	hprSim    *hprsim.Server
	hprClient *hpr.Client
	hprIndex  *hprindex.Index
	hprScopes []string
	withIndex bool
	hprBucket int // 0: HPR's own 200

	simOptions helseidsim.Options // set by options before the simulator starts

	// personFront, when set, stands in front of the Person API simulator:
	// it answers some requests itself, as a real deployment would, and
	// passes the rest on (withPersonDocument).
	personFront func(sim http.Handler) http.Handler
}

type harnessOption func(*harness, *Config)

// testPopulation is the synthetic population every harness serves: small,
// fixed, and generated once per test binary.
var testPopulation = sync.OnceValues(func() (*synthetic.Population, error) {
	return synthetic.Generate(synthetic.Options{Seed: 1, Persons: 2000})
})

// withRegistry makes the Person API simulator serve reg instead of the
// plain test population (e.g. the population with hostile fixtures on top).
func withRegistry(reg personsim.Registry) harnessOption {
	return func(h *harness, _ *Config) { h.registry = reg }
}

// withRefreshTokenLifetime shortens the simulator's refresh tokens, so a
// session can outlive its HelseID grant.
func withRefreshTokenLifetime(d time.Duration) harnessOption {
	return func(h *harness, _ *Config) { h.simOptions.RefreshTokenLifetime = d }
}

// withUpstreamTimeout sets the per-upstream deadline (S32).
func withUpstreamTimeout(d time.Duration) harnessOption {
	return func(_ *harness, cfg *Config) { cfg.UpstreamTimeout = d }
}

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	h := &harness{t: t, clock: clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)), logs: &syncBuffer{}}

	simTS := httptest.NewUnstartedServer(nil)
	h.simURL = "http://" + simTS.Listener.Addr().String()
	portalTS := httptest.NewUnstartedServer(nil)
	h.url = "http://" + portalTS.Listener.Addr().String()
	// Options may set simulator options too, so they run once on a scratch
	// config before the simulator exists (options only set fields).
	for _, o := range opts {
		o(h, &Config{})
	}
	simOpts := h.simOptions
	simOpts.Now = h.clock.Now
	sim, err := helseidsim.New(h.simURL, simOpts)
	if err != nil {
		t.Fatal(err)
	}
	h.sim = sim
	simTS.Config.Handler = sim
	simTS.Start()
	t.Cleanup(simTS.Close)

	key, err := helseid.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	scopes := []string{"openid", "profile", "offline_access", "helseid://scopes/identity/pid",
		"helseid://scopes/identity/security_level", "helseid://scopes/identity/assurance_level",
		"helseid://scopes/identity/network", "helseid://scopes/hpr/hpr_number",
		"nhn:hgd-persontjenesten-api/full-access", "nhn:pps/provesvar-read"}
	sim.RegisterClient(helseidsim.Client{
		ID: "portal", Keys: []jose.JSONWebKey{key.Public()},
		RedirectURIs:           []string{h.url + "/auth/callback"},
		PostLogoutRedirectURIs: []string{h.url + "/signed-out"},
		Scopes:                 scopes,
	})
	hc, err := helseid.New(helseid.Config{
		Issuer: h.simURL, ClientID: "portal", Key: key,
		RedirectURL: h.url + "/auth/callback", PostLogoutRedirectURL: h.url + "/signed-out",
		Scopes: scopes, Resources: []string{"nhn:hgd-persontjenesten-api", "nhn:pps"},
		Now: h.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.audit, err = audit.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "audit.db"), audit.WithClock(h.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.audit.Close() })
	h.kv = sessionstore.NewMemory(sessionstore.WithClock(h.clock.Now))
	base, _ := url.Parse(h.url)
	cfg := Config{
		BaseURL: base, HelseID: hc, HelseIDIssuer: h.simURL, Audit: h.audit, Sessions: h.kv,
		Logger: logging.New(h.logs, false, slog.LevelDebug), Demo: true, Now: h.clock.Now,
		AuditorPIDs: []string{persona(t, "auditor").PID},
	}
	h.pop, err = testPopulation()
	if err != nil {
		t.Fatal(err)
	}
	h.registry = h.pop
	for _, o := range opts {
		o(h, &cfg)
	}
	personTS := httptest.NewUnstartedServer(nil)
	personURL := "http://" + personTS.Listener.Addr().String()
	h.personSim = personsim.New(personURL, h.registry, sim)
	personTS.Config.Handler = h.personSim
	if h.personFront != nil {
		personTS.Config.Handler = h.personFront(h.personSim)
	}
	personTS.Start()
	t.Cleanup(personTS.Close)
	if cfg.PersonAPI, err = person.New(personURL, person.FullAccess, nil); err != nil {
		t.Fatal(err)
	}
	labsTS := httptest.NewUnstartedServer(nil)
	labsURL := "http://" + labsTS.Listener.Addr().String()
	h.labSim = labsim.New(labsURL, h.pop, sim)
	labsTS.Config.Handler = h.labSim
	labsTS.Start()
	t.Cleanup(labsTS.Close)
	if cfg.LabsAPI, err = labs.New(labsURL, nil); err != nil {
		t.Fatal(err)
	}
	h.startHPR(&cfg)
	h.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	portalTS.Config.Handler = h.srv
	portalTS.Start()
	t.Cleanup(portalTS.Close)
	return h
}

func persona(t *testing.T, id string) helseidsim.Persona {
	t.Helper()
	for _, p := range helseidsim.Personas() {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no persona %q", id)
	return helseidsim.Persona{}
}

// browser is a cookie-keeping HTTP client that does not follow redirects by
// itself, so each hop can be inspected.
type browser struct {
	t   *testing.T
	h   *harness
	jar http.CookieJar
	c   *http.Client
}

func (h *harness) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: h.t, h: h, jar: jar, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is a response with its body read.
type page struct {
	*http.Response
	body string
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	if _, set := req.Header["Sec-Fetch-Site"]; !set && req.Method != http.MethodGet {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return &page{Response: resp, body: string(body)}
}

func (b *browser) get(path string, header ...string) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.abs(path), nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func (b *browser) post(path string, form url.Values, header ...string) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.abs(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func (b *browser) abs(p string) string {
	if strings.HasPrefix(p, "http") {
		return p
	}
	return b.h.url + p
}

// follow GETs redirects from p until a non-redirect response.
func (b *browser) follow(p *page) *page {
	b.t.Helper()
	for i := 0; i < 10 && p.StatusCode >= 300 && p.StatusCode < 400; i++ {
		loc, err := p.Request.URL.Parse(p.Header.Get("Location"))
		if err != nil {
			b.t.Fatal(err)
		}
		p = b.get(loc.String())
	}
	return p
}

// login signs in as the persona and returns the start page.
func (b *browser) login(personaID string) *page {
	b.t.Helper()
	p := b.follow(b.get("/login?login_hint=" + personaID))
	if p.StatusCode != http.StatusOK {
		b.t.Fatalf("login as %s: status %d at %s", personaID, p.StatusCode, p.Request.URL.Path)
	}
	return p
}

// cookie returns the browser's value of the named cookie at the portal.
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.h.url)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// csrfToken reads the hidden csrf_token field from a page.
func csrfToken(t *testing.T, body string) string {
	t.Helper()
	for _, m := range inputRE.FindAllString(body, -1) {
		if strings.Contains(m, `name="csrf_token"`) {
			if v := valueRE.FindStringSubmatch(m); v != nil {
				return v[1]
			}
		}
	}
	t.Fatalf("no csrf_token field in page")
	return ""
}

var (
	inputRE = regexp.MustCompile(`<input[^>]*>`)
	valueRE = regexp.MustCompile(`value="([^"]*)"`)
)

// records returns every audit record so far.
func (h *harness) records() []audit.Record {
	h.t.Helper()
	recs, err := h.audit.Query(context.Background(), audit.Filter{})
	if err != nil {
		h.t.Fatal(err)
	}
	return recs
}

func countActions(recs []audit.Record, action string, outcome audit.Outcome) int {
	n := 0
	for _, r := range recs {
		if r.Action == action && r.Outcome == outcome {
			n++
		}
	}
	return n
}

// withHPRScopes sets the Maskinporten scopes of the portal's HPR client
// (default basic and extended).
func withHPRScopes(scopes ...string) harnessOption {
	return func(h *harness, _ *Config) { h.hprScopes = scopes }
}

// withHPRBucket runs the HPR simulator and the portal's limiter with a
// bucket of capacity (refill still 10 a minute).
func withHPRBucket(capacity int) harnessOption {
	return func(h *harness, _ *Config) { h.hprBucket = capacity }
}

// withHPRIndex builds the local index from the HPR simulator's export
// before the portal starts (adds the export scope).
func withHPRIndex() harnessOption {
	return func(h *harness, _ *Config) { h.withIndex = true }
}

// startHPR starts the Maskinporten and HPR simulators on the harness clock
// and gives the portal its HPR client (and index).
func (h *harness) startHPR(cfg *Config) {
	t := h.t
	mpTS := httptest.NewUnstartedServer(nil)
	issuer := "http://" + mpTS.Listener.Addr().String() + "/"
	mp, err := maskinportensim.New(issuer, maskinportensim.Options{Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h.mpSim = mp
	mpTS.Config.Handler = mp
	mpTS.Start()
	t.Cleanup(mpTS.Close)
	hprTS := httptest.NewUnstartedServer(nil)
	h.hprSim = hprsim.New(h.pop, mp, hprsim.Options{Now: h.clock.Now, Capacity: h.hprBucket})
	hprTS.Config.Handler = h.hprSim
	hprTS.Start()
	t.Cleanup(hprTS.Close)

	scopes := h.hprScopes
	if scopes == nil {
		scopes = []string{hpr.ScopeBasic, hpr.ScopeExtended}
	}
	if h.withIndex {
		scopes = append(scopes, hpr.ScopeExport)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if err := mp.RegisterClient("portal", &key.PublicKey, "k1", scopes...); err != nil {
		t.Fatal(err)
	}
	tokens, err := hpr.NewTokenSource(hpr.TokenConfig{Issuer: issuer, ClientID: "portal", Scopes: scopes, Now: h.clock.Now,
		Key: jose.JSONWebKey{Key: key, KeyID: "k1", Algorithm: string(jose.RS256)}})
	if err != nil {
		t.Fatal(err)
	}
	h.hprClient, err = hpr.New(hpr.Config{BaseURL: "http://" + hprTS.Listener.Addr().String(), Tokens: tokens,
		Now: h.clock.Now, Limiter: hpr.NewMemoryLimiter(hpr.LimiterOptions{Now: h.clock.Now, Capacity: h.hprBucket})})
	if err != nil {
		t.Fatal(err)
	}
	cfg.HPRAPI = h.hprClient
	if !h.withIndex {
		return
	}
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "export.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	size, err := h.hprClient.Export(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hprindex.Build(context.Background(), filepath.Join(dir, "hpr.db"), f, size, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if h.hprIndex, err = hprindex.Open(filepath.Join(dir, "hpr.db")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.hprIndex.Close() })
	cfg.HPRIndex = func() handlers.HPRIndex { return h.hprIndex }
}
