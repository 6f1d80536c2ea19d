package views

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/oppslag/oppslag/views/i18n"
)

// hprRender renders c in language l and parses it with scripting off, so
// the content of <noscript> is elements (as a browser without script sees
// it) rather than one text node.
func hprRender(t *testing.T, c templ.Component, l i18n.Lang) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(i18n.WithLang(context.Background(), l), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := html.ParseWithOptions(strings.NewReader(buf.String()), html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return buf.String(), doc
}

// hprRenderFragment parses a fragment in a <body> context, as htmx swaps
// it, with scripting off (see hprRender).
func hprRenderFragment(t *testing.T, c templ.Component, l i18n.Lang) (string, []*html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(i18n.WithLang(context.Background(), l), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragmentWithOptions(strings.NewReader(buf.String()), body, html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatalf("parse fragment: %v", err)
	}
	return buf.String(), nodes
}

// hprDate is a Norwegian date, which keyLike would take for a catalog key.
var hprDate = regexp.MustCompile(`^\d{1,2}\.\d{1,2}\.\d{4}$`)

// hprCheckNoKeys is checkNoCatalogKeys without its false alarm on dates
// such as "15.09.2026": no catalog key in the output, no text or label
// attribute shaped like a key that is not a date.
func hprCheckNoKeys(t *testing.T, out string, roots ...*html.Node) {
	t.Helper()
	for _, k := range i18n.Keys() {
		if strings.Contains(out, k) {
			t.Errorf("output contains catalog key %q", k)
		}
	}
	looksLikeKey := func(s string) bool {
		s = strings.TrimSpace(s)
		return keyLike.MatchString(s) && !hprDate.MatchString(s)
	}
	for _, n := range all(func(*html.Node) bool { return true }, roots...) {
		// <code> holds HPR's own field paths ("person.fornavn"), shown
		// verbatim on purpose: they look like keys and are not.
		if n.Type == html.ElementNode && n.Data == "code" {
			continue
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode && looksLikeKey(c.Data) {
				t.Errorf("text %q looks like a missing catalog key", c.Data)
			}
		}
		for _, a := range n.Attr {
			switch a.Key {
			case "aria-label", "title", "placeholder", "alt", "aria-description":
				if looksLikeKey(a.Val) {
					t.Errorf("%s=%q looks like a missing catalog key", a.Key, a.Val)
				}
			}
		}
	}
}

// hprCheckHeadings asserts one h1 in main, first, and no level skipped on
// the way down (axe heading-order).
func hprCheckHeadings(t *testing.T, doc *html.Node) {
	t.Helper()
	mains := all(byTag("main"), doc)
	if len(mains) != 1 {
		t.Fatalf("got %d <main>, want 1", len(mains))
	}
	var levels []int
	for _, h := range all(func(n *html.Node) bool {
		return len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '1' && n.Data[1] <= '6'
	}, mains[0]) {
		levels = append(levels, int(h.Data[1]-'0'))
		if text(h) == "" {
			t.Errorf("empty <%s>", h.Data)
		}
	}
	if len(levels) == 0 || levels[0] != 1 {
		t.Fatalf("headings %v, want an h1 first", levels)
	}
	h1 := 0
	for i, lv := range levels {
		if lv == 1 {
			h1++
		}
		if i > 0 && lv > levels[i-1]+1 {
			t.Errorf("heading levels %v: h%d follows h%d", levels, lv, levels[i-1])
		}
	}
	if h1 != 1 {
		t.Errorf("got %d h1, want 1", h1)
	}
}

// hprCheckIDs asserts ids are unique and every id reference (label for,
// aria-describedby, aria-labelledby) points at an element.
func hprCheckIDs(t *testing.T, roots ...*html.Node) {
	t.Helper()
	ids := map[string]int{}
	nodes := all(func(*html.Node) bool { return true }, roots...)
	for _, n := range nodes {
		if id, ok := attr(n, "id"); ok {
			ids[id]++
		}
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q used %d times", id, n)
		}
	}
	for _, n := range nodes {
		for _, a := range n.Attr {
			switch a.Key {
			case "for", "aria-describedby", "aria-labelledby":
				for _, ref := range strings.Fields(a.Val) {
					if ids[ref] == 0 {
						t.Errorf("<%s %s=%q>: no element with id %q", n.Data, a.Key, a.Val, ref)
					}
				}
			}
		}
	}
}

// hprCheckPage is what every HPR page must hold.
func hprCheckPage(t *testing.T, out string, doc *html.Node) {
	t.Helper()
	checkInert(t, out, doc)
	checkLabels(t, doc)
	hprCheckNoKeys(t, out, doc)
	hprCheckHeadings(t, doc)
	hprCheckIDs(t, doc)
}

// hprOne returns the one element with data-testid id under roots.
func hprOne(t *testing.T, id string, roots ...*html.Node) *html.Node {
	t.Helper()
	got := all(byAttr("data-testid", id), roots...)
	if len(got) != 1 {
		t.Fatalf("got %d data-testid=%q, want 1", len(got), id)
	}
	return got[0]
}

// hprCount is how many elements under roots have data-testid id.
func hprCount(id string, roots ...*html.Node) int {
	return len(all(byAttr("data-testid", id), roots...))
}

// hprNB is a context in bokmål, for wording a model as the page does.
var hprNB = i18n.WithLang(context.Background(), i18n.NB)

// hprDay is a day in Norwegian time.
func hprDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, i18n.Oslo()) }

// hprPer is a period whose ends are shown as given ("" for an open end).
func hprPer(from, to string) HPRPeriod {
	var p HPRPeriod
	if from != "" {
		p.From = Plain(from)
	}
	if to != "" {
		p.To = Plain(to)
	}
	return p
}

// hprExported is when the index's export was taken in the fixtures.
var hprExported = time.Date(2026, 11, 21, 6, 0, 0, 0, i18n.Oslo())

func hprBase() Base {
	return Base{User: signedIn(), CSRFToken: testToken, Path: "/hpr"}
}

func hprSearchModel() HPRSearch {
	return HPRSearch{
		Query:     "Hansen",
		Birth:     "01.02.1980",
		NINAction: "/hpr/nin",
		IndexInfo: Msg("hpr.index.info", DateTime(hprExported)),
		Searched:  true,
		Results: []HPRHit{
			{URL: "/hpr/1234567", Name: "Kari Hansen", Number: "1234567", Birth: HPRDay(hprDay(1980, 2, 1)), Categories: []HPRCategory{{Code: "LE"}}, StatusKind: "active"},
			{URL: "/hpr/7654321", Name: "Per Hansen", Number: "7654321", Categories: []HPRCategory{{Code: "SP"}}, StatusKind: "suspended"},
		},
		Truncated: true,
		BatchURL:  "/hpr/batch",
	}
}

func hprCardModel() HPRCard {
	return HPRCard{
		Name: "Kari Hansen", Number: "1234567",
		Birth: HPRDay(hprDay(1980, 2, 1)), Death: HPRDay(hprDay(2026, 9, 15)),
		ReplacedBy: &HPRLink{URL: "/hpr/9876543", Text: "9876543"},
		StatusKind: "active",
		Freshness:  Msg("hpr.freshness.cache", DateTime(time.Date(2026, 11, 21, 10, 42, 0, 0, i18n.Oslo()))),
		Stale:      true,
		StaleText:  Msg("hpr.stale", DateTime(time.Date(2026, 11, 21, 10, 42, 0, 0, i18n.Oslo()))),
		Limited:    &HPRLimit{Seconds: 42},
		SearchURL:  "/hpr?q=Hansen",
		Approvals: []HPRApproval{
			{
				Category: HPRCategory{Code: "LE", Name: "Lege"}, Authorization: "Autorisasjon", Period: HPRPeriod{From: HPRDay(hprDay(2010, 8, 1))},
				Valid:    true,
				Expiring: true, ExpiringText: Msg("hpr.expiring", 45, Date(hprDay(2026, 12, 31))),
				InternshipDate: HPRDay(hprDay(2011, 8, 1)),
				Specialities: []HPRRight{
					{Name: "Indremedisin", Period: hprPer("01.01.2018", ""), Valid: true},
					{Name: "Kardiologi", Period: hprPer("01.01.2019", "31.12.2020"), Ended: "Tilbakekalt",
						Reactions: []HPRPeriodRow{{Name: "Tilbakekall av spesialistgodkjenning", Period: hprPer("01.06.2020", ""), Active: true}}},
				},
				RequisitionRights: []HPRRight{{Name: "Rekvisisjonsrett for legemidler i gruppe A", Period: hprPer("01.08.2010", ""), Valid: true}},
				Competences:       []HPRRight{{Name: "Akupunktur", Period: hprPer("01.01.2015", "31.12.2016"), Ended: "Utløpt"}},
				Conditions:        []string{"Kan bare arbeide under veiledning"},
				Reactions:         []HPRPeriodRow{{Name: "Advarsel", Period: hprPer("01.03.2015", "01.03.2016")}},
			},
			{
				Category: HPRCategory{Code: "SP"}, Authorization: "Lisens", Period: hprPer("01.01.2005", "31.12.2009"),
				Ended: "Utløpt",
			},
		},
		Reactions: []HPRPeriodRow{
			{Name: "Suspensjon av autorisasjon", Period: hprPer("01.10.2026", ""), Active: true},
			{Name: "Tilbakekall av autorisasjon", Period: hprPer("01.01.2001", "01.01.2003")},
		},
	}
}

func hprBatchFormModel() HPRBatchForm {
	return HPRBatchForm{
		Action:    "/hpr/batch",
		Numbers:   "1234567\n7654321, 12x",
		Error:     Msg("hpr.error.batch.invalid", "12x"),
		Max:       2000,
		IndexInfo: Msg("hpr.index.info", DateTime(hprExported)),
	}
}

func hprBatchRunning() HPRBatch {
	return HPRBatch{
		URL: "/hpr/batch/b_1f2e", FormURL: "/hpr/batch",
		Checked: 312, Total: 2000,
	}
}

func hprBatchDone() HPRBatch {
	return HPRBatch{
		URL: "/hpr/batch/b_1f2e", CSVURL: "/hpr/batch/b_1f2e/csv", FormURL: "/hpr/batch",
		Done: true, Checked: 3, Total: 3,
		Source:  Msg("hpr.freshness.index", DateTime(hprExported)),
		Limited: &HPRLimit{Seconds: 30},
		Rows: []HPRBatchRow{
			{Number: "1234567", URL: "/hpr/1234567", Name: "Kari Hansen", Categories: []HPRCategory{{Code: "LE"}}, StatusKind: "active",
				Expiry: HPRDay(hprDay(2026, 12, 31)), Conditions: []string{"Kan bare arbeide under veiledning"}},
			{Number: "7654321", StatusKind: "notfound"},
			{Number: "1111111", StatusKind: "unchecked"},
		},
		Counts: []HPRCount{
			{Kind: "active", Count: 1},
			{Kind: "notfound", Count: 1},
			{Kind: "unchecked", Count: 1},
		},
	}
}

// hprComponents is every HPR page in a filled state.
func hprComponents() map[string]templ.Component {
	b := hprBase()
	return map[string]templ.Component{
		"search":        HPRSearchPage(b, hprSearchModel()),
		"card":          HPRCardPage(b, hprCardModel()),
		"batch form":    HPRBatchFormPage(b, hprBatchFormModel()),
		"batch running": HPRBatchPage(b, hprBatchRunning()),
		"batch done":    HPRBatchPage(b, hprBatchDone()),
	}
}

func TestHPRPagesInEveryLanguage(t *testing.T) {
	for _, l := range i18n.Supported() {
		for name, c := range hprComponents() {
			t.Run(string(l)+"/"+name, func(t *testing.T) {
				out, doc := hprRender(t, c, l)
				hprCheckPage(t, out, doc)
				if got, _ := attr(all(byTag("html"), doc)[0], "lang"); got != string(l) {
					t.Errorf("html lang = %q, want %q", got, l)
				}
			})
		}
	}
}

// TestS23_HPRPagesHaveNoStyleAttribute: the CSP allows no inline style, so
// the status colours, the progress bar and the card layout come from
// app.css only.
func TestS23_HPRPagesHaveNoStyleAttribute(t *testing.T) {
	cs := hprComponents()
	cs["progress running"] = HPRBatchProgress(hprBatchRunning())
	cs["progress done"] = HPRBatchProgress(hprBatchDone())
	for name, c := range cs {
		t.Run(name, func(t *testing.T) {
			out, nodes := hprRenderFragment(t, c, i18n.NB)
			if strings.Contains(strings.ToLower(out), "style=") {
				t.Errorf("output contains style=")
			}
			for _, n := range all(func(*html.Node) bool { return true }, nodes...) {
				if _, ok := attr(n, "style"); ok {
					t.Errorf("<%s> has a style attribute", n.Data)
				}
				if n.Data == "style" {
					t.Errorf("inline <style> element")
				}
			}
		})
	}
}

func TestHPRSearchPage(t *testing.T) {
	out, doc := hprRender(t, HPRSearchPage(hprBase(), hprSearchModel()), i18n.NB)
	hprCheckPage(t, out, doc)

	form := hprOne(t, "hpr-search-form", doc)
	if m, _ := attr(form, "method"); m != "get" {
		t.Errorf("search form method = %q, want get", m)
	}
	if a, _ := attr(form, "action"); a != "/hpr" {
		t.Errorf("search form action = %q, want /hpr", a)
	}
	// A GET form puts its fields in the URL: never the CSRF token (S15).
	if n := len(all(byAttr("name", "csrf_token"), form)); n != 0 {
		t.Errorf("GET form has %d csrf_token fields, want 0", n)
	}
	fields := []struct{ id, name, value, inputmode string }{
		{"hpr-q", "q", "Hansen", ""},
		{"hpr-birth", "birth", "01.02.1980", "numeric"},
	}
	for _, f := range fields {
		t.Run(f.id, func(t *testing.T) {
			els := all(byAttr("id", f.id), form)
			if len(els) != 1 || els[0].Data != "input" {
				t.Fatalf("want one <input id=%s> in the search form", f.id)
			}
			in := els[0]
			if got, _ := attr(in, "name"); got != f.name {
				t.Errorf("name = %q, want %q", got, f.name)
			}
			if got, _ := attr(in, "value"); got != f.value {
				t.Errorf("value = %q, want %q", got, f.value)
			}
			if got, _ := attr(in, "inputmode"); got != f.inputmode {
				t.Errorf("inputmode = %q, want %q", got, f.inputmode)
			}
			if _, ok := attr(in, "aria-invalid"); ok {
				t.Errorf("aria-invalid without an error")
			}
			if got, _ := attr(in, "aria-describedby"); got != f.id+"-hint" {
				t.Errorf("aria-describedby = %q, want %q", got, f.id+"-hint")
			}
		})
	}

	nin := hprOne(t, "hpr-nin-form", doc)
	checkPostForm(t, nin, "/hpr/nin", testToken)
	ninIn := all(byAttr("id", "hpr-nin"), nin)
	if len(ninIn) != 1 {
		t.Fatalf("want one #hpr-nin in the NIN form")
	}
	if got, _ := attr(ninIn[0], "name"); got != "nin" {
		t.Errorf("NIN field name = %q, want nin", got)
	}
	if got, _ := attr(ninIn[0], "autocomplete"); got != "off" {
		t.Errorf("NIN field autocomplete = %q, want off", got)
	}
	if _, ok := attr(ninIn[0], "value"); ok {
		t.Errorf("NIN field has a value attribute; an identity number is never written back")
	}
	if got, want := text(hprOne(t, "hpr-nin", doc)), i18n.TL(i18n.NB, "hpr.nin.note"); !strings.Contains(got, want) {
		t.Errorf("NIN section %q lacks the note %q", got, want)
	}

	if got, want := text(hprOne(t, "hpr-index-info", doc)), hprSearchModel().IndexInfo.Lang(i18n.NB); got != want {
		t.Errorf("index info = %q, want %q", got, want)
	}
	if href, _ := attr(hprOne(t, "hpr-batch-link", doc), "href"); href != "/hpr/batch" {
		t.Errorf("batch link = %q, want /hpr/batch", href)
	}

	table := hprOne(t, "hpr-results", doc)
	if got := len(all(byTag("th"), all(byTag("thead"), table)...)); got != 5 {
		t.Errorf("got %d column heads, want 5", got)
	}
	hits := all(byAttr("data-testid", "hpr-hit"), table)
	if len(hits) != 2 {
		t.Fatalf("got %d hits, want 2", len(hits))
	}
	for i, h := range hprSearchModel().Results {
		link := all(byAttr("data-testid", "hpr-hit-link"), hits[i])
		if len(link) != 1 {
			t.Fatalf("hit %d: want a link to the card", i)
		}
		if href, _ := attr(link[0], "href"); href != h.URL {
			t.Errorf("hit %d link = %q, want %q", i, href, h.URL)
		}
		tag := all(byAttr("data-testid", "hpr-hit-status"), hits[i])
		if len(tag) != 1 {
			t.Fatalf("hit %d: want one status tag", i)
		}
		if got, _ := attr(tag[0], "data-status"); got != h.StatusKind {
			t.Errorf("hit %d data-status = %q, want %q", i, got, h.StatusKind)
		}
		// The status is said in words, not by colour alone.
		if got, want := text(tag[0]), i18n.TL(i18n.NB, "hpr.status."+h.StatusKind); got != want {
			t.Errorf("hit %d status text = %q, want %q", i, got, want)
		}
	}
	if got, want := text(hits[0]), "01.02.1980"; !strings.Contains(got, want) {
		t.Errorf("hit with birth date %q lacks %q", got, want)
	}
	if got, want := text(hits[0]), i18n.TL(i18n.NB, "profession.le")+" (LE)"; !strings.Contains(got, want) {
		t.Errorf("hit %q lacks the category %q", got, want)
	}
	if got, want := text(hits[1]), i18n.TL(i18n.NB, "hpr.birth.unknown"); !strings.Contains(got, want) {
		t.Errorf("hit without birth date %q lacks %q", got, want)
	}
	hprOne(t, "hpr-truncated", doc)
	for _, id := range []string{"hpr-none", "hpr-limited", "error"} {
		if n := hprCount(id, doc); n != 0 {
			t.Errorf("got %d %s, want 0", n, id)
		}
	}
}

func TestHPRSearchPageStates(t *testing.T) {
	errData := ErrorData{Status: 502, Title: "HPR svarer ikke", Message: "Prøv igjen om litt.", CorrelationID: "c-502"}
	tests := []struct {
		name       string
		s          HPRSearch
		want       []string // testids that must be there
		wantAbsent []string
	}{
		{
			name:       "not searched",
			s:          HPRSearch{BatchURL: "/hpr/batch"},
			wantAbsent: []string{"hpr-result-area", "hpr-results", "hpr-none", "hpr-nin", "hpr-index-info"},
		},
		{
			name:       "no hits",
			s:          HPRSearch{Query: "Xyz", Searched: true},
			want:       []string{"hpr-result-area", "hpr-none"},
			wantAbsent: []string{"hpr-results", "hpr-truncated", "hpr-limited", "hpr-batch-link"},
		},
		{
			name:       "limited",
			s:          HPRSearch{Query: "1234567", Searched: true, Limited: &HPRLimit{Seconds: 42}},
			want:       []string{"hpr-limited"},
			wantAbsent: []string{"hpr-none", "hpr-results", "error"},
		},
		{
			name:       "error",
			s:          HPRSearch{Query: "1234567", Searched: true, Error: &errData},
			want:       []string{"error", "correlation-id"},
			wantAbsent: []string{"hpr-none", "hpr-results", "hpr-limited"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, doc := hprRender(t, HPRSearchPage(hprBase(), tt.s), i18n.NB)
			hprCheckPage(t, out, doc)
			for _, id := range tt.want {
				hprOne(t, id, doc)
			}
			for _, id := range tt.wantAbsent {
				if n := hprCount(id, doc); n != 0 {
					t.Errorf("got %d %s, want 0", n, id)
				}
			}
		})
	}
}

func TestHPRSearchPageFieldErrors(t *testing.T) {
	s := HPRSearch{
		Query: "H", Birth: "1.13.80", NINAction: "/hpr/nin",
		QueryError: Msg("hpr.error.query.short"),
		BirthError: Msg("hpr.error.birth"),
		NINError:   Msg("hpr.error.nin"),
	}
	out, doc := hprRender(t, HPRSearchPage(hprBase(), s), i18n.NB)
	hprCheckPage(t, out, doc)
	tests := []struct{ id, msg string }{
		{"hpr-q", s.QueryError.Lang(i18n.NB)},
		{"hpr-birth", s.BirthError.Lang(i18n.NB)},
		{"hpr-nin", s.NINError.Lang(i18n.NB)},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			in := all(byAttr("id", tt.id), doc)
			if len(in) != 1 {
				t.Fatalf("want one #%s", tt.id)
			}
			if got, _ := attr(in[0], "aria-invalid"); got != "true" {
				t.Errorf("aria-invalid = %q, want true", got)
			}
			desc, _ := attr(in[0], "aria-describedby")
			if !strings.Contains(" "+desc+" ", " "+tt.id+"-error ") {
				t.Errorf("aria-describedby = %q, want it to name %s-error", desc, tt.id)
			}
			msg := all(byAttr("id", tt.id+"-error"), doc)
			if len(msg) != 1 {
				t.Fatalf("want one #%s-error", tt.id)
			}
			if class, _ := attr(msg[0], "class"); !strings.Contains(class, "ds-validation-message") {
				t.Errorf("message class = %q, want ds-validation-message", class)
			}
			if got := text(msg[0]); got != tt.msg {
				t.Errorf("message = %q, want %q", got, tt.msg)
			}
		})
	}
}

func TestHPRSearchPageWithoutExtendedScope(t *testing.T) {
	s := hprSearchModel()
	s.NINAction = ""
	out, doc := hprRender(t, HPRSearchPage(hprBase(), s), i18n.NB)
	hprCheckPage(t, out, doc)
	for _, id := range []string{"hpr-nin", "hpr-nin-form", "hpr-nin-input"} {
		if n := hprCount(id, doc); n != 0 {
			t.Errorf("got %d %s, want 0", n, id)
		}
	}
	if n := len(all(byAttr("name", "nin"), doc)); n != 0 {
		t.Errorf("got %d fields named nin, want 0", n)
	}
	if n := len(all(byAttr("method", "post"), all(byTag("main"), doc)...)); n != 0 {
		t.Errorf("got %d POST forms in main, want 0", n)
	}
}

// TestS15_HPRQueryNeverEchoesIdentityNumber: an identity number typed
// into the name field is not written back into the page.
func TestS15_HPRQueryNeverEchoesIdentityNumber(t *testing.T) {
	tests := []struct{ query, want string }{
		{"01028012345", ""},
		{" 01028012345 ", ""},
		{"1234567", "1234567"},
		{"Kari Hansen", "Kari Hansen"},
		{"0102801234", "0102801234"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			s := HPRSearch{Query: tt.query, Searched: true, QueryError: Msg("hpr.error.query.nin")}
			out, doc := hprRender(t, HPRSearchPage(hprBase(), s), i18n.NB)
			in := all(byAttr("id", "hpr-q"), doc)
			if len(in) != 1 {
				t.Fatalf("want one #hpr-q")
			}
			if got, _ := attr(in[0], "value"); got != tt.want {
				t.Errorf("value = %q, want %q", got, tt.want)
			}
			if tt.want == "" && strings.Contains(out, strings.TrimSpace(tt.query)) {
				t.Errorf("output contains the identity number")
			}
		})
	}
}

func TestHPRCardPage(t *testing.T) {
	c := hprCardModel()
	out, doc := hprRender(t, HPRCardPage(hprBase(), c), i18n.NB)
	hprCheckPage(t, out, doc)

	if got := text(hprOne(t, "hpr-name", doc)); got != c.Name {
		t.Errorf("name = %q, want %q", got, c.Name)
	}
	if h1 := all(byTag("h1"), doc); len(h1) != 1 || text(h1[0]) != c.Name {
		t.Errorf("h1 is not the name")
	}
	if href, _ := attr(hprOne(t, "hpr-back", doc), "href"); href != c.SearchURL {
		t.Errorf("back link = %q, want %q", href, c.SearchURL)
	}
	facts := text(hprOne(t, "hpr-facts", doc))
	for _, want := range []string{c.Number, "01.02.1980", "15.09.2026", i18n.TL(i18n.NB, "hpr.card.death")} {
		if !strings.Contains(facts, want) {
			t.Errorf("facts %q lack %q", facts, want)
		}
	}
	st := hprOne(t, "hpr-status", doc)
	if got, _ := attr(st, "data-status"); got != "active" {
		t.Errorf("status data-status = %q, want active", got)
	}
	if got, want := text(st), i18n.TL(i18n.NB, "hpr.status.active"); got != want {
		t.Errorf("status text = %q, want %q", got, want)
	}
	if got, want := text(hprOne(t, "hpr-freshness", doc)), "Fra mellomlageret, hentet fra HPR 21.11.2026 kl. 10.42"; got != want {
		t.Errorf("freshness = %q, want %q", got, want)
	}
	stale := hprOne(t, "hpr-stale", doc)
	if got, _ := attr(stale, "data-color"); got != "warning" {
		t.Errorf("stale alert colour = %q, want warning", got)
	}
	if got := text(stale); !strings.Contains(got, c.StaleText.Lang(i18n.NB)) || !strings.Contains(got, i18n.TL(i18n.NB, "hpr.limited", 42)) {
		t.Errorf("stale alert %q lacks the stale text or the limit", got)
	}
	if n := hprCount("hpr-limited", stale); n != 1 {
		t.Errorf("got %d limit messages in the stale alert, want 1", n)
	}
	if n := hprCount("hpr-limited", doc); n != 1 {
		t.Errorf("got %d limit messages, want 1", n)
	}
	repl := hprOne(t, "hpr-replaced", doc)
	if links := all(byTag("a"), repl); len(links) != 1 {
		t.Errorf("replaced alert: got %d links, want 1", len(links))
	} else if href, _ := attr(links[0], "href"); href != "/hpr/9876543" {
		t.Errorf("replaced link = %q, want /hpr/9876543", href)
	}
	if got := text(repl); !strings.Contains(got, "9876543") {
		t.Errorf("replaced alert %q does not name the new number", got)
	}

	arts := all(byAttr("data-testid", "hpr-approval"), doc)
	if len(arts) != 2 {
		t.Fatalf("got %d approvals, want 2", len(arts))
	}
	wantApprovals := []struct {
		valid                                           string
		expiring, specialities, requisition, competence int
		conditions, reactions                           int
	}{
		{"true", 1, 2, 1, 1, 1, 2}, // its own reaction and one under a speciality
		{"false", 0, 0, 0, 0, 0, 0},
	}
	for i, w := range wantApprovals {
		a := arts[i]
		if a.Data != "article" {
			t.Errorf("approval %d is <%s>, want <article>", i, a.Data)
		}
		if got, _ := attr(a, "data-valid"); got != w.valid {
			t.Errorf("approval %d data-valid = %q, want %q", i, got, w.valid)
		}
		if h3 := all(byTag("h3"), a); len(h3) != 1 || !strings.Contains(text(h3[0]), hprCategoryText(hprNB, c.Approvals[i].Category)) ||
			!strings.Contains(text(h3[0]), c.Approvals[i].Authorization) {
			t.Errorf("approval %d: want one h3 naming category and authorisation", i)
		}
		if got := text(a); !strings.Contains(got, hprPeriodText(hprNB, c.Approvals[i].Period)) || !strings.Contains(got, hprValidText(hprNB, c.Approvals[i])) {
			t.Errorf("approval %d %q lacks period or validity", i, got)
		}
		counts := []struct {
			id   string
			want int
		}{
			{"hpr-expiring", w.expiring},
			{"hpr-speciality", w.specialities},
			{"hpr-specialities", min(w.specialities, 1)},
			{"hpr-requisition", w.requisition},
			{"hpr-requisition-rights", min(w.requisition, 1)},
			{"hpr-competence", w.competence},
			{"hpr-competences", min(w.competence, 1)},
			{"hpr-conditions", min(w.conditions, 1)},
			{"hpr-condition", w.conditions},
			{"hpr-reaction", w.reactions},
		}
		for _, cc := range counts {
			if got := hprCount(cc.id, a); got != cc.want {
				t.Errorf("approval %d: got %d %s, want %d", i, got, cc.id, cc.want)
			}
		}
	}
	exp := hprOne(t, "hpr-expiring", arts[0])
	if got := text(exp); !strings.Contains(got, "Utløper om 45 dager (31.12.2026)") {
		t.Errorf("expiring = %q", got)
	}
	if class, _ := attr(exp, "class"); !strings.Contains(class, "app-hpr-expiring") {
		t.Errorf("expiring class = %q, want app-hpr-expiring", class)
	}
	if got, want := text(all(byTag("h3"), arts[0])[0]), "Lege (LE) – Autorisasjon"; got != want {
		t.Errorf("approval 0 heading = %q, want %q", got, want)
	}
	if got := text(arts[0]); !strings.Contains(got, "01.08.2010 –") || !strings.Contains(got, "Gyldig i dag") {
		t.Errorf("approval 0 %q lacks its open period or its validity", got)
	}
	if got := text(arts[1]); !strings.Contains(got, "01.01.2005 – 31.12.2009") || !strings.Contains(got, "Ikke gyldig i dag") {
		t.Errorf("approval 1 %q lacks its period or its validity", got)
	}
	if got := text(arts[0]); !strings.Contains(got, "01.08.2011") || !strings.Contains(got, "Tilbakekalt") {
		t.Errorf("approval 0 %q lacks the internship date or the ended text", got)
	}
	if got := text(arts[1]); !strings.Contains(got, "Utløpt") {
		t.Errorf("approval 1 %q lacks its ended text", got)
	}
	specs := all(byAttr("data-testid", "hpr-speciality"), arts[0])
	for i, want := range []string{"true", "false"} {
		if got, _ := attr(specs[i], "data-valid"); got != want {
			t.Errorf("speciality %d data-valid = %q, want %q", i, got, want)
		}
	}
	if got, want := text(specs[0]), i18n.TL(i18n.NB, "hpr.valid.today"); !strings.Contains(got, want) {
		t.Errorf("valid speciality %q lacks %q", got, want)
	}
	if got, want := text(specs[1]), i18n.TL(i18n.NB, "hpr.valid.not"); !strings.Contains(got, want) {
		t.Errorf("ended speciality %q lacks %q", got, want)
	}

	person := hprOne(t, "hpr-person-reactions", doc)
	rows := all(byAttr("data-testid", "hpr-reaction"), person)
	if len(rows) != 2 {
		t.Fatalf("got %d person reactions, want 2", len(rows))
	}
	for i, want := range []struct{ active, text string }{
		{"true", i18n.TL(i18n.NB, "hpr.reaction.active")},
		{"false", i18n.TL(i18n.NB, "hpr.reaction.inactive")},
	} {
		if got, _ := attr(rows[i], "data-active"); got != want.active {
			t.Errorf("reaction %d data-active = %q, want %q", i, got, want.active)
		}
		if got := text(rows[i]); !strings.Contains(got, want.text) {
			t.Errorf("reaction %d %q lacks %q", i, got, want.text)
		}
	}
}

func TestHPRCardPageStates(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(*HPRCard)
		want       []string
		wantAbsent []string
	}{
		{
			name: "fresh and current",
			edit: func(c *HPRCard) {
				c.Stale, c.StaleText, c.Limited, c.ReplacedBy, c.Death = false, Text{}, nil, nil, Text{}
			},
			want:       []string{"hpr-freshness"},
			wantAbsent: []string{"hpr-stale", "hpr-limited", "hpr-replaced"},
		},
		{
			name:       "limited without a stale copy",
			edit:       func(c *HPRCard) { c.Stale, c.StaleText = false, Text{} },
			want:       []string{"hpr-limited"},
			wantAbsent: []string{"hpr-stale"},
		},
		{
			name:       "stale, not limited",
			edit:       func(c *HPRCard) { c.Limited = nil },
			want:       []string{"hpr-stale"},
			wantAbsent: []string{"hpr-limited"},
		},
		{
			name: "values that could not be read",
			edit: func(c *HPRCard) {
				c.Unread = []HPRUnread{{Path: "godkjenninger[0].periode.til", Value: "mars 2022"}, {Path: "person.fornavn", Value: "12345"}}
			},
			want: []string{"hpr-unread"},
		},
		{
			name:       "everything read",
			edit:       func(c *HPRCard) { c.Unread = nil },
			wantAbsent: []string{"hpr-unread", "hpr-unread-field"},
		},
		{
			name: "nothing registered",
			edit: func(c *HPRCard) { c.Approvals, c.Reactions = nil, nil },
			want: []string{"hpr-approvals-none", "hpr-person-reactions-none"},
			wantAbsent: []string{"hpr-approval", "hpr-reaction", "hpr-specialities",
				"hpr-requisition-rights", "hpr-competences", "hpr-conditions", "hpr-expiring"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := hprCardModel()
			tt.edit(&c)
			out, doc := hprRender(t, HPRCardPage(hprBase(), c), i18n.NB)
			hprCheckPage(t, out, doc)
			for _, id := range tt.want {
				hprOne(t, id, doc)
			}
			for _, id := range tt.wantAbsent {
				if n := hprCount(id, doc); n != 0 {
					t.Errorf("got %d %s, want 0", n, id)
				}
			}
		})
	}
}

func TestHPRBatchFormPage(t *testing.T) {
	f := hprBatchFormModel()
	out, doc := hprRender(t, HPRBatchFormPage(hprBase(), f), i18n.NB)
	hprCheckPage(t, out, doc)

	form := hprOne(t, "hpr-batch-form", doc)
	checkPostForm(t, form, f.Action, testToken)
	if got, _ := attr(form, "enctype"); got != "multipart/form-data" {
		t.Errorf("enctype = %q, want multipart/form-data", got)
	}
	ta := all(byAttr("id", "hpr-numbers"), form)
	if len(ta) != 1 || ta[0].Data != "textarea" {
		t.Fatalf("want one <textarea id=hpr-numbers>")
	}
	if got, _ := attr(ta[0], "name"); got != "numbers" {
		t.Errorf("textarea name = %q, want numbers", got)
	}
	if got := text(ta[0]); got != strings.Join(strings.Fields(f.Numbers), " ") {
		t.Errorf("textarea holds %q, want the pasted numbers back", got)
	}
	file := all(byAttr("name", "file"), form)
	if len(file) != 1 {
		t.Fatalf("want one file field")
	}
	if got, _ := attr(file[0], "type"); got != "file" {
		t.Errorf("file field type = %q, want file", got)
	}
	if got, _ := attr(file[0], "accept"); got != ".txt,.csv,text/plain,text/csv" {
		t.Errorf("accept = %q", got)
	}
	if got, want := text(all(byAttr("id", "hpr-numbers-hint"), doc)[0]), i18n.TL(i18n.NB, "hpr.batch.numbers.hint", f.Max); got != want {
		t.Errorf("hint = %q, want %q", got, want)
	}
	if got, want := text(hprOne(t, "hpr-batch-error", doc)), "Disse er ikke HPR-nummer: 12x"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	for _, in := range []*html.Node{ta[0], file[0]} {
		if desc, _ := attr(in, "aria-describedby"); !strings.Contains(desc, "hpr-batch-error") {
			t.Errorf("<%s> aria-describedby = %q, want it to name the error", in.Data, desc)
		}
	}
	hprOne(t, "hpr-index-info", doc)
	if sub := hprOne(t, "hpr-batch-submit", form); sub.Data != "button" {
		t.Errorf("submit is <%s>, want <button>", sub.Data)
	}

	t.Run("without error", func(t *testing.T) {
		f := hprBatchFormModel()
		f.Error, f.IndexInfo = Text{}, Text{}
		out, doc := hprRender(t, HPRBatchFormPage(hprBase(), f), i18n.NB)
		hprCheckPage(t, out, doc)
		for _, id := range []string{"hpr-batch-error", "hpr-index-info"} {
			if n := hprCount(id, doc); n != 0 {
				t.Errorf("got %d %s, want 0", n, id)
			}
		}
	})
}

func TestHPRBatchProgress(t *testing.T) {
	tests := []struct {
		name string
		d    HPRBatch
	}{
		{"running", hprBatchRunning()},
		{"done", hprBatchDone()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, nodes := hprRenderFragment(t, HPRBatchProgress(tt.d), i18n.NB)
			checkInert(t, out, nodes...)
			hprCheckNoKeys(t, out, nodes...)
			hprCheckIDs(t, nodes...)
			if len(nodes) != 1 {
				t.Fatalf("fragment has %d top-level nodes, want the region alone", len(nodes))
			}
			region := nodes[0]
			if region.Data != "section" {
				t.Errorf("region is <%s>, want <section>", region.Data)
			}
			if id, _ := attr(region, "id"); id != "hpr-batch-progress" {
				t.Errorf("region id = %q, want hpr-batch-progress", id)
			}
			if id, _ := attr(region, "data-testid"); id != "hpr-batch-progress" {
				t.Errorf("region data-testid = %q, want hpr-batch-progress", id)
			}

			// Polling only while running: the done answer stops it.
			wantHX := map[string]string{"hx-get": tt.d.URL, "hx-trigger": "every 1s", "hx-swap": "outerHTML"}
			for k, v := range wantHX {
				got, ok := attr(region, k)
				if tt.d.Done && ok {
					t.Errorf("done region has %s=%q", k, got)
				}
				if !tt.d.Done && got != v {
					t.Errorf("running region %s = %q, want %q", k, got, v)
				}
			}
			for _, n := range all(func(*html.Node) bool { return true }, nodes...) {
				for _, a := range n.Attr {
					if strings.HasPrefix(a.Key, "hx-") && n != region {
						t.Errorf("<%s> inside the region has %s", n.Data, a.Key)
					}
				}
			}

			status := all(byAttr("role", "status"), region)
			if want := hprProgressText(hprNB, tt.d); len(status) != 1 || text(status[0]) != want {
				t.Errorf("want one role=status with %q", want)
			}

			bars := all(byTag("progress"), region)
			refresh := all(byAttr("data-testid", "hpr-batch-refresh"), region)
			if tt.d.Done {
				if len(bars)+len(refresh) != 0 {
					t.Errorf("done: got %d progress bars and %d refresh links, want none", len(bars), len(refresh))
				}
				return
			}
			if len(bars) != 1 {
				t.Fatalf("running: got %d <progress>, want 1", len(bars))
			}
			if v, _ := attr(bars[0], "value"); v != "312" {
				t.Errorf("progress value = %q, want 312", v)
			}
			if m, _ := attr(bars[0], "max"); m != "2000" {
				t.Errorf("progress max = %q, want 2000", m)
			}
			checkLabels(t, region)
			if !labelled(region, bars[0]) {
				t.Errorf("<progress> has no label")
			}
			if len(refresh) != 1 {
				t.Fatalf("running: got %d refresh links, want 1", len(refresh))
			}
			if href, _ := attr(refresh[0], "href"); href != tt.d.URL {
				t.Errorf("refresh href = %q, want %q", href, tt.d.URL)
			}
			inNoscript := false
			for p := refresh[0].Parent; p != nil; p = p.Parent {
				if p.Data == "noscript" {
					inNoscript = true
				}
			}
			if !inNoscript {
				t.Errorf("refresh link is not inside <noscript>")
			}
		})
	}
}

func TestHPRBatchProgressValues(t *testing.T) {
	tests := []struct {
		checked, total int
		value, max     string
	}{
		{0, 10, "0", "10"},
		{10, 10, "10", "10"},
		{12, 10, "10", "10"}, // never beyond max
		{0, 0, "0", "1"},     // max must be positive
		{-1, 5, "0", "5"},
	}
	for _, tt := range tests {
		d := HPRBatch{Checked: tt.checked, Total: tt.total}
		if got := hprProgressValue(d); got != tt.value {
			t.Errorf("hprProgressValue(%d of %d) = %q, want %q", tt.checked, tt.total, got, tt.value)
		}
		if got := hprProgressMax(d); got != tt.max {
			t.Errorf("hprProgressMax(%d of %d) = %q, want %q", tt.checked, tt.total, got, tt.max)
		}
	}
}

func TestHPRLocalPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/hpr/batch/b_1", "/hpr/batch/b_1"},
		{"//evil.example/x", ""},
		{`/\evil.example`, ""},
		{"https://evil.example/", ""},
		{"javascript:alert(1)", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := hprLocalPath(tt.in); got != tt.want {
			t.Errorf("hprLocalPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHPRBatchPage(t *testing.T) {
	t.Run("running", func(t *testing.T) {
		d := hprBatchRunning()
		out, doc := hprRender(t, HPRBatchPage(hprBase(), d), i18n.NB)
		hprCheckPage(t, out, doc)
		if href, _ := attr(hprOne(t, "hpr-batch-new", doc), "href"); href != d.FormURL {
			t.Errorf("new check link = %q, want %q", href, d.FormURL)
		}
		hprOne(t, "hpr-batch-progress", doc)
		hprOne(t, "hpr-batch-refresh", doc)
		for _, id := range []string{"hpr-batch-table", "hpr-batch-csv", "hpr-batch-counts"} {
			if n := hprCount(id, doc); n != 0 {
				t.Errorf("running: got %d %s, want 0", n, id)
			}
		}
	})
	t.Run("done", func(t *testing.T) {
		d := hprBatchDone()
		out, doc := hprRender(t, HPRBatchPage(hprBase(), d), i18n.NB)
		hprCheckPage(t, out, doc)
		csv := hprOne(t, "hpr-batch-csv", doc)
		if href, _ := attr(csv, "href"); href != d.CSVURL {
			t.Errorf("CSV link = %q, want %q", href, d.CSVURL)
		}
		if _, ok := attr(csv, "download"); !ok {
			t.Errorf("CSV link lacks the download attribute")
		}
		if got, want := text(hprOne(t, "hpr-batch-source", doc)), d.Source.Lang(i18n.NB); got != want {
			t.Errorf("source = %q, want %q", got, want)
		}
		lim := hprOne(t, "hpr-limited", doc)
		if got, want := text(lim), i18n.TL(i18n.NB, "hpr.limited", 30); !strings.Contains(got, want) {
			t.Errorf("limit alert %q lacks %q", got, want)
		}
		counts := all(byAttr("data-testid", "hpr-batch-count"), hprOne(t, "hpr-batch-counts", doc))
		if len(counts) != len(d.Counts) {
			t.Fatalf("got %d counts, want %d", len(counts), len(d.Counts))
		}
		for i, c := range d.Counts {
			if got, want := text(counts[i]), hprStatusText(hprNB, c.Kind); !strings.Contains(got, want) || !strings.Contains(got, "1") {
				t.Errorf("count %d = %q, want %q and its number", i, got, want)
			}
		}
		table := hprOne(t, "hpr-batch-table", doc)
		var heads []string
		for _, th := range all(byTag("th"), all(byTag("thead"), table)...) {
			heads = append(heads, text(th))
		}
		wantHeads := []string{"hpr.col.number", "hpr.col.name", "hpr.col.category", "hpr.col.status", "hpr.col.expiry", "hpr.col.restrictions"}
		if len(heads) != len(wantHeads) {
			t.Fatalf("columns %v, want %d", heads, len(wantHeads))
		}
		for i, k := range wantHeads {
			if want := i18n.TL(i18n.NB, k); heads[i] != want {
				t.Errorf("column %d = %q, want %q", i, heads[i], want)
			}
		}
		rows := all(byAttr("data-testid", "hpr-batch-row"), table)
		if len(rows) != len(d.Rows) {
			t.Fatalf("got %d rows, want %d", len(rows), len(d.Rows))
		}
		if got := text(rows[0]); !strings.Contains(got, "Lege (LE)") || !strings.Contains(got, "31.12.2026") ||
			!strings.Contains(got, "Kan bare arbeide under veiledning") {
			t.Errorf("row 0 %q lacks its category, expiry or restriction", got)
		}
		for i, r := range d.Rows {
			if got, _ := attr(rows[i], "data-status"); got != r.StatusKind {
				t.Errorf("row %d data-status = %q, want %q", i, got, r.StatusKind)
			}
			if got := text(rows[i]); !strings.Contains(got, r.Number) || !strings.Contains(got, hprStatusText(hprNB, r.StatusKind)) {
				t.Errorf("row %d %q lacks number or status", i, got)
			}
			links := all(byTag("a"), rows[i])
			if r.URL == "" {
				if len(links) != 0 {
					t.Errorf("row %d without URL has %d links", i, len(links))
				}
				continue
			}
			if len(links) != 1 {
				t.Fatalf("row %d: got %d links, want 1", i, len(links))
			}
			if href, _ := attr(links[0], "href"); href != r.URL {
				t.Errorf("row %d link = %q, want %q", i, href, r.URL)
			}
		}
	})
}

// TestS25_HPRHostileStringsRenderInert: names, codes and texts from HPR
// are data; none of them becomes markup, a script, an htmx attribute or a
// javascript: link.
func TestS25_HPRHostileStringsRenderInert(t *testing.T) {
	hostile := []string{
		`"><img src=x onerror=alert(1)>`,
		`<script>alert(1)</script>`,
		`hx-get="/logout" hx-trigger="load"`,
		`javascript:alert(1)`,
	}
	for _, h := range hostile {
		t.Run(h, func(t *testing.T) {
			p := Plain(h)
			per := HPRPeriod{From: p, To: p}
			cats := []HPRCategory{{Code: h, Name: h}, {Name: h}}
			row := HPRPeriodRow{Name: h, Period: per, Active: true}
			right := HPRRight{Name: h, Period: per, Ended: h, Reactions: []HPRPeriodRow{row}}
			lim := &HPRLimit{Seconds: 1}
			comps := map[string]templ.Component{
				"search": HPRSearchPage(hprBase(), HPRSearch{
					Query: h, Birth: h, QueryError: p, BirthError: p, NINAction: h, NINError: p, IndexInfo: Msg("hpr.index.info", h),
					Searched: true, Limited: lim, BatchURL: h,
					Results: []HPRHit{{URL: h, Name: h, Number: h, Birth: p, Categories: cats, StatusKind: h}},
				}),
				"card": HPRCardPage(hprBase(), HPRCard{
					Name: h, Number: h, Birth: p, Death: p, ReplacedBy: &HPRLink{URL: h, Text: h},
					StatusKind: h, Freshness: Msg("hpr.freshness.live", h), Stale: true, StaleText: p, SearchURL: h, Limited: lim,
					Reactions: []HPRPeriodRow{row},
					Approvals: []HPRApproval{{
						Category: cats[0], Authorization: h, Period: per, Expiring: true, ExpiringText: Msg("hpr.expiring", 1, h),
						Ended: h, InternshipDate: p, Specialities: []HPRRight{right}, RequisitionRights: []HPRRight{right},
						Competences: []HPRRight{right}, Conditions: []string{h}, Reactions: []HPRPeriodRow{row},
					}},
				}),
				"batch form":    HPRBatchFormPage(hprBase(), HPRBatchForm{Action: h, Numbers: h, Error: p, IndexInfo: p}),
				"batch running": HPRBatchPage(hprBase(), HPRBatch{URL: h, FormURL: h, Total: 2}),
				"batch done": HPRBatchPage(hprBase(), HPRBatch{
					URL: h, CSVURL: h, FormURL: h, Done: true, Source: p, Limited: lim,
					Rows: []HPRBatchRow{{Number: h, URL: h, Name: h, Categories: cats, StatusKind: h, Expiry: p,
						Suspensions: []HPRPeriodRow{row}, Conditions: []string{h}}},
					Counts: []HPRCount{{Kind: h, Count: 1}},
				}),
			}
			for name, c := range comps {
				t.Run(name, func(t *testing.T) {
					out, doc := hprRender(t, c, i18n.NB)
					checkInert(t, out, doc)
					if n := len(all(byTag("img"), doc)); n != 0 {
						t.Errorf("got %d <img>, want 0", n)
					}
					if n := len(all(byTag("script"), doc)); n != 2 {
						t.Errorf("got %d <script>, want our 2", n)
					}
					for _, n := range all(func(*html.Node) bool { return true }, doc) {
						for _, a := range n.Attr {
							if !strings.HasPrefix(a.Key, "hx-") || a.Key == "hx-headers" {
								continue
							}
							if id, _ := attr(n, "id"); id != "hpr-batch-progress" {
								t.Errorf("<%s> got attribute %s", n.Data, a.Key)
							}
							if a.Key == "hx-get" && a.Val != "" {
								t.Errorf("hx-get = %q, want nothing for a URL that is not local", a.Val)
							}
						}
					}
				})
			}
		})
	}
}

// The unread values are listed with their paths and values as received, in
// every language, with no catalog key left untranslated.
func TestHPRCardPageUnread(t *testing.T) {
	c := hprCardModel()
	c.Unread = []HPRUnread{{Path: "godkjenninger[0].periode.til", Value: "mars 2022"}, {Path: "person.nin", Value: "***"}}
	for _, l := range []i18n.Lang{i18n.NB, i18n.NN, i18n.EN} {
		out, doc := hprRender(t, HPRCardPage(hprBase(), c), l)
		hprCheckPage(t, out, doc)
		block := hprOne(t, "hpr-unread", doc)
		if got := hprCount("hpr-unread-field", block); got != 2 {
			t.Fatalf("%s: %d unread rows, want 2", l, got)
		}
		for _, want := range []string{"godkjenninger[0].periode.til", "mars 2022", "person.nin", "***"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: page lacks %q", l, want)
			}
		}
	}
}

// TestHPRCategoryText: a code the catalog knows is named in the reader's
// language with its code; one it does not know keeps the register's name,
// marked new; a name without a code is shown as sent.
func TestHPRCategoryText(t *testing.T) {
	tests := []struct {
		name string
		c    HPRCategory
		lang i18n.Lang
		want string
	}{
		{"known code", HPRCategory{Code: "LE", Name: "Lege"}, i18n.NB, i18n.TL(i18n.NB, "profession.le") + " (LE)"},
		{"known code in English", HPRCategory{Code: "LE"}, i18n.EN, i18n.TL(i18n.EN, "profession.le") + " (LE)"},
		{"lower-case code", HPRCategory{Code: "sp"}, i18n.NB, i18n.TL(i18n.NB, "profession.sp") + " (sp)"},
		{"new code", HPRCategory{Code: "ZZ", Name: "Ny kategori"}, i18n.NB, "Ny kategori (ZZ, ny kode)"},
		{"new code without a name", HPRCategory{Code: "QQ"}, i18n.NB, "QQ (QQ, ny kode)"},
		{"name only", HPRCategory{Name: "Bare navn"}, i18n.EN, "Bare navn"},
		{"nothing", HPRCategory{}, i18n.NB, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hprCategoryText(i18n.WithLang(context.Background(), tt.lang), tt.c); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHPRCategoriesText(t *testing.T) {
	le := i18n.TL(i18n.NB, "profession.le") + " (LE)"
	sp := i18n.TL(i18n.NB, "profession.sp") + " (SP)"
	tests := []struct {
		name string
		cs   []HPRCategory
		want string
	}{
		{"none", nil, ""},
		{"in order", []HPRCategory{{Code: "LE"}, {Code: "SP"}}, le + ", " + sp},
		{"each once as the reader sees it", []HPRCategory{{Code: "LE"}, {Code: "SP"}, {Code: "LE", Name: "Lege"}}, le + ", " + sp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hprCategoriesText(hprNB, tt.cs); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHPRPeriodText(t *testing.T) {
	from, to := HPRDay(hprDay(2010, 8, 1)), HPRDay(hprDay(2026, 12, 31))
	unread := Msg("hpr.unread.value", "mars 2022")
	tests := []struct {
		name string
		p    HPRPeriod
		lang i18n.Lang
		want string
	}{
		{"closed", HPRPeriod{From: from, To: to}, i18n.NB, "01.08.2010 – 31.12.2026"},
		{"open end", HPRPeriod{From: from}, i18n.NB, "01.08.2010 –"},
		{"open start", HPRPeriod{To: to}, i18n.NB, "– 31.12.2026"},
		{"open both ways", HPRPeriod{}, i18n.NB, "–"},
		{"unreadable end, marked", HPRPeriod{From: unread}, i18n.NB, "mars 2022 — ukjent format –"},
		{"in English", HPRPeriod{From: from, To: to}, i18n.EN,
			strings.TrimSpace(i18n.TL(i18n.EN, "hpr.period", i18n.Date(i18n.EN, hprDay(2010, 8, 1)), i18n.Date(i18n.EN, hprDay(2026, 12, 31))))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hprPeriodText(i18n.WithLang(context.Background(), tt.lang), tt.p); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestHPRValidText: an approval under a suspension is never "valid today".
func TestHPRValidText(t *testing.T) {
	tests := []struct {
		name string
		a    HPRApproval
		key  string
	}{
		{"valid", HPRApproval{Valid: true}, "hpr.valid.today"},
		{"suspended", HPRApproval{Suspended: true}, "hpr.status.suspended"},
		{"suspended wins", HPRApproval{Valid: true, Suspended: true}, "hpr.status.suspended"},
		{"not valid", HPRApproval{}, "hpr.valid.not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := hprValidText(hprNB, tt.a), i18n.TL(i18n.NB, tt.key); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestHPRDay(t *testing.T) {
	day := hprDay(2026, 12, 7)
	for _, l := range i18n.Supported() {
		if got, want := HPRDay(day).Lang(l), i18n.Date(l, day); got != want {
			t.Errorf("%s: got %q, want %q", l, got, want)
		}
	}
}

// TestHPRBatchCSV: the download has the page's columns, worded in the
// reader's language.
func TestHPRBatchCSV(t *testing.T) {
	d := hprBatchDone()
	d.Rows[0].Suspensions = []HPRPeriodRow{{Name: "Suspensjon", Period: HPRPeriod{From: HPRDay(hprDay(2026, 1, 1))}, Active: true}}
	tests := []struct {
		lang    i18n.Lang
		head    string
		records [][]string
	}{
		{i18n.NB, "HPR-nummer|Navn|Kategori|Status|Utløper|Begrensninger", [][]string{
			{"1234567", "Kari Hansen", "Lege (LE)", "Gyldig autorisasjon/lisens", "31.12.2026",
				"Suspensjon (01.01.2026 –); Kan bare arbeide under veiledning"},
			{"7654321", "", "", "Finnes ikke i HPR", "", ""},
			{"1111111", "", "", "Ikke kontrollert – prøv igjen senere", "", ""},
		}},
		{i18n.EN, "HPR number|Name|Category|Status|Expires|Restrictions", [][]string{
			{"1234567", "Kari Hansen", "Physician (LE)", "Valid authorisation/licence", "31 Dec 2026",
				// Register values the catalog does not know are marked
				// as Norwegian in English (hprTermText).
				"Suspensjon (Norwegian term) (1 Jan 2026 –); Kan bare arbeide under veiledning (Norwegian term)"},
			{"7654321", "", "", "Not in HPR", "", ""},
			{"1111111", "", "", i18n.TL(i18n.EN, "hpr.status.unchecked"), "", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			head, records := HPRBatchCSV(i18n.WithLang(context.Background(), tt.lang), d)
			if got := strings.Join(head, "|"); got != tt.head {
				t.Errorf("head: got %q, want %q", got, tt.head)
			}
			if len(records) != len(tt.records) {
				t.Fatalf("got %d records, want %d", len(records), len(tt.records))
			}
			for i, want := range tt.records {
				if got := strings.Join(records[i], "|"); got != strings.Join(want, "|") {
					t.Errorf("record %d: got %q, want %q", i, got, strings.Join(want, "|"))
				}
			}
		})
	}
}
