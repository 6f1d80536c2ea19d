package labs_test

import (
	"context"
	"io"
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
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
)

const (
	clientID    = "oppslag-labs-test"
	redirectURL = "https://portal.test/auth/callback"
	personAud   = "nhn:hgd-persontjenesten-api"
	personScope = "nhn:hgd-persontjenesten-api/full-access"
)

var identityScopes = []string{
	"openid", "profile", "offline_access",
	"helseid://scopes/identity/pid",
	"helseid://scopes/identity/security_level",
	"helseid://scopes/hpr/hpr_number",
}

// env is a HelseID simulator issuing real DPoP-bound tokens and a PPS
// simulator verifying them over the test registry.
type env struct {
	idp  *helseidsim.Server
	iss  string
	key  jose.JSONWebKey
	sim  *labsim.Server
	base string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	idpSrv := httptest.NewUnstartedServer(nil)
	iss := "http://" + idpSrv.Listener.Addr().String()
	// A second PPS scope lets a test get an nhn:pps token without
	// provesvar-read.
	idp, err := helseidsim.New(iss, helseidsim.Options{APIs: map[string][]string{
		labs.Audience: {labs.Scope, "nhn:pps/other"},
		personAud:     {personScope},
	}})
	if err != nil {
		t.Fatalf("helseidsim.New: %v", err)
	}
	idpSrv.Config.Handler = idp
	idpSrv.Start()
	t.Cleanup(idpSrv.Close)

	key, err := helseid.GenerateKey()
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	idp.RegisterClient(helseidsim.Client{
		ID:           clientID,
		Keys:         []jose.JSONWebKey{key.Public()},
		RedirectURIs: []string{redirectURL},
		Scopes:       append([]string{labs.Scope, "nhn:pps/other", personScope}, identityScopes...),
	})

	apiSrv := httptest.NewUnstartedServer(nil)
	base := "http://" + apiSrv.Listener.Addr().String()
	sim := labsim.New(base, registry(), idp)
	apiSrv.Config.Handler = sim
	apiSrv.Start()
	t.Cleanup(apiSrv.Close)
	return &env{idp: idp, iss: iss, key: key, sim: sim, base: base}
}

func (e *env) client(t *testing.T) *labs.Client {
	t.Helper()
	c, err := labs.New(e.base, &http.Client{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("labs.New: %v", err)
	}
	return c
}

// sessionAuth adapts a helseid.Client and a user's TokenSet to labs.Auth.
type sessionAuth struct {
	c  *helseid.Client
	mu sync.Mutex
	ts helseid.TokenSet
}

func (a *sessionAuth) AccessToken(ctx context.Context, audience string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	tok, _, err := a.c.AccessToken(ctx, &a.ts, audience)
	return tok, err
}

func (a *sessionAuth) Proof(method, targetURL, accessToken string) (string, error) {
	return a.c.Proof(method, targetURL, accessToken)
}

// login logs persona in through the HelseID simulator with the given API
// scopes and resources.
func (e *env) login(t *testing.T, persona string, resources []string, apiScopes ...string) *sessionAuth {
	t.Helper()
	// The portal refuses level 3 at login; the test client accepts it so
	// the simulator's own refusal can be shown.
	level := ""
	if persona == "level3" {
		level = "3"
	}
	c, err := helseid.New(helseid.Config{
		RequiredSecurityLevel: level,
		Issuer:                e.iss,
		ClientID:              clientID,
		Key:                   e.key,
		RedirectURL:           redirectURL,
		Scopes:                append(append([]string(nil), identityScopes...), apiScopes...),
		Resources:             resources,
		HTTPClient:            &http.Client{Timeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatalf("helseid.New: %v", err)
	}
	ctx := context.Background()
	ar, err := c.PushAuthorization(ctx, persona)
	if err != nil {
		t.Fatalf("PushAuthorization: %v", err)
	}
	browser := &http.Client{CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirectURL) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := browser.Get(ar.AuthorizeURL)
	if err != nil {
		t.Fatalf("GET authorize: %v", err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), redirectURL) {
		t.Fatalf("authorize answered %d, Location %q; want a redirect to the callback", resp.StatusCode, resp.Header.Get("Location"))
	}
	l, err := c.Exchange(ctx, ar, loc.Query())
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return &sessionAuth{c: c, ts: l.Tokens}
}

// doctor is the usual session: a level-4 physician with the PPS scope.
func (e *env) doctor(t *testing.T) *sessionAuth {
	return e.login(t, "doctor", []string{labs.Audience}, labs.Scope)
}

// rawReq is a hand-made request to the PPS simulator.
type rawReq struct {
	method, path string
	header       map[string]string // "" value deletes a default header
	form         url.Values
	audience     string // token audience; default labs.Audience
	noToken      bool
}

// raw sends r with auth's token and a proper proof; by default it sets the
// person-id of ninPlain and a correlation-id.
func (e *env) raw(t *testing.T, auth labs.Auth, r rawReq) (int, string, http.Header) {
	t.Helper()
	if r.method == "" {
		r.method = http.MethodPost
	}
	if r.audience == "" {
		r.audience = labs.Audience
	}
	target := e.base + r.path
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	req, _ := http.NewRequest(r.method, target, body)
	if r.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if !r.noToken {
		tok, err := auth.AccessToken(context.Background(), r.audience)
		if err != nil {
			t.Fatalf("AccessToken: %v", err)
		}
		proof, err := auth.Proof(r.method, target, tok)
		if err != nil {
			t.Fatalf("Proof: %v", err)
		}
		req.Header.Set("Authorization", "DPoP "+tok)
		req.Header.Set("DPoP", proof)
	}
	req.Header.Set("person-id", ninPlain)
	req.Header.Set("correlation-id", "test-corr-1")
	for k, v := range r.header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}
