package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/handlers"
)

// What a patient route answers, for the S20/S27 table.
type routeKind int

const (
	// shows patient data: S20 (no record, no data) and S27 (one record per access) apply.
	showsData routeKind = iota
	// acts on the patient (binds or ends an access basis): recorded before it acts.
	acts
)

// patientRoute is one route of the patient group, with how to call it.
type patientRoute struct {
	method, pattern string
	kind            routeKind
	path            func(base string) string // base is /person/{a handle}
	form            func(tok string) url.Values
	header          []string // name, value: a fragment route is asked as htmx asks
}

// patientRoutes is every route that can serve patient data or act on a
// patient. TestAccessGate_RouteTable fails when the router has a patient
// route that is not here (or that runs outside the access gate), so a new
// route cannot skip the S20 and S27 checks below.
var patientRoutes = []patientRoute{
	{method: "POST", pattern: "/search", kind: showsData},
	{method: "GET", pattern: "/person/{handle}/", kind: showsData, path: func(b string) string { return b }},
	{method: "GET", pattern: "/person/{handle}/panel/{panel}", kind: showsData, path: func(b string) string { return b + "/panel/names" },
		header: []string{"HX-Request", "true"}},
	// The raw-response drawer (F19; the harness is a demo, so it is served).
	{method: "GET", pattern: "/person/{handle}/raw/{panel}", kind: showsData, path: func(b string) string { return b + "/raw/addresses" }},
	{method: "GET", pattern: "/person/{handle}/timeline", kind: showsData, path: func(b string) string { return b + "/timeline" }},
	{method: "GET", pattern: "/person/{handle}/print", kind: showsData, path: func(b string) string { return b + "/print" }},
	{method: "GET", pattern: "/person/{handle}/labs", kind: showsData, path: func(b string) string { return b + "/labs" }},
	{method: "GET", pattern: "/person/{handle}/labs/print", kind: showsData, path: func(b string) string { return b + "/labs/print" }},
	{method: "GET", pattern: "/person/{handle}/labs/trend", kind: showsData}, // path from the results' trend link
	// The two forms name the patient in the banner, so they are recorded too.
	{method: "GET", pattern: "/person/{handle}/labs/basis", kind: showsData, path: func(b string) string { return b + "/labs/basis" }},
	{method: "GET", pattern: "/person/{handle}/labs/emergency", kind: showsData, path: func(b string) string { return b + "/labs/emergency" }},
	{method: "POST", pattern: "/person/{handle}/labs/basis", kind: acts, path: func(b string) string { return b + "/labs/basis" },
		form: func(tok string) url.Values {
			return url.Values{"csrf_token": {tok}, "basis": {labs.BasisSamtykke}, "role": {"LE"}}
		}},
	{method: "POST", pattern: "/person/{handle}/labs/emergency", kind: acts, path: func(b string) string { return b + "/labs/emergency" },
		form: func(tok string) url.Values { return emergencyForm(tok, labs.BasisAkutt) }},
	{method: "POST", pattern: "/person/{handle}/labs/end", kind: acts, path: func(b string) string { return b + "/labs/end" },
		form: func(tok string) url.Values { return url.Values{"csrf_token": {tok}} }},
	// Names the patients of the clinician's own lookups (visited last, so
	// the routes above are today's lookups).
	{method: "GET", pattern: "/me/lookups", kind: showsData, path: func(string) string { return "/me/lookups" }},
}

// gated reports whether mws holds the access gate: each middleware is run
// alone around a probe, and the gate is the one whose request reaches the
// probe marked as gated. (Comparing function values cannot find it: the
// compiler may inline AccessGate into each caller.)
func gated(mws []func(http.Handler) http.Handler) bool {
	for _, mw := range mws {
		found := false
		probe := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { found = handlers.Gated(r.Context()) })
		mw(probe).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
		if found {
			return true
		}
	}
	return false
}

func TestAccessGate_RouteTable(t *testing.T) {
	h := newHarness(t, withTestdata()) // every route mounted, the testers' too
	var inGate, naming []string
	err := chi.Walk(h.srv.router, func(method, route string, _ http.Handler, mws ...func(http.Handler) http.Handler) error {
		key := method + " " + route
		if gated(mws) {
			inGate = append(inGate, key)
		}
		// The search and the clinician's own lookups name patients
		// without a {handle}.
		if strings.Contains(route, "{handle}") || route == "/search" || route == "/me/lookups" {
			naming = append(naming, key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var table []string
	for _, pr := range patientRoutes {
		table = append(table, pr.method+" "+pr.pattern)
	}
	for _, k := range naming {
		if !slices.Contains(inGate, k) {
			t.Errorf("%s names a patient but runs outside the access gate", k)
		}
	}
	for _, k := range inGate {
		// The audit pages have their own table (auditRoutes, audit_test.go).
		if _, route, _ := strings.Cut(k, " "); isAuditRoute(route) {
			continue
		}
		if !slices.Contains(table, k) {
			t.Errorf("%s runs behind the access gate but is not in patientRoutes: add it, so S20 and S27 are checked for it", k)
		}
	}
	for _, k := range table {
		if !slices.Contains(inGate, k) {
			t.Errorf("patientRoutes lists %s, which the router does not serve behind the access gate", k)
		}
	}
}

// patientVisit is one call of a patient route and what came of it.
type patientVisit struct {
	page    *page
	records []audit.Record
}

// visitEveryPatientRoute calls every route of patientRoutes for one
// patient with lab results, as a clinician who has bound a basis, with the
// audit store failing from the first call on when fail is set.
func visitEveryPatientRoute(t *testing.T, fail bool) (map[string]patientVisit, string, string) {
	sw := &switchable{}
	h := newHarness(t, withSwitchableAudit(sw), withTestdata())
	b, tok := clinician(t, h)
	number := labsPerson(t, h, "abnormal-labs")
	subject, ok := h.pop.ByNIN(number)
	if !ok {
		t.Fatal("the labs person is not in the population")
	}
	name := subject.CurrentName().FamilyName
	base := b.labsPath(tok, number)
	base = strings.TrimSuffix(base, "/labs")
	results := b.chooseBasis(tok, base+"/labs", labs.BasisUnntak)
	links := testids(t, results.body, "labs-trend-link")
	if len(links) == 0 {
		t.Fatal("no trend link on the results")
	}
	trend := attr(links[0], "href")
	sw.fail.Store(fail)

	visits := map[string]patientVisit{}
	for _, pr := range patientRoutes {
		key := pr.method + " " + pr.pattern
		before := len(h.records())
		var p *page
		switch {
		case pr.pattern == "/search":
			// By name: a number only redirects to the overview, with no data.
			n := subject.CurrentName()
			p = b.search(tok, n.GivenName+" "+n.FamilyName+" "+subject.CurrentBirth().BirthDate.Format("02.01.2006"))
		case pr.pattern == "/person/{handle}/labs/trend":
			p = b.get(trend)
		case pr.method == http.MethodPost:
			p = b.post(pr.path(base), pr.form(tok))
		default:
			p = b.get(pr.path(base), pr.header...)
		}
		visits[key] = patientVisit{page: p, records: h.records()[before:]}
		// Ending a basis above ends it for the routes after; bind again.
		if !fail && pr.pattern == "/person/{handle}/labs/end" {
			b.chooseBasis(tok, base+"/labs", labs.BasisUnntak)
		}
	}
	return visits, number, name
}

func TestAccessGate_S20_EveryPatientRouteFailsClosed(t *testing.T) {
	visits, number, name := visitEveryPatientRoute(t, true)
	for _, pr := range patientRoutes {
		key := pr.method + " " + pr.pattern
		t.Run(key, func(t *testing.T) {
			v := visits[key]
			p := v.page
			if strings.Contains(p.body, name) || strings.Contains(p.body, number) || strings.Contains(p.body, number[6:]) {
				t.Errorf("status %d: the patient's name or number written with the audit store down", p.StatusCode)
			}
			if p.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("status %d; want 503 with the audit store down", p.StatusCode)
			}
			if !strings.Contains(p.body, msg("error.audit.title")) {
				t.Error("does not say the audit log is unavailable")
			}
		})
	}
}

func TestAccessGate_S27_EveryPatientRouteRecords(t *testing.T) {
	visits, number, _ := visitEveryPatientRoute(t, false)
	doctor := persona(t, "doctor")
	for _, pr := range patientRoutes {
		key := pr.method + " " + pr.pattern
		t.Run(key, func(t *testing.T) {
			v := visits[key]
			if v.page.StatusCode >= 400 {
				t.Fatalf("status %d", v.page.StatusCode)
			}
			if len(v.records) == 0 {
				t.Fatal("no audit record")
			}
			cid := v.page.Header.Get(CorrelationHeader)
			for _, r := range v.records {
				switch {
				case r.CorrelationID == "" || r.CorrelationID != cid:
					t.Errorf("%s %s: correlation id %q; want the request's %q", r.Resource, r.Action, r.CorrelationID, cid)
				case r.Actor.PID != doctor.PID || r.Actor.HPRNumber == "" || r.Actor.SecurityLevel != "4":
					t.Errorf("%s %s: actor %+v incomplete", r.Resource, r.Action, r.Actor)
				case r.Time.IsZero():
					t.Errorf("%s %s: no time", r.Resource, r.Action)
				case r.ClientIP == "":
					t.Errorf("%s %s: no client IP", r.Resource, r.Action)
				}
			}
			names := func(r audit.Record) bool { return r.Patient == number }
			if pr.pattern == "/me/lookups" { // one record for the list, the numbers as results
				names = func(r audit.Record) bool { return slices.Contains(r.Results, number) }
			}
			if pr.pattern != "/search" && !slices.ContainsFunc(v.records, names) {
				t.Error("no record names the patient")
			}
		})
	}
}
