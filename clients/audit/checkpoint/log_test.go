package checkpoint

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// forEachLog runs fn on a fresh file log and, when OPPSLAG_TEST_POSTGRES_URL
// is set, on a fresh PostgreSQL log in a schema of its own.
func forEachLog(t *testing.T, fn func(t *testing.T, log Log)) {
	t.Run("file", func(t *testing.T) {
		log, err := OpenFile(filepath.Join(t.TempDir(), "checkpoints.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		fn(t, log)
	})
	t.Run("postgres", func(t *testing.T) {
		log, _ := openPostgresLog(t)
		fn(t, log)
	})
}

// openPostgresLog opens a Postgres log in a new schema, and a raw
// connection to the same schema for tampering.
func openPostgresLog(t *testing.T) (*Postgres, *pgx.Conn) {
	t.Helper()
	base := os.Getenv("OPPSLAG_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("OPPSLAG_TEST_POSTGRES_URL is not set: the PostgreSQL checkpoint log is not tested")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "checkpoint_test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	raw, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(ctx, "SET search_path = "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		raw.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		raw.Close(context.Background())
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	log, err := OpenPostgres(ctx, base+sep+"search_path="+schema)
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	t.Cleanup(func() { log.Close() })
	return log, raw
}

// The table is append-only for everyone, the application included.
func TestPostgresLogAppendOnly(t *testing.T) {
	log, raw := openPostgresLog(t)
	ctx := context.Background()
	line, err := Encode(testKey(1), Checkpoint{Head: head(3), Instance: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Append(ctx, line); err != nil {
		t.Fatalf("Append: %v", err)
	}
	for _, q := range []string{
		"UPDATE oppslag_audit_checkpoints SET line = 'x'",
		"DELETE FROM oppslag_audit_checkpoints",
		"TRUNCATE oppslag_audit_checkpoints",
	} {
		if _, err := raw.Exec(ctx, q); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
	entries, _, err := log.Entries(ctx)
	if err != nil || len(entries) != 1 || entries[0].Err != nil || entries[0].Checkpoint.Head != head(3) {
		t.Fatalf("Entries: %+v, %v", entries, err)
	}
	if strings.Contains(log.String(), "password") {
		t.Errorf("String shows a password: %s", log.String())
	}
}

func TestOpenChoosesTheLog(t *testing.T) {
	if !IsURL("postgres://h/db") || !IsURL("postgresql://h/db") || IsURL("/var/lib/oppslag/checkpoints.jsonl") || IsURL("postgres.jsonl") {
		t.Error("IsURL")
	}
	tests := []struct {
		a, b string
		same bool
	}{
		{"postgres://u@db1:5432/audit", "postgres://v:secret@db1/audit?sslmode=disable", true},
		{"postgres://u@db1:5432/audit", "postgres://u@db1:5432/checkpoints", false},
		{"postgres://u@db1/audit", "postgres://u@db2/audit", false},
		{"postgres://u@db1/audit", "postgres://u@db1:5433/audit", false},
		{"sqlite:oppslag.db", "postgres://u@db1/audit", false},
	}
	for _, tt := range tests {
		if got := SameDatabase(tt.a, tt.b); got != tt.same {
			t.Errorf("SameDatabase(%s, %s) = %t, want %t", tt.a, tt.b, got, tt.same)
		}
	}
	if got := redact("postgres://u:hunter2@h/db"); strings.Contains(got, "hunter2") {
		t.Errorf("redact kept the password: %s", got)
	}
}
