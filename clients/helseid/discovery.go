package helseid

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/oppslag/oppslag/clients/dpop"
)

// discoveryMaxAge is how long a fetched discovery document is used before it
// is fetched again.
const discoveryMaxAge = time.Hour

// discoveryRetryAfter is how long operations keep using a stale document
// after a failed refetch before they try the network again, so an outage
// does not add a failing discovery call to every request.
const discoveryRetryAfter = 30 * time.Second

// discoveryDoc holds the fields of HelseID's discovery document the client uses.
type discoveryDoc struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	UserinfoEndpoint      string   `json:"userinfo_endpoint"`
	JWKSURI               string   `json:"jwks_uri"`
	EndSessionEndpoint    string   `json:"end_session_endpoint"`
	PAREndpoint           string   `json:"pushed_authorization_request_endpoint"`
	IDTokenSigningAlgs    []string `json:"id_token_signing_alg_values_supported"`
	DPoPSigningAlgs       []string `json:"dpop_signing_alg_values_supported"`
}

// metadata is a fetched discovery document and the ID-token verifier built
// from it.
type metadata struct {
	doc      discoveryDoc
	verifier *oidc.IDTokenVerifier
	fetched  time.Time

	signer    *dpop.Signer // the proof key with an algorithm the document lists
	signerErr error        // wraps ErrProofKey when it lists none the key can sign
}

// proofSigner returns the DPoP signer this document allows, or why there is
// none.
func (m *metadata) proofSigner() (*dpop.Signer, error) {
	return m.signer, m.signerErr
}

// discoveryCache holds the current metadata; concurrent callers that need a
// fetch share one.
type discoveryCache struct {
	mu       sync.Mutex
	meta     *metadata
	failedAt time.Time // last failed fetch
	inflight *discoveryFetch
}

type discoveryFetch struct {
	done chan struct{}
	meta *metadata
	err  error
}

// metadata returns the discovery metadata. A fresh cached copy is returned
// without a network call. A stale one triggers a refetch; if that fails, the
// stale copy is used (HelseID rarely changes its endpoints, and S14 wants
// running sessions to survive an outage). With no copy at all the error is
// returned.
func (c *Client) metadata(ctx context.Context) (*metadata, error) {
	return c.loadMetadata(ctx, false)
}

// loadMetadata is metadata; with probe set it refetches also when the last
// HelseID call failed, and never falls back to a stale copy, so Ready tells
// the truth.
func (c *Client) loadMetadata(ctx context.Context, probe bool) (*metadata, error) {
	d := &c.disc
	now := c.now()
	d.mu.Lock()
	m := d.meta
	fresh := m != nil && now.Sub(m.fetched) < discoveryMaxAge && now.Sub(m.fetched) >= -time.Minute
	if fresh && !(probe && c.lastDown() != nil) {
		d.mu.Unlock()
		return m, nil
	}
	if !probe && m != nil && now.Sub(d.failedAt) < discoveryRetryAfter {
		d.mu.Unlock()
		return m, nil
	}
	f := d.inflight
	if f == nil {
		f = &discoveryFetch{done: make(chan struct{})}
		d.inflight = f
		// The fetch outlives a cancelled caller so the others waiting on it
		// still get an answer; the HTTP client's timeout bounds it.
		go c.fetchDiscovery(context.WithoutCancel(ctx), f, m)
	}
	d.mu.Unlock()

	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("helseid: discovery: %w", ctx.Err())
	case <-f.done:
	}
	if f.err != nil {
		if !probe && m != nil {
			return m, nil
		}
		return nil, f.err
	}
	return f.meta, nil
}

func (c *Client) fetchDiscovery(ctx context.Context, f *discoveryFetch, old *metadata) {
	meta, err := c.getDiscovery(ctx, old)
	d := &c.disc
	d.mu.Lock()
	if err != nil {
		d.failedAt = c.now()
	} else {
		d.meta = meta
		d.failedAt = time.Time{}
	}
	f.meta, f.err = meta, err
	d.inflight = nil
	d.mu.Unlock()
	close(f.done)
}

func (c *Client) getDiscovery(ctx context.Context, old *metadata) (*metadata, error) {
	const op = "discovery"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.cfg.Issuer+"/.well-known/openid-configuration", nil)
	if err != nil {
		return nil, fmt.Errorf("helseid: %s: %w", op, err)
	}
	req.Header.Set("Accept", "application/json")
	status, _, body, err := c.do(req)
	if err != nil {
		return nil, fmt.Errorf("helseid: %s: %w", op, err)
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("helseid: %s: %w", op, c.statusError(status, body))
	}
	var doc discoveryDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("helseid: %s: malformed document: %w", op, err)
	}
	// The issuer must match exactly (OIDC Discovery 4.3); a trailing slash
	// difference would make every ID token fail later with a worse message.
	if doc.Issuer != c.cfg.Issuer {
		return nil, fmt.Errorf("helseid: %s: document names issuer %q, want %q", op, doc.Issuer, c.cfg.Issuer)
	}
	for name, v := range map[string]string{
		"authorization_endpoint":                doc.AuthorizationEndpoint,
		"token_endpoint":                        doc.TokenEndpoint,
		"userinfo_endpoint":                     doc.UserinfoEndpoint,
		"jwks_uri":                              doc.JWKSURI,
		"pushed_authorization_request_endpoint": doc.PAREndpoint,
	} {
		if v == "" {
			return nil, fmt.Errorf("helseid: %s: document has no %s", op, name)
		}
	}
	meta := &metadata{doc: doc, fetched: c.now()}
	meta.signer, meta.signerErr = c.chooseSigner(doc.DPoPSigningAlgs)
	if old != nil && old.doc.JWKSURI == doc.JWKSURI {
		// Same key set: keep the verifier and with it go-oidc's cached keys.
		meta.verifier = old.verifier
	} else {
		pc := oidc.ProviderConfig{
			IssuerURL:   doc.Issuer,
			AuthURL:     doc.AuthorizationEndpoint,
			TokenURL:    doc.TokenEndpoint,
			UserInfoURL: doc.UserinfoEndpoint,
			JWKSURL:     doc.JWKSURI,
			Algorithms:  []string{oidc.RS256},
		}
		provider := pc.NewProvider(oidc.ClientContext(context.Background(), c.http))
		meta.verifier = provider.Verifier(&oidc.Config{
			ClientID: c.cfg.ClientID,
			// HelseID signs ID tokens with RS256 only; anything else (none,
			// HS256 with the public key as secret, ...) is refused (S9).
			SupportedSigningAlgs: []string{oidc.RS256},
			Now:                  c.now,
		})
	}
	return meta, nil
}

// Ready reports whether HelseID is usable for new logins. It uses the cached
// discovery document and makes no network call while that is fresh (younger
// than an hour) and no HelseID call has failed since the last success;
// otherwise it fetches discovery again and returns that fetch's error.
// Tokens already cached in sessions keep working whatever Ready says (S14).
func (c *Client) Ready(ctx context.Context) error {
	if _, err := c.loadMetadata(ctx, true); err != nil {
		return err
	}
	return nil
}

// lastDown returns the last unavailability error, or nil when the latest
// HelseID call got an answer.
func (c *Client) lastDown() error {
	c.healthMu.Lock()
	defer c.healthMu.Unlock()
	return c.down
}

func (c *Client) setHealth(err error) {
	c.healthMu.Lock()
	c.down = err
	c.healthMu.Unlock()
}

// chooseSigner picks the proof algorithm for the configured proof key from
// the provider's dpop_signing_alg_values_supported (see Config for why the
// key itself never depends on discovery).
func (c *Client) chooseSigner(supported []string) (*dpop.Signer, error) {
	alg, err := dpop.ChooseAlgorithm(c.proofKey, supported)
	if err != nil {
		hint := "configure a separate DPoP proof key (EC P-256) that every instance shares"
		if c.cfg.DPoPKey != nil {
			hint = "configure a DPoP proof key of a type the provider accepts"
		}
		return nil, fmt.Errorf("%w: %w; %s", ErrProofKey, err, hint)
	}
	if alg == c.signer.Algorithm() {
		return c.signer, nil
	}
	s, err := dpop.NewSignerWithAlgorithm(c.proofKey, alg, c.now)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrProofKey, err)
	}
	return s, nil
}
