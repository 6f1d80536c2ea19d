package web

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person"
)

// The overview is streamed (issue 15, B1): the banner, the header and the
// panels of the core lookup are sent as soon as that lookup is in, while
// the relatives' bulk call is still out; the marital and family panels
// follow. These tests hold the bulk call at the simulator's door, so what
// arrives before it is released is what the first round trip sends.

// bulkGate holds every bulk call to the Person API until released.
type bulkGate struct {
	arrived chan struct{} // closed when the first bulk call comes in
	release chan struct{} // closed to let the bulk calls through
	once    sync.Once
}

func withHeldBulk(g *bulkGate) harnessOption {
	return func(h *harness, _ *Config) {
		h.personFront = func(sim http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/person/bulk-by-nin") {
					g.once.Do(func() { close(g.arrived) })
					select {
					case <-g.release:
					case <-r.Context().Done():
						return
					}
				}
				sim.ServeHTTP(w, r)
			})
		}
	}
}

// streamOpen searches for number and starts the overview's GET, returning
// the response with its body unread.
func (b *browser) streamOpen(tok, number string) *http.Response {
	b.t.Helper()
	p := b.search(tok, number)
	if p.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("search: status %d", p.StatusCode)
	}
	loc, err := p.Request.URL.Parse(p.Header.Get("Location"))
	if err != nil {
		b.t.Fatal(err)
	}
	resp, err := b.c.Get(loc.String())
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// readUntil reads r until marker has been read or d has passed, and
// returns what it read.
func readUntil(t *testing.T, r *bufio.Reader, marker string, d time.Duration) string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		var sb strings.Builder
		buf := make([]byte, 512)
		for !strings.Contains(sb.String(), marker) {
			n, err := r.Read(buf)
			sb.Write(buf[:n])
			if err != nil {
				break
			}
		}
		got <- sb.String()
	}()
	select {
	case s := <-got:
		if !strings.Contains(s, marker) {
			t.Fatalf("the response ended without %q", marker)
		}
		return s
	case <-time.After(d):
		t.Fatalf("%q did not arrive within %s", marker, d)
		return ""
	}
}

func TestOverviewStreamsTheFirstRoundTrip(t *testing.T) {
	g := &bulkGate{arrived: make(chan struct{}), release: make(chan struct{})}
	h := newHarness(t, withHeldBulk(g))
	b, tok := clinician(t, h)
	subject := someone(t, h, "married")
	number := numberOf(t, subject)
	_, spouse := spouseOf(t, h, subject)

	resp := b.streamOpen(tok, number)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("overview: status %d", resp.StatusCode)
	}
	select {
	case <-g.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the relatives' bulk call never came")
	}
	body := bufio.NewReader(resp.Body)
	// The placeholder of the last panel ends the first part.
	first := readUntil(t, body, `data-testid="panel-family-pending"`, 10*time.Second)
	for _, want := range []string{`data-testid="patient-banner"`, `data-testid="person-header"`,
		`data-testid="panel-identity"`, `data-testid="panel-addresses"`, `data-testid="panel-citizenship"`,
		`data-testid="panel-krr"`, `data-testid="panel-marital-pending"`} {
		if !strings.Contains(first, want) {
			t.Errorf("the first part lacks %s", want)
		}
	}
	for _, absent := range []string{`data-testid="panel-marital"`, `data-testid="panel-family"`, spouse} {
		if strings.Contains(first, absent) {
			t.Errorf("the first part, sent before the relatives' call answered, has %q", absent)
		}
	}
	// Each part's record is committed before its bytes (S20): the core
	// and KRR lookups are recorded; the relatives, not yet sent, are not.
	recorded := map[string]bool{}
	for _, r := range h.records() {
		if r.Patient == number {
			recorded[r.Resource] = true
		}
	}
	if !recorded["person"] || !recorded["krr"] || recorded["family"] {
		t.Errorf("records when the first part was sent: %v; want person and krr, not family", recorded)
	}

	close(g.release)
	rest, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	page := first + string(rest)
	if !strings.Contains(string(rest), spouse) {
		t.Error("the marital or family panel does not name the spouse after the bulk call")
	}
	// The document ends in page order: every panel once, in the order of
	// the table of contents, after the placeholders.
	last := -1
	for _, id := range []string{"identity", "names", "addresses", "status", "birth", "citizenship", "krr", "marital", "family"} {
		i := strings.Index(page, `<section class="ds-card app-panel" id="panel-`+id+`"`)
		if i < 0 || strings.Count(page, ` id="panel-`+id+`"`) != 1 {
			t.Fatalf("panel %s is not in the page exactly once: at %d, %d times", id, i, strings.Count(page, ` id="panel-`+id+`"`))
		}
		if i < last {
			t.Errorf("panel %s is out of page order", id)
		}
		last = i
	}
	if !strings.HasSuffix(strings.TrimSpace(page), "</html>") {
		t.Error("the streamed page is not complete")
	}
	var family int
	for _, r := range h.records() {
		if r.Patient == number && r.Resource == "family" {
			family++
		}
	}
	if family != 1 {
		t.Errorf("%d family records; want 1", family)
	}
}

// failingFamilyRecords is an audit store whose family records fail while
// fail is set, as an audit store failing mid-page would.
type failingFamilyRecords struct {
	audit.Store
	fail bool
}

func (s failingFamilyRecords) Record(ctx context.Context, e audit.Event) (audit.Record, error) {
	if s.fail && e.Resource == "family" {
		return audit.Record{}, errors.New("audit store: disk full")
	}
	return s.Store.Record(ctx, e)
}

// A record that fails after the first part was sent cannot change the
// status any more: the part it was for is not shown (S20), its panel says
// why, and the rest of the page stands.
func TestOverviewStream_LateAuditFailureCostsThePart(t *testing.T) {
	h := newHarness(t, func(_ *harness, cfg *Config) {
		if cfg.Audit != nil {
			cfg.Audit = failingFamilyRecords{Store: cfg.Audit, fail: true}
		}
	})
	b, tok := clinician(t, h)
	subject := someone(t, h, "married")
	_, spouse := spouseOf(t, h, subject)
	p := b.open(tok, numberOf(t, subject))
	if p.StatusCode != http.StatusOK {
		t.Fatalf("overview: status %d", p.StatusCode)
	}
	if strings.Contains(p.body, spouse) {
		t.Error("the spouse is named although the relatives' record failed")
	}
	if got := panelText(t, p.body, "family"); !strings.Contains(got, msg("error.audit.title")) && !strings.Contains(got, msg("error.audit")) {
		t.Errorf("the family panel does not say the audit failed: %q", got)
	}
	if got := panelText(t, p.body, "marital"); got == "" {
		t.Error("the marital panel is gone; its status was recorded with the core lookup")
	}
}

// withHeldKRR holds every KRR lookup at the Person API's door until
// release is closed.
func withHeldKRR(release chan struct{}) harnessOption {
	return func(h *harness, _ *Config) {
		h.personFront = func(sim http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if parts := r.URL.Query()["informationParts"]; len(parts) == 1 && parts[0] == string(person.PartCommonContactRegisterInformation) {
					select {
					case <-release:
					case <-r.Context().Done():
						return
					}
				}
				sim.ServeHTTP(w, r)
			})
		}
	}
}

// A KRR answer later than the grace after the core one is not waited for:
// the first part goes without the reservation label, with the KRR panel's
// placeholder, and the KRR panel, with the reservation, follows (S35: a slow
// KRR costs its panel, not the page).
func TestOverviewStream_SlowKRRCostsItsPanel(t *testing.T) {
	release := make(chan struct{})
	h := newHarness(t, withHeldKRR(release))
	b, tok := clinician(t, h)
	subject := someone(t, h, "reserved")
	resp := b.streamOpen(tok, numberOf(t, subject))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("overview: status %d", resp.StatusCode)
	}
	body := bufio.NewReader(resp.Body)
	first := readUntil(t, body, `data-testid="panel-family-pending"`, 10*time.Second)
	if !strings.Contains(first, `data-testid="panel-citizenship"`) || !strings.Contains(first, `data-testid="panel-krr-pending"`) {
		t.Error("the first part lacks the core panels or the KRR placeholder")
	}
	if strings.Contains(first, `data-testid="label-reserved"`) || strings.Contains(first, `data-testid="panel-krr"`) {
		t.Error("the first part has KRR data before KRR answered")
	}
	close(release)
	rest, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rest), `data-testid="krr-reserved"`) {
		t.Error("the KRR panel that followed does not show the reservation")
	}
}

// Every panel of the streamed overview has its raw-response drawer when the
// drawers are on, the panels that came later too.
func TestOverviewStream_EveryPanelHasItsDrawer(t *testing.T) {
	h := newHarness(t, withTestdata())
	b, tok := clinician(t, h)
	p := b.open(tok, numberOf(t, someone(t, h, "married")))
	for _, id := range []string{"identity", "names", "addresses", "status", "birth", "citizenship", "krr", "marital", "family"} {
		panel := testids(t, p.body, "panel-"+id)
		if len(panel) != 1 {
			t.Fatalf("panel %s: %d in the page", id, len(panel))
		}
		var drawers int
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			for _, a := range n.Attr {
				if a.Key == "data-testid" && a.Val == "raw-drawer" {
					drawers++
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(panel[0])
		if drawers != 1 {
			t.Errorf("panel %s has %d raw drawers; want 1", id, drawers)
		}
	}
}

// The print view is printed whole: its header waits for a slow KRR and
// carries the reservation label.
func TestPrintWaitsForASlowKRR(t *testing.T) {
	release := make(chan struct{})
	h := newHarness(t, withHeldKRR(release))
	b, tok := clinician(t, h)
	subject := someone(t, h, "reserved")
	p := b.search(tok, numberOf(t, subject))
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("search: status %d", p.StatusCode)
	}
	overview := p.Header.Get("Location")
	timer := time.AfterFunc(300*time.Millisecond, func() { close(release) })
	defer timer.Stop()
	pr := b.get(overview + "/print")
	if pr.StatusCode != http.StatusOK {
		t.Fatalf("print: status %d", pr.StatusCode)
	}
	if len(testids(t, pr.body, "label-reserved")) == 0 {
		t.Error("the print's header lacks the reservation label of a KRR that answered late")
	}
}
