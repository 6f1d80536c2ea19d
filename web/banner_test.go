package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"golang.org/x/net/html"
)

// pageTitle is the text of a page's <title>.
func pageTitle(body string) string {
	m := regexp.MustCompile(`(?s)<title>(.*?)</title>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// elements returns the elements of body named tag.
func elements(t *testing.T, body, tag string) []*html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return findAll(doc, tag)
}

// banner is the one patient banner of a page, or fails the test.
func banner(t *testing.T, p *page) *html.Node {
	t.Helper()
	bs := testids(t, p.body, "patient-banner")
	if len(bs) != 1 {
		t.Fatalf("status %d: %d patient banners; want 1", p.StatusCode, len(bs))
	}
	return bs[0]
}

var formattedNumber = regexp.MustCompile(`^\d{6} \d{5}$`)

// TestPatientBanner_EveryPatientPage walks every patient page of
// patientRoutes (a new page added there is walked too) and finds the banner
// with the patient's name and number, and no name in the tab title.
func TestPatientBanner_EveryPatientPage(t *testing.T) {
	h := newHarness(t, withTestdata()) // the raw drawer is a patient page too
	b, tok := clinician(t, h)
	number := labsPerson(t, h, "abnormal-labs")
	subject, ok := h.pop.ByNIN(number)
	if !ok {
		t.Fatal("the labs person is not in the population")
	}
	name := subject.CurrentName()
	base := strings.TrimSuffix(b.labsPath(tok, number), "/labs")
	results := b.chooseBasis(tok, base+"/labs", labs.BasisUnntak)
	links := testids(t, results.body, "labs-trend-link")
	if len(links) == 0 {
		t.Fatal("no trend link on the results")
	}
	trend := attr(links[0], "href")

	walked := 0
	for _, pr := range patientRoutes {
		if pr.method != http.MethodGet || pr.kind != showsData || len(pr.header) > 0 || !strings.Contains(pr.pattern, "{handle}") {
			continue
		}
		walked++
		t.Run(pr.pattern, func(t *testing.T) {
			path := trend
			if pr.path != nil {
				path = pr.path(base)
			}
			p := b.get(path)
			if p.StatusCode != http.StatusOK {
				t.Fatalf("status %d", p.StatusCode)
			}
			text := nodeText(banner(t, p))
			for _, want := range []string{name.GivenName, name.FamilyName, number[:6] + " " + number[6:]} {
				if !strings.Contains(text, want) {
					t.Errorf("banner %q does not hold %q", text, want)
				}
			}
			if len(testids(t, p.body, "banner-birth")) != 1 || len(testids(t, p.body, "banner-age")) != 1 {
				t.Error("banner without birth date and age")
			}
			if title := pageTitle(p.body); strings.Contains(title, name.FamilyName) {
				t.Errorf("tab title %q names the patient", title)
			}
		})
	}
	t.Run("the emergency form sent back with errors", func(t *testing.T) {
		form := emergencyForm(tok, labs.BasisAkutt)
		form.Del("confirm")
		p := b.post(base+"/labs/emergency", form)
		if p.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d; want 422", p.StatusCode)
		}
		if text := nodeText(banner(t, p)); !strings.Contains(text, name.FamilyName) {
			t.Errorf("banner %q does not name the patient the form is about", text)
		}
	})
	if walked < 8 {
		t.Errorf("walked %d patient pages; want every one (overview, timeline, print, labs, print, trend, chooser, emergency)", walked)
	}
}

// TestPatientBanner_WithoutSnapshot: a relative reached by a link has a
// handle but no snapshot until their overview is opened; their lab pages
// still say whose they are by number, with the way to the overview.
func TestPatientBanner_WithoutSnapshot(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	overview := b.open(tok, numberOf(t, someone(t, h, "parent")))
	links := testids(t, overview.body, "relative-link")
	if len(links) == 0 {
		t.Fatal("no relative link on a parent's overview")
	}
	rel := attr(links[0], "href")

	p := b.get(rel + "/labs/basis")
	banner(t, p)
	if len(testids(t, p.body, "banner-name")) != 0 || len(testids(t, p.body, "banner-unknown")) != 1 {
		t.Error("a banner without a snapshot shows a name, or does not say the name was not fetched")
	}
	nins := testids(t, p.body, "banner-nin")
	if len(nins) != 1 || !formattedNumber.MatchString(nodeText(nins[0])) {
		t.Errorf("banner number %v; want one DDMMYY NNNNN", nins)
	}
	more := testids(t, p.body, "banner-overview")
	if len(more) != 1 || attr(more[0], "href") != rel {
		t.Fatalf("no link from the banner to the relative's overview %s", rel)
	}

	relOverview := b.get(rel)
	names := testids(t, relOverview.body, "person-name")
	if len(names) != 1 {
		t.Fatal("the relative's overview has no name")
	}
	p = b.get(rel + "/labs/basis")
	got := testids(t, p.body, "banner-name")
	if len(got) != 1 || nodeText(got[0]) != nodeText(names[0]) {
		t.Errorf("after the overview the banner names %v; want %q", got, nodeText(names[0]))
	}
	if attr(got[0], "href") != rel {
		t.Errorf("the banner's name links to %q; want the overview %s", attr(got[0], "href"), rel)
	}
}

func TestF10_PersonPrint(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	doctor := persona(t, "doctor")
	subject := someone(t, h, "parent")
	number := numberOf(t, subject)
	overview := b.open(tok, number)
	links := testids(t, overview.body, "person-print-link")
	if len(links) != 1 || attr(links[0], "href") != personPath(overview)+"/print" {
		t.Fatalf("overview print link %v; want one to %s/print", links, personPath(overview))
	}

	before := len(h.records())
	p := b.get(attr(links[0], "href"))
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	cid := p.Header.Get(CorrelationHeader)
	recs := h.records()[before:]
	prints := 0
	for _, r := range recs {
		if r.Resource == "person" && r.Action == "print" {
			prints++
			if r.Patient != number || r.Outcome != audit.Granted {
				t.Errorf("print record %+v; want the patient, granted", r.Event)
			}
		}
		if r.Action != "print" {
			t.Errorf("record %s %s in a print; every lookup of it is recorded as the print", r.Resource, r.Action)
		}
		if r.CorrelationID != cid {
			t.Errorf("record correlation id %q; want the page's %q", r.CorrelationID, cid)
		}
	}
	if prints != 1 {
		t.Errorf("%d person print records; want 1", prints)
	}

	if text := nodeText(banner(t, p)); !strings.Contains(text, subject.CurrentName().FamilyName) {
		t.Errorf("print banner %q does not name the patient", text)
	}
	stamp := func(id string) string {
		n := testids(t, p.body, id)
		if len(n) != 1 {
			t.Fatalf("%d %s in the stamp; want 1", len(n), id)
		}
		return nodeText(n[0])
	}
	if who := stamp("print-who"); !strings.Contains(who, doctor.FamilyName) || !strings.Contains(who, doctor.HPRNumber) {
		t.Errorf("stamp says printed by %q; want the doctor with HPR number %s", who, doctor.HPRNumber)
	}
	if got := stamp("print-correlation"); got != cid {
		t.Errorf("stamp log id %q; want %q", got, cid)
	}
	if stamp("print-when") == "" {
		t.Error("stamp without a time")
	}
	for _, id := range []string{"identity", "names", "addresses", "status", "birth", "citizenship", "marital", "krr", "family"} {
		if len(testids(t, p.body, "panel-"+id)) != 1 {
			t.Errorf("print has no %s panel", id)
		}
	}
	details := elements(t, p.body, "details")
	if len(details) == 0 {
		t.Error("a parent's print has no details to expand")
	}
	for _, d := range details {
		if _, open := attrOf(d, "open"); !open {
			t.Errorf("details %q not expanded on the print", nodeText(d)[:min(40, len(nodeText(d)))])
		}
	}
	for _, id := range []string{"refresh", "timeline-link", "labs-link", "person-print-link", "search-form"} {
		if n := len(testids(t, p.body, id)); n != 0 {
			t.Errorf("print has %d %s; paper has no controls", n, id)
		}
	}
	if title := pageTitle(p.body); strings.Contains(title, subject.CurrentName().FamilyName) {
		t.Errorf("tab title %q names the patient", title)
	}
}

// attrOf is n's attribute key and whether it is there.
func attrOf(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// TestS19_BannerAndPrintHideProtectedAddresses: the print of a protected
// person and the banner on their pages carry the protection label and no
// address value.
func TestS19_BannerAndPrintHideProtectedAddresses(t *testing.T) {
	h0 := newHarness(t)
	number := hostileNumbers(t, h0, 1)[0]
	h := newHarness(t, withRegistry(overlay{extra: personsim.NewMemoryRegistry(
		[]*person.Person{hostile(number, "Strengt", person.StrictlyConfidential, "")}, nil), Registry: h0.pop}))
	b, tok := clinician(t, h)
	path := personPath(b.open(tok, number))
	for _, p := range []string{path + "/print", path + "/labs/basis", path + "/labs/emergency", path + "/timeline"} {
		t.Run(p[len(path):], func(t *testing.T) {
			pg := b.get(p)
			if pg.StatusCode != http.StatusOK {
				t.Fatalf("status %d", pg.StatusCode)
			}
			if l := leaks(pg.body, hostileMarkers); len(l) > 0 {
				t.Errorf("shows protected address values %q", l)
			}
			banner(t, pg)
			tags := testids(t, pg.body, "banner-label-protected")
			if len(tags) != 1 || nodeText(tags[0]) != msg("person.protected.strict") {
				t.Errorf("banner protection labels %v; want %q", tags, msg("person.protected.strict"))
			}
		})
	}
}
