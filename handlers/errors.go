// Package handlers holds the portal's page and fragment handlers, one file per
// area. Each handler is a small struct with explicit dependencies; handlers
// return errors and the web package's renderer turns them into pages.
package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// Error is a failure with a status and a user-safe message. MessageKey names a
// catalog prefix with ".title" and ".message" entries (e.g. "error.login.level");
// empty means the status's own text. Err is the internal cause, logged for
// 5xx and never shown.
type Error struct {
	Status     int
	MessageKey string
	Err        error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.MessageKey, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.MessageKey)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with status, message key and an internal cause.
func Errorf(status int, messageKey string, cause error) *Error {
	return &Error{Status: status, MessageKey: messageKey, Err: cause}
}

// AsError maps any error to an *Error: an *Error passes through, anything
// else becomes a 500 with the generic message.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Status: http.StatusInternalServerError, MessageKey: "", Err: err}
}

// HandlerFunc is a handler that returns an error instead of writing one.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ErrorView is what the user sees of err, in their language: the status's
// title and message, or the specific ones its MessageKey names, and the
// correlation id. The one error renderer in web and the panels that fail
// alone both use it.
func ErrorView(ctx context.Context, err error) views.ErrorData {
	e := AsError(err)
	return views.ErrorFor(ctx, e.Status, e.MessageKey, request.CorrelationID(ctx))
}
