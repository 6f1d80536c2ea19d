package handlers

import (
	"context"
	"net/http"

	"github.com/oppslag/oppslag/handlers/request"
)

// patient is who a /person/{handle} request is about: the opaque handle in
// its URL and the identity number this session made the handle for. The
// number never travels in a URL (S3); LoadPatient finds it once per
// request.
type patient struct {
	handle string
	nin    string
	shown  *shownPatient
}

// shownPatient is what the patient banner shows of the patient (see
// person_banner.go): the session's snapshot when LoadPatient runs, and what
// a page that fetches the person found, once it has. A nil snap shows the
// number alone. The handler writes it before it renders, in the request's
// own goroutine, so it needs no lock.
type shownPatient struct {
	snap *request.PatientSnapshot
}

type patientKey struct{}

// LoadPatient returns the middleware of the /person/{handle} route group:
// it resolves the handle once, to the identity number the session made it
// for, and puts the patient in the request context for the group's
// handlers, with the snapshot the session keeps of them (the banner's). A
// handle this session never made (a guessed, shared or stale link) is
// refused with 404 "error.person.handle" before any handler runs; fail is
// web's one error renderer.
func LoadPatient(fail func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			handle := r.PathValue("handle")
			handles := request.HandlesFrom(ctx)
			if handles == nil || handle == "" {
				fail(w, r, Errorf(http.StatusNotFound, "error.person.handle", nil))
				return
			}
			nin, ok := handles.Resolve(ctx, handle)
			if !ok {
				fail(w, r, Errorf(http.StatusNotFound, "error.person.handle", nil))
				return
			}
			// What the session remembers of the patient, for the banner.
			shown := &shownPatient{}
			if mem, ok := handles.(request.PatientMemory); ok {
				if s, ok := mem.Recall(ctx, handle); ok {
					shown.snap = &s
				}
			}
			ctx = context.WithValue(ctx, patientKey{}, patient{handle: handle, nin: nin, shown: shown})
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// resolve returns the identity number of the request's patient, loaded by
// LoadPatient. A handler mounted outside the group has none and answers
// 404, so a route that forgot the loader shows nothing rather than guessing.
func resolve(r *http.Request) (string, error) {
	p, ok := r.Context().Value(patientKey{}).(patient)
	if !ok || p.nin == "" {
		return "", Errorf(http.StatusNotFound, "error.person.handle", nil)
	}
	return p.nin, nil
}

// loadedPatient returns the patient LoadPatient put in ctx.
func loadedPatient(ctx context.Context) (patient, bool) {
	p, ok := ctx.Value(patientKey{}).(patient)
	return p, ok && p.nin != ""
}
