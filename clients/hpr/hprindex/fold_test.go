package hprindex

import (
	"slices"
	"strings"
	"testing"
)

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
