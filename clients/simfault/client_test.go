package simfault_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/clients/simfault"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/clients/upstream"
)

// The faults through the real Person client, against the Person API
// simulator (verifying real HelseID simulator tokens) behind Wrap.

const redirectURL = "https://portal.test/auth/callback"

// auth is a signed-in session as the portal's adapter holds one, nonces
// included.
type auth struct {
	c  *helseid.Client
	mu sync.Mutex
	ts helseid.TokenSet
}

func (a *auth) AccessToken(ctx context.Context, audience string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	tok, _, err := a.c.AccessToken(ctx, &a.ts, audience)
	return tok, err
}

func (a *auth) Proof(method, target, token string) (string, error) {
	return a.c.Proof(method, target, token)
}

func (a *auth) ProofWithNonce(method, target, nonce, token string) (string, error) {
	return a.c.ProofWithNonce(method, target, nonce, token)
}

// headers keeps the last answer's headers the client saw.
type headers struct {
	mu   sync.Mutex
	last http.Header
}

func (h *headers) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		h.mu.Lock()
		h.last = resp.Header.Clone()
		h.mu.Unlock()
	}
	return resp, err
}

type env struct {
	reg    *simfault.Registry
	client *person.Client
	auth   *auth
	seen   *headers
	nin    string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	idpTS := httptest.NewUnstartedServer(nil)
	iss := "http://" + idpTS.Listener.Addr().String()
	idp, err := helseidsim.New(iss, helseidsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	idpTS.Config.Handler = idp
	idpTS.Start()
	t.Cleanup(idpTS.Close)
	key, err := helseid.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	scopes := []string{"openid", "profile", "offline_access", "helseid://scopes/identity/pid",
		"helseid://scopes/identity/security_level", "helseid://scopes/hpr/hpr_number", person.FullAccess.OAuthScope()}
	idp.RegisterClient(helseidsim.Client{ID: "simfault-test", Keys: []jose.JSONWebKey{key.Public()},
		RedirectURIs: []string{redirectURL}, Scopes: scopes})

	pop, err := synthetic.Generate(synthetic.Options{Seed: 1, Persons: 100})
	if err != nil {
		t.Fatal(err)
	}
	reg := simfault.NewRegistry(nil)
	apiTS := httptest.NewUnstartedServer(nil)
	base := "http://" + apiTS.Listener.Addr().String()
	apiTS.Config.Handler = reg.Wrap(simfault.Person, personsim.New(base, pop, idp))
	apiTS.Start()
	t.Cleanup(apiTS.Close)

	seen := &headers{}
	c, err := person.New(base, person.FullAccess, &http.Client{Transport: seen, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	hc, err := helseid.New(helseid.Config{Issuer: iss, ClientID: "simfault-test", Key: key, RedirectURL: redirectURL,
		Scopes: scopes, Resources: []string{person.Audience}, HTTPClient: &http.Client{Timeout: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ar, err := hc.PushAuthorization(ctx, "doctor")
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirectURL) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := browser.Get(ar.AuthorizeURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	login, err := hc.Exchange(ctx, ar, loc.Query())
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	ps := pop.Where("parent", 1)
	if len(ps) == 0 {
		t.Fatal("no person in the population")
	}
	return &env{reg: reg, client: c, auth: &auth{c: hc, ts: login.Tokens}, seen: seen, nin: ps[0].CurrentNIN()}
}

func (e *env) get(parts ...person.InformationPart) error {
	_, err := e.client.GetByNIN(context.Background(), e.auth, e.nin, parts, false)
	return err
}

func TestThroughPersonClient(t *testing.T) {
	e := newEnv(t)
	if err := e.get(person.PartName); err != nil {
		t.Fatalf("without faults: %v", err)
	}
	set := func(f simfault.Fault) func() {
		t.Helper()
		f.Upstream = simfault.Person
		kept, err := e.reg.Set(f)
		if err != nil {
			t.Fatal(err)
		}
		return func() { e.reg.Clear(kept.ID) }
	}

	t.Run("503 with Retry-After is ErrUnavailable", func(t *testing.T) {
		defer set(simfault.Fault{Kind: simfault.KindStatus503, RetryAfter: 120})()
		err := e.get(person.PartName)
		if !errors.Is(err, upstream.ErrUnavailable) {
			t.Fatalf("error %v; want ErrUnavailable", err)
		}
		e.seen.mu.Lock()
		ra := e.seen.last.Get("Retry-After")
		e.seen.mu.Unlock()
		if got := upstream.RetryAfter(ra, time.Now()); got != 2*time.Minute {
			t.Errorf("Retry-After %q reads as %v; want 2m", ra, got)
		}
	})
	t.Run("429 is a rate limit", func(t *testing.T) {
		defer set(simfault.Fault{Kind: simfault.KindStatus429, RetryAfter: 5})()
		if err := e.get(person.PartName); !errors.Is(err, upstream.ErrRateLimited) {
			t.Errorf("error %v; want ErrRateLimited", err)
		}
	})
	for _, kind := range []simfault.Kind{simfault.KindMalformed, simfault.KindTruncated, simfault.KindWrongContentType, simfault.KindOversized} {
		t.Run(string(kind)+" is ErrMalformed", func(t *testing.T) {
			defer set(simfault.Fault{Kind: kind})()
			if err := e.get(person.PartName); !errors.Is(err, upstream.ErrMalformed) {
				t.Errorf("error %v; want ErrMalformed", err)
			}
		})
	}
	t.Run("401 is ErrUnauthorized", func(t *testing.T) {
		defer set(simfault.Fault{Kind: simfault.KindStatus401})()
		if err := e.get(person.PartName); !errors.Is(err, upstream.ErrUnauthorized) {
			t.Errorf("error %v; want ErrUnauthorized", err)
		}
	})
	t.Run("hang is cut by the caller's deadline", func(t *testing.T) {
		defer set(simfault.Fault{Kind: simfault.KindHang})()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := e.client.GetByNIN(ctx, e.auth, e.nin, []person.InformationPart{person.PartName}, false)
		if !errors.Is(err, upstream.ErrTimeout) {
			t.Errorf("error %v; want ErrTimeout", err)
		}
	})
	t.Run("information part: only its calls fail", func(t *testing.T) {
		defer set(simfault.Fault{Kind: simfault.KindStatus503, Route: "CommonContactRegisterInformation"})()
		if err := e.get(person.PartCommonContactRegisterInformation); !errors.Is(err, upstream.ErrUnavailable) {
			t.Errorf("KRR call: %v; want ErrUnavailable", err)
		}
		if err := e.get(person.PartName, person.PartBirth); err != nil {
			t.Errorf("FREG call: %v; want it to pass", err)
		}
	})
	t.Run("DPoP nonce demanded: one retry with the nonce, then it passes", func(t *testing.T) {
		defer set(simfault.Fault{Kind: simfault.KindDPoPNonce})()
		for i := range 2 {
			if err := e.get(person.PartName); err != nil {
				t.Fatalf("call %d: %v; want the client to meet the nonce", i+1, err)
			}
		}
	})
}
