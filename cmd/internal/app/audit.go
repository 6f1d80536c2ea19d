package app

import (
	"context"
	"fmt"
	"io"

	"github.com/oppslag/oppslag/clients/audit"
)

// VerifyAudit is `oppslag audit verify`: it checks the hash chain of the
// audit trail at OPPSLAG_DATABASE_URL, prints one line when it is intact or
// one line per problem, and returns an error for a broken chain.
func VerifyAudit(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return err
	}
	store, err := audit.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("OPPSLAG_DATABASE_URL: %w", err)
	}
	defer store.Close()
	rep, err := store.Verify(ctx)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	if rep.OK() {
		fmt.Fprintf(stdout, "audit: %d records, hash chain intact\n", rep.Records)
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(stdout, "audit: record %d: %s\n", p.Seq, p.Reason)
	}
	return fmt.Errorf("audit verify: %d problems in %d records", len(rep.Problems), rep.Records)
}
