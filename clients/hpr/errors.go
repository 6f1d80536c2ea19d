package hpr

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/oppslag/oppslag/clients/problem"
)

// Named errors. Every error the package returns wraps one of these (or a
// context error), wrapped with the operation ("hpr: by number: ..."), so
// callers test with errors.Is.
var (
	ErrNotFound     = errors.New("not found")                   // 404: no such entry
	ErrUnauthorized = errors.New("unauthorized")                // 401, or Maskinporten refused the grant
	ErrForbidden    = errors.New("forbidden")                   // 403, or the configured scopes do not allow the call
	ErrBadRequest   = errors.New("bad request")                 // 400, or a request the client will not send
	ErrRateLimited  = errors.New("rate limited")                // 429, or the local limiter refused; see RateLimitError
	ErrUpstream     = errors.New("upstream error")              // 5xx, other statuses, network, limiter store down
	ErrMalformed    = errors.New("malformed upstream response") // body cut, too big, not JSON, wrong type (S33)
)

// RateLimitError says a call was not made, or was refused, because the
// rate limit was reached. It wraps ErrRateLimited; RetryAfter is how long
// until a call can be made again, so pages can say "try again in N s".
type RateLimitError struct {
	RetryAfter time.Duration
	// Upstream is true when HPR answered 429, false when the local limiter
	// refused before anything was sent.
	Upstream bool
}

// Error names the kind and the wait.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%v: retry after %d s", ErrRateLimited, e.Seconds())
}

// Unwrap returns ErrRateLimited.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

// Seconds is RetryAfter in whole seconds, rounded up, at least 1.
func (e *RateLimitError) Seconds() int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

// ProblemError is a non-2xx answer from HPR, wrapping the named error for
// the status (kindOf); see problem.Error.
type ProblemError = problem.Error

// kindOf maps a status to its named error.
func kindOf(status int) error {
	switch status {
	case http.StatusBadRequest, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return ErrBadRequest
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusTooManyRequests:
		return ErrRateLimited
	}
	return ErrUpstream
}

// problemError turns a non-2xx response into a *ProblemError, masking
// secrets in what it keeps.
func problemError(resp *http.Response, secrets []string) *ProblemError {
	return problem.NewError(resp, secrets, kindOf(resp.StatusCode))
}

// Retry-After bounds. A missing or unreadable header gets the default; a
// hostile or mistaken huge value cannot silence HPR lookups for longer
// than the cap.
const (
	defaultRetryAfter = time.Minute
	maxRetryAfter     = time.Hour
)

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 §10.2.3), at least 1 s, at most maxRetryAfter.
func retryAfter(h string, now time.Time) time.Duration {
	d := defaultRetryAfter
	if n, err := strconv.ParseInt(h, 10, 64); err == nil && n >= 0 {
		d = time.Duration(min(n, int64(maxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, time.Second), maxRetryAfter)
}
