package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"golang.org/x/net/html"
)

// My lookups (F9): the clinician's own lookups today and their own
// emergency openings, from the audit log.

// withFailingBulk makes the Person API's bulk call answer 500 while fail
// is set, as a Person API in trouble would.
func withFailingBulk(fail *atomic.Bool) harnessOption {
	return func(h *harness, _ *Config) {
		h.personFront = func(sim http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if fail.Load() && strings.HasSuffix(r.URL.Path, "/person/bulk-by-nin") {
					http.Error(w, "down", http.StatusInternalServerError)
					return
				}
				sim.ServeHTTP(w, r)
			})
		}
	}
}

// lookupRecords are the records the lookups list itself wrote.
func lookupRecords(recs []audit.Record) []audit.Record {
	var out []audit.Record
	for _, r := range recs {
		if r.Resource == "person" && r.Action == "lookups" {
			out = append(out, r)
		}
	}
	return out
}

func TestF9_MyLookups(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	first := labsPerson(t, h, "abnormal-labs")
	firstName := mustPerson(t, h, first)
	b.chooseBasis(tok, b.labsPath(tok, first), labs.BasisUnntak)
	h.clock.Advance(5 * time.Minute)
	second := numberOf(t, someone(t, h, "deceased"))
	secondName := mustPerson(t, h, second)
	if p := b.open(tok, second); p.StatusCode != http.StatusOK {
		t.Fatalf("overview: status %d", p.StatusCode)
	}
	before := len(h.records())

	p := b.get("/me/lookups")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("/me/lookups: status %d", p.StatusCode)
	}
	visits := testids(t, p.body, "lookups-visit")
	if len(visits) != 2 {
		t.Fatalf("%d visits; want 2", len(visits))
	}
	// Newest first: the second patient, then the first with labs.
	if got := nodeText(visits[0]); !strings.Contains(got, secondName) || !strings.Contains(got, msg("lookups.kind.overview")) {
		t.Errorf("first row %q; want %s's overview", got, secondName)
	}
	wantLabs := msg("lookups.opened.basis", msg("lookups.kind.labs"), msg("labs.basis.unntak"))
	if got := nodeText(visits[1]); !strings.Contains(got, firstName) || !strings.Contains(got, wantLabs) {
		t.Errorf("second row %q; want %s with %q", got, firstName, wantLabs)
	}
	for _, n := range []string{first, second, first[:6] + " " + first[6:]} {
		if strings.Contains(p.body, n) {
			t.Errorf("the page shows a number (%s...) though the names were fetched", n[:6])
		}
	}

	// One record for the names, before they were shown, with the numbers.
	recs := lookupRecords(h.records()[before:])
	if len(recs) != 1 {
		t.Fatalf("%d lookups records; want 1", len(recs))
	}
	if r := recs[0]; !slices.Contains(r.Results, first) || !slices.Contains(r.Results, second) ||
		r.Actor.PID != persona(t, "doctor").PID || r.Outcome != audit.Granted || r.CorrelationID != p.Header.Get(CorrelationHeader) {
		t.Errorf("lookups record %+v; want the doctor's, granted, with both numbers", r.Event)
	}

	// One click back, through a handle: no number in the link.
	links := testids(t, p.body, "lookups-patient")
	href := attr(links[1], "href")
	if !strings.HasPrefix(href, "/person/") || strings.Contains(href, first) {
		t.Fatalf("link %q; want /person/{handle}", href)
	}
	if back := b.get(href); back.StatusCode != http.StatusOK || !strings.Contains(back.body, firstName) {
		t.Errorf("the link back: status %d", back.StatusCode)
	}
}

// mustPerson returns the person's full current name as the pages show it.
func mustPerson(t *testing.T, h *harness, number string) string {
	t.Helper()
	p, ok := h.pop.ByNIN(number)
	if !ok {
		t.Fatalf("no person %s... in the population", number[:6])
	}
	n := p.CurrentName()
	return strings.Join(strings.Fields(n.GivenName+" "+n.MiddleName+" "+n.FamilyName), " ")
}

func TestF9_OnlyTheClinicianOwnLookupsOfToday(t *testing.T) {
	h := newHarness(t)
	doctor, dtok := clinician(t, h)
	nurse := h.browser()
	ntok := csrfToken(t, nurse.login("nurse").body)
	mine := numberOf(t, someone(t, h, "deceased"))
	theirs := labsPerson(t, h, "abnormal-labs")
	doctor.open(dtok, mine)
	nurse.open(ntok, theirs)

	check := func(b *browser, want, notWant string) {
		t.Helper()
		p := b.get("/me/lookups")
		if p.StatusCode != http.StatusOK {
			t.Fatalf("status %d", p.StatusCode)
		}
		if !strings.Contains(p.body, mustPerson(t, h, want)) || strings.Contains(p.body, mustPerson(t, h, notWant)) {
			t.Errorf("list does not hold exactly the user's own patient")
		}
	}
	check(doctor, mine, theirs)
	check(nurse, theirs, mine)

	// Tomorrow, in Oslo, the list starts empty, and nothing is fetched.
	// (The session has long ended: log in again.)
	h.clock.Advance(24 * time.Hour)
	doctor = h.browser()
	doctor.login("doctor")
	before := len(h.records())
	p := doctor.get("/me/lookups")
	if p.StatusCode != http.StatusOK || len(testids(t, p.body, "lookups-none")) != 1 {
		t.Errorf("the next day: status %d; want the empty list", p.StatusCode)
	}
	if n := len(lookupRecords(h.records()[before:])); n != 0 {
		t.Errorf("%d lookups records for an empty list; want none", n)
	}
}

func TestF9_StartPageListsToday(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	number := numberOf(t, someone(t, h, "deceased"))
	b.open(tok, number)

	start := b.get("/")
	region := testids(t, start.body, "start-lookups")
	if len(region) != 1 || attr(region[0], "hx-get") != "/me/lookups" || attr(region[0], "hx-trigger") != "load" {
		t.Fatal("the start page does not load today's lookups from the gated route")
	}
	if strings.Contains(start.body, mustPerson(t, h, number)) {
		t.Error("the public start page names a patient itself")
	}
	if len(testids(t, start.body, "lookups-all")) != 1 {
		t.Error("without script the start page offers no way to the list")
	}

	frag := b.get("/me/lookups", "HX-Request", "true")
	if frag.StatusCode != http.StatusOK || strings.Contains(frag.body, "<html") {
		t.Fatalf("fragment: status %d, whole page %v", frag.StatusCode, strings.Contains(frag.body, "<html"))
	}
	if !strings.Contains(frag.body, mustPerson(t, h, number)) || len(testids(t, frag.body, "lookups-all")) != 1 {
		t.Error("the short list lacks the patient or the way to the whole list")
	}
	if v := frag.Header.Values("Vary"); !slices.Contains(v, "HX-Request") {
		t.Errorf("Vary %v; want HX-Request", v)
	}
}

func TestF9_NamesFallBackToNumbers(t *testing.T) {
	var fail atomic.Bool
	h := newHarness(t, withFailingBulk(&fail))
	b, tok := clinician(t, h)
	number := numberOf(t, someone(t, h, "deceased"))
	b.open(tok, number)
	fail.Store(true)
	before := len(h.records())

	p := b.get("/me/lookups")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	if len(testids(t, p.body, "lookups-names-failed")) != 1 {
		t.Error("the page does not say the names are missing")
	}
	rows := testids(t, p.body, "lookups-patient")
	if len(rows) != 1 || !strings.Contains(nodeText(rows[0]), number[:6]+" "+number[6:]) {
		t.Fatalf("rows %d; want the formatted number", len(rows))
	}
	if attr(rows[0], "href") == "" || strings.Contains(attr(rows[0], "href"), number) {
		t.Error("the row without a name has no link back through a handle")
	}
	recs := lookupRecords(h.records()[before:])
	if len(recs) != 1 || recs[0].Outcome != audit.UpstreamError {
		t.Errorf("lookups records %+v; want one, upstream_error", recs)
	}
}

func TestF9_EmergencyOpenings(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	number := labsPerson(t, h, "abnormal-labs")
	path := b.labsPath(tok, number)
	if p := b.post(path+"/emergency", emergencyForm(tok, labs.BasisAkutt)); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("open emergency: status %d", p.StatusCode)
	}
	opening := func() (active, reviewed, state string) {
		t.Helper()
		p := b.get("/me/lookups")
		os := testids(t, p.body, "lookups-opening")
		if len(os) != 1 {
			t.Fatalf("%d openings; want 1", len(os))
		}
		if !strings.Contains(nodeText(os[0]), mustPerson(t, h, number)) {
			t.Error("the opening does not name the patient")
		}
		return attr(os[0], "data-active"), attr(os[0], "data-reviewed"), nodeText(testids(t, p.body, "lookups-opening-state")[0])
	}
	active, reviewed, state := opening()
	if active != "true" || reviewed != "false" || !strings.Contains(state, msg("lookups.emergency.state.active")) {
		t.Errorf("just opened: active %s reviewed %s %q", active, reviewed, state)
	}

	h.clock.Advance(10 * time.Minute)
	if p := b.post(path+"/end", url.Values{"csrf_token": {tok}}); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("end: status %d", p.StatusCode)
	}
	if active, _, state = opening(); active != "false" || !strings.Contains(state, msg("lookups.emergency.state.ended")) {
		t.Errorf("after ending: active %s %q", active, state)
	}

	// An auditor reviews it; the clinician sees that.
	opened, err := h.audit.Query(context.Background(), audit.Filter{Action: audit.ActionEmergency})
	if err != nil || len(opened) != 1 {
		t.Fatalf("openings in the log: %d, %v", len(opened), err)
	}
	if _, err := h.audit.Record(context.Background(), audit.ReviewEvent(opened[0], "ok")); err != nil {
		t.Fatal(err)
	}
	if _, reviewed, _ = opening(); reviewed != "true" {
		t.Error("a reviewed opening is not shown as reviewed")
	}

	// Days later it is still listed, though not among today's lookups.
	h.clock.Advance(3 * 24 * time.Hour)
	b = h.browser()
	b.login("doctor")
	p := b.get("/me/lookups")
	if len(testids(t, p.body, "lookups-opening")) != 1 || len(testids(t, p.body, "lookups-visit")) != 0 {
		t.Error("three days on: want the opening, and no lookups today")
	}
}

func TestStartPageFitsTheRole(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		persona, role   string
		search, hpr, au bool
	}{
		{"doctor", "clinician", true, false, false},
		{"admin", "hpr", false, true, false},
		{"auditor", "auditor", false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.persona, func(t *testing.T) {
			p := h.browser().login(tt.persona)
			start := testids(t, p.body, "start")
			if len(start) != 1 || attr(start[0], "data-role") != tt.role {
				t.Fatalf("start page role %v; want %s", start, tt.role)
			}
			if got := len(testids(t, p.body, "search-form")) == 1; got != tt.search {
				t.Errorf("person search shown %v; want %v", got, tt.search)
			}
			if got := len(testids(t, p.body, "start-lookups")) == 1; got != tt.search {
				t.Errorf("today's lookups shown %v; want %v", got, tt.search)
			}
			if got := len(testids(t, p.body, "start-hpr-form")) == 1; got != tt.hpr {
				t.Errorf("HPR search shown %v; want %v", got, tt.hpr)
			}
			if got := len(testids(t, p.body, "start-auditor")) == 1; got != tt.au {
				t.Errorf("auditor section shown %v; want %v", got, tt.au)
			}
			// Every link and form on the page leads somewhere the role may go.
			b := h.browser()
			b.login(tt.persona)
			for _, id := range []string{"start-hpr-batch", "start-me", "lookups-all"} {
				for _, a := range testids(t, p.body, id) {
					if got := b.get(attr(a, "href")); got.StatusCode != http.StatusOK {
						t.Errorf("%s → %s: status %d", id, attr(a, "href"), got.StatusCode)
					}
				}
			}
			if tt.hpr {
				if got := b.get("/hpr?q=565501872"); got.StatusCode != http.StatusOK {
					t.Errorf("the HPR search: status %d", got.StatusCode)
				}
			}
		})
	}
	t.Run("the clinician's search field has focus", func(t *testing.T) {
		p := h.browser().login("doctor")
		q := testids(t, p.body, "search-form")
		if len(q) != 1 || !strings.Contains(p.body, `aria-describedby="search-q-hint" autofocus`) {
			t.Error("#search-q is not autofocused")
		}
	})
}

func TestLanguageSwitchKeepsTheWholeURL(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	number := labsPerson(t, h, "abnormal-labs")
	results := b.chooseBasis(tok, b.labsPath(tok, number), labs.BasisUnntak)
	links := testids(t, results.body, "labs-trend-link")
	if len(links) == 0 {
		t.Fatal("no trend link")
	}
	trend := attr(links[0], "href")
	if !strings.Contains(trend, "?") {
		t.Fatalf("trend link %q has no query; the test needs one", trend)
	}
	page := b.get(trend)
	if page.StatusCode != http.StatusOK {
		t.Fatalf("trend: status %d", page.StatusCode)
	}
	forms := testids(t, page.body, "lang-form")
	var ret string
	for _, in := range tagged(forms[0], "input") {
		if attr(in, "name") == "return" {
			ret = attr(in, "value")
		}
	}
	if ret != trend {
		t.Fatalf("the language form returns to %q; want the whole URL %q", ret, trend)
	}
	sw := b.post("/lang", url.Values{"csrf_token": {tok}, "lang": {"en"}, "return": {ret}})
	if loc := sw.Header.Get("Location"); sw.StatusCode != http.StatusSeeOther || loc != trend {
		t.Fatalf("switch: status %d to %q; want 303 to %q", sw.StatusCode, loc, trend)
	}
	if back := b.follow(sw); back.StatusCode != http.StatusOK || !strings.Contains(back.body, `lang="en"`) {
		t.Errorf("back on the trend page: status %d", back.StatusCode)
	}
}

// TestLanguageSwitchOnAPostOnlyPage: a page answered to a POST (the
// auditor's patient lookup) has no address a GET can load; the switch
// goes to the front page instead of ending on a 405.
func TestLanguageSwitchOnAPostOnlyPage(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	for _, ret := range []string{"/audit/patient", "/search"} {
		sw := b.post("/lang", url.Values{"csrf_token": {tok}, "lang": {"nn"}, "return": {ret}})
		if loc := sw.Header.Get("Location"); sw.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("switch on %s: status %d to %q; want 303 to /", ret, sw.StatusCode, loc)
		}
	}
	sw := b.post("/lang", url.Values{"csrf_token": {tok}, "lang": {"nn"}, "return": {"/me"}})
	if loc := sw.Header.Get("Location"); loc != "/me" {
		t.Errorf("switch on /me: to %q; want /me", loc)
	}
}

func TestFavicon(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	ico := b.get("/favicon.ico")
	if ico.StatusCode != http.StatusOK || ico.Header.Get("Content-Type") != "image/x-icon" || len(ico.body) == 0 {
		t.Errorf("/favicon.ico: status %d, %q", ico.StatusCode, ico.Header.Get("Content-Type"))
	}
	welcome := b.get("/")
	var href string
	doc, err := html.Parse(strings.NewReader(welcome.body))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range tagged(doc, "link") {
		if attr(l, "rel") == "icon" {
			href = attr(l, "href")
		}
	}
	if href == "" {
		t.Fatal("no <link rel=icon> in the head")
	}
	svg := b.get(href)
	if svg.StatusCode != http.StatusOK || svg.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("%s: status %d, %q", href, svg.StatusCode, svg.Header.Get("Content-Type"))
	}
}

// tagged are n's descendants (and n) with the tag.
func tagged(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	if n.Type == html.ElementNode && n.Data == tag {
		out = append(out, n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, tagged(c, tag)...)
	}
	return out
}
