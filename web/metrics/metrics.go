// Package metrics is the portal's Prometheus instrumentation: requests per
// route pattern, upstream calls per upstream, audit group commits, sessions,
// HPR's bucket and the cache hit rates. Serve exposes it on its own listener
// (OPPSLAG_METRICS_ADDR), never on the public port: the figures describe
// the deployment, not any user, and belong to whoever runs it.
//
// It lives under web because it is serving infrastructure, like the access
// log it hooks into, and knows nothing of persons or lab results. The
// packages it observes do not import Prometheus: each offers a plain
// callback or a counter snapshot (web.ObserveRequests, audit's commit
// observer, hpr.Client.Stats, the session stores' Count), and the wiring in
// cmd/internal/app connects them here.
//
// Label values come from closed sets only: a route pattern from the route
// table (/person/{handle}, never the path), a method from the standard
// ones, a status class, an upstream name from the wiring and an outcome
// from clients/upstream's kinds. No path, query, handle, identity number,
// HPR number or user id can become a label, and the number of series stays
// bounded whatever clients send.
package metrics

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/oppslag/oppslag/clients/upstream"
)

// Metrics holds the portal's metric families in a registry of its own, so
// two portals in one process (tests) never share or clash.
type Metrics struct {
	reg *prometheus.Registry

	requests         *prometheus.CounterVec
	requestSeconds   *prometheus.HistogramVec
	upstreamCalls    *prometheus.CounterVec
	upstreamSeconds  *prometheus.HistogramVec
	auditCommit      prometheus.Histogram
	auditGroupSize   prometheus.Histogram
	auditCommitFails prometheus.Counter
}

// collectTimeout bounds a gauge that asks a store (sessions in SQLite or
// Redis, HPR's bucket in Redis) during a scrape.
const collectTimeout = 2 * time.Second

// New returns the portal's metrics with the Go runtime and process
// collectors registered beside them.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "oppslag_http_requests_total",
			Help: "Requests answered, by method, route pattern and status class (2xx…5xx; 499 counts as 4xx).",
		}, []string{"method", "route", "status"}),
		requestSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "oppslag_http_request_duration_seconds",
			Help:    "Time from the request reaching the access log until its handler returned, by method and route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route"}),
		upstreamCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "oppslag_upstream_requests_total",
			Help: "HTTP exchanges with an upstream, by upstream and outcome (ok or a clients/upstream kind).",
		}, []string{"upstream", "outcome"}),
		upstreamSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "oppslag_upstream_request_duration_seconds",
			Help:    "Time of an upstream exchange, from sending the request until its body was read or closed.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 60},
		}, []string{"upstream"}),
		auditCommit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "oppslag_audit_commit_duration_seconds",
			Help:    "Time of one audit group commit (one transaction holding one or more records).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}),
		auditGroupSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "oppslag_audit_commit_group_size",
			Help:    "Records in one audit group commit.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
		}),
		auditCommitFails: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "oppslag_audit_commit_failures_total",
			Help: "Audit group commits that failed; every record in them failed closed.",
		}),
	}
	m.reg.MustRegister(m.requests, m.requestSeconds, m.upstreamCalls, m.upstreamSeconds,
		m.auditCommit, m.auditGroupSize, m.auditCommitFails,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in Prometheus's exposition format. A
// collector that fails leaves its family out rather than failing the
// whole scrape.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// ObserveRequest counts one answered request. route is the matched route
// pattern ("unmatched" for a 404 or 405), never the path.
func (m *Metrics) ObserveRequest(method, route string, status int, elapsed time.Duration) {
	method = methodLabel(method)
	m.requests.WithLabelValues(method, route, statusClass(status)).Inc()
	m.requestSeconds.WithLabelValues(method, route).Observe(elapsed.Seconds())
}

// ObserveAuditCommit records one audit group commit: how many records it
// held, how long it took and whether it failed.
func (m *Metrics) ObserveAuditCommit(size int, took time.Duration, err error) {
	m.auditCommit.Observe(took.Seconds())
	m.auditGroupSize.Observe(float64(size))
	if err != nil {
		m.auditCommitFails.Inc()
	}
}

// Sessions exports count as the gauge oppslag_sessions, asked at each
// scrape. A count that fails leaves the sample out for that scrape.
func (m *Metrics) Sessions(count func(context.Context) (int, error)) {
	m.reg.MustRegister(&gaugeFunc{
		desc: prometheus.NewDesc("oppslag_sessions", "Sessions in the session store that have not expired (signed in or not).", nil, nil),
		fn: func(ctx context.Context) (float64, error) {
			n, err := count(ctx)
			return float64(n), err
		},
	})
}

// HPRBucket exports level, the tokens left in the bucket the portal keeps
// for HPR's rate limit, as the gauge oppslag_hpr_bucket_tokens.
func (m *Metrics) HPRBucket(level func(context.Context) (float64, error)) {
	m.reg.MustRegister(&gaugeFunc{
		desc: prometheus.NewDesc("oppslag_hpr_bucket_tokens", "Tokens left in the portal's mirror of HPR's rate-limit bucket (200, refilled 10 a minute).", nil, nil),
		fn:   level,
	})
}

// CacheCounts is a cache's lookups so far, each answered from the cache
// while fresh (Hits), with a stale entry because the source could not be
// asked (Stale), or from the source (Misses, failures included).
type CacheCounts struct {
	Hits, Stale, Misses int64
}

// Cache exports a cache's counts, read at each scrape, as
// oppslag_cache_lookups_total{cache=name,result=hit|stale|miss}. The hit
// rate is the hit (and stale) rate over all results.
func (m *Metrics) Cache(name string, counts func() CacheCounts) {
	m.reg.MustRegister(&cacheCollector{name: name, counts: counts})
}

// Counter exports a monotonic count read at each scrape, for clients that
// keep their own counters (hpr.Client.Stats): name and help as given, with
// one constant label pair when label is not "".
func (m *Metrics) Counter(name, help, label, value string, read func() int64) {
	var labels prometheus.Labels
	if label != "" {
		labels = prometheus.Labels{label: value}
	}
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels},
		func() float64 { return float64(read()) }))
}

var cacheDesc = prometheus.NewDesc("oppslag_cache_lookups_total",
	"Cache lookups by cache and result: hit (fresh), stale (served labelled stale because the source could not be asked) or miss.",
	[]string{"cache", "result"}, nil)

// cacheCollector emits one cache's counts from a single snapshot, so the
// three results of one scrape agree with each other.
type cacheCollector struct {
	name   string
	counts func() CacheCounts
}

func (c *cacheCollector) Describe(ch chan<- *prometheus.Desc) { ch <- cacheDesc }

func (c *cacheCollector) Collect(ch chan<- prometheus.Metric) {
	n := c.counts()
	for _, r := range []struct {
		result string
		v      int64
	}{{"hit", n.Hits}, {"stale", n.Stale}, {"miss", n.Misses}} {
		ch <- prometheus.MustNewConstMetric(cacheDesc, prometheus.CounterValue, float64(max(r.v, 0)), c.name, r.result)
	}
}

// gaugeFunc is a gauge read from a store at scrape time, under
// collectTimeout; on error the sample is left out (Prometheus then shows it
// absent, which an alert can catch) instead of failing the scrape.
type gaugeFunc struct {
	desc *prometheus.Desc
	fn   func(context.Context) (float64, error)
}

func (g *gaugeFunc) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g *gaugeFunc) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), collectTimeout)
	defer cancel()
	v, err := g.fn(ctx)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, v)
}

// Transport returns next instrumented as the upstream named name: each
// exchange is counted by outcome and timed until its body is read to the
// end or closed. name must come from the wiring (person, labs, hpr,
// maskinporten, helseid), never from a request.
func (m *Metrics) Transport(name string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{m: m, name: name, next: next}
}

type transport struct {
	m    *Metrics
	name string
	next http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.observe(start, failureOutcome(req.Context(), err))
		return resp, err
	}
	outcome := "ok"
	if resp.StatusCode >= 400 {
		outcome = kindLabel(upstream.KindOf(resp.StatusCode))
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		t.observe(start, outcome)
		return resp, nil
	}
	resp.Body = &timedBody{ReadCloser: resp.Body, done: func(readErr error) {
		if readErr != nil {
			outcome = failureOutcome(req.Context(), readErr)
		}
		t.observe(start, outcome)
	}}
	return resp, nil
}

func (t *transport) observe(start time.Time, outcome string) {
	t.m.upstreamCalls.WithLabelValues(t.name, outcome).Inc()
	t.m.upstreamSeconds.WithLabelValues(t.name).Observe(time.Since(start).Seconds())
}

// timedBody calls done once: at the end of the body, at the first read
// error, or at Close, whichever comes first.
type timedBody struct {
	io.ReadCloser
	once sync.Once
	done func(readErr error)
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF:
		b.once.Do(func() { b.done(nil) })
	case err != nil:
		b.once.Do(func() { b.done(err) })
	}
	return n, err
}

func (b *timedBody) Close() error {
	b.once.Do(func() { b.done(nil) })
	return b.ReadCloser.Close()
}

// failureOutcome names an exchange that got no (whole) answer: timeout
// when a deadline passed, canceled when the caller went away (not the
// upstream's fault), unavailable otherwise (clients/upstream's Failed).
func failureOutcome(ctx context.Context, err error) string {
	var ne net.Error
	switch {
	case errors.Is(ctx.Err(), context.Canceled) || errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "unavailable"
}

// kindLabel is the label of one of clients/upstream's kinds.
func kindLabel(kind error) string {
	switch kind {
	case upstream.ErrBadRequest:
		return "bad_request"
	case upstream.ErrUnauthorized:
		return "unauthorized"
	case upstream.ErrForbidden:
		return "forbidden"
	case upstream.ErrNotFound:
		return "not_found"
	case upstream.ErrRateLimited:
		return "rate_limited"
	case upstream.ErrTimeout:
		return "timeout"
	case upstream.ErrMalformed:
		return "malformed"
	}
	return "unavailable"
}

// methodLabel keeps the method label to the standard methods: a client can
// send any token as a method, and each would be a new series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// statusClass is "2xx" for 200–299 and so on; anything outside 100–599 is
// "other".
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}
