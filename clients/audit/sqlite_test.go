package audit

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestS39_RecordIsDurable checks what a test can without killing a process:
// once Record returns, the record is committed (another connection sees
// it), and it survives a plain Close and reopen with the chain intact. The
// kill -9 under load test belongs to the load harness.
func TestS39_RecordIsDurable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.db")
	s, err := OpenSQLite(path)
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	r, err := s.Record(context.Background(), sampleEvent(1))
	if err != nil {
		t.Fatalf("Record: %v", err)
	}

	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("open second connection: %v", err)
	}
	var hash string
	if err := other.QueryRow("SELECT hash FROM audit_records WHERE seq = 1").Scan(&hash); err != nil {
		t.Fatalf("second connection before Close: %v", err)
	}
	other.Close()
	if hash != r.Hash {
		t.Errorf("second connection: hash got %s, want %s", hash, r.Hash)
	}

	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s, err = OpenSQLite(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	recs, err := s.Query(context.Background(), Filter{})
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	if len(recs) != 1 || !reflect.DeepEqual(recs[0], r) {
		t.Errorf("after reopen: got %+v, want [%+v]", recs, r)
	}
	if rep := verify(t, s); !rep.OK() || rep.Records != 1 {
		t.Errorf("Verify after reopen: got %+v, want OK with 1 record", rep)
	}
}

// The durability promise rests on these settings holding on every
// connection the pool opens, not only the first.
func TestSQLitePragmas(t *testing.T) {
	s, err := OpenSQLite(filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	conns := make([]*sql.Conn, 3) // held at once, so they are distinct connections
	for i := range conns {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatalf("Conn: %v", err)
		}
		defer c.Close()
		conns[i] = c
	}
	for i, c := range conns {
		for _, p := range []struct{ pragma, want string }{
			{"journal_mode", "wal"},
			{"synchronous", "2"},
			{"foreign_keys", "1"},
			{"busy_timeout", "5000"},
		} {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(&got); err != nil {
				t.Fatalf("conn %d: PRAGMA %s: %v", i, p.pragma, err)
			}
			if got != p.want {
				t.Errorf("conn %d: %s got %s, want %s", i, p.pragma, got, p.want)
			}
		}
	}
}

func TestOpenSQLiteBadPath(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{
		"",
		filepath.Join(dir, "a?b.db"),
		"file:" + filepath.Join(dir, "a.db"),
		filepath.Join(dir, "missing-dir", "sub", "a.db"),
	} {
		s, err := OpenSQLite(path)
		if err == nil {
			s.Close()
			t.Errorf("OpenSQLite(%q): got no error", path)
			continue
		}
		if !strings.HasPrefix(err.Error(), "audit: open sqlite") {
			t.Errorf("OpenSQLite(%q): error %q lacks the operation", path, err)
		}
	}
}
