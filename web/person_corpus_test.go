package web

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/oppslag/oppslag/clients/person"
)

// The person overview over real documents: the public examples NHN
// publishes (clients/person/testdata/corpus), served byte for byte by a
// stand-in for the Person API, and the same documents with one field
// corrupted at a time (S44).

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// corpusDir holds the Person API's public example documents.
const corpusDir = "../clients/person/testdata/corpus"

// seedNumber is the person of NHN's published example document.
const seedNumber = "06896496989"

// withPersonDocument puts a stand-in in front of the Person API simulator
// that answers get-by-nin for number with doc exactly as given, as NHN's
// service answered when it produced the example. Every other request (the
// relatives' bulk call) goes to the simulator, which does not know them.
func withPersonDocument(number string, doc []byte) harnessOption {
	return func(h *harness, _ *Config) {
		h.personFront = func(sim http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/person/get-by-nin") {
					r.Body = http.MaxBytesReader(w, r.Body, 1<<10)
					if r.ParseForm() == nil && r.PostForm.Get("nin") == number {
						w.Header().Set("Content-Type", "application/json; charset=utf-8")
						w.Write(doc)
						return
					}
				}
				sim.ServeHTTP(w, r)
			})
		}
	}
}

// overviewOf opens the overview of number in a portal whose Person API
// answers with doc, and checks that every panel rendered.
func overviewOf(t *testing.T, doc []byte, number string) (*harness, *page) {
	t.Helper()
	h := newHarness(t, withPersonDocument(number, doc))
	b, tok := clinician(t, h)
	p := b.open(tok, number)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("overview: status %d\n%s", p.StatusCode, p.body)
	}
	for _, id := range panelIDs() {
		if n := testids(t, p.body, "panel-"+id); len(n) != 1 {
			t.Errorf("panel %s: %d sections, want 1", id, len(n))
		}
	}
	if n := testids(t, p.body, "error"); len(n) > 0 {
		t.Errorf("a panel failed: %q", nodeText(n[0]))
	}
	return h, p
}

// panelIDs are the overview's panels, in page order.
func panelIDs() []string {
	return []string{"identity", "names", "addresses", "status", "birth", "citizenship", "marital", "krr", "family"}
}

// visible is the page's person card and panels as text, one line per
// element that holds text, whitespace collapsed: what a reader sees.
func visible(t *testing.T, body string) string {
	t.Helper()
	var sb strings.Builder
	for _, id := range append([]string{"person-header"}, prefixed(panelIDs())...) {
		for _, n := range testids(t, body, id) {
			sb.WriteString("## " + id + "\n")
			sb.WriteString(textLines(n))
		}
	}
	return sb.String()
}

func prefixed(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "panel-" + id
	}
	return out
}

var spaces = regexp.MustCompile(`\s+`)

// textLines renders n's text, a line per block of text between tags.
func textLines(n *html.Node) string {
	var lines []string
	var walk func(hn *html.Node)
	walk = func(hn *html.Node) {
		if hn.Type == html.TextNode {
			if s := strings.TrimSpace(spaces.ReplaceAllString(hn.Data, " ")); s != "" {
				lines = append(lines, s)
			}
		}
		for c := hn.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(lines, "\n") + "\n"
}

// golden compares got with testdata/<name>, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the page (run with -update after checking):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	in := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			m[l]++
		}
		return m
	}
	w, g := in(want), in(got)
	var sb strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if g[l] == 0 {
			sb.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if w[l] == 0 {
			sb.WriteString("+ " + l + "\n")
		}
	}
	return sb.String()
}

func readCorpus(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestS44_SeedPersonRendersEveryValue: pointed at a server that answers with
// the example person of NHN's Person API documentation byte for byte, the
// overview shows every value the example holds.
func TestS44_SeedPersonRendersEveryValue(t *testing.T) {
	h, p := overviewOf(t, readCorpus(t, "seed-001-person-api-example.json"), seedNumber)
	text := visible(t, p.body)
	for _, want := range []string{
		"FRISK BÅT", "068964 96989",
		"Kirkegata 19 B", "0153 OSLO", "H0202", "St.Hanshaugen", "Sentrum 1 - Rode 2", "03010102", "Sentrum",
		"11.03.2022",               // moveDate, and validFrom 2022-03-10T23:00:00Z read in Norwegian time
		"Test 61", "2863 VESTSIDA", // the postal address
		"På militærtjeneste", // present address: stay elsewhere, military
		"+47 415 22 179", "kjetil.braadland@capgemini.com", "15.11.2023",
		"Bra Testinstitusjon", "06.09.1964",
		"Gift", "Sist Testkirke",
		"Far", "Mor", "Ektefelle eller partner", "Barn",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	for _, bad := range []string{"ukjent format", "Ukjent verdi"} {
		if strings.Contains(text, bad) {
			t.Errorf("overview shows %q: a value of the example was not read", bad)
		}
	}
	if n := testids(t, p.body, "unread"); len(n) > 0 {
		t.Errorf("unread fields listed: %q", nodeText(n[0]))
	}
	if strings.Contains(h.logs.String(), "could not read") {
		t.Errorf("log reports unread values for the example:\n%s", h.logs)
	}
	golden(t, "corpus/seed-001-person-api-example.txt", text)
}

// TestPersonCorpusRenders opens every public example document of the
// corpus as an overview and compares what a reader sees with its golden.
func TestPersonCorpusRenders(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			_, p := overviewOf(t, readCorpus(t, name), seedNumber)
			if n := testids(t, p.body, "unread"); len(n) > 0 {
				t.Errorf("unread fields listed: %q", nodeText(n[0]))
			}
			golden(t, "corpus/"+strings.TrimSuffix(name, ".json")+".txt", visible(t, p.body))
		})
	}
}

// mutate decodes the example, lets change edit it as plain JSON, and
// encodes it again.
func mutate(t *testing.T, doc []byte, change func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// at returns the object at a path of member names and list indexes.
func at(m map[string]any, path ...any) map[string]any {
	var cur any = m
	for _, step := range path {
		switch s := step.(type) {
		case string:
			cur = cur.(map[string]any)[s]
		case int:
			cur = cur.([]any)[s]
		}
	}
	return cur.(map[string]any)
}

// TestS44_OneOddFieldCostsOnlyThatField corrupts one field of the example
// at a time: the page still renders every panel, the odd value is shown as
// received (or its part is simply empty), the rest is all there, the log
// names the field's path and never its value, and the audit says granted.
func TestS44_OneOddFieldCostsOnlyThatField(t *testing.T) {
	seed := readCorpus(t, "seed-001-person-api-example.json")
	tests := []struct {
		name     string
		change   func(m map[string]any)
		panel    string   // where the odd value shows
		shows    []string // in that panel
		logPath  string   // the path named in the log ("" when nothing was unread)
		rawValue string   // never in the log
	}{
		{
			name: "unknown date form",
			change: func(m map[string]any) {
				at(m, "commonContactRegisterInformation", "contactInformation")["emailLastUpdated"] = "15. nov 2023"
			},
			panel:    "krr",
			shows:    []string{"15. nov 2023 — ukjent format", "kjetil.braadland@capgemini.com", "+47 415 22 179"},
			logPath:  "commonContactRegisterInformation.contactInformation.emailLastUpdated",
			rawValue: "15. nov 2023",
		},
		{
			name:   "unknown enum value",
			change: func(m map[string]any) { at(m, "maritalStatus", 0)["status"] = "CohabitantRegistered" },
			panel:  "marital",
			shows:  []string{"Ukjent verdi (CohabitantRegistered)", "Sist Testkirke"},
		},
		{
			name:   "null list",
			change: func(m map[string]any) { m["familyRelation"] = nil },
			panel:  "names",
			shows:  []string{"FRISK"},
		},
		{
			name: "unknown part",
			change: func(m map[string]any) {
				m["lifeSituation"] = []any{map[string]any{"situation": "Astronaut", "isValid": true}}
			},
			panel: "addresses",
			shows: []string{"Kirkegata 19 B"},
		},
		{
			name: "number where text belongs",
			change: func(m map[string]any) {
				at(m, "residentialAddress", 0, "streetAddress", "addressNumber")["houseNumber"] = 19
			},
			panel:    "addresses",
			shows:    []string{"Kirkegata", "0153 OSLO", "St.Hanshaugen", "residentialAddress[0].streetAddress.addressNumber.houseNumber", "19"},
			logPath:  "residentialAddress[0].streetAddress.addressNumber.houseNumber",
			rawValue: "",
		},
		{
			name:     "text where a number belongs",
			change:   func(m map[string]any) { at(m, "residentialAddress", 0)["basicStatisticalUnit"] = "0102" },
			panel:    "addresses",
			shows:    []string{"Kirkegata 19 B", "Sentrum 1 - Rode 2", "residentialAddress[0].basicStatisticalUnit", `"0102"`},
			logPath:  "residentialAddress[0].basicStatisticalUnit",
			rawValue: "0102",
		},
		{
			name:     "object where a list belongs",
			change:   func(m map[string]any) { m["citizenship"] = map[string]any{"countryCode": "NOR"} },
			panel:    "citizenship",
			shows:    []string{"citizenship", `{"countryCode":"NOR"}`},
			logPath:  "citizenship",
			rawValue: "NOR",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, p := overviewOf(t, mutate(t, seed, tt.change), seedNumber)
			panel := testids(t, p.body, "panel-"+tt.panel)
			if len(panel) != 1 {
				t.Fatalf("no panel %s", tt.panel)
			}
			text := textLines(panel[0])
			for _, want := range tt.shows {
				if !strings.Contains(text, want) {
					t.Errorf("panel %s lacks %q:\n%s", tt.panel, want, text)
				}
			}
			// The rest of the page is all there.
			all := visible(t, p.body)
			for _, want := range []string{"FRISK BÅT", "Bra Testinstitusjon", "+47 415 22 179"} {
				if !strings.Contains(all, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			logs := h.logs.String()
			if tt.logPath != "" && !strings.Contains(logs, tt.logPath) {
				t.Errorf("log does not name %s:\n%s", tt.logPath, logs)
			}
			if tt.rawValue != "" && strings.Contains(logs, tt.rawValue) {
				t.Errorf("log holds the value %q", tt.rawValue)
			}
			for _, r := range h.records() {
				if r.Resource == "person" || r.Resource == "krr" {
					if r.Outcome != "granted" {
						t.Errorf("audit %s outcome %s, want granted", r.Resource, r.Outcome)
					}
				}
			}
		})
	}
}

// TestPersonCorpusIsTheSeed guards the corpus copy: the example document is
// the one in the seeds, byte for byte, when the seeds are beside the checkout.
func TestPersonCorpusIsTheSeed(t *testing.T) {
	seed, err := os.ReadFile("../../shared/seeds/001_67e79b167ec06a20.txt")
	if err != nil {
		t.Skip("seeds not beside the checkout:", err)
	}
	_, doc, ok := bytes.Cut(seed, []byte("Json example\n"))
	if !ok {
		t.Fatal("seed has no JSON example")
	}
	got := readCorpus(t, "seed-001-person-api-example.json")
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(doc)) {
		t.Error("corpus copy differs from the seed's JSON example")
	}
	var p person.Person
	if err := json.Unmarshal(got, &p); err != nil {
		t.Fatal(err)
	}
}
