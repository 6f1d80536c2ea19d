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
}

type patientKey struct{}

// LoadPatient returns the middleware of the /person/{handle} route group:
// it resolves the handle once, to the identity number the session made it
// for, and puts the patient in the request context for the group's
// handlers. A handle this session never made (a guessed, shared or stale
// link) is refused with 404 "error.person.handle" before any handler runs;
// fail is web's one error renderer.
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
			ctx = context.WithValue(ctx, patientKey{}, patient{handle: handle, nin: nin})
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
