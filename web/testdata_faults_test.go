package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/simfault"
	"github.com/oppslag/oppslag/views/i18n"
	"golang.org/x/net/html"
)

// withFaults puts the fault layer in front of the Person API simulator and
// gives the portal its panel, as the demo does when every upstream is
// simulated.
func withFaults() harnessOption {
	return func(h *harness, cfg *Config) {
		if cfg.Faults == nil {
			cfg.Faults = simfault.NewRegistry(h.clock.Now)
		}
		reg := cfg.Faults
		h.personFront = func(sim http.Handler) http.Handler { return reg.Wrap(simfault.Person, sim) }
	}
}

// faultForm is the panel's form with the CSRF token and the given fields.
func faultForm(tok string, kv ...string) url.Values {
	v := url.Values{"csrf_token": {tok}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// bandFaultID is the id the band's first clear button sends.
func bandFaultID(t *testing.T, body string) string {
	t.Helper()
	forms := testids(t, body, "fault-clear")
	if len(forms) == 0 {
		t.Fatal("the band has no clear button")
	}
	for c := forms[0].FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "input" && faultAttrIs(c, "name", "id") {
			v, _ := attrOf(c, "value")
			return v
		}
	}
	t.Fatal("the clear button sends no id")
	return ""
}

// faultAttrIs reports whether n has attribute key with value val.
func faultAttrIs(n *html.Node, key, val string) bool {
	v, ok := attrOf(n, key)
	return ok && v == val
}

func TestF19_FaultPanel(t *testing.T) {
	h := newHarness(t, withFaults())
	b, tok := clinician(t, h)
	subject := someone(t, h, "reserved")
	path := personPath(b.open(tok, numberOf(t, subject)))

	panel := b.get("/testdata/faults")
	if panel.StatusCode != http.StatusOK || len(testids(t, panel.body, "faults-none")) != 1 {
		t.Fatalf("panel: status %d; want 200 with no faults", panel.StatusCode)
	}
	if len(testids(t, panel.body, "fault-band")) != 0 {
		t.Error("a fault band with no fault in force")
	}

	// A Person API 503 for KRR only, set through the form.
	before := len(h.records())
	p := b.post("/testdata/faults", faultForm(tok, "upstream", "person", "kind", "503",
		"route", "CommonContactRegisterInformation", "retry_after", "60", "duration", "5m"))
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/testdata/faults" {
		t.Fatalf("add: status %d to %q; want 303 to the panel", p.StatusCode, p.Header.Get("Location"))
	}
	recs := h.records()[before:]
	if len(recs) != 1 || recs[0].Resource != "testdata" || recs[0].Action != "fault_set" || recs[0].Outcome != audit.Success ||
		!strings.Contains(recs[0].Reason, "person 503") {
		t.Errorf("audit after add: %+v; want one testdata fault_set", recs)
	}
	panel = b.follow(p)
	if items := testids(t, panel.body, "faults-item"); len(items) != 1 {
		t.Fatalf("%d faults listed; want 1", len(items))
	}

	t.Run("one panel degrades, the band says why", func(t *testing.T) {
		p := b.get(path)
		if p.StatusCode != http.StatusOK {
			t.Fatalf("overview: status %d; want 200", p.StatusCode)
		}
		if krr := panelText(t, p.body, "krr"); !strings.Contains(krr, msg("error.person.upstream.title")) {
			t.Errorf("KRR panel does not say the Person API is down: %q", krr)
		}
		for _, id := range []string{"identity", "names", "addresses", "family"} {
			if text := panelText(t, p.body, id); strings.Contains(text, msg("error.reference", "")) {
				t.Errorf("panel %s fails with KRR: %q", id, text)
			}
		}
		band := testids(t, p.body, "fault-band")
		if len(band) != 1 {
			t.Fatalf("%d fault bands; want 1", len(band))
		}
		text := nodeText(band[0])
		until := h.clock.Now().Add(5 * time.Minute)
		for _, want := range []string{msg("faults.band.title"), msg("faults.upstream.person"), msg("faults.kind.503"),
			msg("faults.scope.route", "CommonContactRegisterInformation"), msg("faults.until", i18n.Clock(i18n.NB, until))} {
			if !strings.Contains(text, want) {
				t.Errorf("band %q does not say %q", text, want)
			}
		}
	})

	t.Run("refused forms", func(t *testing.T) {
		for _, c := range []struct {
			name string
			form url.Values
		}{
			{"unknown part", faultForm(tok, "upstream", "person", "kind", "503", "route", "Shoe size", "duration", "5m")},
			{"nonce for HPR", faultForm(tok, "upstream", "hpr", "kind", "dpop-nonce", "duration", "5m")},
			{"latency not a number", faultForm(tok, "upstream", "labs", "kind", "latency", "latency_ms", "soon", "duration", "5m")},
			{"unknown duration", faultForm(tok, "upstream", "labs", "kind", "500", "duration", "1y")},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := len(h.records())
				p := b.post("/testdata/faults", c.form)
				if p.StatusCode != http.StatusUnprocessableEntity || len(testids(t, p.body, "faults-error")) != 1 {
					t.Errorf("status %d; want 422 with a message", p.StatusCode)
				}
				if got := len(h.records()) - before; got != 0 {
					t.Errorf("%d records for a refused form; want 0", got)
				}
			})
		}
		if n := len(testids(t, b.get("/testdata/faults").body, "faults-item")); n != 1 {
			t.Errorf("%d faults after refused forms; want still 1", n)
		}
	})

	t.Run("clear from the band", func(t *testing.T) {
		id := bandFaultID(t, b.get(path).body)
		before := len(h.records())
		p := b.post("/testdata/faults/clear", faultForm(tok, "id", id))
		if p.StatusCode != http.StatusSeeOther {
			t.Fatalf("clear: status %d; want 303", p.StatusCode)
		}
		if recs := h.records()[before:]; len(recs) != 1 || recs[0].Action != "fault_clear" {
			t.Errorf("audit after clear: %+v; want one fault_clear", recs)
		}
		p = b.get(path)
		if len(testids(t, p.body, "fault-band")) != 0 {
			t.Error("the band stays after the fault is cleared")
		}
		if krr := panelText(t, p.body, "krr"); strings.Contains(krr, msg("error.person.upstream.title")) {
			t.Errorf("KRR still failing after clear: %q", krr)
		}
	})

	t.Run("a fault for a while ends by itself", func(t *testing.T) {
		p := b.post("/testdata/faults", faultForm(tok, "upstream", "labs", "kind", "hang", "duration", "1m"))
		if p.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: status %d", p.StatusCode)
		}
		if len(testids(t, b.get("/me").body, "fault-band")) != 1 {
			t.Error("no band on another page while the fault lasts")
		}
		h.clock.Advance(61 * time.Second)
		if len(testids(t, b.get("/me").body, "fault-band")) != 0 {
			t.Error("the band stays after the fault ended")
		}
	})

	t.Run("clear all", func(t *testing.T) {
		b.post("/testdata/faults", faultForm(tok, "upstream", "hpr", "kind", "429", "duration", ""))
		b.post("/testdata/faults", faultForm(tok, "upstream", "maskinporten", "kind", "500", "duration", ""))
		if p := b.post("/testdata/faults/clear", faultForm(tok, "id", "all")); p.StatusCode != http.StatusSeeOther {
			t.Fatalf("clear all: status %d", p.StatusCode)
		}
		if len(testids(t, b.get("/testdata/faults").body, "faults-none")) != 1 {
			t.Error("faults left after clearing all")
		}
	})

	t.Run("signed out", func(t *testing.T) {
		p := h.browser().get("/testdata/faults")
		if p.StatusCode != http.StatusSeeOther && p.StatusCode != http.StatusFound {
			t.Errorf("anonymous: status %d; want a redirect to login", p.StatusCode)
		}
	})
}

func TestF19_NoFaultPanelWithoutRegistry(t *testing.T) {
	h := newHarness(t)
	b, _ := clinician(t, h)
	if p := b.get("/testdata/faults"); p.StatusCode != http.StatusNotFound {
		t.Errorf("status %d; want 404 when faults cannot be set", p.StatusCode)
	}
}
