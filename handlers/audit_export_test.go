package handlers

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/auditevent"
	"github.com/oppslag/oppslag/handlers/request"
)

// exportStore is a temporary SQLite trail with n lab views on 2 March 2026.
func exportStore(t *testing.T, n int) *audit.SQLite {
	t.Helper()
	s, err := audit.OpenSQLite(filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	doctor := audit.Actor{PID: "20086600138", Name: "August September", HPRNumber: "9144897", HPRRole: "LE",
		SecurityLevel: "4", OrgParent: "993467049", OrgChild: "874716782"}
	for i := range n {
		e := audit.Event{Time: time.Date(2026, 3, 2, 8, 0, i, 0, time.UTC), CorrelationID: fmt.Sprint("c", i), Actor: doctor,
			Patient: "12057900499", Resource: "lab", Action: "view", AccessBasis: "SAMTYKKE", Outcome: audit.Granted}
		if _, err := s.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

var auditorUser = &request.User{PID: "03117000205", Name: "Rita Revisor", OrgParent: "993467049",
	SecurityLevel: "4", Roles: []request.Role{request.RoleAuditor}}

// serveExport runs the export behind the access gate as the auditor.
func serveExport(t *testing.T, store audit.Store, query string) *httptest.ResponseRecorder {
	t.Helper()
	h := AuditExport{Audit: Auditor{Store: store}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC) }}
	refuse := func(w http.ResponseWriter, _ *http.Request, err error) {
		http.Error(w, "unaudited", http.StatusInternalServerError)
	}
	handle := func(w http.ResponseWriter, r *http.Request) {
		if err := h.Export(w, r); err != nil {
			e := AsError(err)
			http.Error(w, "error", e.Status)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/audit/export.ndjson?"+query, nil)
	req = req.WithContext(request.WithCorrelationID(request.WithUser(req.Context(), auditorUser), "corr-export"))
	rec := httptest.NewRecorder()
	AccessGate(refuse)(http.HandlerFunc(handle)).ServeHTTP(rec, req)
	return rec
}

func TestAuditExportStreamsAuditEvents(t *testing.T) {
	const n = 3*flushEvery + 5 // several flushes and a remainder
	s := exportStore(t, n)
	rec := serveExport(t, s, "from=2026-03-02&to=2026-03-02&resource=lab")
	if rec.Code != http.StatusOK {
		t.Fatalf("status: got %d, want 200: %s", rec.Code, rec.Body)
	}
	for k, want := range map[string]string{
		"Content-Type":        "application/x-ndjson",
		"Content-Disposition": `attachment; filename="oppslag-audit-2026-03-02-2026-03-02.ndjson"`,
		"Cache-Control":       "no-store",
	} {
		if got := rec.Header().Get(k); got != want {
			t.Errorf("%s: got %q, want %q", k, got, want)
		}
	}
	sc := bufio.NewScanner(rec.Body)
	sc.Buffer(nil, 1<<20)
	lines := 0
	for sc.Scan() {
		lines++
		if err := auditevent.Validate(sc.Bytes()); err != nil {
			t.Errorf("line %d: %v", lines, err)
		}
		if !strings.Contains(sc.Text(), auditevent.Profile) {
			t.Errorf("line %d does not claim the profile", lines)
		}
	}
	if lines != n {
		t.Errorf("got %d lines, want %d", lines, n)
	}

	recs, err := s.Query(context.Background(), audit.Filter{Action: "export"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("export records: %v, %v", recs, err)
	}
	r := recs[0]
	if r.Resource != "audit" || r.Actor.PID != auditorUser.PID || r.CorrelationID != "corr-export" ||
		r.Reason != "from=2026-03-02&resource=lab&to=2026-03-02" || strings.Join(r.Fields, ",") != "from,resource,to" {
		t.Errorf("export record: %+v", r)
	}
}

// orderStore notes the order of appends and reads.
type orderStore struct {
	audit.Store
	log *[]string
}

func (s orderStore) Record(ctx context.Context, e audit.Event) (audit.Record, error) {
	*s.log = append(*s.log, "record "+e.Action)
	return s.Store.Record(ctx, e)
}

func (s orderStore) Query(ctx context.Context, f audit.Filter) ([]audit.Record, error) {
	*s.log = append(*s.log, "read")
	return s.Store.Query(ctx, f)
}

func TestAuditExportRecordsBeforeReading(t *testing.T) {
	var log []string
	rec := serveExport(t, orderStore{Store: exportStore(t, 2), log: &log}, "from=2026-03-02")
	if rec.Code != http.StatusOK {
		t.Fatalf("status: got %d", rec.Code)
	}
	if got := strings.Join(log, ", "); got != "record export, read" {
		t.Errorf("got %q, want the export recorded before the log is read", got)
	}
	if got := strings.Count(rec.Body.String(), "\n"); got != 2 {
		t.Errorf("got %d lines, want 2", got)
	}
}

func TestAuditExportRefuses(t *testing.T) {
	tests := []struct {
		name   string
		store  func(t *testing.T) audit.Store
		query  string
		status int
	}{
		{"not a date", func(t *testing.T) audit.Store { return exportStore(t, 1) }, "from=02.03.2026", http.StatusBadRequest},
		{"to before from", func(t *testing.T) audit.Store { return exportStore(t, 1) }, "from=2026-03-02&to=2026-03-01", http.StatusBadRequest},
		{"an identity number", func(t *testing.T) audit.Store { return exportStore(t, 1) }, "user=12057900499", http.StatusBadRequest},
		{"the record fails", func(*testing.T) audit.Store { return audit.Failing() }, "", http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.store(t)
			rec := serveExport(t, s, tt.query)
			if rec.Code != tt.status {
				t.Errorf("status: got %d, want %d", rec.Code, tt.status)
			}
			if strings.Contains(rec.Body.String(), "AuditEvent") {
				t.Errorf("records were sent")
			}
			if recs, _ := s.Query(context.Background(), audit.Filter{Action: "export"}); len(recs) != 0 {
				t.Errorf("a refused export was recorded as one: %+v", recs)
			}
		})
	}
}

// readFails records, then cannot read.
type readFails struct{ audit.Store }

func (readFails) Query(context.Context, audit.Filter) ([]audit.Record, error) {
	return nil, fmt.Errorf("audit: query: %w", audit.ErrUnavailable)
}

func TestAuditExportCutMidwayAborts(t *testing.T) {
	defer func() {
		if p := recover(); p != http.ErrAbortHandler {
			t.Errorf("got panic %v, want http.ErrAbortHandler (a cut connection)", p)
		}
	}()
	serveExport(t, readFails{exportStore(t, 1)}, "")
	t.Errorf("the export ended as if it were whole")
}
