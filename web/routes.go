package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/oppslag/oppslag/handlers"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/static"
)

// routes is the whole URL surface of the portal, one route per line.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(
		s.requestID,
		s.clientIP,
		s.accessLog,
		s.recoverer,
		s.securityHeaders,
		s.language,
		s.session,
		s.crossOrigin,
		s.csrf,
	)
	r.NotFound(s.handle(notFound))
	r.MethodNotAllowed(s.handle(methodNotAllowed))

	start := handlers.Start{Site: s.site}
	people := handlers.Person{Site: s.site, API: s.cfg.PersonAPI, Audit: handlers.Auditor{Store: s.cfg.Audit},
		Timeout: s.cfg.UpstreamTimeout, Now: s.cfg.Now, Log: s.log}
	labResults := handlers.Labs{Site: s.site, API: s.cfg.LabsAPI, Audit: handlers.Auditor{Store: s.cfg.Audit},
		Timeout: s.cfg.UpstreamTimeout, Now: s.cfg.Now, Log: s.log, EmergencyWindow: s.cfg.EmergencyWindow}
	personnel := handlers.HPR{Site: s.site, API: s.cfg.HPRAPI, Index: s.cfg.HPRIndex, Audit: handlers.Auditor{Store: s.cfg.Audit},
		Timeout: s.cfg.UpstreamTimeout, Now: s.cfg.Now, Log: s.log, Batches: s.hprBatches}

	// Public: no login needed.
	r.Handle("/static/*", static.Handler())
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Get("/", s.handle(start.ServeHTTP))
	r.Get("/login", s.handle(s.login))
	r.Get("/auth/callback", s.handle(s.callback))
	r.Get("/signed-out", s.handle(start.SignedOut))
	r.Post("/logout", s.handle(s.logout))
	r.Post("/lang", s.handle(s.setLanguage))

	// Signed in: every route below needs a user.
	r.Group(func(r chi.Router) {
		r.Use(s.requireUser)
		r.Get("/me", s.handle(start.Me))

		// Health personnel (HPR): any signed-in user (S21).
		r.Get("/hpr", s.handle(personnel.Search))
		r.Post("/hpr/nin", s.handle(personnel.SearchNIN))
		r.Get("/hpr/batch", s.handle(personnel.BatchForm))
		r.Post("/hpr/batch", s.handle(personnel.StartBatch))
		r.Get("/hpr/batch/{id}", s.handle(personnel.Batch))
		r.Get("/hpr/batch/{id}/csv", s.handle(personnel.BatchCSV))
		r.Get("/hpr/{number}", s.handle(personnel.Card))

		// Patient data: HPR-authorised clinicians at security level 4 (S21).
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(request.RoleClinician))
			r.Post("/search", s.handle(people.Search))
			r.Get("/person/{handle}", s.handle(people.Overview))
			r.Get("/person/{handle}/panel/{panel}", s.handle(people.Panel))
			r.Get("/person/{handle}/timeline", s.handle(people.Timeline))
			r.Get("/person/{handle}/labs", s.handle(labResults.View))
			r.Get("/person/{handle}/labs/basis", s.handle(labResults.Choose))
			r.Post("/person/{handle}/labs/basis", s.handle(labResults.Bind))
			r.Get("/person/{handle}/labs/trend", s.handle(labResults.Trend))
			r.Get("/person/{handle}/labs/emergency", s.handle(labResults.Emergency))
			r.Post("/person/{handle}/labs/emergency", s.handle(labResults.OpenEmergency))
			r.Post("/person/{handle}/labs/end", s.handle(labResults.EndAccess))
			r.Get("/person/{handle}/labs/print", s.handle(labResults.Print))
		})
	})
	return r
}

func notFound(http.ResponseWriter, *http.Request) error {
	return handlers.Errorf(http.StatusNotFound, "", nil)
}

func methodNotAllowed(http.ResponseWriter, *http.Request) error {
	return handlers.Errorf(http.StatusMethodNotAllowed, "", nil)
}
