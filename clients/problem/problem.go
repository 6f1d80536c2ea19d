// Package problem is the RFC 9457 problem details body that NHN's ASP.NET
// Core APIs (the Person API and HPR) answer errors with: how a client keeps
// one safely, and how a simulator writes one.
package problem

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/oppslag/oppslag/clients/sanitize"
)

// Details is a problem details body. TraceID is ASP.NET Core's extension
// member.
type Details struct {
	Type     string `json:"type,omitempty"`
	Title    string `json:"title,omitempty"`
	Status   int    `json:"status,omitempty"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	TraceID  string `json:"traceId,omitempty"`
}

// MaxBytes caps how much of an error body is read; only the sanitised
// fields are kept.
const MaxBytes = 64 << 10

// Read returns the problem details of resp's body, each text with secrets
// and every digit run that could be an identity number masked, control
// characters dropped and its length capped, so it is safe to log. A body
// that is not JSON, or not one JSON value, gives the zero Details.
func Read(resp *http.Response, secrets []string) Details {
	if !sanitize.IsJSON(resp.Header.Get("Content-Type")) {
		return Details{}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBytes))
	if err != nil {
		return Details{}
	}
	var d Details
	if sanitize.DecodeJSON(b, &d) != nil {
		return Details{}
	}
	return Details{
		Type:     sanitize.Text(d.Type, secrets, 200),
		Title:    sanitize.Text(d.Title, secrets, 200),
		Status:   d.Status,
		Detail:   sanitize.Text(d.Detail, secrets, 500),
		Instance: sanitize.Text(d.Instance, secrets, 200),
		TraceID:  sanitize.Text(d.TraceID, secrets, 100),
	}
}

// Write answers status with a problem body as ASP.NET Core does. The title
// is a fixed text of the caller's: no request value (and so no identity
// number) is echoed.
func Write(w http.ResponseWriter, status int, title string) {
	b, _ := json.Marshal(Details{Type: typeFor(status), Title: title, Status: status})
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// typeFor is the RFC section ASP.NET Core links for a status.
func typeFor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "https://tools.ietf.org/html/rfc9110#section-15.5.1"
	case http.StatusUnauthorized:
		return "https://tools.ietf.org/html/rfc9110#section-15.5.2"
	case http.StatusForbidden:
		return "https://tools.ietf.org/html/rfc9110#section-15.5.4"
	case http.StatusNotFound:
		return "https://tools.ietf.org/html/rfc9110#section-15.5.5"
	case http.StatusMethodNotAllowed:
		return "https://tools.ietf.org/html/rfc9110#section-15.5.6"
	case http.StatusUnsupportedMediaType:
		return "https://tools.ietf.org/html/rfc9110#section-15.5.16"
	case http.StatusTooManyRequests:
		return "https://tools.ietf.org/html/rfc6585#section-4"
	case http.StatusInternalServerError:
		return "https://tools.ietf.org/html/rfc9110#section-15.6.1"
	}
	return "about:blank"
}

// Error is a non-2xx answer. It wraps Kind, the client's named error for
// the status, and keeps the body as Read returns it (identity numbers
// masked, control characters removed, lengths capped), so it is safe to
// log. Show users a message of your own, never Problem's text (S26).
type Error struct {
	Status  int     // HTTP status
	Problem Details // sanitised; empty when the body was not problem details
	Kind    error
}

// NewError reads resp's body into an *Error of kind.
func NewError(resp *http.Response, secrets []string, kind error) *Error {
	return &Error{Status: resp.StatusCode, Problem: Read(resp, secrets), Kind: kind}
}

// Error names the kind, the status and the upstream title.
func (e *Error) Error() string {
	if e.Problem.Title == "" {
		return fmt.Sprintf("%v: status %d", e.Kind, e.Status)
	}
	return fmt.Sprintf("%v: status %d: %s", e.Kind, e.Status, e.Problem.Title)
}

// Unwrap returns the named error for the status.
func (e *Error) Unwrap() error { return e.Kind }
