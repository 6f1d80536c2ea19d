package audit

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestOwn(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	// One Oslo day, 21 November 2026: 23:00 UTC the day before to 23:00 UTC.
	dayFrom := time.Date(2026, 11, 21, 0, 0, 0, 0, oslo)
	dayTo := dayFrom.AddDate(0, 0, 1)
	events := []struct {
		actor, action string
		at            time.Time
	}{
		{"A", "view", dayFrom.Add(-time.Minute)},              // 1: the evening before, in Oslo
		{"A", "view", dayFrom},                                // 2: midnight in Oslo
		{"B", "view", dayFrom.Add(time.Hour)},                 // 3: someone else
		{"A", ActionEmergency, dayFrom.Add(2 * time.Hour)},    // 4
		{"A", "access_basis_end", dayFrom.Add(3 * time.Hour)}, // 5
		{"A", "view", dayTo.Add(-time.Microsecond)},           // 6: the last microsecond of the day
		{"A", "view", dayTo},                                  // 7: the next day
		{"B", ActionEmergency, dayFrom.Add(4 * time.Hour)},    // 8: someone else's opening
		{"AA", "view", dayFrom.Add(5 * time.Hour)},            // 9: a PID that starts with A
		{"A", "access_basis_end", dayFrom.AddDate(0, 0, -3)},  // 10: days before
	}
	tests := []struct {
		name     string
		pid      string
		from, to time.Time
		actions  []string
		want     []int64
	}{
		{"the actor's day", "A", dayFrom, dayTo, nil, []int64{2, 4, 5, 6}},
		{"another actor's day", "B", dayFrom, dayTo, nil, []int64{3, 8}},
		{"one action", "A", dayFrom, dayTo, []string{ActionEmergency}, []int64{4}},
		{"two actions, in seq order", "A", dayFrom.AddDate(0, 0, -7), dayTo, []string{"access_basis_end", ActionEmergency}, []int64{4, 5, 10}},
		{"an action repeated", "A", dayFrom, dayTo, []string{ActionEmergency, ActionEmergency}, []int64{4}},
		{"an action the actor never did", "A", dayFrom, dayTo, []string{ActionReview}, nil},
		{"open end", "A", dayFrom, time.Time{}, nil, []int64{2, 4, 5, 6, 7}},
		{"unknown actor", "C", dayFrom, dayTo, nil, nil},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t)
		ctx := context.Background()
		for _, ev := range events {
			e := sampleEvent(1)
			e.Actor.PID, e.Action, e.Time = ev.actor, ev.action, ev.at
			if _, err := s.Record(ctx, e); err != nil {
				t.Fatalf("Record: %v", err)
			}
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				recs, err := Own(ctx, s, tt.pid, tt.from, tt.to, tt.actions...)
				if err != nil {
					t.Fatalf("Own: %v", err)
				}
				var got []int64
				for _, r := range recs {
					got = append(got, r.Seq)
					if r.Actor.PID != tt.pid {
						t.Errorf("seq %d: actor %q; want only %q's records", r.Seq, r.Actor.PID, tt.pid)
					}
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("seqs: got %v, want %v", got, tt.want)
				}
			})
		}
		t.Run("no actor", func(t *testing.T) {
			recs, err := Own(ctx, s, "", dayFrom, dayTo)
			if !errors.Is(err, ErrNoActor) || recs != nil {
				t.Errorf("Own with no actor: got %d records, %v; want none and ErrNoActor", len(recs), err)
			}
		})
	})
}

func TestOwnStoreDown(t *testing.T) {
	_, err := Own(context.Background(), Failing(), "A", time.Time{}, time.Time{})
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("Own on a failing store: got %v, want ErrUnavailable", err)
	}
	_, err = ReviewsOf(context.Background(), Failing(), []Record{{Seq: 1}})
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("ReviewsOf on a failing store: got %v, want ErrUnavailable", err)
	}
}

func TestReviewsOf(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t)
		ctx := context.Background()
		rec := func(e Event) Record {
			t.Helper()
			r, err := s.Record(ctx, e)
			if err != nil {
				t.Fatalf("Record: %v", err)
			}
			return r
		}
		opening := func(pid, patient string) Record {
			e := sampleEvent(1)
			e.Actor.PID, e.Patient, e.Resource, e.Action, e.AccessBasis = pid, patient, "lab", ActionEmergency, "AKUTT"
			return rec(e)
		}
		mine1 := opening("A", "P1")
		mine2 := opening("A", "P2")
		theirs := opening("B", "P3")
		first := rec(ReviewEvent(mine1, "checked"))
		rec(ReviewEvent(mine1, "checked again"))
		rec(ReviewEvent(theirs, ""))

		got, err := ReviewsOf(ctx, s, []Record{mine1, mine2})
		if err != nil {
			t.Fatalf("ReviewsOf: %v", err)
		}
		if len(got) != 1 {
			t.Fatalf("reviews: got %d, want 1 (only the first opening is reviewed)", len(got))
		}
		if r, ok := got[mine1.Seq]; !ok || r.Seq != first.Seq {
			t.Errorf("review of seq %d: got %+v, want the first review, seq %d", mine1.Seq, r, first.Seq)
		}
		if none, err := ReviewsOf(ctx, s, nil); err != nil || len(none) != 0 {
			t.Errorf("ReviewsOf(nil) = %v, %v; want empty", none, err)
		}
	})
}
