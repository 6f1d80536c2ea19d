package web

import (
	"github.com/go-chi/chi/v5"
	"github.com/oppslag/oppslag/handlers"
)

// rawDrawer reports whether the raw-response drawer (F19) is served. It
// shows what the upstreams sent, so it belongs to the demo alone: only
// when every upstream is simulated, never with a real one configured.
// Config.Testdata, the population every simulator serves, is set exactly
// then (cmd/internal/app's serve.go decides), so it is the switch for all
// the testers' tools: /testdata, the fault panel and this drawer.
func (s *Server) rawDrawer() bool { return s.cfg.Testdata != nil }

// mountRaw adds the raw-response drawer's route to the /person/{handle}
// group, behind that group's access gate and patient loader; people is the
// group's person handler. Outside the all-simulated demo the route is not
// mounted, so it answers 404 like any unknown path.
func (s *Server) mountRaw(r chi.Router, people handlers.Person) {
	if !s.rawDrawer() {
		return
	}
	r.Get("/raw/{panel}", s.handle(people.Raw))
}
