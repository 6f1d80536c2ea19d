package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Every connection the pool dials, not only the first, must work in the
// store's schema, and the pool stays small unless the URL says otherwise.
func TestPostgresPoolConnections(t *testing.T) {
	base := postgresURL(t)
	tests := []struct {
		name     string
		extra    string // appended to the URL's query
		wantConn int32
	}{
		{name: "default", wantConn: pgMaxConns},
		{name: "pool_max_conns", extra: "&pool_max_conns=2", wantConn: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b [6]byte
			rand.Read(b[:])
			schema := "audit_test_" + hex.EncodeToString(b[:])
			ctx := context.Background()
			s, err := OpenPostgres(ctx, withSearchPath(base, schema)+tt.extra)
			if err != nil {
				t.Fatalf("OpenPostgres: %v", err)
			}
			t.Cleanup(func() {
				s.Close()
				raw, err := pgx.Connect(context.Background(), base)
				if err != nil {
					t.Errorf("connect raw: %v", err)
					return
				}
				defer raw.Close(context.Background())
				if _, err := raw.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
					t.Errorf("drop schema %s: %v", schema, err)
				}
			})
			if got := s.pool.Config().MaxConns; got != tt.wantConn {
				t.Fatalf("MaxConns: got %d, want %d", got, tt.wantConn)
			}
			// Holding every connection at once forces the pool to dial
			// each of them rather than hand back one idle connection.
			conns := make([]*pgxpool.Conn, 0, tt.wantConn)
			defer func() {
				for _, c := range conns {
					c.Release()
				}
			}()
			pids := map[uint32]bool{}
			for range tt.wantConn {
				c, err := s.pool.Acquire(ctx)
				if err != nil {
					t.Fatalf("Acquire: %v", err)
				}
				conns = append(conns, c)
				var got string
				if err := c.QueryRow(ctx, "SELECT current_schema()").Scan(&got); err != nil {
					t.Fatalf("current_schema: %v", err)
				}
				if got != schema {
					t.Errorf("connection %d: current_schema got %q, want %q", len(conns), got, schema)
				}
				pids[c.Conn().PgConn().PID()] = true
			}
			if got := len(pids); got != int(tt.wantConn) {
				t.Errorf("distinct connections: got %d, want %d", got, tt.wantConn)
			}
		})
	}
}

// A bad pool parameter is a configuration error, not an outage, and like
// any parse failure its message withholds the URL.
func TestOpenPostgresBadPoolParameter(t *testing.T) {
	tests := []struct {
		name string
		url  string
	}{
		{"zero max", "postgres://admin:s3cret-pw@127.0.0.1/audit?pool_max_conns=0"},
		{"not a number", "postgres://admin:s3cret-pw@127.0.0.1/audit?pool_max_conns=many"},
		{"bad duration", "postgres://admin:s3cret-pw@127.0.0.1/audit?pool_max_conn_lifetime=soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := OpenPostgres(context.Background(), tt.url)
			if err == nil {
				s.Close()
				t.Fatal("OpenPostgres: got no error")
			}
			msg := err.Error()
			if strings.Contains(msg, "s3cret-pw") || strings.Contains(msg, "127.0.0.1") {
				t.Errorf("error repeats the URL: %q", msg)
			}
			if !strings.Contains(msg, "cannot be parsed") {
				t.Errorf("error %q does not mention %q", msg, "cannot be parsed")
			}
			if errors.Is(err, ErrUnavailable) {
				t.Errorf("errors.Is(err, ErrUnavailable): got true, want false")
			}
		})
	}
}
