package audit

import (
	"context"
	"fmt"
	"reflect"
	"testing"
)

// rewriteStatements plays the attacker who can write the database: it
// changes the patient of the record at seq and recomputes that hash, every
// later record's links and hashes, and the head, so that the chain is
// consistent with itself again. recs is the whole chain, oldest first.
func rewriteStatements(recs []Record, seq int64, patient string) (stmts []string, head Head) {
	prev := genesisHash
	for _, r := range recs {
		if r.Seq < seq {
			prev = r.Hash
			continue
		}
		if r.Seq == seq {
			r.Patient = patient
			stmts = append(stmts, fmt.Sprintf("UPDATE audit_records SET patient = '%s' WHERE seq = %d", patient, r.Seq))
		}
		r.PrevHash = prev
		r.Hash = ChainHash(r.Seq, r.PrevHash, r.Event)
		stmts = append(stmts, fmt.Sprintf("UPDATE audit_records SET prev_hash = '%s', hash = '%s' WHERE seq = %d", r.PrevHash, r.Hash, r.Seq))
		prev = r.Hash
		head = Head{Seq: r.Seq, Hash: r.Hash}
	}
	stmts = append(stmts, fmt.Sprintf("UPDATE audit_head SET hash = '%s' WHERE id = 1", head.Hash))
	return stmts, head
}

// headUnguard drops the trigger that keeps the head moving forward by one.
var headUnguard = map[string]string{
	"sqlite":   "DROP TRIGGER audit_head_forward",
	"postgres": "DROP TRIGGER audit_head_forward ON audit_head",
}

// S43: a consistent rewrite of the whole database passes Verify, and the
// anchors recorded before it catch it.
func TestS43_ConsistentRewriteCaughtByAnchors(t *testing.T) {
	tests := []struct {
		name    string
		anchors func(before []Record) []Head
		want    []Problem
	}{
		{
			name:    "no anchors: the rewrite goes unseen",
			anchors: func([]Record) []Head { return nil },
			want:    nil,
		},
		{
			name:    "anchor before the rewritten record",
			anchors: func(b []Record) []Head { return []Head{{Seq: 20, Hash: b[19].Hash}} },
			want:    nil,
		},
		{
			name:    "anchor at the rewritten record",
			anchors: func(b []Record) []Head { return []Head{{Seq: 25, Hash: b[24].Hash}} },
			want:    []Problem{{25, ReasonCheckpointMismatch}},
		},
		{
			name: "anchors at several heads",
			anchors: func(b []Record) []Head {
				return []Head{{Seq: 10, Hash: b[9].Hash}, {Seq: 30, Hash: b[29].Hash}, {Seq: 40, Hash: b[39].Hash}}
			},
			want: []Problem{{30, ReasonCheckpointMismatch}, {40, ReasonCheckpointMismatch}},
		},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := b.open(t, WithClock(testClock(clockStart)))
				s := f.Store.(Anchored)
				before := record(t, f, 40)
				anchors := tt.anchors(before)
				stmts, newHead := rewriteStatements(before, 25, "someone else")
				if err := f.exec(t, append(append(f.unguard, headUnguard[b.name]), stmts...)...); err != nil {
					t.Fatalf("rewrite: %v", err)
				}
				if rep := verify(t, f); !rep.OK() {
					t.Fatalf("Verify after a consistent rewrite: got %v, want OK (the rewrite must fool the chain alone)", rep.Problems)
				}
				head, err := s.Head(context.Background())
				if err != nil {
					t.Fatalf("Head: %v", err)
				}
				if got, want := head, newHead; got != want {
					t.Fatalf("Head: got %+v, want %+v", got, want)
				}
				rep, err := s.VerifyAnchored(context.Background(), anchors)
				if err != nil {
					t.Fatalf("VerifyAnchored: %v", err)
				}
				if got, want := rep.Problems, tt.want; !reflect.DeepEqual(got, want) {
					t.Errorf("problems: got %v, want %v", got, want)
				}
				if got, want := rep.Records, int64(40); got != want {
					t.Errorf("records: got %d, want %d", got, want)
				}
			})
		}
	})
}

func TestVerifyAnchored(t *testing.T) {
	tests := []struct {
		name    string
		anchors func(recs []Record) []Head
		want    []Problem
	}{
		{
			name:    "anchors agree",
			anchors: func(r []Record) []Head { return []Head{{1, r[0].Hash}, {5, r[4].Hash}, {10, r[9].Hash}} },
		},
		{
			name:    "the empty chain's head",
			anchors: func([]Record) []Head { return []Head{{0, genesisHash}} },
		},
		{
			name:    "a wrong genesis",
			anchors: func([]Record) []Head { return []Head{{0, "ab"}} },
			want:    []Problem{{0, ReasonCheckpointMismatch}},
		},
		{
			name:    "a different hash",
			anchors: func(r []Record) []Head { return []Head{{5, r[3].Hash}} },
			want:    []Problem{{5, ReasonCheckpointMismatch}},
		},
		{
			name:    "a fork: one seq, two hashes",
			anchors: func(r []Record) []Head { return []Head{{5, r[4].Hash}, {5, r[3].Hash}} },
			want:    []Problem{{5, ReasonCheckpointMismatch}},
		},
		{
			name:    "beyond the head: records removed",
			anchors: func(r []Record) []Head { return []Head{{12, "x"}, {11, "y"}, {3, r[2].Hash}} },
			want:    []Problem{{11, ReasonCheckpointMissing}, {12, ReasonCheckpointMissing}},
		},
	}
	f := openSQLiteFixture(t, WithClock(testClock(clockStart)))
	recs := record(t, f, 10)
	s := f.Store.(Anchored)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := s.VerifyAnchored(context.Background(), tt.anchors(recs))
			if err != nil {
				t.Fatalf("VerifyAnchored: %v", err)
			}
			if got, want := rep.Problems, tt.want; !reflect.DeepEqual(got, want) {
				t.Errorf("problems: got %v, want %v", got, want)
			}
		})
	}
}
