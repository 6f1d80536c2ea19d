package audit

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestSearch(t *testing.T) {
	day := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	const kari, ola = "565501872", "100200300"
	type ev struct {
		hpr, name, org, patient, resource, action, basis string
		outcome                                          Outcome
		results                                          []string
		at                                               time.Time
	}
	events := []ev{
		{kari, "Kari Lege", "983658776", "12057900499", "person", "view", "", Granted, nil, day},                                     // 1
		{kari, "Kari Lege", "983658776", "", "person", "search", "", Granted, []string{"12057900499", "x"}, day.Add(time.Minute)},    // 2
		{ola, "Ola Sykepleier", "994598759", "31128012345", "lab", ActionEmergency, "AKUTT", Granted, nil, day.Add(2 * time.Minute)}, // 3
		{ola, "Ola Sykepleier", "994598759", "12057900499", "lab", "view", "AKUTT", Denied, nil, day.Add(3 * time.Minute)},           // 4
		{"", "Anne 100% Admin_", "983658776", "", "session", "login", "", Success, nil, day.Add(4 * time.Minute)},                    // 5
		{kari, "Kari Lege", "983658776", "", "person", "search", "", Granted, []string{"112057900499"}, day.Add(24 * time.Hour)},     // 6: a longer number
	}
	tests := []struct {
		name string
		f    SearchFilter
		want []int64
	}{
		{"everything, newest first", SearchFilter{}, []int64{6, 5, 4, 3, 2, 1}},
		{"by HPR number", SearchFilter{HPRNumber: ola}, []int64{4, 3}},
		{"by part of the name, any case", SearchFilter{User: "sykeP"}, []int64{4, 3}},
		{"a name's % is no wildcard", SearchFilter{User: "100%"}, []int64{5}},
		{"a name's _ is no wildcard", SearchFilter{User: "n_"}, []int64{5}},
		{"a lone % matches only a %", SearchFilter{User: "%"}, []int64{5}},
		{"by the parent organisation", SearchFilter{Org: "983658776"}, []int64{6, 5, 2, 1}},
		{"by the child organisation", SearchFilter{Org: "994598759"}, []int64{6, 4, 3, 2, 1}},
		{"by resource", SearchFilter{Resource: "lab"}, []int64{4, 3}},
		{"by action", SearchFilter{Action: "search"}, []int64{6, 2}},
		{"by outcome", SearchFilter{Outcome: Denied}, []int64{4}},
		{"by access basis", SearchFilter{AccessBasis: "AKUTT"}, []int64{4, 3}},
		{"filters combine", SearchFilter{HPRNumber: ola, Outcome: Granted}, []int64{3}},
		{"a period", SearchFilter{From: day.Add(time.Minute), To: day.Add(4 * time.Minute)}, []int64{4, 3, 2}},
		{"an empty period", SearchFilter{From: day, To: day}, nil},
		{"a patient: named, or among the results", SearchFilter{Patient: "12057900499"}, []int64{4, 2, 1}},
		{"a patient within a period", SearchFilter{Patient: "12057900499", From: day.Add(time.Minute)}, []int64{4, 2}},
		{"a patient named nowhere", SearchFilter{Patient: "01010100000"}, nil},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t)
		ctx := context.Background()
		for i, e := range events {
			ev := sampleEvent(i + 1)
			ev.Actor.HPRNumber, ev.Actor.Name, ev.Actor.OrgParent, ev.Actor.OrgChild = e.hpr, e.name, e.org, "994598759"
			if e.org == "994598759" {
				ev.Actor.OrgParent = "974589095"
			}
			if e.resource == "session" {
				ev.Actor.OrgChild = ""
			}
			ev.Patient, ev.Resource, ev.Action, ev.AccessBasis = e.patient, e.resource, e.action, e.basis
			ev.Outcome, ev.Results, ev.Time = e.outcome, e.results, e.at
			if _, err := s.Record(ctx, ev); err != nil {
				t.Fatalf("Record: %v", err)
			}
		}
		searcher := s.Store.(Searcher)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := searcher.Search(ctx, tt.f)
				if err != nil {
					t.Fatalf("Search: %v", err)
				}
				if got := seqsOf(p.Records); !slices.Equal(got, tt.want) {
					t.Errorf("seqs: got %v, want %v", got, tt.want)
				}
				if p.Next != 0 {
					t.Errorf("next: got %d, want 0 (one page)", p.Next)
				}
			})
		}
	})
}

func TestSearchPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, WithClock(testClock(clockStart)))
		record(t, s, 7)
		searcher := s.Store.(Searcher)
		ctx := context.Background()
		var got [][]int64
		f := SearchFilter{Limit: 3}
		for range 5 {
			p, err := searcher.Search(ctx, f)
			if err != nil {
				t.Fatalf("Search: %v", err)
			}
			got = append(got, seqsOf(p.Records))
			if p.Next == 0 {
				break
			}
			f.Before = p.Next
			// A record appended while paging must not shift the pages.
			if _, err := s.Record(ctx, sampleEvent(100)); err != nil {
				t.Fatal(err)
			}
		}
		want := [][]int64{{7, 6, 5}, {4, 3, 2}, {1}}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("pages: got %v, want %v", got, want)
		}
	})
}

func TestSearchPageSize(t *testing.T) {
	tests := []struct {
		limit, want int
	}{
		{0, DefaultPageSize},
		{-1, DefaultPageSize},
		{10, 10},
		{MaxPageSize + 1, MaxPageSize},
	}
	for _, tt := range tests {
		if got := (SearchFilter{Limit: tt.limit}).limit(); got != tt.want {
			t.Errorf("limit %d: got %d, want %d", tt.limit, got, tt.want)
		}
	}
}

func seqsOf(recs []Record) []int64 {
	var out []int64
	for _, r := range recs {
		out = append(out, r.Seq)
	}
	return out
}
