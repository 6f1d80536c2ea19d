package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Emergency openings are queued for review (S17). The queue is not a
// separate table that could drift from the log: an emergency opening is an
// append-only record, and so is its review, which names the opening's Seq.
// The pending queue is the openings without a review.
const (
	ActionEmergency = "emergency_access" // a clinician opened lab results on an emergency basis
	ActionReview    = "review"           // an auditor reviewed the record named in Reason
)

// reviewPrefix starts a review record's Reason: "seq:<n>", then the
// auditor's note after a space.
const reviewPrefix = "seq:"

// ReviewEvent is the record an auditor appends after reviewing rec; note is
// the auditor's own words and may be empty.
func ReviewEvent(rec Record, note string) Event {
	reason := reviewPrefix + strconv.FormatInt(rec.Seq, 10)
	if note = strings.TrimSpace(note); note != "" {
		reason += " " + note
	}
	return Event{Patient: rec.Patient, Resource: "audit", Action: ActionReview, Reason: reason, Outcome: Success}
}

// reviewedSeq returns the Seq a review record names.
func reviewedSeq(r Record) (int64, bool) {
	rest, ok := strings.CutPrefix(r.Reason, reviewPrefix)
	if !ok {
		return 0, false
	}
	num, _, _ := strings.Cut(rest, " ")
	n, err := strconv.ParseInt(num, 10, 64)
	return n, err == nil
}

// PendingReviews returns the emergency openings no review names yet, oldest
// first.
func PendingReviews(ctx context.Context, s Store) ([]Record, error) {
	opened, err := s.Query(ctx, Filter{Action: ActionEmergency})
	if err != nil {
		return nil, fmt.Errorf("audit: pending reviews: %w", err)
	}
	reviews, err := s.Query(ctx, Filter{Action: ActionReview})
	if err != nil {
		return nil, fmt.Errorf("audit: pending reviews: %w", err)
	}
	done := make(map[int64]bool, len(reviews))
	for _, r := range reviews {
		if seq, ok := reviewedSeq(r); ok {
			done[seq] = true
		}
	}
	var out []Record
	for _, r := range opened {
		if !done[r.Seq] {
			out = append(out, r)
		}
	}
	return out, nil
}
