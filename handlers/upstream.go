package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/upstream"
	"github.com/oppslag/oppslag/handlers/request"
)

// A service is an upstream as the user knows it: its name is the middle of
// every message key about it ("error.person.timeout", "error.labs.refused").
type service string

// The portal's upstream services.
const (
	servicePerson service = "person" // the Person API (Folkeregisteret, KRR)
	serviceLabs   service = "labs"   // Pasientens prøvesvar
	serviceHPR    service = "hpr"    // HPR, or its local index
)

// notConfigured is the error of a portal started without service; it
// answers "unavailable", as a service that is down would.
func notConfigured(s service) error {
	return fmt.Errorf("%w: %s", errNotConfigured, s)
}

var errNotConfigured = errors.New("no upstream configured")

// failure is how the portal answers one kind of upstream error: the HTTP
// status of the page, the last part of the message key, and the audit
// outcome of the access the call was for.
type failure struct {
	status  int
	key     string // "" for the status's own text
	outcome audit.Outcome
}

// failures is the one table from an upstream error to what the user sees
// and what the audit log says, for every client (package upstream's kinds)
// and the portal's own reasons a call was not made. Checked in order: the
// first kind err matches wins.
//
// A person or entry that does not exist is a granted look: the service
// answered. A refused token or scope is a denial. Everything else is the
// service failing: the user is told which service, never its text (S26).
// The service refusing the portal's token is a 502, not a 401: logging in
// again would not help the user, and the page says the service refused.
var failures = []struct {
	kind error
	failure
}{
	{request.ErrLoginRequired, failure{http.StatusUnauthorized, "", audit.Denied}}, // "log in again"
	// An elevated basis that opens nothing more is an answer, not a failure:
	// the results page says so (labs.go); the look was granted.
	{labs.ErrNothingMore, failure{http.StatusOK, "", audit.Granted}},
	{errNotConfigured, failure{http.StatusServiceUnavailable, "unavailable", audit.UpstreamError}},
	{upstream.ErrNotFound, failure{http.StatusNotFound, "notfound", audit.Granted}},
	{upstream.ErrForbidden, failure{http.StatusForbidden, "forbidden", audit.Denied}},
	{upstream.ErrUnauthorized, failure{http.StatusBadGateway, "refused", audit.Denied}},
	{upstream.ErrRateLimited, failure{http.StatusTooManyRequests, "limited", audit.UpstreamError}},
	{upstream.ErrTimeout, failure{http.StatusGatewayTimeout, "timeout", audit.UpstreamError}},
	{context.DeadlineExceeded, failure{http.StatusGatewayTimeout, "timeout", audit.UpstreamError}}, // the page's own budget ran out
	{upstream.ErrMalformed, failure{http.StatusBadGateway, "malformed", audit.UpstreamError}},
	{upstream.ErrBadRequest, failure{http.StatusBadGateway, "upstream", audit.UpstreamError}},
	{upstream.ErrUnavailable, failure{http.StatusBadGateway, "upstream", audit.UpstreamError}},
}

// failureOf is err's row of failures; an error of no listed kind (a bug,
// a context cancelled by the user leaving) is the service failing.
func failureOf(err error) failure {
	for _, f := range failures {
		if errors.Is(err, f.kind) {
			return f.failure
		}
	}
	return failure{http.StatusBadGateway, "upstream", audit.UpstreamError}
}

// outcomeOf is the audit outcome of an upstream call's error; nil is granted.
func outcomeOf(err error) audit.Outcome {
	if err == nil {
		return audit.Granted
	}
	return failureOf(err).outcome
}

// upstreamError is what the user is told of a failed call to s: a plain
// message naming the service, with the status of failures.
func upstreamError(s service, err error) *Error {
	f := failureOf(err)
	key := ""
	if f.key != "" {
		key = "error." + string(s) + "." + f.key
	}
	return Errorf(f.status, key, err)
}
