package app

import (
	"bufio"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/web"
	"github.com/oppslag/oppslag/web/logging"
)

// testPersons is the population size of these tests: the smallest allowed,
// so generating it twice (simulators and test) costs nothing.
const testPersons = 100

func TestParseSimulators(t *testing.T) {
	none := func(string) string { return "" }
	c, err := parseSimulators(nil, none, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.helseidAddr != "127.0.0.1:8701" || c.hprAddr != "127.0.0.1:8705" || !slices.Equal(c.portals, []string{"http://127.0.0.1:8080"}) ||
		c.seed != 1 || c.persons != 20000 {
		t.Errorf("defaults: got %+v", c)
	}
	c, err = parseSimulators(nil, func(k string) string {
		return map[string]string{"OPPSLAG_DEMO_SEED": "7", "OPPSLAG_DEMO_PERSONS": "500"}[k]
	}, io.Discard)
	if err != nil || c.seed != 7 || c.persons != 500 {
		t.Errorf("population from the demo's variables: got seed %d persons %d (%v); want 7, 500", c.seed, c.persons, err)
	}
	refused := map[string][]string{
		"--helseid-addr": {"--helseid-addr", "0.0.0.0:8701"},
		"--person-addr":  {"--person-addr", "10.0.0.1:1"},
		"--hpr-addr":     {"--hpr-addr", "nonsense"},
		"--portal":       {"--portal", "https://oppslag.example.no"},
		"--issuer":       {"--issuer", "http://helseid.example.no"},
		"--persons":      {"--persons", "5"},
	}
	for name, args := range refused {
		t.Run(name, func(t *testing.T) {
			_, err := parseSimulators(args, none, io.Discard)
			if err == nil || !strings.Contains(err.Error(), name) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v; want one line naming %s", err, name)
			}
		})
	}
	c, err = parseSimulators([]string{"--portal", "http://127.0.0.1:8081/", "--portal", "http://localhost:8082", "--issuer", "https://helseid-sts.test.nhn.no/"}, none, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.portals, []string{"http://127.0.0.1:8081", "http://localhost:8082"}) || c.issuer != "https://helseid-sts.test.nhn.no" {
		t.Errorf("got portals %v issuer %q", c.portals, c.issuer)
	}
}

// freeAddr returns a loopback address nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuffer is a log buffer written by several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	sb strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.String()
}

// runUntilLine runs fn (Serve or Simulators) in the background until the
// test ends and returns what it printed to stdout up to the first line for
// which done is true.
func runUntilLine(t *testing.T, name string, fn func(ctx context.Context, stdout, stderr io.Writer) error, done func(line string) bool) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &syncBuffer{}
	exited := make(chan error, 1)
	go func() {
		exited <- fn(ctx, pw, logs)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("%s did not stop within 15 s of cancel", name)
		}
	})
	lines := make(chan []string, 1)
	go func() {
		var got []string
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			got = append(got, sc.Text())
			if done(sc.Text()) {
				lines <- got
				break
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	select {
	case got := <-lines:
		return got
	case err := <-exited:
		exited <- nil // the clean-up need not wait; the error is reported here
		t.Fatalf("%s stopped before it was ready: %v\n%s", name, err, logs)
	case <-time.After(60 * time.Second):
		t.Fatalf("%s not ready within 60 s\n%s", name, logs)
	}
	return nil
}

// startServe runs the portal with env until the test ends and returns its URL.
func startServe(t *testing.T, env map[string]string) string {
	t.Helper()
	lines := runUntilLine(t, "Serve", func(ctx context.Context, stdout, stderr io.Writer) error {
		return Serve(ctx, func(k string) string { return env[k] }, stdout, stderr)
	}, func(l string) bool { return strings.HasPrefix(l, "Oppslag listening on ") })
	return strings.TrimPrefix(lines[len(lines)-1], "Oppslag listening on ")
}

// browser is a user agent with a cookie jar: cookies are kept per host,
// not per port, so one browser carries its session to every portal on
// 127.0.0.1, as a load balancer's single origin would.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// post submits a form to a portal page with the CSRF token of page.
func (b *browser) post(portal, path, page string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	form.Set("csrf_token", between(page, `name="csrf_token" value="`, `"`))
	req, _ := http.NewRequest(http.MethodPost, portal+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", portal)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// login signs in as a persona through the portal's HelseID and returns the
// start page.
func (b *browser) login(portal, persona string) string {
	b.t.Helper()
	resp, body := b.get(portal + "/login?login_hint=" + persona)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" || !strings.Contains(body, `action="/logout"`) {
		b.t.Fatalf("login at %s ended at %s with %d", portal, resp.Request.URL, resp.StatusCode)
	}
	return body
}

// lookUp opens a person by number through the search form and returns the
// overview.
func (b *browser) lookUp(portal, page, nin string) (*http.Response, string) {
	b.t.Helper()
	return b.post(portal, "/search", page, url.Values{"q": {nin}})
}

func between(s, a, b string) string {
	_, s, ok := strings.Cut(s, a)
	if !ok {
		return ""
	}
	s, _, _ = strings.Cut(s, b)
	return s
}

// ordinaryPerson is a living person of the test population without a
// protected address, and their family name.
func ordinaryPerson(t *testing.T, seed int64) (nin, family string) {
	t.Helper()
	pop, err := synthetic.Generate(synthetic.Options{Seed: seed, Persons: testPersons})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pop.Where("resident", 0) {
		n := p.CurrentNIN()
		kinds := pop.Kinds(n)
		if name := p.CurrentName(); name != nil && !slices.Contains(kinds, "protected") && !slices.Contains(kinds, "deceased") {
			nin, family = n, name.FamilyName
			break
		}
	}
	if nin == "" {
		t.Fatal("no ordinary person in the test population")
	}
	return nin, family
}

// settingsOf reads the printed OPPSLAG_…=value lines.
func settingsOf(t *testing.T, lines []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, l := range lines {
		k, v, ok := strings.Cut(l, "=")
		if !ok || !strings.HasPrefix(k, "OPPSLAG_") || v == "" || strings.ContainsAny(v, " \t") {
			t.Fatalf("settings line %q: want OPPSLAG_NAME=value without spaces", l)
		}
		out[k] = v
	}
	return out
}

// TestSimulatorsCommand runs `oppslag simulators` as main does, reads its
// settings, points a portal at it by URL only, and uses it: the portal is
// not in demo mode (its own start-up says so), yet the band says the data
// is synthetic; login, a person and the APIs' token checks by JWKS work
// across the process boundary the URLs stand for.
func TestSimulatorsCommand(t *testing.T) {
	portalAddr := freeAddr(t)
	keys := t.TempDir()
	args := []string{"--portal", "http://" + portalAddr, "--keys", keys, "--seed", "3", "--persons", strconv.Itoa(testPersons),
		"--helseid-addr", "127.0.0.1:0", "--person-addr", "127.0.0.1:0", "--labs-addr", "127.0.0.1:0",
		"--maskinporten-addr", "127.0.0.1:0", "--hpr-addr", "127.0.0.1:0"}
	want := []string{"OPPSLAG_HELSEID_ISSUER", "OPPSLAG_HELSEID_CLIENT_ID", "OPPSLAG_HELSEID_KEY_FILE", "OPPSLAG_PERSON_API_URL",
		"OPPSLAG_LABS_API_URL", "OPPSLAG_HPR_API_URL", "OPPSLAG_MASKINPORTEN_URL", "OPPSLAG_MASKINPORTEN_CLIENT_ID",
		"OPPSLAG_MASKINPORTEN_KEY_FILE", "OPPSLAG_HPR_SCOPES"}
	lines := runUntilLine(t, "Simulators", func(ctx context.Context, stdout, stderr io.Writer) error {
		return Simulators(ctx, args, func(string) string { return "" }, stdout, stderr)
	}, func(l string) bool { return strings.HasPrefix(l, "OPPSLAG_HPR_SCOPES=") })
	env := settingsOf(t, lines)
	if got := slices.Sorted(maps.Keys(env)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Fatalf("settings: got %v, want %v", got, want)
	}
	for _, k := range []string{"OPPSLAG_HELSEID_KEY_FILE", "OPPSLAG_MASKINPORTEN_KEY_FILE"} {
		st, err := os.Stat(env[k])
		if err != nil || st.Mode().Perm() != 0o600 || filepath.Dir(env[k]) != keys {
			t.Errorf("%s %s: %v, mode %v; want a 0600 file in %s", k, env[k], err, st.Mode().Perm(), keys)
		}
		if _, err := helseid.LoadKey(env[k]); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	for _, k := range []string{"OPPSLAG_PERSON_API_URL", "OPPSLAG_LABS_API_URL", "OPPSLAG_HPR_API_URL", "OPPSLAG_MASKINPORTEN_URL"} {
		resp, err := http.Get(env[k])
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get(SyntheticHeader) != "true" {
			t.Errorf("%s does not announce itself (%s)", k, SyntheticHeader)
		}
	}

	env["OPPSLAG_ADDR"] = portalAddr
	env["OPPSLAG_DATABASE_URL"] = "sqlite:" + filepath.Join(t.TempDir(), "oppslag.db")
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.demo() {
		t.Fatal("a portal given every upstream by URL is in demo mode")
	}
	portal := startServe(t, env)
	b := newBrowser(t)
	start := b.login(portal, "doctor")
	if !strings.Contains(start, `data-testid="demo-band"`) {
		t.Error("no synthetic-data band on a portal pointed at the simulators")
	}
	nin, family := ordinaryPerson(t, 3)
	resp, body := b.lookUp(portal, start, nin)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/person/") || !strings.Contains(body, family) {
		t.Fatalf("look-up: %d at %s; want 200 on the person's page naming %q", resp.StatusCode, resp.Request.URL.Path, family)
	}
}

// TestMixedMode: a HelseID given by URL that is not ours (a second
// helseidsim in its own server plays the real test HelseID: the portal
// reaches it only over HTTP) with the Person API and prøvesvar left unset:
// the portal starts, the simulated APIs check that HelseID's tokens by its
// JWKS alone, and a person opens.
func TestMixedMode(t *testing.T) {
	portalAddr := freeAddr(t)
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	real, err := helseidsim.New(issuer, helseidsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = real
	srv.Start()
	t.Cleanup(srv.Close)
	key, err := helseid.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "key.json")
	if err := writeKeyFile(keyFile, key); err != nil {
		t.Fatal(err)
	}
	(&simServer{Server: real, issuer: issuer}).registerDemoClient(key, []string{"http://" + portalAddr})

	env := map[string]string{
		"OPPSLAG_ADDR":              portalAddr,
		"OPPSLAG_DATABASE_URL":      "sqlite:" + filepath.Join(t.TempDir(), "oppslag.db"),
		"OPPSLAG_HELSEID_ISSUER":    issuer,
		"OPPSLAG_HELSEID_CLIENT_ID": demoClientID,
		"OPPSLAG_HELSEID_KEY_FILE":  keyFile,
		"OPPSLAG_DEMO_SEED":         "5",
		"OPPSLAG_DEMO_PERSONS":      strconv.Itoa(testPersons),
		"OPPSLAG_HPR_INDEX_FILE":    "off",
		"OPPSLAG_AUDIT_CHECKPOINTS": "off",
	}
	portal := startServe(t, env)
	b := newBrowser(t)
	start := b.login(portal, "doctor")
	nin, family := ordinaryPerson(t, 5)
	resp, body := b.lookUp(portal, start, nin)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, family) {
		t.Fatalf("look-up in mixed mode: %d at %s; want 200 naming %q", resp.StatusCode, resp.Request.URL.Path, family)
	}
	if real.Stats().JWKS == 0 {
		t.Error("the simulated APIs never fetched the HelseID's JWKS")
	}
	// With a HelseID of its own the portal is not all simulated: the
	// testers' tools are not there, even for a signed-in user (F17, F19).
	for _, path := range []string{"/testdata", "/testdata/faults"} {
		if resp, _ := b.get(portal + path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s with a HelseID given by URL: status %d; want 404", path, resp.StatusCode)
		}
	}
}

// In the embedded default every upstream is simulated here, and the
// testers' tools are served.
func TestTestdataOnlyWhenAllSimulated(t *testing.T) {
	portal := startServe(t, map[string]string{
		"OPPSLAG_ADDR":              freeAddr(t),
		"OPPSLAG_DATABASE_URL":      "sqlite:" + filepath.Join(t.TempDir(), "oppslag.db"),
		"OPPSLAG_DEMO_PERSONS":      "500",
		"OPPSLAG_AUDIT_CHECKPOINTS": "off",
	})
	b := newBrowser(t)
	b.login(portal, "doctor")
	for _, path := range []string{"/testdata", "/testdata/faults"} {
		if resp, _ := b.get(portal + path); resp.StatusCode != http.StatusOK {
			t.Errorf("%s in the embedded default: status %d; want 200", path, resp.StatusCode)
		}
	}
}

// TestTwoInstances is the documented two-instance setup: one simulators
// service, two portals on one PostgreSQL and one Redis. A user logs in on
// A, continues on B with the same cookie and opens a person there; a batch
// check started on A is polled on B; the audit trail both wrote is one
// intact chain.
func TestTwoInstances(t *testing.T) {
	pg, rd := os.Getenv("OPPSLAG_TEST_POSTGRES_URL"), os.Getenv("OPPSLAG_TEST_REDIS_URL")
	if pg == "" || rd == "" {
		t.Skip("OPPSLAG_TEST_POSTGRES_URL and OPPSLAG_TEST_REDIS_URL not both set; e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable and redis://127.0.0.1:6379/0")
	}
	schema := "twoinst_" + rand8(t)
	dbURL := withSearchPath(pg, schema)
	t.Cleanup(func() { dropSchema(t, pg, schema) })

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logs := &syncBuffer{}
	c := simulatorsConfig{helseidAddr: "127.0.0.1:0", personAddr: "127.0.0.1:0", labsAddr: "127.0.0.1:0",
		maskinportenAddr: "127.0.0.1:0", hprAddr: "127.0.0.1:0", seed: 4, persons: testPersons, keyDir: t.TempDir()}
	sims, err := startSimulators(ctx, c, simHost{logger: slogTo(logs)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sims.cleanup)
	settings := settingsOf(t, strings.Split(strings.TrimSpace(sims.settings()), "\n"))

	dir := t.TempDir()
	instance := func(name string) (string, map[string]string) {
		env := maps.Clone(settings)
		maps.Copy(env, map[string]string{
			"OPPSLAG_ADDR":              freeAddr(t),
			"OPPSLAG_DATABASE_URL":      dbURL,
			"OPPSLAG_REDIS_URL":         rd,
			"OPPSLAG_HPR_CACHE_SECRET":  "two-instance-test",
			"OPPSLAG_HPR_INDEX_FILE":    filepath.Join(dir, name+"-hpr-index.db"),
			"OPPSLAG_AUDIT_CHECKPOINTS": filepath.Join(dir, name+"-checkpoints.jsonl"),
		})
		sims.allowPortal("http://" + env["OPPSLAG_ADDR"])
		return startServe(t, env), env
	}
	a, envA := instance("a")
	bURL, _ := instance("b")

	br := newBrowser(t)
	br.login(a, "doctor")
	resp, startB := br.get(bURL + "/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(startB, `action="/logout"`) {
		t.Fatalf("instance B with A's cookie: %d, signed in %t; want the signed-in start page", resp.StatusCode, strings.Contains(startB, `action="/logout"`))
	}
	nin, family := ordinaryPerson(t, 4)
	resp, body := br.lookUp(bURL, startB, nin)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, family) || strings.Contains(body, "avviste") {
		t.Fatalf("look-up on B: %d at %s; want 200 naming %q", resp.StatusCode, resp.Request.URL.Path, family)
	}

	t.Run("batch started on A is polled on B", func(t *testing.T) {
		if !webTakesBatchStore() {
			t.Skip("web.Config has no HPRBatches field yet: the shared batch store (hprBatchStore) is not wired into web")
		}
		_, form := br.get(a + "/hpr/batch")
		numbers := helseidsim.Personas()[0].HPRNumber
		resp, _ := br.post(a, "/hpr/batch", form, url.Values{"numbers": {numbers}})
		path := resp.Request.URL.Path
		if !strings.HasPrefix(path, "/hpr/batch/") || resp.StatusCode != http.StatusOK {
			t.Fatalf("batch on A ended at %s with %d", path, resp.StatusCode)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			resp, body := br.get(bURL + path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("batch polled on B: %d; want 200", resp.StatusCode)
			}
			if strings.Contains(body, path+"/csv") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the batch did not finish on B within 10 s")
			}
			time.Sleep(200 * time.Millisecond)
		}
	})

	var out strings.Builder
	if err := VerifyAudit(context.Background(), func(k string) string { return envA[k] }, &out); err != nil {
		t.Fatalf("audit verify: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "hash chain intact") {
		t.Errorf("audit verify said %q", out.String())
	}
}

// webTakesBatchStore reports whether web.Config can be given the shared
// batch store; until it can, a poll on another instance cannot find a
// batch check.
func webTakesBatchStore() bool {
	_, ok := reflect.TypeFor[web.Config]().FieldByName("HPRBatches")
	return ok
}

func rand8(t *testing.T) string {
	t.Helper()
	return strings.ToLower(rand.Text()[:12])
}

// withSearchPath puts the audit tables of a PostgreSQL URL in schema.
func withSearchPath(u, schema string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "search_path=" + schema
}

func dropSchema(t *testing.T, base, schema string) {
	conn, err := pgx.Connect(context.Background(), base)
	if err != nil {
		t.Errorf("drop schema: %v", err)
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
		t.Errorf("drop schema %s: %v", schema, err)
	}
}

func slogTo(w io.Writer) *slog.Logger { return logging.New(w, false, slog.LevelInfo) }

// TestProbeSynthetic: an upstream on loopback that announces itself counts,
// one that does not, or is unreachable, does not, and a URL off loopback is
// never asked.
func TestProbeSynthetic(t *testing.T) {
	var asked atomic.Int32
	sim := httptest.NewServer(announce(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		http.NotFound(w, r)
	})))
	t.Cleanup(sim.Close)
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	cfg := Config{
		HelseIDIssuer:   sim.URL,
		PersonAPIURL:    sim.URL + "/person",
		LabsAPIURL:      plain.URL,
		HPRAPIURL:       "https://api.offentlig.test.hpr.nhn.no",
		MaskinportenURL: "http://" + freeAddr(t) + "/",
	}
	got := probeSynthetic(context.Background(), slogTo(io.Discard), cfg)
	want := map[string]bool{upHelseID: true, upPerson: true}
	if !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if n := asked.Load(); n != 2 {
		t.Errorf("the simulator was asked %d times; want 2 (discovery and the Person API)", n)
	}
}

// TestHPRBatchStore: batch checks go to Redis exactly when it is configured.
func TestHPRBatchStore(t *testing.T) {
	mem, err := hprBatchStore(Config{})
	if err != nil || mem == nil {
		t.Fatalf("without Redis: %v", err)
	}
	shared, err := hprBatchStore(Config{RedisURL: "redis://127.0.0.1:1/0"})
	if err != nil || shared == nil {
		t.Fatalf("with Redis: %v", err)
	}
	if reflect.DeepEqual(mem, shared) {
		t.Error("the store with Redis is the memory store")
	}
	if _, err := hprBatchStore(Config{RedisURL: "redis://[bad"}); err == nil || !strings.Contains(err.Error(), "OPPSLAG_REDIS_URL") {
		t.Errorf("bad URL: got %v, want an error naming OPPSLAG_REDIS_URL", err)
	}
}
