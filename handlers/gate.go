package handlers

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
)

// The access gate makes S20 ("the audit record is committed before any
// patient data is written") a property of the response rather than a habit
// of each handler. Every route that can show patient data runs behind
// AccessGate (web/routes.go puts the clinician and auditor groups there, and a
// route-table test fails for a patient route outside it). The gate holds
// the response shut: a success (2xx) can be written only once Auditor.Record
// has committed a record in the same request. A handler that forgets to
// record, or records after rendering, gets its page replaced by a 500 that
// says nothing about the patient; redirects and error pages, which carry no
// patient data, pass.
//
// A gated page that shows nothing about any patient (My lookups with nothing
// to list) says so with noPatientData. The patient pages themselves all
// show the patient banner, so each records its look.

// gate is one request's access gate.
type gate struct {
	open   atomic.Bool // a record is committed
	exempt atomic.Bool // the handler declared the page holds no patient data
}

type gateKey struct{}

func gateFrom(ctx context.Context) *gate {
	g, _ := ctx.Value(gateKey{}).(*gate)
	return g
}

// Gated reports whether ctx belongs to a request behind an access gate. The
// route-table test uses it to find the gate among a route's middleware.
func Gated(ctx context.Context) bool { return gateFrom(ctx) != nil }

// opened marks ctx's gate open; Auditor.Record calls it after the commit.
func opened(ctx context.Context) {
	if g := gateFrom(ctx); g != nil {
		g.open.Store(true)
	}
}

// noPatientData declares that the page r's handler writes shows nothing
// about the patient, so it needs no audit record.
func noPatientData(r *http.Request) {
	if g := gateFrom(r.Context()); g != nil {
		g.exempt.Store(true)
	}
}

// ErrUnaudited is the cause of the 500 that replaces a patient page
// written without a committed audit record.
var ErrUnaudited = errors.New("access gate: patient data written without a committed audit record (S20)")

// AccessGate returns the middleware that holds the response of every
// request it wraps shut until an audit record is committed; see the top of
// this file. refuse writes the error page for ErrUnaudited (web's one error
// renderer), and is called at most once per request.
func AccessGate(refuse func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			g := &gate{}
			r = r.WithContext(context.WithValue(r.Context(), gateKey{}, g))
			next.ServeHTTP(&gatedWriter{ResponseWriter: w, g: g, refuse: func() { refuse(w, r, ErrUnaudited) }}, r)
		})
	}
}

// gatedWriter is the ResponseWriter behind the gate.
type gatedWriter struct {
	http.ResponseWriter
	g       *gate
	refuse  func()
	decided bool // the status is known: written, or refused
	refused bool
}

// WriteHeader lets a status through, or refuses a success that no record
// opened the gate for.
func (w *gatedWriter) WriteHeader(status int) {
	if w.decided {
		return
	}
	w.decided = true
	if status >= 200 && status < 300 && !w.g.open.Load() && !w.g.exempt.Load() {
		w.refused = true
		// The handler's headers (a Content-Type, an HX-Retarget) belong to
		// the page that is not sent.
		for k := range w.Header() {
			delete(w.Header(), k)
		}
		w.refuse()
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write writes after the status, or swallows what a refused page writes.
func (w *gatedWriter) Write(p []byte) (int, error) {
	if !w.decided {
		w.WriteHeader(http.StatusOK)
	}
	if w.refused {
		// The refusal is already written and logged; the handler's own
		// page goes nowhere.
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *gatedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
