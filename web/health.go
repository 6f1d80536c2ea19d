package web

import (
	"context"
	"net/http"
	"time"

	"github.com/oppslag/oppslag/handlers/request"
)

// healthz answers liveness: the process is up and serving.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers readiness: storage and HelseID discovery reachable. The body
// stays terse; the reason goes to the log with the correlation id.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.Ready(ctx); err != nil {
		s.log.WarnContext(r.Context(), "not ready", "err", err, "correlation_id", request.CorrelationID(r.Context()))
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
