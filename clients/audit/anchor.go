package audit

import (
	"context"
	"sort"
)

// Anchors: heads recorded outside the database.
//
// The head table and Verify only prove that the chain is consistent with
// itself; whoever can write the database can rewrite a record, recompute
// every later hash and move the head, and Verify is satisfied. A copy of an
// earlier head kept where they cannot write (a signed checkpoint, see
// package checkpoint) pins the chain up to it: the rewritten chain has a
// different hash at that Seq. VerifyAnchored checks such anchors in the
// same read snapshot as the chain walk.

// Head is one place in the chain, a record's Seq and Hash; the newest
// record's is the chain's head. Seq 0 with the genesis hash is the empty
// chain.
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Anchored is a Store whose head can be read and whose chain can be checked
// against heads kept elsewhere. Both backends are Anchored; it is its own
// interface so that the Store every handler consumes stays as small as it is.
type Anchored interface {
	Store
	// Head returns the newest record's Seq and Hash, as the head table holds them.
	Head(ctx context.Context) (Head, error)
	// VerifyAnchored is Verify that also checks each anchor: the record at
	// its Seq must exist and carry its Hash.
	VerifyAnchored(ctx context.Context, anchors []Head) (Report, error)
}

var (
	_ Anchored = (*SQLite)(nil)
	_ Anchored = (*Postgres)(nil)
)

// Problem reasons for anchors, reported by VerifyAnchored.
const (
	ReasonCheckpointMismatch = "checkpoint mismatch" // the record's hash is not the one a checkpoint recorded: the chain up to here was rewritten
	ReasonCheckpointMissing  = "checkpoint missing"  // a checkpoint names a record the chain no longer has: records were removed
)

// ChainHash returns the Hash a record with this Seq, PrevHash and (stored,
// hence prepared) Event must carry, under chain encoding v1. It is exported
// for outside verifiers and for tests that play the attacker who rewrites
// the chain consistently; the stores compute it themselves.
func ChainHash(seq int64, prevHash string, e Event) string {
	return chainHash(seq, prevHash, e)
}

// GenesisHash is the PrevHash of the first record, and the Hash of the empty
// chain's head (Seq 0).
const GenesisHash = genesisHash

// anchorSet is the anchors by Seq; one Seq may have been recorded with
// different hashes (a fork), and each is checked.
type anchorSet map[int64][]string

func newAnchorSet(anchors []Head) anchorSet {
	if len(anchors) == 0 {
		return nil
	}
	s := anchorSet{}
	for _, a := range anchors {
		s[a.Seq] = append(s[a.Seq], a.Hash)
	}
	return s
}

// check compares the record at seq, whose stored hash is hash, with its
// anchors, and forgets them: what is left at the end was never met.
func (v *verifier) checkAnchors(seq int64, hash string) {
	hashes, ok := v.anchors[seq]
	if !ok {
		return
	}
	delete(v.anchors, seq)
	for _, h := range hashes {
		if h != hash {
			v.problem(seq, ReasonCheckpointMismatch)
			return
		}
	}
}

// finishAnchors reports the anchors the walk never met, in Seq order. The
// empty chain's head (Seq 0) is met by every chain.
func (v *verifier) finishAnchors() {
	if hashes, ok := v.anchors[0]; ok {
		delete(v.anchors, 0)
		for _, h := range hashes {
			if h != genesisHash {
				v.problem(0, ReasonCheckpointMismatch)
				break
			}
		}
	}
	seqs := make([]int64, 0, len(v.anchors))
	for seq := range v.anchors {
		seqs = append(seqs, seq)
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	for _, seq := range seqs {
		v.problem(seq, ReasonCheckpointMissing)
	}
}
