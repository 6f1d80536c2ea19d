// Package labs is a client for Pasientens prøvesvar (PPS, formerly NILAR)
// API v2: DiagnosticReport searches for one patient, with the patient only
// in the person-id header, a DPoP-bound HelseID token for audience nhn:pps,
// the access basis and requester role headers, paging through next links
// and the restriction notices (Specific, General, Reservation) the service
// puts in its Bundles. Contract: upstreams.md §0 and §4.
//
// FHIR model: own types for the subset the service speaks (fhir.go), not a
// generated FHIR R4 package. The Go module proxy serves neither of the two
// known model modules (github.com/samply/golang-fhir-models/fhir-models and
// github.com/google/fhir/go answer "not available"), and both are large
// generated trees (hundreds of resource types, protobuf for Google's) for
// the eight resources used here. Own types also let the decoder stay strict
// where safety needs it (one JSON value, size cap, errors that never quote
// the body) and lenient where FHIR needs it (unknown elements and resource
// types ignored).
//
// The client never presents partial patient data as complete: a failed
// later page fails the whole call, a Bundle whose pages add up to less than
// its total is ErrMalformed, and Result.Truncated says when the page cap
// stopped the walk. The patient's identity number is never put in a URL or
// an error message.
package labs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/sanitize"
)

// Audience is the PPS resource identifier at HelseID.
const Audience = "nhn:pps"

// Scope is the v2 read scope (DPoP required).
const Scope = "nhn:pps/provesvar-read"

// Auth supplies DPoP-bound access tokens and their proofs (the same
// contract as person.Auth).
type Auth interface {
	// AccessToken returns an access token whose only audience is audience.
	AccessToken(ctx context.Context, audience string) (string, error)
	// Proof returns a DPoP proof for method and targetURL with ath for accessToken.
	Proof(method, targetURL, accessToken string) (string, error)
}

// Named errors. Every error the Client returns wraps one of these (or a
// context error, or the Auth's own error).
var (
	ErrBadRequest   = errors.New("bad request")                 // 400, or a query the client will not send
	ErrUnauthorized = errors.New("unauthorized")                // 401: token or DPoP proof refused
	ErrForbidden    = errors.New("forbidden")                   // 403: scope, claims or security level refused
	ErrUpstream     = errors.New("upstream error")              // 5xx, other statuses, network failure
	ErrMalformed    = errors.New("malformed upstream response") // cut, too big, not FHIR JSON, inconsistent paging (S33)
	// ErrNothingMore is a 400 to a FORHOYET_* basis: the elevated basis would
	// open nothing beyond an ordinary one. It also matches ErrBadRequest.
	ErrNothingMore = errors.New("elevated access basis opens no additional data")
)

// Access bases (the access-basis header).
const (
	BasisUnntak           = "UNNTAK"
	BasisSamtykke         = "SAMTYKKE"
	BasisForhoyetSamtykke = "FORHOYET_SAMTYKKE"
	BasisAkutt            = "AKUTT"
	BasisForhoyetAkutt    = "FORHOYET_AKUTT"
)

// AccessBases lists the valid access-basis values.
var AccessBases = []string{BasisUnntak, BasisSamtykke, BasisForhoyetSamtykke, BasisAkutt, BasisForhoyetAkutt}

// Elevated reports whether basis is a FORHOYET_* basis, which opens
// restricted (sperret) results.
func Elevated(basis string) bool { return strings.HasPrefix(basis, "FORHOYET_") }

// Restriction codes in Result.Restrictions (pvk-outcome-cs).
const (
	RestrictionSpecific    = "Specific"
	RestrictionGeneral     = "General"
	RestrictionReservation = "Reservation"
)

// MaxBodyBytes caps a response body; a bigger one is ErrMalformed.
const MaxBodyBytes = 16 << 20

// maxOutcomeBytes caps an error body.
const maxOutcomeBytes = 64 << 10

// MaxPages is the most pages SearchReports follows; more sets
// Result.Truncated.
const MaxPages = 20

// OutcomeError is a non-2xx answer. It wraps the named error for the
// status and keeps the OperationOutcome issues sanitised (runs of 11 or
// more digits and the patient's number masked, control characters dropped,
// lengths capped), so it is safe to log. Show users a message of your own.
type OutcomeError struct {
	Status int
	Issues []OperationOutcomeIssue // sanitised; empty when the body was not an OperationOutcome
	kinds  []error
}

// Error names the kind, the status and the first issue's text.
func (e *OutcomeError) Error() string {
	msg := fmt.Sprintf("%v: status %d", e.kinds[0], e.Status)
	if len(e.Issues) > 0 {
		is := e.Issues[0]
		text := is.Diagnostics
		if is.Details != nil && is.Details.Text != "" {
			text = is.Details.Text
		}
		msg += ": " + is.Code
		if text != "" {
			msg += ": " + text
		}
	}
	return msg
}

// Unwrap returns the named errors for the answer.
func (e *OutcomeError) Unwrap() []error { return e.kinds }

// Client calls one PPS deployment. It is safe for concurrent use.
type Client struct {
	base string // scheme://host[/path], no trailing slash
	hc   *http.Client
}

// New returns a Client for baseURL (e.g. https://pps.nhn.no; the client
// appends /v2/...). hc may be nil for a default client.
func New(baseURL string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(baseURL)
	switch {
	case err != nil:
		return nil, fmt.Errorf("labs: new: base URL: %w", err)
	case u.Scheme != "https" && u.Scheme != "http" || u.Host == "":
		return nil, errors.New("labs: new: base URL must be an absolute http(s) URL")
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return nil, errors.New("labs: new: base URL must not have query, fragment or user info")
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: strings.TrimRight(u.String(), "/"), hc: hc}, nil
}

// Query is one search for one patient's reports.
type Query struct {
	PersonID      string    // patient's fødselsnummer or D-number; sent only in the person-id header
	AccessBasis   string    // one of AccessBases, or "" for none
	RequesterRole string    // kodeverk 9060 code (LE, SP, ...), or ""
	CorrelationID string    // "" for a random one
	From, To      time.Time // effective date window [From, To); zero means open
	Count         int       // page size; 0 for the service's default (50)
}

// Result is a patient's reports as found.
type Result struct {
	Reports      []Report // newest first as the service orders them
	Restrictions []string // Specific, General or Reservation, each at most once
	NotFound     bool     // the service said it has no data for the request
	Total        int      // Bundle.total of the first page
	Truncated    bool     // MaxPages reached with more pages left: Reports is not everything
}

// Report is one lab report.
type Report struct {
	ID             string
	Status         string
	Effective      time.Time
	Issued         time.Time
	Category, Code Coding
	Performer      Organisation
	Requester      Requester
	Specimen       SpecimenInfo
	Analyses       []Analysis // top-level results; panels hold their members
	Comment        string
	Incomplete     bool // a result or member reference did not resolve in the Bundle
}

// Organisation is the performing laboratory.
type Organisation struct{ Name, OrgNumber string }

// Requester is the requesting health professional.
type Requester struct{ Name, HPRNumber, Role string }

// SpecimenInfo is the sample a report is about.
type SpecimenInfo struct {
	ID, Type  string
	Collected time.Time
}

// Analysis is one observation, with panel members nested.
type Analysis struct {
	ID             string
	Code           Coding
	Value          AnalysisValue
	Reference      *Interval
	Interpretation string // kodeverk 8244 code, "" when not flagged
	Members        []Analysis
	Comment        string
}

// AnalysisValue is an observation's value[x]; at most one field is set.
type AnalysisValue struct {
	Quantity *Measure
	Coded    *Coding
	Text     string
	DateTime *time.Time
	Range    *Interval
}

// Measure is a number with its unit.
type Measure struct {
	Value      float64
	Comparator string // "<", "<=", ">=", ">" or ""
	Unit, Code string // display unit and UCUM code
}

// Interval is a reference range or a range value.
type Interval struct {
	Low, High *Measure
	Text      string
}

// SearchReports returns the patient's reports with observations,
// specimens, performers and requesters, following next links up to
// MaxPages. Any failed page fails the whole call.
func (c *Client) SearchReports(ctx context.Context, auth Auth, q Query) (*Result, error) {
	const op = "search reports"
	form, err := q.form()
	if err != nil {
		return nil, fmt.Errorf("labs: %s: %w", op, err)
	}
	corr := q.CorrelationID
	if corr == "" {
		corr = randomID()
	}
	target := c.base + "/v2/DiagnosticReport/_search"
	idx := newIndex()
	res := &Result{}
	for pageNo := 0; ; pageNo++ {
		if pageNo == MaxPages {
			res.Truncated = true
			break
		}
		b, err := c.post(ctx, auth, op, target, form, q, corr)
		if err != nil {
			return nil, err
		}
		if pageNo == 0 && b.Total != nil {
			res.Total = *b.Total
		}
		if err := idx.add(b); err != nil {
			return nil, fmt.Errorf("labs: %s: %w", op, err)
		}
		next := link(b, "next")
		if next == "" {
			break
		}
		nt, nf, err := c.followable(next, target)
		if err != nil {
			return nil, fmt.Errorf("labs: %s: %w", op, err)
		}
		if nf.Encode() == form.Encode() {
			return nil, fmt.Errorf("labs: %s: %w: next link repeats the page", op, ErrMalformed)
		}
		target, form = nt, nf
	}
	reports, err := idx.assemble()
	if err != nil {
		return nil, fmt.Errorf("labs: %s: %w", op, err)
	}
	res.Reports = reports
	res.Restrictions = idx.restrictions
	res.NotFound = idx.notFound
	if !res.Truncated && res.Total > 0 && len(res.Reports) != res.Total {
		return nil, fmt.Errorf("labs: %s: %w: pages hold %d reports, total says %d", op, ErrMalformed, len(res.Reports), res.Total)
	}
	return res, nil
}

// form validates q and returns the first page's search form.
func (q Query) form() (url.Values, error) {
	if len(q.PersonID) != 11 || strings.Trim(q.PersonID, "0123456789") != "" {
		return nil, fmt.Errorf("%w: person id must be 11 digits", ErrBadRequest)
	}
	if q.AccessBasis != "" && !slices.Contains(AccessBases, q.AccessBasis) {
		return nil, fmt.Errorf("%w: unknown access basis", ErrBadRequest)
	}
	if q.RequesterRole != "" && !roleRE.MatchString(q.RequesterRole) {
		return nil, fmt.Errorf("%w: requester role must be a kodeverk 9060 code", ErrBadRequest)
	}
	if q.Count < 0 || q.Count > 1000 {
		return nil, fmt.Errorf("%w: count must be 0 to 1000", ErrBadRequest)
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return nil, fmt.Errorf("%w: From must be before To", ErrBadRequest)
	}
	f := url.Values{}
	if !q.From.IsZero() {
		f.Add("date", "ge"+q.From.Format(time.RFC3339))
	}
	if !q.To.IsZero() {
		f.Add("date", "lt"+q.To.Format(time.RFC3339))
	}
	if q.Count > 0 {
		f.Set("_count", fmt.Sprint(q.Count))
	}
	f["_include"] = []string{"DiagnosticReport:specimen", "DiagnosticReport:based-on", "DiagnosticReport:performer"}
	f.Set("_include:iterate", "ServiceRequest:requester")
	f.Set("_revinclude:iterate", "Observation:specimen")
	return f, nil
}

var roleRE = regexp.MustCompile(`^[A-Z]{2}$`)

// followable checks that a next link stays on the search endpoint (so the
// token never goes elsewhere) and splits it into target and form: the
// client POSTs the link's parameters as a form, as on the first page.
func (c *Client) followable(next, target string) (string, url.Values, error) {
	u, err := url.Parse(next)
	if err != nil {
		return "", nil, fmt.Errorf("%w: next link is not a URL", ErrMalformed)
	}
	t, _ := url.Parse(target)
	if !u.IsAbs() {
		u = t.ResolveReference(u)
	}
	if u.Scheme != t.Scheme || u.Host != t.Host || u.Path != t.Path || u.User != nil {
		return "", nil, fmt.Errorf("%w: next link leaves the search endpoint", ErrMalformed)
	}
	return target, u.Query(), nil
}

func link(b *Bundle, rel string) string {
	for _, l := range b.Link {
		if l.Relation == rel {
			return l.URL
		}
	}
	return ""
}

func randomID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// post sends one search page and decodes the Bundle.
func (c *Client) post(ctx context.Context, auth Auth, op, target string, form url.Values, q Query, corr string) (*Bundle, error) {
	if auth == nil {
		return nil, fmt.Errorf("labs: %s: no auth", op)
	}
	token, err := auth.AccessToken(ctx, Audience)
	if err != nil {
		return nil, fmt.Errorf("labs: %s: access token: %w", op, err)
	}
	proof, err := auth.Proof(http.MethodPost, target, token)
	if err != nil {
		return nil, fmt.Errorf("labs: %s: dpop proof: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("labs: %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/fhir+json")
	req.Header.Set("Authorization", "DPoP "+token)
	req.Header.Set("DPoP", proof)
	req.Header.Set("person-id", q.PersonID)
	req.Header.Set("correlation-id", corr)
	if q.AccessBasis != "" {
		req.Header.Set("access-basis", q.AccessBasis)
	}
	if q.RequesterRole != "" {
		req.Header.Set("requester-hpr-role", q.RequesterRole)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("labs: %s: %w", op, ctx.Err())
		}
		// The *url.Error names the URL, which holds no identity number.
		return nil, fmt.Errorf("labs: %s: %w: %v", op, ErrUpstream, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("labs: %s: %w", op, outcomeError(resp, q))
	}
	if !sanitize.IsJSON(resp.Header.Get("Content-Type")) {
		return nil, fmt.Errorf("labs: %s: %w: content type %q", op, ErrMalformed, sanitize.Text(resp.Header.Get("Content-Type"), nil, 100))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("labs: %s: %w", op, ctx.Err())
		}
		return nil, fmt.Errorf("labs: %s: %w: reading body: %v", op, ErrMalformed, err)
	}
	if len(b) > MaxBodyBytes {
		return nil, fmt.Errorf("labs: %s: %w: body larger than %d bytes", op, ErrMalformed, MaxBodyBytes)
	}
	bundle, err := DecodeBundle(b)
	if err != nil {
		return nil, fmt.Errorf("labs: %s: %w", op, err)
	}
	return bundle, nil
}

// DecodeBundle decodes one FHIR Bundle. Empty input, a cut-off document,
// trailing data, values of the wrong JSON type and a resourceType other
// than Bundle are ErrMalformed; unknown elements are ignored. Error texts
// never quote the input.
func DecodeBundle(b []byte) (*Bundle, error) {
	var bundle Bundle
	if err := decodeJSON(b, &bundle); err != nil {
		return nil, err
	}
	if bundle.ResourceType != "Bundle" {
		return nil, fmt.Errorf("%w: resourceType is not Bundle", ErrMalformed)
	}
	return &bundle, nil
}

// decodeJSON decodes exactly one JSON value from b into out (see
// sanitize.DecodeJSON); every failure is ErrMalformed and none quotes the body.
func decodeJSON(b []byte, out any) error {
	if err := sanitize.DecodeJSON(b, out); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return nil
}

// validationCodes are OperationOutcome issue codes of a malformed request,
// which a 400 to a FORHOYET_* basis can still carry.
var validationCodes = []string{"required", "value", "invalid", "structure", "not-supported", "security", "login"}

// outcomeError turns a non-2xx response into an *OutcomeError. A 400 to a
// FORHOYET_* request is ErrNothingMore unless its outcome names a
// validation problem: the client validated everything else before sending,
// and the service's exact payload for this case is not published
// (upstreams.md, open gaps).
func outcomeError(resp *http.Response, q Query) *OutcomeError {
	e := &OutcomeError{Status: resp.StatusCode}
	switch resp.StatusCode {
	case http.StatusBadRequest:
		e.kinds = []error{ErrBadRequest}
	case http.StatusUnauthorized:
		e.kinds = []error{ErrUnauthorized}
	case http.StatusForbidden:
		e.kinds = []error{ErrForbidden}
	default:
		e.kinds = []error{ErrUpstream}
	}
	if sanitize.IsJSON(resp.Header.Get("Content-Type")) {
		if b, err := io.ReadAll(io.LimitReader(resp.Body, maxOutcomeBytes)); err == nil {
			var oo OperationOutcome
			if json.Unmarshal(b, &oo) == nil && oo.ResourceType == "OperationOutcome" {
				e.Issues = sanitizeIssues(oo.Issue, []string{q.PersonID})
			}
		}
	}
	if resp.StatusCode == http.StatusBadRequest && Elevated(q.AccessBasis) &&
		!slices.ContainsFunc(e.Issues, func(is OperationOutcomeIssue) bool { return slices.Contains(validationCodes, is.Code) }) {
		e.kinds = []error{ErrNothingMore, ErrBadRequest}
	}
	return e
}

// maxIssues caps the issues kept from an error body.
const maxIssues = 10

func sanitizeIssues(in []OperationOutcomeIssue, secrets []string) []OperationOutcomeIssue {
	var out []OperationOutcomeIssue
	for _, is := range in[:min(len(in), maxIssues)] {
		c := OperationOutcomeIssue{
			Severity:    sanitize.Text(is.Severity, secrets, 20),
			Code:        sanitize.Text(is.Code, secrets, 40),
			Diagnostics: sanitize.Text(is.Diagnostics, secrets, 300),
		}
		if is.Details != nil {
			d := &CodeableConcept{Text: sanitize.Text(is.Details.Text, secrets, 300)}
			for _, cd := range is.Details.Coding[:min(len(is.Details.Coding), 5)] {
				d.Coding = append(d.Coding, Coding{
					System: sanitize.Text(cd.System, secrets, 200), Code: sanitize.Text(cd.Code, secrets, 60), Display: sanitize.Text(cd.Display, secrets, 200),
				})
			}
			c.Details = d
		}
		out = append(out, c)
	}
	return out
}
