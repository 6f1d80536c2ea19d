package hprindex

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits on what one name field or one query contributes, so that a
// hostile or broken entry cannot blow up the index and a pasted essay
// cannot make a query expensive.
const (
	maxTermsPerField = 12 // name parts of one field (fornavn, mellomnavn, etternavn)
	maxTermBytes     = 64 // longer parts are cut; no real name part comes close
	maxQueryWords    = 8
)

// term is one part of a name or a query, in its two search forms.
type term struct {
	lit  string // lowercase, NFC, as written ("bjørn", "moe", "josé")
	skel string // the folded skeleton ("bjorn", "mo", "jose")
}

// Fold returns the search form of s: its name parts split on anything
// that is not a letter (spaces, hyphens, dots), lowercased, with Latin
// diacritics removed and the Scandinavian letters and their ASCII spellings
// folded together, joined by single spaces. "Bjørn", "bjorn" and "Bjoern"
// all fold to "bjorn"; "Sæther", "saether" and "Sather" to "sather";
// "Åse" and "Aase" to "ase"; "Müller" and "Mueller" to "muller";
// "Hansen-Berg" to "hansen berg".
//
// The rules, applied to each part:
//   - Unicode NFD, combining marks dropped (é→e, å→a, ä→a, ü→u, ñ→n, č→c);
//   - letters without a decomposition mapped by hand: æ→a, ø→o, œ→o,
//     ß→ss, đ/ð→d, þ→th, ł→l, ŋ→n, ŧ→t, ı→i;
//   - the ASCII spellings of those letters collapsed, repeatedly until
//     none is left: aa→a, ae→a, oe→o, ue→u;
//   - apostrophes removed inside a part (O'Neill → oneill).
//
// Letters of other scripts are kept, lowercased.
func Fold(s string) string {
	ts := splitTerms(s, 0)
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.skel
	}
	return strings.Join(parts, " ")
}

// splitTerms splits s into terms; max > 0 caps the number of terms.
func splitTerms(s string, max int) []term {
	var out []term
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := s[start:end]
		start = -1
		if max > 0 && len(out) >= max {
			return
		}
		if t, ok := makeTerm(w); ok {
			out = append(out, t)
		}
	}
	for i, r := range s {
		if inWord(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

// inWord reports whether r belongs to a name part: letters, combining
// marks (a decomposed é) and apostrophes (O'Neill, D'Angelo), which
// makeTerm then drops.
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

// makeTerm builds the two forms of one word; ok is false when nothing of
// the word survives (only apostrophes or marks).
func makeTerm(w string) (term, bool) {
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
			return term{}, false
		}
		b = truncate(b)
		lit := string(b)
		skel := lit
		if c := collapse(b); len(c) != len(b) {
			skel = string(c)
		}
		return term{lit: lit, skel: skel}, true
	}
	lit := make([]byte, 0, len(w)+4)
	for _, r := range norm.NFC.String(w) {
		if isApostrophe(r) || unicode.Is(unicode.Mn, r) && len(lit) == 0 {
			continue
		}
		lit = utf8.AppendRune(lit, unicode.ToLower(r))
	}
	skel := make([]byte, 0, len(w))
	for _, r := range norm.NFD.String(w) {
		if isApostrophe(r) || unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		if r < utf8.RuneSelf {
			skel = append(skel, byte(r))
			continue
		}
		if m, ok := special[r]; ok {
			skel = append(skel, m...)
			continue
		}
		skel = utf8.AppendRune(skel, r)
	}
	if len(skel) == 0 {
		return term{}, false
	}
	skel = collapse(truncate(skel))
	return term{lit: string(truncate(lit)), skel: string(skel)}, true
}

// special maps the lowercase Latin letters that NFD does not decompose.
// æ and œ map to one letter, as their spellings "ae" and "oe" collapse to.
var special = map[rune]string{
	'æ': "a", 'ø': "o", 'œ': "o", 'ß': "ss", 'đ': "d", 'ð': "d",
	'þ': "th", 'ł': "l", 'ŋ': "n", 'ŧ': "t", 'ı': "i", 'ĸ': "k",
}

// collapse folds aa→a, ae→a, oe→o, ue→u in place until none is left, so
// the result is a fixed point: folding it again changes nothing.
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

// truncate cuts b to maxTermBytes on a rune boundary.
func truncate(b []byte) []byte {
	if len(b) <= maxTermBytes {
		return b
	}
	n := maxTermBytes
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

// nameTerms is what one register entry contributes to the search index.
type nameTerms struct {
	tokens    string      // the FTS document: skeletons and differing literals, space-separated
	familyKey string      // skeletons of the family name, space-separated
	sortKey   string      // family, given, middle skeletons: the stable order of hits
	skels     []vocabTerm // distinct skeletons, for the vocabulary
}

// vocabTerm is a skeleton in the vocabulary. cut is 0 for a name part and
// the length of the first part for a run-together field ("annelise": 4):
// a prefix no longer than cut finds the same entries through the first
// part, so the prefix expansion can leave the run-together term out.
type vocabTerm struct {
	term string
	cut  int
}

// indexTerms builds the search terms of a name. Each field contributes its
// parts' skeletons and each part's literal form where it differs from the
// skeleton. A hyphenated name also counts run together ("Anne-Lise" as
// "annelise", "Hansen-Berg" as "hansenberg"), and so does a family name
// of several words ("van der Berg" as "vanderberg"); two given names
// written apart ("Mari Thea") stay two names.
func indexTerms(family, given, middle string) nameTerms {
	var nt nameTerms
	var doc strings.Builder
	seen := make(map[string]bool, 12)
	add := func(tok string, skel bool, cut int) {
		if tok == "" || seen[tok] {
			return
		}
		seen[tok] = true
		if doc.Len() > 0 {
			doc.WriteByte(' ')
		}
		doc.WriteString(tok)
		if skel {
			nt.skels = append(nt.skels, vocabTerm{tok, cut})
		}
	}
	addRun := func(ts []term) {
		if len(ts) < 2 {
			return
		}
		var jl, js strings.Builder
		for _, t := range ts {
			jl.WriteString(t.lit)
			js.WriteString(t.skel)
		}
		whole := string(collapse([]byte(js.String())))
		add(whole, true, len(ts[0].skel))
		if l := jl.String(); l != whole {
			add(l, false, 0)
		}
	}
	var sort strings.Builder
	for i, field := range []string{family, given, middle} {
		var all []term
		chunks := strings.Fields(field)
		for _, chunk := range chunks {
			room := maxTermsPerField - len(all)
			if room <= 0 {
				break
			}
			ts := splitTerms(chunk, room)
			for _, t := range ts {
				add(t.skel, true, 0)
				if t.lit != t.skel {
					add(t.lit, false, 0)
				}
			}
			addRun(ts)
			all = append(all, ts...)
		}
		if i == 0 && len(chunks) > 1 {
			addRun(all)
		}
		if i > 0 {
			sort.WriteByte(0)
		}
		for j, t := range all {
			if j > 0 {
				sort.WriteByte(' ')
			}
			sort.WriteString(t.skel)
		}
		if i == 0 {
			nt.familyKey = sort.String()
		}
	}
	nt.tokens = doc.String()
	nt.sortKey = sort.String()
	return nt
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or swap of neighbours (optimal string alignment
// distance ≤ 1).
func withinOneEdit(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i == len(a) {
			return true
		}
		if equalRunes(a[i+1:], b[i+1:]) {
			return true // substitution
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && equalRunes(a[i+2:], b[i+2:])
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return equalRunes(a[i:], b[i+1:])
	}
	return false
}

func equalRunes(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// deletions returns s and every string made by deleting one rune of s,
// without repeats. Two words within one edit (see withinOneEdit) always
// share one of these keys, so a table of the keys of every vocabulary term
// finds the candidates of a misspelt query word with one indexed lookup.
func deletions(s string) []string {
	rs := []rune(s)
	out := make([]string, 0, len(rs)+1)
	out = append(out, s)
	seen := map[string]bool{s: true}
	buf := make([]rune, 0, len(rs))
	for i := range rs {
		buf = append(append(buf[:0], rs[:i]...), rs[i+1:]...)
		k := string(buf)
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
