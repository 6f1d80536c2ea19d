package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/handlers"
)

// mountTestdata adds the synthetic population browser (F17) to r, the
// signed-in group: any role may use it, since testers sign in as personas.
// It is mounted only when Config.Testdata is set, that is when every
// upstream is simulated; otherwise /testdata is the router's own 404, and
// the header has no link to it (handlers.Site.Testdata).
//
// The browser evaluates every kind of every person once, on the first
// request: about 3 s on two cores for the demo's 20,000 persons, nearly
// all of it the lab kinds. Not at start-up: a portal that starts would
// spend those seconds beside its first pages and every benchmark run.
func (s *Server) mountTestdata(r chi.Router) {
	if s.cfg.Testdata == nil {
		return
	}
	b := synthetic.NewBrowser(s.cfg.Testdata)
	page := handlers.Testdata{Site: s.site, Browse: b, Audit: handlers.Auditor{Store: s.cfg.Audit}, FaultPanel: s.cfg.Faults != nil,
		Changes: s.cfg.PersonChanges}
	r.Get("/testdata", s.handle(page.ServeHTTP))
	if page.Changes != nil {
		r.Method(http.MethodPost, "/testdata/person", s.form(page.ChangePerson))
	}
}
