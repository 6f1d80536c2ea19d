package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/oppslag/oppslag/handlers"
)

// mountFaults adds the simulators' fault panel (F19) to r, the signed-in
// group: any role may use it, since testers sign in as personas. It is
// mounted only when Config.Faults is set, that is when every upstream is
// simulated; otherwise /testdata/faults is the router's own 404 and no page
// shows a fault band (handlers.Site.Faults is nil).
func (s *Server) mountFaults(r chi.Router) {
	if s.cfg.Faults == nil {
		return
	}
	panel := handlers.Faults{Site: s.site, Registry: s.cfg.Faults, Audit: handlers.Auditor{Store: s.cfg.Audit}, Now: s.cfg.Now}
	r.Get("/testdata/faults", s.handle(panel.Panel))
	r.Method(http.MethodPost, "/testdata/faults", s.form(panel.Add))
	r.Method(http.MethodPost, "/testdata/faults/clear", s.form(panel.Clear))
}
