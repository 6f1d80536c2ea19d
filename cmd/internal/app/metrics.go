package app

import (
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/upstream/rawlog"
	"github.com/oppslag/oppslag/web"
	"github.com/oppslag/oppslag/web/metrics"
)

// instrumentedClient is upstreamClient with each exchange counted and
// timed as the upstream name (upPerson, upHPR …) when m is not nil.
func instrumentedClient(m *metrics.Metrics, name string, timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	var rt http.RoundTripper = t
	if m != nil {
		rt = m.Transport(name, t)
	}
	// rawlog captures an exchange only for a request that asks (the raw
	// drawer, F19); for every other call it passes straight through.
	return &http.Client{Timeout: timeout, Transport: rawlog.Wrap(rt)}
}

// requestObserver is what the access log tells m; nil when metrics are off.
func requestObserver(m *metrics.Metrics) web.RequestObserver {
	if m == nil {
		return nil
	}
	return m.ObserveRequest
}

// observeHPR exports the HPR client's cache and limiter figures: the cache
// hit rate from its counters, the bucket's level from the limiter.
func observeHPR(m *metrics.Metrics, setup *hprSetup) {
	if m == nil || setup == nil || setup.client == nil {
		return
	}
	c := setup.client
	m.Cache("hpr", func() metrics.CacheCounts {
		s := c.Stats()
		return metrics.CacheCounts{Hits: s.Fresh, Stale: s.Stale, Misses: s.Lookups - s.Fresh - s.Stale}
	})
	m.Counter("oppslag_hpr_limited_total", "HPR calls refused by the rate limit: by the portal's own bucket (local) or by HPR's 429 (upstream).",
		"by", "local", func() int64 { return c.Stats().LimitedLocally })
	m.Counter("oppslag_hpr_limited_total", "HPR calls refused by the rate limit: by the portal's own bucket (local) or by HPR's 429 (upstream).",
		"by", "upstream", func() int64 { return c.Stats().LimitedUpstream })
	if lv, ok := setup.limiter.(hpr.Leveler); ok {
		m.HPRBucket(lv.Level)
	}
}

// metricsServer serves /metrics, and nothing else, on ln: a listener of its
// own (OPPSLAG_METRICS_ADDR), so the portal's public port never answers it.
func metricsServer(m *metrics.Metrics, logger *slog.Logger) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// metricsURL is where a scraper finds the metrics on ln.
func metricsURL(ln net.Listener) string { return "http://" + ln.Addr().String() + "/metrics" }
