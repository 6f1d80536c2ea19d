package hpr

import (
	"context"
	"errors"
	"testing"
	"time"
)

// fixedChanges is a ChangeSource with one answer.
type fixedChanges struct {
	updated, copiedAt time.Time
	found             bool
	err               error
}

func (f fixedChanges) LastChange(context.Context, int) (time.Time, time.Time, bool, error) {
	return f.updated, f.copiedAt, f.found, f.err
}

// TestConfirmedKeepsTheFreshnessPromise: an answer past the window is
// served only while a copy younger than the window shows it unchanged.
func TestConfirmedKeepsTheFreshnessPromise(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	upd := now.Add(-48 * time.Hour)
	entry := Entry{Personnel: Personnel{HPRNumber: 1, LastUpdated: DateTime{Time: upd}}, FetchedAt: now.Add(-3 * time.Hour)}
	tests := []struct {
		name string
		src  ChangeSource
		want bool
	}{
		{"no source", nil, false},
		{"unchanged in a recent copy", fixedChanges{upd, now.Add(-30 * time.Minute), true, nil}, true},
		{"changed (a suspension moves sistOppdatert)", fixedChanges{upd.Add(time.Hour), now.Add(-30 * time.Minute), true, nil}, false},
		{"copy as old as the window", fixedChanges{upd, now.Add(-DefaultFreshFor), true, nil}, false},
		{"not in the copy", fixedChanges{found: false, copiedAt: now}, false},
		{"copy unreadable", fixedChanges{upd, now, true, errors.New("down")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{freshFor: DefaultFreshFor, changes: tt.src}
			if got := c.confirmed(context.Background(), entry, now); got != tt.want {
				t.Errorf("confirmed: got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("no sistOppdatert in the answer", func(t *testing.T) {
		c := &Client{freshFor: DefaultFreshFor, changes: fixedChanges{time.Time{}, now, true, nil}}
		e := entry
		e.Personnel.LastUpdated = DateTime{}
		if c.confirmed(context.Background(), e, now) {
			t.Error("confirmed an answer without sistOppdatert")
		}
	})
}
