// Package labsim simulates Pasientens prøvesvar (PPS, formerly NILAR) API v2
// over a Registry: POST /v2/DiagnosticReport/_search, POST
// /v2/Observation/_search and /v2/metadata, FHIR R4 JSON, the patient only in
// the person-id header, DPoP-bound HelseID tokens for audience nhn:pps with
// scope nhn:pps/provesvar-read and the claims §4.3 requires, access bases,
// restrictions and paging — plus a fault knob for the resilience cases
// (S31–S33). It never logs.
//
// Search parameters (form body, or query of a next link; both are read):
// date (repeatable; prefixes eq, lt, gt, le, ge; a year, month, day or
// RFC 3339 date-time, dates without a zone in Europe/Oslo), _id
// (DiagnosticReport only), _count (default 50, 1–1000), _skip (default 0),
// and the includes
//   - DiagnosticReport: _include DiagnosticReport:specimen, :based-on
//     (ServiceRequest), :performer (PractitionerRole of the laboratory),
//     :result (the report's Observations, panel members too);
//     _include:iterate ServiceRequest:requester (the requester's
//     PractitionerRole; needs :based-on); _revinclude or _revinclude:iterate
//     Observation:specimen (the report's Observations, panel members too).
//   - Observation: _include Observation:specimen. Every Observation,
//     panel members included, is a match.
//
// Where the public sources are silent the simulator follows the closest
// documented behaviour; these choices are INFERENCE (upstreams.md §4.3):
//   - an unknown search parameter or include is a 400 (strict handling), so
//     a client bug shows in tests instead of silently returning less;
//   - a missing access-basis is an ordinary (not elevated) basis: restricted
//     reports are withheld and announced, exactly as with UNNTAK;
//   - correlation-id (or one of its aliases) is required on both searches
//     (a search always has a body) and on metadata only when it has a body;
//   - person-id must be 11 digits; a patient with no record, or with no
//     report in the date window, gets a 200 Bundle with an OperationOutcome
//     entry whose issue code is not-found, details code NotFound;
//   - a Specific block is announced (outcome entry "Specific") only when a
//     blocked report falls inside the query's date window; General and
//     Reservation are always announced and no report is returned;
//   - FORHOYET_* opens Specific and General blocks, never a Reservation; a
//     FORHOYET_* request that would return nothing beyond an ordinary basis
//     (no restriction, no blocked report in the window, a reservation, or no
//     data) fails with 400 OperationOutcome, issue code business-rule,
//     details code NoAdditionalData;
//   - a token without a required claim (pid, hpr_number, security_level,
//     orgnr_parent, orgnr_child) or with security level below 4 is 403;
//     a bad token or proof (wrong audience included) is 401, a token without
//     the scope 403; all three carry an OperationOutcome;
//   - requester-hpr-role, when given, must be a kodeverk 9060 code; the
//     obsolete grunnlag header is ignored;
//   - metadata needs no token (FHIR servers serve it openly) and answers to
//     both POST and GET.
package labsim

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
	"github.com/oppslag/oppslag/clients/labs"
)

// TokenVerifier checks a request's DPoP-bound access token and proof and
// returns its claims; *helseidsim.Server implements it (errors wrapping
// helseidsim.ErrInsufficientScope mean 403, any other error 401).
type TokenVerifier interface {
	VerifyAccessToken(r *http.Request, apiBaseURL, audience, scope string) (map[string]any, error)
}

// Scope is the v2 read scope.
const Scope = "nhn:pps/provesvar-read"

// Claim names the service requires in the access token (upstreams.md §4.3).
const (
	ClaimPID           = "helseid://claims/identity/pid"
	ClaimHPRNumber     = "helseid://claims/hpr/hpr_number"
	ClaimSecurityLevel = "helseid://claims/identity/security_level"
	ClaimOrgParent     = "helseid://claims/client/claims/orgnr_parent"
	ClaimOrgChild      = "helseid://claims/client/claims/orgnr_child"
)

// Malformed kinds for Fault.Malformed.
const (
	MalformedTruncated        = "truncated"          // 200, JSON cut in the middle
	MalformedWrongContentType = "wrong-content-type" // 200, an HTML page
	MalformedEmpty            = "empty"              // 200, application/fhir+json, no body
	MalformedOversized        = "oversized"          // 200, JSON larger than labs.MaxBodyBytes
	MalformedNotBundle        = "not-bundle"         // 200, an OperationOutcome where a Bundle belongs
	MalformedUnknownResource  = "unknown-resource"   // 200, valid Bundle plus an entry of a resource type the client does not know
	MalformedPlainText400     = "plaintext-400"      // 400, a text/plain error body, as the service sometimes sends
)

// Fault is an injected misbehaviour. The zero value is no fault.
type Fault struct {
	// Latency delays the answer (the request's context cancels the wait).
	Latency time.Duration
	// Status, when not 0, answers with this status instead (500, 502, 503 ...).
	Status int
	// Malformed, when not empty, answers with a broken body of this kind.
	Malformed string
	// MinSkip limits the fault to search requests with _skip ≥ MinSkip, so a
	// later page can fail while the first succeeds; 0 means every request.
	MinSkip int
}

// Stats counts requests per route (counted on arrival, before the token
// check) and what happened to them.
type Stats struct {
	DiagnosticReportSearch, ObservationSearch, Metadata int
	NotFoundRoute                                       int // unknown path or method
	Unauthorized, Forbidden, BadRequest, NothingMore    int
	Restricted                                          int // answers carrying a Specific/General/Reservation outcome
	Faulted                                             int
	NonceRefused                                        int // 401 use_dpop_nonce answers (SetNonceDemand)
}

// Server is the simulator, an http.Handler. It is safe for concurrent use.
type Server struct {
	baseURL  string // as clients address it, no trailing slash
	basePath string
	reg      Registry
	verifier TokenVerifier

	mu    sync.Mutex
	fault Fault
	stats Stats

	nonces dpop.ServerNonces
}

// SetNonceDemand makes the simulator demand DPoP nonces as d says (RFC 9449
// §9; the real service does not document that it does). dpop.NoNonce, the
// default, turns it off.
func (s *Server) SetNonceDemand(d dpop.NonceDemand) { s.nonces.SetDemand(d) }

// RotateNonce retires the current nonce, as a server does when it expires.
func (s *Server) RotateNonce() { s.nonces.Rotate() }

// New returns a simulator answering at baseURL (scheme, host and optional
// path prefix exactly as clients address it; do not mount it behind
// http.StripPrefix, the DPoP proof names the full URL).
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

// maxFormBytes bounds a request body.
const maxFormBytes = 64 << 10

// Route paths below the base URL.
const (
	PathDiagnosticReportSearch = "/v2/DiagnosticReport/_search"
	PathObservationSearch      = "/v2/Observation/_search"
	PathMetadata               = "/v2/metadata"
)

// ServeHTTP routes the three v2 endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, ok := strings.CutPrefix(r.URL.Path, s.basePath)
	if !ok {
		s.notFound(w)
		return
	}
	switch route {
	case PathMetadata:
		s.count(func(st *Stats) { st.Metadata++ })
		if r.Method != http.MethodPost && r.Method != http.MethodGet {
			s.methodNotAllowed(w, "GET, POST")
			return
		}
		if hasBody(r) && correlationID(r.Header) == "" {
			s.badRequest(w, "required", "The correlation-id header is required for requests with a body")
			return
		}
		s.respond(w, r, http.StatusOK, capabilityStatement(s.baseURL))
		return
	case PathDiagnosticReportSearch:
		s.count(func(st *Stats) { st.DiagnosticReportSearch++ })
	case PathObservationSearch:
		s.count(func(st *Stats) { st.ObservationSearch++ })
	default:
		s.notFound(w)
		return
	}
	if r.Method != http.MethodPost {
		s.methodNotAllowed(w, http.MethodPost)
		return
	}
	if !s.authorize(w, r) {
		return
	}
	h, msg := parseHeaders(r.Header)
	if msg != "" {
		s.badRequest(w, "required", msg)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.badRequest(w, "structure", "The request body is not a valid form")
		return
	}
	q, msg := parseSearch(r.Form, route == PathDiagnosticReportSearch)
	if msg != "" {
		s.badRequest(w, "invalid", msg)
		return
	}
	rec, found := s.reg.Lab(h.personID)
	v := restrict(rec, found, h.elevated(), q.inWindow)
	if v.nothingMore {
		s.count(func(st *Stats) { st.NothingMore++; st.BadRequest++ })
		writeOutcome(w, http.StatusBadRequest, labs.OperationOutcome{ResourceType: "OperationOutcome", Issue: []labs.OperationOutcomeIssue{{
			Severity: "error", Code: "business-rule",
			Details: &labs.CodeableConcept{
				Coding: []labs.Coding{{System: labs.SystemPvkOutcome, Code: "NoAdditionalData"}},
				Text:   "Forhøyet access basis used, but no restricted data would be opened by it",
			},
		}}})
		return
	}
	if len(v.outcomes) > 0 && v.outcomes[0] != "NotFound" {
		s.count(func(st *Stats) { st.Restricted++ })
	}
	var b *labs.Bundle
	if route == PathDiagnosticReportSearch {
		b = s.reportBundle(h.personID, v, q)
	} else {
		b = s.observationBundle(h.personID, v, q)
	}
	s.respondSearch(w, r, q.skip, b)
}

// headers are the validated request headers.
type headers struct {
	personID, basis, role, correlation string
}

func (h headers) elevated() bool { return strings.HasPrefix(h.basis, "FORHOYET_") }

// AccessBases are the values of the access-basis header.
var AccessBases = []string{"UNNTAK", "SAMTYKKE", "FORHOYET_SAMTYKKE", "AKUTT", "FORHOYET_AKUTT"}

// hprRoles are the kodeverk 9060 profession codes (helsepersonellkategori).
var hprRoles = []string{
	"AA", "AT", "BI", "BP", "DE", "DT", "ET", "FB", "FO", "FT", "HE", "HF", "HP", "JO", "KE", "KI",
	"LE", "MT", "OA", "OI", "OP", "OR", "PE", "PM", "PS", "RA", "SP", "TH", "TL", "TP", "TT", "VP", "XX",
}

// correlationHeaders are the names accepted for the correlation id, in
// order of preference (case-insensitive; http.Header canonicalises).
var correlationHeaders = []string{
	"Correlation-Id", "Cid", "Traceparent", "Correlationid", "Correlation",
	"X-Correlation-Id", "X-Correlationid", "X-Correlation", "X-Request-Id", "X-Requestid", "X-Request",
}

func correlationID(h http.Header) string {
	for _, n := range correlationHeaders {
		if v := strings.TrimSpace(h.Get(n)); v != "" {
			return v
		}
	}
	return ""
}

func hasBody(r *http.Request) bool {
	return r.ContentLength > 0 || r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody
}

// parseHeaders validates person-id, correlation-id, access-basis and
// requester-hpr-role. Messages never echo a value.
func parseHeaders(hd http.Header) (headers, string) {
	var h headers
	h.personID = strings.TrimSpace(hd.Get("person-id"))
	if len(h.personID) != 11 || strings.Trim(h.personID, "0123456789") != "" {
		return h, "The person-id header is required and must be an 11-digit identity number"
	}
	h.correlation = correlationID(hd)
	if h.correlation == "" {
		return h, "The correlation-id header is required for requests with a body"
	}
	h.basis = strings.TrimSpace(hd.Get("access-basis"))
	if h.basis != "" && !slices.Contains(AccessBases, h.basis) {
		return h, "The access-basis header must be one of UNNTAK, SAMTYKKE, FORHOYET_SAMTYKKE, AKUTT, FORHOYET_AKUTT"
	}
	h.role = strings.TrimSpace(hd.Get("requester-hpr-role"))
	if h.role != "" && !slices.Contains(hprRoles, h.role) {
		return h, "The requester-hpr-role header must be a code from kodeverk 9060"
	}
	return h, ""
}

// authorize verifies the DPoP-bound token and the claims the service
// requires: 401 for a bad token or proof, 403 for a missing scope or claim
// or a security level below 4.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) bool {
	if s.verifier == nil {
		s.unauthorized(w)
		return false
	}
	claims, err := s.verifier.VerifyAccessToken(r, s.baseURL, labs.Audience, "")
	if err != nil {
		s.unauthorized(w)
		return false
	}
	// The proof is verified; now whether its nonce is the one demanded.
	if !s.nonces.Check(w, dpop.ProofNonce(r)) {
		s.count(func(st *Stats) { st.NonceRefused++ })
		w.Header().Set("WWW-Authenticate", dpop.Challenge)
		writeOutcome(w, http.StatusUnauthorized, issue("error", "login", "Unauthorized, DPoP nonce required"))
		return false
	}
	if !slices.Contains(scopesOf(claims), Scope) {
		s.forbidden(w, `DPoP error="insufficient_scope", scope="`+Scope+`"`, "The access token lacks the scope "+Scope)
		return false
	}
	for _, c := range []string{ClaimPID, ClaimHPRNumber, ClaimOrgParent, ClaimOrgChild} {
		if v, _ := claims[c].(string); strings.TrimSpace(v) == "" {
			s.forbidden(w, "", "The access token lacks a required claim: "+c)
			return false
		}
	}
	lvl, _ := claims[ClaimSecurityLevel].(string)
	if n, err := strconv.Atoi(lvl); err != nil || n < 4 {
		s.forbidden(w, "", "Security level must be 4 or higher")
		return false
	}
	return true
}

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

func (s *Server) unauthorized(w http.ResponseWriter) {
	s.count(func(st *Stats) { st.Unauthorized++ })
	w.Header().Set("WWW-Authenticate", `DPoP error="invalid_token", algs="RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512"`)
	writeOutcome(w, http.StatusUnauthorized, issue("error", "login", "Unauthorized, invalid token"))
}

func (s *Server) forbidden(w http.ResponseWriter, challenge, msg string) {
	s.count(func(st *Stats) { st.Forbidden++ })
	if challenge != "" {
		w.Header().Set("WWW-Authenticate", challenge)
	}
	writeOutcome(w, http.StatusForbidden, issue("error", "forbidden", msg))
}

func (s *Server) notFound(w http.ResponseWriter) {
	s.count(func(st *Stats) { st.NotFoundRoute++ })
	writeOutcome(w, http.StatusNotFound, issue("error", "not-found", "Not found"))
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, allow string) {
	s.count(func(st *Stats) { st.NotFoundRoute++ })
	w.Header().Set("Allow", allow)
	writeOutcome(w, http.StatusMethodNotAllowed, issue("error", "not-supported", "Method not allowed"))
}

func (s *Server) badRequest(w http.ResponseWriter, code, msg string) {
	s.count(func(st *Stats) { st.BadRequest++ })
	writeOutcome(w, http.StatusBadRequest, issue("error", code, msg))
}

func issue(severity, code, text string) labs.OperationOutcome {
	return labs.OperationOutcome{ResourceType: "OperationOutcome", Issue: []labs.OperationOutcomeIssue{{
		Severity: severity, Code: code, Details: &labs.CodeableConcept{Text: text},
	}}}
}

// respondSearch writes a search Bundle, or the injected fault when it
// applies to this page.
func (s *Server) respondSearch(w http.ResponseWriter, r *http.Request, skip int, b *labs.Bundle) {
	s.mu.Lock()
	f := s.fault
	s.mu.Unlock()
	if skip < f.MinSkip {
		writeJSON(w, http.StatusOK, b)
		return
	}
	s.respond(w, r, http.StatusOK, b)
}

// respond writes body as FHIR JSON, or the injected fault.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, status int, body any) {
	s.mu.Lock()
	f := s.fault
	s.mu.Unlock()
	if f.Latency <= 0 && f.Status == 0 && f.Malformed == "" {
		writeJSON(w, status, body)
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
			// What a gateway in front of the API answers: not FHIR.
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(f.Status)
			fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", f.Status, http.StatusText(f.Status))
		default:
			writeOutcome(w, f.Status, issue("error", "exception", http.StatusText(f.Status)))
		}
		return
	}
	switch f.Malformed {
	case MalformedTruncated:
		b, _ := json.Marshal(body)
		w.Header().Set("Content-Type", fhirJSON)
		w.WriteHeader(http.StatusOK)
		w.Write(b[:len(b)/2])
	case MalformedWrongContentType:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("<!doctype html><html><body>Maintenance</body></html>\n"))
	case MalformedEmpty:
		w.Header().Set("Content-Type", fhirJSON)
		w.WriteHeader(http.StatusOK)
	case MalformedOversized:
		w.Header().Set("Content-Type", fhirJSON)
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"resourceType":"Bundle","id":"`))
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for n := 0; n <= labs.MaxBodyBytes; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		w.Write([]byte(`"}`))
	case MalformedNotBundle:
		writeJSON(w, http.StatusOK, issue("information", "informational", "Not a bundle"))
	case MalformedUnknownResource:
		if b, ok := body.(*labs.Bundle); ok {
			c := *b
			c.Entry = append(slices.Clone(b.Entry), labs.BundleEntry{
				Resource: json.RawMessage(`{"resourceType":"MolecularSequence","id":"x","type":"dna"}`),
				Search:   &labs.BundleSearch{Mode: "include"},
			})
			body = &c
		}
		writeJSON(w, http.StatusOK, body)
	case MalformedPlainText400:
		s.count(func(st *Stats) { st.BadRequest++ })
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte("Bad request\n"))
	default:
		writeJSON(w, status, body)
	}
}

const fhirJSON = "application/fhir+json; charset=utf-8"

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeOutcome(w, http.StatusInternalServerError, issue("error", "exception", "Internal server error"))
		return
	}
	w.Header().Set("Content-Type", fhirJSON)
	w.WriteHeader(status)
	w.Write(b)
}

// writeOutcome answers with an OperationOutcome. Texts are fixed: no request
// value (and so no identity number) is echoed.
func writeOutcome(w http.ResponseWriter, status int, oo labs.OperationOutcome) {
	b, _ := json.Marshal(oo)
	w.Header().Set("Content-Type", fhirJSON)
	w.WriteHeader(status)
	w.Write(b)
}
