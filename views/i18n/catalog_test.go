package i18n

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

var keyShape = regexp.MustCompile(`^[a-z0-9]+(\.[a-z0-9_]+)+$`)

// forms returns a message's texts by CLDR plural form; a message without
// plural forms has only "other".
func forms(m *goi18n.Message) map[string]string {
	out := make(map[string]string)
	for form, s := range map[string]string{
		"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other,
	} {
		if s != "" {
			out[form] = s
		}
	}
	return out
}

func formNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for f := range m {
		names = append(names, f)
	}
	slices.Sort(names)
	return names
}

// cldrForms returns the plural forms language l uses for integer counts,
// as go-i18n's CLDR rules choose them: a message with every form, each
// text naming its form, is localized for the counts 0 to 1000.
func cldrForms(t *testing.T, l Lang) []string {
	t.Helper()
	tag := language.Make(string(l))
	b := goi18n.NewBundle(tag)
	b.MustAddMessages(tag, &goi18n.Message{
		ID: "probe", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other",
	})
	loc := goi18n.NewLocalizer(b, string(l))
	seen := make(map[string]string)
	for n := 0; n <= 1000; n++ {
		form, err := loc.Localize(&goi18n.LocalizeConfig{MessageID: "probe", PluralCount: n, TemplateParser: identity})
		if err != nil {
			t.Fatalf("probe %d: %v", n, err)
		}
		seen[form] = form
	}
	return formNames(seen)
}

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	ref := catalogs.messages[Default]
	if len(ref) == 0 {
		t.Fatalf("the %s catalog is empty", Default)
	}
	for _, l := range Supported() {
		t.Run(string(l), func(t *testing.T) {
			c := catalogs.messages[l]
			for k := range ref {
				if _, ok := c[k]; !ok {
					t.Errorf("key %q missing", k)
				}
			}
			for k := range c {
				if _, ok := ref[k]; !ok {
					t.Errorf("key %q not in the %s catalog", k, Default)
				}
			}
		})
	}
}

// TestCatalogFilesHaveNoDuplicateKeys guards what encoding/json would hide:
// of two equal keys in a file, the last one silently wins.
func TestCatalogFilesHaveNoDuplicateKeys(t *testing.T) {
	for _, l := range Supported() {
		t.Run(string(l), func(t *testing.T) {
			f, err := catalogFiles.Open("catalog/" + string(l) + ".json")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			dec := json.NewDecoder(f)
			if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
				t.Fatalf("first token %v, %v; want {", tok, err)
			}
			seen := make(map[string]bool)
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					t.Fatal(err)
				}
				k := tok.(string)
				if seen[k] {
					t.Errorf("key %q defined twice", k)
				}
				seen[k] = true
				var v json.RawMessage
				if err := dec.Decode(&v); err != nil {
					t.Fatalf("key %q: %v", k, err)
				}
			}
		})
	}
}

func TestCatalogValues(t *testing.T) {
	for _, l := range Supported() {
		for k, m := range catalogs.messages[l] {
			t.Run(string(l)+"/"+k, func(t *testing.T) {
				if !keyShape.MatchString(k) {
					t.Errorf("key %q: want dotted lower-case", k)
				}
				if m.Other == "" {
					t.Errorf("no \"other\" text")
				}
				for form, v := range forms(m) {
					if strings.TrimSpace(v) == "" {
						t.Errorf("%s: empty text", form)
					}
					if v != strings.TrimSpace(v) {
						t.Errorf("%s: text %q has surrounding space", form, v)
					}
					if v == k {
						t.Errorf("%s: text is the key itself", form)
					}
				}
			})
		}
	}
}

// TestCatalogsUseTheSameVerbs holds every form of every translation to the
// placeholders of the bokmål "other" text, so one call site's arguments fit
// whichever text T picks.
func TestCatalogsUseTheSameVerbs(t *testing.T) {
	for k, ref := range catalogs.messages[Default] {
		want := verbs(ref.Other)
		for _, l := range Supported() {
			t.Run(string(l)+"/"+k, func(t *testing.T) {
				m, ok := catalogs.messages[l][k]
				if !ok {
					t.Skip("missing; reported by TestCatalogsHaveTheSameKeys")
				}
				for form, v := range forms(m) {
					if got := verbs(v); !slices.Equal(got, want) {
						t.Errorf("%s: verbs %v, want %v (as in %s)", form, got, want, Default)
					}
				}
			})
		}
	}
}

// TestPluralForms checks that a message with plural forms has them in every
// language, each with exactly the forms that language's CLDR rule chooses
// between, and that a count in it can pick the form.
func TestPluralForms(t *testing.T) {
	if len(catalogs.plural) == 0 {
		t.Fatal("no message has plural forms")
	}
	for _, l := range Supported() {
		want := cldrForms(t, l)
		if !slices.Equal(want, []string{"one", "other"}) {
			t.Errorf("%s: CLDR forms %v, want [one other]; the catalog needs new forms", l, want)
		}
		for k := range catalogs.plural {
			t.Run(string(l)+"/"+k, func(t *testing.T) {
				m, ok := catalogs.messages[l][k]
				if !ok {
					t.Skip("missing; reported by TestCatalogsHaveTheSameKeys")
				}
				if got := formNames(forms(m)); !slices.Equal(got, want) {
					t.Errorf("forms %v, want %v", got, want)
				}
				if !strings.Contains(strings.Join(verbs(m.Other), " "), ":d") {
					t.Errorf("no integer verb to carry the count")
				}
			})
		}
	}
}

// TestPlurals reads counts through the messages the pages use.
func TestPlurals(t *testing.T) {
	const day = "31.12.2026"
	tests := []struct {
		l    Lang
		key  string
		args []any
		want string
	}{
		// HPR approval expiry (handlers/hpr.go).
		{NB, "hpr.expiring", []any{1, day}, "Utløper om 1 dag (31.12.2026)"},
		{NB, "hpr.expiring", []any{2, day}, "Utløper om 2 dager (31.12.2026)"},
		{NB, "hpr.expiring", []any{0, day}, "Utløper om 0 dager (31.12.2026)"},
		{NB, "hpr.expiring", []any{21, day}, "Utløper om 21 dager (31.12.2026)"},
		{NN, "hpr.expiring", []any{1, day}, "Går ut om 1 dag (31.12.2026)"},
		{NN, "hpr.expiring", []any{2, day}, "Går ut om 2 dagar (31.12.2026)"},
		{EN, "hpr.expiring", []any{1, day}, "Expires in 1 day (31.12.2026)"},
		{EN, "hpr.expiring", []any{2, day}, "Expires in 2 days (31.12.2026)"},
		{EN, "hpr.expiring", []any{0, day}, "Expires in 0 days (31.12.2026)"},
		// Other counts.
		{NB, "person.krr.old", []any{1}, "Ikke bekreftet på over 1 måned – kan være utdatert."},
		{NN, "person.krr.old", []any{18}, "Ikkje stadfesta på over 18 månader – kan vere utdatert."},
		{EN, "person.age.years", []any{1}, "1 year"},
		{EN, "person.age.years", []any{46}, "46 years"},
		{NB, "person.age.years", []any{1}, "1 år"},
		{EN, "search.results.count", []any{1}, "1 person found"},
		{EN, "search.results.count", []any{3}, "3 persons found"},
		{NB, "person.unread.summary", []any{1}, "1 verdi kunne ikke leses"},
		{NN, "person.unread.summary", []any{2}, "2 verdiar kunne ikkje lesast"},
		{NB, "search.error.length", []any{1}, "Nummeret har 1 siffer. Fødselsnummer, D-nummer og FH-nummer har 11."},
		{NB, "search.error.length", []any{10}, "Nummeret har 10 sifre. Fødselsnummer, D-nummer og FH-nummer har 11."},
		// The count picks the form wherever the text places it.
		{EN, "labs.trend.other_units", []any{1, "mmol/L"}, "One result in a unit other than mmol/L is shown in the table only (1)."},
		{EN, "labs.trend.other_units", []any{2, "mmol/L"}, "Results in a unit other than mmol/L are shown in the table only (2)."},
		// Any integer type counts; the first integer argument decides.
		{EN, "hpr.expiring", []any{int64(1), day}, "Expires in 1 day (31.12.2026)"},
		{EN, "hpr.expiring", []any{uint8(1), day}, "Expires in 1 day (31.12.2026)"},
		{EN, "labs.trend.desc.many", []any{1, "1 Jan 2026", "2 Jan 2026"}, "1 result from 1 Jan 2026 to 2 Jan 2026."},
		// Without arguments a plural message is its "other" text, unformatted.
		{EN, "hpr.expiring", nil, "Expires in %d days (%s)"},
	}
	for _, tt := range tests {
		t.Run(string(tt.l)+"/"+tt.key+"/"+tt.want, func(t *testing.T) {
			if got := TL(tt.l, tt.key, tt.args...); got != tt.want {
				t.Errorf("TL(%s, %q, %v) = %q, want %q", tt.l, tt.key, tt.args, got, tt.want)
			}
		})
	}
}

// TestLoad covers what the real catalog never shows: a key missing from one
// language, a "{{" in a message, and a broken file.
func TestLoad(t *testing.T) {
	files := fstest.MapFS{
		"catalog/nb.json": {Data: []byte(`{
			"a.plain": "Bokmål %s",
			"a.count": {"one": "%d dag", "other": "%d dager"},
			"a.braces": "{{.Missing}} %s"
		}`)},
		"catalog/nn.json": {Data: []byte(`{"a.count": {"one": "%d dag", "other": "%d dagar"}}`)},
		"catalog/en.json": {Data: []byte(`{}`)},
	}
	c, err := load(files)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"missing from nn falls back to nb", c.text(NN, "a.plain", "x"), "Bokmål x"},
		{"plural in nn", c.text(NN, "a.count", 2), "2 dagar"},
		{"plural falls back to nb", c.text(EN, "a.count", 1), "1 dag"},
		{"braces are text", c.text(NB, "a.braces", "x"), "{{.Missing}} x"},
		{"missing everywhere is the key", c.text(EN, "a.none", 1), "a.none"},
		{"unknown language is nb", c.text(Lang("xx"), "a.count", 5), "5 dager"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}

	broken := fstest.MapFS{
		"catalog/nb.json": {Data: []byte(`{"a.count": {"one": "%d dag", "tother": "%d dager"}}`)},
		"catalog/nn.json": {Data: []byte(`{}`)},
		"catalog/en.json": {Data: []byte(`{}`)},
	}
	if _, err := load(broken); err == nil {
		t.Errorf("load with a misspelt plural form: no error")
	}
	if _, err := load(fstest.MapFS{}); err == nil || !strings.Contains(err.Error(), "catalog/nb.json") {
		t.Errorf("load without files: error %v, want one naming catalog/nb.json", err)
	}
}

// BenchmarkLoad is the start-up cost of parsing the catalog.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := load(catalogFiles); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTL(b *testing.B) {
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			TL(NN, "logout.button")
		}
	})
	b.Run("args", func(b *testing.B) {
		for b.Loop() {
			TL(EN, "user.hpr", "1234567")
		}
	})
	b.Run("plural", func(b *testing.B) {
		for b.Loop() {
			TL(NB, "hpr.expiring", 45, "31.12.2026")
		}
	})
}

// TestPlurals_AuditPageViews: the review queue's count of page views reads
// right for one and for several.
func TestPlurals_AuditPageViews(t *testing.T) {
	for _, tt := range []struct {
		l    Lang
		n    int
		want string
	}{{NB, 1, "1 sidevisning"}, {NB, 2, "2 sidevisninger"}, {NN, 1, "1 sidevising"}, {NN, 3, "3 sidevisingar"}, {EN, 1, "1 page view"}, {EN, 2, "2 page views"}} {
		if got := TL(tt.l, "audit.reviews.pages", tt.n); got != tt.want {
			t.Errorf("%s %d: got %q, want %q", tt.l, tt.n, got, tt.want)
		}
	}
}
