package hprindex

import (
	"context"
	"errors"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
)

var _ hpr.ChangeSource = (*Refresher)(nil)

// LastChange implements hpr.ChangeSource over the index in use (Changes).
func (r *Refresher) LastChange(ctx context.Context, number int) (updated, copiedAt time.Time, found bool, err error) {
	return Changes(ctx, r, number)
}

// Copy is an index as Changes reads it: an *Index, or a Refresher's
// current one.
type Copy interface {
	Info() Info
	ByNumber(ctx context.Context, n int) (hpr.Personnel, bool, error)
}

// Changes is hpr.ChangeSource's LastChange over c: the entry's
// sistOppdatert and when the export it came from was fetched. Without an
// index it finds nothing. The export time is read before the entry, so an
// index swapped in between can only make the answer look older than it
// is, never newer.
func Changes(ctx context.Context, c Copy, number int) (updated, copiedAt time.Time, found bool, err error) {
	copiedAt = c.Info().ExportedAt
	p, ok, err := c.ByNumber(ctx, number)
	switch {
	case errors.Is(err, ErrNoIndex):
		return time.Time{}, time.Time{}, false, nil
	case err != nil:
		return time.Time{}, time.Time{}, false, err
	case !ok || p.LastUpdated.IsZero() || copiedAt.IsZero():
		return time.Time{}, time.Time{}, false, nil
	}
	return p.LastUpdated.Time, copiedAt, true, nil
}
