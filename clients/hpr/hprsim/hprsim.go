// Package hprsim simulates Helsepersonellregisteret's public API (HPR
// Offentlig API, upstreams.md §0 and §3) over a Source: the same routes,
// Maskinporten bearer tokens and scopes, the HelsepersonUtvidet JSON shape
// with its Norwegian field names, ProblemDetails errors, the token bucket
// per client (200, refill 10 per minute) and the zipped export — plus a
// fault knob for the resilience cases (S31–S34). It never logs.
//
// Routes (under Options.BasePath), what they answer and the scopes that
// open them:
//
//	GET  /v1/personer/{hprNummer}                       basic shape           basic, extended or export
//	GET  /v1/personer?etternavn=&foedselsdato=          array of basic shapes basic, extended or export
//	GET  /v1/personerutvidet/{hprNummer}                full shape            extended or export
//	GET  /v1/personerutvidet?etternavn=&foedselsdato=   array of full shapes  extended or export
//	POST /v1/personerutvidet (JSON NINRequest)          full shape            extended or export
//	GET  /v1/export                                     zip of full shapes    export
//
// An unknown path is 404 and a known path with another method 405, both
// ProblemDetails like every error.
//
// Where the public sources are silent the simulator decides as follows;
// each is INFERENCE about the real service:
//   - The basic shape is HelsepersonUtvidet without personal data: nin and
//     fødselsdato are null and manglerNin is false; names, dødsdato and
//     every approval stay (dødsdato decides whether an approval can be
//     used, so it is treated as register data, not personal data).
//   - The search answers a JSON array (possibly empty) of the same shape as
//     the by-number route of its scope level; etternavn (1–100 characters,
//     matched case-insensitively by the Source) and foedselsdato
//     (YYYY-MM-DD) are both required, else 400.
//   - GET routes take the NINRequest's other fields as optional query
//     parameters: atDate (YYYY-MM-DD) and includeHistory (true/false).
//   - gjelderForDato is atDate, or today in Norway. With includeHistory
//     false (the default) only approvals, rights, specialities,
//     competences and reactions whose period covers gjelderForDato are
//     sent; with true every item is sent, current and historic.
//   - hprNummer must be 1 to 9 digits and positive, else 400; POST nin must
//     be 11 digits, else 400 (the checksum is not checked: a number that
//     is well formed but unknown is 404); the POST body must be JSON (415
//     otherwise) of at most 64 KiB.
//   - Order of checks on a known route: the bearer token (401, costs
//     nothing: an anonymous caller has no bucket), then the caller's bucket
//     (429; every request with a valid token costs one token, whatever its
//     outcome, 404s and 403s included), then the scope (403), then the
//     request itself. An unknown path is 404 before any of them.
//   - The bucket refills continuously: 10 tokens per minute is one token
//     every 6 s, accumulated to the nanosecond, never above 200.
//     Retry-After is the whole seconds (rounded up) until one token is
//     there.
//   - The export is one zip; each entry "hpr-export-NNNN.json" holds up to
//     Options.ExportEntrySize (default 10 000) full-shape objects, written
//     one after the other separated by a newline, with history and
//     gjelderForDato today, in HPR number order.
package hprsim

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/problem"
	"github.com/oppslag/oppslag/clients/sanitize"
)

// TokenVerifier checks a Maskinporten access token and returns its client
// id and scopes; *maskinportensim.Server implements it.
type TokenVerifier interface {
	VerifyAccessToken(token string) (clientID string, scopes []string, err error)
}

// Malformed kinds for Fault.Malformed.
const (
	MalformedTruncated        = "truncated"          // 200, the body cut in the middle
	MalformedWrongContentType = "wrong-content-type" // 200, an HTML page
	MalformedEmpty            = "empty"              // 200, the right content type, no body
	MalformedOversized        = "oversized"          // 200, JSON larger than hpr.MaxBodyBytes (export: one object larger)
	MalformedUnknownFields    = "unknown-fields"     // 200, valid data with fields the client does not know
)

// Fault is an injected misbehaviour, applied to requests that passed the
// token, bucket and scope checks. The zero value is no fault.
type Fault struct {
	// Latency delays the answer (the request's context cancels the wait).
	Latency time.Duration
	// Status, when not 0, answers with this status instead (500, 502,
	// 503 ...): 502, 503 and 504 with an HTML page as a gateway would, the
	// others with ProblemDetails.
	Status int
	// Malformed, when not empty, answers a would-be 200 with a broken body
	// of this kind.
	Malformed string
	// Body, when not empty, answers every lookup and search route with
	// exactly these bytes as application/json, whoever was asked for: a
	// register document as HPR sent it, for the corpus and fault-injection
	// tests of the portal.
	Body []byte
}

// Options tune a Server; the zero value gives the defaults.
type Options struct {
	// BasePath is a path prefix before /v1 (e.g. "/hpr"); default none.
	BasePath string
	// Now is the clock for the bucket and for "today"; default time.Now.
	Now func() time.Time
	// Capacity is the bucket size per client; default 200.
	Capacity int
	// RefillPerMinute is the tokens added per minute; default 10.
	RefillPerMinute int
	// ExportEntrySize is the number of objects per zip entry; default 10 000.
	ExportEntrySize int
	// StatsWindow is the window of Stats.MaxAdmittedInWindow; default 1 min.
	StatsWindow time.Duration
}

// Defaults of Options (upstreams.md §0: bucket 200, refill 10 per minute).
const (
	DefaultCapacity        = 200
	DefaultRefillPerMinute = 10
	DefaultExportEntrySize = 10_000
)

// Stats counts requests per route (counted on arrival at a known route,
// before any check) and the outcomes.
type Stats struct {
	ByNumber, Search, ExtendedByNumber, ExtendedSearch, ByNIN, Export int

	NotFoundRoute int // unknown path or wrong method
	Unauthorized  int // 401
	RateLimited   int // 429
	Forbidden     int // 403
	BadRequest    int // 400 and 415
	NotFound      int // 404 for an unknown person
	Faulted       int // answered by the fault knob
	OK            int // 200

	// Admitted counts requests that got a token from their bucket.
	Admitted int
	// MaxAdmittedInWindow is the most requests one client got admitted
	// within any span of StatsWindow, so tests can prove the bucket.
	MaxAdmittedInWindow int
}

// Server is the simulator, an http.Handler. It is safe for concurrent use.
type Server struct {
	src      Source
	verifier TokenVerifier
	basePath string
	now      func() time.Time
	capacity time.Duration // bucket size as refill time: Capacity × interval
	interval time.Duration // refill time of one token
	perEntry int
	window   time.Duration

	mu       sync.Mutex
	fault    Fault
	stats    Stats
	buckets  map[string]*bucket
	admitted map[string][]time.Time // per client: admissions within the last window
}

// bucket is one client's token bucket. credit is the stored tokens
// expressed as refill time (one token = interval), as of updated; keeping
// it in nanoseconds makes the arithmetic exact.
type bucket struct {
	credit  time.Duration
	updated time.Time
}

// New returns a simulator serving src, checking tokens with verifier.
func New(src Source, verifier TokenVerifier, opts Options) *Server {
	s := &Server{
		src:      src,
		verifier: verifier,
		basePath: strings.TrimRight(opts.BasePath, "/"),
		now:      opts.Now,
		perEntry: opts.ExportEntrySize,
		window:   opts.StatsWindow,
		buckets:  map[string]*bucket{},
		admitted: map[string][]time.Time{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	capacity, refill := opts.Capacity, opts.RefillPerMinute
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	if refill <= 0 {
		refill = DefaultRefillPerMinute
	}
	s.interval = time.Minute / time.Duration(refill)
	s.capacity = time.Duration(capacity) * s.interval
	if s.perEntry <= 0 {
		s.perEntry = DefaultExportEntrySize
	}
	if s.window <= 0 {
		s.window = time.Minute
	}
	return s
}

// SetFault replaces the current fault; Fault{} clears it.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	s.fault = f
	s.mu.Unlock()
}

// Stats returns the counters so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func (s *Server) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}

// result is the outcome of a JSON route: a body for 200, else a status
// and a fixed title for ProblemDetails.
type result struct {
	status int
	title  string
	body   any
}

func okResult(body any) result { return result{status: http.StatusOK, body: body} }

func failure(status int, title string) result { return result{status: status, title: title} }

// route is a matched endpoint: a JSON route (serve) or the export.
type route struct {
	method string
	scopes []string // any one of them grants access
	serve  func(r *http.Request, param string) result
	export bool
	count  func(*Stats)
}

var (
	anyScope      = []string{hpr.ScopeBasic, hpr.ScopeExtended, hpr.ScopeExport}
	extendedScope = []string{hpr.ScopeExtended, hpr.ScopeExport}
	exportScope   = []string{hpr.ScopeExport}
)

// match finds the route for path and method. It returns ok false for an
// unknown path, and a nil route with the allowed methods for a known path
// with the wrong method.
func (s *Server) match(path, method string) (rt *route, param string, allow string, ok bool) {
	rest, found := strings.CutPrefix(path, s.basePath+"/v1/")
	if !found {
		return nil, "", "", false
	}
	collection, param, hasParam := strings.Cut(rest, "/")
	if hasParam && (param == "" || strings.Contains(param, "/")) {
		return nil, "", "", false
	}
	var candidates []route
	switch {
	case collection == "personer" && !hasParam:
		candidates = []route{{method: http.MethodGet, scopes: anyScope, serve: s.search(false), count: func(st *Stats) { st.Search++ }}}
	case collection == "personer":
		candidates = []route{{method: http.MethodGet, scopes: anyScope, serve: s.byNumber(false), count: func(st *Stats) { st.ByNumber++ }}}
	case collection == "personerutvidet" && !hasParam:
		candidates = []route{
			{method: http.MethodGet, scopes: extendedScope, serve: s.search(true), count: func(st *Stats) { st.ExtendedSearch++ }},
			{method: http.MethodPost, scopes: extendedScope, serve: s.byNIN, count: func(st *Stats) { st.ByNIN++ }},
		}
	case collection == "personerutvidet":
		candidates = []route{{method: http.MethodGet, scopes: extendedScope, serve: s.byNumber(true), count: func(st *Stats) { st.ExtendedByNumber++ }}}
	case collection == "export" && !hasParam:
		candidates = []route{{method: http.MethodGet, scopes: exportScope, export: true, count: func(st *Stats) { st.Export++ }}}
	default:
		return nil, "", "", false
	}
	var methods []string
	for i := range candidates {
		c := &candidates[i]
		if c.method == method {
			return c, param, "", true
		}
		methods = append(methods, c.method)
	}
	return nil, "", strings.Join(methods, ", "), true
}

// ServeHTTP routes the API (see the package documentation).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, param, allow, ok := s.match(r.URL.Path, r.Method)
	if !ok {
		s.count(func(st *Stats) { st.NotFoundRoute++ })
		problem.Write(w, http.StatusNotFound, "Not Found")
		return
	}
	if rt == nil {
		s.count(func(st *Stats) { st.NotFoundRoute++ })
		w.Header().Set("Allow", allow)
		problem.Write(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	s.count(rt.count)

	clientID, scopes, ok := s.authenticate(r)
	if !ok {
		s.count(func(st *Stats) { st.Unauthorized++ })
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		problem.Write(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	if wait, ok := s.take(clientID); !ok {
		s.count(func(st *Stats) { st.RateLimited++ })
		w.Header().Set("Retry-After", strconv.FormatInt(int64(math.Ceil(wait.Seconds())), 10))
		problem.Write(w, http.StatusTooManyRequests, "Too Many Requests")
		return
	}
	if !slices.ContainsFunc(rt.scopes, func(sc string) bool { return slices.Contains(scopes, sc) }) {
		s.count(func(st *Stats) { st.Forbidden++ })
		w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+strings.Join(rt.scopes, " ")+`"`)
		problem.Write(w, http.StatusForbidden, "Forbidden")
		return
	}

	s.mu.Lock()
	f := s.fault
	s.mu.Unlock()
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if f.Status != 0 {
		s.count(func(st *Stats) { st.Faulted++ })
		writeFaultStatus(w, f.Status)
		return
	}
	if rt.export {
		s.serveExport(w, f.Malformed)
		return
	}
	if len(f.Body) > 0 {
		s.count(func(st *Stats) { st.Faulted++ })
		writeJSON(w, f.Body)
		return
	}
	res := rt.serve(r, param)
	switch res.status {
	case http.StatusOK:
		s.respond(w, res.body, f.Malformed)
		return
	case http.StatusNotFound:
		s.count(func(st *Stats) { st.NotFound++ })
	case http.StatusBadRequest, http.StatusUnsupportedMediaType:
		s.count(func(st *Stats) { st.BadRequest++ })
	}
	problem.Write(w, res.status, res.title)
}

// authenticate reads "Authorization: Bearer <token>" and verifies it.
func (s *Server) authenticate(r *http.Request) (clientID string, scopes []string, ok bool) {
	if s.verifier == nil {
		return "", nil, false
	}
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", nil, false
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return "", nil, false
	}
	id, sc, err := s.verifier.VerifyAccessToken(token)
	if err != nil || id == "" {
		return "", nil, false
	}
	return id, sc, true
}

// take takes one token from clientID's bucket, or says how long until one
// is there.
func (s *Server) take(clientID string) (wait time.Duration, ok bool) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[clientID]
	if b == nil {
		b = &bucket{credit: s.capacity, updated: now}
		s.buckets[clientID] = b
	}
	credit := min(s.capacity, b.credit+now.Sub(b.updated))
	if credit < s.interval {
		return s.interval - credit, false
	}
	b.credit, b.updated = credit-s.interval, now
	s.stats.Admitted++

	// Admissions of this client within the last window.
	times := s.admitted[clientID]
	cut := 0
	for cut < len(times) && !times[cut].After(now.Add(-s.window)) {
		cut++
	}
	times = append(times[cut:], now)
	s.admitted[clientID] = times
	s.stats.MaxAdmittedInWindow = max(s.stats.MaxAdmittedInWindow, len(times))
	return 0, true
}

// today is the current day in Norway.
func (s *Server) today() hpr.Date { return hpr.DateOf(s.now().In(hpr.Oslo)) }

// maxRequestBytes bounds a POST body.
const maxRequestBytes = 64 << 10

// view is what a request asks to see.
type view struct {
	extended       bool
	day            hpr.Date
	includeHistory bool
}

// parseView reads atDate and includeHistory from the query.
func (s *Server) parseView(r *http.Request, extended bool) (view, string) {
	v := view{extended: extended, day: s.today()}
	q := r.URL.Query()
	if raw := q.Get("atDate"); raw != "" {
		d, ok := parseDate(raw)
		if !ok {
			return v, "The value is not valid for atDate"
		}
		v.day = d
	}
	if raw := q.Get("includeHistory"); raw != "" {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return v, "The value is not valid for includeHistory"
		}
		v.includeHistory = b
	}
	return v, ""
}

func parseDate(s string) (hpr.Date, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return hpr.Date{}, false
	}
	return hpr.Date{Time: t}, true
}

// parseNumber reads an hprNummer path parameter.
func parseNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

func (s *Server) byNumber(extended bool) func(*http.Request, string) result {
	return func(r *http.Request, param string) result {
		n, ok := parseNumber(param)
		if !ok {
			return failure(http.StatusBadRequest, "The value is not valid for hprNummer")
		}
		v, msg := s.parseView(r, extended)
		if msg != "" {
			return failure(http.StatusBadRequest, msg)
		}
		p, found := s.src.Personnel(n)
		if !found {
			return failure(http.StatusNotFound, "Helseperson ikke funnet")
		}
		return okResult(project(p, v))
	}
}

// maxSurname bounds etternavn.
const maxSurname = 100

func (s *Server) search(extended bool) func(*http.Request, string) result {
	return func(r *http.Request, _ string) result {
		q := r.URL.Query()
		surname := strings.TrimSpace(q.Get("etternavn"))
		if surname == "" || len([]rune(surname)) > maxSurname {
			return failure(http.StatusBadRequest, "The etternavn field is required")
		}
		birth, ok := parseDate(q.Get("foedselsdato"))
		if !ok {
			return failure(http.StatusBadRequest, "The foedselsdato field is required (YYYY-MM-DD)")
		}
		v, msg := s.parseView(r, extended)
		if msg != "" {
			return failure(http.StatusBadRequest, msg)
		}
		out := []hpr.Personnel{}
		for _, p := range s.src.SearchPersonnel(surname, birth) {
			out = append(out, project(p, v))
		}
		return okResult(out)
	}
}

func (s *Server) byNIN(r *http.Request, _ string) result {
	if !sanitize.IsJSON(r.Header.Get("Content-Type")) {
		return failure(http.StatusUnsupportedMediaType, "Unsupported Media Type")
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	if err != nil || len(b) > maxRequestBytes {
		return failure(http.StatusBadRequest, "The request body is too large")
	}
	var req hpr.NINRequest
	if err := json.Unmarshal(b, &req); err != nil {
		return failure(http.StatusBadRequest, "The request body is not valid JSON")
	}
	if !elevenDigits(req.NIN) {
		return failure(http.StatusBadRequest, "The nin field must be 11 digits")
	}
	// hpr.Date reads tolerantly and keeps what it cannot read; the API
	// itself refuses a request whose atDate is not a date.
	if req.AtDate.Unreadable() {
		return failure(http.StatusBadRequest, "The value is not valid for atDate")
	}
	v := view{extended: true, day: req.AtDate, includeHistory: req.IncludeHistory}
	if v.day.IsZero() {
		v.day = s.today()
	}
	p, found := s.src.PersonnelByNIN(req.NIN)
	if !found {
		return failure(http.StatusNotFound, "Helseperson ikke funnet")
	}
	return okResult(project(p, v))
}

func elevenDigits(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// writeFaultStatus answers an injected status.
func writeFaultStatus(w http.ResponseWriter, status int) {
	switch status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		// What a gateway in front of the API answers: not ProblemDetails.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", status, http.StatusText(status))
	default:
		problem.Write(w, status, http.StatusText(status))
	}
}
