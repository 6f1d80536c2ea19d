package batch

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprindex"
	"github.com/oppslag/oppslag/clients/hpr/standing"
	"github.com/oppslag/oppslag/clients/upstream"
)

// The statuses of a row whose entry was not read, beside standing's.
const (
	NotFound  standing.Kind = "notfound"  // HPR (or the index) has no such number
	Unchecked standing.Kind = "unchecked" // the number could not be checked now; Row.Err says why
)

// Index is what a check needs of the local index (clients/hpr/hprindex).
type Index interface {
	ByNumber(ctx context.Context, n int) (hpr.Personnel, bool, error)
	Info() hprindex.Info
}

// Register is what a check needs of the HPR client (clients/hpr).
type Register interface {
	ByNumber(ctx context.Context, n int) (hpr.Result, error)
}

// errNoSource is a row's error when a check was run with neither an index
// nor a register; callers refuse to start such a check.
var errNoSource = errors.New("hpr batch: no index and no register")

// Row is the answer for one number.
type Row struct {
	Number int           // as asked
	Kind   standing.Kind // the entry's standing, NotFound or Unchecked
	// Personnel and Status are the entry and its status on the day of the
	// check; set only when the entry was read (Found).
	Personnel hpr.Personnel
	Status    hpr.Status
	Err       error // why an Unchecked row was not checked
}

// Found reports whether the row holds the entry.
func (r Row) Found() bool { return r.Kind != NotFound && r.Kind != Unchecked }

// Job is one check: its owner, its numbers and the rows answered so far.
// Its methods are safe for concurrent use: Run fills it while pages read
// Snapshot.
type Job struct {
	owner   string
	started time.Time
	numbers []int

	mu         sync.Mutex
	rows       []Row
	done       bool
	exportedAt time.Time

	// pub copies the rows to the shared store as Run adds them; nil for a
	// store of this instance only (set by Store.Add, before Run starts).
	pub *publisher
}

// NewJob returns a check of numbers for the user with subject owner,
// started at now; Run does the checking.
func NewJob(owner string, numbers []int, now time.Time) *Job {
	return &Job{owner: owner, started: now, numbers: numbers}
}

// Run checks every number in order, from ix when there is one and through
// reg otherwise, each as it stands on day, and marks the job done. A
// number that cannot be checked (ctx ended, the limiter refused, HPR
// failed) becomes an Unchecked row and the rest are still tried: a cached
// answer may yet come back.
func (j *Job) Run(ctx context.Context, ix Index, reg Register, day hpr.Date) {
	if ix != nil {
		j.mu.Lock()
		j.exportedAt = ix.Info().ExportedAt
		j.mu.Unlock()
	}
	for _, n := range j.numbers {
		row := checkOne(ctx, ix, reg, n, day)
		j.mu.Lock()
		j.rows = append(j.rows, row)
		j.mu.Unlock()
		j.pub.row(ctx, row, day, false)
	}
	j.mu.Lock()
	j.done = true
	j.mu.Unlock()
	j.pub.row(ctx, Row{}, day, true)
}

// checkOne answers one number from the index, else through the client.
func checkOne(ctx context.Context, ix Index, reg Register, n int, day hpr.Date) Row {
	var p hpr.Personnel
	var err error
	found := false
	switch {
	case ix != nil:
		p, found, err = ix.ByNumber(ctx, n)
		if err == nil && !found {
			err = upstream.ErrNotFound
		}
	case reg != nil:
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		var res hpr.Result
		res, err = reg.ByNumber(cctx, n)
		cancel()
		p, found = res.Personnel, err == nil
	default:
		err = errNoSource
	}
	switch {
	case found:
		st := hpr.StatusOn(p, day)
		return Row{Number: n, Kind: standing.Of(st), Personnel: p, Status: st}
	case errors.Is(err, upstream.ErrNotFound):
		return Row{Number: n, Kind: NotFound}
	}
	return Row{Number: n, Kind: Unchecked, Err: err}
}

// Snapshot is a job as it stands: what a page shows on one poll.
type Snapshot struct {
	Rows  []Row // answered so far, in the order asked
	Total int   // numbers in the check
	Done  bool  // every number has been looked at
	// IndexExportedAt is when the export the index answered from was
	// fetched; zero when the numbers went through HPR.
	IndexExportedAt time.Time
}

// Snapshot copies the job's state.
func (j *Job) Snapshot() Snapshot {
	j.mu.Lock()
	defer j.mu.Unlock()
	return Snapshot{
		Rows:            append([]Row(nil), j.rows...),
		Total:           len(j.numbers),
		Done:            j.done,
		IndexExportedAt: j.exportedAt,
	}
}

// Count is how many rows have one status.
type Count struct {
	Kind standing.Kind
	N    int
}

// Counts tallies the rows by status, in the order each status first
// appears.
func (s Snapshot) Counts() []Count {
	var out []Count
	at := map[standing.Kind]int{}
	for _, r := range s.Rows {
		i, ok := at[r.Kind]
		if !ok {
			i = len(out)
			at[r.Kind] = i
			out = append(out, Count{Kind: r.Kind})
		}
		out[i].N++
	}
	return out
}

// Store keeps the running and finished checks, each for Lifetime and for
// its owner only. A check runs on the instance that started it. With a
// shared store (NewRedisStore) its rows are copied to Redis as they come,
// so a poll that a load balancer sends to another instance finds the check
// there too; with NewStore the checks live in this instance's memory, and
// another instance answers "no longer exists" (the check can be run again;
// answers are cached).
type Store struct {
	mu     sync.Mutex
	jobs   map[string]*Job
	shared *shared // nil: this instance only
}

// NewStore returns an empty store of this instance only.
func NewStore() *Store { return &Store{jobs: map[string]*Job{}} }

// Add keeps j under a new unguessable id, dropping expired checks and, at
// the bound, the oldest, so memory stays bounded whatever users do.
func (s *Store) Add(j *Job, now time.Time) (string, error) {
	buf := make([]byte, 16)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	id := base64.RawURLEncoding.EncodeToString(buf)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, old := range s.jobs {
		if now.Sub(old.started) > Lifetime {
			delete(s.jobs, k)
		}
	}
	if len(s.jobs) >= maxStored {
		var oldest string
		for k, old := range s.jobs {
			if oldest == "" || old.started.Before(s.jobs[oldest].started) {
				oldest = k
			}
		}
		delete(s.jobs, oldest)
	}
	s.jobs[id] = j
	if s.shared != nil {
		j.pub = s.shared.publish(id, j)
	}
	return id, nil
}

// Get returns the check id if owner started it and it has not expired;
// another user's check is as absent as an unknown one. A check started on
// another instance comes from the shared store, as it stood at its last
// copy (Job.Run copies at least every publishInterval).
func (s *Store) Get(ctx context.Context, id, owner string, now time.Time) (*Job, bool) {
	s.mu.Lock()
	j, ok := s.jobs[id]
	s.mu.Unlock()
	if !ok && s.shared != nil {
		j, ok = s.shared.load(ctx, id)
	}
	if !ok || j.owner != owner || now.Sub(j.started) > Lifetime {
		return nil, false
	}
	return j, true
}
