package person

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/dpop"
	"github.com/oppslag/oppslag/clients/problem"
	"github.com/oppslag/oppslag/clients/sanitize"
	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/clients/upstream"
)

// Audience is the Person API's resource identifier at HelseID; its access
// tokens carry it as their only audience.
const Audience = "nhn:hgd-persontjenesten-api"

// Scope is the v3 access level, which is also the route segment
// (/api/v3/<scope>/...).
type Scope string

// The v3 access levels. FullAccess includes confidential addresses and KRR;
// RestrictedAccess is "all information except confidential addresses and
// CCR information".
const (
	FullAccess       Scope = "full-access"
	RestrictedAccess Scope = "restricted-access"
)

// OAuthScope returns the HelseID scope for s, e.g.
// "nhn:hgd-persontjenesten-api/full-access".
func (s Scope) OAuthScope() string { return Audience + "/" + string(s) }

// Auth supplies DPoP-bound access tokens and their proofs; a thin adapter
// over the portal's HelseID client and the user's session implements it.
// An Auth that also implements NonceProver can answer the API's demand for
// a DPoP nonce; one that does not gets ErrUnauthorized from an API that
// demands nonces.
type Auth interface {
	// AccessToken returns an access token whose only audience is audience.
	AccessToken(ctx context.Context, audience string) (string, error)
	// Proof returns a DPoP proof for method and targetURL with ath for accessToken.
	Proof(method, targetURL, accessToken string) (string, error)
}

// NonceProver is the part of an Auth that puts a server-chosen nonce in a
// DPoP proof (RFC 9449 §9); see dpop.NonceProver.
type NonceProver = dpop.NonceProver

// MaxBodyBytes caps a response body. A person document with full history is
// tens of kilobytes; a 100-person bulk or search answer stays well below
// this. A bigger body is refused as ErrMalformed rather than half-read.
const MaxBodyBytes = 8 << 20

// MaxBulk is the most identity numbers bulk-by-nin takes per call.
const MaxBulk = 100

// ProblemError is a non-2xx answer, wrapping the named error for the
// status; see problem.Error.
type ProblemError = problem.Error

// Client calls one Person API v3 deployment with one access level. It is
// safe for concurrent use. The deadline of every call is the caller's
// context's.
type Client struct {
	base  string // scheme://host[/path], no trailing slash
	scope Scope
	hc    *http.Client
	// nonces keeps the latest DPoP-Nonce the service sent (RFC 9449 §8.2),
	// so the next proof carries it without a refused request first.
	nonces dpop.Nonces
}

// New returns a Client for baseURL (e.g.
// https://et.persontjenesten.test.nhn.no) and scope. hc may be nil for a
// default client; its Timeout is only a safety net, callers bound each call
// with their context.
func New(baseURL string, scope Scope, hc *http.Client) (*Client, error) {
	u, err := url.Parse(baseURL)
	switch {
	case err != nil:
		return nil, fmt.Errorf("person: new: base URL: %w", err)
	case u.Scheme != "https" && u.Scheme != "http" || u.Host == "":
		return nil, errors.New("person: new: base URL must be an absolute http(s) URL")
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return nil, errors.New("person: new: base URL must not have query, fragment or user info")
	}
	if scope != FullAccess && scope != RestrictedAccess {
		return nil, fmt.Errorf("person: new: unknown scope %q", scope)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: strings.TrimRight(u.String(), "/"), scope: scope, hc: hc}, nil
}

// Scope returns the access level the Client uses.
func (c *Client) Scope() Scope { return c.scope }

// GetByNIN returns the person with identity number nin (fødselsnummer,
// D-number, felles hjelpenummer or DUF number; historic numbers resolve too)
// with the given information parts. The number travels only in the POST
// body and never appears in an error.
func (c *Client) GetByNIN(ctx context.Context, auth Auth, nin string, parts []InformationPart, includeHistory bool) (*Person, error) {
	const op = "get by nin"
	if err := checkNIN(nin); err != nil {
		return nil, fmt.Errorf("person: %s: %w", op, err)
	}
	q, err := partsQuery(parts)
	if err != nil {
		return nil, fmt.Errorf("person: %s: %w", op, err)
	}
	if includeHistory {
		q.Set("includeHistory", "true")
	}
	var p Person
	if err := c.do(ctx, auth, op, http.MethodPost, "person/get-by-nin", q, url.Values{"nin": {nin}}, []string{nin}, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// BulkByNIN returns the current data of the persons with the given identity
// numbers; unknown numbers are simply absent from the result. Lists longer
// than MaxBulk are sent in several calls, in order.
func (c *Client) BulkByNIN(ctx context.Context, auth Auth, nins []string, parts []InformationPart) ([]Person, error) {
	const op = "bulk by nin"
	for _, n := range nins {
		if err := checkNIN(n); err != nil {
			return nil, fmt.Errorf("person: %s: %w", op, err)
		}
	}
	q, err := partsQuery(parts)
	if err != nil {
		return nil, fmt.Errorf("person: %s: %w", op, err)
	}
	var out []Person
	for start := 0; start < len(nins); start += MaxBulk {
		chunk := nins[start:min(start+MaxBulk, len(nins))]
		var page []Person
		if err := c.do(ctx, auth, op, http.MethodPost, "person/bulk-by-nin", q, url.Values{"nins": chunk}, chunk, &page); err != nil {
			return nil, err
		}
		out = append(out, page...)
	}
	return out, nil
}

// Search runs a person search. The API answers 400 (ErrBadRequest) unless
// the query has a name field with at least 3 letters in all and a birth
// date, municipality number or street address; the search values are sent
// in the body, never in the URL.
func (c *Client) Search(ctx context.Context, auth Auth, q SearchQuery, parts []InformationPart) (*PersonSearchResult, error) {
	const op = "search"
	query, err := partsQuery(parts)
	if err != nil {
		return nil, fmt.Errorf("person: %s: %w", op, err)
	}
	if q.IncludeHistory {
		query.Set("includeHistory", "true")
	}
	if q.IncludeAinResults {
		query.Set("includeAinResults", "true")
	}
	form := url.Values{}
	for _, f := range []struct{ name, value string }{
		{"BirthDate", q.BirthDate}, {"Gender", string(q.Gender)}, {"FullName", q.FullName},
		{"GivenName", q.GivenName}, {"MiddleName", q.MiddleName}, {"FamilyName", q.FamilyName},
		{"StreetAddress", q.StreetAddress}, {"PostalCode", q.PostalCode}, {"CityName", q.CityName},
		{"MunicipalityNumber", q.MunicipalityNumber},
	} {
		if v := strings.TrimSpace(f.value); v != "" {
			form.Set(f.name, v)
		}
	}
	var res PersonSearchResult
	if err := c.do(ctx, auth, op, http.MethodPost, "search/person", query, form, nil, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// LatestEvent returns the newest change event.
func (c *Client) LatestEvent(ctx context.Context, auth Auth) (*EventDocument, error) {
	var ev EventDocument
	if err := c.do(ctx, auth, "latest event", http.MethodGet, "event/latest", nil, nil, nil, &ev); err != nil {
		return nil, err
	}
	return &ev, nil
}

// Events returns up to 1000 events from fromSequence on (inclusive; values
// below 1 mean from the start), only of the given types when types is not
// empty.
func (c *Client) Events(ctx context.Context, auth Auth, fromSequence int64, types []EventType) (*EventDocumentSearchResult, error) {
	q := url.Values{}
	if fromSequence >= 1 {
		q.Set("sequenceNumber", strconv.FormatInt(fromSequence, 10))
	}
	for _, t := range types {
		q.Add("eventTypes", string(t))
	}
	var res EventDocumentSearchResult
	if err := c.do(ctx, auth, "events", http.MethodGet, "event", q, nil, nil, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// checkNIN refuses what the API's form schema refuses (1–12 characters)
// without saying what the number was.
func checkNIN(nin string) error {
	if nin == "" || len(nin) > 12 {
		return fmt.Errorf("%w: identity number must be 1 to 12 characters", upstream.ErrBadRequest)
	}
	return nil
}

// partsQuery returns the informationParts query; at least one is required.
func partsQuery(parts []InformationPart) (url.Values, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("%w: at least one information part is required", upstream.ErrBadRequest)
	}
	q := url.Values{}
	for _, p := range parts {
		q.Add("informationParts", string(p))
	}
	return q, nil
}

// do sends one request and decodes a 2xx JSON body into out. secrets are
// masked in anything kept from an error body.
func (c *Client) do(ctx context.Context, auth Auth, op, method, route string, query, form url.Values, secrets []string, out any) error {
	if auth == nil {
		return fmt.Errorf("person: %s: no auth", op)
	}
	target := c.base + "/api/v3/" + string(c.scope) + "/" + route
	token, err := auth.AccessToken(ctx, Audience)
	if err != nil {
		return fmt.Errorf("person: %s: access token: %w", op, err)
	}
	full := target
	if len(query) > 0 {
		full += "?" + query.Encode()
	}
	resp, err := c.nonces.Send(c.hc, auth, token, method, target, func() (*http.Request, error) {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequestWithContext(ctx, method, full, body)
		if err != nil {
			return nil, err
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("api-version", "3")
		return req, nil
	})
	if errors.Is(err, dpop.ErrProof) {
		return fmt.Errorf("person: %s: %w", op, err)
	}
	if err != nil {
		return fmt.Errorf("person: %s: %w", op, upstream.Failed(ctx, err))
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("person: %s: %w", op, problemError(resp, secrets))
	}
	if !sanitize.IsJSON(resp.Header.Get("Content-Type")) {
		return fmt.Errorf("person: %s: %w: content type %q", op, upstream.ErrMalformed, sanitize.Text(resp.Header.Get("Content-Type"), nil, 100))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("person: %s: %w", op, upstream.Interrupted(ctx))
		}
		return fmt.Errorf("person: %s: %w: reading body: %v", op, upstream.ErrMalformed, err)
	}
	if len(b) > MaxBodyBytes {
		return fmt.Errorf("person: %s: %w: body larger than %d bytes", op, upstream.ErrMalformed, MaxBodyBytes)
	}
	if err := decodeJSON(b, out); err != nil {
		return fmt.Errorf("person: %s: %w", op, err)
	}
	return nil
}

// decodeJSON decodes exactly one JSON value from b into out, tolerantly (see
// package tolerant): a value it cannot read costs that field, which is kept
// on the person's Unread list. Only a body that is not one JSON document of
// the expected shape fails, as ErrMalformed, and no error quotes the body.
func decodeJSON(b []byte, out any) error {
	fields, err := tolerant.Decode(b, out)
	if err != nil {
		return fmt.Errorf("%w: %w", upstream.ErrMalformed, err)
	}
	if len(fields) > 0 {
		attachUnread(out, fields)
	}
	return nil
}

// problemError turns a non-2xx response into a *ProblemError.
func problemError(resp *http.Response, secrets []string) *ProblemError {
	return problem.NewError(resp, secrets, upstream.KindOf(resp.StatusCode))
}
