package app

import (
	"context"
	"fmt"
	"io"

	"github.com/oppslag/oppslag/clients/audit"
)

// VerifyAudit is `oppslag audit verify`: it checks the hash chain of the
// audit trail at OPPSLAG_DATABASE_URL and the chain against every signed
// checkpoint in OPPSLAG_AUDIT_CHECKPOINTS (S43), prints one line when all
// is intact or one line per problem, and returns an error when anything
// is broken.
func VerifyAudit(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return err
	}
	// The checkpoints are read before the chain is walked, so each one's
	// record is in the walk even while an instance goes on appending.
	anchors, fileProblems, note, err := checkpointAnchors(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	store, err := audit.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("OPPSLAG_DATABASE_URL: %w", err)
	}
	defer store.Close()
	anchored, ok := store.(audit.Anchored)
	if !ok {
		return fmt.Errorf("audit verify: the store cannot be checked against checkpoints")
	}
	rep, err := anchored.VerifyAnchored(ctx, anchors)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	if rep.OK() && fileProblems == 0 {
		fmt.Fprintf(stdout, "audit: %d records, hash chain intact\n", rep.Records)
		note()
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(stdout, "audit: record %d: %s\n", p.Seq, p.Reason)
	}
	return fmt.Errorf("audit verify: %d problems in %d records", len(rep.Problems)+fileProblems, rep.Records)
}
