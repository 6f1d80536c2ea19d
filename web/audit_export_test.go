package web

import (
	"bufio"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/auditevent"
	"github.com/oppslag/oppslag/clients/labs"
)

// The auditor's export (F20, issue 13 item 5) through the real portal: a
// doctor's lookup and emergency opening earlier the same day come out as
// AuditEvents, and the export is itself recorded. The role table of every
// /audit route is in audit_test.go.

func TestAuditExportThroughThePortal(t *testing.T) {
	h := newHarness(t)
	doctor, tok := clinician(t, h)
	number := labsPerson(t, h, "abnormal-labs")
	path := doctor.labsPath(tok, number)
	if p := doctor.post(path+"/emergency", emergencyForm(tok, labs.BasisAkutt)); p.StatusCode >= 400 {
		t.Fatalf("emergency opening: status %d", p.StatusCode)
	}
	auditor := h.browser()
	auditor.login("auditor")
	before := len(h.records())

	p := auditor.get("/audit/export.ndjson?resource=lab&from=2026-11-21")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d; want 200", p.StatusCode)
	}
	if got := p.Header.Get("Content-Type"); got != "application/x-ndjson" {
		t.Errorf("Content-Type: got %q", got)
	}
	if got := p.Header.Get("Content-Disposition"); !strings.HasPrefix(got, "attachment;") {
		t.Errorf("Content-Disposition: got %q, want an attachment", got)
	}
	if got := p.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", got)
	}

	var subtypes []string
	emergency := 0
	sc := bufio.NewScanner(strings.NewReader(p.body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if err := auditevent.Validate(sc.Bytes()); err != nil {
			t.Errorf("line %s: %v", sc.Text(), err)
		}
		var e auditevent.AuditEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		subtypes = append(subtypes, e.Subtype[0].Code)
		if e.Subtype[0].Code == "lab."+audit.ActionEmergency {
			emergency++
			if e.Meta == nil || !slices.Contains(e.Meta.Profile, auditevent.Profile) {
				t.Errorf("the emergency opening does not claim the profile")
			}
			if !strings.Contains(sc.Text(), `"value":"`+number+`"`) || !strings.Contains(sc.Text(), `"ETREAT"`) {
				t.Errorf("the emergency opening does not name its patient and purpose: %s", sc.Text())
			}
		}
	}
	if emergency != 1 {
		t.Errorf("%d emergency openings in the export, want 1; got %v", emergency, subtypes)
	}
	for _, s := range subtypes {
		if !strings.HasPrefix(s, "lab.") {
			t.Errorf("%s is in an export of resource lab", s)
		}
	}

	recs := h.records()[before:]
	if len(recs) != 1 || recs[0].Resource != "audit" || recs[0].Action != "export" ||
		recs[0].Reason != "from=2026-11-21&resource=lab&to=2026-11-21" {
		t.Errorf("the export's own records: %+v", recs)
	}
	if strings.Contains(h.logs.String(), number) {
		t.Errorf("an identity number reached the logs")
	}
}

func TestAuditExportRefusesAPatientInTheQuery(t *testing.T) {
	h := newHarness(t)
	auditor := h.browser()
	auditor.login("auditor")
	before := len(h.records())
	p := auditor.get("/audit/export.ndjson?user=12057900499")
	if p.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d; want 400", p.StatusCode)
	}
	if strings.Contains(p.body, "12057900499") {
		t.Errorf("the refusal echoes the number")
	}
	if n := countActions(h.records()[before:], "export", audit.Success); n != 0 {
		t.Errorf("a refused export was recorded as %d exports", n)
	}
}
