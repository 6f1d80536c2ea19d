package hprindex

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"Bjørn", "bjorn", "Bjoern", "BJØRN", "bjørn"}, "bjorn"},
		{[]string{"Åse", "aase", "ase", "ÅSE", "Aase"}, "ase"},
		{[]string{"Sæther", "saether", "Sather", "SÆTHER"}, "sather"},
		{[]string{"Müller", "muller", "Mueller", "MÜLLER"}, "muller"},
		{[]string{"Øyvind", "oyvind", "oeyvind", "ØYVIND"}, "oyvind"},
		{[]string{"Ødegård", "odegard", "oedegaard", "Ødegaard", "Oedegård"}, "odegard"},
		{[]string{"Ås", "as", "aas", "Aas", "ÅS"}, "as"},
		{[]string{"Håland", "Haaland", "haland"}, "haland"},
		{[]string{"José", "jose", "JOSÉ", "Jose\u0301"}, "jose"},
		{[]string{"Lefèvre", "lefevre", "LEFÈVRE"}, "lefevre"},
		{[]string{"Hansen-Berg", "hansen berg", "HANSEN - BERG", "Hansen–Berg"}, "hansen berg"},
		{[]string{"Anne-Lise", "anne lise", "Anne Lise"}, "anne lise"},
		{[]string{"Tor-Erik Sørensen"}, "tor erik sorensen"},
		{[]string{"O'Brien", "O’Brien", "obrien"}, "obrien"},
		{[]string{"  van  der\tBerg "}, "van der berg"},
		{[]string{"Łukasz", "lukasz"}, "lukasz"},
		{[]string{"Straße", "strasse"}, "strasse"},
		{[]string{"Seán", "sean"}, "sean"},
		{[]string{"Çelik", "celik"}, "celik"},
		{[]string{"Dvořák", "dvorak"}, "dvorak"},
		{[]string{"Ánde Sámi Čáhppes", "ande sami cahppes"}, "ande sami cahppes"},
		{[]string{"Zoë", "zoe", "Zoe"}, "zo"}, // ë → e, then oe → o
		{[]string{"", "   ", "123 456", "-", "''"}, ""},
		{[]string{"Kari2000"}, "kari"},
	}
	for _, tt := range tests {
		for _, in := range tt.in {
			t.Run(in, func(t *testing.T) {
				if got := Fold(in); got != tt.want {
					t.Errorf("Fold(%q) = %q, want %q", in, got, tt.want)
				}
			})
		}
	}
}

func TestSplitTermsLiteral(t *testing.T) {
	tests := []struct {
		in   string
		want []term
	}{
		{"Bjørn", []term{{"bjørn", "bjorn"}}},
		{"Moe", []term{{"moe", "mo"}}},
		{"Hansen", []term{{"hansen", "hansen"}}},
		{"Anne-Lise", []term{{"anne", "anne"}, {"lise", "lise"}}},
		{"Jose\u0301", []term{{"josé", "jose"}}}, // NFC literal
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := splitTerms(tt.in, 0); !slices.Equal(got, tt.want) {
				t.Errorf("splitTerms(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIndexTerms(t *testing.T) {
	tests := []struct {
		family, given, middle string
		want                  []string // must all be among the terms
		not                   []string
	}{
		{"Hansen-Berg", "Anne-Lise", "", []string{"hansen", "berg", "hansenberg", "anne", "lise", "annelise"}, nil},
		{"Sæther", "Åse", "", []string{"sather", "sæther", "ase", "åse"}, nil},
		{"Moe", "Kari", "", []string{"mo", "moe", "kari"}, nil},
		{"van der Berg", "Piet", "", []string{"van", "der", "berg", "vanderberg"}, nil},
		{"Olsen", "Mari Thea", "Haugland", []string{"olsen", "mari", "thea", "haugland"}, []string{"marithea"}},
	}
	for _, tt := range tests {
		t.Run(tt.family+","+tt.given, func(t *testing.T) {
			got := strings.Fields(indexTerms(tt.family, tt.given, tt.middle).tokens)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("terms %q lack %q", got, w)
				}
			}
			for _, w := range tt.not {
				if slices.Contains(got, w) {
					t.Errorf("terms %q hold %q", got, w)
				}
			}
		})
	}
}

func TestWithinOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"haugladn", "haugland", true}, // swap
		{"johansne", "johansen", true}, // swap
		{"hansn", "hansen", true},      // deletion
		{"haugeland", "haugland", true},
		{"hanzen", "hansen", true}, // substitution
		{"hansen", "hansen", true},
		{"hansen", "hanssen", true},
		{"hansen", "jonsen", false},
		{"hansen", "hansenn", true},
		{"ab", "ba", true},
		{"abc", "cba", false},
		{"haugland", "hauglandxx", false},
		{"ødegård", "odegard", false}, // two substitutions; folding, not typo tolerance, covers this
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := withinOneEdit([]rune(tt.a), []rune(tt.b)); got != tt.want {
				t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := withinOneEdit([]rune(tt.b), []rune(tt.a)); got != tt.want {
				t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

// TestDeletionsFindEveryOneEdit checks the premise of the typo table: two
// words within one edit share a deletion key.
func TestDeletionsFindEveryOneEdit(t *testing.T) {
	words := []string{"haugland", "johansen", "hansen", "sather", "bjorn", "odegard", "annelise"}
	edits := func(w string) []string {
		rs := []rune(w)
		var out []string
		for i := range rs {
			out = append(out, string(append(append([]rune{}, rs[:i]...), rs[i+1:]...))) // delete
			for _, c := range "aeioxz" {
				s := append([]rune{}, rs...)
				s[i] = c
				out = append(out, string(s)) // substitute
				ins := append(append(append([]rune{}, rs[:i]...), c), rs[i:]...)
				out = append(out, string(ins)) // insert
			}
			if i+1 < len(rs) {
				s := append([]rune{}, rs...)
				s[i], s[i+1] = s[i+1], s[i]
				out = append(out, string(s)) // swap
			}
		}
		return out
	}
	for _, w := range words {
		keys := deletions(w)
		for _, e := range edits(w) {
			shared := false
			for _, k := range deletions(e) {
				shared = shared || slices.Contains(keys, k)
			}
			if !shared {
				t.Errorf("%q and %q (one edit apart) share no deletion key", w, e)
			}
		}
	}
}

// FuzzFold checks Fold's promises on any input (S37): no panic, a fixed
// point (folding twice changes nothing), case-insensitive for ASCII,
// letters that lowercasing leaves alone and single spaces only, no Scandinavian letters or
// their ASCII spellings left.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"Bjørn", "Åse Sæther", "Hansen-Berg", "oedegaard", "José", "O'Brien",
		"Straße", "aaae", "ooee", "ÆØÅ æøå", "İstanbul", "\u0301a", "a\u0301\u0301", "\xff\xfe", "ǅ", "Ⅻ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if again := Fold(got); again != got {
			t.Fatalf("Fold(%q) = %q, but Fold(%q) = %q", s, got, got, again)
		}
		if isASCII(s) {
			if up := Fold(strings.ToUpper(s)); up != got {
				t.Fatalf("Fold(%q) = %q, but Fold(upper) = %q", s, got, up)
			}
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q is not UTF-8", s, got)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%q) = %q: spaces not single", s, got)
		}
		for _, r := range got {
			if r != ' ' && (!unicode.IsLetter(r) || unicode.ToLower(r) != r) {
				t.Fatalf("Fold(%q) = %q holds %q", s, got, r)
			}
			if strings.ContainsRune("æøåäöüéÆØÅ", r) {
				t.Fatalf("Fold(%q) = %q keeps %q", s, got, r)
			}
		}
		for _, w := range strings.Fields(got) {
			for _, d := range []string{"aa", "ae", "oe", "ue"} {
				if strings.Contains(w, d) {
					t.Fatalf("Fold(%q) = %q keeps %q", s, got, d)
				}
			}
		}
	})
}
