package app

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/checkpoint"
)

// auditDB is an audit database for a test, with raw SQL access for playing
// the attacker who can write it.
type auditDB struct {
	url     string
	dir     string // where the checkpoint file and key go
	exec    func(t *testing.T, stmts []string)
	unguard []string // drops the triggers that refuse the rewrite
}

func sqliteAuditDB(t *testing.T) auditDB {
	dir := t.TempDir()
	path := filepath.Join(dir, "oppslag.db")
	return auditDB{
		url: "sqlite:" + path,
		dir: dir,
		exec: func(t *testing.T, stmts []string) {
			t.Helper()
			raw, err := sql.Open("sqlite", path+"?_busy_timeout=5000")
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			for _, q := range stmts {
				if _, err := raw.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		},
		unguard: []string{"DROP TRIGGER audit_records_no_update", "DROP TRIGGER audit_head_forward"},
	}
}

func postgresAuditDB(t *testing.T) auditDB {
	base := os.Getenv("OPPSLAG_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("OPPSLAG_TEST_POSTGRES_URL is not set; skipping PostgreSQL test")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "checkpoint_test_" + hex.EncodeToString(b[:])
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	u := base + sep + "search_path=" + schema
	exec := func(t *testing.T, stmts []string) {
		t.Helper()
		ctx := context.Background()
		raw, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close(ctx)
		for _, q := range stmts {
			if _, err := raw.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	t.Cleanup(func() { exec(t, []string{"DROP SCHEMA IF EXISTS " + schema + " CASCADE"}) })
	return auditDB{
		url:     u,
		dir:     t.TempDir(),
		exec:    exec,
		unguard: []string{"DROP TRIGGER audit_records_no_change ON audit_records", "DROP TRIGGER audit_head_forward ON audit_head"},
	}
}

// rewrite changes the patient of the record at seq and recomputes every
// hash from there and the head, so the chain is consistent with itself
// again; it returns the new head.
func (db auditDB) rewrite(t *testing.T, seq int64, patient string) audit.Head {
	t.Helper()
	store, err := audit.Open(context.Background(), db.url)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := store.Query(context.Background(), audit.Filter{})
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	stmts := append([]string(nil), db.unguard...)
	prev, head := audit.GenesisHash, audit.Head{}
	for _, r := range recs {
		if r.Seq == seq {
			r.Patient = patient
			stmts = append(stmts, fmt.Sprintf("UPDATE audit_records SET patient = '%s' WHERE seq = %d", patient, seq))
		}
		if r.Seq >= seq {
			r.PrevHash = prev
			r.Hash = audit.ChainHash(r.Seq, r.PrevHash, r.Event)
			stmts = append(stmts, fmt.Sprintf("UPDATE audit_records SET prev_hash = '%s', hash = '%s' WHERE seq = %d", r.PrevHash, r.Hash, r.Seq))
		}
		prev, head = r.Hash, audit.Head{Seq: r.Seq, Hash: r.Hash}
	}
	stmts = append(stmts, fmt.Sprintf("UPDATE audit_head SET hash = '%s' WHERE id = 1", head.Hash))
	db.exec(t, stmts)
	return head
}

// env returns the configuration of db with its checkpoints in db.dir.
func (db auditDB) env(extra ...string) func(string) string {
	env := map[string]string{
		"OPPSLAG_DATABASE_URL":      db.url,
		"OPPSLAG_AUDIT_CHECKPOINTS": filepath.Join(db.dir, "audit-checkpoints.jsonl"),
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return func(k string) string { return env[k] }
}

// serveAudit is an instance's life as far as the audit trail goes: it
// starts the checkpoints, records n events and shuts down, which writes
// the last checkpoint.
func serveAudit(t *testing.T, getenv func(string) string, n int) {
	t.Helper()
	cfg, err := LoadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := audit.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	stop, err := startCheckpoints(ctx, cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("startCheckpoints: %v", err)
	}
	for i := range n {
		if _, err := store.Record(ctx, audit.Event{
			CorrelationID: fmt.Sprintf("corr-%d", i), Actor: audit.Actor{PID: "pid-1", HPRNumber: "565501872"},
			Patient: fmt.Sprintf("patient-%d", i), Resource: "person", Action: "view", AccessBasis: "TREATMENT", Outcome: audit.Granted,
		}); err != nil {
			t.Fatal(err)
		}
	}
	stop()
}

func verifyAudit(getenv func(string) string) (string, error) {
	var out strings.Builder
	err := VerifyAudit(context.Background(), getenv, &out)
	return out.String(), err
}

// S43: a database rewritten consistently (one field changed, every later
// hash and the head recomputed) passes the chain check alone, and `audit
// verify` still catches it through the checkpoints written before.
func TestS43_VerifyCatchesAConsistentRewrite(t *testing.T) {
	for _, b := range []struct {
		name string
		open func(t *testing.T) auditDB
	}{{"sqlite", sqliteAuditDB}, {"postgres", postgresAuditDB}} {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			getenv := db.env()
			serveAudit(t, getenv, 30) // checkpoint at 30
			serveAudit(t, getenv, 10) // checkpoint at 40
			out, err := verifyAudit(getenv)
			if err != nil {
				t.Fatalf("verify before the rewrite: %v\n%s", err, out)
			}
			for _, want := range []string{"40 records, hash chain intact", "2 checkpoints agree", "NOT pinned"} {
				if !strings.Contains(out, want) {
					t.Errorf("verify before the rewrite said %q, want it to contain %q", out, want)
				}
			}

			db.rewrite(t, 25, "someone else")
			store, err := audit.Open(context.Background(), db.url)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := store.Verify(context.Background())
			store.Close()
			if err != nil || !rep.OK() {
				t.Fatalf("the chain alone after the rewrite: %v %v; want intact (the rewrite must be consistent)", rep.Problems, err)
			}
			out, err = verifyAudit(getenv)
			if err == nil {
				t.Fatalf("verify after the rewrite: got no error\n%s", out)
			}
			for _, want := range []string{"record 30: checkpoint mismatch", "record 40: checkpoint mismatch"} {
				if !strings.Contains(out, want) {
					t.Errorf("verify after the rewrite said %q, want it to contain %q", out, want)
				}
			}
		})
	}
}

// The trust model: an attacker who rewrites the database and also re-signs
// the checkpoint file with a key of their own (replacing the key file) is
// caught only when the operator pinned the real key.
func TestS43_ResignedCheckpointsNeedAPin(t *testing.T) {
	db := sqliteAuditDB(t)
	getenv := db.env()
	serveAudit(t, getenv, 20)
	cfg, err := LoadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	real, err := checkpoint.LoadKey(cfg.AuditCheckpointKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	pin := checkpoint.PublicKeyString(real.Public().(ed25519.PublicKey))
	pinned := db.env("OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY", pin)
	if out, err := verifyAudit(pinned); err != nil || !strings.Contains(out, "1 checkpoints agree with the chain (signed by a pinned key)") {
		t.Fatalf("pinned verify before the attack: %v\n%s", err, out)
	}

	head := db.rewrite(t, 5, "someone else")
	// The attacker's key replaces the instance's, and the file is signed anew.
	if err := os.Remove(cfg.AuditCheckpointKeyFile); err != nil {
		t.Fatal(err)
	}
	forger, _, err := checkpoint.LoadOrCreateKey(cfg.AuditCheckpointKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	line, err := checkpoint.Encode(forger, checkpoint.Checkpoint{Head: head, Time: time.Now(), Instance: "forged"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg.AuditCheckpoints, line, 0o644); err != nil {
		t.Fatal(err)
	}

	if out, err := verifyAudit(getenv); err != nil || !strings.Contains(out, "NOT pinned") {
		t.Errorf("unpinned verify after a full forgery: %v\n%s\n(want it to pass, and to say the key is not pinned)", err, out)
	}
	out, err := verifyAudit(pinned)
	if err == nil {
		t.Fatalf("pinned verify after a full forgery: got no error\n%s", out)
	}
	if want := "checkpoints line 1: " + checkpoint.ReasonUntrusted; !strings.Contains(out, want) {
		t.Errorf("pinned verify said %q, want it to contain %q", out, want)
	}
}

func TestVerifyAuditCheckpointFile(t *testing.T) {
	otherPin := checkpoint.PublicKeyString(make(ed25519.PublicKey, ed25519.PublicKeySize))
	tests := []struct {
		name    string
		records int // recorded by a serving instance first; 0: never served
		extra   []string
		file    func(path string) // changes the file before verify
		wantErr bool
		want    string
	}{
		{name: "checkpoints off", records: 3, extra: []string{"OPPSLAG_AUDIT_CHECKPOINTS", "off"}, want: "checkpoints are off"},
		{name: "no file yet", want: "none yet"},
		{name: "an empty file", file: func(p string) { appendFile(p, "") }, want: "none yet"},
		{name: "no file though pinned", extra: []string{"OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY", otherPin}, wantErr: true, want: "no file at"},
		{name: "pinned to another key", records: 3, extra: []string{"OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY", otherPin}, wantErr: true, want: "line 1: " + checkpoint.ReasonUntrusted},
		{name: "a torn last line", records: 3, file: func(p string) { appendFile(p, `{"protected":"ey`) }, want: "last line is incomplete"},
		{name: "a garbled line", records: 3, file: func(p string) { appendFile(p, "garbage\n") }, wantErr: true, want: "line 2: " + checkpoint.ReasonUnreadable},
		{name: "records removed after a checkpoint", records: 3, file: func(p string) {
			b, _ := os.ReadFile(p)
			c, _, _ := checkpoint.Decode(b)
			// A checkpoint of a head the chain never reached: as if the
			// newest records were removed along with the head.
			key, _ := checkpoint.LoadKey(filepath.Join(filepath.Dir(p), "audit-checkpoint-key.pem"))
			c.Seq += 5
			line, _ := checkpoint.Encode(key, c)
			appendFile(p, string(line))
		}, wantErr: true, want: "record 8: " + audit.ReasonCheckpointMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := sqliteAuditDB(t)
			getenv := db.env(tt.extra...)
			if tt.records > 0 {
				// The instance itself runs unpinned: a pin to another key
				// would stop it (TestCheckpointStartRefuses).
				serveAudit(t, db.env(withoutPin(tt.extra)...), tt.records)
			}
			if tt.file != nil {
				tt.file(filepath.Join(db.dir, "audit-checkpoints.jsonl"))
			}
			out, err := verifyAudit(getenv)
			if (err != nil) != tt.wantErr {
				t.Errorf("verify: got error %v, want error %t\n%s", err, tt.wantErr, out)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("verify said %q, want it to contain %q", out, tt.want)
			}
		})
	}
}

func withoutPin(extra []string) []string {
	var out []string
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i] != "OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY" {
			out = append(out, extra[i], extra[i+1])
		}
	}
	return out
}

func appendFile(path, s string) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	f.WriteString(s)
}

// An instance whose key is not among the pinned ones refuses to start
// rather than write checkpoints verify would reject; a named key file
// that is missing is an error, not a new key.
func TestCheckpointStartRefuses(t *testing.T) {
	otherPin := checkpoint.PublicKeyString(make(ed25519.PublicKey, ed25519.PublicKeySize))
	tests := []struct {
		name  string
		extra func(dir string) []string
		want  string
	}{
		{"key not pinned", func(string) []string { return []string{"OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY", otherPin} }, "OPPSLAG_AUDIT_CHECKPOINT_KEY_FILE"},
		{"named key file missing", func(dir string) []string {
			return []string{"OPPSLAG_AUDIT_CHECKPOINT_KEY_FILE", filepath.Join(dir, "missing.pem")}
		}, "OPPSLAG_AUDIT_CHECKPOINT_KEY_FILE"},
		{"file in a missing directory", func(dir string) []string {
			return []string{"OPPSLAG_AUDIT_CHECKPOINTS", filepath.Join(dir, "nowhere", "c.jsonl")}
		}, "OPPSLAG_AUDIT_CHECKPOINT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := sqliteAuditDB(t)
			cfg, err := LoadConfig(db.env(tt.extra(db.dir)...))
			if err != nil {
				t.Fatal(err)
			}
			store, err := audit.Open(context.Background(), cfg.DatabaseURL)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			_, err = startCheckpoints(context.Background(), cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("startCheckpoints: got %v, want an error naming %s", err, tt.want)
			}
		})
	}
}

// Between start and shutdown, a checkpoint is written every interval.
func TestCheckpointsAtTheInterval(t *testing.T) {
	db := sqliteAuditDB(t)
	cfg, err := LoadConfig(db.env("OPPSLAG_AUDIT_CHECKPOINT_INTERVAL", "10ms"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := audit.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	stop, err := startCheckpoints(ctx, cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if _, err := store.Record(ctx, audit.Event{Resource: "session", Action: "login", Outcome: audit.Success}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(cfg.AuditCheckpoints)
		if strings.Count(string(b), "\n") >= 1 {
			c, _, err := checkpoint.Decode(b)
			if err != nil {
				t.Fatalf("checkpoint line: %v", err)
			}
			if got, want := c.Seq, int64(1); got != want {
				t.Errorf("checkpoint seq: got %d, want %d", got, want)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint written within 5 s at a 10 ms interval")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCheckpointConfig(t *testing.T) {
	pub := checkpoint.PublicKeyString(make(ed25519.PublicKey, ed25519.PublicKeySize))
	tests := []struct {
		name              string
		env               map[string]string
		wantFile, wantKey string
		wantNamed         bool
		wantInterval      time.Duration
		wantPins          int
		wantErr           string
	}{
		{name: "defaults beside the SQLite database", env: map[string]string{"OPPSLAG_DATABASE_URL": "sqlite:/var/lib/oppslag/oppslag.db"},
			wantFile: "/var/lib/oppslag/audit-checkpoints.jsonl", wantKey: "/var/lib/oppslag/audit-checkpoint-key.pem", wantInterval: 5 * time.Minute},
		{name: "PostgreSQL: the working directory", env: map[string]string{"OPPSLAG_DATABASE_URL": "postgres://db/audit"},
			wantFile: "audit-checkpoints.jsonl", wantKey: "audit-checkpoint-key.pem", wantInterval: 5 * time.Minute},
		{name: "off", env: map[string]string{"OPPSLAG_AUDIT_CHECKPOINTS": "off"}, wantFile: "", wantKey: "audit-checkpoint-key.pem", wantInterval: 5 * time.Minute},
		{name: "all set", env: map[string]string{
			"OPPSLAG_AUDIT_CHECKPOINTS": "/srv/cp.jsonl", "OPPSLAG_AUDIT_CHECKPOINT_KEY_FILE": "/etc/oppslag/cp.pem",
			"OPPSLAG_AUDIT_CHECKPOINT_INTERVAL": "1m", "OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY": pub + ", " + pub,
		}, wantFile: "/srv/cp.jsonl", wantKey: "/etc/oppslag/cp.pem", wantNamed: true, wantInterval: time.Minute, wantPins: 2},
		{name: "bad interval", env: map[string]string{"OPPSLAG_AUDIT_CHECKPOINT_INTERVAL": "0s"}, wantErr: "OPPSLAG_AUDIT_CHECKPOINT_INTERVAL"},
		{name: "bad public key", env: map[string]string{"OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY": "abc"}, wantErr: "OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadConfig: got %v, want an error naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadConfig: %v", err)
			}
			if got, want := c.AuditCheckpoints, tt.wantFile; got != want {
				t.Errorf("AuditCheckpoints: got %q, want %q", got, want)
			}
			if got, want := c.AuditCheckpointKeyFile, tt.wantKey; got != want {
				t.Errorf("AuditCheckpointKeyFile: got %q, want %q", got, want)
			}
			if got, want := c.auditCheckpointKeyNamed, tt.wantNamed; got != want {
				t.Errorf("key named: got %t, want %t", got, want)
			}
			if got, want := c.AuditCheckpointInterval, tt.wantInterval; got != want {
				t.Errorf("AuditCheckpointInterval: got %v, want %v", got, want)
			}
			if got, want := len(c.AuditCheckpointPublicKeys), tt.wantPins; got != want {
				t.Errorf("pinned keys: got %d, want %d", got, want)
			}
		})
	}
}

// checkpointDatabase is a PostgreSQL database of its own for a test's
// checkpoint log: in scale-out the log lives outside the audit database.
func checkpointDatabase(t *testing.T) string {
	t.Helper()
	base := os.Getenv("OPPSLAG_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("OPPSLAG_TEST_POSTGRES_URL is not set; skipping the checkpoint log in PostgreSQL")
	}
	ctx := context.Background()
	raw, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "oppslag_checkpoints_" + hex.EncodeToString(b[:])
	if _, err := raw.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		raw.Close(ctx)
		t.Skipf("cannot create a second database for the checkpoint log: %v", err)
	}
	t.Cleanup(func() {
		raw.Exec(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)")
		raw.Close(context.Background())
	})
	cfg, err := pgx.ParseConfig(base)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
}

// S43 in scale-out: two instances on one audit database append their
// checkpoints to a table in a second database; a consistent rewrite of
// the audit database is caught there, on either audit backend. The audit
// database itself is refused as the checkpoint log.
func TestS43_CheckpointsInASecondDatabase(t *testing.T) {
	for _, b := range []struct {
		name string
		open func(t *testing.T) auditDB
	}{{"sqlite", sqliteAuditDB}, {"postgres", postgresAuditDB}} {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			ckpt := checkpointDatabase(t)
			key := checkpoint.PublicKeyString(mustKey(t, filepath.Join(db.dir, "key.pem")))
			getenv := db.env("OPPSLAG_AUDIT_CHECKPOINTS", ckpt,
				"OPPSLAG_AUDIT_CHECKPOINT_KEY_FILE", filepath.Join(db.dir, "key.pem"),
				"OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY", key)
			serveAudit(t, getenv, 12) // instance A: checkpoint at 12
			serveAudit(t, getenv, 8)  // instance B: checkpoint at 20
			out, err := verifyAudit(getenv)
			if err != nil || !strings.Contains(out, "2 checkpoints agree with the chain (signed by a pinned key)") {
				t.Fatalf("verify before the rewrite: %v\n%s", err, out)
			}
			db.rewrite(t, 5, "someone else")
			out, err = verifyAudit(getenv)
			if err == nil || !strings.Contains(out, "record 12: checkpoint mismatch") || !strings.Contains(out, "record 20: checkpoint mismatch") {
				t.Errorf("verify after the rewrite: %v\n%s", err, out)
			}
		})
	}
	t.Run("refused", func(t *testing.T) {
		db := postgresAuditDB(t)
		cfg, err := LoadConfig(db.env("OPPSLAG_AUDIT_CHECKPOINTS", db.url))
		if err != nil {
			t.Fatal(err)
		}
		store, err := audit.Open(context.Background(), cfg.DatabaseURL)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		_, err = startCheckpoints(context.Background(), cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err == nil || !strings.Contains(err.Error(), "outside it") {
			t.Errorf("startCheckpoints with the audit database as its log: %v, want refused", err)
		}
		cfg, err = LoadConfig(db.env("OPPSLAG_AUDIT_CHECKPOINTS", "postgres://u@elsewhere/checkpoints"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = startCheckpoints(context.Background(), cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err == nil || !strings.Contains(err.Error(), "OPPSLAG_AUDIT_CHECKPOINT_KEY_FILE") {
			t.Errorf("startCheckpoints with a database log and no key file: %v, want refused", err)
		}
	})
}

// mustKey creates the instance key at path and returns its public half.
func mustKey(t *testing.T, path string) ed25519.PublicKey {
	t.Helper()
	k, _, err := checkpoint.LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	return k.Public().(ed25519.PublicKey)
}
