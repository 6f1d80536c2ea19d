package batch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprindex"
	"github.com/oppslag/oppslag/clients/hpr/standing"
	"github.com/oppslag/oppslag/clients/upstream"
)

var day = hpr.NewDate(2026, 3, 2)

// entries are the register the fakes answer from.
var entries = map[int]hpr.Personnel{
	1: {HPRNumber: 1, Approvals: []hpr.Approval{{Category: hpr.Code{Value: "LE"}, Period: hpr.Period{From: hpr.NewDate(2005, 8, 1)}}}},
	2: {HPRNumber: 2, Approvals: []hpr.Approval{{Category: hpr.Code{Value: "SP"}, Period: hpr.Period{To: hpr.NewDate(2020, 1, 1)}}}},
	3: {HPRNumber: 3},
}

// fakeIndex answers from entries; a number in fail gives that error.
type fakeIndex struct{ fail map[int]error }

func (f fakeIndex) ByNumber(_ context.Context, n int) (hpr.Personnel, bool, error) {
	if err := f.fail[n]; err != nil {
		return hpr.Personnel{}, false, err
	}
	p, ok := entries[n]
	return p, ok, nil
}

func (fakeIndex) Info() hprindex.Info {
	return hprindex.Info{ExportedAt: time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC)}
}

// fakeRegister answers from entries as the client does, with a deadline
// on every call; a number in fail gives that error.
type fakeRegister struct {
	fail  map[int]error
	calls *int
}

func (f fakeRegister) ByNumber(ctx context.Context, n int) (hpr.Result, error) {
	*f.calls++
	if _, ok := ctx.Deadline(); !ok {
		return hpr.Result{}, errors.New("called without a deadline")
	}
	if err := f.fail[n]; err != nil {
		return hpr.Result{}, err
	}
	p, ok := entries[n]
	if !ok {
		return hpr.Result{}, fmt.Errorf("hpr: by number: %w", upstream.ErrNotFound)
	}
	return hpr.Result{Personnel: p}, nil
}

func TestRun(t *testing.T) {
	limited := &hpr.RateLimitError{RetryAfter: 42 * time.Second}
	broken := errors.New("index: disk gone")
	tests := []struct {
		name        string
		ix          Index
		reg         func(calls *int) Register
		numbers     []int
		want        []standing.Kind
		wantErrs    []error
		wantCalls   int
		wantFromIdx bool
	}{
		{
			name:     "from the index, no upstream call",
			ix:       fakeIndex{fail: map[int]error{5: broken}},
			reg:      func(calls *int) Register { return fakeRegister{calls: calls} },
			numbers:  []int{1, 9, 2, 3, 5},
			want:     []standing.Kind{standing.Active, NotFound, standing.Expired, standing.None, Unchecked},
			wantErrs: []error{nil, nil, nil, nil, broken}, wantCalls: 0, wantFromIdx: true,
		},
		{
			name:     "through the client",
			reg:      func(calls *int) Register { return fakeRegister{calls: calls, fail: map[int]error{2: limited}} },
			numbers:  []int{1, 2, 9},
			want:     []standing.Kind{standing.Active, Unchecked, NotFound},
			wantErrs: []error{nil, limited, nil}, wantCalls: 3,
		},
		{
			name:     "neither: nothing checked, nothing dropped",
			reg:      func(*int) Register { return nil },
			numbers:  []int{1, 2},
			want:     []standing.Kind{Unchecked, Unchecked},
			wantErrs: []error{errNoSource, errNoSource},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			j := NewJob("alice", tt.numbers, time.Now())
			if s := j.Snapshot(); s.Done || len(s.Rows) != 0 || s.Total != len(tt.numbers) {
				t.Fatalf("before Run: %+v", s)
			}
			j.Run(context.Background(), tt.ix, tt.reg(&calls), day)
			s := j.Snapshot()
			if !s.Done || s.Total != len(tt.numbers) {
				t.Errorf("after Run: done %v, total %d; want true, %d", s.Done, s.Total, len(tt.numbers))
			}
			var kinds []standing.Kind
			for i, r := range s.Rows {
				kinds = append(kinds, r.Kind)
				if r.Number != tt.numbers[i] {
					t.Errorf("row %d number %d; want %d", i, r.Number, tt.numbers[i])
				}
				if !errors.Is(r.Err, tt.wantErrs[i]) || (tt.wantErrs[i] == nil && r.Err != nil) {
					t.Errorf("row %d error %v; want %v", i, r.Err, tt.wantErrs[i])
				}
				if got, want := r.Found(), r.Kind != NotFound && r.Kind != Unchecked; got != want {
					t.Errorf("row %d Found() = %v; want %v", i, got, want)
				}
				if r.Found() && (r.Personnel.HPRNumber != r.Number || !r.Status.Day.Equal(day.Time)) {
					t.Errorf("row %d holds entry %d on %v; want %d on %v", i, r.Personnel.HPRNumber, r.Status.Day, r.Number, day)
				}
			}
			if !slices.Equal(kinds, tt.want) {
				t.Errorf("kinds = %v; want %v", kinds, tt.want)
			}
			if calls != tt.wantCalls {
				t.Errorf("%d upstream calls; want %d", calls, tt.wantCalls)
			}
			if got := !s.IndexExportedAt.IsZero(); got != tt.wantFromIdx {
				t.Errorf("IndexExportedAt set = %v; want %v", got, tt.wantFromIdx)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	tests := []struct {
		name  string
		kinds []standing.Kind
		want  []Count
	}{
		{"none", nil, nil},
		{"in order of first appearance", []standing.Kind{NotFound, standing.Active, NotFound, Unchecked, standing.Active, standing.Active},
			[]Count{{NotFound, 2}, {standing.Active, 3}, {Unchecked, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Snapshot
			for _, k := range tt.kinds {
				s.Rows = append(s.Rows, Row{Kind: k})
			}
			if got := s.Counts(); !slices.Equal(got, tt.want) {
				t.Errorf("Counts = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestStore(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	s := NewStore()
	j := NewJob("alice", []int{1}, now)
	id, err := s.Add(j, now)
	if err != nil || len(id) < 20 {
		t.Fatalf("Add = %q, %v", id, err)
	}
	tests := []struct {
		name  string
		id    string
		owner string
		at    time.Time
		want  bool
	}{
		{"the owner", id, "alice", now, true},
		{"the owner at the end of its life", id, "alice", now.Add(Lifetime), true},
		{"another user", id, "bob", now, false},
		{"no user", id, "", now, false},
		{"an unknown id", "nope", "alice", now, false},
		{"expired", id, "alice", now.Add(Lifetime + time.Second), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := s.Get(context.Background(), tt.id, tt.owner, tt.at)
			if ok != tt.want || (ok && got != j) {
				t.Errorf("Get = %p, %v; want %v", got, ok, tt.want)
			}
		})
	}

	t.Run("expired checks are dropped on Add", func(t *testing.T) {
		later := now.Add(Lifetime + time.Minute)
		if _, err := s.Add(NewJob("bob", nil, later), later); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.jobs[id]; ok {
			t.Error("an expired check is still kept")
		}
	})

	t.Run("bounded: the oldest goes first", func(t *testing.T) {
		s := NewStore()
		var first string
		for i := range maxStored + 5 {
			at := now.Add(time.Duration(i) * time.Second)
			id, err := s.Add(NewJob("alice", nil, at), at)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = id
			}
		}
		if len(s.jobs) != maxStored {
			t.Errorf("%d checks kept; want %d", len(s.jobs), maxStored)
		}
		if _, ok := s.jobs[first]; ok {
			t.Error("the oldest check survived the bound")
		}
	})
}
