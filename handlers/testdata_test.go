package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views/i18n"
)

// tdBrowser is a Browser over a small population, warmed once per binary.
var tdBrowser = sync.OnceValues(func() (*synthetic.Browser, error) {
	p, err := synthetic.Generate(synthetic.Options{Seed: 1, Persons: 2000})
	if err != nil {
		return nil, err
	}
	b := synthetic.NewBrowser(p)
	b.Warm()
	return b, nil
})

const tdToken = "td-csrf-token"

// tdPage is a /testdata answer, parsed.
type tdPage struct {
	status int
	body   string
	doc    *html.Node
}

func serveTestdata(t *testing.T, store audit.Store, query string) tdPage {
	t.Helper()
	b, err := tdBrowser()
	if err != nil {
		t.Fatal(err)
	}
	h := Testdata{Site: Site{Demo: true, Testdata: true}, Browse: b, Audit: Auditor{Store: store}}
	r := httptest.NewRequest(http.MethodGet, "/testdata"+query, nil)
	ctx := request.WithUser(r.Context(), &request.User{Name: "Tora Tester", PID: "tester"})
	ctx = request.WithCSRFToken(ctx, tdToken)
	r = r.WithContext(i18n.WithLang(ctx, i18n.NB))
	w := httptest.NewRecorder()
	if err := h.ServeHTTP(w, r); err != nil {
		return tdPage{status: AsError(err).Status}
	}
	doc, err := html.Parse(strings.NewReader(w.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	return tdPage{status: w.Code, body: w.Body.String(), doc: doc}
}

func tdAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func tdAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func tdTestID(id string) func(*html.Node) bool {
	return func(n *html.Node) bool { return tdAttr(n, "data-testid") == id }
}

func tdText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// rowNumbers are the numbers the rows' lookup forms post.
func (p tdPage) rowNumbers() []string {
	var out []string
	for _, f := range tdAll(p.doc, tdTestID("testdata-lookup")) {
		for _, in := range tdAll(f, func(n *html.Node) bool { return n.Data == "input" && tdAttr(n, "name") == "q" }) {
			out = append(out, tdAttr(in, "value"))
		}
	}
	return out
}

func (p tdPage) count(kind string) int {
	c := tdAll(p.doc, tdTestID("testdata-count-"+kind))
	if len(c) != 1 {
		return -1
	}
	n, _ := strconv.Atoi(strings.Trim(tdText(c[0]), "()"))
	return n
}

func (p tdPage) checked(kind string) bool {
	in := tdAll(p.doc, func(n *html.Node) bool { return tdAttr(n, "id") == "td-kind-"+kind })
	if len(in) != 1 {
		return false
	}
	for _, a := range in[0].Attr {
		if a.Key == "checked" {
			return true
		}
	}
	return false
}

func browseFor(t *testing.T, q synthetic.Query) synthetic.Result {
	t.Helper()
	b, _ := tdBrowser()
	res, err := b.Browse(q)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestTestdata_FiltersCombine: the URL's filters are one AND query; the
// page lists its first 50 persons and counts each further kind.
func TestTestdata_FiltersCombine(t *testing.T) {
	min, max := 30, 70
	tests := []struct {
		name  string
		query string
		q     synthetic.Query
	}{
		{"everyone", "", synthetic.Query{}},
		{"one kind", "?kind=deceased", synthetic.Query{Kinds: []string{"deceased"}}},
		{"kinds, municipality and ages", "?kind=parent&kind=married&municipality=oslo&age_min=30&age_max=70",
			synthetic.Query{Kinds: []string{"parent", "married"}, Municipality: "Oslo", MinAge: &min, MaxAge: &max}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &tlAudit{}
			p := serveTestdata(t, store, tt.query)
			if p.status != http.StatusOK {
				t.Fatalf("status %d, want 200", p.status)
			}
			tt.q.Limit = testdataPageSize
			want := browseFor(t, tt.q)
			if want.Total == 0 {
				t.Fatalf("the test's query matches no one")
			}
			var wantNINs []string
			for _, r := range want.Rows {
				wantNINs = append(wantNINs, r.NIN)
			}
			if got := p.rowNumbers(); !slices.Equal(got, wantNINs) {
				t.Errorf("rows %v, want %v", got, wantNINs)
			}
			summary := tdText(tdAll(p.doc, tdTestID("testdata-summary"))[0])
			if !strings.Contains(summary, i18n.TL(i18n.NB, "testdata.results.count", want.Total)) {
				t.Errorf("summary %q lacks the total %d", summary, want.Total)
			}
			for _, k := range []string{"protected", "sibling", "health-personnel", "deceased"} {
				if got := p.count(k); got != want.Counts[k] {
					t.Errorf("count beside %s = %d, want %d", k, got, want.Counts[k])
				}
			}
			for _, k := range tt.q.Kinds {
				if !p.checked(k) {
					t.Errorf("checkbox %s is not checked", k)
				}
			}
			if len(store.events) != 1 {
				t.Fatalf("%d audit records, want 1", len(store.events))
			}
			e := store.events[0]
			if e.Resource != "testdata" || e.Action != "search" || e.Outcome != audit.Granted || !slices.Equal(e.Results, wantNINs) {
				t.Errorf("record %+v", e)
			}
			for _, f := range e.Fields {
				if strings.Contains(tt.query, "="+f) || strings.Contains(f, "oslo") {
					t.Errorf("record holds a value: %v", e.Fields)
				}
			}
		})
	}
}

func TestTestdata_AuditFields(t *testing.T) {
	store := &tlAudit{}
	serveTestdata(t, store, "?kind=child&kind=twin&municipality=0301&age_max=10&page=1")
	if len(store.events) != 1 {
		t.Fatalf("%d records", len(store.events))
	}
	if got, want := store.events[0].Fields, []string{"kind", "municipality", "age_max", "page"}; !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
}

// TestTestdata_Paging: 50 a page, with links that keep the filters.
func TestTestdata_Paging(t *testing.T) {
	all := browseFor(t, synthetic.Query{Kinds: []string{"family"}, Limit: 3 * testdataPageSize})
	if all.Total <= 2*testdataPageSize {
		t.Fatalf("only %d persons of kind family", all.Total)
	}
	first := serveTestdata(t, &tlAudit{}, "?kind=family")
	second := serveTestdata(t, &tlAudit{}, "?kind=family&page=2")
	if len(tdAll(first.doc, tdTestID("testdata-prev"))) != 0 {
		t.Errorf("page 1 links to a previous page")
	}
	next := tdAll(first.doc, tdTestID("testdata-next"))
	if len(next) != 1 || tdAttr(next[0], "href") != "/testdata?kind=family&page=2" {
		t.Fatalf("next link %v", next)
	}
	prev := tdAll(second.doc, tdTestID("testdata-prev"))
	if len(prev) != 1 || tdAttr(prev[0], "href") != "/testdata?kind=family" {
		t.Errorf("previous link on page 2 wrong")
	}
	got := append(first.rowNumbers(), second.rowNumbers()...)
	var want []string
	for _, r := range all.Rows[:2*testdataPageSize] {
		want = append(want, r.NIN)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages 1 and 2 are not the first 100 persons in order")
	}
	pages := (all.Total + testdataPageSize - 1) / testdataPageSize
	last := serveTestdata(t, &tlAudit{}, "?kind=family&page="+strconv.Itoa(pages))
	if len(tdAll(last.doc, tdTestID("testdata-next"))) != 0 {
		t.Errorf("the last page links to a next page")
	}
}

// TestTestdata_Preset: a preset lands on its persons with its boxes
// checked, and is marked as the current one.
func TestTestdata_Preset(t *testing.T) {
	p := serveTestdata(t, &tlAudit{}, "?preset=reserved-abnormal-labs")
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	want := browseFor(t, synthetic.Query{Kinds: []string{"reserved", "abnormal-labs"}})
	if want.Total == 0 {
		t.Fatal("the preset matches no one at this size")
	}
	if got := len(p.rowNumbers()); got != min(want.Total, testdataPageSize) {
		t.Errorf("%d rows, want %d", got, want.Total)
	}
	if !p.checked("reserved") || !p.checked("abnormal-labs") || p.checked("nurse") {
		t.Errorf("checkboxes do not show the preset's kinds")
	}
	btn := tdAll(p.doc, tdTestID("testdata-preset-reserved-abnormal-labs"))
	if len(btn) != 1 || tdAttr(btn[0], "aria-current") != "true" {
		t.Errorf("the preset is not marked current")
	}
	for _, s := range synthetic.Presets() {
		if len(tdAll(p.doc, tdTestID("testdata-preset-"+s.ID))) != 1 {
			t.Errorf("preset %s is not offered", s.ID)
		}
	}
	// A preset and more kinds: both apply; the links keep the preset.
	more := serveTestdata(t, &tlAudit{}, "?preset=reserved-abnormal-labs&kind=married")
	if !more.checked("married") || !more.checked("reserved") {
		t.Errorf("a kind beside the preset is dropped")
	}
	aged := serveTestdata(t, &tlAudit{}, "?preset=elderly-abnormal-labs")
	if v := tdAll(aged.doc, func(n *html.Node) bool { return tdAttr(n, "id") == "td-age-min" }); len(v) != 1 || tdAttr(v[0], "value") != "80" {
		t.Errorf("the preset's age is not in the form")
	}
}

// TestTestdata_HPRCard: a row of health personnel links to its HPR card.
func TestTestdata_HPRCard(t *testing.T) {
	p := serveTestdata(t, &tlAudit{}, "?kind=health-personnel")
	rows := tdAll(p.doc, tdTestID("testdata-row"))
	hpr := tdAll(p.doc, tdTestID("testdata-hpr"))
	if len(rows) == 0 || len(hpr) != len(rows) {
		t.Fatalf("%d rows, %d HPR links", len(rows), len(hpr))
	}
	b, _ := tdBrowser()
	nins := p.rowNumbers()
	for i, a := range hpr {
		n, _ := b.Population().HPRNumber(nins[i])
		if got, want := tdAttr(a, "href"), "/hpr/"+strconv.Itoa(n); got != want {
			t.Errorf("row %d links %s, want %s", i, got, want)
		}
	}
	kids := serveTestdata(t, &tlAudit{}, "?kind=child")
	if n := len(tdAll(kids.doc, tdTestID("testdata-hpr"))); n != 0 {
		t.Errorf("children have %d HPR links", n)
	}
}

// TestTestdata_Refused: a query the page cannot answer is a plain 422
// message in the page, never a 500, and records nothing.
func TestTestdata_Refused(t *testing.T) {
	tests := []struct {
		name, query, key string
		echo             string // what the message may show back; "" for nothing
	}{
		{"unknown kind", "?kind=deceased&kind=no-such-kind", "testdata.error.kind", "no-such-kind"},
		{"unknown preset", "?preset=nope", "testdata.error.preset", ""},
		{"unknown municipality", "?municipality=Atlantis", "testdata.error.municipality", "Atlantis"},
		{"age not a number", "?age_min=ten", "testdata.error.age", ""},
		{"age out of range", "?age_max=400", "testdata.error.age", ""},
		{"ages inverted", "?age_min=60&age_max=20", "testdata.error.age_range", ""},
		{"page", "?page=0", "testdata.error.page", ""},
		{"identity number in a value", "?municipality=12057900499", "testdata.error.nin", ""},
		{"identity number among digits", "?kind=x120579004991", "testdata.error.nin", ""},
		{"identity number as a key", "?12057900499=1", "testdata.error.nin", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &tlAudit{}
			p := serveTestdata(t, store, tt.query)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.status)
			}
			msg := tdAll(p.doc, tdTestID("testdata-error"))
			if len(msg) != 1 {
				t.Fatalf("%d messages, want 1", len(msg))
			}
			var args []any
			switch {
			case tt.echo != "":
				args = []any{tt.echo}
			case tt.key == "testdata.error.age":
				args = []any{maxTestdataAge}
			}
			want := i18n.TL(i18n.NB, tt.key, args...)
			if got := tdText(msg[0]); got != want {
				t.Errorf("message %q, want %q", got, want)
			}
			if strings.Contains(p.body, "12057900499") {
				t.Errorf("the identity number is echoed")
			}
			if n := len(p.rowNumbers()); n != 0 {
				t.Errorf("a refused query lists %d persons", n)
			}
			if len(store.events) != 0 {
				t.Errorf("a refused query is recorded")
			}
		})
	}
}

// TestTestdata_RowOpensByPost: each row opens its person through the
// search's POST form with the number in a hidden field and the CSRF token,
// and no link on the page carries an identity number (S15).
func TestTestdata_RowOpensByPost(t *testing.T) {
	p := serveTestdata(t, &tlAudit{}, "?kind=health-personnel")
	forms := tdAll(p.doc, tdTestID("testdata-lookup"))
	if len(forms) == 0 {
		t.Fatal("no lookup forms")
	}
	for _, f := range forms {
		if tdAttr(f, "method") != "post" || tdAttr(f, "action") != "/search" {
			t.Errorf("form %s %s, want post /search", tdAttr(f, "method"), tdAttr(f, "action"))
		}
		var q, tok string
		for _, in := range tdAll(f, func(n *html.Node) bool { return n.Data == "input" }) {
			if tdAttr(in, "type") != "hidden" {
				t.Errorf("a visible input in the row form")
			}
			switch tdAttr(in, "name") {
			case "q":
				q = tdAttr(in, "value")
			case "csrf_token":
				tok = tdAttr(in, "value")
			}
		}
		if len(q) != 11 || tok != tdToken {
			t.Errorf("form posts q=%q csrf=%q", q, tok)
		}
	}
	digits := regexp.MustCompile(`\d{11}`)
	for _, n := range tdAll(p.doc, func(n *html.Node) bool { return tdAttr(n, "href") != "" || tdAttr(n, "action") != "" }) {
		if digits.MatchString(tdAttr(n, "href") + tdAttr(n, "action")) {
			t.Errorf("<%s> carries an identity number in its URL", n.Data)
		}
	}
	if got := len(tdAll(p.doc, tdTestID("label-synthetic"))); got != len(forms) {
		t.Errorf("%d synthetic badges for %d rows", got, len(forms))
	}
}

// tdFailingStore fails every record.
type tdFailingStore struct{ tlAudit }

func (*tdFailingStore) Record(context.Context, audit.Event) (audit.Record, error) {
	return audit.Record{}, errors.New("store down")
}

// TestTestdata_AuditDown: no list without its record (S20).
func TestTestdata_AuditDown(t *testing.T) {
	p := serveTestdata(t, &tdFailingStore{}, "?kind=deceased")
	if p.status != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", p.status)
	}
}

// TestTestdata_EveryKindAndPresetIsWorded: a kind added to the population
// (synthetic.AllKinds) or a new preset needs its words in the catalog.
func TestTestdata_EveryKindAndPresetIsWorded(t *testing.T) {
	for _, k := range synthetic.AllKinds() {
		if !i18n.Has("testdata.kind." + msgKey(k)) {
			t.Errorf("kind %s has no message testdata.kind.%s", k, msgKey(k))
		}
	}
	for _, g := range synthetic.KindGroups() {
		if !i18n.Has("testdata.group." + g.ID) {
			t.Errorf("group %s has no message", g.ID)
		}
	}
	for _, s := range synthetic.Presets() {
		for _, key := range []string{"testdata.preset." + msgKey(s.ID), "testdata.preset." + msgKey(s.ID) + ".hint"} {
			if !i18n.Has(key) {
				t.Errorf("preset %s has no message %s", s.ID, key)
			}
		}
	}
}
