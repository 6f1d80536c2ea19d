package app

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/auditevent"
)

// auditCLIStore is a temporary SQLite audit trail holding three records
// on 2 March 2026 (Oslo) and one on 3 March, and the environment that
// names it.
func auditCLIStore(t *testing.T) (func(string) string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.db")
	s, err := audit.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	doctor := audit.Actor{PID: "20086600138", Name: "August September", HPRNumber: "9144897", HPRRole: "LE",
		SecurityLevel: "4", OrgParent: "993467049", OrgChild: "874716782"}
	for _, e := range []audit.Event{
		{Time: day, Actor: doctor, Patient: "12057900499", Resource: "person", Action: "view", Outcome: audit.Granted},
		{Time: day.Add(time.Hour), Actor: doctor, Patient: "12057900499", Resource: "lab", Action: audit.ActionEmergency,
			AccessBasis: "AKUTT", Reason: "unconscious: bevisstløs pasient", Outcome: audit.Granted},
		{Time: day.Add(2 * time.Hour), Resource: "session", Action: "login_refused", Outcome: audit.Denied},
		{Time: day.Add(24 * time.Hour), Actor: doctor, Patient: "12057900499", Resource: "lab", Action: "view",
			AccessBasis: "SAMTYKKE", Outcome: audit.Granted},
	} {
		if _, err := s.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	env := map[string]string{"OPPSLAG_DATABASE_URL": "sqlite:" + path, "USER": "revisor"}
	return func(k string) string { return env[k] }, path
}

func TestAuditCLIExport(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // subtypes, in order
	}{
		{"the day", []string{"--from", "2026-03-02", "--to", "2026-03-02"},
			[]string{"person.view", "lab.emergency_access", "session.login_refused"}},
		{"two days, one resource", []string{"--from", "2026-03-02", "--to", "2026-03-03", "--resource", "lab"},
			[]string{"lab.emergency_access", "lab.view"}},
		{"by basis", []string{"--from", "2026-03-01", "--to", "2026-03-31", "--basis", "AKUTT"}, []string{"lab.emergency_access"}},
		{"by hpr and outcome", []string{"--from", "2026-03-02", "--to", "2026-03-03", "--hpr", "9144897", "--outcome", "granted"},
			[]string{"person.view", "lab.emergency_access", "lab.view"}},
		{"by user", []string{"--from", "2026-03-02", "--to", "2026-03-03", "--user", "september", "--action", "view"},
			[]string{"person.view", "lab.view"}},
		{"by org", []string{"--from", "2026-03-02", "--to", "2026-03-03", "--org", "1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv, _ := auditCLIStore(t)
			var out strings.Builder
			if err := AuditCLI(context.Background(), append([]string{"export"}, tt.args...), getenv, &out, io.Discard); err != nil {
				t.Fatalf("export: %v", err)
			}
			var got []string
			sc := bufio.NewScanner(strings.NewReader(out.String()))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				if err := auditevent.Validate(sc.Bytes()); err != nil {
					t.Errorf("line %s: %v", sc.Text(), err)
				}
				var e auditevent.AuditEvent
				if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
					t.Fatal(err)
				}
				got = append(got, e.Subtype[0].Code)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAuditCLISearch(t *testing.T) {
	getenv, path := auditCLIStore(t)
	var out strings.Builder
	args := []string{"search", "--from", "2026-03-02", "--to", "2026-03-02", "--resource", "lab"}
	if err := AuditCLI(context.Background(), args, getenv, &out, io.Discard); err != nil {
		t.Fatalf("search: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want a header and one row:\n%s", len(lines), out.String())
	}
	if !strings.HasPrefix(lines[0], "SEQ") {
		t.Errorf("header: got %q", lines[0])
	}
	for _, want := range []string{"2026-03-02 11:00:00", "August September", "9144897", "874716782", "emergency_access", "AKUTT", "granted", "120579*****"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("row lacks %q: %q", want, lines[1])
		}
	}
	if strings.Contains(out.String(), "12057900499") {
		t.Errorf("the table shows a whole identity number")
	}

	// The search is itself in the log, with its filter and who ran it.
	s, err := audit.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs, err := s.Query(context.Background(), audit.Filter{Action: "search"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("search records: %v, %v", recs, err)
	}
	r := recs[0]
	if r.Resource != "audit" || r.Actor.Name != "command line: revisor" || r.Reason != "from=2026-03-02&resource=lab&to=2026-03-02" {
		t.Errorf("record: got %s %q %q", r.Resource, r.Actor.Name, r.Reason)
	}
	if rep, err := s.Verify(context.Background()); err != nil || !rep.OK() {
		t.Errorf("verify after the search: %+v, %v", rep, err)
	}
}

func TestAuditCLIRefuses(t *testing.T) {
	getenv, _ := auditCLIStore(t)
	tests := []struct {
		name string
		args []string
	}{
		{"no subcommand", nil},
		{"unknown subcommand", []string{"delete"}},
		{"not a date", []string{"export", "--from", "02.03.2026"}},
		{"to before from", []string{"search", "--from", "2026-03-02", "--to", "2026-03-01"}},
		{"unknown flag", []string{"export", "--patient", "12057900499"}},
		{"stray argument", []string{"export", "12057900499"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := AuditCLI(context.Background(), tt.args, getenv, io.Discard, io.Discard); err == nil {
				t.Errorf("no error")
			}
		})
	}
}
