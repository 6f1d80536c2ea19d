package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/oppslag/oppslag/clients/audit"
)

// auditRoute is one route of the audit pages, with how to call it.
type auditRoute struct {
	method, pattern string
	path            string                      // what to request
	form            func(tok string) url.Values // for a POST
	status          int                         // the auditor's answer; 0 is 200
}

// auditRoutes is every /audit route. TestS21_AuditPagesNeedAnAuditor fails
// when the router serves an /audit route that is not here, so a new audit
// page cannot skip the role table.
var auditRoutes = []auditRoute{
	{method: "GET", pattern: "/audit", path: "/audit"},
	{method: "GET", pattern: "/audit/record/{seq}", path: "/audit/record/1"},
	{method: "POST", pattern: "/audit/patient", path: "/audit/patient",
		form: func(tok string) url.Values { return url.Values{"csrf_token": {tok}, "nin": {"12057900499"}} }},
	{method: "POST", pattern: "/audit/patient/print", path: "/audit/patient/print",
		form: func(tok string) url.Values { return url.Values{"csrf_token": {tok}, "nin": {"12057900499"}} }},
	{method: "GET", pattern: "/audit/export.ndjson", path: "/audit/export.ndjson"},
	{method: "GET", pattern: "/audit/reviews", path: "/audit/reviews"},
	{method: "POST", pattern: "/audit/reviews/{seq}", path: "/audit/reviews/1", status: http.StatusNotFound,
		form: func(tok string) url.Values { return url.Values{"csrf_token": {tok}, "verdict": {"justified"}} }},
	{method: "POST", pattern: "/audit/verify", path: "/audit/verify", status: http.StatusSeeOther,
		form: func(tok string) url.Values { return url.Values{"csrf_token": {tok}} }},
}

func isAuditRoute(route string) bool { return route == "/audit" || strings.HasPrefix(route, "/audit/") }

func (b *browser) call(rt auditRoute, tok string) *page {
	b.t.Helper()
	if rt.method == http.MethodPost {
		return b.post(rt.path, rt.form(tok))
	}
	return b.get(rt.path)
}

func TestS21_AuditPagesNeedAnAuditor(t *testing.T) {
	h := newHarness(t)
	t.Run("route table", func(t *testing.T) {
		var served []string
		err := chi.Walk(h.srv.router, func(method, route string, _ http.Handler, mws ...func(http.Handler) http.Handler) error {
			if !isAuditRoute(route) {
				return nil
			}
			key := method + " " + route
			served = append(served, key)
			if !gated(mws) {
				t.Errorf("%s runs outside the access gate", key)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var table []string
		for _, rt := range auditRoutes {
			table = append(table, rt.method+" "+rt.pattern)
		}
		for _, k := range served {
			if !slices.Contains(table, k) {
				t.Errorf("%s is served but not in auditRoutes: add it, so S21 is checked for it", k)
			}
		}
		for _, k := range table {
			if !slices.Contains(served, k) {
				t.Errorf("auditRoutes lists %s, which the router does not serve", k)
			}
		}
	})
	for _, id := range []string{"doctor", "nurse", "admin"} {
		t.Run(id, func(t *testing.T) {
			b := h.browser()
			tok := csrfToken(t, b.login(id).body)
			for _, rt := range auditRoutes {
				before := countActions(h.records(), "role_check", audit.Denied)
				p := b.call(rt, tok)
				if p.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s: status %d; want 403", rt.method, rt.path, p.StatusCode)
				}
				if !strings.Contains(p.body, msg("error.role.auditor.title")) {
					t.Errorf("%s %s: the refusal does not say the page is for auditors", rt.method, rt.path)
				}
				if got := countActions(h.records(), "role_check", audit.Denied) - before; got != 1 {
					t.Errorf("%s %s: %d audited denials; want 1", rt.method, rt.path, got)
				}
			}
		})
	}
	t.Run("auditor", func(t *testing.T) {
		b := h.browser()
		tok := csrfToken(t, b.login("auditor").body)
		for _, rt := range auditRoutes {
			want := cmp.Or(rt.status, http.StatusOK)
			if p := b.call(rt, tok); p.StatusCode != want {
				t.Errorf("%s %s: status %d; want %d", rt.method, rt.path, p.StatusCode, want)
			}
		}
	})
	t.Run("signed out", func(t *testing.T) {
		b := h.browser()
		for _, rt := range auditRoutes {
			p := b.call(rt, "")
			if p.StatusCode == http.StatusOK {
				t.Errorf("%s %s signed out: status 200", rt.method, rt.path)
			}
			if rt.method == http.MethodGet && (p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/login")) {
				t.Errorf("%s %s signed out: status %d to %q; want a redirect to the login", rt.method, rt.path, p.StatusCode, p.Header.Get("Location"))
			}
		}
	})
}

// auditorRecords are the records the auditor's own page views wrote.
func auditorRecords(t *testing.T, h *harness) []audit.Record {
	t.Helper()
	pid := persona(t, "auditor").PID
	var out []audit.Record
	for _, r := range h.records() {
		if r.Actor.PID == pid && r.Resource == "audit" {
			out = append(out, r)
		}
	}
	return out
}

func TestF20_AuditorFindsTheDoctorsLookup(t *testing.T) {
	h := newHarness(t)
	doc, tok := clinician(t, h)
	number := numberOf(t, someone(t, h, "deceased"))
	if p := doc.open(tok, number); p.StatusCode != http.StatusOK {
		t.Fatalf("the doctor's overview: status %d", p.StatusCode)
	}
	doctor := persona(t, "doctor")
	h.clock.Advance(time.Hour)

	a := h.browser()
	start := a.login("auditor")
	if len(testids(t, start.body, "start-audit-search")) != 1 {
		t.Error("the auditor's start page does not link to the audit log")
	}
	atok := csrfToken(t, start.body)

	// Who has seen this patient: the doctor, the overview.
	p := a.post("/audit/patient", url.Values{"csrf_token": {atok}, "nin": {number[:6] + " " + number[6:]}})
	if p.StatusCode != http.StatusOK {
		t.Fatalf("POST /audit/patient: status %d", p.StatusCode)
	}
	rows := testids(t, p.body, "audit-access")
	var found bool
	var recordHref string
	for _, row := range rows {
		text := nodeText(row)
		if strings.Contains(text, doctor.FamilyName) && strings.Contains(text, msg("lookups.kind.overview")) {
			found = true
			recordHref = attr(testids(t, renderNode(row), "audit-open")[0], "href")
		}
	}
	if !found {
		t.Fatalf("no row says the doctor opened the overview; rows: %d", len(rows))
	}
	recs := auditorRecords(t, h)
	if len(recs) != 1 || recs[0].Action != "patient" || recs[0].Patient != number || recs[0].Outcome != audit.Success {
		t.Fatalf("auditor's records %+v; want one patient lookup naming the patient", recs)
	}

	// The letter to the patient: plain words, no other patient.
	letter := a.post("/audit/patient/print", url.Values{"csrf_token": {atok}, "nin": {number}})
	if letter.StatusCode != http.StatusOK {
		t.Fatalf("POST /audit/patient/print: status %d", letter.StatusCode)
	}
	lines := testids(t, letter.body, "audit-letter-line")
	if len(lines) == 0 || !strings.Contains(letter.body, msg("audit.letter.kind.overview")) {
		t.Errorf("the letter does not say the overview was seen")
	}
	// The overview named the patient's relatives (the family record's
	// results); the letter names none of them.
	for _, r := range h.records() {
		for _, other := range r.Results {
			if other != number && (strings.Contains(letter.body, other) || strings.Contains(letter.body, other[:6]+" "+other[6:])) {
				t.Errorf("the letter names another person's number (%s...)", other[:6])
			}
		}
	}
	if got := auditorRecords(t, h); got[len(got)-1].Action != "patient_print" || got[len(got)-1].Patient != number {
		t.Errorf("the print's record %+v; want patient_print naming the patient", got[len(got)-1].Event)
	}

	// The search by HPR number finds the same access; its entry opens.
	s := a.get("/audit?hpr=" + doctor.HPRNumber)
	if s.StatusCode != http.StatusOK {
		t.Fatalf("GET /audit: status %d", s.StatusCode)
	}
	if got := testids(t, s.body, "audit-row"); len(got) == 0 {
		t.Fatal("the search by the doctor's HPR number found nothing")
	}
	if !strings.Contains(s.body, `href="`+recordHref+`"`) {
		t.Errorf("the search does not list the record %s", recordHref)
	}
	if got := auditorRecords(t, h); got[len(got)-1].Action != "search" || !slices.Equal(got[len(got)-1].Fields, []string{"hpr"}) {
		t.Errorf("the search's record %+v; want action search with the field hpr", got[len(got)-1].Event)
	}
	rec := a.get(recordHref)
	if rec.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", recordHref, rec.StatusCode)
	}
	corr := testids(t, rec.body, "audit-field-correlation")
	ip := testids(t, rec.body, "audit-field-client-ip")
	if len(corr) != 1 || nodeText(corr[0]) == "" || len(ip) != 1 || nodeText(ip[0]) == "" {
		t.Error("the full record lacks its correlation id or client address")
	}
	if got := auditorRecords(t, h); got[len(got)-1].Action != "record" || got[len(got)-1].Patient != number {
		t.Errorf("the record view's record %+v; want action record naming the patient", got[len(got)-1].Event)
	}
	if got := a.get("/audit/record/999999"); got.StatusCode != http.StatusNotFound {
		t.Errorf("a record that does not exist: status %d; want 404", got.StatusCode)
	}
}

func TestF20_NoIdentityNumberInTheSearch(t *testing.T) {
	h := newHarness(t)
	a := h.browser()
	a.login("auditor")
	const number = "12057900499"
	for _, q := range []string{"user=" + number, "hpr=120579%2000499", "org=" + number} {
		p := a.get("/audit?" + q)
		if p.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d; want 422", q, p.StatusCode)
		}
		if strings.Contains(p.body, number) || strings.Contains(p.body, "120579 00499") {
			t.Errorf("%s: the page repeats the number", q)
		}
		if len(testids(t, p.body, "audit-query-error")) != 1 {
			t.Errorf("%s: the page does not say why", q)
		}
	}
	for _, r := range auditorRecords(t, h) {
		if r.Outcome != audit.Failure {
			t.Errorf("refused search recorded as %s; want failure", r.Outcome)
		}
	}
}

func TestF20_PatientLookupValidates(t *testing.T) {
	h := newHarness(t)
	a := h.browser()
	tok := csrfToken(t, a.login("auditor").body)
	for _, c := range []struct{ name, nin, from, to string }{
		{"no number", "", "", ""},
		{"bad check digits", "12057900498", "", ""},
		{"bad date", "12057900499", "21.11.2026", ""},
		{"period backwards", "12057900499", "2026-11-21", "2026-11-01"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := a.post("/audit/patient", url.Values{"csrf_token": {tok}, "nin": {c.nin}, "from": {c.from}, "to": {c.to}})
			if p.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("status %d; want 422", p.StatusCode)
			}
			if len(testids(t, p.body, "field-error")) == 0 {
				t.Error("no field says what is wrong")
			}
		})
	}
}
