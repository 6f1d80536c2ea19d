package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenChoosesBackend(t *testing.T) {
	dir := t.TempDir()
	pg := os.Getenv("OPPSLAG_TEST_POSTGRES_URL")
	tests := []struct {
		name, url, want string
		needsPostgres   bool
	}{
		{name: "sqlite scheme", url: "sqlite:" + filepath.Join(dir, "a.sqlite"), want: "sqlite"},
		{name: "bare .db path", url: filepath.Join(dir, "b.db"), want: "sqlite"},
		{name: "postgres", url: pg, want: "postgres", needsPostgres: true},
		{name: "postgresql", url: "postgresql" + strings.TrimPrefix(pg, "postgres"), want: "postgres", needsPostgres: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needsPostgres && pg == "" {
				t.Skip("OPPSLAG_TEST_POSTGRES_URL is not set; skipping PostgreSQL test")
			}
			s, err := Open(context.Background(), tt.url)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			var got string
			switch s.(type) {
			case *SQLite:
				got = "sqlite"
			case *Postgres:
				got = "postgres"
			}
			if got != tt.want {
				t.Errorf("store: got %T, want %s", s, tt.want)
			}
		})
	}
}

func TestOpenRejectsWithoutEchoingSecrets(t *testing.T) {
	tests := []struct {
		name        string
		url         string
		wantMention string // must appear in the error
		unavailable bool
	}{
		{"empty", "", "no store URL", false},
		{"unknown scheme", "mysql://admin:s3cret-pw@db.internal/audit", `"mysql"`, false},
		{"redis", "redis://:s3cret-pw@127.0.0.1:6379/0", `"redis"`, false},
		{"no scheme", "s3cret-pw@db.internal", "no known scheme", false},
		{"sqlite with slashes", "sqlite://audit.db", "sqlite:<path>", false},
		{"unparsable postgres", "postgres://admin:s3cret-pw@db.internal:notaport/audit", "cannot be parsed", false},
		{"bad search_path", "postgres://admin:s3cret-pw@127.0.0.1/audit?search_path=Public,x", "search_path", false},
		{"unreachable postgres", "postgres://admin:s3cret-pw@127.0.0.1:1/audit?sslmode=disable&connect_timeout=5", "open postgres", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(context.Background(), tt.url)
			if err == nil {
				s.Close()
				t.Fatal("Open: got no error")
			}
			msg := err.Error()
			if strings.Contains(msg, "s3cret-pw") {
				t.Errorf("error repeats the password: %q", msg)
			}
			if !strings.Contains(msg, tt.wantMention) {
				t.Errorf("error %q does not mention %q", msg, tt.wantMention)
			}
			if got := errors.Is(err, ErrUnavailable); got != tt.unavailable {
				t.Errorf("errors.Is(err, ErrUnavailable): got %v, want %v", got, tt.unavailable)
			}
		})
	}
}
