package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"syscall"

	"github.com/oppslag/oppslag/handlers"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// handle adapts an error-returning handler; its error goes to renderError.
func (s *Server) handle(fn handlers.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.renderError(w, r, err)
		}
	}
}

// renderError is the one place an error becomes a response: a plain message
// in the user's language and the correlation id, never err.Error() (S26).
// 5xx are logged with the correlation id. htmx requests get the message as a
// fragment with the real status; the htmx config swaps 4xx/5xx responses so
// the panel that asked shows it.
//
// A failure caused by the client leaving (its request canceled, or a broken
// pipe while writing) is logged at Info as "client aborted" with status 499
// and nothing is written: it is not a server failure and must page no one.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	e := handlers.AsError(err)
	ctx := r.Context()
	cid := request.CorrelationID(ctx)
	if clientGone(ctx, e) {
		s.log.InfoContext(ctx, "client aborted", "status", statusClientClosed, "would_have_been", e.Status,
			"err", e.Err, "correlation_id", cid)
		return
	}
	if errors.Is(e.Err, handlers.ErrHalfSent) {
		// The status and part of the page are out: nothing to write.
		s.log.ErrorContext(ctx, "request failed mid-page", "err", e.Err, "correlation_id", cid)
		return
	}
	if e.Status >= 500 {
		s.log.ErrorContext(ctx, "request failed", "status", e.Status, "err", e.Err, "correlation_id", cid)
	} else if e.Err != nil {
		s.log.InfoContext(ctx, "request refused", "status", e.Status, "err", e.Err, "correlation_id", cid)
	}
	data := handlers.ErrorView(ctx, e)
	if e.Status == http.StatusUnauthorized && r.Header.Get("HX-Request") == "true" {
		// The login is gone: take the whole page to a new login rather than
		// leave a dead panel (S3).
		w.Header().Set("HX-Redirect", "/login")
	}
	var buf bytes.Buffer
	var rerr error
	if handlers.IsFragment(r) {
		rerr = views.ErrorFragment(data).Render(ctx, &buf)
	} else {
		rerr = views.ErrorPage(s.site.Base(r, ""), data).Render(ctx, &buf)
	}
	w.Header().Set("Cache-Control", "no-store")
	if rerr != nil {
		s.log.ErrorContext(ctx, "error page failed to render", "err", rerr, "correlation_id", cid)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(e.Status)
		_, _ = w.Write([]byte(http.StatusText(e.Status) + " (" + cid + ")\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(e.Status)
	_, _ = w.Write(buf.Bytes())
}

// clientGone reports whether e was caused by the client going away rather
// than by the server: writing to it failed, or a server-side failure came
// from its request being canceled (the audit store's or an upstream's
// "context canceled").
func clientGone(ctx context.Context, e *handlers.Error) bool {
	if errors.Is(e.Err, syscall.EPIPE) || errors.Is(e.Err, syscall.ECONNRESET) {
		return true
	}
	return e.Status >= 500 && errors.Is(ctx.Err(), context.Canceled)
}
