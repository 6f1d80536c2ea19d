// Package municipality is the register of Norway's municipalities: their
// numbers and official names, and the rule that finds a municipality by a
// name as a person types it.
//
// Sources (checked for issue 3, moved here from the synthetic population
// in issue 12): SSB KLASS classification 131 (kommuneinndeling), the 2024
// division, which is unchanged in codes through 2026: 357 municipalities.
// Numbers and names were compared with a KLASS 131 code list printed by an
// R client of the KLASS API (get_municipalities(), 2026, 357 codes) and
// with a 2026 KLASS 131 snapshot of 357 codes. Names keep the official
// parallel Sámi and Kven forms in KLASS's order, joined by " - ", e.g.
// "Guovdageaidnu - Kautokeino" (5612), "Kárášjohka - Karasjok" (5610),
// "Harstad - Hárstták" (5503), "Trondheim - Tråante" (5001). Where the R
// print had lost a character to its encoding ("Evená??i", "Kárá?johka")
// the official spelling is used ("Evenášši", "Kárášjohka"); for Porsanger
// the official "Porsáŋgu" is used. Homonyms carry KLASS's qualifier, the
// county: "Herøy (Møre og Romsdal)", "Våler (Østfold)".
package municipality

import (
	"slices"
	"strings"
	"sync"

	"github.com/oppslag/oppslag/clients/fold"
)

// Municipality is one municipality of SSB KLASS 131.
type Municipality struct {
	Number string // four digits: "5612"
	Name   string // official: "Guovdageaidnu - Kautokeino", "Herøy (Nordland)"
}

// Names returns the municipality's parallel names, without a qualifier:
// ["Guovdageaidnu", "Kautokeino"] for 5612, ["Herøy"] for 1818.
func (m Municipality) Names() []string {
	return strings.Split(m.base(), " - ")
}

// Qualifier returns what KLASS adds to tell a homonym apart, the county
// ("Nordland" for 1818), or "" for a name that is unique.
func (m Municipality) Qualifier() string {
	_, q, ok := strings.Cut(m.Name, " (")
	if !ok {
		return ""
	}
	return strings.TrimSuffix(q, ")")
}

func (m Municipality) base() string {
	b, _, _ := strings.Cut(m.Name, " (")
	return b
}

// All returns every municipality, in number order.
func All() []Municipality { return slices.Clone(table) }

// Name returns the official name of the municipality with the given
// number.
func Name(number string) (string, bool) {
	i, ok := index().byNumber[number]
	if !ok {
		return "", false
	}
	return table[i].Name, true
}

// Lookup returns the municipalities that words names, in number order:
// any one of the parallel names, folded (fold.Fold: "Baerum" and "barum"
// find Bærum, "Kautokeino" and "guovdageaidnu" find 5612) and with spaces
// and hyphens not counted ("Nord Fron" and "Nordfron" find Nord-Fron). A
// homonym is found by its name alone, so "Herøy" finds both 1515 and
// 1818, and by its name and qualifier ("Herøy Nordland") as the one.
// Nothing else matches: no prefixes, no typos, since a wrong guess would
// search the wrong municipality.
func Lookup(words string) []Municipality {
	k := key(words)
	if k == "" {
		return nil
	}
	var out []Municipality
	for _, i := range index().byKey[k] {
		out = append(out, table[i])
	}
	return out
}

// key is the form names are compared in: folded, run together.
func key(s string) string {
	return fold.Collapse(strings.ReplaceAll(fold.Fold(s), " ", ""))
}

type lookupIndex struct {
	byNumber map[string]int
	byKey    map[string][]int // key → indices into table, ascending, no repeats
}

// index is built on first use: most processes never look a name up.
var index = sync.OnceValue(func() lookupIndex {
	ix := lookupIndex{byNumber: make(map[string]int, len(table)), byKey: make(map[string][]int, 2*len(table))}
	add := func(k string, i int) {
		if k != "" && !slices.Contains(ix.byKey[k], i) {
			ix.byKey[k] = append(ix.byKey[k], i)
		}
	}
	for i, m := range table {
		ix.byNumber[m.Number] = i
		q := m.Qualifier()
		for _, n := range m.Names() {
			add(key(n), i)
			if q != "" {
				add(key(n+" "+q), i)
			}
		}
	}
	return ix
})
