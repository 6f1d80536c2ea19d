package hprindex

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
)

// Refresh schedule defaults.
const (
	// DefaultRefreshInterval is how old the export may get before the next
	// fetch. One export call a day costs one token of HPR's bucket.
	DefaultRefreshInterval = 24 * time.Hour
	// DefaultRetryInterval is the wait after a failed refresh.
	DefaultRetryInterval = time.Hour
)

// FetchFunc returns the zipped export (GET /v1/export) as a stream; the
// Refresher closes it.
type FetchFunc func(ctx context.Context) (io.ReadCloser, error)

// Refresher keeps the index at Path fresh and serves queries from it. Run
// loads the index a previous process left, then fetches and rebuilds
// whenever the export is Interval old; RefreshNow does it at once. A
// failed refresh keeps the index that was being served and is reported by
// Status and RefreshNow; a successful one swaps the new index in while
// queries on the old one finish undisturbed.
//
// Set the fields before the first call and do not change them afterwards.
// One Refresher per Path: two would build over each other's temporary
// files.
type Refresher struct {
	Path          string
	Fetch         FetchFunc
	Interval      time.Duration // export age that triggers a refresh; DefaultRefreshInterval when 0
	RetryInterval time.Duration // wait after a failure; DefaultRetryInterval when 0, at most Interval
	Builder       Builder       // limits; its Now defaults to the Refresher's
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// After is the timer Run waits on; time.After when nil. Tests inject
	// one to step the schedule without sleeping.
	After func(time.Duration) <-chan time.Time
	// Logger receives one line per refresh; nothing is logged when nil.
	Logger *slog.Logger

	build sync.Mutex // held for a whole refresh: one build at a time

	mu     sync.Mutex // guards what follows
	cur    *handle
	status RefreshStatus
	closed bool
}

// RefreshStatus is what the freshness line of the UI shows.
type RefreshStatus struct {
	Serving     bool      // an index is open and answering
	Info        Info      // of the index being served; zero when none
	LastAttempt time.Time // when the last refresh started; zero before the first
	LastSuccess time.Time // when the last successful refresh started
	Failed      bool      // the last refresh failed; the index being served (if any) is older
	LastError   error     // why it failed; nil when it did not
	Next        time.Time // when Run refreshes next
}

// handle counts the queries using one Index, so a swap closes the old
// Index only after the last of them.
type handle struct {
	ix      *Index
	refs    int
	retired bool
}

func (r *Refresher) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Refresher) interval() time.Duration {
	if r.Interval > 0 {
		return r.Interval
	}
	return DefaultRefreshInterval
}

func (r *Refresher) retryInterval() time.Duration {
	d := r.RetryInterval
	if d <= 0 {
		d = DefaultRetryInterval
	}
	return min(d, r.interval())
}

// Load opens the index a previous run left at Path, if any, and serves
// it. A missing file is ErrNoIndex; an unreadable one or one of another
// format is ErrIndex (Run then builds a new one).
func (r *Refresher) Load() error {
	ix, err := Open(r.Path)
	if err != nil {
		return fmt.Errorf("hprindex: load: %w", err)
	}
	if err := r.swap(ix); err != nil {
		ix.Close()
		return fmt.Errorf("hprindex: load: %w", err)
	}
	return nil
}

// Run loads the existing index, then refreshes on schedule until ctx ends:
// at once when there is no index, when the export is Interval old, and
// RetryInterval after a failure. It returns ctx's error.
func (r *Refresher) Run(ctx context.Context) error {
	if err := r.Load(); err != nil && !errors.Is(err, ErrNoIndex) && r.Logger != nil {
		r.Logger.WarnContext(ctx, "hpr index: existing index not usable, rebuilding", "err", err)
	}
	after := r.After
	if after == nil {
		after = time.After
	}
	for {
		if wait := r.Status().Next.Sub(r.now()); wait > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-after(wait):
			}
			continue // a RefreshNow meanwhile may have moved Next
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		_ = r.RefreshNow(ctx) // recorded in Status and logged
	}
}

// RefreshNow fetches the export, builds a new index and swaps it in. On
// failure the index being served stays, and the error is returned and
// recorded in Status. Concurrent calls run one after the other.
func (r *Refresher) RefreshNow(ctx context.Context) error {
	r.build.Lock()
	defer r.build.Unlock()
	start := r.now()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return fmt.Errorf("hprindex: refresh: %w: refresher closed", ErrIndex)
	}
	r.status.LastAttempt = start
	r.mu.Unlock()

	st, err := r.refresh(ctx, start)
	r.mu.Lock()
	if err != nil {
		r.status.Failed, r.status.LastError = true, err
	} else {
		r.status.Failed, r.status.LastError, r.status.LastSuccess = false, nil, start
	}
	r.mu.Unlock()
	if r.Logger != nil {
		if err != nil {
			r.Logger.ErrorContext(ctx, "hpr index: refresh failed, keeping the previous index", "err", err)
		} else {
			r.Logger.InfoContext(ctx, "hpr index: refreshed", "entries", st.Entries, "duplicates", st.Duplicates,
				"bytes", st.FileBytes, "exported_at", st.ExportedAt, "took", r.now().Sub(start))
		}
	}
	return err
}

func (r *Refresher) refresh(ctx context.Context, start time.Time) (Stats, error) {
	if r.Fetch == nil {
		return Stats{}, fmt.Errorf("hprindex: refresh: %w: no fetch function", ErrUpstream)
	}
	body, err := r.Fetch(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return Stats{}, fmt.Errorf("hprindex: refresh: fetch export: %w", context.Cause(ctx))
		}
		return Stats{}, fmt.Errorf("hprindex: refresh: fetch export: %w: %w", ErrUpstream, err)
	}
	b := r.Builder
	if b.Now == nil {
		b.Now = r.now
	}
	st, err := b.BuildFrom(ctx, r.Path, body, start)
	body.Close()
	if err != nil {
		return Stats{}, fmt.Errorf("hprindex: refresh: %w", err)
	}
	// The new file is in place. Should it not open, queries keep going to
	// the old Index, whose connections still hold the old file.
	ix, err := Open(r.Path)
	if err != nil {
		return Stats{}, fmt.Errorf("hprindex: refresh: %w", err)
	}
	if err := r.swap(ix); err != nil {
		ix.Close()
		return Stats{}, fmt.Errorf("hprindex: refresh: %w", err)
	}
	return st, nil
}

// swap serves ix from now on and closes the previous Index once its last
// query is done.
func (r *Refresher) swap(ix *Index) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return fmt.Errorf("%w: refresher closed", ErrIndex)
	}
	old := r.cur
	r.cur = &handle{ix: ix}
	r.status.Serving, r.status.Info = true, ix.Info()
	closeOld := old != nil && old.refs == 0
	if old != nil {
		old.retired = true
	}
	r.mu.Unlock()
	if closeOld {
		old.ix.Close()
	}
	return nil
}

func (r *Refresher) acquire() (*handle, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil {
		return nil, ErrNoIndex
	}
	r.cur.refs++
	return r.cur, nil
}

func (r *Refresher) release(h *handle) {
	r.mu.Lock()
	h.refs--
	closeIt := h.retired && h.refs == 0
	r.mu.Unlock()
	if closeIt {
		h.ix.Close()
	}
}

// Status reports the index being served and how the last refresh went.
func (r *Refresher) Status() RefreshStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.status
	switch {
	case s.Failed:
		s.Next = s.LastAttempt.Add(r.retryInterval())
	case s.Serving:
		s.Next = s.Info.ExportedAt.Add(r.interval())
	default:
		s.Next = time.Time{} // nothing served, nothing tried: now
	}
	return s
}

// Close closes the index being served (after its last query) and stops
// further refreshes from swapping one in.
func (r *Refresher) Close() error {
	r.mu.Lock()
	r.closed = true
	h := r.cur
	r.cur = nil
	r.status.Serving = false
	closeIt := h != nil && h.refs == 0
	if h != nil {
		h.retired = true
	}
	r.mu.Unlock()
	if closeIt {
		return h.ix.Close()
	}
	return nil
}

// Info returns the Info of the index being served; zero when none.
func (r *Refresher) Info() Info {
	h, err := r.acquire()
	if err != nil {
		return Info{}
	}
	defer r.release(h)
	return h.ix.Info()
}

// Search is Index.Search on the index being served; ErrNoIndex when none.
func (r *Refresher) Search(ctx context.Context, q string, limit int) ([]Hit, error) {
	h, err := r.acquire()
	if err != nil {
		return nil, fmt.Errorf("hprindex: search: %w", err)
	}
	defer r.release(h)
	return h.ix.Search(ctx, q, limit)
}

// ByNumber is Index.ByNumber on the index being served; ErrNoIndex when none.
func (r *Refresher) ByNumber(ctx context.Context, n int) (hpr.Personnel, bool, error) {
	h, err := r.acquire()
	if err != nil {
		return hpr.Personnel{}, false, fmt.Errorf("hprindex: get by number: %w", err)
	}
	defer r.release(h)
	return h.ix.ByNumber(ctx, n)
}

// ByNIN is Index.ByNIN on the index being served; ErrNoIndex when none.
func (r *Refresher) ByNIN(ctx context.Context, nin string) (hpr.Personnel, bool, error) {
	h, err := r.acquire()
	if err != nil {
		return hpr.Personnel{}, false, fmt.Errorf("hprindex: get by nin: %w", err)
	}
	defer r.release(h)
	return h.ix.ByNIN(ctx, nin)
}

// BySurnameAndBirth is Index.BySurnameAndBirth on the index being served;
// ErrNoIndex when none.
func (r *Refresher) BySurnameAndBirth(ctx context.Context, surname string, birth hpr.Date) ([]hpr.Personnel, error) {
	h, err := r.acquire()
	if err != nil {
		return nil, fmt.Errorf("hprindex: search by surname and birth date: %w", err)
	}
	defer r.release(h)
	return h.ix.BySurnameAndBirth(ctx, surname, birth)
}
