package audit

import (
	"slices"
	"testing"
)

func TestByRequest(t *testing.T) {
	recs := []Record{
		{Seq: 4, Event: Event{CorrelationID: "b", Resource: "krr"}},
		{Seq: 1, Event: Event{CorrelationID: "a", Resource: "person"}},
		{Seq: 2, Event: Event{CorrelationID: "", Resource: "lab"}},
		{Seq: 3, Event: Event{CorrelationID: "a", Resource: "krr"}},
		{Seq: 5, Event: Event{CorrelationID: "", Resource: "lab"}},
		{Seq: 6, Event: Event{CorrelationID: "b", Resource: "audit"}},
	}
	groups := ByRequest(recs, func(r Record) bool { return r.Resource != "audit" })
	var got [][]int64
	for _, g := range groups {
		var seqs []int64
		for _, r := range g {
			seqs = append(seqs, r.Seq)
		}
		got = append(got, seqs)
	}
	want := [][]int64{{1, 3}, {2}, {4}, {5}}
	if !slices.EqualFunc(got, want, slices.Equal[[]int64]) {
		t.Errorf("got %v, want %v", got, want)
	}
	if recs[0].Seq != 4 {
		t.Error("ByRequest reordered its input")
	}
}
