package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

var updateLabsCorpus = flag.Bool("update", false, "rewrite the lab corpus goldens in testdata/labs-corpus")

// corpusAuth is a stand-in token source: the corpus server checks nothing.
type corpusAuth struct{}

func (corpusAuth) AccessToken(context.Context, string) (string, error) { return "tok", nil }
func (corpusAuth) Proof(string, string, string) (string, error)        { return "proof", nil }

// renderCorpus reads one corpus document through the real client (served
// as PPS serves it), fills the results page and renders it in bokmål. It
// returns the client's result and the visible text of the results.
func renderCorpus(t *testing.T, file string) (*labs.Result, string) {
	t.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return renderBundle(t, body)
}

// renderBundle is renderCorpus for a document in memory.
func renderBundle(t *testing.T, body []byte) (*labs.Result, string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/fhir+json; charset=utf-8")
		w.Write(body)
	}))
	defer srv.Close()
	c, err := labs.New(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.SearchReports(t.Context(), corpusAuth{}, labs.Query{PersonID: "13057412345", AccessBasis: labs.BasisSamtykke})
	if err != nil {
		t.Fatalf("SearchReports: %v", err)
	}
	ctx := i18n.WithLang(context.Background(), i18n.NB)
	d := &views.LabsData{TrendURL: "/person/h/labs/trend"}
	fillLabs(d, res, labsOptions{})
	var buf bytes.Buffer
	if err := views.LabsPage(views.Base{}, *d).Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	return res, visibleResults(t, buf.String())
}

// visibleResults is the text a reader sees in the results part of the
// page (restriction notices, each day), one block per line: table rows
// with their cells joined by " | ".
func visibleResults(t *testing.T, page string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var text func(n *html.Node) string
	text = func(n *html.Node) string {
		switch {
		case n.Type == html.TextNode:
			return n.Data
		case n.Type == html.ElementNode && n.Data == "br":
			return " / "
		case n.Type == html.ElementNode && attr(n, "aria-hidden") == "true" && attr(n, "data-testid") == "":
			// The flag's symbol is hidden from screen readers; keep it
			// visible here, since the page shows it.
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c))
		}
		return b.String()
	}
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "tr":
				var cells []string
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode {
						cells = append(cells, clean(text(c)))
					}
				}
				out = append(out, "  "+strings.Join(cells, " | "))
				return
			case "h2", "h3", "h4", "h5", "p", "dt", "dd", "li", "caption":
				if s := clean(text(n)); s != "" {
					prefix := map[string]string{"h2": "# ", "h3": "## ", "h4": "### ", "h5": "#### ", "dt": "- ", "dd": "    ", "li": "  * ", "caption": "  [table] "}[n.Data]
					out = append(out, prefix+s)
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch attr(n, "data-testid") {
			case "labs-day", "labs-restricted", "labs-none":
				walk(n)
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	return strings.Join(out, "\n") + "\n"
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// TestLabsCorpus renders every document of clients/labs/testdata/corpus
// (NILAR-shaped Bundles as PPS sends them) and compares the visible
// results with testdata/labs-corpus/<name>.txt; -update rewrites them.
// The key values are asserted explicitly below as well.
func TestLabsCorpus(t *testing.T) {
	files, _ := filepath.Glob("../clients/labs/testdata/corpus/*.json")
	if len(files) == 0 {
		t.Fatal("no corpus documents")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			_, got := renderCorpus(t, f)
			golden := filepath.Join("testdata", "labs-corpus", name+".txt")
			if *updateLabsCorpus {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("visible results differ from %s (run with -update after checking):\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
}

// TestLabsCorpusKeyValues asserts what issue 9 names for the NILAR shapes.
func TestLabsCorpusKeyValues(t *testing.T) {
	dir := "../clients/labs/testdata/corpus/"
	contains := func(t *testing.T, page string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(page, w) {
				t.Errorf("page lacks %q", w)
			}
		}
	}
	t.Run("biochemistry: three specimens, text ranges, 8244 flag, Annotation comment", func(t *testing.T) {
		res, page := renderCorpus(t, dir+"biochemistry-three-specimens.json")
		rep := res.Reports[0]
		var types []string
		for _, sp := range rep.Specimens {
			types = append(types, sp.Type)
		}
		if !slices.Equal(types, []string{"Serum", "Plasma", "Blod"}) {
			t.Errorf("specimens %v, want Serum, Plasma, Blod", types)
		}
		contains(t, page,
			"Us-FT4 | 11 pmol/L |  | 10 - 22 | Serum",        // text-only range, own specimen
			"P-D-dimer | 0,4 mg/L |  | < 0,5 | Plasma",       // another specimen
			"B-Hemoglobin | 15 g/dL |  | 11,7 - 15,3 | Blod", // and the third
			"Us-LH | 14 IU/L | ↑ Høy | < 12 | Serum",         // 8244 code 1: symbol and word
			"Kontroll", // the comment, an Annotation
		)
		if len(res.Unread) != 0 {
			t.Errorf("unread %v, want none", res.Unread)
		}
	})
	t.Run("microbiology: organisms, amounts, S/I/R per antibiotic under its organism", func(t *testing.T) {
		_, page := renderCorpus(t, dir+"microbiology-urine-culture.json")
		contains(t, page,
			"### Påvist: Escherichia coli", "    >100.000 pr.ml.",
			"Us-Mecillinam | S Sensitiv | 0,25",
			"Us-Trimetoprim+Sulfametoksazol | I Sensitiv ved økt eksponering |",
			"### Påvist: Klebsiella pneumoniae", "    >1000 CFU/1000 ml.",
			"Telefonsvar avgitt",
		)
		// Each antibiotic under its own organism: Klebsiella's table has
		// two rows, E. coli's five.
		kleb := page[strings.Index(page, "Klebsiella pneumoniae"):]
		if n := strings.Count(kleb, "Us-"); n != 2 {
			t.Errorf("Klebsiella has %d antibiotics, want 2", n)
		}
		if n := strings.Count(page[:strings.Index(page, "Klebsiella pneumoniae")], "Us-"); n != 5 {
			t.Errorf("E. coli has %d antibiotics, want 5", n)
		}
	})
	t.Run("text report keeps every line and comment", func(t *testing.T) {
		_, page := renderCorpus(t, dir+"immunology-long-text.json")
		contains(t, page,
			"Laboratorieresultat: [2+/5+] Pasienten har vevstypen HLA-DQ2.5",
			"Cøliaki kan ikke utelukkes.",
			"Gjentatt testing er derfor ikke nødvendig",
			"B27b variant",
		)
	})
	lacks := func(t *testing.T, page string, nots ...string) {
		t.Helper()
		for _, n := range nots {
			if strings.Contains(page, n) {
				t.Errorf("page shows %q, which must not be shown", n)
			}
		}
	}
	t.Run("pathology: preliminary, sections under headings, line breaks kept", func(t *testing.T) {
		_, page := renderCorpus(t, dir+"pathology-histology-preliminary.json")
		contains(t, page,
			"- Status\n    Foreløpig",
			"Foreløpig rapport: resultatene er ikke endelige og kan bli endret.",
			"### Histologisk undersøkelse\nStatus: Foreløpig",
			"#### Funn og undersøkelsesresultater\nHud med sekundærinfisert", // the diagnosis under its heading
			"konf. vurdering. / Avventer endelig svar etter immunus.",        // its line break
			"#### Vurdering", "#### Makroskopisk undersøkelse\n4 mm lys brun stanse.", "#### Mikroskopisk undersøkelse",
			"tatt 21.09.2017\n", // a bare date has no time of day
		)
		lacks(t, page, "Analyse | Resultat") // a text report is not a table
	})
	t.Run("pathology: coded diagnoses with every coding and the text", func(t *testing.T) {
		_, page := renderCorpus(t, dir+"pathology-histology-coded.json")
		contains(t, page,
			"#### Funn og undersøkelsesresultater\n1 og 3: Seboreisk keratose, hudeksisjon. / 2: Hud med benign nevuscelletumor.",
			"  * T02000 (SNOMED for patologi, kodeverk 7010)",
			"  * P11410 (SNOMED for patologi, kodeverk 7010)",
			"  * M72750 (SNOMED for patologi, kodeverk 7010)",
			"  * M87200 (SNOMED for patologi, kodeverk 7010)",
			"#### Makroskopi\nTre glass. / 1, rygg høyre:",
		)
		_, cyto := renderCorpus(t, dir+"pathology-cytology.json")
		contains(t, cyto,
			"### Ce-Cytologisk undersøkelse",
			"#### Funn og undersøkelsesresultater\nBenignt cellebilde",
			"  * M00100 Normal morfologi UNS (SNOMED for patologi, kodeverk 7010)",
			"  * T83000 Spatel el. ukjent (SNOMED for patologi, kodeverk 7010)",
			"Cervix, tatt 01.10.2017 kl. 11.20",
		)
	})
	t.Run("imaging: the description as text, XHTML made plain, the procedures named", func(t *testing.T) {
		_, page := renderCorpus(t, dir+"radiology-ultrasound.json")
		contains(t, page,
			"## Ultralyd",
			"### UL Lever (SJJ0AK); UL Milt (SJM0AK)",
			"\nR: Svært forstørret lever med generelt inhomogent ekko uten fokale lesjoner.",
			"god flowvariasjon. / Ved kontrast us konsentrerte",
		)
		lacks(t, page, "<p>", "<strong>", "<div", "Gruppe")
	})
	t.Run("virology: text results, their flag and comment", func(t *testing.T) {
		_, page := renderCorpus(t, dir+"virology-serology.json")
		contains(t, page,
			"P-Kusmavirus (parotittvirus) IgG / Påvist IgM, men ikke IgG.",
			"| Laboratorieresultat: Ikke påvist |",
			"P-Kusmavirus (parotittvirus) IgM | Laboratorieresultat: Påvist | ↑ Høy |",
		)
		_, covid := renderCorpus(t, dir+"virology-covid-antigen.json")
		contains(t, covid,
			"Us-SARS-relatert koronavirus (inkl. SARS-CoV-2) antigen / Her kan man legge inn en kommentar til resultatet ved behov | Laboratorieresultat: Påvist",
			"Hals+nasopharynxsekret, tatt 20.12.2020 kl. 13.47",
		)
	})
	t.Run("grouped microbiology: one table per group", func(t *testing.T) {
		_, page := renderCorpus(t, dir+"microbiology-grouped.json")
		contains(t, page,
			"  [table] Antinukleære antistoff\n  Analyse | Resultat",
			"  [table] Immunglobuliner\n  Analyse | Resultat | Avvik | Referanseområde\n  P-IgG | Laboratorieresultat: Positiv",
			"  [table] Komplement",
		)
		komp := page[strings.Index(page, "[table] Komplement"):]
		if n := strings.Count(komp, "P-Komplement"); n != 2 {
			t.Errorf("Komplement group has %d results, want 2", n)
		}
	})
	t.Run("amended: the report says so, the changed result is marked, the withdrawn one has no value", func(t *testing.T) {
		res, page := renderCorpus(t, dir+"lifecycle-amended.json")
		contains(t, page,
			"- Status\n    Endret",
			"Endret rapport: laboratoriet har endret rapporten etter at den var endelig.",
			"| 12 g/dL / Status: Endret |  | 11,7 - 15,3 |",
			"Us-FT4 / Svaret er trukket tilbake, det forrige svaret var 11. Historikk forefinnes på laboratoriet. | Kansellert: resultatet er trukket tilbake og vises ikke. |  |  | Serum",
		)
		for _, a := range res.Reports[0].Analyses {
			if a.Code.Code == "NOR05863" && (!a.Withdrawn || a.Value != (labs.AnalysisValue{}) || a.Reference != nil) {
				t.Errorf("cancelled FT4 kept a value: %+v", a)
			}
		}
	})
	t.Run("deleted result: its old value never shows", func(t *testing.T) {
		_, page := renderCorpus(t, dir+"lifecycle-deleted-result.json")
		contains(t, page, "P-Vit. B12 (Kobalamin) / Har endret svar etter reanalysering av prøve. | Kansellert: resultatet er trukket tilbake og vises ikke.")
		lacks(t, page, "500", "pmol/L", "150 - 650")
	})
	t.Run("cancelled report: said in words, with the laboratory's reason", func(t *testing.T) {
		res, page := renderCorpus(t, dir+"lifecycle-cancelled.json")
		if !res.Reports[0].Withdrawn {
			t.Error("a cancelled report is not Withdrawn")
		}
		contains(t, page,
			"- Status\n    Kansellert",
			"Kansellert rapport: laboratoriet har kansellert hele rapporten. Resultatene i den gjelder ikke og vises ikke.",
			"Hele svarrapporten er kansellert pga feil.",
		)
	})
	t.Run("entered in error: shown as withdrawn, with none of its values", func(t *testing.T) {
		res, page := renderCorpus(t, dir+"lifecycle-entered-in-error.json")
		rep := res.Reports[0]
		if !rep.Withdrawn || len(rep.Analyses) != 0 || len(rep.Comments) != 0 {
			t.Errorf("entered-in-error report kept content: withdrawn %v, %d analyses, %d comments", rep.Withdrawn, len(rep.Analyses), len(rep.Comments))
		}
		contains(t, page,
			"- Status\n    Trukket tilbake (registrert ved en feil)",
			"Trukket tilbake: rapporten ble registrert ved en feil, og laboratoriet har trukket den tilbake.",
		)
		lacks(t, page, "Us-FT4", "P-D-dimer", "mg/L", "Analyse | Resultat", "Prøvemateriale")
	})
	t.Run("restriction", func(t *testing.T) {
		res, page := renderCorpus(t, dir+"restriction-general.json")
		if !slices.Equal(res.Restrictions, []string{labs.RestrictionGeneral}) {
			t.Errorf("restrictions %v", res.Restrictions)
		}
		if !strings.Contains(page, i18n.TL(i18n.NB, "labs.restricted.general")) {
			t.Error("page does not announce the restriction")
		}
	})
	t.Run("odd values cost only their fields", func(t *testing.T) {
		res, page := renderCorpus(t, dir+"odd-values.json")
		rep := res.Reports[0]
		if !rep.Incomplete {
			t.Error("a missing result did not mark the report incomplete")
		}
		contains(t, page,
			"P-Natrium | 151 mmol/L | ? Ukjent kode 7 | 137–145 mmol/L", // unknown 8244 code shown raw
			"P-Kalium | <2,4 mmol/L | ↓↓ Kritisk lav | 3,5–4,4 mmol/L",
			`P-CRP | "12,3" (ulesbar: valueQuantity.value) | ↑ Høy | < 5`, // no made-up 0
			"P-ALAT / Prøven var hemolysert. | Ingen verdi: Error",        // dataAbsentReason
			"S-Titer | 1–4 1 | ↕ Utenfor referansegrensene |",             // 8244 code 3
			"effectiveDateTime: 02.11.2023 (ulesbar)",
			"i går kveld",
			"P-TSH | 2,1 mIE/L",
			"Svar etter ny analyse.",
		)
		for _, p := range []string{"entry[0].resource.extension[2].valueString", "entry[2].resource", "entry[1].resource.collection.collectedDateTime"} {
			if !slices.Contains(res.Unread, p) {
				t.Errorf("Unread %v lacks %s", res.Unread, p)
			}
		}
		for _, p := range res.Unread {
			if strings.ContainsAny(p, `"0123456789`) && !strings.Contains(p, "[") {
				t.Errorf("unread path %q looks like it holds a value", p)
			}
		}
	})
}

// TestLabsOnlyNotableSusceptibilitiesAreTinted: S is the answer hoped for,
// so only I and R rows carry a highlight; every row still says its letter
// and word.
func TestLabsOnlyNotableSusceptibilitiesAreTinted(t *testing.T) {
	res, _ := renderCorpus(t, "../clients/labs/testdata/corpus/microbiology-urine-culture.json")
	d := &views.LabsData{}
	fillLabs(d, res, labsOptions{})
	seen := map[string]int{}
	for _, day := range d.Days {
		for _, rep := range day.Reports {
			for _, c := range rep.Cultures {
				for _, row := range c.Rows {
					seen[row.FlagSymbol]++
					if row.FlagText.IsZero() {
						t.Errorf("%s: no interpretation text", row.Antibiotic)
					}
					if tinted := row.Flag != ""; tinted != (row.FlagSymbol != "S") {
						t.Errorf("%s (%s): highlight %q", row.Antibiotic, row.FlagSymbol, row.Flag)
					}
				}
			}
		}
	}
	if seen["S"] == 0 || seen["I"]+seen["R"] == 0 {
		t.Errorf("corpus rows by symbol: %v; want S and I or R", seen)
	}
}

// TestS44_LabsOneOddFieldCostsOnlyThatField corrupts one field of a NILAR
// document at a time: the page still renders every other result, the odd
// value is shown as received (or simply absent, for a null list or an
// unknown part), and the client names the odd field's path for the log.
func TestS44_LabsOneOddFieldCostsOnlyThatField(t *testing.T) {
	doc, err := os.ReadFile("../clients/labs/testdata/corpus/biochemistry-three-specimens.json")
	if err != nil {
		t.Fatal(err)
	}
	resource := func(m map[string]any, i int) map[string]any {
		return m["entry"].([]any)[i].(map[string]any)["resource"].(map[string]any)
	}
	tests := []struct {
		name   string
		change func(m map[string]any)
		shows  []string
		path   string // in Result.Unread; "" when nothing was unread
	}{
		{"unknown date form", func(m map[string]any) { resource(m, 0)["issued"] = "20. sept 2017" },
			[]string{"20. sept 2017"}, "issued"},
		{"unknown enum value", func(m map[string]any) { resource(m, 0)["status"] = "partially-approved" },
			[]string{"partially-approved"}, ""},
		{"null list", func(m map[string]any) { resource(m, 0)["specimen"] = nil }, nil, ""},
		{"unknown part", func(m map[string]any) {
			resource(m, 7)["lifeCycle"] = map[string]any{"phase": "x"}
			m["entry"] = append(m["entry"].([]any), map[string]any{"resource": map[string]any{"resourceType": "Media", "id": "m1"}})
		}, nil, ""},
		{"text where a number belongs", func(m map[string]any) { resource(m, 7)["valueQuantity"].(map[string]any)["value"] = "11,0" },
			[]string{"11,0"}, "valueQuantity.value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(doc, &m); err != nil {
				t.Fatal(err)
			}
			tt.change(m)
			body, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			res, page := renderBundle(t, body)
			for _, want := range append([]string{"P-D-dimer", "Us-LH", "0,4 mg/L"}, tt.shows...) {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q:\n%s", want, page)
				}
			}
			found := tt.path == ""
			for _, p := range res.Unread {
				found = found || strings.Contains(p, tt.path)
			}
			if !found {
				t.Errorf("unread paths %q lack %s", res.Unread, tt.path)
			}
		})
	}
}
