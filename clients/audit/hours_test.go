package audit

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Times out of sequence order: a caller's own time may be older than the
// records before it. A period search must still find each record, on both
// backends, whatever index narrows it.
func TestSearchPeriodTimesOutOfOrder(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	times := []time.Time{t0, t0.Add(-50 * time.Hour), t0.Add(2 * time.Hour), t0.Add(-50*time.Hour + time.Minute), t0.Add(2*time.Hour + 30*time.Minute)}
	tests := []struct {
		name     string
		from, to time.Time
		want     []int64 // newest first
	}{
		{"the old hour, reached late", t0.Add(-51 * time.Hour), t0.Add(-49 * time.Hour), []int64{4, 2}},
		{"from only", t0.Add(time.Hour), time.Time{}, []int64{5, 3}},
		{"to only", time.Time{}, t0.Add(time.Minute), []int64{4, 2, 1}},
		{"one hour, cut inside", t0.Add(2*time.Hour + time.Minute), t0.Add(3 * time.Hour), []int64{5}},
		{"an hour with no record", t0.Add(5 * time.Hour), t0.Add(6 * time.Hour), nil},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		ctx := context.Background()
		for i, at := range times {
			e := sampleEvent(i)
			e.Time = at
			if _, err := f.Record(ctx, e); err != nil {
				t.Fatalf("Record: %v", err)
			}
		}
		s := f.Store.(Searcher)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				page, err := s.Search(ctx, SearchFilter{From: tt.from, To: tt.to})
				if err != nil {
					t.Fatalf("Search: %v", err)
				}
				var got []int64
				for _, r := range page.Records {
					got = append(got, r.Seq)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("seqs: got %v, want %v", got, tt.want)
				}
			})
		}
	})
}

// The hour index is evidence of nothing, but a row narrowed by hand would
// hide records from a period search: its triggers let rows only widen,
// and Verify finds a row narrowed or removed behind their back.
func TestPostgresHourIndexGuarded(t *testing.T) {
	f := openPostgresFixture(t, WithClock(testClock(clockStart)))
	ctx := context.Background()
	recs := record(t, f, 3)
	hour := hourOf(recs[0].Time).Format(time.RFC3339)
	for _, q := range []string{
		"UPDATE audit_hours SET first_seq = first_seq + 1",
		"UPDATE audit_hours SET last_seq = last_seq - 1",
		"DELETE FROM audit_hours",
		"TRUNCATE audit_hours",
	} {
		if err := f.exec(t, q); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
	if err := f.exec(t, "UPDATE audit_hours SET last_seq = last_seq + 10"); err != nil {
		t.Errorf("widening refused: %v", err)
	}
	if rep, err := f.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("Verify after widening: %+v, %v", rep, err)
	}

	if err := f.exec(t, "DROP TRIGGER audit_hours_no_delete ON audit_hours",
		"DELETE FROM audit_hours WHERE hour = '"+hour+"'"); err != nil {
		t.Fatal(err)
	}
	page, err := f.Store.(Searcher).Search(ctx, SearchFilter{From: recs[0].Time, To: recs[2].Time.Add(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Records) != 0 {
		t.Errorf("the search used the index: got %d records, want the 0 the gutted index leaves", len(page.Records))
	}
	rep, err := f.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{Seq: 1, Reason: ReasonHourIndex}}
	if !reflect.DeepEqual(rep.Problems, want) {
		t.Errorf("problems: got %+v, want %+v", rep.Problems, want)
	}
}

// A log created before the hour index is searched without it, and
// FillHourIndex gives it one that covers every record.
func TestPostgresWithoutHourIndex(t *testing.T) {
	f := openPostgresFixture(t, WithClock(testClock(clockStart)))
	ctx := context.Background()
	recs := record(t, f, 4)
	if err := f.exec(t, "DROP TABLE audit_hours"); err != nil {
		t.Fatal(err)
	}
	old, err := OpenPostgres(ctx, f.url, WithClock(testClock(clockStart.Add(time.Hour))))
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if old.hours {
		t.Fatal("the store believes in an hour index that is not there")
	}
	if _, err := old.Record(ctx, sampleEvent(9)); err != nil {
		t.Fatalf("Record without the index: %v", err)
	}
	period := SearchFilter{From: recs[1].Time, To: recs[3].Time}
	page, err := old.Search(ctx, period)
	if err != nil || len(page.Records) != 2 {
		t.Fatalf("Search without the index: %d records, %v; want 2", len(page.Records), err)
	}
	if rep, err := old.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("Verify without the index: %+v, %v", rep, err)
	}
	if err := old.FillHourIndex(ctx); err != nil {
		t.Fatalf("FillHourIndex: %v", err)
	}
	again, err := old.Search(ctx, period)
	if err != nil || !reflect.DeepEqual(again, page) {
		t.Errorf("Search with the filled index: %+v, %v; want %+v", again, err, page)
	}
	rep, err := old.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Errorf("Verify with the filled index: %+v, %v", rep, err)
	}
	if err := f.exec(t, "UPDATE audit_hours SET first_seq = 7"); err == nil || !strings.Contains(err.Error(), "only widen") {
		t.Errorf("the filled index is not guarded: %v", err)
	}
}
