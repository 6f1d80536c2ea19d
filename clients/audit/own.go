package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrNoActor is returned by Own for an empty actor PID: a zero Filter
// field matches everyone, and a user's own page must never list another
// user's records.
var ErrNoActor = errors.New("audit: own records: no actor")

// Own returns the records pid wrote in [from, to), oldest first: what a
// user's own pages (My lookups, F9) are made from. With actions, only
// records of those actions are returned, one indexed query per action.
// Only pid's records are ever returned; an empty pid is ErrNoActor.
func Own(ctx context.Context, s Store, pid string, from, to time.Time, actions ...string) ([]Record, error) {
	if pid == "" {
		return nil, ErrNoActor
	}
	if len(actions) == 0 {
		recs, err := s.Query(ctx, Filter{ActorPID: pid, From: from, To: to})
		if err != nil {
			return nil, fmt.Errorf("audit: own records: %w", err)
		}
		return recs, nil
	}
	var out []Record
	for _, a := range slices.Compact(slices.Sorted(slices.Values(actions))) {
		recs, err := s.Query(ctx, Filter{ActorPID: pid, Action: a, From: from, To: to})
		if err != nil {
			return nil, fmt.Errorf("audit: own records: %w", err)
		}
		out = append(out, recs...)
	}
	slices.SortFunc(out, func(a, b Record) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// ReviewsOf returns the review records that name any of opened (emergency
// openings), keyed by the opening's Seq; the first review of an opening
// wins. Reviews are auditors' records, not the opener's, so they are read
// by action from the earliest opening on.
func ReviewsOf(ctx context.Context, s Store, opened []Record) (map[int64]Record, error) {
	out := map[int64]Record{}
	if len(opened) == 0 {
		return out, nil
	}
	want := map[int64]bool{}
	from := opened[0].Time
	for _, r := range opened {
		want[r.Seq] = true
		if r.Time.Before(from) {
			from = r.Time
		}
	}
	reviews, err := s.Query(ctx, Filter{Action: ActionReview, From: from})
	if err != nil {
		return nil, fmt.Errorf("audit: reviews: %w", err)
	}
	for _, r := range reviews {
		if seq, ok := reviewedSeq(r); ok && want[seq] {
			if _, seen := out[seq]; !seen {
				out[seq] = r
			}
		}
	}
	return out, nil
}
