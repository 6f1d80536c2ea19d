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

	"github.com/oppslag/oppslag/clients/dpop"
	"github.com/oppslag/oppslag/clients/sanitize"
	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/clients/upstream"
)

// Audience is the PPS resource identifier at HelseID.
const Audience = "nhn:pps"

// Scope is the v2 read scope (DPoP required).
const Scope = "nhn:pps/provesvar-read"

// Auth supplies DPoP-bound access tokens and their proofs (the same
// contract as person.Auth). An Auth that also implements NonceProver can
// answer the service's demand for a DPoP nonce; one that does not gets
// ErrUnauthorized from a service that demands nonces.
type Auth interface {
	// AccessToken returns an access token whose only audience is audience.
	AccessToken(ctx context.Context, audience string) (string, error)
	// Proof returns a DPoP proof for method and targetURL with ath for accessToken.
	Proof(method, targetURL, accessToken string) (string, error)
}

// NonceProver is the part of an Auth that puts a server-chosen nonce in a
// DPoP proof (RFC 9449 §9); see dpop.NonceProver.
type NonceProver = dpop.NonceProver

// Every error the Client returns wraps one of package upstream's kinds,
// the one error vocabulary all clients share (or a context error, or the
// Auth's own error). One is the prøvesvar service's own:
var (
	// ErrNothingMore is a 400 to a FORHOYET_* basis: the elevated basis would
	// open nothing beyond an ordinary one. It also matches upstream.ErrBadRequest.
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
	// nonces keeps the latest DPoP-Nonce the service sent (RFC 9449 §8.2),
	// so the next proof carries it without a refused request first.
	nonces dpop.Nonces
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
	// Unread names every value the client could not read, by its path in
	// the Bundle ("entry[3].resource.valueQuantity.value", with "page[1]."
	// before it on later pages). The paths hold no values and may be
	// logged; the values themselves are on the report, analysis or specimen
	// they belong to.
	Unread []string
}

// Report is one lab report.
type Report struct {
	ID             string
	Status         string // FHIR DiagnosticReport.status as received
	Effective      time.Time
	Issued         time.Time // this version of the report (KITH GenDate)
	ReportDate     time.Time // the first version (nilar-report-date; KITH IssueDate)
	Category, Code Coding
	Performer      Organisation
	Requester      Requester
	// Specimens are every sample the report names, in its order (a
	// biochemistry report often has serum, plasma and whole blood). Each
	// Analysis points at its own.
	Specimens  []SpecimenInfo
	Analyses   []Analysis // top-level results; panels and cultures hold their members
	Comments   []string   // nilar-comment extensions (text or coded) and the conclusion
	Incomplete bool       // a result or member reference did not resolve in the Bundle, or nested too deep
	Unread     []Unread   // the report's own values that could not be read
	// Withdrawn is true when Status is cancelled or entered-in-error: the
	// client has dropped the report's results and samples (and, for
	// entered-in-error, its comments), so nothing can show them as valid.
	// See the Withdrawn function for why.
	Withdrawn bool
}

// Unread is one value the client could not read, as received: the page
// shows it marked, in place of the value. Field is the path inside its
// resource ("valueQuantity.value"); Raw is sanitised (control characters
// dropped, identity-number-like digit runs masked) and capped.
type Unread struct{ Field, Raw string }

// Organisation is the performing laboratory.
type Organisation struct{ Name, OrgNumber string }

// Requester is the requesting health professional.
type Requester struct{ Name, HPRNumber, Role string }

// SpecimenInfo is one sample.
type SpecimenInfo struct {
	ID        string
	Type      string // the material in words: the type's text, else its codings' displays
	TypeCode  Coding // the first coded material (kodeverk 8351 in NILAR), for grouping
	Collected time.Time
	// CollectedDay is true when only the day of collection is known (a
	// bare date): the page then shows no time of day.
	CollectedDay bool
	Note         string
	Unread       []Unread
}

// Analysis is one observation, with panel members (and a culture's
// organisms, amounts and susceptibilities) nested.
type Analysis struct {
	ID    string
	Code  Coding
	Value AnalysisValue
	// Reference is the first reference range; NILAR often sends it as text
	// only ("10 - 22", "< 0,5"), which Interval.Text keeps as received.
	Reference *Interval
	// Interpretation is Flag's level ("H", "L", ...; see FlagLevel), "" when
	// not flagged or when the code is not one the client knows.
	Interpretation string
	Flag           *Flag         // the interpretation as received; nil when not flagged
	Specimen       *SpecimenInfo // the observation's own specimen; nil when it names none
	Members        []Analysis
	Comment        string
	Unread         []Unread
	// Status is the observation's FHIR status as received ("final",
	// "preliminary", "amended", "cancelled", ...).
	Status string
	// Withdrawn is true when Status is cancelled or entered-in-error: the
	// value, flag, reference range and members are dropped; the name and
	// the laboratory's comment stay.
	Withdrawn bool
}

// AnalysisValue is an observation's value[x]; at most one field is set.
type AnalysisValue struct {
	Quantity *Measure
	Coded    *Concept
	Text     string
	DateTime *time.Time
	Range    *Interval
	Absent   *Coding // dataAbsentReason: why there is no value
}

// Concept is a coded value with every coding and the text as received.
// FHIR gives the order of codings no meaning, so nothing may show only the
// first: NILAR puts the KITH heading (kodeverk 8243, "Resistensbestemmelse")
// beside the result code (kodeverk 8271, "S") and the free text in Text.
type Concept struct {
	Codings []Coding
	Text    string
}

// Find returns the first coding from kodeverk kv ("8271"), or false.
func (c *Concept) Find(kv string) (Coding, bool) {
	if c == nil {
		return Coding{}, false
	}
	for _, cd := range c.Codings {
		if Kodeverk(cd.System) == kv {
			return cd, true
		}
	}
	return Coding{}, false
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
		if err := idx.add(b, pageNo); err != nil {
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
			return nil, fmt.Errorf("labs: %s: %w: next link repeats the page", op, upstream.ErrMalformed)
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
	res.Unread = idx.unread
	if !res.Truncated && res.Total > 0 && len(res.Reports) != res.Total {
		return nil, fmt.Errorf("labs: %s: %w: pages hold %d reports, total says %d", op, upstream.ErrMalformed, len(res.Reports), res.Total)
	}
	return res, nil
}

// form validates q and returns the first page's search form.
func (q Query) form() (url.Values, error) {
	if len(q.PersonID) != 11 || strings.Trim(q.PersonID, "0123456789") != "" {
		return nil, fmt.Errorf("%w: person id must be 11 digits", upstream.ErrBadRequest)
	}
	if q.AccessBasis != "" && !slices.Contains(AccessBases, q.AccessBasis) {
		return nil, fmt.Errorf("%w: unknown access basis", upstream.ErrBadRequest)
	}
	if q.RequesterRole != "" && !roleRE.MatchString(q.RequesterRole) {
		return nil, fmt.Errorf("%w: requester role must be a kodeverk 9060 code", upstream.ErrBadRequest)
	}
	if q.Count < 0 || q.Count > 1000 {
		return nil, fmt.Errorf("%w: count must be 0 to 1000", upstream.ErrBadRequest)
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return nil, fmt.Errorf("%w: From must be before To", upstream.ErrBadRequest)
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
		return "", nil, fmt.Errorf("%w: next link is not a URL", upstream.ErrMalformed)
	}
	t, _ := url.Parse(target)
	if !u.IsAbs() {
		u = t.ResolveReference(u)
	}
	if u.Scheme != t.Scheme || u.Host != t.Host || u.Path != t.Path || u.User != nil {
		return "", nil, fmt.Errorf("%w: next link leaves the search endpoint", upstream.ErrMalformed)
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
	resp, err := c.nonces.Send(c.hc, auth, token, http.MethodPost, target, func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/fhir+json")
		req.Header.Set("person-id", q.PersonID)
		req.Header.Set("correlation-id", corr)
		if q.AccessBasis != "" {
			req.Header.Set("access-basis", q.AccessBasis)
		}
		if q.RequesterRole != "" {
			req.Header.Set("requester-hpr-role", q.RequesterRole)
		}
		return req, nil
	})
	if errors.Is(err, dpop.ErrProof) {
		return nil, fmt.Errorf("labs: %s: %w", op, err)
	}
	if err != nil {
		return nil, fmt.Errorf("labs: %s: %w", op, upstream.Failed(ctx, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("labs: %s: %w", op, outcomeError(resp, q))
	}
	if !sanitize.IsJSON(resp.Header.Get("Content-Type")) {
		return nil, fmt.Errorf("labs: %s: %w: content type %q", op, upstream.ErrMalformed, sanitize.Text(resp.Header.Get("Content-Type"), nil, 100))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("labs: %s: %w", op, upstream.Interrupted(ctx))
		}
		return nil, fmt.Errorf("labs: %s: %w: reading body: %v", op, upstream.ErrMalformed, err)
	}
	if len(b) > MaxBodyBytes {
		return nil, fmt.Errorf("labs: %s: %w: body larger than %d bytes", op, upstream.ErrMalformed, MaxBodyBytes)
	}
	bundle, err := DecodeBundle(b)
	if err != nil {
		return nil, fmt.Errorf("labs: %s: %w", op, err)
	}
	return bundle, nil
}

// DecodeBundle decodes one FHIR Bundle tolerantly (clients/tolerant): a
// value of the wrong JSON type costs that value, which Bundle.Unread names,
// and unknown elements are ignored. Only empty input, text that is not
// JSON, a cut-off document, trailing data, a top level that is not an
// object and a resourceType other than Bundle are ErrMalformed. Error texts
// never quote the input. Entries stay encoded; the index decodes each
// resource on its own, so one odd resource costs only its odd fields.
func DecodeBundle(b []byte) (*Bundle, error) {
	var bundle Bundle
	fields, err := tolerant.Decode(b, &bundle)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", upstream.ErrMalformed, err)
	}
	if bundle.ResourceType != "Bundle" {
		return nil, fmt.Errorf("%w: resourceType is not Bundle", upstream.ErrMalformed)
	}
	bundle.unread = fields
	return &bundle, nil
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
	e := &OutcomeError{Status: resp.StatusCode, kinds: []error{upstream.KindOf(resp.StatusCode)}}
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
		e.kinds = []error{ErrNothingMore, upstream.ErrBadRequest}
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
