package audit

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// group commits a store's appends in groups. A record call queues its
// event, and whichever caller holds the writer slot appends everything
// queued so far in one transaction (appendAll). Every caller still returns
// only after the commit that holds its record (S20, S39), but concurrent
// requests (a person page records three accesses at once) share one
// transaction, one lock and one flush instead of queueing for one each.
type group struct {
	appendAll func(ctx context.Context, evs []Event) ([]Record, error)

	writer  chan struct{} // one slot: the committing goroutine holds it
	mu      sync.Mutex
	queue   []*queuedEvent // events waiting for the next commit
	commits atomic.Int64   // commits so far (tests)
	// observe, when set, is told of every commit (ObserveCommits).
	observe atomic.Pointer[CommitObserver]
}

// CommitObserver is told of each group commit: how many records it held,
// how long the transaction took and its error (nil when committed). It
// runs on the committing goroutine before any caller is answered, so it
// must be quick; the metrics (web/metrics) count and time commits with it.
// It is a plain func so the audit package needs no metrics library.
type CommitObserver func(size int, took time.Duration, err error)

// ObserveCommits makes the store call fn after each group commit (nil
// stops it). It may be called at any time, concurrently with Record.
func (s *SQLite) ObserveCommits(fn CommitObserver) { s.group.observeWith(fn) }

// ObserveCommits makes the store call fn after each group commit (nil
// stops it). It may be called at any time, concurrently with Record.
func (p *Postgres) ObserveCommits(fn CommitObserver) { p.group.observeWith(fn) }

func (g *group) observeWith(fn CommitObserver) {
	if fn == nil {
		g.observe.Store(nil)
		return
	}
	g.observe.Store(&fn)
}

// queuedEvent is an event waiting for its commit, and where the outcome
// goes.
type queuedEvent struct {
	ev   Event
	done chan appended // buffered: the committer never waits for a reader
}

type appended struct {
	r   Record
	err error
}

// maxGroup bounds one commit; what is queued beyond it waits for the next.
const maxGroup = 256

// groupTimeout bounds one commit. It is not any caller's deadline: a commit
// serves several callers, and one of them giving up must not fail the
// others' records.
const groupTimeout = 10 * time.Second

func newGroup(appendAll func(ctx context.Context, evs []Event) ([]Record, error)) *group {
	return &group{appendAll: appendAll, writer: make(chan struct{}, 1)}
}

// record appends ev and returns its record once committed. A caller whose
// ctx ends while its event is still queued takes it back and gets the
// context's error; once a commit has taken the event, that commit's
// outcome is the answer. Errors are the store's, unwrapped.
func (g *group) record(ctx context.Context, ev Event) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	q := &queuedEvent{ev: ev, done: make(chan appended, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, q)
	g.mu.Unlock()
	for {
		select {
		case a := <-q.done:
			return a.r, a.err
		case g.writer <- struct{}{}:
			g.commitQueued()
			<-g.writer
		case <-ctx.Done():
			if g.withdraw(q) {
				return Record{}, ctx.Err()
			}
			a := <-q.done
			return a.r, a.err
		}
	}
}

// withdraw takes q out of the queue; false when a commit has taken it.
func (g *group) withdraw(q *queuedEvent) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, x := range g.queue {
		if x == q {
			g.queue = append(g.queue[:i], g.queue[i+1:]...)
			return true
		}
	}
	return false
}

// commitQueued appends up to maxGroup queued events in one transaction and
// hands each caller its record, or the commit's error. The caller holds
// the writer slot.
func (g *group) commitQueued() {
	g.mu.Lock()
	n := min(len(g.queue), maxGroup)
	taken := g.queue[:n:n]
	g.queue = g.queue[n:]
	g.mu.Unlock()
	if n == 0 {
		return
	}
	evs := make([]Event, n)
	for i, q := range taken {
		evs[i] = q.ev
	}
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
	start := time.Now()
	recs, err := g.appendAll(ctx, evs)
	g.commits.Add(1)
	if fn := g.observe.Load(); fn != nil {
		(*fn)(n, time.Since(start), err)
	}
	for i, q := range taken {
		if err != nil {
			q.done <- appended{err: err}
		} else {
			q.done <- appended{r: recs[i]}
		}
	}
}
