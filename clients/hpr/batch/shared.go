package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/standing"
	"github.com/oppslag/oppslag/clients/upstream"
)

// The shared store: a check's rows copied to Redis as they come, so every
// instance behind one Redis can show any check (issue 14). The check itself
// still runs on the instance that started it; Redis holds a copy, never the
// work. Two keys per check, both expiring after Lifetime by Redis's clock:
//
//	<prefix><id>:meta  JSON: owner, start, the numbers, the index's export time, done
//	<prefix><id>:rows  a list of JSON rows, in the order asked
//
// A row keeps its entry as HPR sent it (the same JSON the HPR cache keeps)
// and the day it was checked on; its status is computed again on reading,
// with the same rule. Of an Unchecked row's error only what a page shows is
// kept: whether it was the rate limit, and the wait.
//
// A Redis failure never fails a check: the instance that runs it still has
// it in memory, and another instance answers as the memory store does
// ("no longer exists").

// Copy cadence: rows are pushed in groups, at the latest after
// publishInterval, so a poll elsewhere lags the running check by about that.
const (
	publishInterval = 250 * time.Millisecond
	publishRows     = 200
	redisTimeout    = 2 * time.Second
)

// shared is the Redis half of a Store.
type shared struct {
	rdb    redis.Cmdable
	prefix string
}

// NewRedisStore returns a store whose checks every instance sharing rdb can
// read; keys start with prefix (e.g. "oppslag:hpr:batch:").
func NewRedisStore(rdb redis.Cmdable, prefix string) *Store {
	s := NewStore()
	s.shared = &shared{rdb: rdb, prefix: prefix}
	return s
}

// meta is what a check holds besides its rows.
type meta struct {
	Owner      string    `json:"owner"`
	Started    time.Time `json:"started"`
	Numbers    []int     `json:"numbers"`
	ExportedAt time.Time `json:"exportedAt,omitzero"`
	Done       bool      `json:"done,omitempty"`
}

// sharedRow is a Row as stored.
type sharedRow struct {
	Number    int            `json:"n"`
	Kind      standing.Kind  `json:"kind"`
	Personnel *hpr.Personnel `json:"p,omitempty"`
	Day       hpr.Date       `json:"day,omitzero"`
	// Limited, for an Unchecked row: the rate limit refused it, for
	// RetryAfter; otherwise the row failed for another reason.
	Limited    bool          `json:"limited,omitempty"`
	RetryAfter time.Duration `json:"retryAfter,omitempty"`
}

// publisher copies one running check to Redis.
type publisher struct {
	sh      *shared
	id      string
	job     *Job
	mu      sync.Mutex
	pending [][]byte
	last    time.Time
}

// publish writes the check's meta and returns its publisher.
func (sh *shared) publish(id string, j *Job) *publisher {
	p := &publisher{sh: sh, id: id, job: j, last: time.Now()}
	p.writeMeta(context.Background(), false)
	return p
}

func (sh *shared) metaKey(id string) string { return sh.prefix + id + ":meta" }
func (sh *shared) rowsKey(id string) string { return sh.prefix + id + ":rows" }

// row queues r (unless done) and pushes the queue when it is long or old
// enough, or when the check is done; done also marks the meta. A nil
// publisher (a check of this instance only) does nothing.
func (p *publisher) row(ctx context.Context, r Row, day hpr.Date, done bool) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !done {
		sr := sharedRow{Number: r.Number, Kind: r.Kind}
		if r.Found() {
			pers := r.Personnel
			sr.Personnel, sr.Day = &pers, day
		}
		if r.Kind == Unchecked && errors.Is(r.Err, upstream.ErrRateLimited) {
			sr.Limited, sr.RetryAfter = true, upstream.RetryAfterOf(r.Err)
		}
		if b, err := json.Marshal(sr); err == nil {
			p.pending = append(p.pending, b)
		}
	}
	if !done && len(p.pending) < publishRows && time.Since(p.last) < publishInterval {
		return
	}
	// The check's own context may have run out (Lifetime); the copy of its
	// last rows still goes out.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), redisTimeout)
	defer cancel()
	if len(p.pending) > 0 {
		vals := make([]any, len(p.pending))
		for i, b := range p.pending {
			vals[i] = b
		}
		pipe := p.sh.rdb.TxPipeline()
		pipe.RPush(wctx, p.sh.rowsKey(p.id), vals...)
		pipe.Expire(wctx, p.sh.rowsKey(p.id), Lifetime)
		if _, err := pipe.Exec(wctx); err == nil {
			p.pending = p.pending[:0]
		}
	}
	p.last = time.Now()
	if done {
		p.writeMeta(wctx, true)
	}
}

// writeMeta stores the check's meta, expiring Lifetime after its start.
func (p *publisher) writeMeta(ctx context.Context, done bool) {
	j := p.job
	j.mu.Lock()
	m := meta{Owner: j.owner, Started: j.started, Numbers: j.numbers, ExportedAt: j.exportedAt, Done: done}
	j.mu.Unlock()
	b, err := json.Marshal(m)
	if err != nil {
		return
	}
	ttl := max(time.Until(j.started.Add(Lifetime)), time.Second)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), redisTimeout)
	defer cancel()
	_ = p.sh.rdb.Set(ctx, p.sh.metaKey(p.id), b, ttl).Err()
}

// load reads a check another instance runs (or ran) as a Job that is never
// run here: a snapshot of its copy.
func (sh *shared) load(ctx context.Context, id string) (*Job, bool) {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	j, err := sh.read(ctx, id)
	if err != nil {
		return nil, false
	}
	return j, true
}

func (sh *shared) read(ctx context.Context, id string) (*Job, error) {
	b, err := sh.rdb.Get(ctx, sh.metaKey(id)).Bytes()
	if err != nil {
		return nil, err
	}
	var m meta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("hpr batch: shared meta: %w", err)
	}
	raws, err := sh.rdb.LRange(ctx, sh.rowsKey(id), 0, -1).Result()
	if err != nil {
		return nil, err
	}
	j := &Job{owner: m.Owner, started: m.Started, numbers: m.Numbers, exportedAt: m.ExportedAt}
	for _, raw := range raws {
		var sr sharedRow
		if err := json.Unmarshal([]byte(raw), &sr); err != nil {
			return nil, fmt.Errorf("hpr batch: shared row: %w", err)
		}
		j.rows = append(j.rows, sr.row())
	}
	// Done only when every row arrived: the meta and the last rows are
	// written in that order, but a reader must never show a short table
	// as finished.
	j.done = m.Done && len(j.rows) == len(j.numbers)
	return j, nil
}

// row turns a stored row back into a Row.
func (sr sharedRow) row() Row {
	r := Row{Number: sr.Number, Kind: sr.Kind}
	switch {
	case sr.Personnel != nil:
		r.Personnel = *sr.Personnel
		r.Status = hpr.StatusOn(r.Personnel, sr.Day)
	case sr.Limited:
		r.Err = &upstream.RateLimitError{RetryAfter: sr.RetryAfter}
	case sr.Kind == Unchecked:
		r.Err = errRemote
	}
	return r
}

// errRemote is an Unchecked row's error read from the shared store, when it
// was not the rate limit: the instance that ran the check logged the cause.
var errRemote = errors.New("hpr batch: not checked (on another instance)")
