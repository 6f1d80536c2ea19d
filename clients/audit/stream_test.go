package audit

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

// queryOnly hides a store's type, so Stream takes its Query path.
type queryOnly struct{ Store }

func TestStreamFilters(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	type ev struct {
		name, hpr, parent, child, resource, action, basis string
		outcome                                           Outcome
		at                                                time.Time
		patient                                           string
		results                                           []string
	}
	const pa, pb = "12057900499", "01010150015"
	events := []ev{
		{"Kari Lege", "565501872", "983658776", "994598759", "person", "view", "", Granted, t0, pa, nil},
		{"Øystein Ås", "9144897", "993467049", "874716782", "lab", ActionEmergency, "AKUTT", Granted, t0.Add(time.Hour), pb, nil},
		{"Kari Lege", "565501872", "983658776", "994598759", "lab", "view", "SAMTYKKE", Restricted, t0.Add(2 * time.Hour), pb, nil},
		{"Per 100%_sikker", "", "983658776", "", "session", "login", "", Failure, t0.Add(3 * time.Hour), "", nil},
		{"Kari Lege", "565501872", "983658776", "994598759", "person", "search", "", Granted, t0.Add(4 * time.Hour), "", []string{pb, pa}},
	}
	tests := []struct {
		name   string
		filter SearchFilter
		want   []int64
	}{
		{"everything", SearchFilter{}, []int64{1, 2, 3, 4, 5}},
		{"hpr", SearchFilter{HPRNumber: "565501872"}, []int64{1, 3, 5}},
		{"user, any case", SearchFilter{User: "kari"}, []int64{1, 3, 5}},
		{"user wildcards are literal", SearchFilter{User: "100%_"}, []int64{4}},
		{"user % alone matches no wildcard", SearchFilter{User: "%"}, []int64{4}},
		{"org as parent", SearchFilter{Org: "983658776"}, []int64{1, 3, 4, 5}},
		{"org as child", SearchFilter{Org: "874716782"}, []int64{2}},
		{"resource", SearchFilter{Resource: "lab"}, []int64{2, 3}},
		{"action", SearchFilter{Action: "view"}, []int64{1, 3}},
		{"outcome", SearchFilter{Outcome: Restricted}, []int64{3}},
		{"basis", SearchFilter{AccessBasis: "AKUTT"}, []int64{2}},
		{"combined", SearchFilter{Resource: "lab", HPRNumber: "565501872"}, []int64{3}},
		{"period", SearchFilter{From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)}, []int64{2, 3}},
		{"empty period", SearchFilter{From: t0.Add(time.Hour), To: t0.Add(time.Hour)}, nil},
		{"nothing matches", SearchFilter{HPRNumber: "1"}, nil},
		{"patient: named or among the results", SearchFilter{Patient: pa}, []int64{1, 5}},
		{"patient and period", SearchFilter{Patient: pb, To: t0.Add(2 * time.Hour)}, []int64{2}},
		{"a patient's prefix is not the patient", SearchFilter{Patient: pa[:10]}, nil},
		{"before cuts as a search page does", SearchFilter{Before: 3}, []int64{1, 2}},
		{"limit is not a stream's", SearchFilter{Resource: "lab", Limit: 1}, []int64{2, 3}},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		for _, e := range events {
			x := sampleEvent(1)
			x.Actor.Name, x.Actor.HPRNumber, x.Actor.OrgParent, x.Actor.OrgChild = e.name, e.hpr, e.parent, e.child
			x.Resource, x.Action, x.AccessBasis, x.Outcome, x.Time = e.resource, e.action, e.basis, e.outcome, e.at
			x.Patient, x.Results = e.patient, e.results
			if _, err := f.Record(context.Background(), x); err != nil {
				t.Fatalf("Record: %v", err)
			}
		}
		for _, store := range []struct {
			name string
			s    Store
		}{{"sql", f.Store}, {"query", queryOnly{f.Store}}} {
			for _, tt := range tests {
				t.Run(store.name+"/"+tt.name, func(t *testing.T) {
					var got []int64
					err := Stream(context.Background(), store.s, tt.filter, func(r Record) error {
						got = append(got, r.Seq)
						return nil
					})
					if err != nil {
						t.Fatalf("Stream: %v", err)
					}
					if !reflect.DeepEqual(got, tt.want) {
						t.Errorf("seqs: got %v, want %v", got, tt.want)
					}
				})
			}
		}
	})
}

func TestStreamStopsAtEachError(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t, WithClock(testClock(clockStart)))
		want := record(t, f, 5)
		stop := errors.New("client went away")
		var got []Record
		err := Stream(context.Background(), f.Store, SearchFilter{}, func(r Record) error {
			got = append(got, r)
			if len(got) == 2 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || errors.Is(err, ErrUnavailable) {
			t.Errorf("err: got %v, want the callback's own error", err)
		}
		if !reflect.DeepEqual(got, want[:2]) {
			t.Errorf("records: got %+v, want %+v", got, want[:2])
		}
	})
}

func TestStreamUnavailable(t *testing.T) {
	err := Stream(context.Background(), Failing(), SearchFilter{}, func(Record) error { return nil })
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("got %v, want ErrUnavailable", err)
	}
	s := openSQLiteFixture(t)
	s.Close()
	err = Stream(context.Background(), s.Store, SearchFilter{}, func(Record) error { return nil })
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("closed store: got %v, want ErrUnavailable", err)
	}
}

func TestParseSearchFilter(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC) // already 29 March in Oslo
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, oslo) }
	tests := []struct {
		name    string
		params  map[string]string
		want    SearchFilter
		wantErr bool
	}{
		{"empty is today in Oslo", nil, SearchFilter{From: day(2026, 3, 29), To: day(2026, 3, 30)}, false},
		{"to includes its day", map[string]string{"from": "2026-03-01", "to": "2026-03-02"},
			SearchFilter{From: day(2026, 3, 1), To: day(2026, 3, 3)}, false},
		{"from alone runs to today", map[string]string{"from": "2026-03-01"},
			SearchFilter{From: day(2026, 3, 1), To: day(2026, 3, 30)}, false},
		{"every field", map[string]string{"hpr": " 565501872 ", "user": "kari", "org": "983658776", "resource": "lab",
			"action": "view", "outcome": "denied", "basis": "AKUTT", "from": "2026-03-29", "to": "2026-03-29"},
			SearchFilter{HPRNumber: "565501872", User: "kari", Org: "983658776", Resource: "lab", Action: "view",
				Outcome: Denied, AccessBasis: "AKUTT", From: day(2026, 3, 29), To: day(2026, 3, 30)}, false},
		{"a patient is not a filter", map[string]string{"patient": "12057900499", "nin": "12057900499"},
			SearchFilter{From: day(2026, 3, 29), To: day(2026, 3, 30)}, false},
		{"an identity number as a user", map[string]string{"user": "12057900499"}, SearchFilter{}, true},
		{"eleven digits with a space are no number", map[string]string{"org": "120579 00499"},
			SearchFilter{Org: "120579 00499", From: day(2026, 3, 29), To: day(2026, 3, 30)}, false},
		{"an identity number as an hpr", map[string]string{"hpr": "x12057900499x"}, SearchFilter{}, true},
		{"not a date", map[string]string{"from": "29.03.2026"}, SearchFilter{}, true},
		{"a date-time is not a date", map[string]string{"to": "2026-03-29T10:00:00Z"}, SearchFilter{}, true},
		{"to before from", map[string]string{"from": "2026-03-02", "to": "2026-03-01"}, SearchFilter{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSearchFilter(func(k string) string { return tt.params[k] }, now, oslo)
			if tt.wantErr {
				if !errors.Is(err, ErrSearchFilter) {
					t.Errorf("err: got %v, want ErrSearchFilter", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSearchFilter: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			// Params is the way back: the same filter, from the same words.
			again, err := ParseSearchFilter(got.Params(oslo).Get, now, oslo)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("Params round trip: got %+v, %v; want %+v", again, err, got)
			}
		})
	}
}

func TestSearchFilterParamsHoldEveryName(t *testing.T) {
	oslo := time.UTC
	f := SearchFilter{HPRNumber: "1", User: "u", Org: "2", Resource: "r", Action: "a", Outcome: Denied,
		AccessBasis: "b", From: time.Date(2026, 1, 1, 0, 0, 0, 0, oslo), To: time.Date(2026, 1, 2, 0, 0, 0, 0, oslo)}
	q := f.Params(oslo)
	for _, name := range SearchParams {
		if q.Get(name) == "" {
			t.Errorf("Params lacks %q", name)
		}
	}
	if len(q) != len(SearchParams) {
		t.Errorf("Params has %d names, SearchParams %d", len(q), len(SearchParams))
	}
}
