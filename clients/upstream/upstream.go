// Package upstream is the one error vocabulary of the portal's upstream
// clients: the Person API, Pasientens prøvesvar and HPR. Every error a
// client returns wraps one of these kinds (or the context's own error when
// the caller gave up), wrapped with the operation ("person: get by nin:
// ..."), so the handlers map each kind once: to a status, a message and an
// audit outcome. A kind says what happened, not which service; the caller
// knows which service it called.
package upstream

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// The kinds. An upstream's status maps to one by KindOf; the clients also
// use them for what they find before or after the exchange (a request they
// will not send, a body they cannot trust, a limiter that says wait).
var (
	ErrBadRequest   = errors.New("bad request")                 // 400, 415, 422, or a request the client will not send
	ErrUnauthorized = errors.New("unauthorized")                // 401: token, DPoP proof or machine grant refused
	ErrForbidden    = errors.New("forbidden")                   // 403: scope, claims or security level refused
	ErrNotFound     = errors.New("not found")                   // 404: nothing for the request
	ErrRateLimited  = errors.New("rate limited")                // 429, or the local limiter refused; see RateLimitError
	ErrTimeout      = errors.New("timed out")                   // the call's deadline passed; also matches context.DeadlineExceeded
	ErrUnavailable  = errors.New("upstream unavailable")        // 5xx, any other status, network failure, a dependency down
	ErrMalformed    = errors.New("malformed upstream response") // body cut, too big, not JSON, wrong shape (S33)
)

// Kinds lists every kind, for tables that must cover them all.
var Kinds = []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited, ErrTimeout, ErrUnavailable, ErrMalformed}

// KindOf maps a non-2xx status to its kind. Statuses the contracts do not
// name (409, 502, 503, 504, ...) are ErrUnavailable: the call did not get
// an answer the portal can use, and trying later may help.
func KindOf(status int) error {
	switch status {
	case http.StatusBadRequest, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return ErrBadRequest
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusTooManyRequests:
		return ErrRateLimited
	}
	return ErrUnavailable
}

// Interrupted is the error for a call its context ended: ErrTimeout, still
// matching context.DeadlineExceeded, when the deadline passed; the
// context's own error when the caller went away (context.Canceled is not an
// upstream failure, and the portal answers it as the client's abort).
func Interrupted(ctx context.Context) error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}

// Failed is the error for an exchange that failed without an answer: the
// context's (see Interrupted) when it ended, else ErrUnavailable with the
// transport's text. A *url.Error names the URL, which never holds an
// identity number in the portal's clients.
func Failed(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return Interrupted(ctx)
	}
	return fmt.Errorf("%w: %v", ErrUnavailable, err)
}

// RateLimitError says a call was not made, or was refused, because a rate
// limit was reached. It wraps ErrRateLimited; RetryAfter is how long until
// a call can be made again, so pages can say "try again in N s".
type RateLimitError struct {
	RetryAfter time.Duration
	// Upstream is true when the service answered 429, false when the local
	// limiter refused before anything was sent.
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

// RetryAfterOf is the wait err asks for: a RateLimitError's, DefaultRetryAfter
// for any other rate-limited error, and 0 for an error that is not one.
func RetryAfterOf(err error) time.Duration {
	var rl *RateLimitError
	switch {
	case errors.As(err, &rl):
		return time.Duration(rl.Seconds()) * time.Second
	case errors.Is(err, ErrRateLimited):
		return DefaultRetryAfter
	}
	return 0
}

// Retry-After bounds. A missing or unreadable header gets the default; a
// hostile or mistaken huge value cannot silence a service for longer than
// the cap.
const (
	DefaultRetryAfter = time.Minute
	MaxRetryAfter     = time.Hour
)

// RetryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 §10.2.3), at least 1 s, at most MaxRetryAfter.
func RetryAfter(h string, now time.Time) time.Duration {
	d := DefaultRetryAfter
	if n, err := strconv.ParseInt(h, 10, 64); err == nil && n >= 0 {
		d = time.Duration(min(n, int64(MaxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, time.Second), MaxRetryAfter)
}
