package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/audit"
)

// TestAccessGate is S20 against the gate itself: whatever a handler does,
// no success leaves the server without a committed record.
func TestAccessGate(t *testing.T) {
	ok, err := audit.OpenSQLite(filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ok.Close() })
	const secret = "Nordmann 01017012345"
	page := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(secret))
	}
	record := func(store audit.Store) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			if err := (Auditor{Store: store}).Record(r.Context(), nil, audit.Event{Patient: "01017012345", Resource: "person", Action: "view", Outcome: audit.Granted}); err != nil {
				http.Error(w, "audit down", http.StatusServiceUnavailable)
				return
			}
			page(w)
		}
	}
	tests := []struct {
		name       string
		handler    func(w http.ResponseWriter, r *http.Request)
		wantStatus int
		wantData   bool
	}{
		{"recorded, then written", record(ok), http.StatusOK, true},
		{"written without a record", func(w http.ResponseWriter, r *http.Request) { page(w) }, http.StatusInternalServerError, false},
		{"written without WriteHeader", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(secret)) }, http.StatusInternalServerError, false},
		{"written, then recorded", func(w http.ResponseWriter, r *http.Request) {
			page(w)
			(Auditor{Store: ok}).Record(r.Context(), nil, audit.Event{Resource: "person", Action: "view", Outcome: audit.Granted})
		}, http.StatusInternalServerError, false},
		{"the record failed", record(audit.Failing()), http.StatusServiceUnavailable, false},
		{"a redirect carries no data", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/person/x/labs", http.StatusSeeOther)
		}, http.StatusSeeOther, false},
		{"an error page carries no data", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "not found", http.StatusNotFound)
		}, http.StatusNotFound, false},
		{"a form declared free of patient data", func(w http.ResponseWriter, r *http.Request) {
			noPatientData(r)
			w.WriteHeader(http.StatusOK)
			w.Write([]byte("<form></form>"))
		}, http.StatusOK, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refusals := 0
			refuse := func(w http.ResponseWriter, r *http.Request, err error) {
				refusals++
				if !errors.Is(err, ErrUnaudited) {
					t.Errorf("refused with %v; want ErrUnaudited", err)
				}
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte("error page"))
			}
			rec := httptest.NewRecorder()
			AccessGate(refuse)(http.HandlerFunc(tt.handler)).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/person/x", nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := strings.Contains(rec.Body.String(), secret); got != tt.wantData {
				t.Errorf("patient data sent: got %v, want %v", got, tt.wantData)
			}
			if refusals > 1 {
				t.Errorf("refused %d times; want at most once", refusals)
			}
			if tt.wantStatus == http.StatusInternalServerError && rec.Header().Get("Content-Type") == "text/html; charset=utf-8" {
				t.Error("the refused page's headers were kept")
			}
		})
	}
}

// TestAccessGate_OnlyItsRequest: a record committed in one request opens
// no other request's gate.
func TestAccessGate_OnlyItsRequest(t *testing.T) {
	ctx := context.Background()
	opened(ctx) // no gate in ctx: nothing to open, and no panic
	var first, second *gate
	h := AccessGate(func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(http.StatusInternalServerError) })
	h(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first = gateFrom(r.Context())
		opened(r.Context())
	})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	h(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		second = gateFrom(r.Context())
	})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if first == nil || second == nil || first == second {
		t.Fatal("each request needs its own gate")
	}
	if !first.open.Load() || second.open.Load() {
		t.Errorf("open: first %v, second %v; want true, false", first.open.Load(), second.open.Load())
	}
}
