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
	recs, err := g.appendAll(ctx, evs)
	g.commits.Add(1)
	for i, q := range taken {
		if err != nil {
			q.done <- appended{err: err}
		} else {
			q.done <- appended{r: recs[i]}
		}
	}
}
