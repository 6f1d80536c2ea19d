package hpr_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/redis/go-redis/v9"

	"github.com/oppslag/oppslag/clients/clocktest"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprsim"
	"github.com/oppslag/oppslag/clients/hpr/maskinportensim"
)

// source is an in-memory register that tests may change.
type source struct {
	mu      sync.Mutex
	entries []hpr.Personnel // in HPR number order
}

func (s *source) Personnel(n int) (hpr.Personnel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.entries {
		if p.HPRNumber == n {
			return p, true
		}
	}
	return hpr.Personnel{}, false
}

func (s *source) PersonnelByNIN(nin string) (hpr.Personnel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.entries {
		if p.Person.NIN == nin {
			return p, true
		}
	}
	return hpr.Personnel{}, false
}

func (s *source) SearchPersonnel(surname string, birth hpr.Date) []hpr.Personnel {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []hpr.Personnel
	for _, p := range s.entries {
		if strings.EqualFold(p.Person.FamilyName, surname) && p.Person.BirthDate.Equal(birth.Time) {
			out = append(out, p)
		}
	}
	return out
}

func (s *source) EachPersonnel(fn func(hpr.Personnel) bool) {
	s.mu.Lock()
	entries := s.entries
	s.mu.Unlock()
	for _, p := range entries {
		if !fn(p) {
			return
		}
	}
}

func (s *source) PersonnelCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

func (s *source) remove(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.entries {
		if p.HPRNumber == n {
			s.entries = append(s.entries[:i:i], s.entries[i+1:]...)
			return
		}
	}
}

// Numbers of the generated register: firstNumber .. firstNumber+registerSize-1.
const (
	firstNumber  = 2000001
	registerSize = 400
)

// ninOf is the (synthetic, 11-digit) identity number of entry n.
func ninOf(n int) string { return fmt.Sprintf("0101849%04d", n%10000) }

// newSource generates the register: every entry a doctor with an
// authorisation; every tenth shares the surname "Hansen" and a birth date.
func newSource() *source {
	lege := hpr.Code{Name: "Lege", Value: "LE", CodeSet: hpr.CodeSet{ID: hpr.CodeSetCategory, Name: "Kategori helsepersonell"}}
	aut := hpr.Code{Name: "Autorisasjon", Value: "1", CodeSet: hpr.CodeSet{ID: hpr.CodeSetAuthorization, Name: "Godkjenningstype"}}
	s := &source{}
	for i := range registerSize {
		n := firstNumber + i
		family, birth := fmt.Sprintf("Etternavn%d", n), hpr.NewDate(1960+i%40, time.Month(1+i%12), 1+i%28)
		if i%10 == 0 {
			family, birth = "Hansen", hpr.NewDate(1984, 1, 1)
		}
		s.entries = append(s.entries, hpr.Personnel{
			Person: hpr.PersonData{
				GivenName: "Fornavn", FamilyName: family, BirthDate: birth, NIN: ninOf(n),
			},
			HPRNumber:   n,
			Approvals:   []hpr.Approval{{Category: lege, Authorization: aut, Period: hpr.Period{From: hpr.NewDate(2010, 1, 1)}}},
			LastUpdated: hpr.DateTime{Time: time.Date(2025, 1, 2, 3, 4, 5, 0, hpr.Oslo)},
		})
	}
	return s
}

// The Maskinporten client every test uses.
const (
	mpClient = "oppslag-hpr-test"
	mpKID    = "oppslag-hpr-test-key"
)

var clientKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// env is the two simulators on one clock.
type env struct {
	clock  *clocktest.Clock
	mp     *maskinportensim.Server
	mpURL  string
	src    *source
	sim    *hprsim.Server
	hprURL string
}

func newEnv(t *testing.T, opts hprsim.Options) *env {
	t.Helper()
	c := clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	mpSrv := httptest.NewUnstartedServer(nil)
	mpURL := "http://" + mpSrv.Listener.Addr().String() + "/"
	mp, err := maskinportensim.New(mpURL, maskinportensim.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := mp.RegisterClient(mpClient, &clientKey().PublicKey, mpKID, hpr.ScopeBasic, hpr.ScopeExtended, hpr.ScopeExport); err != nil {
		t.Fatal(err)
	}
	mpSrv.Config.Handler = mp
	mpSrv.Start()
	t.Cleanup(mpSrv.Close)

	src := newSource()
	opts.Now = c.Now
	sim := hprsim.New(src, mp, opts)
	hprSrv := httptest.NewServer(sim)
	t.Cleanup(hprSrv.Close)
	return &env{clock: c, mp: mp, mpURL: mpURL, src: src, sim: sim, hprURL: hprSrv.URL}
}

// tokens returns a TokenSource for the test client with scopes.
func (e *env) tokens(t *testing.T, hc *http.Client, scopes ...string) *hpr.TokenSource {
	t.Helper()
	ts, err := hpr.NewTokenSource(hpr.TokenConfig{
		Issuer:     e.mpURL,
		ClientID:   mpClient,
		Key:        jose.JSONWebKey{Key: clientKey(), KeyID: mpKID, Algorithm: "RS256"},
		Scopes:     scopes,
		HTTPClient: hc,
		Now:        e.clock.Now,
	})
	if err != nil {
		t.Fatalf("NewTokenSource: %v", err)
	}
	return ts
}

// client returns a Client on the simulators; cfg fields left zero get the
// env's: its clock and a TokenSource with scopes (default extended).
func (e *env) client(t *testing.T, cfg hpr.Config, scopes ...string) *hpr.Client {
	t.Helper()
	if len(scopes) == 0 {
		scopes = []string{hpr.ScopeExtended}
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = e.hprURL
	}
	if cfg.Now == nil {
		cfg.Now = e.clock.Now
	}
	if cfg.Tokens == nil {
		cfg.Tokens = e.tokens(t, nil, scopes...)
	}
	c, err := hpr.New(cfg)
	if err != nil {
		t.Fatalf("hpr.New: %v", err)
	}
	return c
}

// openTestRedis connects to OPPSLAG_TEST_REDIS_URL, or skips.
func openTestRedis(t *testing.T) *redis.Client {
	t.Helper()
	u := os.Getenv("OPPSLAG_TEST_REDIS_URL")
	if u == "" {
		t.Skip("OPPSLAG_TEST_REDIS_URL not set; e.g. OPPSLAG_TEST_REDIS_URL=redis://127.0.0.1:6379/0")
	}
	o, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("OPPSLAG_TEST_REDIS_URL does not parse")
	}
	rc := redis.NewClient(o)
	t.Cleanup(func() { rc.Close() })
	if err := rc.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis ping: %v", err)
	}
	return rc
}

// testKey is a Redis key (or prefix) of its own for one test, removed after.
func testKey(t *testing.T, rc *redis.Client) string {
	t.Helper()
	prefix := "oppslag-test:hpr:" + rand.Text() + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := rc.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			rc.Del(ctx, keys...)
		}
	})
	return prefix
}
