package audit

import (
	"context"
	"slices"
	"testing"
)

func TestS17_EmergencyOpeningsQueueForReview(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t)
		ctx := context.Background()
		record := func(e Event) Record {
			t.Helper()
			r, err := s.Record(ctx, e)
			if err != nil {
				t.Fatalf("Record: %v", err)
			}
			return r
		}
		emergency := func(patient string) Record {
			e := sampleEvent(1)
			e.Patient, e.Resource, e.Action, e.AccessBasis = patient, "lab", ActionEmergency, "AKUTT"
			e.Reason = "unconscious: brought in by ambulance"
			return record(e)
		}
		first := emergency("P1")
		record(sampleEvent(2)) // an ordinary view
		second := emergency("P2")

		pending := func() []int64 {
			t.Helper()
			recs, err := PendingReviews(ctx, s)
			if err != nil {
				t.Fatalf("PendingReviews: %v", err)
			}
			var seqs []int64
			for _, r := range recs {
				seqs = append(seqs, r.Seq)
			}
			return seqs
		}
		if got, want := pending(), []int64{first.Seq, second.Seq}; !slices.Equal(got, want) {
			t.Fatalf("pending = %v; want %v", got, want)
		}
		review := record(ReviewEvent(first, "checked with the ward"))
		if review.Reason != "seq:1 checked with the ward" || review.Patient != "P1" || review.Action != ActionReview {
			t.Errorf("review record = %+v", review.Event)
		}
		if got, want := pending(), []int64{second.Seq}; !slices.Equal(got, want) {
			t.Errorf("pending after one review = %v; want %v", got, want)
		}
		record(ReviewEvent(second, ""))
		if got := pending(); len(got) != 0 {
			t.Errorf("pending after both reviews = %v; want none", got)
		}
	})
}
