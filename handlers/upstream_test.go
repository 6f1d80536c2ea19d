package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/upstream"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views/i18n"
)

// TestFailures is the one error table: each kind, as a client wraps it,
// gives its status, message and audit outcome, whichever service it came from.
func TestFailures(t *testing.T) {
	deadline, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	tests := []struct {
		err     error
		status  int
		key     string
		outcome audit.Outcome
	}{
		{fmt.Errorf("person: get by nin: %w", &person.ProblemError{Status: 404, Kind: upstream.ErrNotFound}), http.StatusNotFound, "notfound", audit.Granted},
		{fmt.Errorf("hpr: by number: %w", upstream.ErrNotFound), http.StatusNotFound, "notfound", audit.Granted},
		{fmt.Errorf("x: %w", upstream.ErrForbidden), http.StatusForbidden, "forbidden", audit.Denied},
		{fmt.Errorf("x: %w", upstream.ErrUnauthorized), http.StatusBadGateway, "refused", audit.Denied},
		{fmt.Errorf("x: %w", &upstream.RateLimitError{}), http.StatusTooManyRequests, "limited", audit.UpstreamError},
		{fmt.Errorf("x: %w", upstream.Interrupted(deadline)), http.StatusGatewayTimeout, "timeout", audit.UpstreamError},
		{context.DeadlineExceeded, http.StatusGatewayTimeout, "timeout", audit.UpstreamError},
		{fmt.Errorf("x: %w", upstream.ErrMalformed), http.StatusBadGateway, "malformed", audit.UpstreamError},
		{fmt.Errorf("x: %w", upstream.ErrBadRequest), http.StatusBadGateway, "upstream", audit.UpstreamError},
		{upstream.Failed(context.Background(), errors.New("connection refused")), http.StatusBadGateway, "upstream", audit.UpstreamError},
		{errors.New("something else"), http.StatusBadGateway, "upstream", audit.UpstreamError},
		{notConfigured(servicePerson), http.StatusServiceUnavailable, "unavailable", audit.UpstreamError},
		{fmt.Errorf("token: %w", request.ErrLoginRequired), http.StatusUnauthorized, "", audit.Denied},
		{fmt.Errorf("labs: search: %w", labs.ErrNothingMore), http.StatusOK, "", audit.Granted},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			for _, s := range []service{servicePerson, serviceLabs, serviceHPR} {
				e := upstreamError(s, tt.err)
				want := ""
				if tt.key != "" {
					want = "error." + string(s) + "." + tt.key
				}
				if e.Status != tt.status || e.MessageKey != want {
					t.Errorf("%s: got %d %q, want %d %q", s, e.Status, e.MessageKey, tt.status, want)
				}
				if !errors.Is(e, tt.err) {
					t.Errorf("%s: the cause is lost", s)
				}
			}
			if got := outcomeOf(tt.err); got != tt.outcome {
				t.Errorf("outcome: got %s, want %s", got, tt.outcome)
			}
		})
	}
	if got := outcomeOf(nil); got != audit.Granted {
		t.Errorf("outcome of nil: got %s, want granted", got)
	}
}

// TestFailures_EveryKindHasAMessage: every upstream kind is in the table,
// and every message key the table can make is in the catalog, so no
// failure shows a bare status text.
func TestFailures_EveryKindHasAMessage(t *testing.T) {
	for _, k := range upstream.Kinds {
		found := false
		for _, f := range failures {
			if f.kind == k || errors.Is(k, f.kind) {
				found = true
			}
		}
		if !found {
			t.Errorf("%v has no row in failures", k)
		}
	}
	for _, f := range failures {
		if f.key == "" {
			continue
		}
		for _, s := range []service{servicePerson, serviceLabs, serviceHPR} {
			key := "error." + string(s) + "." + f.key
			if !i18n.Has(key+".title") || !i18n.Has(key+".message") {
				t.Errorf("%s: no .title and .message in every language", key)
			}
		}
	}
}
