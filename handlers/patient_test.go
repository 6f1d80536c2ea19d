package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/oppslag/oppslag/handlers/request"
)

// patientHandles is a session's handles for tests: handle → number.
type patientHandles map[string]string

func (p patientHandles) Handle(context.Context, string) (string, error) { return "", nil }
func (p patientHandles) Resolve(_ context.Context, h string) (string, bool) {
	n, ok := p[h]
	return n, ok
}

// withPatient is r as the /person/{handle} group hands it to a handler:
// with the patient LoadPatient resolved from the handle. Tests that call
// a handler directly use it; r keeps its context when the handle is unknown.
func withPatient(r *http.Request) *http.Request {
	loaded := r
	LoadPatient(func(http.ResponseWriter, *http.Request, error) {})(http.HandlerFunc(func(_ http.ResponseWriter, lr *http.Request) {
		loaded = lr
	})).ServeHTTP(httptest.NewRecorder(), r)
	return loaded
}

func TestLoadPatient(t *testing.T) {
	handles := patientHandles{"h1": "01017012345"}
	tests := []struct {
		name      string
		handle    string
		handles   request.Handles
		wantNIN   string
		wantError bool
	}{
		{"a handle of this session", "h1", handles, "01017012345", false},
		{"a handle this session never made", "h2", handles, "", true},
		{"no handle", "", handles, "", true},
		{"no session handles", "h1", nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/person/"+tt.handle, nil)
			r.SetPathValue("handle", tt.handle)
			if tt.handles != nil {
				r = r.WithContext(request.WithHandles(r.Context(), tt.handles))
			}
			var failed error
			ran := false
			var nin string
			var resolveErr error
			LoadPatient(func(_ http.ResponseWriter, _ *http.Request, err error) { failed = err })(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				ran = true
				nin, resolveErr = resolve(r)
			})).ServeHTTP(httptest.NewRecorder(), r)
			if tt.wantError {
				e := AsError(failed)
				if ran || failed == nil || e.Status != http.StatusNotFound || e.MessageKey != "error.person.handle" {
					t.Errorf("ran %v, failed %v; want 404 error.person.handle before the handler", ran, failed)
				}
				return
			}
			if !ran || resolveErr != nil || nin != tt.wantNIN {
				t.Errorf("ran %v, resolve %q %v; want %q", ran, nin, resolveErr, tt.wantNIN)
			}
		})
	}
	t.Run("a handler outside the group", func(t *testing.T) {
		if _, err := resolve(httptest.NewRequest(http.MethodGet, "/person/h1", nil)); AsError(err).Status != http.StatusNotFound {
			t.Errorf("resolve without the loader: %v; want 404", err)
		}
	})
}
