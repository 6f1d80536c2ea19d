// Package personsim simulates the Person API (Persontjenesten) v3 over a
// Registry: the same routes, form bodies, DPoP-bound HelseID tokens,
// information-part filtering, history, the restricted-access cut, search
// rules, ProblemDetails errors and events — plus a fault knob for the
// resilience cases (S31–S33, S35). It never logs.
//
// Where the public sources are silent the simulator follows the closest
// documented behaviour; these choices are INFERENCE (upstreams.md §2):
//   - restricted-access drops protected address items and KRR (see project);
//   - with restricted access, address criteria of a search never match a
//     person with protected addresses;
//   - bulk-by-nin returns one document per person even when asked with both
//     a current and a historic number;
//   - the event list answers 200 with an empty list when nothing matches;
//   - 401 and 403 carry ProblemDetails and a DPoP WWW-Authenticate challenge;
//     injected 502/503/504 answer with an HTML page, as a gateway would.
package personsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/dpop"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/problem"
)

// TokenVerifier checks a request's DPoP-bound access token and proof;
// *helseidsim.Server implements it. An empty scope means "any scope"; the
// simulator then checks the token's scope claim itself.
type TokenVerifier interface {
	VerifyAccessToken(r *http.Request, apiBaseURL, audience, scope string) (map[string]any, error)
}

// Malformed kinds for Fault.Malformed.
const (
	MalformedTruncated        = "truncated"          // 200, JSON cut in the middle
	MalformedWrongContentType = "wrong-content-type" // 200, an HTML page
	MalformedEmpty            = "empty"              // 200, application/json, no body
	MalformedOversized        = "oversized"          // 200, JSON larger than person.MaxBodyBytes
	MalformedUnknownEnum      = "unknown-enum"       // 200, valid JSON with enum values the client does not know
)

// Fault is an injected misbehaviour. The zero value is no fault.
type Fault struct {
	// Latency delays the answer (the request's context cancels the wait).
	Latency time.Duration
	// Status, when not 0, answers with this status instead (500, 502, 503 ...).
	Status int
	// Malformed, when not empty, answers 200 with a broken body of this kind.
	Malformed string
	// Parts limits the fault to requests asking for one of these parts;
	// empty means every request (routes without parts, like events, are
	// faulted only when Parts is empty).
	Parts []person.InformationPart
}

// Stats counts requests per route (counted on arrival, before the token
// check) and the refusals.
type Stats struct {
	GetByNIN, BulkByNIN, Search, EventLatest, Events int
	NotFoundRoute                                    int // unknown path or method
	Unauthorized, Forbidden, BadRequest, Faulted     int
	NonceRefused                                     int // 401 use_dpop_nonce answers (SetNonceDemand)
}

// Server is the simulator, an http.Handler. It is safe for concurrent use.
type Server struct {
	baseURL  string // as the client addresses it, no trailing slash
	basePath string // path part of baseURL
	reg      Registry
	verifier TokenVerifier

	mu    sync.Mutex
	fault Fault
	stats Stats

	nonces dpop.ServerNonces
}

// SetNonceDemand makes the simulator demand DPoP nonces as d says (RFC 9449
// §9; the real API does not document that it does). dpop.NoNonce, the
// default, turns it off.
func (s *Server) SetNonceDemand(d dpop.NonceDemand) { s.nonces.SetDemand(d) }

// RotateNonce retires the current nonce, as a server does when it expires.
func (s *Server) RotateNonce() { s.nonces.Rotate() }

// New returns a simulator answering at baseURL (scheme, host and optional
// path prefix exactly as clients address it; the handler must see the full
// path, so do not mount it behind http.StripPrefix).
func New(baseURL string, reg Registry, verifier TokenVerifier) *Server {
	base := strings.TrimRight(baseURL, "/")
	path := ""
	if u, err := url.Parse(base); err == nil {
		path = strings.TrimRight(u.Path, "/")
	}
	return &Server{baseURL: base, basePath: path, reg: reg, verifier: verifier}
}

// SetFault replaces the current fault; Fault{} clears it.
func (s *Server) SetFault(f Fault) {
	f.Parts = slices.Clone(f.Parts)
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

// maxFormBytes bounds a request body (100 numbers or a search form).
const maxFormBytes = 64 << 10

// ServeHTTP routes /api/v3/{full-access|restricted-access}/{person/get-by-nin,
// person/bulk-by-nin, search/person, event/latest, event}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, s.basePath+"/api/v3/")
	if !ok {
		s.notFound(w)
		return
	}
	scope, route, _ := strings.Cut(rest, "/")
	if scope != string(person.FullAccess) && scope != string(person.RestrictedAccess) {
		s.notFound(w)
		return
	}
	type handler func(*http.Request, view) (any, partSet, int, string)
	var h handler
	var method string
	switch route {
	case "person/get-by-nin":
		method, h = http.MethodPost, s.getByNIN
		s.count(func(st *Stats) { st.GetByNIN++ })
	case "person/bulk-by-nin":
		method, h = http.MethodPost, s.bulkByNIN
		s.count(func(st *Stats) { st.BulkByNIN++ })
	case "search/person":
		method, h = http.MethodPost, s.search
		s.count(func(st *Stats) { st.Search++ })
	case "event/latest":
		method, h = http.MethodGet, s.latestEvent
		s.count(func(st *Stats) { st.EventLatest++ })
	case "event":
		method, h = http.MethodGet, s.events
		s.count(func(st *Stats) { st.Events++ })
	default:
		s.notFound(w)
		return
	}
	if r.Method != method {
		s.count(func(st *Stats) { st.NotFoundRoute++ })
		w.Header().Set("Allow", method)
		problem.Write(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	if !s.authorize(w, r, person.Scope(scope)) {
		return
	}

	v := view{restricted: scope == string(person.RestrictedAccess)}
	if method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			s.badRequest(w, "The request body is not a valid form")
			return
		}
	}
	body, parts, status, title := h(r, v)
	if status != http.StatusOK {
		if status == http.StatusBadRequest {
			s.count(func(st *Stats) { st.BadRequest++ })
		}
		problem.Write(w, status, title)
		return
	}
	s.respond(w, r, body, parts)
}

// authorize verifies the DPoP-bound token: audience Audience, and scope
// full-access for full-access routes, restricted-access or full-access for
// restricted-access routes. 401 for a bad token or proof, 403 for a missing
// scope.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, scope person.Scope) bool {
	if s.verifier == nil {
		s.unauthorized(w)
		return false
	}
	claims, err := s.verifier.VerifyAccessToken(r, s.baseURL, person.Audience, "")
	if err != nil {
		s.unauthorized(w)
		return false
	}
	// The proof is verified; now whether its nonce is the one demanded.
	if !s.nonces.Check(w, dpop.ProofNonce(r)) {
		s.count(func(st *Stats) { st.NonceRefused++ })
		w.Header().Set("WWW-Authenticate", dpop.Challenge)
		problem.Write(w, http.StatusUnauthorized, "Unauthorized, DPoP nonce required")
		return false
	}
	granted := scopesOf(claims)
	ok := slices.Contains(granted, person.FullAccess.OAuthScope()) ||
		scope == person.RestrictedAccess && slices.Contains(granted, person.RestrictedAccess.OAuthScope())
	if !ok {
		s.count(func(st *Stats) { st.Forbidden++ })
		w.Header().Set("WWW-Authenticate", `DPoP error="insufficient_scope", scope="`+scope.OAuthScope()+`"`)
		problem.Write(w, http.StatusForbidden, "Forbidden, invalid scope")
		return false
	}
	return true
}

func (s *Server) unauthorized(w http.ResponseWriter) {
	s.count(func(st *Stats) { st.Unauthorized++ })
	w.Header().Set("WWW-Authenticate", `DPoP error="invalid_token", algs="RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512"`)
	problem.Write(w, http.StatusUnauthorized, "Unauthorized, invalid token")
}

func (s *Server) notFound(w http.ResponseWriter) {
	s.count(func(st *Stats) { st.NotFoundRoute++ })
	problem.Write(w, http.StatusNotFound, "Not found")
}

func (s *Server) badRequest(w http.ResponseWriter, title string) {
	s.count(func(st *Stats) { st.BadRequest++ })
	problem.Write(w, http.StatusBadRequest, title)
}

// scopesOf reads the scope claim: a JSON array (HelseID) or a
// space-separated string.
func scopesOf(claims map[string]any) []string {
	switch sc := claims["scope"].(type) {
	case []any:
		var out []string
		for _, v := range sc {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return sc
	case string:
		return strings.Fields(sc)
	}
	return nil
}

// parseView reads informationParts (at least one, each known) and
// includeHistory from the query.
func parseView(r *http.Request, v view) (view, string) {
	q := r.URL.Query()
	raw := q["informationParts"]
	if len(raw) == 0 {
		return v, "The informationParts field is required"
	}
	v.parts = partSet{}
	for _, item := range raw {
		// ASP.NET also binds comma-separated lists.
		for p := range strings.SplitSeq(item, ",") {
			ip := person.InformationPart(strings.TrimSpace(p))
			if !ip.Known() {
				return v, "The value is not valid for informationParts"
			}
			v.parts[ip] = true
		}
	}
	if h := q.Get("includeHistory"); h != "" {
		b, err := strconv.ParseBool(h)
		if err != nil {
			return v, "The value is not valid for includeHistory"
		}
		v.includeHistory = b
	}
	return v, ""
}

func (s *Server) getByNIN(r *http.Request, v view) (any, partSet, int, string) {
	v, msg := parseView(r, v)
	if msg != "" {
		return nil, nil, http.StatusBadRequest, msg
	}
	nin := r.PostForm.Get("nin")
	if nin == "" || len(nin) > 12 {
		return nil, nil, http.StatusBadRequest, "The nin field must be 1 to 12 characters"
	}
	p, ok := s.reg.ByNIN(nin)
	if !ok {
		return nil, nil, http.StatusNotFound, "Person not found"
	}
	out := project(p, v)
	return &out, v.parts, http.StatusOK, ""
}

func (s *Server) bulkByNIN(r *http.Request, v view) (any, partSet, int, string) {
	v, msg := parseView(r, v)
	if msg != "" {
		return nil, nil, http.StatusBadRequest, msg
	}
	nins := r.PostForm["nins"]
	if len(nins) == 0 || len(nins) > person.MaxBulk {
		return nil, nil, http.StatusBadRequest, "The nins field must hold 1 to 100 identification numbers"
	}
	out := []person.Person{}
	seen := map[*person.Person]bool{}
	for _, n := range nins {
		if n == "" || len(n) > 12 {
			return nil, nil, http.StatusBadRequest, "Each identification number must be 1 to 12 characters"
		}
		p, ok := s.reg.ByNIN(n)
		if !ok || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, project(p, v))
	}
	return out, v.parts, http.StatusOK, ""
}

func (s *Server) search(r *http.Request, v view) (any, partSet, int, string) {
	v, msg := parseView(r, v)
	if msg != "" {
		return nil, nil, http.StatusBadRequest, msg
	}
	includeAin := false
	if a := r.URL.Query().Get("includeAinResults"); a != "" {
		b, err := strconv.ParseBool(a)
		if err != nil {
			return nil, nil, http.StatusBadRequest, "The value is not valid for includeAinResults"
		}
		includeAin = b
	}
	q, msg := parseSearch(r.PostForm)
	if msg != "" {
		return nil, nil, http.StatusBadRequest, msg
	}
	candidates := s.reg.All
	if sr, ok := s.reg.(Searcher); ok {
		sq := q.SearchQuery
		sq.IncludeAinResults, sq.IncludeHistory = includeAin, v.includeHistory
		candidates = func() []*person.Person { return sr.Search(sq) }
	}
	res := person.PersonSearchResult{Results: []person.Person{}}
	for _, p := range candidates() {
		if len(res.Results) == maxSearchResults {
			break
		}
		if q.matches(p, v.restricted, includeAin) {
			res.Results = append(res.Results, project(p, v))
		}
	}
	res.EndIndex = max(len(res.Results)-1, 0)
	return &res, v.parts, http.StatusOK, ""
}

func (s *Server) latestEvent(_ *http.Request, _ view) (any, partSet, int, string) {
	evs := s.reg.Events()
	if len(evs) == 0 {
		return nil, nil, http.StatusNotFound, "Event document not found"
	}
	ev := evs[len(evs)-1]
	return &ev, nil, http.StatusOK, ""
}

// maxEvents is the page size of the event endpoint.
const maxEvents = 1000

func (s *Server) events(r *http.Request, _ view) (any, partSet, int, string) {
	q := r.URL.Query()
	var from int64 = 1
	if raw := q.Get("sequenceNumber"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 1 {
			return nil, nil, http.StatusBadRequest, "The value is not valid for sequenceNumber"
		}
		from = n
	}
	var types []person.EventType
	for _, t := range q["eventTypes"] {
		et := person.EventType(t)
		if !et.Known() {
			return nil, nil, http.StatusBadRequest, "The value is not valid for eventTypes"
		}
		types = append(types, et)
	}
	res := person.EventDocumentSearchResult{Results: []person.EventDocument{}}
	for _, ev := range s.reg.Events() {
		if len(res.Results) == maxEvents {
			break
		}
		seq, err := strconv.ParseInt(ev.SequenceNumber, 10, 64)
		if err != nil || seq < from {
			continue
		}
		if len(types) > 0 && !slices.Contains(types, ev.EventType) {
			continue
		}
		res.Results = append(res.Results, ev)
	}
	res.EndIndex = max(len(res.Results)-1, 0)
	return &res, nil, http.StatusOK, ""
}

// respond writes body as JSON, or the injected fault when it applies.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, body any, parts partSet) {
	s.mu.Lock()
	f := s.fault
	s.mu.Unlock()
	applies := len(f.Parts) == 0 || slices.ContainsFunc(f.Parts, func(p person.InformationPart) bool { return parts[p] })
	if !applies || f.Latency <= 0 && f.Status == 0 && f.Malformed == "" {
		writeJSON(w, http.StatusOK, body)
		return
	}
	s.count(func(st *Stats) { st.Faulted++ })
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
		switch f.Status {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			// What a gateway in front of the API answers: not ProblemDetails.
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(f.Status)
			fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", f.Status, http.StatusText(f.Status))
		default:
			problem.Write(w, f.Status, http.StatusText(f.Status))
		}
		return
	}
	switch f.Malformed {
	case MalformedTruncated:
		b, _ := json.Marshal(body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		w.Write(b[:len(b)/2])
	case MalformedWrongContentType:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("<!doctype html><html><body>Maintenance</body></html>\n"))
	case MalformedEmpty:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
	case MalformedOversized:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"id":"`))
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for n := 0; n <= person.MaxBodyBytes; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		w.Write([]byte(`"}`))
	case MalformedUnknownEnum:
		switch b := body.(type) {
		case *person.Person:
			scramble(b)
		case []person.Person:
			for i := range b {
				scramble(&b[i])
			}
		case *person.PersonSearchResult:
			for i := range b.Results {
				scramble(&b.Results[i])
			}
		case *person.EventDocument:
			b.EventType = "ChangeInSomethingNew"
		case *person.EventDocumentSearchResult:
			for i := range b.Results {
				b.Results[i].EventType = "ChangeInSomethingNew"
			}
		}
		writeJSON(w, http.StatusOK, body)
	default:
		writeJSON(w, http.StatusOK, body)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		problem.Write(w, http.StatusInternalServerError, "Internal server error")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}
