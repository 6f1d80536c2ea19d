package hpr_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprsim"
	"github.com/oppslag/oppslag/clients/hpr/maskinportensim"
	"github.com/oppslag/oppslag/clients/upstream"
)

var bg = context.Background()

// grantRecorder keeps the assertions sent to Maskinporten.
type grantRecorder struct {
	mu     sync.Mutex
	grants []string
}

func (g *grantRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		if form, err := url.ParseQuery(string(b)); err == nil {
			g.mu.Lock()
			g.grants = append(g.grants, form.Get("assertion"))
			g.mu.Unlock()
		}
	}
	return http.DefaultTransport.RoundTrip(req)
}

func TestTokenSource_OneRequestPerLifetime(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	c := e.client(t, hpr.Config{})
	for i := range 50 {
		if _, err := c.ByNumber(bg, firstNumber+i); err != nil {
			t.Fatalf("lookup %d: %v", i, err)
		}
	}
	if got, want := e.mp.Stats().Issued, 1; got != want {
		t.Errorf("token requests for 50 lookups: got %d, want %d", got, want)
	}
	// expires_in is 120 s; the token is replaced 30 s before it runs out.
	e.clock.Advance(89 * time.Second)
	c.ByNumber(bg, firstNumber+60)
	if got, want := e.mp.Stats().Issued, 1; got != want {
		t.Errorf("token requests at 89 s: got %d, want %d", got, want)
	}
	e.clock.Advance(2 * time.Second)
	c.ByNumber(bg, firstNumber+61)
	if got, want := e.mp.Stats().Issued, 2; got != want {
		t.Errorf("token requests at 91 s: got %d, want %d", got, want)
	}
	if got := e.mp.Stats().Refused; len(got) != 0 {
		t.Errorf("Maskinporten refused grants: %v", got)
	}
}

func TestTokenSource_ConcurrentCallersShareOneFetch(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	ts := e.tokens(t, nil, hpr.ScopeBasic)
	var wg sync.WaitGroup
	tokens := make([]string, 32)
	errs := make([]error, 32)
	for i := range tokens {
		wg.Go(func() { tokens[i], errs[i] = ts.Token(bg) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
		if tokens[i] != tokens[0] {
			t.Errorf("caller %d got another token", i)
		}
	}
	if got, want := e.mp.Stats().Issued, 1; got != want {
		t.Errorf("token requests: got %d, want %d", got, want)
	}
}

func TestTokenSource_Grant(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	rec := &grantRecorder{}
	ts := e.tokens(t, &http.Client{Transport: rec}, hpr.ScopeBasic, hpr.ScopeExtended)
	first, err := ts.Token(bg)
	if err != nil {
		t.Fatal(err)
	}
	ts.Invalidate(first)
	if _, err := ts.Token(bg); err != nil {
		t.Fatal(err)
	}
	if len(rec.grants) != 2 {
		t.Fatalf("grants: got %d, want 2 (one after Invalidate)", len(rec.grants))
	}
	var jtis []string
	for _, raw := range rec.grants {
		tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatalf("grant is not an RS256 JWS: %v", err)
		}
		if got := tok.Headers[0].KeyID; got != mpKID {
			t.Errorf("kid: got %q, want %q", got, mpKID)
		}
		var c struct {
			jwt.Claims
			Scope string `json:"scope"`
		}
		if err := tok.Claims(&clientKey().PublicKey, &c); err != nil {
			t.Fatal(err)
		}
		now := e.clock.Now()
		if got := []string(c.Audience); !slices.Equal(got, []string{e.mpURL}) {
			t.Errorf("aud: got %v, want [%s]", got, e.mpURL)
		}
		if c.Issuer != mpClient {
			t.Errorf("iss: got %q, want %q", c.Issuer, mpClient)
		}
		if !c.IssuedAt.Time().Equal(now.Truncate(time.Second)) {
			t.Errorf("iat: got %v, want %v", c.IssuedAt.Time(), now)
		}
		if got := c.Expiry.Time().Sub(c.IssuedAt.Time()); got != 60*time.Second {
			t.Errorf("exp-iat: got %s, want 60s", got)
		}
		if c.Scope != hpr.ScopeBasic+" "+hpr.ScopeExtended {
			t.Errorf("scope: got %q", c.Scope)
		}
		if c.ID == "" || slices.Contains(jtis, c.ID) {
			t.Errorf("jti %q empty or reused", c.ID)
		}
		jtis = append(jtis, c.ID)
	}
}

func TestTokenSource_Refused(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	if err := e.mp.RegisterClient(mpClient, &clientKey().PublicKey, mpKID, hpr.ScopeBasic); err != nil {
		t.Fatal(err)
	}
	ts := e.tokens(t, nil, hpr.ScopeExtended)
	_, err := ts.Token(bg)
	if !errors.Is(err, upstream.ErrUnauthorized) {
		t.Fatalf("error: got %v, want ErrUnauthorized", err)
	}
	te, ok := errors.AsType[*hpr.TokenError](err)
	if !ok || te.Code != "invalid_scope" || te.Status != 400 {
		t.Errorf("TokenError: got %+v, want 400 invalid_scope", te)
	}
	if !strings.HasPrefix(err.Error(), "hpr: token: ") {
		t.Errorf("error text %q does not name the operation", err)
	}

	// Maskinporten down: an upstream error, and lookups say so.
	e.mp.SetDown(true)
	c := e.client(t, hpr.Config{})
	_, err = c.ByNumber(bg, firstNumber)
	if !errors.Is(err, upstream.ErrUnavailable) {
		t.Errorf("Maskinporten down: got %v, want upstream.ErrUnavailable", err)
	}
	if got, want := e.sim.Stats().ByNumber+e.sim.Stats().ExtendedByNumber, 0; got != want {
		t.Errorf("HPR requests without a token: got %d, want %d", got, want)
	}
}

func TestNewTokenSource_Validates(t *testing.T) {
	good := hpr.TokenConfig{
		Issuer: hpr.MaskinportenTest, ClientID: "c", Scopes: []string{hpr.ScopeBasic},
		Key: jose.JSONWebKey{Key: clientKey(), KeyID: "k"},
	}
	if _, err := hpr.NewTokenSource(good); err != nil {
		t.Fatalf("good config: %v", err)
	}
	tests := []struct {
		name   string
		change func(*hpr.TokenConfig)
	}{
		{"issuer without slash", func(c *hpr.TokenConfig) { c.Issuer = "https://test.maskinporten.no" }},
		{"relative issuer", func(c *hpr.TokenConfig) { c.Issuer = "maskinporten.no/" }},
		{"no client id", func(c *hpr.TokenConfig) { c.ClientID = "" }},
		{"no scopes", func(c *hpr.TokenConfig) { c.Scopes = nil }},
		{"scope with a space", func(c *hpr.TokenConfig) { c.Scopes = []string{"a b"} }},
		{"public key", func(c *hpr.TokenConfig) { c.Key.Key = &clientKey().PublicKey }},
		{"no kid", func(c *hpr.TokenConfig) { c.Key.KeyID = "" }},
		{"alg PS256", func(c *hpr.TokenConfig) { c.Key.Algorithm = "PS256" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			cfg.Key = good.Key
			tt.change(&cfg)
			if _, err := hpr.NewTokenSource(cfg); err == nil {
				t.Error("got nil error, want one")
			}
		})
	}
}

func TestByNumber(t *testing.T) {
	tests := []struct {
		name      string
		scopes    []string
		wantNIN   bool
		wantRoute func(hprsim.Stats) int
	}{
		{"basic", []string{hpr.ScopeBasic}, false, func(s hprsim.Stats) int { return s.ByNumber }},
		{"extended", []string{hpr.ScopeExtended}, true, func(s hprsim.Stats) int { return s.ExtendedByNumber }},
		{"export", []string{hpr.ScopeExport}, true, func(s hprsim.Stats) int { return s.ExtendedByNumber }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, hprsim.Options{})
			c := e.client(t, hpr.Config{}, tt.scopes...)
			res, err := c.ByNumber(bg, firstNumber+3)
			if err != nil {
				t.Fatalf("ByNumber: %v", err)
			}
			p := res.Personnel
			if p.HPRNumber != firstNumber+3 || p.Person.FamilyName != "Etternavn2000004" {
				t.Errorf("entry: got %d %q", p.HPRNumber, p.Person.FamilyName)
			}
			if got := p.Person.NIN != ""; got != tt.wantNIN {
				t.Errorf("nin present: got %v, want %v", got, tt.wantNIN)
			}
			if res.FromCache || res.Stale || !res.FetchedAt.Equal(e.clock.Now()) {
				t.Errorf("result: got %+v, want fresh from HPR at now", res)
			}
			if got := tt.wantRoute(e.sim.Stats()); got != 1 {
				t.Errorf("requests to the %s route: got %d, want 1", tt.name, got)
			}
			if got := c.Extended(); got != tt.wantNIN {
				t.Errorf("Extended: got %v, want %v", got, tt.wantNIN)
			}
		})
	}
}

func TestByNumber_Errors(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	c := e.client(t, hpr.Config{})
	tests := []struct {
		name string
		n    int
		want error
	}{
		{"unknown", 7654321, upstream.ErrNotFound},
		{"zero", 0, upstream.ErrBadRequest},
		{"negative", -1, upstream.ErrBadRequest},
		{"ten digits", 1234567890, upstream.ErrBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.ByNumber(bg, tt.n)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error: got %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "hpr: by number: ") {
				t.Errorf("error text %q does not name the operation", err)
			}
		})
	}
	if pe, ok := errors.AsType[*hpr.ProblemError](func() error { _, err := c.ByNumber(bg, 7654321); return err }()); !ok || pe.Status != 404 || pe.Problem.Status != 404 {
		t.Errorf("404: got %+v, want a ProblemError with the ProblemDetails", pe)
	}
	if got, want := e.sim.Stats().ExtendedByNumber, 2; got != want {
		t.Errorf("requests sent: got %d, want %d (bad numbers are refused locally)", got, want)
	}
}

func TestByNIN(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	c := e.client(t, hpr.Config{})
	n := firstNumber + 17
	res, err := c.ByNIN(bg, ninOf(n))
	if err != nil {
		t.Fatalf("ByNIN: %v", err)
	}
	if res.Personnel.HPRNumber != n {
		t.Errorf("number: got %d, want %d", res.Personnel.HPRNumber, n)
	}
	// The entry is cached by number too.
	again, err := c.ByNumber(bg, n)
	if err != nil || !again.FromCache {
		t.Errorf("ByNumber after ByNIN: %v, from cache %v; want from cache", err, again.FromCache)
	}
	if again, err := c.ByNIN(bg, ninOf(n)); err != nil || !again.FromCache {
		t.Errorf("ByNIN again: %v, from cache %v; want from cache", err, again.FromCache)
	}
	if got, want := e.sim.Stats().ByNIN, 1; got != want {
		t.Errorf("POST requests: got %d, want %d", got, want)
	}

	tests := []struct {
		name    string
		nin     string
		want    error
		wantReq int // requests sent for it
	}{
		{"unknown", "31129912345", upstream.ErrNotFound, 1},
		{"ten digits", "3112991234", upstream.ErrBadRequest, 0},
		{"with a hyphen", "311299-12345", upstream.ErrBadRequest, 0},
		{"letters", "3112991234x", upstream.ErrBadRequest, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.sim.Stats().ByNIN
			_, err := c.ByNIN(bg, tt.nin)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error: got %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), tt.nin) || strings.Contains(err.Error(), "3112991234") {
				t.Errorf("error %q holds the identity number", err)
			}
			if got := e.sim.Stats().ByNIN - before; got != tt.wantReq {
				t.Errorf("requests: got %d, want %d", got, tt.wantReq)
			}
		})
	}

	basic := e.client(t, hpr.Config{}, hpr.ScopeBasic)
	if _, err := basic.ByNIN(bg, ninOf(n)); !errors.Is(err, upstream.ErrForbidden) {
		t.Errorf("basic scope: got %v, want ErrForbidden", err)
	}
}

func TestSearch(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	c := e.client(t, hpr.Config{}, hpr.ScopeBasic)
	list, err := c.Search(bg, " hansen ", hpr.NewDate(1984, 1, 1))
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if got, want := len(list), registerSize/10; got != want {
		t.Fatalf("results: got %d, want %d", got, want)
	}
	for _, p := range list {
		if p.Person.NIN != "" || !p.Person.BirthDate.IsZero() {
			t.Fatalf("basic search result with personal data")
		}
	}
	// Opening a result costs nothing.
	res, err := c.ByNumber(bg, list[3].HPRNumber)
	if err != nil || !res.FromCache {
		t.Errorf("ByNumber of a search result: %v, from cache %v; want from cache", err, res.FromCache)
	}
	if got := e.sim.Stats().ByNumber; got != 0 {
		t.Errorf("by-number requests: got %d, want 0", got)
	}
	if list, err := c.Search(bg, "Ingen", hpr.NewDate(1984, 1, 1)); err != nil || len(list) != 0 {
		t.Errorf("no match: got %d, %v; want none", len(list), err)
	}

	for _, tt := range []struct {
		name    string
		surname string
		birth   hpr.Date
	}{
		{"blank surname", "  ", hpr.NewDate(1984, 1, 1)},
		{"long surname", strings.Repeat("x", 101), hpr.NewDate(1984, 1, 1)},
		{"control character", "Han\nsen", hpr.NewDate(1984, 1, 1)},
		{"no birth date", "Hansen", hpr.Date{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.Search(bg, tt.surname, tt.birth); !errors.Is(err, upstream.ErrBadRequest) {
				t.Errorf("got %v, want ErrBadRequest", err)
			}
		})
	}
	if got, want := e.sim.Stats().Search, 2; got != want {
		t.Errorf("search requests: got %d, want %d", got, want)
	}
}

func TestCache_FreshThenStale(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	c := e.client(t, hpr.Config{})
	n := firstNumber + 5
	first, err := c.ByNumber(bg, n)
	if err != nil {
		t.Fatal(err)
	}
	fetchedAt := first.FetchedAt

	steps := []struct {
		name      string
		advance   time.Duration
		fault     hprsim.Fault
		wantErr   error
		wantCache bool
		wantStale bool
		wantAt    time.Time // zero: now
		wantCause error
	}{
		{name: "59 min later: fresh from the cache", advance: 59 * time.Minute, wantCache: true, wantAt: fetchedAt},
		{name: "61 min: fetched again", advance: 2 * time.Minute},
		{name: "2 h later, HPR failing: stale, labelled", advance: 2 * time.Hour, fault: hprsim.Fault{Status: 503},
			wantCache: true, wantStale: true, wantAt: fetchedAt.Add(61 * time.Minute), wantCause: upstream.ErrUnavailable},
		{name: "HPR sending garbage: stale", fault: hprsim.Fault{Malformed: hprsim.MalformedTruncated},
			wantCache: true, wantStale: true, wantAt: fetchedAt.Add(61 * time.Minute), wantCause: upstream.ErrMalformed},
		{name: "8 days old, HPR failing: no stale answer", advance: 8 * 24 * time.Hour, fault: hprsim.Fault{Status: 500}, wantErr: upstream.ErrUnavailable},
		{name: "HPR back", advance: time.Minute},
	}
	for _, st := range steps {
		e.clock.Advance(st.advance)
		e.sim.SetFault(st.fault)
		res, err := c.ByNumber(bg, n)
		if st.wantErr != nil {
			if !errors.Is(err, st.wantErr) {
				t.Errorf("%s: error %v, want %v", st.name, err, st.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		wantAt := st.wantAt
		if wantAt.IsZero() {
			wantAt = e.clock.Now()
		}
		if res.FromCache != st.wantCache || res.Stale != st.wantStale || !res.FetchedAt.Equal(wantAt) {
			t.Errorf("%s: got cache %v stale %v at %v, want %v %v %v", st.name, res.FromCache, res.Stale, res.FetchedAt, st.wantCache, st.wantStale, wantAt)
		}
		if st.wantCause == nil && res.StaleCause != nil || st.wantCause != nil && !errors.Is(res.StaleCause, st.wantCause) {
			t.Errorf("%s: StaleCause %v, want %v", st.name, res.StaleCause, st.wantCause)
		}
		if res.Personnel.HPRNumber != n {
			t.Errorf("%s: entry %d, want %d", st.name, res.Personnel.HPRNumber, n)
		}
	}
	got := c.Stats()
	want := hpr.Stats{Lookups: 7, Fresh: 1, Stale: 2, Fetched: 3, Requests: 6}
	if got != want {
		t.Errorf("stats: got %+v, want %+v", got, want)
	}
}

// refusingLimiter refuses every request.
type refusingLimiter struct{}

func (refusingLimiter) Take(context.Context) (bool, time.Duration, error) {
	return false, 4 * time.Second, nil
}
func (refusingLimiter) Block(context.Context, time.Time) error { return nil }

// switchLimiter delegates to a limiter chosen at run time.
type switchLimiter struct {
	mu sync.Mutex
	l  hpr.Limiter
}

func (s *switchLimiter) set(l hpr.Limiter) { s.mu.Lock(); s.l = l; s.mu.Unlock() }
func (s *switchLimiter) get() hpr.Limiter  { s.mu.Lock(); defer s.mu.Unlock(); return s.l }
func (s *switchLimiter) Take(ctx context.Context) (bool, time.Duration, error) {
	return s.get().Take(ctx)
}
func (s *switchLimiter) Block(ctx context.Context, until time.Time) error {
	return s.get().Block(ctx, until)
}

func TestCache_StaleOnRateLimit(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	lim := &switchLimiter{l: hpr.NewMemoryLimiter(hpr.LimiterOptions{Now: e.clock.Now})}
	c := e.client(t, hpr.Config{Limiter: lim})
	n := firstNumber + 8
	first, err := c.ByNumber(bg, n)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(3 * time.Hour)
	lim.set(refusingLimiter{})
	res, err := c.ByNumber(bg, n)
	if err != nil {
		t.Fatalf("ByNumber: %v", err)
	}
	if !res.Stale || !res.FromCache || !res.FetchedAt.Equal(first.FetchedAt) {
		t.Errorf("got %+v, want the stale entry from %v", res, first.FetchedAt)
	}
	rl, ok := errors.AsType[*hpr.RateLimitError](res.StaleCause)
	if !ok || rl.RetryAfter != 4*time.Second || rl.Upstream {
		t.Errorf("StaleCause: got %v, want a local RateLimitError of 4 s", res.StaleCause)
	}
	// Without a cached entry, the caller gets the wait.
	_, err = c.ByNumber(bg, n+1)
	if rl, ok := errors.AsType[*hpr.RateLimitError](err); !ok || rl.Seconds() != 4 || !errors.Is(err, upstream.ErrRateLimited) {
		t.Errorf("uncached: got %v, want ErrRateLimited with 4 s", err)
	}
}

func TestCache_NotFoundDropsEntry(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	c := e.client(t, hpr.Config{})
	n := firstNumber + 9
	if _, err := c.ByNumber(bg, n); err != nil {
		t.Fatal(err)
	}
	e.src.remove(n)
	e.clock.Advance(2 * time.Hour)
	if _, err := c.ByNumber(bg, n); !errors.Is(err, upstream.ErrNotFound) {
		t.Fatalf("after removal: got %v, want ErrNotFound", err)
	}
	// The entry is gone: an HPR failure now has nothing stale to show.
	e.sim.SetFault(hprsim.Fault{Status: 503})
	if res, err := c.ByNumber(bg, n); !errors.Is(err, upstream.ErrUnavailable) {
		t.Errorf("got %+v, %v; want upstream.ErrUnavailable and no stale entry", res, err)
	}
}

// TestFaults: every injected fault becomes upstream.ErrUnavailable or ErrMalformed
// (S31, S33), never a panic and never data.
func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault hprsim.Fault
		want  error // nil: the lookup succeeds
	}{
		{"500", hprsim.Fault{Status: 500}, upstream.ErrUnavailable},
		{"502", hprsim.Fault{Status: 502}, upstream.ErrUnavailable},
		{"503", hprsim.Fault{Status: 503}, upstream.ErrUnavailable},
		{"504", hprsim.Fault{Status: 504}, upstream.ErrUnavailable},
		{"418", hprsim.Fault{Status: 418}, upstream.ErrUnavailable},
		{"truncated JSON", hprsim.Fault{Malformed: hprsim.MalformedTruncated}, upstream.ErrMalformed},
		{"wrong content type", hprsim.Fault{Malformed: hprsim.MalformedWrongContentType}, upstream.ErrMalformed},
		{"empty 200", hprsim.Fault{Malformed: hprsim.MalformedEmpty}, upstream.ErrMalformed},
		{"oversized", hprsim.Fault{Malformed: hprsim.MalformedOversized}, upstream.ErrMalformed},
		{"unknown fields are tolerated", hprsim.Fault{Malformed: hprsim.MalformedUnknownFields}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, hprsim.Options{})
			c := e.client(t, hpr.Config{})
			e.sim.SetFault(tt.fault)
			ops := map[string]func() error{
				"by number": func() error { _, err := c.ByNumber(bg, firstNumber); return err },
				"by nin":    func() error { _, err := c.ByNIN(bg, ninOf(firstNumber+1)); return err },
				"search": func() error {
					list, err := c.Search(bg, "Hansen", hpr.NewDate(1984, 1, 1))
					if err == nil && len(list) != registerSize/10 {
						return errors.New("search answer incomplete")
					}
					return err
				},
			}
			for name, op := range ops {
				err := op()
				if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
					t.Errorf("%s: got %v, want %v", name, err, tt.want)
				}
			}
		})
	}
}

func TestFaults_DeadlineCutsALatentHPR(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	c := e.client(t, hpr.Config{})
	if _, err := c.Search(bg, "Hansen", hpr.NewDate(1984, 1, 1)); err != nil { // a token, cached
		t.Fatal(err)
	}
	e.sim.SetFault(hprsim.Fault{Latency: time.Minute})
	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	_, err := c.ByNumber(ctx, firstNumber+1)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want context.DeadlineExceeded", err)
	}
	// With a cached entry, the deadline serves it stale.
	ctx2, cancel2 := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel2()
	e.clock.Advance(2 * time.Hour)
	res, err := c.ByNumber(ctx2, firstNumber) // cached by the search
	if err != nil || !res.Stale || !errors.Is(res.StaleCause, context.DeadlineExceeded) {
		t.Errorf("got %+v, %v; want a stale answer caused by the deadline", res, err)
	}
}

func TestUnauthorized_TokenIsReplaced(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	// HPR trusts another Maskinporten: every token is refused.
	other, err := maskinportensim.New(e.mpURL, maskinportensim.Options{Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	sim := hprsim.New(e.src, other, hprsim.Options{Now: e.clock.Now})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c := e.client(t, hpr.Config{BaseURL: srv.URL})
	for i := range 2 {
		_, err := c.ByNumber(bg, firstNumber)
		if !errors.Is(err, upstream.ErrUnauthorized) {
			t.Fatalf("call %d: got %v, want ErrUnauthorized", i+1, err)
		}
	}
	if got, want := e.mp.Stats().Issued, 2; got != want {
		t.Errorf("token requests: got %d, want %d (a refused token is not reused)", got, want)
	}
}

// fixedTokens claims scopes its token does not carry.
type fixedTokens struct {
	token  string
	scopes []string
}

func (f fixedTokens) Token(context.Context) (string, error) { return f.token, nil }
func (f fixedTokens) Scopes() []string                      { return f.scopes }

func TestForbidden(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	basicToken, err := e.tokens(t, nil, hpr.ScopeBasic).Token(bg)
	if err != nil {
		t.Fatal(err)
	}
	c := e.client(t, hpr.Config{Tokens: fixedTokens{basicToken, []string{hpr.ScopeExtended}}})
	if _, err := c.ByNumber(bg, firstNumber); !errors.Is(err, upstream.ErrForbidden) {
		t.Errorf("extended route with a basic token: got %v, want ErrForbidden", err)
	}
	if _, err := c.Export(bg, io.Discard); !errors.Is(err, upstream.ErrForbidden) {
		t.Errorf("export without the export scope: got %v, want ErrForbidden", err)
	}
	if got := e.sim.Stats().Export; got != 0 {
		t.Errorf("export requests: got %d, want 0 (refused locally)", got)
	}
}

// TestProblemError_Sanitised: what HPR says in an error is kept only
// with identity numbers masked and control characters removed.
func TestProblemError_Sanitised(t *testing.T) {
	nin := ninOf(firstNumber)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"title":"Ugyldig nin `+nin+`\r\nX-Injected: 1","status":400,"detail":"`+nin+` og 98765432101"}`)
	}))
	defer srv.Close()
	c, err := hpr.New(hpr.Config{BaseURL: srv.URL, Tokens: fixedTokens{"t", []string{hpr.ScopeExtended}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ByNIN(bg, nin)
	pe, ok := errors.AsType[*hpr.ProblemError](err)
	if !ok || !errors.Is(err, upstream.ErrBadRequest) {
		t.Fatalf("got %v, want a ProblemError wrapping ErrBadRequest", err)
	}
	for _, s := range []string{err.Error(), pe.Problem.Title, pe.Problem.Detail} {
		if strings.Contains(s, nin) || strings.Contains(s, "98765432101") || strings.ContainsAny(s, "\r\n") {
			t.Errorf("not sanitised: %q", s)
		}
	}
}

// TestS34_RetryAfterHonoured: a 429 from HPR blocks the limiter for
// Retry-After; nothing is sent before it has passed (S34).
func TestS34_RetryAfterHonoured(t *testing.T) {
	e := newEnv(t, hprsim.Options{Capacity: 2})
	c := e.client(t, hpr.Config{})
	for i := range 2 {
		if _, err := c.ByNumber(bg, firstNumber+i); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.ByNumber(bg, firstNumber+2)
	rl, ok := errors.AsType[*hpr.RateLimitError](err)
	if !ok || !rl.Upstream || rl.RetryAfter != 6*time.Second {
		t.Fatalf("third lookup: got %v, want HPR's 429 with Retry-After 6 s", err)
	}
	sent := e.sim.Stats().ExtendedByNumber
	e.clock.Advance(4 * time.Second)
	_, err = c.ByNumber(bg, firstNumber+2)
	rl, ok = errors.AsType[*hpr.RateLimitError](err)
	if !ok || rl.Upstream || rl.RetryAfter != 2*time.Second {
		t.Errorf("4 s later: got %v, want a local refusal with 2 s left", err)
	}
	if got := e.sim.Stats().ExtendedByNumber; got != sent {
		t.Errorf("requests during Retry-After: got %d more, want 0", got-sent)
	}
	e.clock.Advance(2 * time.Second)
	if _, err := c.ByNumber(bg, firstNumber+2); err != nil {
		t.Errorf("after Retry-After: %v", err)
	}
	if got, want := e.sim.Stats().RateLimited, 1; got != want {
		t.Errorf("429s: got %d, want %d", got, want)
	}
	if got := c.Stats(); got.LimitedUpstream != 1 || got.LimitedLocally != 1 {
		t.Errorf("stats: got %+v, want 1 upstream and 1 local refusal", got)
	}
}

// lookupBurst makes 300 lookups within one simulated minute, spread over
// clients: about 250 distinct numbers, every sixth lookup a colleague
// looked up before. It returns the outcomes.
func lookupBurst(t *testing.T, e *env, clients ...*hpr.Client) (fetched, cached, limited int) {
	t.Helper()
	for i := range 300 {
		n := firstNumber + (i*7919)%300
		if i%6 == 5 {
			// Two lookups ago (the same client when there are two).
			n = firstNumber + ((i-2)*7919)%300
		}
		c := clients[i%len(clients)]
		res, err := c.ByNumber(bg, n)
		switch {
		case err == nil && res.Stale:
			t.Fatalf("lookup %d: stale answer with nothing stale in the cache", i)
		case err == nil && res.FromCache:
			cached++
		case err == nil:
			fetched++
		default:
			rl, ok := errors.AsType[*hpr.RateLimitError](err)
			if !ok || !errors.Is(err, upstream.ErrRateLimited) {
				t.Fatalf("lookup %d: got %v, want an answer or ErrRateLimited", i, err)
			}
			if rl.RetryAfter <= 0 || rl.RetryAfter > 6*time.Second || rl.Seconds() < 1 {
				t.Errorf("lookup %d: RetryAfter %s, want a wait of at most 6 s", i, rl.RetryAfter)
			}
			if !strings.Contains(err.Error(), "retry after") {
				t.Errorf("lookup %d: error %q does not say when to retry", i, err)
			}
			limited++
		}
		e.clock.Advance(200 * time.Millisecond)
	}
	return fetched, cached, limited
}

func checkBurst(t *testing.T, e *env, fetched, cached, limited int) {
	t.Helper()
	st := e.sim.Stats()
	if st.RateLimited != 0 {
		t.Errorf("HPR answered 429 %d times, want 0", st.RateLimited)
	}
	if st.Admitted > 200+10 || st.MaxAdmittedInWindow > 200+10 {
		t.Errorf("HPR admitted %d (at most %d in a minute), want ≤ 210", st.Admitted, st.MaxAdmittedInWindow)
	}
	if fetched != st.Admitted {
		t.Errorf("answers from HPR: %d, requests HPR admitted: %d", fetched, st.Admitted)
	}
	if fetched+cached+limited != 300 {
		t.Errorf("outcomes: %d+%d+%d, want 300", fetched, cached, limited)
	}
	if limited == 0 || cached == 0 {
		t.Errorf("the burst did not reach the limit: %d fetched, %d cached, %d limited", fetched, cached, limited)
	}
	t.Logf("300 lookups: %d from HPR, %d from cache, %d told to wait", fetched, cached, limited)
}

// TestS34_BurstNeverExceedsBucket: 300 lookups in a minute never cause
// more than the bucket allows upstream; the rest come from the cache or
// fail with ErrRateLimited and a wait.
func TestS34_BurstNeverExceedsBucket(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	c := e.client(t, hpr.Config{})
	fetched, cached, limited := lookupBurst(t, e, c)
	checkBurst(t, e, fetched, cached, limited)
}

// TestS34_SharedRedisLimiter: two instances sharing one Maskinporten client
// share one bucket through Redis.
func TestS34_SharedRedisLimiter(t *testing.T) {
	rc := openTestRedis(t)
	key := testKey(t, rc) + "bucket"
	e := newEnv(t, hprsim.Options{})
	var clients []*hpr.Client
	for range 2 {
		lim, err := hpr.NewRedisLimiter(rc, key, hpr.LimiterOptions{Now: e.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, e.client(t, hpr.Config{Limiter: lim}))
	}
	fetched, cached, limited := lookupBurst(t, e, clients...)
	checkBurst(t, e, fetched, cached, limited)
	if got, want := e.mp.Stats().Issued, 2; got != want {
		t.Errorf("token requests: got %d, want %d (one per instance)", got, want)
	}
}

func TestExport(t *testing.T) {
	e := newEnv(t, hprsim.Options{ExportEntrySize: 7})
	c := e.client(t, hpr.Config{}, hpr.ScopeExport)
	var buf bytes.Buffer
	n, err := c.Export(bg, &buf)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	if n != int64(buf.Len()) || n == 0 {
		t.Errorf("bytes: got %d, wrote %d", n, buf.Len())
	}
	var numbers []int
	err = hpr.ReadExport(bytes.NewReader(buf.Bytes()), int64(buf.Len()), func(p hpr.Personnel) error {
		numbers = append(numbers, p.HPRNumber)
		if p.Person.NIN == "" {
			return errors.New("export entry without nin")
		}
		return nil
	})
	if err != nil {
		t.Fatalf("ReadExport: %v", err)
	}
	if len(numbers) != registerSize || numbers[0] != firstNumber || !slices.IsSorted(numbers) {
		t.Errorf("entries: got %d (first %d, sorted %v), want %d from %d in order", len(numbers), numbers[0], slices.IsSorted(numbers), registerSize, firstNumber)
	}
	stop := errors.New("stop")
	if err := hpr.ReadExport(bytes.NewReader(buf.Bytes()), int64(buf.Len()), func(hpr.Personnel) error { return stop }); err != stop {
		t.Errorf("fn's error: got %v, want it returned as is", err)
	}
}

func TestExport_Malformed(t *testing.T) {
	tests := []struct {
		name       string
		fault      hprsim.Fault
		max        int64
		wantExport error // from Export
		wantRead   error // from ReadExport
	}{
		{name: "cut zip", fault: hprsim.Fault{Malformed: hprsim.MalformedTruncated}, wantRead: upstream.ErrMalformed},
		{name: "HTML page", fault: hprsim.Fault{Malformed: hprsim.MalformedWrongContentType}, wantExport: upstream.ErrMalformed},
		{name: "empty", fault: hprsim.Fault{Malformed: hprsim.MalformedEmpty}, wantExport: upstream.ErrMalformed},
		{name: "one huge object", fault: hprsim.Fault{Malformed: hprsim.MalformedOversized}, wantRead: upstream.ErrMalformed},
		{name: "over the size cap", max: 1000, wantExport: upstream.ErrMalformed},
		{name: "503", fault: hprsim.Fault{Status: 503}, wantExport: upstream.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, hprsim.Options{})
			c := e.client(t, hpr.Config{MaxExportBytes: tt.max}, hpr.ScopeExport)
			e.sim.SetFault(tt.fault)
			var buf bytes.Buffer
			_, err := c.Export(bg, &buf)
			if tt.wantExport != nil {
				if !errors.Is(err, tt.wantExport) {
					t.Errorf("Export: got %v, want %v", err, tt.wantExport)
				}
				return
			}
			if err != nil {
				t.Fatalf("Export: %v", err)
			}
			err = hpr.ReadExport(bytes.NewReader(buf.Bytes()), int64(buf.Len()), func(hpr.Personnel) error { return nil })
			if !errors.Is(err, tt.wantRead) {
				t.Errorf("ReadExport: got %v, want %v", err, tt.wantRead)
			}
		})
	}
}

func TestNew_Validates(t *testing.T) {
	tokens := fixedTokens{"t", []string{hpr.ScopeBasic}}
	tests := []struct {
		name string
		cfg  hpr.Config
	}{
		{"relative URL", hpr.Config{BaseURL: "api.offentlig.hpr.nhn.no", Tokens: tokens}},
		{"query in URL", hpr.Config{BaseURL: "https://api.offentlig.hpr.nhn.no/?a=1", Tokens: tokens}},
		{"user in URL", hpr.Config{BaseURL: "https://u:p@api.offentlig.hpr.nhn.no", Tokens: tokens}},
		{"no tokens", hpr.Config{BaseURL: "https://api.offentlig.hpr.nhn.no"}},
		{"no HPR scope", hpr.Config{BaseURL: "https://api.offentlig.hpr.nhn.no", Tokens: fixedTokens{"t", []string{"nhn:other"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := hpr.New(tt.cfg); err == nil {
				t.Error("got nil error, want one")
			}
		})
	}
}

// TestS44_ReadExportReadsEachFieldTolerantly: an export object with a value
// of the wrong type or an unreadable date still reads, with the field on
// Unread; an object without a valid hprNummer still fails the export.
func TestS44_ReadExportReadsEachFieldTolerantly(t *testing.T) {
	zipOf := func(body string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("export.json")
		w.Write([]byte(body))
		zw.Close()
		return buf.Bytes()
	}
	odd := zipOf(`{"hprNummer":5,"person":{"etternavn":"Hansen","fornavn":["Kari"],"fødselsdato":"mars 1980"}}
{"hprNummer":6,"person":{"etternavn":"Berg"}}`)
	var got []hpr.Personnel
	err := hpr.ReadExport(bytes.NewReader(odd), int64(len(odd)), func(p hpr.Personnel) error { got = append(got, p); return nil })
	if err != nil || len(got) != 2 {
		t.Fatalf("ReadExport = %d entries, %v; want 2, nil", len(got), err)
	}
	var paths []string
	for _, f := range got[0].Unread {
		paths = append(paths, f.Path)
	}
	if !slices.Equal(paths, []string{"person.fornavn", "person.fødselsdato"}) {
		t.Errorf("unread = %q", paths)
	}
	bad := zipOf(`{"hprNummer":"5"}`)
	if err := hpr.ReadExport(bytes.NewReader(bad), int64(len(bad)), func(hpr.Personnel) error { return nil }); !errors.Is(err, upstream.ErrMalformed) {
		t.Errorf("entry without a number: %v, want ErrMalformed", err)
	}
}
