package hpr

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/oppslag/oppslag/clients/problem"
	"github.com/oppslag/oppslag/clients/sanitize"
	"github.com/oppslag/oppslag/clients/upstream"
)

// Freshness defaults. HPR changes slowly (a new approval, a suspension),
// and the register itself is updated in batches during the day; an hour
// keeps the portal close to it while a clinic's repeated lookups of the
// same colleagues cost nothing. A week of stale answers covers an HPR
// outage over a long weekend; they are always labelled as such.
const (
	DefaultFreshFor = time.Hour
	DefaultStaleFor = 7 * 24 * time.Hour
)

// MaxBodyBytes caps a response body of a lookup or search, and each object
// of the export. One HelsepersonUtvidet with full history is a few
// kilobytes; a search answer of a surname and birth date holds a handful.
// A bigger body is refused as ErrMalformed rather than half-read (S33).
const MaxBodyBytes = 2 << 20

// DefaultMaxExportBytes caps a downloaded export. The register's ~600 000
// entries compress to a few hundred megabytes.
const DefaultMaxExportBytes int64 = 4 << 30

// maxSurname bounds a search's surname.
const maxSurname = 100

// Config configures a Client.
type Config struct {
	// BaseURL is the API's base, e.g. https://api.offentlig.hpr.nhn.no.
	BaseURL string
	// Tokens supplies Maskinporten tokens (usually a *TokenSource); its
	// scopes choose the endpoints: with extended or export the
	// personerutvidet routes, else the basic personer routes.
	Tokens Tokens
	// Limiter keeps the portal inside HPR's bucket; default a
	// MemoryLimiter with HPR's size on Now. Use a RedisLimiter when more
	// than one instance shares the Maskinporten client.
	Limiter Limiter
	// Cache stores answers; default NewMemoryCache(0).
	Cache Cache
	// FreshFor is how long a cached answer is served without asking HPR;
	// default DefaultFreshFor.
	FreshFor time.Duration
	// Changes, when set, lets an answer older than FreshFor be served
	// while HPR's own change information confirms it (see confirmed in
	// cache.go); nil: every answer is fetched again after FreshFor.
	Changes ChangeSource
	// StaleFor is how old a cached answer may be and still be served,
	// labelled stale, when HPR cannot be asked; default DefaultStaleFor.
	StaleFor time.Duration
	// HTTPClient sends the requests; default a client with a 30 s timeout
	// (a safety net: callers bound each call with their context).
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// CacheKeySecret keys the HMAC that turns an identity number into a
	// cache key, so no identity number appears in a cache key. Instances
	// sharing a Redis cache need the same secret to share NIN entries;
	// default a random secret per Client.
	CacheKeySecret []byte
	// MaxExportBytes caps Export; default DefaultMaxExportBytes.
	MaxExportBytes int64
}

// Result is the answer to a lookup.
type Result struct {
	Personnel Personnel
	// FetchedAt is when the data was fetched from HPR.
	FetchedAt time.Time
	// FromCache is true when the answer came from the cache.
	FromCache bool
	// Stale is true when HPR could not be asked (rate limit, error) and an
	// older cached answer is served instead; pages must say so, with
	// FetchedAt. A stale answer is never returned without Stale set.
	Stale bool
	// StaleCause is why a stale answer was served (a *RateLimitError, an
	// upstream.ErrUnavailable or ErrMalformed error); nil unless Stale.
	StaleCause error
}

// Stats counts what a Client did, for the performance figures (B7) and
// the operators.
type Stats struct {
	Lookups         int64 // ByNumber and ByNIN calls
	Fresh           int64 // answered from the cache while fresh
	Stale           int64 // answered with a stale cache entry
	Fetched         int64 // lookups answered by HPR
	Requests        int64 // requests sent to HPR, every operation
	LimitedLocally  int64 // calls the limiter refused before sending
	LimitedUpstream int64 // 429 answers from HPR
	CacheErrors     int64 // cache failures (treated as misses)
}

// Client calls HPR's public API. It is safe for concurrent use.
//
// How it behaves, and why:
//   - Every request first takes a token from the Limiter, so the portal
//     stays inside HPR's bucket (S34); a refusal is a *RateLimitError with
//     the wait, and nothing is sent. If the limiter's store (Redis) fails,
//     the request is not sent either (upstream.ErrUnavailable): sending blind could
//     overrun the bucket the instances share.
//   - A 429 from HPR blocks the limiter for its Retry-After; a 401 makes
//     the token source forget its token.
//   - Lookups ask for the full history (includeHistory=true), so a cached
//     answer describes any day and StatusOn decides what holds today.
//   - ByNumber and ByNIN answer from the cache while an entry is younger
//     than FreshFor. When HPR cannot be asked — rate limit, HPR or
//     Maskinporten failing, a malformed answer, the caller's deadline — an
//     entry younger than StaleFor is returned with Stale set and the cause;
//     never for 400, 401, 403 or 404, which are answers about the request.
//     A 404 removes the cached entry.
//   - Bodies are capped (MaxBodyBytes), must be JSON, and are decoded by
//     sanitize.DecodeJSON; no error quotes a body, a token or an identity
//     number.
type Client struct {
	base     string // scheme://host[/path], no trailing slash
	tokens   Tokens
	limiter  Limiter
	cache    Cache
	freshFor time.Duration
	changes  ChangeSource
	staleFor time.Duration
	hc       *http.Client
	now      func() time.Time
	secret   []byte
	maxExp   int64
	extended bool // the tokens carry extended or export
	export   bool // the tokens carry export

	lookups, fresh, stale, fetched, requests, limitedLocally, limitedUpstream, cacheErrors atomic.Int64
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.BaseURL)
	switch {
	case err != nil:
		return nil, errors.New("hpr: new: base URL does not parse")
	case u.Scheme != "https" && u.Scheme != "http" || u.Host == "":
		return nil, errors.New("hpr: new: base URL must be an absolute http(s) URL")
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return nil, errors.New("hpr: new: base URL must not have query, fragment or user info")
	case cfg.Tokens == nil:
		return nil, errors.New("hpr: new: no Tokens")
	}
	scopes := cfg.Tokens.Scopes()
	c := &Client{
		base:     strings.TrimRight(u.String(), "/"),
		tokens:   cfg.Tokens,
		limiter:  cfg.Limiter,
		cache:    cfg.Cache,
		freshFor: cfg.FreshFor,
		changes:  cfg.Changes,
		staleFor: cfg.StaleFor,
		hc:       cfg.HTTPClient,
		now:      cfg.Now,
		secret:   slices.Clone(cfg.CacheKeySecret),
		maxExp:   cfg.MaxExportBytes,
		extended: slices.Contains(scopes, ScopeExtended) || slices.Contains(scopes, ScopeExport),
		export:   slices.Contains(scopes, ScopeExport),
	}
	if !c.extended && !slices.Contains(scopes, ScopeBasic) {
		return nil, errors.New("hpr: new: the tokens carry no HPR scope")
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.limiter == nil {
		c.limiter = NewMemoryLimiter(LimiterOptions{Now: c.now})
	}
	if c.cache == nil {
		c.cache = NewMemoryCache(0)
	}
	if c.freshFor <= 0 {
		c.freshFor = DefaultFreshFor
	}
	if c.staleFor <= 0 {
		c.staleFor = DefaultStaleFor
	}
	if c.staleFor < c.freshFor {
		c.staleFor = c.freshFor
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if len(c.secret) == 0 {
		c.secret = make([]byte, 32)
		rand.Read(c.secret)
	}
	if c.maxExp <= 0 {
		c.maxExp = DefaultMaxExportBytes
	}
	return c, nil
}

// Extended reports whether the Client uses the extended endpoints (its
// tokens carry nhn:hpr/extended or nhn:hpr/export): answers then hold
// identity numbers and birth dates.
func (c *Client) Extended() bool { return c.extended }

// Stats returns the counters so far.
func (c *Client) Stats() Stats {
	return Stats{
		Lookups: c.lookups.Load(), Fresh: c.fresh.Load(), Stale: c.stale.Load(), Fetched: c.fetched.Load(),
		Requests: c.requests.Load(), LimitedLocally: c.limitedLocally.Load(), LimitedUpstream: c.limitedUpstream.Load(),
		CacheErrors: c.cacheErrors.Load(),
	}
}

// personsPath is the collection of the Client's scope level.
func (c *Client) personsPath() string {
	if c.extended {
		return "/v1/personerutvidet"
	}
	return "/v1/personer"
}

// cacheKey names an answer in the cache. The scope level is part of it, so
// a basic Client sharing a cache never reads an extended answer.
func (c *Client) cacheKey(kind, id string) string {
	level := "basic"
	if c.extended {
		level = "ext"
	}
	return "hpr:" + level + ":" + kind + ":" + id
}

func (c *Client) numberKey(n int) string { return c.cacheKey("n", strconv.Itoa(n)) }

// ninKey is the cache key of an identity number: an HMAC, never the number.
func (c *Client) ninKey(nin string) string {
	m := hmac.New(sha256.New, c.secret)
	m.Write([]byte(nin))
	return c.cacheKey("nin", hex.EncodeToString(m.Sum(nil)))
}

// history asks for every item, current and historic: a cached answer then
// describes any day, and Status decides what holds on which.
var history = url.Values{"includeHistory": {"true"}}

// ByNumber returns the entry with HPR number n: from the cache while fresh,
// else from HPR, else (rate limit, HPR failing) a labelled stale answer.
func (c *Client) ByNumber(ctx context.Context, n int) (Result, error) {
	const op = "by number"
	if n <= 0 || n > 999_999_999 {
		return Result{}, fmt.Errorf("hpr: %s: %w: an HPR number has 1 to 9 digits", op, upstream.ErrBadRequest)
	}
	return c.lookup(ctx, op, c.numberKey(n), func(ctx context.Context) (Personnel, error) {
		b, err := c.getJSON(ctx, op, http.MethodGet, c.personsPath()+"/"+strconv.Itoa(n), history, nil, nil)
		if err != nil {
			return Personnel{}, err
		}
		p, err := decodePersonnel(b)
		if err != nil {
			return Personnel{}, err
		}
		// INFERENCE: HPR answers with the entry asked for, even when it has
		// been replaced (erstattetAvHprNummer says by which).
		if p.HPRNumber != n {
			return Personnel{}, fmt.Errorf("%w: answer is for another HPR number", upstream.ErrMalformed)
		}
		return p, nil
	}, nil)
}

// ByNIN returns the entry of the person with identity number nin (11
// digits). It needs the extended or export scope; the number travels only
// in the POST body and never appears in an error or a cache key.
func (c *Client) ByNIN(ctx context.Context, nin string) (Result, error) {
	const op = "by nin"
	if !c.extended {
		return Result{}, fmt.Errorf("hpr: %s: %w: needs scope %s or %s", op, upstream.ErrForbidden, ScopeExtended, ScopeExport)
	}
	if !elevenDigits(nin) {
		return Result{}, fmt.Errorf("hpr: %s: %w: an identity number has 11 digits", op, upstream.ErrBadRequest)
	}
	return c.lookup(ctx, op, c.ninKey(nin), func(ctx context.Context) (Personnel, error) {
		body, err := json.Marshal(NINRequest{NIN: nin, AtDate: Today(c.now()), IncludeHistory: true})
		if err != nil {
			return Personnel{}, fmt.Errorf("%w: %v", upstream.ErrBadRequest, err)
		}
		b, err := c.getJSON(ctx, op, http.MethodPost, "/v1/personerutvidet", nil, body, []string{nin})
		if err != nil {
			return Personnel{}, err
		}
		// The answer's nin is not compared with the one asked for: a
		// person whose number changed (D-number to fødselsnummer) may be
		// found by either.
		return decodePersonnel(b)
	}, func(p Personnel) string { return c.numberKey(p.HPRNumber) })
}

// Search returns the entries with family name surname (matched by HPR,
// case-insensitively) born on birth. It is not cached as a search, but
// each entry found is cached by its number, so opening one costs nothing.
func (c *Client) Search(ctx context.Context, surname string, birth Date) ([]Personnel, error) {
	const op = "search"
	surname = strings.TrimSpace(surname)
	if surname == "" || len([]rune(surname)) > maxSurname || strings.ContainsFunc(surname, isControl) {
		return nil, fmt.Errorf("hpr: %s: %w: surname must be 1 to %d characters", op, upstream.ErrBadRequest, maxSurname)
	}
	if birth.IsZero() {
		return nil, fmt.Errorf("hpr: %s: %w: birth date is required", op, upstream.ErrBadRequest)
	}
	q := url.Values{"etternavn": {surname}, "foedselsdato": {birth.String()}, "includeHistory": {"true"}}
	now := c.now()
	b, err := c.getJSON(ctx, op, http.MethodGet, c.personsPath(), q, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("hpr: %s: %w", op, err)
	}
	list, err := decodeList(b)
	if err != nil {
		return nil, fmt.Errorf("hpr: %s: %w", op, err)
	}
	for _, p := range list {
		c.put(ctx, c.numberKey(p.HPRNumber), p, now)
	}
	return list, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

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

// lookup answers from the cache while fresh, else fetches; when the fetch
// fails for a reason on HPR's side (or the rate limit), a cached entry
// younger than staleFor is served, labelled stale. alsoKey, if set, names
// a second key the fetched entry is stored under.
func (c *Client) lookup(ctx context.Context, op, key string, fetch func(context.Context) (Personnel, error), alsoKey func(Personnel) string) (Result, error) {
	c.lookups.Add(1)
	now := c.now()
	cached, found, err := c.cache.Get(ctx, key)
	if err != nil {
		c.cacheErrors.Add(1)
		found = false
	}
	if found {
		// Another instance's clock may run ahead; such an entry counts as new.
		age := max(now.Sub(cached.FetchedAt), 0)
		switch {
		case age < c.freshFor || c.confirmed(ctx, cached, now):
			c.fresh.Add(1)
			return Result{Personnel: cached.Personnel, FetchedAt: cached.FetchedAt, FromCache: true}, nil
		case age >= c.staleFor:
			found = false
		}
	}

	p, err := fetch(ctx)
	if err == nil {
		c.fetched.Add(1)
		c.put(ctx, key, p, now)
		if alsoKey != nil {
			c.put(ctx, alsoKey(p), p, now)
		}
		return Result{Personnel: p, FetchedAt: now}, nil
	}
	if errors.Is(err, upstream.ErrNotFound) {
		// HPR's answer is authoritative: the entry is gone.
		if derr := c.cache.Delete(ctx, key); derr != nil {
			c.cacheErrors.Add(1)
		}
	}
	if found && staleable(err) {
		c.stale.Add(1)
		return Result{
			Personnel: cached.Personnel, FetchedAt: cached.FetchedAt, FromCache: true,
			Stale: true, StaleCause: fmt.Errorf("hpr: %s: %w", op, err),
		}, nil
	}
	return Result{}, fmt.Errorf("hpr: %s: %w", op, err)
}

// staleable reports whether err is a reason to serve a stale answer: HPR
// or Maskinporten failing, or the rate limit, or the caller's deadline
// reached. Not for what HPR said about the request itself (404, 400, 401,
// 403), nor for a caller that went away.
func staleable(err error) bool {
	return errors.Is(err, upstream.ErrRateLimited) || errors.Is(err, upstream.ErrUnavailable) ||
		errors.Is(err, upstream.ErrMalformed) || errors.Is(err, context.DeadlineExceeded)
}

// put stores p; a cache failure only costs a later HPR request.
func (c *Client) put(ctx context.Context, key string, p Personnel, fetchedAt time.Time) {
	if err := c.cache.Put(ctx, key, Entry{Personnel: p, FetchedAt: fetchedAt}, c.staleFor); err != nil {
		c.cacheErrors.Add(1)
	}
}

// getJSON sends a request and returns the 2xx JSON body, capped at
// MaxBodyBytes. Errors are not yet wrapped with the operation.
func (c *Client) getJSON(ctx context.Context, op, method, path string, query url.Values, body []byte, secrets []string) ([]byte, error) {
	resp, err := c.send(ctx, method, path, query, body, "application/json", secrets)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if !sanitize.IsJSON(resp.Header.Get("Content-Type")) {
		return nil, fmt.Errorf("%w: content type %q", upstream.ErrMalformed, sanitize.Text(resp.Header.Get("Content-Type"), nil, 100))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, upstream.Interrupted(ctx)
		}
		return nil, fmt.Errorf("%w: reading body: %v", upstream.ErrMalformed, err)
	}
	if len(b) > MaxBodyBytes {
		return nil, fmt.Errorf("%w: body larger than %d bytes", upstream.ErrMalformed, MaxBodyBytes)
	}
	return b, nil
}

// accessToken gets a token; a *TokenSource's error is taken unwrapped so
// the operation names itself once.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	if ts, ok := c.tokens.(*TokenSource); ok {
		return ts.get(ctx)
	}
	return c.tokens.Token(ctx)
}

// send takes a token from the limiter and sends one request. It returns
// the response only for a 2xx status; a 429 blocks the limiter for the
// Retry-After; a 401 makes the token source forget its token.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, body []byte, accept string, secrets []string) (*http.Response, error) {
	token, err := c.accessToken(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, upstream.Interrupted(ctx)
		}
		return nil, fmt.Errorf("access token: %w", err)
	}
	ok, wait, err := c.limiter.Take(ctx)
	if err != nil {
		// Sending anyway could overrun the bucket the instances share.
		return nil, fmt.Errorf("%w: rate limiter unavailable: %v", upstream.ErrUnavailable, err)
	}
	if !ok {
		c.limitedLocally.Add(1)
		return nil, &RateLimitError{RetryAfter: wait}
	}

	target := c.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", upstream.ErrBadRequest, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", accept)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.requests.Add(1)
	resp, err := c.hc.Do(req)
	if err != nil {
		// The *url.Error names the URL: a number or a surname and birth
		// date, never an identity number (that goes in the body).
		return nil, upstream.Failed(ctx, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return resp, nil
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		c.limitedUpstream.Add(1)
		ra := upstream.RetryAfter(resp.Header.Get("Retry-After"), c.now())
		// The error is the 429 whether or not the block could be stored.
		_ = c.limiter.Block(ctx, c.now().Add(ra))
		io.Copy(io.Discard, io.LimitReader(resp.Body, problem.MaxBytes))
		return nil, &RateLimitError{RetryAfter: ra, Upstream: true}
	case http.StatusUnauthorized:
		if inv, ok := c.tokens.(interface{ Invalidate(string) }); ok {
			inv.Invalidate(token)
		}
	}
	return nil, problemError(resp, secrets)
}
