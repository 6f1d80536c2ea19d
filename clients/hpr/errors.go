package hpr

import (
	"net/http"

	"github.com/oppslag/oppslag/clients/problem"
	"github.com/oppslag/oppslag/clients/upstream"
)

// Named errors: the kinds of package upstream, the one vocabulary all
// clients share. Every error the package returns wraps one of them (or a
// context error), wrapped with the operation ("hpr: by number: ..."), so
// callers test with errors.Is.
var (
	ErrNotFound     = upstream.ErrNotFound     // 404: no such entry
	ErrUnauthorized = upstream.ErrUnauthorized // 401, or Maskinporten refused the grant
	ErrForbidden    = upstream.ErrForbidden    // 403, or the configured scopes do not allow the call
	ErrBadRequest   = upstream.ErrBadRequest   // 400, or a request the client will not send
	ErrRateLimited  = upstream.ErrRateLimited  // 429, or the local limiter refused; see RateLimitError
	ErrUpstream     = upstream.ErrUnavailable  // 5xx, other statuses, network, limiter store down
	ErrMalformed    = upstream.ErrMalformed    // body cut, too big, not JSON, wrong type (S33)
)

// RateLimitError says a call was not made, or was refused, because the
// rate limit was reached; see upstream.RateLimitError.
type RateLimitError = upstream.RateLimitError

// ProblemError is a non-2xx answer from HPR, wrapping the named error for
// the status (upstream.KindOf); see problem.Error.
type ProblemError = problem.Error

// problemError turns a non-2xx response into a *ProblemError, masking
// secrets in what it keeps.
func problemError(resp *http.Response, secrets []string) *ProblemError {
	return problem.NewError(resp, secrets, upstream.KindOf(resp.StatusCode))
}
