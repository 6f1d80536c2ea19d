package hprindex

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/clocktest"
	"github.com/oppslag/oppslag/clients/hpr"
)

// fakeExport serves a settable export and counts the fetches.
type fakeExport struct {
	mu      sync.Mutex
	body    []byte
	err     error
	fetches atomic.Int64
}

func (f *fakeExport) set(body []byte, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.body, f.err = body, err
}

func (f *fakeExport) Fetch(ctx context.Context) (io.ReadCloser, error) {
	f.fetches.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	return io.NopCloser(bytes.NewReader(f.body)), nil
}

func newRefresher(t *testing.T, exp *fakeExport, clock *clocktest.Clock) *Refresher {
	t.Helper()
	r := &Refresher{
		Path:  filepath.Join(t.TempDir(), "hpr.db"),
		Fetch: exp.Fetch,
		Now:   clock.Now,
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestRefreshNow(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.New(exportDay)
	exp := &fakeExport{}
	r := newRefresher(t, exp, clock)

	if _, err := r.Search(ctx, "hansen", 10); !errors.Is(err, ErrNoIndex) {
		t.Fatalf("Search before the first build = %v, want ErrNoIndex", err)
	}
	if _, _, err := r.ByNumber(ctx, nBjornHansen); !errors.Is(err, ErrNoIndex) {
		t.Fatalf("ByNumber before the first build = %v, want ErrNoIndex", err)
	}
	if s := r.Status(); s.Serving || !s.Next.IsZero() {
		t.Fatalf("Status before the first build = %+v", s)
	}

	exp.set(exportOf(t, 7, fixture()...), nil)
	if err := r.RefreshNow(ctx); err != nil {
		t.Fatal(err)
	}
	s := r.Status()
	if !s.Serving || s.Failed || s.LastError != nil || s.Info.Entries != len(fixture()) ||
		!s.Info.ExportedAt.Equal(exportDay) || !s.LastSuccess.Equal(exportDay) {
		t.Fatalf("Status after a refresh = %+v", s)
	}
	if want := exportDay.Add(DefaultRefreshInterval); !s.Next.Equal(want) {
		t.Errorf("Next = %v, want %v", s.Next, want)
	}
	if hits, err := r.Search(ctx, "bjørn", 5); err != nil || len(hits) == 0 || hits[0].HPRNumber != nBjornHansen {
		t.Fatalf("Search = %v, %v", numbers(hits), err)
	}

	t.Run("a failed export keeps the old index", func(t *testing.T) {
		clock.Advance(24 * time.Hour)
		exp.set(exportOf(t, 7, fixture()...)[:200], nil)
		err := r.RefreshNow(ctx)
		if !errors.Is(err, ErrMalformed) {
			t.Fatalf("RefreshNow(broken) = %v, want ErrMalformed", err)
		}
		s := r.Status()
		if !s.Serving || !s.Failed || !errors.Is(s.LastError, ErrMalformed) || s.Info.Entries != len(fixture()) {
			t.Errorf("Status after a failed refresh = %+v", s)
		}
		if want := clock.Now().Add(DefaultRetryInterval); !s.Next.Equal(want) {
			t.Errorf("Next = %v, want %v (retry)", s.Next, want)
		}
		if !s.LastAttempt.Equal(clock.Now()) || !s.LastSuccess.Equal(exportDay) {
			t.Errorf("LastAttempt = %v, LastSuccess = %v", s.LastAttempt, s.LastSuccess)
		}
		if p, ok, err := r.ByNumber(ctx, nAseSaether); err != nil || !ok || p.Person.GivenName != "Åse" {
			t.Errorf("ByNumber after a failed refresh = %v, %v", ok, err)
		}
	})

	t.Run("a failed fetch keeps the old index", func(t *testing.T) {
		exp.set(nil, errors.New("hpr: export: 503"))
		if err := r.RefreshNow(ctx); !errors.Is(err, ErrUpstream) {
			t.Fatalf("RefreshNow(fetch fails) = %v, want ErrUpstream", err)
		}
		if s := r.Status(); !s.Serving || !s.Failed {
			t.Errorf("Status = %+v", s)
		}
		if hits, err := r.Search(ctx, "hansen", 5); err != nil || len(hits) == 0 {
			t.Errorf("Search after a failed fetch = %v, %v", numbers(hits), err)
		}
	})

	t.Run("a good export replaces the index", func(t *testing.T) {
		ps := fixture()
		ps = append(ps, person(4001, "Ny", "", "Sykepleier", hpr.NewDate(2000, 1, 1), ""))
		exp.set(exportOf(t, 7, ps...), nil)
		if err := r.RefreshNow(ctx); err != nil {
			t.Fatal(err)
		}
		s := r.Status()
		if s.Failed || s.LastError != nil || s.Info.Entries != len(ps) || !s.Info.ExportedAt.Equal(clock.Now()) {
			t.Errorf("Status = %+v", s)
		}
		if hits, err := r.Search(ctx, "ny sykepleier", 5); err != nil || !slices.Equal(numbers(hits), []int{4001}) {
			t.Errorf("Search(new entry) = %v, %v", numbers(hits), err)
		}
		if got := r.Info().Entries; got != len(ps) {
			t.Errorf("Info().Entries = %d, want %d", got, len(ps))
		}
	})

	t.Run("closed", func(t *testing.T) {
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Search(ctx, "hansen", 5); !errors.Is(err, ErrNoIndex) {
			t.Errorf("Search after Close = %v, want ErrNoIndex", err)
		}
		if err := r.RefreshNow(ctx); err == nil {
			t.Errorf("RefreshNow after Close succeeded")
		}
	})
}

// TestRefresherLoad: a restart serves the index the last run left and
// schedules the next refresh from its export time.
func TestRefresherLoad(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.New(exportDay)
	exp := &fakeExport{}
	exp.set(exportOf(t, 7, fixture()...), nil)
	first := newRefresher(t, exp, clock)
	if err := first.RefreshNow(ctx); err != nil {
		t.Fatal(err)
	}
	first.Close()

	clock.Advance(3 * time.Hour)
	second := &Refresher{Path: first.Path, Fetch: exp.Fetch, Now: clock.Now}
	defer second.Close()
	if err := second.Load(); err != nil {
		t.Fatal(err)
	}
	s := second.Status()
	if !s.Serving || s.Info.Entries != len(fixture()) || !s.Next.Equal(exportDay.Add(DefaultRefreshInterval)) {
		t.Errorf("Status after Load = %+v", s)
	}
	missing := &Refresher{Path: filepath.Join(t.TempDir(), "none.db")}
	if err := missing.Load(); !errors.Is(err, ErrNoIndex) {
		t.Errorf("Load(missing) = %v, want ErrNoIndex", err)
	}
}

// TestRefresherRun steps Run's schedule with an injected clock and timer.
func TestRefresherRun(t *testing.T) {
	clock := clocktest.New(exportDay)
	exp := &fakeExport{}
	exp.set(exportOf(t, 7, fixture()...), nil)
	r := newRefresher(t, exp, clock)
	r.Interval = 12 * time.Hour
	r.RetryInterval = 30 * time.Minute

	type wait struct {
		d    time.Duration
		fire chan time.Time
	}
	waits := make(chan wait)
	r.After = func(d time.Duration) <-chan time.Time {
		w := wait{d, make(chan time.Time, 1)}
		waits <- w
		return w.fire
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()

	next := func() wait {
		t.Helper()
		select {
		case w := <-waits:
			return w
		case err := <-done:
			t.Fatalf("Run returned early: %v", err)
		}
		return wait{}
	}

	// No index: Run builds at once, then waits the interval.
	w := next()
	if got := exp.fetches.Load(); got != 1 {
		t.Fatalf("fetches = %d, want 1 (build at start)", got)
	}
	if w.d != 12*time.Hour {
		t.Fatalf("wait = %v, want 12h", w.d)
	}

	// The interval passes, the export fails: one fetch, then the retry wait.
	exp.set(nil, errors.New("hpr: export: timeout"))
	clock.Advance(12 * time.Hour)
	w.fire <- clock.Now()
	w = next()
	if got := exp.fetches.Load(); got != 2 {
		t.Fatalf("fetches = %d, want 2", got)
	}
	if w.d != 30*time.Minute {
		t.Fatalf("wait after a failure = %v, want 30m", w.d)
	}
	if s := r.Status(); !s.Failed || !s.Serving {
		t.Fatalf("Status = %+v, want failed but serving", s)
	}

	// A timer that fires early (or a RefreshNow meanwhile) only re-arms.
	clock.Advance(10 * time.Minute)
	w.fire <- clock.Now()
	w = next()
	if got := exp.fetches.Load(); got != 2 {
		t.Fatalf("fetches = %d, want still 2", got)
	}
	if w.d != 20*time.Minute {
		t.Fatalf("wait = %v, want the remaining 20m", w.d)
	}

	// The retry succeeds: back to the interval, counted from the new export.
	exp.set(exportOf(t, 7, fixture()...), nil)
	clock.Advance(20 * time.Minute)
	w.fire <- clock.Now()
	w = next()
	if got := exp.fetches.Load(); got != 3 {
		t.Fatalf("fetches = %d, want 3", got)
	}
	if w.d != 12*time.Hour {
		t.Fatalf("wait after success = %v, want 12h", w.d)
	}
	if s := r.Status(); s.Failed || !s.Info.ExportedAt.Equal(clock.Now()) {
		t.Fatalf("Status = %+v", s)
	}

	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
}

// TestRefresherSwapUnderLoad: searches running while the index is swapped
// again and again all succeed, and retired indexes are closed.
func TestRefresherSwapUnderLoad(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.New(exportDay)
	exp := &fakeExport{}
	exp.set(exportOf(t, 7, fixture()...), nil)
	r := newRefresher(t, exp, clock)
	if err := r.RefreshNow(ctx); err != nil {
		t.Fatal(err)
	}
	var failures, searches atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				hits, err := r.Search(ctx, "hansen", 10)
				searches.Add(1)
				if err != nil || !slices.Contains(numbers(hits), nBjornHansen) {
					failures.Add(1)
				}
				if _, ok, err := r.ByNumber(ctx, nAseSaether); err != nil || !ok {
					failures.Add(1)
				}
			}
		})
	}
	for range 5 {
		clock.Advance(time.Hour)
		if err := r.RefreshNow(ctx); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if n := failures.Load(); n != 0 {
		t.Errorf("%d lookups failed during %d swaps (%d searches)", n, 5, searches.Load())
	}
}
