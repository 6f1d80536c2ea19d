package auditevent

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// Identity numbers that are valid (Test-Norge's example patient, the
// guide's example practitioner, and generated D-, H- and FH numbers).
const (
	fnrPatient = "12057900499"
	fnrDoctor  = "20086600138"
	dnr        = "52057946032"
	hnr        = "12457936816"
	fhnr       = "95931931572"
)

var at = time.Date(2026, 11, 21, 9, 30, 15, 123456000, time.UTC)

var doctor = audit.Actor{PID: fnrDoctor, Name: "August September", HPRNumber: "9144897", HPRRole: "LE",
	SecurityLevel: "4", OrgParent: "993467049", OrgChild: "874716782"}

// records are the kinds of record the portal writes, by name; the goldens
// are named after them.
var records = map[string]audit.Record{
	"lab_view": {Seq: 41, PrevHash: strings.Repeat("a", 64), Hash: strings.Repeat("b", 64), Event: audit.Event{
		Time: at, CorrelationID: "c0ffee", Actor: doctor, Patient: fnrPatient, Resource: "lab", Action: "view",
		AccessBasis: "SAMTYKKE", Outcome: audit.Granted, ClientIP: "192.0.2.10"}},
	"emergency": {Seq: 42, Event: audit.Event{Time: at, Actor: doctor, Patient: dnr, Resource: "lab",
		Action: audit.ActionEmergency, AccessBasis: "FORHOYET_AKUTT", Reason: "unconscious: pasienten er bevisstløs",
		Outcome: audit.Granted}},
	"person_view": {Seq: 43, Event: audit.Event{Time: at, Actor: doctor, Patient: fnrPatient, Resource: "person",
		Action: "view", Outcome: audit.UpstreamError, Reason: "timeout"}},
	"person_search": {Seq: 44, Event: audit.Event{Time: at, Actor: doctor, Resource: "person", Action: "search",
		Fields: []string{"name", "birth_date"}, Results: []string{fnrPatient, dnr}, Outcome: audit.Granted}},
	"hpr_search": {Seq: 45, Event: audit.Event{Time: at, Actor: audit.Actor{PID: fnrDoctor, Name: "Kontor Ansatt", OrgParent: "993467049"},
		Resource: "hpr", Action: "search", Fields: []string{"hprNummer"}, Results: []string{"9144897"}, Outcome: audit.Granted}},
	"login_refused": {Seq: 46, Event: audit.Event{Time: at, Resource: "session", Action: "login_refused",
		Outcome: audit.Denied, Reason: "security level 3", ClientIP: "2001:db8::1"}},
	"audit_export": {Seq: 47, Event: audit.Event{Time: at, Actor: audit.Actor{PID: fnrDoctor, Name: "Revisor", OrgParent: "993467049"},
		Resource: "audit", Action: "export", Reason: "from=2026-11-01&to=2026-11-21", Fields: []string{"from", "to"}, Outcome: audit.Success}},
}

func TestFrom(t *testing.T) {
	tests := []struct {
		name        string
		rec         string
		typ, action string
		outcome     string
		desc        string
		purposes    []string // codes, in order
		profile     bool
	}{
		{"lab view under consent", "lab_view", "110110", "R", "0", "granted", []string{"TREAT", "SAMTYKKE"}, true},
		{"emergency opening", "emergency", "110110", "E", "0", "granted", []string{"ETREAT", "FORHOYET_AKUTT"}, true},
		{"person view without a basis", "person_view", "110110", "R", "8", "upstream_error: timeout", []string{"TREAT"}, true},
		{"person search names no patient", "person_search", "110112", "E", "0", "granted", []string{"TREAT"}, false},
		{"hpr search", "hpr_search", "110112", "E", "0", "granted", nil, false},
		{"refused login", "login_refused", "110114", "E", "4", "denied: security level 3", nil, false},
		{"auditor's export", "audit_export", "110101", "R", "0", "success", []string{"HCOMPL"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := From(records[tt.rec])
			if e.Type.Code != tt.typ || e.Type.System != SystemDICOM {
				t.Errorf("type: got %+v, want DICOM %s", e.Type, tt.typ)
			}
			if e.Action != tt.action {
				t.Errorf("action: got %q, want %q", e.Action, tt.action)
			}
			if e.Outcome != tt.outcome || e.OutcomeDesc != tt.desc {
				t.Errorf("outcome: got %q %q, want %q %q", e.Outcome, e.OutcomeDesc, tt.outcome, tt.desc)
			}
			var got []string
			for _, p := range e.PurposeOfEvent {
				got = append(got, p.Coding[0].Code)
			}
			if !slices.Equal(got, tt.purposes) {
				t.Errorf("purposes: got %v, want %v", got, tt.purposes)
			}
			if claimed := e.Meta != nil && slices.Contains(e.Meta.Profile, Profile); claimed != tt.profile {
				t.Errorf("claims the profile: got %v, want %v", claimed, tt.profile)
			}
			if e.Recorded != "2026-11-21T09:30:15.123456Z" {
				t.Errorf("recorded: got %q", e.Recorded)
			}
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(b); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestPersonIdentifier(t *testing.T) {
	tests := []struct {
		name, number, system string
	}{
		{"fødselsnummer", fnrPatient, SystemFNR},
		{"D-number", dnr, SystemDNR},
		{"felles hjelpenummer", fhnr, SystemFHNR},
		{"H-number has no national system", hnr, ""},
		{"bad check digits", "12057900498", ""},
		{"not a number", "patient-1", ""},
		{"with a separator it is not the stored number", "120579 00499", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := personIdentifier(tt.number)
			if got.System != tt.system || got.Value != tt.number {
				t.Errorf("got %q %q, want %q %q", got.System, got.Value, tt.system, tt.number)
			}
		})
	}
}

func TestEmergencyReasonIsTheBasisText(t *testing.T) {
	e := From(records["emergency"])
	if got, want := e.PurposeOfEvent[1].Text, "unconscious: pasienten er bevisstløs"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := From(records["lab_view"]).PurposeOfEvent[1].Text; got != "" {
		t.Errorf("a consent basis got a text: %q", got)
	}
}

// TestRecordIsKept checks that every field of a record can be found in
// its AuditEvent: nothing an auditor could need is dropped.
func TestRecordIsKept(t *testing.T) {
	r := records["lab_view"]
	r.Reason, r.Fields, r.Results = "a reason", []string{"field-name"}, []string{dnr}
	b, err := json.Marshal(From(r))
	if err != nil {
		t.Fatal(err)
	}
	line := string(b)
	a := r.Actor
	for _, v := range []string{"41", r.Hash, r.PrevHash, r.CorrelationID, a.PID, a.Name, a.HPRNumber, a.HPRRole,
		a.SecurityLevel, a.OrgParent, a.OrgChild, r.Patient, r.Resource + "." + r.Action, r.AccessBasis, r.Reason,
		string(r.Outcome), r.ClientIP, "field-name", dnr} {
		if !strings.Contains(line, `"`+v+`"`) && !strings.Contains(line, v) {
			t.Errorf("%q is not in the AuditEvent", v)
		}
	}
}

func TestGolden(t *testing.T) {
	for name, r := range records {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(From(r), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden; got:\n%s", path, got)
			}
		})
	}
}

func TestEncoderWritesOneLinePerRecord(t *testing.T) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	names := []string{"lab_view", "emergency", "login_refused"}
	for _, n := range names {
		if err := enc.Encode(records[n]); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(names) {
		t.Fatalf("got %d lines, want %d", len(lines), len(names))
	}
	for i, l := range lines {
		if err := Validate([]byte(l)); err != nil {
			t.Errorf("line %d: %v", i+1, err)
		}
	}
	var x audit.Record
	x.Actor.Name = "<b>"
	buf.Reset()
	if err := enc.Encode(x); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"<b>"`) {
		t.Errorf("HTML-escaped: %s", buf.String())
	}
}

func TestValidateRefuses(t *testing.T) {
	good, err := json.Marshal(From(records["lab_view"]))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to string
	}{
		{"not an AuditEvent", `"resourceType":"AuditEvent"`, `"resourceType":"Patient"`},
		{"no recorded time", `"recorded":"2026-11-21T09:30:15.123456Z"`, `"recorded":"2026-11-21"`},
		{"unknown outcome", `"outcome":"0"`, `"outcome":"1"`},
		{"no requestor", `"requestor":true`, `"requestorX":true`},
		{"dangling reference", `"reference":"#patient"}}`, `"reference":"#nobody"}}`},
		{"no purpose of use", SystemActReason, "urn:x"},
		{"no observer", `"observer"`, `"watcher"`},
		{"not JSON", `{`, `[`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(string(good), tt.from, tt.to, 1)
			if bad == string(good) {
				t.Fatalf("%q is not in the line", tt.from)
			}
			if err := Validate([]byte(bad)); err == nil {
				t.Errorf("Validate accepted it")
			}
		})
	}
}
