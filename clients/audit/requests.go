package audit

import (
	"cmp"
	"slices"
)

// ByRequest groups the records keep accepts into the requests that wrote
// them: one group per correlation id, in the order of their first record
// by Seq; a record without a correlation id is a request of its own. recs
// may come in any order and is not changed.
func ByRequest(recs []Record, keep func(Record) bool) [][]Record {
	sorted := slices.Clone(recs)
	slices.SortFunc(sorted, func(a, b Record) int { return cmp.Compare(a.Seq, b.Seq) })
	var groups [][]Record
	byID := map[string]int{}
	for _, r := range sorted {
		if !keep(r) {
			continue
		}
		if i, ok := byID[r.CorrelationID]; ok && r.CorrelationID != "" {
			groups[i] = append(groups[i], r)
			continue
		}
		byID[r.CorrelationID] = len(groups)
		groups = append(groups, []Record{r})
	}
	return groups
}
