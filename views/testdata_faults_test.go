package views

import (
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/views/i18n"
)

func faultsPageFixture() FaultsPage {
	return FaultsPage{
		Faults: []FaultLine{
			{ID: "f1", Upstream: "person", Kind: "503", RetryAfter: 60, Until: time.Date(2026, 11, 21, 15, 42, 0, 0, time.UTC)},
			{ID: "f2", Upstream: "labs", Kind: "latency", Latency: 1500 * time.Millisecond, Route: "/DiagnosticReport"},
			{ID: "f3", Upstream: "hpr", Kind: "wrong-content-type", Latency: 200 * time.Millisecond},
		},
		Upstreams: []string{"person", "labs", "hpr", "maskinporten", "helseid"},
		Kinds: []string{"latency", "hang", "500", "502", "503", "401", "429", "malformed", "truncated",
			"wrong-content-type", "oversized", "dpop-nonce"},
		Parts:     []string{"Name", "CommonContactRegisterInformation"},
		Durations: []string{"1m", "5m", "15m", ""},
		Form: FaultForm{Upstream: "person", Kind: "503", Route: "Shoe", Duration: "5m",
			Error: Msg("faults.invalid.route"), ErrorField: "route"},
	}
}

func TestFaultsPanel(t *testing.T) {
	for _, l := range i18n.Supported() {
		t.Run(string(l), func(t *testing.T) {
			p := faultsPageFixture()
			b := Base{User: signedIn(), CSRFToken: "tok", Demo: true, Faults: p.Faults}
			out, doc := render(t, FaultsPanel(b, p), l, "")
			checkLabels(t, doc)
			checkInert(t, out, doc)
			checkNoCatalogKeys(t, out, doc)
			if n := len(all(byAttr("data-testid", "faults-item"), doc)); n != 3 {
				t.Errorf("%d faults listed; want 3", n)
			}
			if n := len(all(byAttr("data-testid", "fault-band-item"), doc)); n != 3 {
				t.Errorf("%d faults in the band; want 3", n)
			}
			for _, form := range all(byAttr("data-testid", "fault-clear"), doc) {
				checkPostForm(t, form, "/testdata/faults/clear", "tok")
			}
			checkPostForm(t, all(byAttr("data-testid", "faults-form"), doc)[0], "/testdata/faults", "tok")
			if n := len(all(byTag("fieldset"), doc)); n < 3 {
				t.Errorf("%d fieldsets; want the form grouped in 3", n)
			}
			if n := len(all(byAttr("data-testid", "faults-error"), doc)); n != 1 {
				t.Errorf("%d error messages; want 1", n)
			}
			route := all(byAttr("id", "fault-route"), doc)[0]
			if d, _ := attr(route, "aria-describedby"); d != "fault-route-hint fault-route-error" {
				t.Errorf("route described by %q; want the hint and the error", d)
			}
			for _, want := range []string{
				i18n.TL(l, "faults.upstream.person") + ": " + i18n.TL(l, "faults.kind.503") + " " + i18n.TL(l, "faults.scope.all") + " " +
					i18n.TL(l, "faults.until", i18n.Clock(l, time.Date(2026, 11, 21, 15, 42, 0, 0, time.UTC))),
				i18n.TL(l, "faults.latency_ms", 1500) + " " + i18n.TL(l, "faults.scope.route", "/DiagnosticReport") + " " + i18n.TL(l, "faults.until.cleared"),
				i18n.TL(l, "faults.kind.wrong_content_type") + " " + i18n.TL(l, "faults.plus_latency", 200),
			} {
				if !strings.Contains(out, want) {
					t.Errorf("page does not say %q", want)
				}
			}
		})
	}
}

func TestFaultBand(t *testing.T) {
	faults := faultsPageFixture().Faults[:1]
	cases := []struct {
		name        string
		b           Base
		band, clear int
	}{
		{"no faults", Base{Demo: true, User: signedIn(), CSRFToken: "tok"}, 0, 0},
		{"signed in", Base{Demo: true, User: signedIn(), CSRFToken: "tok", Faults: faults}, 1, 1},
		{"anonymous: no button", Base{Demo: true, Faults: faults}, 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, doc := render(t, Page(tc.b), i18n.NB, "")
			if n := len(all(byAttr("data-testid", "fault-band"), doc)); n != tc.band {
				t.Errorf("%d bands; want %d", n, tc.band)
			}
			if n := len(all(byAttr("data-testid", "fault-clear"), doc)); n != tc.clear {
				t.Errorf("%d clear buttons; want %d", n, tc.clear)
			}
			if tc.band == 1 && (!strings.Contains(out, ">Feil i simulatoren:<") || !strings.Contains(out, ">Persontjenesten: 503 utilgjengelig, med Retry-After (alle kall) til kl. 16.42<")) {
				t.Errorf("band does not name the fault:\n%s", out)
			}
			if tc.band == 1 {
				demo := strings.Index(out, `data-testid="demo-band"`)
				band := strings.Index(out, `data-testid="fault-band"`)
				if demo < 0 || band < demo {
					t.Error("the fault band is not under the DEMO band")
				}
			}
		})
	}
}
