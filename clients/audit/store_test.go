package audit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// fixture is a fresh, empty store plus raw SQL access to the same storage,
// for tampering as someone with database access would.
type fixture struct {
	Store
	url     string                                    // opens another instance on the same storage
	exec    func(t *testing.T, stmts ...string) error // raw SQL, no store involved
	unguard []string                                  // drops the append-only triggers
}

type backend struct {
	name string
	open func(t *testing.T, opts ...Option) *fixture
}

func backends() []backend {
	return []backend{
		{name: "sqlite", open: openSQLiteFixture},
		{name: "postgres", open: openPostgresFixture},
	}
}

func openSQLiteFixture(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.db")
	s, err := OpenSQLite(path, opts...)
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	raw, err := sql.Open("sqlite", path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatalf("open raw: %v", err)
	}
	t.Cleanup(func() { raw.Close() })
	return &fixture{
		Store: s,
		url:   "sqlite:" + path,
		exec: func(t *testing.T, stmts ...string) error {
			t.Helper()
			for _, q := range stmts {
				if _, err := raw.Exec(q); err != nil {
					return fmt.Errorf("%s: %w", q, err)
				}
			}
			return nil
		},
		unguard: []string{
			"DROP TRIGGER audit_records_no_update",
			"DROP TRIGGER audit_records_no_delete",
		},
	}
}

// postgresURL returns the test database URL or skips the test.
func postgresURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("OPPSLAG_TEST_POSTGRES_URL")
	if u == "" {
		t.Skip("OPPSLAG_TEST_POSTGRES_URL is not set; skipping PostgreSQL test")
	}
	return u
}

// withSearchPath adds search_path=schema to a PostgreSQL URL.
func withSearchPath(u, schema string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "search_path=" + schema
}

func openPostgresFixture(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	base := postgresURL(t)
	var b [6]byte
	rand.Read(b[:])
	schema := "audit_test_" + hex.EncodeToString(b[:])
	u := withSearchPath(base, schema)
	ctx := context.Background()
	raw, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatalf("connect raw: %v", err)
	}
	t.Cleanup(func() {
		if _, err := raw.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		raw.Close(context.Background())
	})
	s, err := OpenPostgres(ctx, u, opts...)
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	var mu sync.Mutex // a pgx.Conn serves one query at a time
	return &fixture{
		Store: s,
		url:   u,
		exec: func(t *testing.T, stmts ...string) error {
			t.Helper()
			mu.Lock()
			defer mu.Unlock()
			for _, q := range stmts {
				if _, err := raw.Exec(ctx, q); err != nil {
					return fmt.Errorf("%s: %w", q, err)
				}
			}
			return nil
		},
		unguard: []string{"DROP TRIGGER audit_records_no_change ON audit_records"},
	}
}

// forEachBackend runs fn as a subtest per backend.
func forEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { fn(t, b) })
	}
}

// testClock returns a clock that starts at start and moves one second per
// call, so records get distinct, predictable times.
func testClock(start time.Time) func() time.Time {
	var mu sync.Mutex
	next := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := next
		next = next.Add(time.Second)
		return t
	}
}

var clockStart = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// sampleEvent returns a realistic event; i makes it distinct.
func sampleEvent(i int) Event {
	return Event{
		CorrelationID: fmt.Sprintf("corr-%d", i),
		Actor: Actor{
			PID:           fmt.Sprintf("pid-%d", i%3),
			Name:          "Kari Lege",
			HPRNumber:     "565501872",
			HPRRole:       "LE",
			SecurityLevel: "4",
			OrgParent:     "983658776",
			OrgChild:      "994598759",
		},
		Patient:     fmt.Sprintf("patient-%d", i),
		Resource:    "person",
		Action:      "view",
		AccessBasis: "TREATMENT",
		Outcome:     Granted,
		ClientIP:    "192.0.2.10",
		Fields:      []string{"name", "birth_date"},
		Results:     []string{fmt.Sprintf("opaque-%d", i)},
	}
}

func record(t *testing.T, s Store, n int) []Record {
	t.Helper()
	var out []Record
	for i := 1; i <= n; i++ {
		r, err := s.Record(context.Background(), sampleEvent(i))
		if err != nil {
			t.Fatalf("Record %d: %v", i, err)
		}
		out = append(out, r)
	}
	return out
}

func verify(t *testing.T, s Store) Report {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

func checkContiguous(t *testing.T, s Store, n int) {
	t.Helper()
	recs, err := s.Query(context.Background(), Filter{})
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	if got, want := len(recs), n; got != want {
		t.Fatalf("records: got %d, want %d", got, want)
	}
	for i, r := range recs {
		if got, want := r.Seq, int64(i+1); got != want {
			t.Fatalf("record %d: seq got %d, want %d", i, got, want)
		}
	}
}

func TestS28_AppendAndVerify(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t, WithClock(testClock(clockStart)))
		rep := verify(t, f)
		if !rep.OK() || rep.Records != 0 {
			t.Fatalf("empty store: got %+v, want OK with 0 records", rep)
		}
		recs := record(t, f, 50)
		if got, want := recs[0].PrevHash, genesisHash; got != want {
			t.Errorf("first PrevHash: got %q, want %q", got, want)
		}
		for i := 1; i < len(recs); i++ {
			if got, want := recs[i].PrevHash, recs[i-1].Hash; got != want {
				t.Fatalf("seq %d PrevHash: got %q, want %q", recs[i].Seq, got, want)
			}
		}
		rep = verify(t, f)
		if !rep.OK() || rep.Records != 50 {
			t.Fatalf("got %+v, want OK with 50 records", rep)
		}
		checkContiguous(t, f, 50)
	})
}

func TestS28_ConcurrentAppends(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		const total, workers = 50, 8
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for range workers {
			wg.Go(func() {
				for {
					i := next.Add(1)
					if i > total {
						return
					}
					if _, err := f.Record(context.Background(), sampleEvent(int(i))); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("Record: %v", err)
		}
		checkContiguous(t, f, total)
		if rep := verify(t, f); !rep.OK() || rep.Records != total {
			t.Fatalf("got %+v, want OK with %d records", rep, total)
		}
	})
}

// Two stores on the same storage stand for two portal instances.
func TestS28_TwoInstances(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		other, err := Open(context.Background(), f.url)
		if err != nil {
			t.Fatalf("Open second instance: %v", err)
		}
		defer other.Close()
		const perWorker = 10
		stores := []Store{f, other, f, other}
		var wg sync.WaitGroup
		errs := make(chan error, len(stores))
		for w, s := range stores {
			wg.Go(func() {
				for i := range perWorker {
					if _, err := s.Record(context.Background(), sampleEvent(w*perWorker+i)); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("Record: %v", err)
		}
		total := len(stores) * perWorker
		checkContiguous(t, f, total)
		checkContiguous(t, other, total)
		if rep := verify(t, other); !rep.OK() || rep.Records != int64(total) {
			t.Fatalf("got %+v, want OK with %d records", rep, total)
		}
	})
}

func TestS28_AppendOnlyGuards(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		record(t, f, 3)
		for _, q := range []string{
			"UPDATE audit_records SET patient = 'x' WHERE seq = 2",
			"DELETE FROM audit_records WHERE seq = 3",
			"UPDATE audit_head SET seq = 1 WHERE id = 1",
			"DELETE FROM audit_head",
		} {
			if err := f.exec(t, q); err == nil {
				t.Errorf("%s: got no error, want the append-only guard to refuse it", q)
			}
		}
		if rep := verify(t, f); !rep.OK() {
			t.Fatalf("got %+v, want OK", rep)
		}
	})
}

// TestS28_Tamper changes the stored trail directly in SQL, as someone with
// database access who first drops the guards, and checks Verify finds it.
func TestS28_Tamper(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(recs []Record) []string
		want   []Problem
	}{
		{
			name: "change one field",
			tamper: func([]Record) []string {
				return []string{"UPDATE audit_records SET patient = 'someone else' WHERE seq = 25"}
			},
			want: []Problem{{25, ReasonHashMismatch}},
		},
		{
			name: "change a field and recompute its hash",
			tamper: func(recs []Record) []string {
				r := recs[24]
				r.Patient = "someone else"
				h := chainHash(r.Seq, r.PrevHash, r.Event)
				return []string{fmt.Sprintf("UPDATE audit_records SET patient = 'someone else', hash = '%s' WHERE seq = 25", h)}
			},
			want: []Problem{{26, ReasonBrokenLink}},
		},
		{
			name: "change the stored hash",
			tamper: func([]Record) []string {
				return []string{"UPDATE audit_records SET hash = '" + strings.Repeat("ab", 32) + "' WHERE seq = 25"}
			},
			want: []Problem{{25, ReasonHashMismatch}, {26, ReasonBrokenLink}},
		},
		{
			name: "change prev_hash",
			tamper: func([]Record) []string {
				return []string{"UPDATE audit_records SET prev_hash = '" + strings.Repeat("ab", 32) + "' WHERE seq = 25"}
			},
			want: []Problem{{25, ReasonHashMismatch}, {25, ReasonBrokenLink}},
		},
		{
			name: "corrupt a JSON column",
			tamper: func([]Record) []string {
				return []string{"UPDATE audit_records SET fields = 'not json' WHERE seq = 25"}
			},
			want: []Problem{{25, ReasonUnreadable}},
		},
		{
			name: "delete a middle record",
			tamper: func([]Record) []string {
				return []string{"DELETE FROM audit_records WHERE seq = 25"}
			},
			want: []Problem{{25, ReasonMissingRecord}, {26, ReasonBrokenLink}},
		},
		{
			name: "delete the first record",
			tamper: func([]Record) []string {
				return []string{"DELETE FROM audit_records WHERE seq = 1"}
			},
			want: []Problem{{1, ReasonMissingRecord}, {2, ReasonBrokenLink}},
		},
		{
			name: "delete the newest record",
			tamper: func([]Record) []string {
				return []string{"DELETE FROM audit_records WHERE seq = 50"}
			},
			want: []Problem{{50, ReasonHeadMismatch}},
		},
		{
			name: "swap two records' contents",
			tamper: func([]Record) []string {
				return []string{`UPDATE audit_records AS a
					SET patient = b.patient, correlation_id = b.correlation_id, results = b.results
					FROM audit_records AS b
					WHERE (a.seq = 10 AND b.seq = 20) OR (a.seq = 20 AND b.seq = 10)`}
			},
			want: []Problem{{10, ReasonHashMismatch}, {20, ReasonHashMismatch}},
		},
		{
			name: "reorder two records",
			tamper: func([]Record) []string {
				return []string{
					"UPDATE audit_records SET seq = -10 WHERE seq = 10",
					"UPDATE audit_records SET seq = 10 WHERE seq = 20",
					"UPDATE audit_records SET seq = 20 WHERE seq = -10",
				}
			},
			want: []Problem{
				{10, ReasonHashMismatch}, {10, ReasonBrokenLink}, {11, ReasonBrokenLink},
				{20, ReasonHashMismatch}, {20, ReasonBrokenLink}, {21, ReasonBrokenLink},
			},
		},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := b.open(t, WithClock(testClock(clockStart)))
				recs := record(t, f, 50)
				if err := f.exec(t, append(f.unguard, tt.tamper(recs)...)...); err != nil {
					t.Fatalf("tamper: %v", err)
				}
				rep := verify(t, f)
				if rep.OK() {
					t.Fatalf("Verify: got OK, want problems %v", tt.want)
				}
				if got, want := rep.Problems, tt.want; !reflect.DeepEqual(got, want) {
					t.Errorf("problems: got %v, want %v", got, want)
				}
			})
		}
	})
}

// Every stored column takes part in the hash: changing any one of them is
// found, at the record that was changed.
func TestS28_EveryColumnIsCovered(t *testing.T) {
	changes := map[string]string{
		"event_time":           "'2001-01-01T00:00:00.000000Z'",
		"correlation_id":       "correlation_id || 'x'",
		"actor_pid":            "actor_pid || 'x'",
		"actor_name":           "actor_name || 'x'",
		"actor_hpr_number":     "actor_hpr_number || 'x'",
		"actor_hpr_role":       "actor_hpr_role || 'x'",
		"actor_security_level": "actor_security_level || 'x'",
		"actor_org_parent":     "actor_org_parent || 'x'",
		"actor_org_child":      "actor_org_child || 'x'",
		"patient":              "patient || 'x'",
		"resource":             "resource || 'x'",
		"action":               "action || 'x'",
		"access_basis":         "access_basis || 'x'",
		"reason":               "reason || 'x'",
		"outcome":              "outcome || 'x'",
		"client_ip":            "client_ip || 'x'",
		"fields":               `'["name","address"]'`,
		"results":              `'["opaque-x"]'`,
	}
	cols := strings.Split(strings.NewReplacer("\n", "", "\t", "", " ", "").Replace(recordColumns), ",")
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t, WithClock(testClock(clockStart)))
		record(t, f, len(cols)+2)
		var stmts []string
		var want []Problem
		seq := int64(2)
		for _, c := range cols {
			switch c {
			case "seq", "prev_hash", "hash":
				continue // covered by TestS28_Tamper
			}
			expr, ok := changes[c]
			if !ok {
				t.Fatalf("column %s has no change in this test", c)
			}
			stmts = append(stmts, fmt.Sprintf("UPDATE audit_records SET %s = %s WHERE seq = %d", c, expr, seq))
			want = append(want, Problem{seq, ReasonHashMismatch})
			seq++
		}
		if err := f.exec(t, append(f.unguard, stmts...)...); err != nil {
			t.Fatalf("tamper: %v", err)
		}
		if got := verify(t, f).Problems; !reflect.DeepEqual(got, want) {
			t.Errorf("problems: got %v, want %v", got, want)
		}
	})
}

func TestRecordReturnsStoredRecord(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t, WithClock(testClock(clockStart)))
		e := sampleEvent(1)
		e.Reason = "AKUTT: bevisstløs pasient"
		got, err := f.Record(context.Background(), e)
		if err != nil {
			t.Fatalf("Record: %v", err)
		}
		if got.Seq != 1 || got.PrevHash != genesisHash || len(got.Hash) != 64 {
			t.Errorf("got Seq %d PrevHash %q Hash %q, want 1, genesis, 64 hex digits", got.Seq, got.PrevHash, got.Hash)
		}
		if want := chainHash(got.Seq, got.PrevHash, got.Event); got.Hash != want {
			t.Errorf("Hash: got %s, want %s", got.Hash, want)
		}
		wantEvent := e
		wantEvent.Time = clockStart
		if !reflect.DeepEqual(got.Event, wantEvent) {
			t.Errorf("Event:\ngot  %+v\nwant %+v", got.Event, wantEvent)
		}
		stored, err := f.Query(context.Background(), Filter{})
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		if len(stored) != 1 || !reflect.DeepEqual(stored[0], got) {
			t.Errorf("Query:\ngot  %+v\nwant [%+v]", stored, got)
		}
	})
}

func TestRecordTimeIsUTC(t *testing.T) {
	oslo := time.FixedZone("CET", 3600)
	local := time.Date(2026, 3, 1, 10, 0, 0, 123456789, oslo)
	want := time.Date(2026, 3, 1, 9, 0, 0, 123456000, time.UTC)
	tests := []struct {
		name  string
		clock func() time.Time
		time  time.Time
	}{
		{name: "from the clock", clock: func() time.Time { return local }},
		{name: "given by the caller", clock: func() time.Time { return time.Time{}.Add(time.Hour) }, time: local},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := b.open(t, WithClock(tt.clock))
				e := sampleEvent(1)
				e.Time = tt.time
				r, err := f.Record(context.Background(), e)
				if err != nil {
					t.Fatalf("Record: %v", err)
				}
				stored, err := f.Query(context.Background(), Filter{})
				if err != nil || len(stored) != 1 {
					t.Fatalf("Query: got %d records, %v", len(stored), err)
				}
				for name, got := range map[string]time.Time{"returned": r.Time, "stored": stored[0].Time} {
					if !got.Equal(want) || got.Location() != time.UTC {
						t.Errorf("%s time: got %v, want %v", name, got, want)
					}
				}
				if rep := verify(t, f); !rep.OK() {
					t.Errorf("Verify: %+v", rep)
				}
			})
		}
	})
}

func TestRecordRefusesTimeOutOfRange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		e := sampleEvent(1)
		e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		if _, err := f.Record(context.Background(), e); err == nil {
			t.Fatal("Record: got no error, want one for year 10000")
		}
		if rep := verify(t, f); !rep.OK() || rep.Records != 0 {
			t.Errorf("Verify: got %+v, want OK with 0 records", rep)
		}
	})
}

// Text PostgreSQL would refuse (invalid UTF-8, NUL) must not make Record
// fail, or a hostile header could fail requests closed; both backends store
// the same cleaned text and the chain verifies.
func TestRecordCleansText(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		e := sampleEvent(1)
		e.CorrelationID = "a\x00b"
		e.ClientIP = "bad\xffutf8"
		e.Fields = []string{"x\xc3"}
		r, err := f.Record(context.Background(), e)
		if err != nil {
			t.Fatalf("Record: %v", err)
		}
		if got, want := r.CorrelationID, "a\uFFFDb"; got != want {
			t.Errorf("CorrelationID: got %q, want %q", got, want)
		}
		if got, want := r.ClientIP, "bad\uFFFDutf8"; got != want {
			t.Errorf("ClientIP: got %q, want %q", got, want)
		}
		if got, want := r.Fields, []string{"x\uFFFD"}; !reflect.DeepEqual(got, want) {
			t.Errorf("Fields: got %q, want %q", got, want)
		}
		stored, err := f.Query(context.Background(), Filter{})
		if err != nil || len(stored) != 1 || !reflect.DeepEqual(stored[0], r) {
			t.Errorf("Query: got %+v, %v; want [%+v]", stored, err, r)
		}
		if rep := verify(t, f); !rep.OK() {
			t.Errorf("Verify: %+v", rep)
		}
	})
}

func TestRecordCancelledContext(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := f.Record(ctx, sampleEvent(1))
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("Record: got %v, want ErrUnavailable", err)
		}
		if rep := verify(t, f); !rep.OK() || rep.Records != 0 {
			t.Errorf("Verify: got %+v, want OK with 0 records", rep)
		}
	})
}

func TestQueryFilters(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	events := []struct {
		actor, patient, action string
		at                     time.Time
	}{
		{"A", "P1", "view", t0},
		{"B", "P1", ActionEmergency, t0.Add(time.Hour)},
		{"A", "P2", "view", t0.Add(2 * time.Hour)},
		{"A", "P1", ActionEmergency, t0.Add(3 * time.Hour)},
	}
	tests := []struct {
		name   string
		filter Filter
		want   []int64
	}{
		{"everything", Filter{}, []int64{1, 2, 3, 4}},
		{"actor", Filter{ActorPID: "A"}, []int64{1, 3, 4}},
		{"patient", Filter{Patient: "P1"}, []int64{1, 2, 4}},
		{"actor and patient", Filter{ActorPID: "A", Patient: "P1"}, []int64{1, 4}},
		{"unknown actor", Filter{ActorPID: "C"}, nil},
		{"action", Filter{Action: ActionEmergency}, []int64{2, 4}},
		{"action and actor", Filter{Action: ActionEmergency, ActorPID: "A"}, []int64{4}},
		{"from is inclusive", Filter{From: t0.Add(time.Hour)}, []int64{2, 3, 4}},
		{"to is exclusive", Filter{To: t0.Add(2 * time.Hour)}, []int64{1, 2}},
		{"from and to", Filter{From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)}, []int64{2, 3}},
		{"from within a microsecond", Filter{From: t0.Add(time.Hour + time.Nanosecond)}, []int64{3, 4}},
		{"to within a microsecond", Filter{To: t0.Add(time.Hour + time.Nanosecond)}, []int64{1, 2}},
		{"from in another zone", Filter{From: t0.Add(time.Hour).In(time.FixedZone("CET", 3600))}, []int64{2, 3, 4}},
		{"from after to", Filter{From: t0.Add(3 * time.Hour), To: t0}, nil},
		{"from beyond year 9999", Filter{From: time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC)}, nil},
		{"to beyond year 9999", Filter{To: time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC)}, []int64{1, 2, 3, 4}},
		{"from before year 1", Filter{From: time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)}, []int64{1, 2, 3, 4}},
		{"limit", Filter{Limit: 2}, []int64{1, 2}},
		{"limit with actor", Filter{ActorPID: "A", Limit: 2}, []int64{1, 3}},
		{"negative limit means none", Filter{Limit: -1}, []int64{1, 2, 3, 4}},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		for _, ev := range events {
			e := sampleEvent(1)
			e.Actor.PID, e.Patient, e.Time, e.Action = ev.actor, ev.patient, ev.at, ev.action
			if _, err := f.Record(context.Background(), e); err != nil {
				t.Fatalf("Record: %v", err)
			}
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				recs, err := f.Query(context.Background(), tt.filter)
				if err != nil {
					t.Fatalf("Query: %v", err)
				}
				var got []int64
				for _, r := range recs {
					got = append(got, r.Seq)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("seqs: got %v, want %v", got, tt.want)
				}
			})
		}
	})
}

func TestPing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		if err := f.Ping(context.Background()); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})
}

func TestClosedStoreIsUnavailable(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		s, err := Open(context.Background(), f.url)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		s.Close()
		if _, err := s.Record(context.Background(), sampleEvent(1)); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Record: got %v, want ErrUnavailable", err)
		}
		if err := s.Ping(context.Background()); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Ping: got %v, want ErrUnavailable", err)
		}
		if _, err := s.Query(context.Background(), Filter{}); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Query: got %v, want ErrUnavailable", err)
		}
		if _, err := s.Verify(context.Background()); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Verify: got %v, want ErrUnavailable", err)
		}
	})
}

// A server or role set to synchronous_commit=off must not make Record
// acknowledge before the WAL is flushed; the store overrides it per
// transaction. This checks the override runs in that mode.
func TestPostgresSynchronousCommitOff(t *testing.T) {
	base := postgresURL(t)
	var b [6]byte
	rand.Read(b[:])
	schema := "audit_test_" + hex.EncodeToString(b[:])
	u := withSearchPath(base, schema) + "&synchronous_commit=off"
	ctx := context.Background()
	s, err := OpenPostgres(ctx, u)
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
	record(t, s, 3)
	if rep := verify(t, s); !rep.OK() || rep.Records != 3 {
		t.Errorf("Verify: got %+v, want OK with 3 records", rep)
	}
}

// Concurrent records share commits, and the chain stays whole.
func TestGroupCommit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := b.open(t)
		var g *group
		switch s := f.Store.(type) {
		case *SQLite:
			g = s.group
		case *Postgres:
			g = s.group
		default:
			t.Fatalf("unknown store %T", f.Store)
		}
		const total = 64
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make(chan error, total)
		for i := range total {
			wg.Go(func() {
				<-start
				if _, err := f.Record(context.Background(), sampleEvent(i)); err != nil {
					errs <- err
				}
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("Record: %v", err)
		}
		checkContiguous(t, f, total)
		if rep := verify(t, f); !rep.OK() || rep.Records != total {
			t.Fatalf("Verify: got %+v, want OK with %d records", rep, total)
		}
		if c := g.commits.Load(); c >= total {
			t.Errorf("%d commits for %d concurrent records; want them grouped", c, total)
		}
		t.Logf("%d records in %d commits", total, g.commits.Load())
	})
}
