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
	}
	events := []ev{
		{"Kari Lege", "565501872", "983658776", "994598759", "person", "view", "", Granted, t0},
		{"Øystein Ås", "9144897", "993467049", "874716782", "lab", ActionEmergency, "AKUTT", Granted, t0.Add(time.Hour)},
		{"Kari Lege", "565501872", "983658776", "994598759", "lab", "view", "SAMTYKKE", Restricted, t0.Add(2 * time.Hour)},
		{"Per 100%_sikker", "", "983658776", "", "session", "login", "", Failure, t0.Add(3 * time.Hour)},
	}
	tests := []struct {
		name   string
		filter ExportFilter
		want   []int64
	}{
		{"everything", ExportFilter{}, []int64{1, 2, 3, 4}},
		{"hpr", ExportFilter{HPRNumber: "565501872"}, []int64{1, 3}},
		{"user, any case", ExportFilter{User: "kari"}, []int64{1, 3}},
		{"user wildcards are literal", ExportFilter{User: "100%_"}, []int64{4}},
		{"user % alone matches no wildcard", ExportFilter{User: "%"}, []int64{4}},
		{"org as parent", ExportFilter{Org: "983658776"}, []int64{1, 3, 4}},
		{"org as child", ExportFilter{Org: "874716782"}, []int64{2}},
		{"resource", ExportFilter{Resource: "lab"}, []int64{2, 3}},
		{"action", ExportFilter{Action: "view"}, []int64{1, 3}},
		{"outcome", ExportFilter{Outcome: Restricted}, []int64{3}},
		{"basis", ExportFilter{AccessBasis: "AKUTT"}, []int64{2}},
		{"combined", ExportFilter{Resource: "lab", HPRNumber: "565501872"}, []int64{3}},
		{"period", ExportFilter{From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)}, []int64{2, 3}},
		{"empty period", ExportFilter{From: t0.Add(time.Hour), To: t0.Add(time.Hour)}, nil},
		{"nothing matches", ExportFilter{HPRNumber: "1"}, nil},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		for _, e := range events {
			x := sampleEvent(1)
			x.Actor.Name, x.Actor.HPRNumber, x.Actor.OrgParent, x.Actor.OrgChild = e.name, e.hpr, e.parent, e.child
			x.Resource, x.Action, x.AccessBasis, x.Outcome, x.Time = e.resource, e.action, e.basis, e.outcome, e.at
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
		err := Stream(context.Background(), f.Store, ExportFilter{}, func(r Record) error {
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
	err := Stream(context.Background(), Failing(), ExportFilter{}, func(Record) error { return nil })
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("got %v, want ErrUnavailable", err)
	}
	s := openSQLiteFixture(t)
	s.Close()
	err = Stream(context.Background(), s.Store, ExportFilter{}, func(Record) error { return nil })
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("closed store: got %v, want ErrUnavailable", err)
	}
}

func TestParseExportFilter(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC) // already 29 March in Oslo
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, oslo) }
	tests := []struct {
		name    string
		params  map[string]string
		want    ExportFilter
		wantErr bool
	}{
		{"empty is today in Oslo", nil, ExportFilter{From: day(2026, 3, 29), To: day(2026, 3, 30)}, false},
		{"to includes its day", map[string]string{"from": "2026-03-01", "to": "2026-03-02"},
			ExportFilter{From: day(2026, 3, 1), To: day(2026, 3, 3)}, false},
		{"from alone runs to today", map[string]string{"from": "2026-03-01"},
			ExportFilter{From: day(2026, 3, 1), To: day(2026, 3, 30)}, false},
		{"every field", map[string]string{"hpr": " 565501872 ", "user": "kari", "org": "983658776", "resource": "lab",
			"action": "view", "outcome": "denied", "basis": "AKUTT", "from": "2026-03-29", "to": "2026-03-29"},
			ExportFilter{HPRNumber: "565501872", User: "kari", Org: "983658776", Resource: "lab", Action: "view",
				Outcome: Denied, AccessBasis: "AKUTT", From: day(2026, 3, 29), To: day(2026, 3, 30)}, false},
		{"a patient is not a filter", map[string]string{"patient": "12057900499", "nin": "12057900499"},
			ExportFilter{From: day(2026, 3, 29), To: day(2026, 3, 30)}, false},
		{"an identity number as a user", map[string]string{"user": "12057900499"}, ExportFilter{}, true},
		{"eleven digits with a space are no number", map[string]string{"org": "120579 00499"},
			ExportFilter{Org: "120579 00499", From: day(2026, 3, 29), To: day(2026, 3, 30)}, false},
		{"an identity number as an hpr", map[string]string{"hpr": "x12057900499x"}, ExportFilter{}, true},
		{"not a date", map[string]string{"from": "29.03.2026"}, ExportFilter{}, true},
		{"a date-time is not a date", map[string]string{"to": "2026-03-29T10:00:00Z"}, ExportFilter{}, true},
		{"to before from", map[string]string{"from": "2026-03-02", "to": "2026-03-01"}, ExportFilter{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseExportFilter(func(k string) string { return tt.params[k] }, now, oslo)
			if tt.wantErr {
				if !errors.Is(err, ErrExportFilter) {
					t.Errorf("err: got %v, want ErrExportFilter", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseExportFilter: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			// Params is the way back: the same filter, from the same words.
			again, err := ParseExportFilter(got.Params(oslo).Get, now, oslo)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("Params round trip: got %+v, %v; want %+v", again, err, got)
			}
		})
	}
}

func TestExportFilterParamsHoldEveryName(t *testing.T) {
	oslo := time.UTC
	f := ExportFilter{HPRNumber: "1", User: "u", Org: "2", Resource: "r", Action: "a", Outcome: Denied,
		AccessBasis: "b", From: time.Date(2026, 1, 1, 0, 0, 0, 0, oslo), To: time.Date(2026, 1, 2, 0, 0, 0, 0, oslo)}
	q := f.Params(oslo)
	for _, name := range ExportParams {
		if q.Get(name) == "" {
			t.Errorf("Params lacks %q", name)
		}
	}
	if len(q) != len(ExportParams) {
		t.Errorf("Params has %d names, ExportParams %d", len(q), len(ExportParams))
	}
}
