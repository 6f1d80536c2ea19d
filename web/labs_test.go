package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
	"github.com/oppslag/oppslag/views/i18n"
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
			// Until a basis is bound the link goes to the chooser.
			return strings.TrimSuffix(a.Val, "/basis")
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

	// The overview links to the chooser until a basis is bound.
	if p := b.get(path + "/basis"); p.StatusCode != http.StatusOK || len(testids(t, p.body, "labs-chooser")) != 1 {
		t.Fatalf("chooser: status %d", p.StatusCode)
	}
	before := len(h.records())
	// The results themselves without a basis: refused, audited as denied,
	// with the chooser as the way forward.
	p := b.get(path)
	if p.StatusCode != http.StatusForbidden {
		t.Fatalf("labs without basis: status %d; want 403", p.StatusCode)
	}
	if len(testids(t, p.body, "labs-chooser")) != 1 {
		t.Fatal("labs without basis: no chooser")
	}
	if recs := h.records()[before:]; len(recs) != 1 || recs[0].Action != "view" || recs[0].Outcome != audit.Denied || recs[0].Resource != "lab" {
		t.Errorf("records for labs without a basis = %+v; want one denied view", recs)
	}
	for _, sub := range []string{"/print", "/trend?analysis=NPU02319"} {
		if got := b.get(path + sub).StatusCode; got != http.StatusForbidden {
			t.Errorf("%s without basis: status %d; want 403", sub, got)
		}
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
	if p := b.get(pathA + "/basis"); len(testids(t, p.body, "labs-chooser")) != 1 {
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
	t.Run("reserved", func(t *testing.T) {
		// Everything is withheld: the page must not say there are no
		// results, only that none can be shown.
		p := b.chooseBasis(tok, b.labsPath(tok, labsPerson(t, h, "reserved-labs")), labs.BasisSamtykke)
		if len(testids(t, p.body, "labs-restricted")) == 0 {
			t.Error("reservation not announced")
		}
		none := testids(t, p.body, "labs-none")
		if len(none) != 1 {
			t.Fatalf("%d labs-none paragraphs; want 1", len(none))
		}
		if got, want := strings.TrimSpace(nodeText(none[0])), i18n.TL(i18n.NB, "labs.none_shown"); got != want {
			t.Errorf("empty result under a reservation says %q; want %q", got, want)
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

// emergencyForm is a complete, valid emergency form for basis.
func emergencyForm(tok, basis string) url.Values {
	return url.Values{"csrf_token": {tok}, "basis": {basis}, "reason": {"unconscious"},
		"text": {"Brought in unconscious by ambulance, no relatives reachable."}, "role": {"LE"}, "confirm": {"yes"}}
}

func TestS17_EmergencyAccess(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	number := labsPerson(t, h, "abnormal-labs")
	path := b.labsPath(tok, number)

	chooser := b.get(path)
	if len(testids(t, chooser.body, "labs-emergency-link")) != 1 {
		t.Fatal("the chooser offers no way into emergency access")
	}
	form := b.get(path + "/emergency")
	if form.StatusCode != http.StatusOK || len(testids(t, form.body, "labs-emergency-form")) != 1 {
		t.Fatalf("emergency form: status %d", form.StatusCode)
	}
	for _, basis := range []string{labs.BasisAkutt, labs.BasisForhoyetAkutt} {
		if len(testids(t, form.body, "emergency-basis-"+basis)) != 1 {
			t.Errorf("emergency form lacks %s", basis)
		}
	}

	t.Run("refused without every part", func(t *testing.T) {
		tests := []struct {
			name  string
			field string
			value string
		}{
			{"no reason", "reason", ""},
			{"reason not on the list", "reason", "bored"},
			{"free text under ten characters", "text", "akutt nå"},
			{"free text of spaces and line breaks", "text", " \r\n\t          \n"},
			{"free text too long", "text", strings.Repeat("a", 501)},
			{"no confirmation", "confirm", ""},
			{"an ordinary basis", "basis", labs.BasisSamtykke},
			{"no basis", "basis", ""},
			{"a role the user does not hold", "role", "SP"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := emergencyForm(tok, labs.BasisAkutt)
				f.Set(tt.field, tt.value)
				p := b.post(path+"/emergency", f)
				if p.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d; want 422", p.StatusCode)
				}
				if len(testids(t, p.body, "labs-emergency-errors")) != 1 || len(testids(t, p.body, "field-error")) != 1 {
					t.Errorf("want an error summary and one field message\n%s", p.body)
				}
			})
		}
		if n := countActions(h.records(), audit.ActionEmergency, audit.Granted); n != 0 {
			t.Errorf("%d emergency records after refused forms; want 0", n)
		}
		if p := b.get(path); len(testids(t, p.body, "labs-chooser")) != 1 {
			t.Error("a refused form bound a basis")
		}
		if got := h.labSim.Stats().DiagnosticReportSearch; got != 0 {
			t.Errorf("searches after refused forms: %d; want 0", got)
		}
	})

	before := len(h.records())
	opened := b.post(path+"/emergency", emergencyForm(tok, labs.BasisAkutt))
	if opened.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid form: status %d; want 303\n%s", opened.StatusCode, opened.body)
	}
	p := b.follow(opened)
	banner := testids(t, p.body, "labs-emergency-banner")
	if len(banner) != 1 {
		t.Fatalf("no emergency banner on the results\n%s", p.body)
	}
	countdown := testids(t, p.body, "labs-emergency-countdown")
	if len(countdown) != 1 || nodeText(countdown[0]) != msg("labs.emergency.banner.left", msg("labs.duration.hours", 4)) {
		t.Errorf("countdown = %q; want four hours left", nodeText(countdown[0]))
	}
	if len(testids(t, p.body, "labs-report")) == 0 {
		t.Error("emergency access shows no reports")
	}
	recs := h.records()[before:]
	if len(recs) != 2 {
		t.Fatalf("%d records for opening and view; want 2", len(recs))
	}
	open, view := recs[0], recs[1]
	wantReason := "unconscious: Brought in unconscious by ambulance, no relatives reachable."
	if open.Action != audit.ActionEmergency || open.AccessBasis != labs.BasisAkutt || open.Reason != wantReason ||
		open.Patient != number || open.Outcome != audit.Granted || open.Resource != "lab" {
		t.Errorf("opening record = %+v", open.Event)
	}
	if view.Action != "view" || view.AccessBasis != labs.BasisAkutt || !strings.HasPrefix(view.Reason, wantReason) {
		t.Errorf("view record = %+v; want the emergency basis and reason", view.Event)
	}
	pending, err := audit.PendingReviews(t.Context(), h.audit)
	if err != nil || len(pending) != 1 || pending[0].Seq != open.Seq {
		t.Errorf("review queue = %v, %v; want the opening", pending, err)
	}

	// Bound to this patient only.
	other := ""
	for _, ps := range h.pop.Where("labs", 5) {
		if n := numberOf(t, ps); n != number {
			other = n
			break
		}
	}
	otherPath := b.labsPath(tok, other)
	if p := b.get(otherPath); len(testids(t, p.body, "labs-chooser")) != 1 {
		t.Error("emergency access carried over to another patient")
	}

	// The window: 4 hours, counted down; the session is kept alive meanwhile.
	for range 11 {
		h.clock.Advance(20 * time.Minute)
		if got := b.get("/me").StatusCode; got != http.StatusOK {
			t.Fatalf("keeping the session alive: status %d", got)
		}
	}
	h.clock.Advance(19 * time.Minute)
	p = b.get(path)
	if c := testids(t, p.body, "labs-emergency-countdown"); len(c) != 1 || nodeText(c[0]) != msg("labs.emergency.banner.left", msg("labs.duration.minutes", 1)) {
		t.Errorf("one minute before the end: countdown %v", c)
	}
	h.clock.Advance(2 * time.Minute)
	if p := b.get(path); len(testids(t, p.body, "labs-chooser")) != 1 || len(testids(t, p.body, "labs-emergency-banner")) != 0 {
		t.Error("emergency access outlived its window")
	}

	t.Run("ended early", func(t *testing.T) {
		b.post(path+"/emergency", emergencyForm(tok, labs.BasisAkutt))
		end := b.post(path+"/end", url.Values{"csrf_token": {tok}})
		if end.StatusCode != http.StatusSeeOther {
			t.Fatalf("end: status %d; want 303", end.StatusCode)
		}
		if p := b.follow(end); len(testids(t, p.body, "labs-chooser")) != 1 {
			t.Error("ending did not end the access")
		}
		if n := countActions(h.records(), "access_basis_end", audit.Success); n != 1 {
			t.Errorf("%d access_basis_end records; want 1", n)
		}
	})

	t.Run("elevated emergency opens blocked results", func(t *testing.T) {
		restricted := ""
		for _, ps := range h.pop.Where("restricted-labs", 50) {
			n := numberOf(t, ps)
			if rec, ok := h.pop.Lab(n); ok && (rec.Restriction.Kind == labsim.Specific || rec.Restriction.Kind == labsim.General) {
				restricted = n
				break
			}
		}
		if restricted == "" {
			t.Skip("no blocked (not reserved) lab person in the test population")
		}
		rp := b.labsPath(tok, restricted)
		p := b.follow(b.post(rp+"/emergency", emergencyForm(tok, labs.BasisForhoyetAkutt)))
		if len(testids(t, p.body, "labs-restricted")) != 0 {
			t.Error("FORHOYET_AKUTT still announces blocked results")
		}
		if len(testids(t, p.body, "labs-emergency-banner")) != 1 {
			t.Error("no banner under FORHOYET_AKUTT")
		}
	})
}

func TestF10_LabsPrintIsStampedAndAudited(t *testing.T) {
	sw := &switchable{}
	h := newHarness(t, withSwitchableAudit(sw))
	b, tok := clinician(t, h)
	number := labsPerson(t, h, "abnormal-labs")
	path := b.labsPath(tok, number)
	if p := b.get(path + "/print"); len(testids(t, p.body, "labs-chooser")) != 1 {
		t.Error("print without a basis: want the chooser")
	}
	results := b.chooseBasis(tok, path, labs.BasisSamtykke)
	if len(testids(t, results.body, "labs-print-link")) != 1 {
		t.Fatal("no print link on the results")
	}
	before := len(h.records())
	p := b.get(path + "/print")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("print: status %d", p.StatusCode)
	}
	stamp := testids(t, p.body, "labs-stamp")
	if len(stamp) != 1 {
		t.Fatal("print view has no stamp")
	}
	text := nodeText(stamp[0])
	for _, want := range []string{"Ingrid Marie Haugland", "565501872", msg("labs.basis.samtykke")} {
		if !strings.Contains(text, want) {
			t.Errorf("stamp %q lacks %q", text, want)
		}
	}
	if len(testids(t, p.body, "labs-report")) == 0 {
		t.Error("print view shows no reports")
	}
	recs := h.records()[before:]
	if len(recs) != 1 || recs[0].Action != "print" || recs[0].AccessBasis != labs.BasisSamtykke || recs[0].Patient != number {
		t.Fatalf("records for a print = %+v; want one print record", recs)
	}
	if !strings.Contains(text, recs[0].CorrelationID) {
		t.Error("stamp does not carry the print's correlation id")
	}

	sw.fail.Store(true)
	p = b.get(path + "/print")
	if p.StatusCode != http.StatusServiceUnavailable || len(testids(t, p.body, "labs-row")) != 0 {
		t.Errorf("print with a failing audit: status %d, %d rows; want 503 and none", p.StatusCode, len(testids(t, p.body, "labs-row")))
	}
}

func TestS32_LabsUpstreamHangsCutAtDeadline(t *testing.T) {
	const deadline = 300 * time.Millisecond
	h := newHarness(t, withUpstreamTimeout(deadline))
	b, tok := clinician(t, h)
	path := b.labsPath(tok, labsPerson(t, h, "labs"))
	h.labSim.SetFault(labsim.Fault{Latency: 30 * time.Second})
	defer h.labSim.SetFault(labsim.Fault{})
	start := time.Now()
	p := b.chooseBasis(tok, path, labs.BasisSamtykke)
	if elapsed := time.Since(start); elapsed > deadline+500*time.Millisecond {
		t.Errorf("answered after %v; want within %v", elapsed, deadline+500*time.Millisecond)
	}
	if !strings.Contains(p.body, msg("error.labs.timeout.message")) {
		t.Errorf("no timeout message:\n%s", p.body)
	}
	recs := h.records()
	if v := recs[len(recs)-1]; v.Action != "view" || v.Outcome != audit.UpstreamError {
		t.Errorf("view record = %+v; want upstream_error", v.Event)
	}
}

func TestS33_LabsMalformedNeverPartial(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	path := b.labsPath(tok, labsPerson(t, h, "abnormal-labs"))
	b.chooseBasis(tok, path, labs.BasisSamtykke)
	for _, kind := range []string{labsim.MalformedTruncated, labsim.MalformedWrongContentType, labsim.MalformedEmpty,
		labsim.MalformedOversized, labsim.MalformedNotBundle} {
		t.Run(kind, func(t *testing.T) {
			h.labSim.SetFault(labsim.Fault{Malformed: kind})
			defer h.labSim.SetFault(labsim.Fault{})
			p := b.get(path)
			if p.StatusCode != http.StatusOK {
				t.Errorf("status %d; want 200 with the error in the page", p.StatusCode)
			}
			if len(testids(t, p.body, "labs-row")) != 0 {
				t.Error("partial results shown from a malformed answer")
			}
			if len(testids(t, p.body, "error")) != 1 {
				t.Error("no plain error message")
			}
		})
	}
	// A page after the first failing still fails the whole answer.
	h.labSim.SetFault(labsim.Fault{Status: http.StatusBadGateway, MinSkip: 1})
	defer h.labSim.SetFault(labsim.Fault{})
	p := b.get(path)
	if len(testids(t, p.body, "labs-row")) != 0 && len(testids(t, p.body, "error")) != 0 {
		t.Error("rows shown next to an error")
	}
}

func TestF8_LabsTrendFromTheResults(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	number := labsPerson(t, h, "abnormal-labs")
	path := b.labsPath(tok, number)
	results := b.chooseBasis(tok, path, labs.BasisUnntak)
	links := testids(t, results.body, "labs-trend-link")
	if len(links) == 0 {
		t.Fatal("no trend link on the results")
	}
	href := ""
	for _, a := range links[0].Attr {
		if a.Key == "href" {
			href = a.Val
		}
	}
	before := len(h.records())
	p := b.get(href)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("trend: status %d", p.StatusCode)
	}
	if len(testids(t, p.body, "labs-trend-table")) != 1 || len(testids(t, p.body, "labs-trend-row")) == 0 {
		t.Error("trend without its table twin")
	}
	for _, key := range []string{"1m", "1y", "5y", "all"} {
		if len(testids(t, p.body, "labs-trend-range-"+key)) != 1 {
			t.Errorf("no %s range link", key)
		}
	}
	if len(testids(t, p.body, "labs-trend-chart")) != 1 && len(testids(t, p.body, "labs-trend-empty")) != 1 {
		t.Error("neither a chart nor a word on why there is none")
	}
	all := b.get(href + "&range=all")
	if len(testids(t, all.body, "labs-trend-chart")) != 1 {
		t.Error("no chart over the whole history")
	}
	recs := h.records()[before:]
	if len(recs) != 2 || recs[0].Action != "trend" || recs[0].Patient != number || recs[0].AccessBasis != labs.BasisUnntak {
		t.Errorf("records for two trend views = %+v; want two trend records", recs)
	}
}

func TestF8_LabsResultsPeriod(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	// A patient with reports both in the last year and before it.
	var path string
	var all *page
	for _, ps := range h.pop.Where("abnormal-labs", 40) {
		n := numberOf(t, ps)
		pth := b.labsPath(tok, n)
		b.chooseBasis(tok, pth, labs.BasisUnntak)
		p := b.get(pth + "?range=all")
		if len(testids(t, p.body, "labs-day")) >= 3 {
			path, all = pth, p
			break
		}
	}
	if all == nil {
		t.Fatal("no abnormal-labs patient with reports on three days")
	}
	if len(testids(t, all.body, "labs-older")) != 0 {
		t.Error("the whole history still says older reports are left out")
	}
	days := len(testids(t, all.body, "labs-day"))

	t.Run("default is the last year, and says what it leaves out", func(t *testing.T) {
		p := b.get(path)
		current := 0
		for _, key := range []string{"1m", "1y", "5y", "all"} {
			links := testids(t, p.body, "labs-range-"+key)
			if len(links) != 1 {
				t.Fatalf("no %s period link", key)
			}
			if attr(links[0], "aria-current") == "page" {
				current++
				if key != "1y" && key != "all" {
					t.Errorf("default period %s; want 1y or all", key)
				}
			}
		}
		if current != 1 {
			t.Errorf("%d current periods; want 1", current)
		}
		shown := len(testids(t, p.body, "labs-day"))
		older := testids(t, p.body, "labs-older")
		if shown < days && (len(older) != 1 || len(testids(t, p.body, "labs-older-all")) != 1) {
			t.Errorf("%d of %d days shown without saying older reports are left out, with a way to show them", shown, days)
		}
		if shown == 0 {
			t.Error("the default period shows nothing")
		}
	})
	t.Run("one month", func(t *testing.T) {
		p := b.get(path + "?range=1m")
		if p.StatusCode != http.StatusOK {
			t.Fatalf("status %d", p.StatusCode)
		}
		if shown := len(testids(t, p.body, "labs-day")); shown >= days {
			t.Errorf("one month shows %d days of %d", shown, days)
		}
		if len(testids(t, p.body, "labs-older")) != 1 {
			t.Error("older reports left out without saying so")
		}
		if len(testids(t, p.body, "labs-none")) != 0 {
			t.Error("a quiet month reads as 'no lab results'")
		}
		print := testids(t, p.body, "labs-print-link")
		if len(print) != 1 || !strings.HasSuffix(attr(print[0], "href"), "/labs/print?range=1m") {
			t.Error("the print link does not print the period shown")
		}
	})
	t.Run("unknown period is refused before anything is fetched", func(t *testing.T) {
		before := len(h.records())
		p := b.get(path + "?range=decade")
		if p.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d; want 400", p.StatusCode)
		}
		if n := len(h.records()) - before; n != 0 {
			t.Errorf("%d audit records for a refused period; want none", n)
		}
		if p := b.get(path + "/print?range=decade"); p.StatusCode != http.StatusBadRequest {
			t.Errorf("print: status %d; want 400", p.StatusCode)
		}
	})
}

func TestF14_LabsRequesterLinksToTheirHPRCard(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	p := b.chooseBasis(tok, b.labsPath(tok, labsPerson(t, h, "labs")), labs.BasisUnntak)
	links := testids(t, p.body, "labs-requester-link")
	if len(links) == 0 {
		t.Fatal("no requester links to HPR on the results")
	}
	href := attr(links[0], "href")
	if !strings.HasPrefix(href, "/hpr/") {
		t.Fatalf("requester link %q; want /hpr/<number>", href)
	}
	card := b.get(href)
	if card.StatusCode != http.StatusOK {
		t.Fatalf("requester's card: status %d", card.StatusCode)
	}
	if name := strings.TrimSpace(nodeText(links[0])); !strings.Contains(card.body, name) {
		t.Errorf("the card at %s is not %q's", href, name)
	}
}

// TestHardening_OneMessagePerCause: a refusal is not an outage. A lab
// service that refuses the token says it refused (and the audit says
// denied); an HPR card shown from the register copy while the portal holds
// back for HPR's rate limit says HPR was not asked, not that HPR is down.
func TestHardening_OneMessagePerCause(t *testing.T) {
	t.Run("labs refusal", func(t *testing.T) {
		h := newHarness(t)
		b, tok := clinician(t, h)
		number := labsPerson(t, h, "labs")
		path := b.labsPath(tok, number)
		h.labSim.SetFault(labsim.Fault{Status: http.StatusUnauthorized})
		p := b.chooseBasis(tok, path, labs.BasisSamtykke)
		if !strings.Contains(p.body, msg("error.labs.refused.title")) || strings.Contains(p.body, msg("error.labs.upstream.title")) {
			t.Errorf("a 401 from the lab service is not reported as a refusal:\n%s", p.body)
		}
		recs := h.records()
		if v := recs[len(recs)-1]; v.Outcome != audit.Denied {
			t.Errorf("view record outcome %s; want denied", v.Outcome)
		}
	})
	t.Run("HPR held back by the rate limit", func(t *testing.T) {
		h := newHarness(t, withHPRBucket(1), withHPRIndex())
		b, _ := hprUser(t, h, "admin")
		var numbers []int
		h.pop.EachPersonnel(func(p hprPersonnel) bool {
			numbers = append(numbers, p.HPRNumber)
			return len(numbers) < 3
		})
		limitedSeen := false
		for _, n := range numbers {
			p := b.get("/hpr/" + strconv.Itoa(n))
			if strings.Contains(p.body, msg("hpr.stale", "")[:10]) {
				t.Errorf("card %d says HPR is not answering although HPR was not asked", n)
			}
			limitedSeen = limitedSeen || strings.Contains(p.body, "HPR ble ikke spurt")
		}
		if !limitedSeen {
			t.Error("no card said it was held back by the rate limit")
		}
	})
}

// within is the nodes under n with data-testid id.
func within(n *html.Node, id string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && attr(n, "data-testid") == id {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// hrefOf is the href of the one element with data-testid id.
func hrefOf(t *testing.T, body, id string) string {
	t.Helper()
	ns := testids(t, body, id)
	if len(ns) != 1 {
		t.Fatalf("%d %s; want 1", len(ns), id)
	}
	return attr(ns[0], "href")
}

// flagWords are the words a deviation flag may end in.
func flagWords() []string {
	return []string{msg("labs.flag.h"), msg("labs.flag.hh"), msg("labs.flag.l"), msg("labs.flag.ll"), msg("labs.flag.a"), msg("labs.flag.o")}
}

func hasFlagWord(s string) bool {
	for _, w := range flagWords() {
		if strings.HasSuffix(s, " "+w) {
			return true
		}
	}
	return false
}

// TestIssue12_LabsSheet: the cumulative sheet is the results page's second
// view, behind the same gate and the same one audit record; dates are
// columns, newest first, and every flag is a symbol with its word.
func TestIssue12_LabsSheet(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	number := labsPerson(t, h, "abnormal-labs")
	path := b.labsPath(tok, number)
	if p := b.get(path + "?view=sheet"); p.StatusCode != http.StatusForbidden || len(testids(t, p.body, "labs-chooser")) != 1 {
		t.Fatalf("sheet without a basis: status %d; want 403 with the chooser", p.StatusCode)
	}
	reports := b.chooseBasis(tok, path, labs.BasisSamtykke)
	sheetURL := hrefOf(t, reports.body, "labs-view-sheet")
	if !strings.Contains(sheetURL, "view=sheet") || !strings.HasPrefix(sheetURL, path+"?") {
		t.Fatalf("sheet tab links to %q", sheetURL)
	}
	if cur := testids(t, reports.body, "labs-view-reports"); len(cur) != 1 || attr(cur[0], "aria-current") != "page" {
		t.Error("the reports tab is not marked current on the reports view")
	}
	before := len(h.records())
	p := b.get(sheetURL + "&range=all")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("sheet: status %d", p.StatusCode)
	}
	if recs := h.records()[before:]; len(recs) != 1 || recs[0].Action != "view" || recs[0].Patient != number || recs[0].Outcome != audit.Granted {
		t.Errorf("records for the sheet = %+v; want one granted view", recs)
	}
	if cur := testids(t, p.body, "labs-view-sheet"); len(cur) != 1 || attr(cur[0], "aria-current") != "page" {
		t.Error("the sheet tab is not marked current on the sheet")
	}
	if n := len(testids(t, p.body, "labs-report")); n != 0 {
		t.Errorf("%d report cards on the sheet; want 0", n)
	}
	tables := testids(t, p.body, "labs-sheet-table")
	if len(tables) != 1 {
		t.Fatalf("%d sheet tables; want 1", len(tables))
	}
	if scroll := testids(t, p.body, "labs-sheet-scroll"); len(scroll) != 1 || attr(scroll[0], "tabindex") != "0" || attr(scroll[0], "role") != "region" {
		t.Error("the sheet does not scroll in a keyboard-reachable region")
	}
	cols := within(tables[0], "labs-sheet-column")
	if len(cols) < 2 {
		t.Fatalf("%d columns; want the patient's sampling times", len(cols))
	}
	var prev time.Time
	for i, c := range cols {
		var at time.Time
		for n := c.FirstChild; n != nil; n = n.NextSibling {
			if n.Type == html.ElementNode && n.Data == "time" {
				at, _ = time.Parse(time.RFC3339, attr(n, "datetime"))
			}
		}
		if at.IsZero() {
			continue // undated, last
		}
		if i > 0 && at.After(prev) {
			t.Errorf("column %d (%v) is newer than the one before (%v): want newest first", i, at, prev)
		}
		prev = at
	}
	groups := within(tables[0], "labs-sheet-group")
	if len(groups) == 0 {
		t.Fatal("no panel groups in the sheet")
	}
	rows := within(tables[0], "labs-sheet-row")
	for _, r := range rows {
		cells := 0
		for c := r.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "td" {
				cells++
			}
		}
		if cells != len(cols) {
			t.Fatalf("a row has %d cells for %d columns", cells, len(cols))
		}
	}
	flags := within(tables[0], "labs-sheet-flag")
	if len(flags) == 0 {
		t.Fatal("no flag in the sheet of an abnormal-labs person")
	}
	for _, f := range flags {
		if got := nodeText(f); !hasFlagWord(got) {
			t.Errorf("sheet flag %q: not a symbol with its word", got)
		}
	}
	if len(testids(t, p.body, "labs-trend-link")) == 0 {
		t.Error("no trend link from the sheet's rows")
	}
	if got := b.get(path + "?view=table").StatusCode; got != http.StatusBadRequest {
		t.Errorf("unknown view: status %d; want 400", got)
	}
	if got := b.get(path + "?abnormal=yes").StatusCode; got != http.StatusBadRequest {
		t.Errorf("unknown filter value: status %d; want 400", got)
	}
	print := b.get(hrefOf(t, p.body, "labs-print-link"))
	if print.StatusCode != http.StatusOK || len(testids(t, print.body, "labs-sheet-table")) != 1 || len(testids(t, print.body, "labs-stamp")) != 1 {
		t.Errorf("print of the sheet: status %d; want the stamped sheet", print.StatusCode)
	}
}

// TestIssue12_OnlyAbnormal: the filter on both views, and the summary of
// the latest deviation of each analysis with its date.
func TestIssue12_OnlyAbnormal(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	path := b.labsPath(tok, labsPerson(t, h, "abnormal-labs"))
	all := b.chooseBasis(tok, path, labs.BasisSamtykke)

	entries := testids(t, all.body, "labs-summary-entry")
	if len(entries) == 0 {
		t.Fatal("no summary of deviations for an abnormal-labs person")
	}
	for _, e := range entries {
		f, d := within(e, "labs-flag"), within(e, "labs-summary-date")
		if len(f) != 1 || !hasFlagWord(nodeText(f[0])) {
			t.Errorf("summary entry %q: no flag with its word", nodeText(e))
		}
		if len(d) != 1 || nodeText(d[0]) == "" {
			t.Errorf("summary entry %q: no date", nodeText(e))
		}
	}

	t.Run("reports", func(t *testing.T) {
		p := b.get(hrefOf(t, all.body, "labs-abnormal-toggle"))
		if p.StatusCode != http.StatusOK || len(testids(t, p.body, "labs-abnormal-on")) != 1 {
			t.Fatalf("only abnormal: status %d, no notice", p.StatusCode)
		}
		if got, want := len(testids(t, p.body, "labs-report")), len(testids(t, all.body, "labs-report")); got == 0 || got >= want {
			t.Errorf("%d reports with the filter, %d without; want fewer, not none", got, want)
		}
		for _, r := range testids(t, p.body, "labs-row") {
			panel := false
			for n := r.FirstChild; n != nil; n = n.NextSibling {
				if n.Type == html.ElementNode && n.Data == "th" {
					panel = strings.Contains(renderNode(n), "<strong>")
				}
			}
			if attr(r, "data-flag") == "" && !panel {
				t.Errorf("row %q without a flag under only abnormal", nodeText(r))
			}
		}
		if !strings.Contains(hrefOf(t, p.body, "labs-view-sheet"), "abnormal=1") {
			t.Error("the sheet tab drops the filter")
		}
		back := b.get(hrefOf(t, p.body, "labs-abnormal-toggle"))
		if len(testids(t, back.body, "labs-abnormal-on")) != 0 || len(testids(t, back.body, "labs-report")) != len(testids(t, all.body, "labs-report")) {
			t.Error("turning the filter off does not show every report again")
		}
	})
	t.Run("sheet", func(t *testing.T) {
		p := b.get(path + "?range=all&view=sheet&abnormal=1")
		if p.StatusCode != http.StatusOK || len(testids(t, p.body, "labs-abnormal-on")) != 1 {
			t.Fatalf("sheet, only abnormal: status %d", p.StatusCode)
		}
		rows := testids(t, p.body, "labs-sheet-row")
		if len(rows) == 0 {
			t.Fatal("no rows")
		}
		for _, r := range rows {
			if len(within(r, "labs-sheet-flag")) == 0 {
				t.Errorf("row %q without a deviation under only abnormal", nodeText(r))
			}
		}
	})
}

// TestIssue12_RestrictedUnderEmergency: under AKUTT the restriction notice
// offers FORHOYET_AKUTT, not consent; once FORHOYET_AKUTT opens them, the
// reports the patient restricted are marked.
func TestIssue12_RestrictedUnderEmergency(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	for _, kind := range []labsim.RestrictionKind{labsim.Specific, labsim.General} {
		t.Run(kind.String(), func(t *testing.T) {
			number := ""
			var rec labsim.Record
			for _, ps := range h.pop.Where("restricted-labs", 200) {
				n := numberOf(t, ps)
				if r, ok := h.pop.Lab(n); ok && r.Restriction.Kind == kind && len(r.Reports) > 0 {
					number, rec = n, r
					break
				}
			}
			if number == "" {
				t.Skipf("no %s person in the test population", kind)
			}
			path := b.labsPath(tok, number)
			p := b.follow(b.post(path+"/emergency", emergencyForm(tok, labs.BasisAkutt)))
			notices := testids(t, p.body, "labs-restricted")
			if len(notices) != 1 {
				t.Fatalf("%d restriction notices under AKUTT; want 1", len(notices))
			}
			if text := nodeText(notices[0]); strings.Contains(text, msg("labs.restricted."+strings.ToLower(kind.String())+".opens")) ||
				!strings.Contains(text, msg("labs.restricted.opens_emergency")) {
				t.Errorf("notice under AKUTT = %q; want FORHOYET_AKUTT offered, not consent", text)
			}
			elevate := hrefOf(t, p.body, "labs-restricted-elevate")
			if elevate != path+"/emergency?basis="+labs.BasisForhoyetAkutt {
				t.Errorf("elevate link = %q", elevate)
			}
			form := b.get(elevate)
			if radios := testids(t, form.body, "emergency-basis-"+labs.BasisForhoyetAkutt); len(radios) != 1 || !hasAttr(radios[0], "checked") {
				t.Error("the emergency form does not come with FORHOYET_AKUTT chosen")
			}

			before := len(h.records())
			opened := b.follow(b.post(path+"/emergency", emergencyForm(tok, labs.BasisForhoyetAkutt)))
			want := len(rec.Reports)
			if kind == labsim.Specific {
				want = len(rec.Restriction.Blocked)
			}
			if got := len(testids(t, opened.body, "labs-report-restricted")); got != want {
				t.Errorf("%d reports marked restricted; want %d (of %d shown)", got, want, len(testids(t, opened.body, "labs-report")))
			}
			for _, r := range testids(t, opened.body, "labs-report") {
				if hasAttr(r, "data-restricted") != (len(within(r, "labs-report-restricted")) == 1) {
					t.Error("a report's mark and its words disagree")
				}
			}
			if n := len(testids(t, opened.body, "labs-opened")); n != 1 {
				t.Errorf("%d notices of opened reports; want 1", n)
			}
			recs := h.records()[before:]
			if v := recs[len(recs)-1]; v.Action != "view" || v.AccessBasis != labs.BasisForhoyetAkutt ||
				!strings.Contains(v.Reason, "compared with "+labs.BasisAkutt) {
				t.Errorf("view record = %+v; want the comparison named", v.Event)
			}
			sheet := b.get(path + "?range=all&view=sheet")
			if len(testids(t, sheet.body, "labs-sheet-restricted")) == 0 || len(testids(t, sheet.body, "labs-sheet-restricted-legend")) != 1 {
				t.Error("the sheet does not mark the restricted columns")
			}
			// The trend of an analysis in a restricted report marks the
			// results that came from such reports, as the reports do.
			var trendURL string
			for _, r := range testids(t, opened.body, "labs-report") {
				if links := within(r, "labs-trend-link"); hasAttr(r, "data-restricted") && len(links) > 0 {
					trendURL = attr(links[0], "href")
					break
				}
			}
			if trendURL == "" {
				t.Fatal("no trend link in a restricted report")
			}
			tr := b.get(trendURL)
			if tr.StatusCode != http.StatusOK {
				t.Fatalf("trend: status %d", tr.StatusCode)
			}
			if len(testids(t, tr.body, "labs-trend-restricted")) == 0 || len(testids(t, tr.body, "labs-trend-restricted-legend")) != 1 {
				t.Error("the trend does not mark the results from restricted reports")
			}
			if len(testids(t, tr.body, "labs-trend-chart")) == 1 && !strings.Contains(tr.body, ", "+msg("labs.trend.restricted")+"</title>") {
				t.Error("no chart point's label says its result was restricted")
			}
			b.post(path+"/end", url.Values{"csrf_token": {tok}})
		})
	}
	t.Run("under consent the notice asks for consent", func(t *testing.T) {
		number := labsPerson(t, h, "restricted-labs")
		p := b.chooseBasis(tok, b.labsPath(tok, number), labs.BasisSamtykke)
		if len(testids(t, p.body, "labs-restricted")) > 0 && len(testids(t, p.body, "labs-restricted-elevate")) != 0 {
			t.Error("a consent basis is offered the emergency basis")
		}
	})
}

// TestIssue12_EndAccessConfirms: ending an emergency access ends on a
// confirmation, not on a refusal that reads as if the choice had lapsed.
func TestIssue12_EndAccessConfirms(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	path := b.labsPath(tok, labsPerson(t, h, "abnormal-labs"))
	b.post(path+"/emergency", emergencyForm(tok, labs.BasisAkutt))
	end := b.post(path+"/end", url.Values{"csrf_token": {tok}})
	if end.StatusCode != http.StatusSeeOther {
		t.Fatalf("end: status %d; want 303", end.StatusCode)
	}
	p := b.follow(end)
	if p.StatusCode != http.StatusOK {
		t.Errorf("after ending: status %d; want 200", p.StatusCode)
	}
	if n := len(testids(t, p.body, "labs-ended")); n != 1 {
		t.Errorf("%d confirmations; want 1", n)
	}
	if strings.Contains(p.body, msg("labs.chooser.required")) {
		t.Error("the confirmation says the choice may have expired")
	}
	if n := len(testids(t, p.body, "labs-chooser")); n != 1 {
		t.Error("no way back in after ending")
	}
	// The confirmation is never shown while a basis is bound.
	b.bindBasis(tok, path, labs.BasisSamtykke)
	if p := b.get(path + "/basis?ended=1"); len(testids(t, p.body, "labs-ended")) != 0 {
		t.Error("a link claims an ending while a basis is bound")
	}
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func renderNode(n *html.Node) string {
	var sb strings.Builder
	_ = html.Render(&sb, n)
	return sb.String()
}
