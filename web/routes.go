package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/oppslag/oppslag/handlers"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/static"
)

// Request bodies (S40). A route takes a body only when its line says so,
// with form or upload; every other route takes none, and a body sent to it
// is refused with 413 unread. limitBody applies these before anything reads
// a body, the CSRF check included.
const (
	// formMax bounds a plain form: a few short fields (the emergency
	// reason, at most 500 characters, is the longest).
	formMax = 16 << 10
	// uploadTimeoutFactor stretches Config.BodyTimeout for uploads.
	uploadTimeoutFactor = 6
)

// form is a route that takes a plain urlencoded form of at most formMax.
func (s *Server) form(fn handlers.HandlerFunc) http.Handler {
	return bodyRoute{Handler: s.handle(fn), body: body{max: formMax}}
}

// upload is a route that takes a multipart form (with files) of at most max.
func (s *Server) upload(max int64, fn handlers.HandlerFunc) http.Handler {
	return bodyRoute{Handler: s.handle(fn), body: body{max: max, multipart: true, timeout: uploadTimeoutFactor * s.cfg.BodyTimeout}}
}

// routes is the whole URL surface of the portal, one route per line.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	s.router = r
	r.Use(
		s.requestID,
		s.clientIP,
		s.accessLog,
		s.recoverer,
		s.securityHeaders,
		s.language,
		s.limitHeaders,
		s.session,
		s.crossOrigin,
		s.limitBody,
		s.csrf,
	)
	r.NotFound(s.handle(notFound))
	r.MethodNotAllowed(s.methodNotAllowed)

	start := handlers.Start{Site: s.site}
	people := handlers.Person{Site: s.site, API: s.cfg.PersonAPI, Labs: s.cfg.LabsAPI, Audit: handlers.Auditor{Store: s.cfg.Audit},
		Timeout: s.cfg.UpstreamTimeout, Now: s.cfg.Now, Log: s.log, RawDrawer: s.rawDrawer(), Cache: s.cfg.PersonCache}
	labResults := handlers.Labs{Site: s.site, API: s.cfg.LabsAPI, Audit: handlers.Auditor{Store: s.cfg.Audit},
		Timeout: s.cfg.UpstreamTimeout, Now: s.cfg.Now, Log: s.log, EmergencyWindow: s.cfg.EmergencyWindow}
	mine := handlers.Lookups{Site: s.site, API: s.cfg.PersonAPI, Audit: handlers.Auditor{Store: s.cfg.Audit},
		EmergencyWindow: s.cfg.EmergencyWindow, Timeout: s.cfg.UpstreamTimeout, Now: s.cfg.Now, Log: s.log}
	auditPages := handlers.AuditPages{Site: s.site, Audit: handlers.Auditor{Store: s.cfg.Audit}, Now: s.cfg.Now}
	auditReviews := handlers.AuditReviews{Site: s.site, Audit: handlers.Auditor{Store: s.cfg.Audit}, Now: s.cfg.Now,
		EmergencyWindow: s.cfg.EmergencyWindow, Checkpoints: s.cfg.AuditCheckpoints}
	personnel := handlers.HPR{Site: s.site, API: s.cfg.HPRAPI, Index: s.cfg.HPRIndex, Audit: handlers.Auditor{Store: s.cfg.Audit},
		Timeout: s.cfg.UpstreamTimeout, Now: s.cfg.Now, Log: s.log, Batches: s.hprBatches}

	staticFiles := static.HandlerWith(s.handle(notFound))

	// Public: no login needed.
	r.Get("/static/*", staticFiles.ServeHTTP)
	r.Head("/static/*", staticFiles.ServeHTTP)
	r.Get("/favicon.ico", static.Favicon)
	r.Head("/favicon.ico", static.Favicon)
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Get("/", s.handle(start.ServeHTTP))
	r.Get("/login", s.handle(s.login))
	r.Get("/auth/callback", s.handle(s.callback))
	r.Get("/signed-out", s.handle(start.SignedOut))
	r.Method(http.MethodPost, "/logout", s.form(s.logout))
	r.Method(http.MethodPost, "/lang", s.form(s.setLanguage))

	// Signed in: every route below needs a user.
	r.Group(func(r chi.Router) {
		r.Use(s.requireUser)
		r.Get("/me", s.handle(start.Me))
		s.mountTestdata(r) // the synthetic population browser, when every upstream is simulated (web/testdata.go)
		s.mountFaults(r)   // the simulators' fault panel, likewise (web/testdata_faults.go)

		// Health personnel (HPR): any signed-in user (S21).
		r.Get("/hpr", s.handle(personnel.Search))
		r.Method(http.MethodPost, "/hpr/nin", s.form(personnel.SearchNIN))
		r.Get("/hpr/batch", s.handle(personnel.BatchForm))
		r.Method(http.MethodPost, "/hpr/batch", s.upload(handlers.MaxBatchUpload, personnel.StartBatch))
		r.Get("/hpr/batch/{id}", s.handle(personnel.Batch))
		r.Get("/hpr/batch/{id}/csv", s.handle(personnel.BatchCSV))
		r.Get("/hpr/{number}", s.handle(personnel.Card))

		// Patient data: HPR-authorised clinicians at security level 4 (S21),
		// behind the access gate: no success is written without a committed
		// audit record (S20; handlers/gate.go). A patient route is one that
		// names its patient by {handle}: the group loads the patient once.
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(request.RoleClinician), handlers.AccessGate(s.renderError))
			r.Method(http.MethodPost, "/search", s.form(people.Search))
			r.Get("/me/lookups", s.handle(mine.Mine)) // names patients: behind the gate, though no {handle}
			r.Route("/person/{handle}", func(r chi.Router) {
				r.Use(handlers.LoadPatient(s.renderError))
				r.Get("/", s.handle(people.Overview))
				r.Get("/panel/{panel}", s.handle(people.Panel))
				r.Get("/timeline", s.handle(people.Timeline))
				r.Get("/print", s.handle(people.Print))
				r.Get("/labs", s.handle(labResults.View))
				r.Get("/labs/basis", s.handle(labResults.Choose))
				r.Method(http.MethodPost, "/labs/basis", s.form(labResults.Bind))
				r.Get("/labs/trend", s.handle(labResults.Trend))
				r.Get("/labs/emergency", s.handle(labResults.Emergency))
				r.Method(http.MethodPost, "/labs/emergency", s.form(labResults.OpenEmergency))
				r.Method(http.MethodPost, "/labs/end", s.form(labResults.EndAccess))
				r.Get("/labs/print", s.handle(labResults.Print))
				s.mountRaw(r, people) // what the upstream sent, when every upstream is simulated (web/raw.go)
			})
		})

		// The audit log (F20): auditors only (S21), behind the access gate,
		// since every audit page names people and each view is itself a
		// record committed before the page (handlers/audit_pages.go). Every
		// /audit route belongs in this group; TestS21_AuditPagesNeedAnAuditor
		// fails for one that is missing from its table.
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(request.RoleAuditor), handlers.AccessGate(s.renderError))
			r.Get("/audit", s.handle(auditPages.Search))
			r.Get("/audit/record/{seq}", s.handle(auditPages.Record))
			r.Method(http.MethodPost, "/audit/patient", s.form(auditPages.Patient))
			r.Method(http.MethodPost, "/audit/patient/print", s.form(auditPages.PatientPrint))
			r.Get("/audit/export.ndjson", s.handle(handlers.AuditExport{Audit: handlers.Auditor{Store: s.cfg.Audit}, Now: s.cfg.Now, Log: s.log}.Export))
			r.Get("/audit/reviews", s.handle(auditReviews.Queue))
			r.Method(http.MethodPost, "/audit/reviews/{seq}", s.form(auditReviews.Review))
			r.Method(http.MethodPost, "/audit/verify", s.form(auditReviews.Verify))
		})
	})
	s.bodies = bodiesOf(r)
	return r
}

func notFound(http.ResponseWriter, *http.Request) error {
	return handlers.Errorf(http.StatusNotFound, "", nil)
}

// methodNotAllowed answers a path that exists for other methods (TRACE,
// GET on a form's action): 405 with the methods it takes, and a log line
// of its own.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
		if s.router.Match(chi.NewRouteContext(), m, path) {
			w.Header().Add("Allow", m)
		}
	}
	s.log.InfoContext(r.Context(), "request refused: method not allowed", "status", http.StatusMethodNotAllowed,
		"method", r.Method, "correlation_id", request.CorrelationID(r.Context()))
	s.renderError(w, r, handlers.Errorf(http.StatusMethodNotAllowed, "", nil))
}
