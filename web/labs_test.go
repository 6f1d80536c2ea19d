package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
)

// The lab results pages (F8) through the real portal, the HelseID simulator
// and the lab results simulator over the synthetic test population.

// labsPath opens the person with number and returns their labs page path.
func (b *browser) labsPath(tok, number string) string {
	b.t.Helper()
	overview := b.open(tok, number)
	if overview.StatusCode != http.StatusOK {
		b.t.Fatalf("overview: status %d", overview.StatusCode)
	}
	links := testids(b.t, overview.body, "labs-link")
	if len(links) != 1 {
		b.t.Fatalf("%d labs links on the overview; want 1", len(links))
	}
	for _, a := range links[0].Attr {
		if a.Key == "href" {
			return a.Val
		}
	}
	b.t.Fatal("labs link without href")
	return ""
}

// bindBasis posts basis for the labs page at path and returns the answer.
func (b *browser) bindBasis(tok, path, basis string) *page {
	b.t.Helper()
	return b.post(path+"/basis", url.Values{"csrf_token": {tok}, "basis": {basis}, "role": {"LE"}})
}

// chooseBasis binds basis and follows to the results page.
func (b *browser) chooseBasis(tok, path, basis string) *page {
	b.t.Helper()
	p := b.bindBasis(tok, path, basis)
	if p.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("bind %s: status %d; want 303\n%s", basis, p.StatusCode, p.body)
	}
	return b.follow(p)
}

func labsPerson(t *testing.T, h *harness, kind string) string {
	t.Helper()
	ps := h.pop.Where(kind, 1)
	if len(ps) == 0 {
		t.Fatalf("no %s person in the test population", kind)
	}
	return numberOf(t, ps[0])
}

func TestS16_LabsNeedAnAccessBasis(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	path := b.labsPath(tok, labsPerson(t, h, "labs"))

	p := b.get(path)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("labs without basis: status %d; want 200", p.StatusCode)
	}
	if len(testids(t, p.body, "labs-chooser")) != 1 {
		t.Fatal("labs without basis: no chooser")
	}
	if got := len(testids(t, p.body, "labs-report")); got != 0 {
		t.Errorf("labs without basis: %d reports shown; want 0", got)
	}
	for _, basis := range []string{labs.BasisUnntak, labs.BasisSamtykke, labs.BasisForhoyetSamtykke} {
		if len(testids(t, p.body, "basis-"+basis)) != 1 {
			t.Errorf("chooser lacks %s", basis)
		}
		if !strings.Contains(p.body, msg("labs.basis."+strings.ToLower(basis)+".help")) {
			t.Errorf("chooser does not explain %s", basis)
		}
	}
	for _, basis := range []string{labs.BasisAkutt, labs.BasisForhoyetAkutt} {
		if len(testids(t, p.body, "basis-"+basis)) != 0 {
			t.Errorf("chooser offers %s, which arrives with the emergency flow", basis)
		}
	}
	if got := h.labSim.Stats().DiagnosticReportSearch; got != 0 {
		t.Errorf("searches before a basis: %d; want 0", got)
	}

	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
	}{
		{"unknown basis", path + "/basis", url.Values{"basis": {"ALLES"}, "role": {"LE"}}, http.StatusBadRequest},
		{"no basis", path + "/basis", url.Values{"role": {"LE"}}, http.StatusBadRequest},
		{"emergency basis without its flow", path + "/basis", url.Values{"basis": {labs.BasisAkutt}, "role": {"LE"}}, http.StatusBadRequest},
		{"role the user does not hold", path + "/basis", url.Values{"basis": {labs.BasisSamtykke}, "role": {"XX"}}, http.StatusBadRequest},
		{"guessed handle", "/person/AAAAAAAAAAAAAAAAAAAAAA/labs/basis", url.Values{"basis": {labs.BasisSamtykke}, "role": {"LE"}}, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf_token", tok)
			if got := b.post(tt.path, tt.form).StatusCode; got != tt.status {
				t.Errorf("status %d; want %d", got, tt.status)
			}
		})
	}
	if got := b.get("/person/AAAAAAAAAAAAAAAAAAAAAA/labs").StatusCode; got != http.StatusNotFound {
		t.Errorf("GET with a guessed handle: status %d; want 404", got)
	}
	// Another session's handle is as good as a guess.
	other, otherTok := clinician(t, h)
	otherPath := other.labsPath(otherTok, labsPerson(t, h, "abnormal-labs"))
	if got := b.get(otherPath).StatusCode; got != http.StatusNotFound {
		t.Errorf("GET with another session's handle: status %d; want 404", got)
	}
	if got := b.bindBasis(tok, otherPath, labs.BasisSamtykke).StatusCode; got != http.StatusNotFound {
		t.Errorf("POST with another session's handle: status %d; want 404", got)
	}
	if got := h.labSim.Stats().DiagnosticReportSearch; got != 0 {
		t.Errorf("searches after refused bindings: %d; want 0", got)
	}
	if got := countActions(h.records(), "access_basis", audit.Granted); got != 0 {
		t.Errorf("access_basis records after refused bindings: %d; want 0", got)
	}
}

func TestS18_BasisDoesNotCarryOver(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	ps := h.pop.Where("labs", 2)
	if len(ps) < 2 {
		t.Fatal("fewer than two labs persons")
	}
	pathA := b.labsPath(tok, numberOf(t, ps[0]))
	pathB := b.labsPath(tok, numberOf(t, ps[1]))

	a := b.chooseBasis(tok, pathA, labs.BasisSamtykke)
	if len(testids(t, a.body, "labs")) != 1 || len(testids(t, a.body, "labs-basis")) != 1 {
		t.Fatalf("A after binding: no results page with its basis\n%s", a.body)
	}
	if got := h.labSim.Stats().DiagnosticReportSearch; got != 1 {
		t.Errorf("searches after binding A: %d; want 1", got)
	}
	if p := b.get(pathB); len(testids(t, p.body, "labs-chooser")) != 1 {
		t.Error("patient B shows results under A's basis; want the chooser")
	}
	if p := b.get(pathA); len(testids(t, p.body, "labs")) != 1 {
		t.Error("patient A lost its basis")
	}
	if p := b.get(pathA + "?change=1"); len(testids(t, p.body, "labs-chooser")) != 1 {
		t.Error("change link does not show the chooser")
	}

	// A second session of the same user starts without any basis.
	second := h.browser()
	secondTok := csrfToken(t, second.login("doctor").body)
	secondA := second.labsPath(secondTok, numberOf(t, ps[0]))
	if p := second.get(secondA); len(testids(t, p.body, "labs-chooser")) != 1 {
		t.Error("a second session inherited the basis; want the chooser")
	}

	// The basis lapses after four hours; the session is kept alive meanwhile.
	for range 11 {
		h.clock.Advance(20 * time.Minute)
		if got := b.get("/me").StatusCode; got != http.StatusOK {
			t.Fatalf("keeping the session alive: status %d", got)
		}
	}
	if p := b.get(pathA); len(testids(t, p.body, "labs")) != 1 {
		t.Error("basis lapsed before four hours")
	}
	h.clock.Advance(20 * time.Minute)
	if p := b.get(pathA); len(testids(t, p.body, "labs-chooser")) != 1 {
		t.Errorf("basis still bound after four hours (status %d)", p.StatusCode)
	}
}

func TestS20_LabsAuditDownFailsClosed(t *testing.T) {
	sw := &switchable{}
	h := newHarness(t, withSwitchableAudit(sw))
	b, tok := clinician(t, h)
	path := b.labsPath(tok, labsPerson(t, h, "abnormal-labs"))
	b.chooseBasis(tok, path, labs.BasisUnntak)
	sw.fail.Store(true)

	p := b.get(path)
	if p.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("labs with a failing audit: status %d; want 503", p.StatusCode)
	}
	if len(testids(t, p.body, "labs-report")) != 0 || len(testids(t, p.body, "labs-row")) != 0 {
		t.Error("lab data written despite the failing audit store")
	}
	if !strings.Contains(p.body, msg("error.audit.title")) {
		t.Error("does not say the audit log is unavailable")
	}
	if got := b.bindBasis(tok, path, labs.BasisSamtykke).StatusCode; got != http.StatusServiceUnavailable {
		t.Errorf("binding with a failing audit: status %d; want 503", got)
	}
}

func TestS27_AuditRecordsForLabs(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)

	t.Run("granted with flags in text", func(t *testing.T) {
		number := labsPerson(t, h, "abnormal-labs")
		path := b.labsPath(tok, number)
		before := len(h.records())
		p := b.chooseBasis(tok, path, labs.BasisUnntak)
		recs := h.records()[before:]
		if len(recs) != 2 {
			t.Fatalf("%d records for bind and view; want 2", len(recs))
		}
		bind, view := recs[0], recs[1]
		if bind.Resource != "lab" || bind.Action != "access_basis" || bind.AccessBasis != labs.BasisUnntak ||
			bind.Patient != number || bind.Outcome != audit.Granted {
			t.Errorf("bind record = %+v", bind.Event)
		}
		if view.Resource != "lab" || view.Action != "view" || view.AccessBasis != labs.BasisUnntak ||
			view.Patient != number || view.Outcome != audit.Granted || view.CorrelationID == "" {
			t.Errorf("view record = %+v", view.Event)
		}
		flags := testids(t, p.body, "labs-flag")
		if len(flags) == 0 {
			t.Fatal("no flagged result for an abnormal-labs person")
		}
		texts := []string{msg("labs.flag.h"), msg("labs.flag.hh"), msg("labs.flag.l"), msg("labs.flag.ll"), msg("labs.flag.a")}
		for _, f := range flags {
			got := nodeText(f)
			ok := false
			for _, want := range texts {
				if strings.HasSuffix(got, " "+want) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("flag %q: not a symbol with its text", got)
			}
		}
	})
	t.Run("restricted", func(t *testing.T) {
		number := labsPerson(t, h, "restricted-labs")
		path := b.labsPath(tok, number)
		before := len(h.records())
		p := b.chooseBasis(tok, path, labs.BasisSamtykke)
		recs := h.records()[before:]
		if len(recs) != 2 {
			t.Fatalf("%d records for bind and view; want 2", len(recs))
		}
		if v := recs[1]; v.Action != "view" || v.Outcome != audit.Restricted || v.Patient != number || v.AccessBasis != labs.BasisSamtykke {
			t.Errorf("view record = %+v; want outcome restricted", v.Event)
		}
		if len(testids(t, p.body, "labs-restricted")) == 0 {
			t.Error("restricted results not announced")
		}
	})
}

func TestS31_LabsUpstreamErrorIsPlain(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	number := labsPerson(t, h, "labs")
	path := b.labsPath(tok, number)
	h.labSim.SetFault(labsim.Fault{Status: http.StatusInternalServerError})
	p := b.chooseBasis(tok, path, labs.BasisSamtykke)
	if len(testids(t, p.body, "error")) != 1 || len(testids(t, p.body, "correlation-id")) != 1 {
		t.Fatalf("upstream error: no plain message with a correlation id\n%s", p.body)
	}
	if !strings.Contains(p.body, msg("error.labs.upstream.title")) {
		t.Error("upstream error does not name the lab service")
	}
	if len(testids(t, p.body, "labs-change-basis")) != 1 {
		t.Error("upstream error page lost the basis and its change link")
	}
	recs := h.records()
	if v := recs[len(recs)-1]; v.Action != "view" || v.Outcome != audit.UpstreamError || v.Patient != number {
		t.Errorf("view record = %+v; want outcome upstream_error", v.Event)
	}
}
