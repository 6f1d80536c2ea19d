package fold

import (
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
		{[]string{"Bærum", "Baerum", "Barum", "BÆRUM"}, "barum"},
		{[]string{"Porsáŋgu", "Porsangu"}, "porsangu"},
		{[]string{"Guovdageaidnu - Kautokeino"}, "guovdageaidnu kautokeino"},
		{[]string{"Herøy (Møre og Romsdal)"}, "heroy more og romsdal"},
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

func TestWord(t *testing.T) {
	long := strings.Repeat("ø", 40) // 80 bytes
	tests := []struct {
		in             string
		maxBytes       int
		wantLit, wantS string
		wantOK         bool
	}{
		{"Bjørn", 0, "bjørn", "bjorn", true},
		{"Moe", 0, "moe", "mo", true},
		{"Hansen", 0, "hansen", "hansen", true},
		{"Jose\u0301", 0, "josé", "jose", true}, // NFC literal
		{"O'Brien", 0, "obrien", "obrien", true},
		{"''", 0, "", "", false},
		{"\u0301", 0, "", "", false},
		{"2000", 0, "", "", false},
		{"abcdefgh", 4, "abcd", "abcd", true},
		{"aaaaaaaa", 4, "aaaa", "a", true}, // cut, then collapsed
		{long, 64, strings.Repeat("ø", 32), strings.Repeat("o", 40), true},
		{long, 0, long, strings.Repeat("o", 40), true},
		{"ab" + long, 63, "ab" + strings.Repeat("ø", 30), "ab" + strings.Repeat("o", 40), true}, // cut on a rune boundary
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			lit, skel, ok := Word(tt.in, tt.maxBytes)
			if lit != tt.wantLit || skel != tt.wantS || ok != tt.wantOK {
				t.Errorf("Word(%q, %d) = %q, %q, %v, want %q, %q, %v", tt.in, tt.maxBytes, lit, skel, ok, tt.wantLit, tt.wantS, tt.wantOK)
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string // lit/skel
	}{
		{"Anne-Lise", []string{"anne/anne", "lise/lise"}},
		{"Åse Sæther", []string{"åse/ase", "sæther/sather"}},
		{"Kari 01.02.1980 O'Brien", []string{"kari/kari", "obrien/obrien"}},
		{"'' - ", nil},
		{"Évé", []string{"évé/eve"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got []string
			for lit, skel := range Words(tt.in, 0) {
				got = append(got, lit+"/"+skel)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	t.Run("stop early", func(t *testing.T) {
		n := 0
		for range Words("a b c d", 0) {
			if n++; n == 2 {
				break
			}
		}
		if n != 2 {
			t.Errorf("yielded %d words after break, want 2", n)
		}
	})
}

func TestCollapse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"annaelise", "annalise"},
		{"hansenberg", "hansenberg"},
		{"aaae", "a"},
		{"ooee", "oo"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Collapse(tt.in); got != tt.want {
				t.Errorf("Collapse(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
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
