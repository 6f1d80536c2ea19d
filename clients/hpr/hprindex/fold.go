package hprindex

import (
	"strings"

	"github.com/oppslag/oppslag/clients/fold"
)

// Limits on what one name field or one query contributes, so that a
// hostile or broken entry cannot blow up the index and a pasted essay
// cannot make a query expensive.
const (
	maxTermsPerField = 12 // name parts of one field (fornavn, mellomnavn, etternavn)
	maxTermBytes     = 64 // longer parts are cut; no real name part comes close
	maxQueryWords    = 8
)

// term is one part of a name or a query, in its two search forms
// (fold.Word).
type term struct {
	lit  string // lowercase, NFC, as written ("bjørn", "moe", "josé")
	skel string // the folded skeleton ("bjorn", "mo", "jose")
}

// splitTerms splits s into terms as fold.Words does, each form cut to
// maxTermBytes; max > 0 caps the number of terms.
func splitTerms(s string, max int) []term {
	var out []term
	for lit, skel := range fold.Words(s, maxTermBytes) {
		if max > 0 && len(out) >= max {
			break
		}
		out = append(out, term{lit: lit, skel: skel})
	}
	return out
}

// skeletons returns the folded parts of s, as the index stores them.
func skeletons(s string) []string {
	ts := splitTerms(s, 0)
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.skel
	}
	return out
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
		whole := fold.Collapse(js.String())
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
