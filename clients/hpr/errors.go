package hpr

import (
	"net/http"

	"github.com/oppslag/oppslag/clients/problem"
	"github.com/oppslag/oppslag/clients/upstream"
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
