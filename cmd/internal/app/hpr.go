package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/redis/go-redis/v9"

	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/batch"
	"github.com/oppslag/oppslag/clients/hpr/hprindex"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/handlers"
	"github.com/oppslag/oppslag/web/metrics"
)

// demoMaskinportenClient is the client id the demo registers at the
// Maskinporten simulator.
const demoMaskinportenClient = "oppslag-demo"

// hprSetup is the HPR client and, with the export scope, the local index.
type hprSetup struct {
	client  *hpr.Client
	limiter hpr.Limiter  // the client's, for the bucket-level metric
	index   *indexHolder // nil without the export scope
}

// startHPR makes the HPR client for the configuration. Without
// OPPSLAG_HPR_API_URL it starts the Maskinporten and HPR simulators over
// the demo population, with all three scopes, so the demo shows every HPR
// feature. With OPPSLAG_REDIS_URL the rate limiter and the cache live in
// Redis, so several instances share HPR's bucket (F16, S34). With m, the
// calls to HPR and Maskinporten are counted and timed.
func startHPR(ctx context.Context, cfg Config, sh simHost, population func() (*synthetic.Population, error), m *metrics.Metrics) (*hprSetup, error) {
	var (
		base, issuer, clientID string
		key                    jose.JSONWebKey
		scopes                 = cfg.HPRScopes
	)
	if cfg.HPRAPIURL == "" {
		pop, err := population()
		if err != nil {
			return nil, err
		}
		sims, err := sh.startHPRSims(ctx, "127.0.0.1:0", "127.0.0.1:0", pop)
		if err != nil {
			return nil, err
		}
		base, issuer, clientID, key, scopes = sims.base, sims.issuer, sims.clientID, sims.key, sims.scopes
	} else {
		var err error
		if key, err = helseid.LoadKey(cfg.MaskinportenKeyFile); err != nil {
			return nil, fmt.Errorf("OPPSLAG_MASKINPORTEN_KEY_FILE: %w", err)
		}
		base, issuer, clientID = cfg.HPRAPIURL, strings.TrimSuffix(cfg.MaskinportenURL, "/")+"/", cfg.MaskinportenClientID
	}
	tokens, err := hpr.NewTokenSource(hpr.TokenConfig{
		Issuer:     issuer,
		TokenURL:   issuer + "token",
		ClientID:   clientID,
		Key:        key,
		Scopes:     scopes,
		HTTPClient: instrumentedClient(m, upMaskinporten, cfg.UpstreamTimeout),
	})
	if err != nil {
		return nil, fmt.Errorf("maskinporten: %w", err)
	}
	// The limiter is made here, not left to hpr.New's default, so the
	// metrics can read its level.
	hc := hpr.Config{BaseURL: base, Tokens: tokens, HTTPClient: instrumentedClient(m, upHPR, 5*time.Minute),
		Limiter: hpr.NewMemoryLimiter(hpr.LimiterOptions{})}
	if cfg.RedisURL != "" {
		rc, err := redisClient(cfg)
		if err != nil {
			return nil, err
		}
		if hc.Limiter, err = hpr.NewRedisLimiter(rc, "oppslag:hpr:bucket:"+clientID, hpr.LimiterOptions{}); err != nil {
			return nil, fmt.Errorf("hpr limiter: %w", err)
		}
		if hc.Cache, err = hpr.NewRedisCache(rc, "oppslag:hpr:cache:"); err != nil {
			return nil, fmt.Errorf("hpr cache: %w", err)
		}
		hc.CacheKeySecret = []byte(cfg.HPRCacheSecret)
	}
	// With the export's index, a cached answer older than the freshness
	// window is still served while the index, fetched within the window,
	// shows the entry unchanged (hpr.ChangeSource): a suspension moves
	// sistOppdatert, so it is never shown later than the window.
	var index *indexHolder
	if hasScope(scopes, hpr.ScopeExport) && cfg.HPRIndexFile != "" {
		index = &indexHolder{path: cfg.HPRIndexFile, logger: sh.logger}
		hc.Changes = index
	}
	client, err := hpr.New(hc)
	if err != nil {
		return nil, fmt.Errorf("OPPSLAG_HPR_API_URL: %w", err)
	}
	setup := &hprSetup{client: client, limiter: hc.Limiter}
	if index != nil {
		index.client = client
		setup.index = index
		go index.run(ctx, cfg.HPRIndexRefresh)
	}
	return setup, nil
}

// redisClient connects to OPPSLAG_REDIS_URL (lazily: go-redis dials on
// first use).
func redisClient(cfg Config) (*redis.Client, error) {
	o, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, &configError{"OPPSLAG_REDIS_URL", "not a Redis URL"}
	}
	return redis.NewClient(o), nil
}

// hprBatchStore is where HPR batch checks are kept: in Redis when it is
// configured, so a poll that reaches another instance finds the check
// (issue 14); in this instance's memory otherwise.
func hprBatchStore(cfg Config) (*handlers.HPRBatches, error) {
	if cfg.RedisURL == "" {
		return handlers.NewHPRBatches(), nil
	}
	rc, err := redisClient(cfg)
	if err != nil {
		return nil, err
	}
	return batch.NewRedisStore(rc, "oppslag:hpr:batch:"), nil
}

func hasScope(scopes []string, s string) bool {
	for _, x := range scopes {
		if x == s {
			return true
		}
	}
	return false
}

// indexHolder keeps the current local index of HPR's export and rebuilds
// it on a schedule. A failed rebuild keeps the index it has.
type indexHolder struct {
	path   string
	client *hpr.Client
	logger *slog.Logger
	cur    atomic.Pointer[hprindex.Index]
}

// current returns the index, or nil while none is built.
func (x *indexHolder) current() handlers.HPRIndex {
	if x == nil {
		return nil
	}
	if ix := x.cur.Load(); ix != nil {
		return ix
	}
	return nil
}

// LastChange implements hpr.ChangeSource over the index in use; none yet
// finds nothing.
func (x *indexHolder) LastChange(ctx context.Context, number int) (time.Time, time.Time, bool, error) {
	ix := x.cur.Load()
	if ix == nil {
		return time.Time{}, time.Time{}, false, nil
	}
	return hprindex.Changes(ctx, ix, number)
}

// run opens an index left by an earlier run, then refreshes at once and
// every interval until ctx ends.
func (x *indexHolder) run(ctx context.Context, every time.Duration) {
	if ix, err := hprindex.Open(x.path); err == nil {
		x.cur.Store(ix)
	}
	if every <= 0 {
		every = 24 * time.Hour
	}
	for {
		if err := x.refresh(ctx); err != nil && ctx.Err() == nil {
			x.logger.Warn("HPR index refresh failed; keeping the index we have", "err", err)
		}
		select {
		case <-ctx.Done():
			if ix := x.cur.Load(); ix != nil {
				ix.Close()
			}
			return
		case <-time.After(every):
		}
	}
}

// refresh downloads the export to a temporary file, builds a new index
// beside the old one and swaps it in.
func (x *indexHolder) refresh(ctx context.Context) error {
	start := time.Now()
	f, err := os.CreateTemp(filepath.Dir(x.path), "hpr-export-*.zip")
	if err != nil {
		return fmt.Errorf("hpr index: spool: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	exportedAt := time.Now()
	size, err := x.client.Export(ctx, f)
	if err != nil {
		return fmt.Errorf("hpr index: export: %w", err)
	}
	st, err := hprindex.Build(ctx, x.path, f, size, exportedAt)
	if err != nil {
		return fmt.Errorf("hpr index: build: %w", err)
	}
	ix, err := hprindex.Open(x.path)
	if err != nil {
		return fmt.Errorf("hpr index: open: %w", err)
	}
	if old := x.cur.Swap(ix); old != nil {
		// Searches in flight on the old index finish first: it closes
		// after a grace period instead of under their feet.
		time.AfterFunc(time.Minute, func() { old.Close() })
	}
	x.logger.Info("HPR index built", "entries", st.Entries, "ms", time.Since(start).Milliseconds())
	return nil
}
