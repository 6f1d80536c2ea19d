package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestObserveRequests: the observer hears each request as the access log
// writes it, by route pattern, never by path.
func TestObserveRequests(t *testing.T) {
	h := newHarness(t)
	type seen struct {
		method, route string
		status        int
	}
	var got []seen
	handler := ObserveRequests(h.srv, func(method, route string, status int, elapsed time.Duration) {
		if elapsed < 0 {
			t.Errorf("elapsed %s", elapsed)
		}
		got = append(got, seen{method, route, status})
	})
	tests := []struct {
		method, path string
		want         seen
	}{
		{http.MethodGet, "/healthz", seen{"GET", "/healthz", http.StatusOK}},
		{http.MethodGet, "/hpr/9144889", seen{"GET", "/hpr/{number}", http.StatusSeeOther}},
		{http.MethodGet, "/no-such-page-12057900499", seen{"GET", "unmatched", http.StatusNotFound}},
	}
	for _, tt := range tests {
		got = nil
		handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tt.method, tt.path, nil))
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s %s: observed %+v, want [%+v]", tt.method, tt.path, got, tt.want)
		}
		for _, s := range got {
			if strings.ContainsAny(s.route, "0123456789") {
				t.Errorf("%s: route %q holds digits from the path", tt.path, s.route)
			}
		}
	}
	// Without an observer the handler is the server itself.
	if ObserveRequests(h.srv, nil) != http.Handler(h.srv) {
		t.Error("ObserveRequests(h, nil): want h unwrapped")
	}
}
