package views

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/oppslag/oppslag/static"
	"github.com/oppslag/oppslag/views/i18n"
)

// render renders c in language l (and with a CSP nonce when nonce != "")
// into a buffer, the way a handler does, and parses the result.
func render(t *testing.T, c templ.Component, l i18n.Lang, nonce string) (string, *html.Node) {
	t.Helper()
	ctx := i18n.WithLang(context.Background(), l)
	if nonce != "" {
		ctx = templ.WithNonce(ctx, nonce)
	}
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := html.Parse(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return buf.String(), doc
}

// renderFragment parses a fragment in a <body> context, as htmx swaps it.
func renderFragment(t *testing.T, c templ.Component, l i18n.Lang) (string, []*html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(i18n.WithLang(context.Background(), l), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(buf.String()), body)
	if err != nil {
		t.Fatalf("parse fragment: %v", err)
	}
	return buf.String(), nodes
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// all returns every element under the roots, in document order, that match.
func all(match func(*html.Node) bool, roots ...*html.Node) []*html.Node {
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
	for _, r := range roots {
		walk(r)
	}
	return out
}

func byTag(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

func byAttr(key, val string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		v, ok := attr(n, key)
		return ok && v == val
	}
}

func text(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(sb.String()), " ")
}

func focusable(n *html.Node) bool {
	if _, disabled := attr(n, "disabled"); disabled {
		return false
	}
	if ti, ok := attr(n, "tabindex"); ok {
		return !strings.HasPrefix(ti, "-")
	}
	switch n.Data {
	case "a":
		_, ok := attr(n, "href")
		return ok
	case "button", "select", "textarea", "summary":
		return true
	case "input":
		typ, _ := attr(n, "type")
		return typ != "hidden"
	}
	return false
}

// inClosedDialog reports whether n sits in a <dialog> that is not open: its
// content is not in the tab order until the dialog opens.
func inClosedDialog(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "dialog" {
			_, open := attr(p, "open")
			return !open
		}
	}
	return false
}

const (
	testToken = `csrf-tok"<&>'en`
	testPath  = "/person/h_4f2a"
)

func signedIn() *UserHeader {
	return &UserHeader{Name: "Kari Nordmann", HPRNumber: "9144889", Professions: []string{"LE"}, Org: "123456789"}
}

type pageCase struct {
	name string
	b    Base
	c    func(Base) templ.Component
}

// pageCases is every full page in the states that change the frame.
func pageCases() []pageCase {
	errPage := func(e ErrorData) func(Base) templ.Component {
		return func(b Base) templ.Component { return ErrorPage(b, e) }
	}
	anon := Base{Path: "/"}
	demoAnon := Base{Path: "/", Demo: true}
	user := Base{User: signedIn(), CSRFToken: testToken, Path: testPath}
	demoUser := Base{User: signedIn(), CSRFToken: testToken, Path: testPath, Demo: true, Flash: "Språket er endret."}
	noHPR := Base{User: &UserHeader{Name: "Ola Admin"}, CSRFToken: testToken, Path: "/"}
	return []pageCase{
		{"welcome", anon, WelcomePage},
		{"welcome demo", demoAnon, WelcomePage},
		{"start", user, StartPage},
		{"start demo with flash", demoUser, StartPage},
		{"start without HPR number", noHPR, StartPage},
		{"signed out", anon, SignedOutPage},
		{"signed out demo", demoAnon, SignedOutPage},
		{"error 401 anonymous", anon, errPage(ErrorData{Status: 401, Title: "Du må logge inn", Message: "Logg inn.", CorrelationID: "c-401", ShowLogin: true})},
		{"error 500 signed in", user, errPage(ErrorData{Status: 500, Title: "Noe gikk galt", Message: "Prøv igjen.", CorrelationID: "c-500"})},
		{"error without reference", demoUser, errPage(ErrorData{Status: 404, Title: "Fant ikke siden", Message: "Borte."})},
	}
}

func TestPages(t *testing.T) {
	for _, l := range i18n.Supported() {
		for _, pc := range pageCases() {
			t.Run(string(l)+"/"+pc.name, func(t *testing.T) {
				out, doc := render(t, pc.c(pc.b), l, "")
				checkFrame(t, out, doc, pc.b, l)
			})
		}
	}
}

// checkFrame asserts what every page must hold whatever its content.
func checkFrame(t *testing.T, out string, doc *html.Node, b Base, l i18n.Lang) {
	t.Helper()

	if !strings.HasPrefix(strings.ToLower(out), "<!doctype html>") {
		t.Errorf("output does not start with <!doctype html>: %.40q", out)
	}

	htmlEl := all(byTag("html"), doc)
	if len(htmlEl) != 1 {
		t.Fatalf("got %d <html>, want 1", len(htmlEl))
	}
	if got, _ := attr(htmlEl[0], "lang"); got != i18n.Tag(l) {
		t.Errorf("html lang = %q, want %q", got, i18n.Tag(l))
	}

	if titles := all(byTag("title"), doc); len(titles) != 1 || text(titles[0]) == "" {
		t.Errorf("want one non-empty <title>, got %d", len(titles))
	}

	// Skip link first, pointing at a focusable main.
	var first *html.Node
	for _, n := range all(focusable, doc) {
		if !inClosedDialog(n) {
			first = n
			break
		}
	}
	if first == nil {
		t.Fatalf("no focusable element")
	}
	if href, _ := attr(first, "href"); first.Data != "a" || href != "#main" {
		t.Errorf("first focusable element is <%s href=%q>, want the skip link to #main", first.Data, href)
	}
	if class, _ := attr(first, "class"); class != "ds-skip-link" {
		t.Errorf("skip link class = %q, want ds-skip-link", class)
	}
	mains := all(byTag("main"), doc)
	if len(mains) != 1 {
		t.Fatalf("got %d <main>, want 1", len(mains))
	}
	if id, _ := attr(mains[0], "id"); id != "main" {
		t.Errorf("main id = %q, want main", id)
	}
	if ti, _ := attr(mains[0], "tabindex"); ti != "-1" {
		t.Errorf("main tabindex = %q, want -1", ti)
	}
	for _, tag := range []string{"header", "footer"} {
		if n := len(all(byTag(tag), doc)); n != 1 {
			t.Errorf("got %d <%s>, want 1", n, tag)
		}
	}

	// DEMO band iff Demo.
	bands := all(byAttr("data-testid", "demo-band"), doc)
	if b.Demo {
		if len(bands) != 1 {
			t.Fatalf("Demo: got %d demo bands, want 1", len(bands))
		}
		if role, _ := attr(bands[0], "role"); role != "note" {
			t.Errorf("demo band role = %q, want note", role)
		}
		if got, want := text(bands[0]), i18n.TL(l, "demo.band"); got != want {
			t.Errorf("demo band text = %q, want %q", got, want)
		}
	} else if len(bands) != 0 {
		t.Errorf("not Demo: got %d demo bands, want 0", len(bands))
	}

	// hx-headers only with a token, only on <body>, valid JSON.
	withHeaders := all(func(n *html.Node) bool { _, ok := attr(n, "hx-headers"); return ok }, doc)
	if b.CSRFToken == "" {
		if len(withHeaders) != 0 {
			t.Errorf("no token: got hx-headers on %d elements, want none", len(withHeaders))
		}
	} else {
		if len(withHeaders) != 1 || withHeaders[0].Data != "body" {
			t.Fatalf("with token: want hx-headers on <body> only, got %d elements", len(withHeaders))
		}
		v, _ := attr(withHeaders[0], "hx-headers")
		var h map[string]string
		if err := json.Unmarshal([]byte(v), &h); err != nil {
			t.Fatalf("hx-headers %q is not JSON: %v", v, err)
		}
		if got := h["X-CSRF-Token"]; got != b.CSRFToken || len(h) != 1 {
			t.Errorf("hx-headers = %v, want only X-CSRF-Token %q", h, b.CSRFToken)
		}
	}

	// htmx locked down (S24).
	checkHtmxConfig(t, doc)

	// User box, logout and HPR line iff signed in.
	users := all(byAttr("data-testid", "user"), doc)
	logouts := all(byAttr("data-testid", "logout"), doc)
	if b.User == nil {
		if len(users)+len(logouts) != 0 {
			t.Errorf("anonymous: got user box or logout form")
		}
	} else {
		if len(users) != 1 || len(logouts) != 1 {
			t.Fatalf("signed in: got %d user boxes, %d logout forms; want 1, 1", len(users), len(logouts))
		}
		got := text(users[0])
		wants := []string{b.User.Name}
		if len(b.User.Professions) > 0 {
			wants = append(wants, professionsText(i18n.WithLang(context.Background(), l), b.User.Professions))
		}
		if b.User.Org != "" {
			wants = append(wants, OrgText(i18n.WithLang(context.Background(), l), b.User.Org))
		}
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("user box %q lacks %q", got, want)
			}
		}
		wantHPR := i18n.TL(l, "user.hpr", b.User.HPRNumber)
		if b.User.HPRNumber == "" {
			wantHPR = i18n.TL(l, "user.no_hpr")
		}
		if hpr := all(byAttr("data-testid", "user-hpr"), doc); len(hpr) != 1 || text(hpr[0]) != wantHPR {
			t.Errorf("HPR line: want %q", wantHPR)
		}
		checkPostForm(t, logouts[0], "/logout", b.CSRFToken)
	}

	// Language switch: a plain POST form, current language selected,
	// options in their own language, return path kept.
	langs := all(byAttr("data-testid", "lang-form"), doc)
	if len(langs) != 1 {
		t.Fatalf("got %d language forms, want 1", len(langs))
	}
	checkPostForm(t, langs[0], "/lang", b.CSRFToken)
	opts := all(byTag("option"), langs[0])
	if len(opts) != len(i18n.Supported()) {
		t.Fatalf("got %d language options, want %d", len(opts), len(i18n.Supported()))
	}
	for i, o := range opts {
		want := i18n.Supported()[i]
		if v, _ := attr(o, "value"); v != string(want) {
			t.Errorf("option %d value = %q, want %q", i, v, want)
		}
		if lang, _ := attr(o, "lang"); lang != i18n.Tag(want) {
			t.Errorf("option %d lang = %q, want %q", i, lang, want)
		}
		if got := text(o); got != i18n.Autonym(want) {
			t.Errorf("option %d text = %q, want %q", i, got, i18n.Autonym(want))
		}
		if _, sel := attr(o, "selected"); sel != (want == l) {
			t.Errorf("option %q selected = %v, want %v", want, sel, want == l)
		}
	}
	if sels := all(byTag("select"), langs[0]); len(sels) != 1 || !labelled(doc, sels[0]) {
		t.Errorf("language select missing or without a label")
	}
	wantReturn := b.Path
	if wantReturn == "" {
		wantReturn = "/"
	}
	if got := hiddenValue(langs[0], "return"); got != wantReturn {
		t.Errorf("return = %q, want %q", got, wantReturn)
	}

	// Shortcut help.
	dialogs := all(byAttr("id", "shortcuts"), doc)
	if len(dialogs) != 1 || dialogs[0].Data != "dialog" {
		t.Fatalf("want one <dialog id=shortcuts>")
	}
	kbds := all(byTag("kbd"), dialogs[0])
	var keys []string
	for _, k := range kbds {
		keys = append(keys, text(k))
	}
	if !slices.Equal(keys, []string{"/", "?"}) {
		t.Errorf("shortcut keys = %v, want [/ ?]", keys)
	}

	checkInert(t, out, doc)
	checkNoCatalogKeys(t, out, doc)
	checkAssets(t, doc)
	checkLabels(t, doc)
}

func checkHtmxConfig(t *testing.T, doc *html.Node) {
	t.Helper()
	metas := all(byAttr("name", "htmx-config"), doc)
	if len(metas) != 1 {
		t.Fatalf("got %d htmx-config metas, want 1", len(metas))
	}
	v, _ := attr(metas[0], "content")
	var cfg map[string]any
	if err := json.Unmarshal([]byte(v), &cfg); err != nil {
		t.Fatalf("htmx-config %q is not JSON: %v", v, err)
	}
	want := map[string]any{
		"allowEval":              false,
		"allowScriptTags":        false,
		"selfRequestsOnly":       true,
		"historyCacheSize":       float64(0),
		"includeIndicatorStyles": false,
		"refreshOnHistoryMiss":   true,
	}
	for k, w := range want {
		if got, ok := cfg[k]; !ok || got != w {
			t.Errorf("htmx-config %s = %v, want %v", k, got, w)
		}
	}
}

// checkPostForm asserts a POST form to action carrying the CSRF token iff
// there is one.
func checkPostForm(t *testing.T, form *html.Node, action, token string) {
	t.Helper()
	if m, _ := attr(form, "method"); m != "post" {
		t.Errorf("form %s method = %q, want post", action, m)
	}
	if a, _ := attr(form, "action"); a != action {
		t.Errorf("form action = %q, want %q", a, action)
	}
	if got := hiddenValue(form, "csrf_token"); got != token {
		t.Errorf("form %s csrf_token = %q, want %q", action, got, token)
	}
	if n := len(all(func(n *html.Node) bool {
		typ, _ := attr(n, "type")
		return n.Data == "button" && typ == "submit"
	}, form)); n != 1 {
		t.Errorf("form %s: got %d submit buttons, want 1", action, n)
	}
}

func hiddenValue(form *html.Node, name string) string {
	for _, in := range all(byAttr("name", name), form) {
		if typ, _ := attr(in, "type"); in.Data == "input" && typ == "hidden" {
			v, _ := attr(in, "value")
			return v
		}
	}
	return ""
}

// labelled reports whether a form control has an accessible name.
func labelled(doc, n *html.Node) bool {
	if v, ok := attr(n, "aria-label"); ok && v != "" {
		return true
	}
	id, _ := attr(n, "id")
	if id == "" {
		return false
	}
	for _, l := range all(byTag("label"), doc) {
		if f, _ := attr(l, "for"); f == id && text(l) != "" {
			return true
		}
	}
	return false
}

// checkLabels asserts every visible form control and every button has an
// accessible name (WCAG 1.3.1, 4.1.2).
func checkLabels(t *testing.T, doc *html.Node) {
	t.Helper()
	for _, n := range all(func(n *html.Node) bool {
		typ, _ := attr(n, "type")
		return (n.Data == "input" && typ != "hidden") || n.Data == "select" || n.Data == "textarea"
	}, doc) {
		if !labelled(doc, n) {
			id, _ := attr(n, "id")
			t.Errorf("<%s id=%q> has no label", n.Data, id)
		}
	}
	for _, n := range all(byTag("button"), doc) {
		if text(n) == "" {
			if v, _ := attr(n, "aria-label"); v == "" {
				t.Errorf("button without a name")
			}
		}
	}
}

// checkInert asserts the CSP-relevant shape (S23): no inline style or
// script, no event-handler attributes, no javascript: URLs.
func checkInert(t *testing.T, out string, roots ...*html.Node) {
	t.Helper()
	for _, n := range all(func(*html.Node) bool { return true }, roots...) {
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			switch {
			case k == "style":
				t.Errorf("<%s> has a style attribute", n.Data)
			case strings.HasPrefix(k, "on"):
				t.Errorf("<%s> has an event handler attribute %s", n.Data, a.Key)
			case (k == "href" || k == "src" || k == "action" || k == "formaction") &&
				strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
				t.Errorf("<%s %s> is a javascript: URL", n.Data, a.Key)
			case strings.HasPrefix(k, "hx-on"):
				t.Errorf("<%s> has %s", n.Data, a.Key)
			}
		}
		switch n.Data {
		case "style":
			t.Errorf("inline <style> element")
		case "script":
			if src, _ := attr(n, "src"); src == "" {
				t.Errorf("inline <script> without src")
			}
			if n.FirstChild != nil {
				t.Errorf("<script> with a body")
			}
		}
	}
	if strings.Contains(strings.ToLower(out), " style=") {
		t.Errorf("output contains a style= attribute")
	}
}

// keyLike matches a text that is nothing but a catalog-style key, which is
// what i18n.T returns for a missing key.
var keyLike = regexp.MustCompile(`^[a-z0-9]+(\.[a-z0-9_]+)+$`)

// checkNoCatalogKeys asserts no key leaked into the page instead of a message.
func checkNoCatalogKeys(t *testing.T, out string, roots ...*html.Node) {
	t.Helper()
	for _, k := range i18n.Keys() {
		if strings.Contains(out, k) {
			t.Errorf("output contains catalog key %q", k)
		}
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if s := strings.TrimSpace(n.Data); keyLike.MatchString(s) {
				t.Errorf("text %q looks like a missing catalog key", s)
			}
		case html.ElementNode:
			for _, a := range n.Attr {
				switch a.Key {
				case "aria-label", "title", "placeholder", "alt", "aria-description":
					if keyLike.MatchString(strings.TrimSpace(a.Val)) {
						t.Errorf("%s=%q looks like a missing catalog key", a.Key, a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, r := range roots {
		walk(r)
	}
}

// checkAssets asserts every stylesheet and script is a content-hashed
// /static/ URL that the static handler really serves.
func checkAssets(t *testing.T, doc *html.Node) {
	t.Helper()
	h := static.Handler()
	var urls []string
	for _, n := range all(byAttr("rel", "stylesheet"), doc) {
		href, _ := attr(n, "href")
		urls = append(urls, href)
	}
	for _, n := range all(byTag("script"), doc) {
		src, _ := attr(n, "src")
		urls = append(urls, src)
		if _, ok := attr(n, "defer"); !ok {
			t.Errorf("script %s not deferred", src)
		}
	}
	if len(urls) < 2 {
		t.Fatalf("got %d asset URLs, want stylesheets and scripts", len(urls))
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, static.Prefix) {
			t.Errorf("asset %q not under %s", u, static.Prefix)
			continue
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", u, rec.Code)
		}
		if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s Cache-Control = %q, want a hashed, immutable asset", u, cc)
		}
	}
}

func TestStartPageSearchForm(t *testing.T) {
	b := Base{User: signedIn(), CSRFToken: testToken, Path: "/"}
	for _, l := range i18n.Supported() {
		t.Run(string(l), func(t *testing.T) {
			_, doc := render(t, StartPage(b), l, "")
			forms := all(byAttr("data-testid", "search-form"), doc)
			if len(forms) != 1 {
				t.Fatalf("got %d search forms, want 1", len(forms))
			}
			checkPostForm(t, forms[0], "/search", testToken)
			qs := all(byAttr("id", "search-q"), doc)
			if len(qs) != 1 {
				t.Fatalf("got %d #search-q, want 1", len(qs))
			}
			q := qs[0]
			if name, _ := attr(q, "name"); q.Data != "input" || name != "q" {
				t.Errorf("#search-q is <%s name=%q>, want <input name=q>", q.Data, name)
			}
			if !labelled(doc, q) {
				t.Errorf("#search-q has no label")
			}
			// The number typed must not stay in the browser's form history (S15).
			if ac, _ := attr(q, "autocomplete"); ac != "off" {
				t.Errorf("#search-q autocomplete = %q, want off", ac)
			}
			hintID, _ := attr(q, "aria-describedby")
			hints := all(byAttr("id", hintID), doc)
			if hintID == "" || len(hints) != 1 || text(hints[0]) != i18n.TL(l, "search.hint") {
				t.Errorf("#search-q hint missing or wrong")
			}
			titles := all(byTag("title"), doc)
			if got, want := text(titles[0]), i18n.TL(l, "page.title", i18n.TL(l, "start.title")); got != want {
				t.Errorf("title = %q, want %q", got, want)
			}
		})
	}
}

func TestWelcomePageLogin(t *testing.T) {
	for _, l := range i18n.Supported() {
		t.Run(string(l), func(t *testing.T) {
			_, doc := render(t, WelcomePage(Base{Path: "/"}), l, "")
			links := all(byAttr("data-testid", "login"), doc)
			if len(links) != 1 {
				t.Fatalf("got %d login links, want 1", len(links))
			}
			if href, _ := attr(links[0], "href"); href != "/login" {
				t.Errorf("login href = %q, want /login", href)
			}
			if got, want := text(links[0]), i18n.TL(l, "welcome.login"); got != want {
				t.Errorf("login text = %q, want %q", got, want)
			}
			if n := len(all(byTag("h1"), doc)); n != 1 {
				t.Errorf("got %d <h1>, want 1", n)
			}
			if got, want := text(all(byTag("title"), doc)[0]), i18n.TL(l, "app.name"); got != want {
				t.Errorf("title = %q, want %q", got, want)
			}
		})
	}
}

func TestErrorPage(t *testing.T) {
	tests := []struct {
		name      string
		e         ErrorData
		wantLogin bool
	}{
		{"401 offers login", ErrorData{Status: 401, Title: "T", Message: "M", CorrelationID: "01JCX9", ShowLogin: true}, true},
		{"500 links home", ErrorData{Status: 500, Title: "T", Message: "M", CorrelationID: "01JCX9"}, false},
	}
	for _, l := range i18n.Supported() {
		for _, tt := range tests {
			t.Run(string(l)+"/"+tt.name, func(t *testing.T) {
				_, doc := render(t, ErrorPage(Base{}, tt.e), l, "")
				refs := all(byAttr("data-testid", "correlation-id"), doc)
				if want := i18n.TL(l, "error.reference", tt.e.CorrelationID); len(refs) != 1 || text(refs[0]) != want {
					t.Errorf("reference: want one %q", want)
				}
				if got := len(all(byAttr("data-testid", "login"), doc)); (got == 1) != tt.wantLogin {
					t.Errorf("got %d login links, want login %v", got, tt.wantLogin)
				}
				if got := text(all(byTag("h1"), doc)[0]); got != tt.e.Title {
					t.Errorf("h1 = %q, want %q", got, tt.e.Title)
				}
				if got, want := text(all(byTag("title"), doc)[0]), i18n.TL(l, "page.title", tt.e.Title); got != want {
					t.Errorf("title = %q, want %q", got, want)
				}
			})
		}
	}
}

func TestErrorFragment(t *testing.T) {
	tests := []struct {
		name      string
		e         ErrorData
		wantColor string
	}{
		{"upstream failure", ErrorData{Status: 502, Title: "T", Message: "M", CorrelationID: "c-1"}, "danger"},
		{"expired session", ErrorData{Status: 401, Title: "T", Message: "M", CorrelationID: "c-2", ShowLogin: true}, "warning"},
		{"no reference", ErrorData{Status: 500, Title: "T", Message: "M"}, "danger"},
	}
	for _, l := range i18n.Supported() {
		for _, tt := range tests {
			t.Run(string(l)+"/"+tt.name, func(t *testing.T) {
				out, nodes := renderFragment(t, ErrorFragment(tt.e), l)
				if strings.Contains(strings.ToLower(out), "<html") || strings.Contains(strings.ToLower(out), "<!doctype") {
					t.Errorf("fragment renders a whole page")
				}
				var roots []*html.Node
				for _, n := range nodes {
					if n.Type == html.ElementNode {
						roots = append(roots, n)
					}
				}
				if len(roots) != 1 {
					t.Fatalf("got %d root elements, want 1", len(roots))
				}
				root := roots[0]
				if role, _ := attr(root, "role"); role != "alert" {
					t.Errorf("role = %q, want alert", role)
				}
				if c, _ := attr(root, "data-color"); c != tt.wantColor {
					t.Errorf("data-color = %q, want %q", c, tt.wantColor)
				}
				got := text(root)
				for _, want := range []string{tt.e.Title, tt.e.Message} {
					if !strings.Contains(got, want) {
						t.Errorf("fragment %q lacks %q", got, want)
					}
				}
				refs := all(byAttr("data-testid", "correlation-id"), root)
				if tt.e.CorrelationID == "" {
					if len(refs) != 0 {
						t.Errorf("reference shown without a correlation id")
					}
				} else if len(refs) != 1 || text(refs[0]) != i18n.TL(l, "error.reference", tt.e.CorrelationID) {
					t.Errorf("reference missing or wrong")
				}
				if got := len(all(byAttr("data-testid", "login"), root)); (got == 1) != tt.e.ShowLogin {
					t.Errorf("got %d login links, want login %v", got, tt.e.ShowLogin)
				}
				checkInert(t, out, roots...)
				checkNoCatalogKeys(t, out, roots...)
			})
		}
	}
}

func TestStatusError(t *testing.T) {
	tests := []struct {
		status    int
		wantKey   string
		wantLogin bool
	}{
		{400, "400", false},
		{401, "401", true},
		{403, "403", false},
		{404, "404", false},
		{405, "405", false},
		{409, "400", false},
		{422, "400", false},
		{429, "429", false},
		{500, "500", false},
		{501, "500", false},
		{502, "502", false},
		{503, "503", false},
		{504, "504", false},
		{0, "500", false},
	}
	for _, l := range i18n.Supported() {
		ctx := i18n.WithLang(context.Background(), l)
		for _, tt := range tests {
			t.Run(string(l)+"/"+http.StatusText(tt.status), func(t *testing.T) {
				e := StatusError(ctx, tt.status, "cid-1")
				if want := i18n.TL(l, "error."+tt.wantKey+".title"); e.Title != want {
					t.Errorf("Title = %q, want %q", e.Title, want)
				}
				if want := i18n.TL(l, "error."+tt.wantKey+".message"); e.Message != want {
					t.Errorf("Message = %q, want %q", e.Message, want)
				}
				if keyLike.MatchString(e.Title) || keyLike.MatchString(e.Message) {
					t.Errorf("missing catalog text: %q / %q", e.Title, e.Message)
				}
				if e.Status != tt.status || e.CorrelationID != "cid-1" || e.ShowLogin != tt.wantLogin {
					t.Errorf("got %+v", e)
				}
			})
		}
	}
}

func TestScriptNonce(t *testing.T) {
	tests := []struct {
		name  string
		nonce string
	}{
		{"with nonce", "bm9uY2UtMTIz"},
		{"without nonce", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, doc := render(t, WelcomePage(Base{}), i18n.NB, tt.nonce)
			scripts := all(byTag("script"), doc)
			if len(scripts) == 0 {
				t.Fatalf("no scripts")
			}
			for _, s := range scripts {
				got, ok := attr(s, "nonce")
				if tt.nonce == "" && ok {
					t.Errorf("nonce=%q without a nonce in the context", got)
				}
				if tt.nonce != "" && got != tt.nonce {
					t.Errorf("nonce = %q, want %q", got, tt.nonce)
				}
			}
		})
	}
}

// TestS15_CSRFTokenOnlyWhereNeeded: the session's CSRF token appears only in
// the hidden csrf_token fields and the hx-headers of <body>, never in a link.
func TestS15_CSRFTokenOnlyWhereNeeded(t *testing.T) {
	const tok = "tok-5b1e0c"
	b := Base{User: signedIn(), CSRFToken: tok, Path: "/", Demo: true}
	_, doc := render(t, StartPage(b), i18n.NB, "")
	for _, n := range all(func(*html.Node) bool { return true }, doc) {
		for _, a := range n.Attr {
			if !strings.Contains(a.Val, tok) {
				continue
			}
			name, _ := attr(n, "name")
			switch {
			case n.Data == "input" && name == "csrf_token" && a.Key == "value":
			case n.Data == "body" && a.Key == "hx-headers":
			default:
				t.Errorf("token in <%s %s=%q>", n.Data, a.Key, a.Val)
			}
		}
	}
}

// TestS25_HostileStringsRenderInert: what the upstreams or HelseID send
// (names, organisation texts) is escaped by templ, never markup.
func TestS25_HostileStringsRenderInert(t *testing.T) {
	hostile := []string{
		`"><img src=x onerror=alert(1)>`,
		`<script>alert(1)</script>`,
		`hx-get="/logout" hx-trigger="load"`,
		`javascript:alert(1)`,
	}
	for _, h := range hostile {
		t.Run(h, func(t *testing.T) {
			b := Base{
				Title:     Plain(h),
				User:      &UserHeader{Name: h, HPRNumber: h, Professions: []string{h}, Org: h},
				CSRFToken: h,
				Path:      h,
				Flash:     h,
				Demo:      true,
			}
			out, doc := render(t, ErrorPage(b, ErrorData{Status: 500, Title: h, Message: h, CorrelationID: h}), i18n.NB, "")
			checkInert(t, out, doc)
			if n := len(all(byTag("img"), doc)); n != 0 {
				t.Errorf("got %d <img>, want 0", n)
			}
			if n := len(all(byTag("script"), doc)); n != 2 {
				t.Errorf("got %d <script>, want our 2", n)
			}
			for _, n := range all(func(*html.Node) bool { return true }, doc) {
				for _, a := range n.Attr {
					if strings.HasPrefix(a.Key, "hx-") && a.Key != "hx-headers" {
						t.Errorf("<%s> got attribute %s", n.Data, a.Key)
					}
				}
			}
		})
	}
}

// templSources returns the hand-written sources of this package: the .templ
// files and the Go files that are not generated or tests.
func templSources(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.templ")
	if err != nil {
		t.Fatal(err)
	}
	gofiles, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range gofiles {
		if !strings.HasSuffix(f, "_templ.go") && !strings.HasSuffix(f, "_test.go") {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		t.Fatal("no sources found")
	}
	out := make(map[string]string, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = string(b)
	}
	return out
}

// TestStaticPathTargetsExist walks every static.Path("…") call in the views
// and checks the file is embedded: hashfs quietly returns the plain name for
// a missing file, which would 404 in the browser.
func TestStaticPathTargetsExist(t *testing.T) {
	call := regexp.MustCompile(`static\.Path\(\s*"([^"]*)"\s*\)`)
	anyCall := regexp.MustCompile(`static\.Path\(`)
	found := 0
	for f, src := range templSources(t) {
		if n, m := len(anyCall.FindAllString(src, -1)), len(call.FindAllString(src, -1)); n != m {
			t.Errorf("%s: %d static.Path calls, only %d with a literal name; use literals so this test sees them", f, n, m)
		}
		for _, m := range call.FindAllStringSubmatch(src, -1) {
			found++
			name := m[1]
			t.Run(f+"/"+name, func(t *testing.T) {
				if !static.Exists(name) {
					t.Errorf("static.Path(%q): no such embedded asset", name)
				}
				if got := static.Path(name); got == static.Prefix+name {
					t.Errorf("static.Path(%q) = %q, want a hashed name", name, got)
				}
			})
		}
	}
	if found == 0 {
		t.Fatal("found no static.Path calls; the pattern is broken")
	}
}

// TestCatalogKeysInSourcesExist checks every literal key passed to i18n.T in
// the views against the catalog, so a typo fails here, not on a page.
func TestCatalogKeysInSourcesExist(t *testing.T) {
	call := regexp.MustCompile(`i18n\.T\(\s*ctx\s*,\s*"([^"]+)"\s*[,)]`)
	found := 0
	for f, src := range templSources(t) {
		for _, m := range call.FindAllStringSubmatch(src, -1) {
			found++
			if !i18n.Has(m[1]) {
				t.Errorf("%s: key %q not in every catalog", f, m[1])
			}
		}
	}
	if found == 0 {
		t.Fatal("found no i18n.T calls; the pattern is broken")
	}
}

// TestNoLiteralUserText guards point 14 of STYLE.md: the templates' text
// nodes hold only expressions, kbd keys and entities, never words.
func TestNoLiteralUserText(t *testing.T) {
	srcs := templSources(t)
	textNode := regexp.MustCompile(`>([^<>{}]*[\p{L}][^<>{}]*)<`)
	for f, src := range srcs {
		if !strings.HasSuffix(f, ".templ") {
			continue
		}
		for _, m := range textNode.FindAllStringSubmatch(src, -1) {
			for line := range strings.Lines(m[1]) {
				s := strings.TrimSpace(line)
				// Component calls and comments are code, not text.
				if s == "" || strings.HasPrefix(s, "@") || strings.HasPrefix(s, "//") {
					continue
				}
				t.Errorf("%s: literal text %q in a template; use i18n.T", f, s)
			}
		}
	}
}
