// Package fold is the one rule for matching Norwegian names as people type
// them: on any keyboard, with or without æ, ø and å, with or without
// diacritics. The HPR name index and the municipality register both match
// through it, so a name found one way is found the same way everywhere.
package fold

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the search form of s: its words split on anything that is
// not a letter (spaces, hyphens, dots), lowercased, with Latin diacritics
// removed and the Scandinavian letters and their ASCII spellings folded
// together, joined by single spaces. "Bjørn", "bjorn" and "Bjoern" all fold
// to "bjorn"; "Sæther", "saether" and "Sather" to "sather"; "Åse" and
// "Aase" to "ase"; "Müller" and "Mueller" to "muller"; "Hansen-Berg" to
// "hansen berg".
//
// The rules, applied to each word:
//   - Unicode NFD, combining marks dropped (é→e, å→a, ä→a, ü→u, ñ→n, č→c);
//   - letters without a decomposition mapped by hand: æ→a, ø→o, œ→o,
//     ß→ss, đ/ð→d, þ→th, ł→l, ŋ→n, ŧ→t, ı→i, ĸ→k;
//   - the ASCII spellings of those letters collapsed, repeatedly until
//     none is left: aa→a, ae→a, oe→o, ue→u (see Collapse);
//   - apostrophes removed inside a word (O'Neill → oneill).
//
// Letters of other scripts are kept, lowercased. Folding a folded string
// changes nothing.
func Fold(s string) string {
	var b strings.Builder
	for _, skel := range Words(s, 0) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(skel)
	}
	return b.String()
}

// Words yields the words of s, each as its literal and its folded form
// (see Word), skipping words of which nothing survives. A word is a run of
// letters, combining marks and apostrophes; everything else separates.
// maxBytes > 0 cuts each form to that many bytes.
func Words(s string, maxBytes int) iter.Seq2[string, string] {
	return func(yield func(lit, skel string) bool) {
		start := -1
		for i, r := range s {
			if inWord(r) {
				if start < 0 {
					start = i
				}
				continue
			}
			if start >= 0 {
				lit, skel, ok := Word(s[start:i], maxBytes)
				start = -1
				if ok && !yield(lit, skel) {
					return
				}
			}
		}
		if start >= 0 {
			if lit, skel, ok := Word(s[start:], maxBytes); ok {
				yield(lit, skel)
			}
		}
	}
}

// inWord reports whether r belongs to a word: letters, combining marks (a
// decomposed é) and apostrophes (O'Neill, D'Angelo), which Word then drops.
func inWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || isApostrophe(r)
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', '`', '´':
		return true
	}
	return false
}

// Word returns the two search forms of one word: lit, lowercase NFC as
// written ("bjørn", "moe", "josé"), and skel, its folded skeleton
// ("bjorn", "mo", "jose") as Fold describes. Characters that are neither
// letters nor marks are dropped. maxBytes > 0 cuts each form to that many
// bytes on a rune boundary (the skeleton before its final collapse); ok is
// false when nothing of w survives (only apostrophes, marks or digits).
func Word(w string, maxBytes int) (lit, skel string, ok bool) {
	if isASCII(w) {
		b := make([]byte, 0, len(w))
		for i := 0; i < len(w); i++ {
			c := w[i]
			switch {
			case c >= 'A' && c <= 'Z':
				b = append(b, c+'a'-'A')
			case c >= 'a' && c <= 'z':
				b = append(b, c)
			}
		}
		if len(b) == 0 {
			return "", "", false
		}
		b = truncate(b, maxBytes)
		lit = string(b)
		skel = lit
		if c := collapse(b); len(c) != len(b) {
			skel = string(c)
		}
		return lit, skel, true
	}
	lb := make([]byte, 0, len(w)+4)
	for _, r := range norm.NFC.String(w) {
		if isApostrophe(r) || unicode.Is(unicode.Mn, r) && len(lb) == 0 {
			continue
		}
		lb = utf8.AppendRune(lb, unicode.ToLower(r))
	}
	sb := make([]byte, 0, len(w))
	for _, r := range norm.NFD.String(w) {
		if isApostrophe(r) || unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		if r < utf8.RuneSelf {
			sb = append(sb, byte(r))
			continue
		}
		if m, ok := special[r]; ok {
			sb = append(sb, m...)
			continue
		}
		sb = utf8.AppendRune(sb, r)
	}
	if len(sb) == 0 {
		return "", "", false
	}
	sb = collapse(truncate(sb, maxBytes))
	return string(truncate(lb, maxBytes)), string(sb), true
}

// special maps the lowercase Latin letters that NFD does not decompose.
// æ and œ map to one letter, as their spellings "ae" and "oe" collapse to.
var special = map[rune]string{
	'æ': "a", 'ø': "o", 'œ': "o", 'ß': "ss", 'đ': "d", 'ð': "d",
	'þ': "th", 'ł': "l", 'ŋ': "n", 'ŧ': "t", 'ı': "i", 'ĸ': "k",
}

// Collapse folds aa→a, ae→a, oe→o, ue→u in s until none is left.
// Skeletons run together need it again where the join makes a new pair:
// "Anna-Elise" run together is "annaelise", folded "annalise".
func Collapse(s string) string {
	return string(collapse([]byte(s)))
}

// collapse is Collapse in place, so the result is a fixed point: folding
// it again changes nothing.
func collapse(b []byte) []byte {
	for {
		out := b[:0]
		changed := false
		for i := 0; i < len(b); i++ {
			c := b[i]
			if i+1 < len(b) && digraph(c, b[i+1]) {
				out = append(out, c)
				i++
				changed = true
				continue
			}
			out = append(out, c)
		}
		b = out
		if !changed {
			return b
		}
	}
}

func digraph(a, b byte) bool {
	switch a {
	case 'a':
		return b == 'a' || b == 'e'
	case 'o', 'u':
		return b == 'e'
	}
	return false
}

// truncate cuts b to max bytes on a rune boundary; max <= 0 keeps it whole.
func truncate(b []byte, max int) []byte {
	if max <= 0 || len(b) <= max {
		return b
	}
	n := max
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return b[:n]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
