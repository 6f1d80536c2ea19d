package auditgen

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oppslag/oppslag/clients/audit"
)

// freshSchema returns the test database's URL with search_path set to a
// new schema, dropped when the test ends.
func freshSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("OPPSLAG_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("OPPSLAG_TEST_POSTGRES_URL is not set; skipping PostgreSQL test")
	}
	schema := fmt.Sprintf("auditgen_test_%d_%d", os.Getpid(), time.Now().UnixNano())
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("drop schema: %v", err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

func TestGenerateVerifies(t *testing.T) {
	ctx := context.Background()
	url := freshSchema(t)
	head, err := Generate(ctx, url, Options{Records: 20_000, Seed: 1, Batch: 7_000})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := head.Seq, int64(20_000); got != want {
		t.Errorf("head seq = %d, want %d", got, want)
	}
	store, err := audit.OpenPostgres(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	rep, err := store.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rep.Records, int64(20_000); got != want || len(rep.Problems) != 0 {
		t.Errorf("verify: %d records, problems %v; want %d and none", got, rep.Problems, want)
	}
	stored, err := store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stored != head {
		t.Errorf("stored head = %v, want %v", stored, head)
	}
	// The log is searchable as the auditor would search it.
	for _, tc := range []struct {
		name string
		f    audit.SearchFilter
	}{
		{"emergency basis", audit.SearchFilter{AccessBasis: "AKUTT"}},
		{"denied", audit.SearchFilter{Outcome: audit.Denied}},
		{"lab", audit.SearchFilter{Resource: "lab"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := store.Search(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(page.Records), audit.DefaultPageSize; got != want {
				t.Errorf("first page holds %d records, want %d", got, want)
			}
		})
	}
	// The appends that follow a generated log chain onto it.
	r, err := store.Record(ctx, audit.Event{Resource: "session", Action: "login", Outcome: audit.Success})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.PrevHash, head.Hash; got != want {
		t.Errorf("next record's prev hash = %s, want %s", got, want)
	}
}

func TestGenerateRefusesAFilledLog(t *testing.T) {
	ctx := context.Background()
	url := freshSchema(t)
	if _, err := Generate(ctx, url, Options{Records: 10, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(ctx, url, Options{Records: 10, Seed: 1}); err == nil {
		t.Error("a second Generate into the same log succeeded, want an error")
	}
}
