package app

import (
	"bufio"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/synthetic"
)

func synthRun(t *testing.T, args ...string) (string, error) {
	t.Helper()
	env := map[string]string{"OPPSLAG_DEMO_PERSONS": "2000"}
	var out strings.Builder
	err := Synth(args, func(k string) string { return env[k] }, &out, io.Discard)
	return out.String(), err
}

func TestSynthWhere(t *testing.T) {
	for _, kind := range []string{"protected", "strictly-confidential", "deceased", "dnumber", "emigrated", "reserved",
		"family", "shared-residence", "replaced-nin", "name-change",
		"health-personnel", "doctor", "nurse", "suspended", "expiring", "replaced-hpr"} {
		t.Run(kind, func(t *testing.T) {
			out, err := synthRun(t, "--where", kind, "--limit", "3")
			if err != nil {
				t.Fatal(err)
			}
			lines := 0
			sc := bufio.NewScanner(strings.NewReader(out))
			for sc.Scan() {
				var l synthLine
				if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
					t.Fatalf("line %q: %v", sc.Text(), err)
				}
				n, err := nin.Parse(l.NIN)
				if err != nil || !n.Synthetic {
					t.Errorf("nin %q: synthetic %v, err %v", l.NIN, n.Synthetic, err)
				}
				if l.Name == "" || !slices.Contains(l.Kinds, kind) {
					t.Errorf("line %+v lacks a name or the kind %s", l, kind)
				}
				lines++
			}
			if lines == 0 || lines > 3 {
				t.Errorf("%d lines; want 1 to 3", lines)
			}
		})
	}
}

// TestSynthHPR checks that lines of health personnel carry the person's
// HPR number, and that several persons have an approval expiring soon.
func TestSynthHPR(t *testing.T) {
	out, err := synthRun(t, "--where", "health-personnel", "--limit", "5")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines; want 5", len(lines))
	}
	for _, s := range lines {
		var l synthLine
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			t.Fatal(err)
		}
		if l.HPR < 1_000_000 || l.HPR > 999_999_999 {
			t.Errorf("line of %q carries HPR number %d; want 7–9 digits", l.Name, l.HPR)
		}
	}
	out, err = synthRun(t, "--where", "expiring", "--limit", "0")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "\n"); n < 3 {
		t.Errorf("%d persons with an approval expiring within 90 days; want several", n)
	}
	out, err = synthRun(t, "--where", "child", "--limit", "3")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, `"hpr"`) {
		t.Errorf("a child's line carries an HPR number: %s", out)
	}
}

func TestSynthFull(t *testing.T) {
	out, err := synthRun(t, "--where", "family", "--limit", "1", "--full")
	if err != nil {
		t.Fatal(err)
	}
	var p person.Person
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if p.CurrentNIN() == "" || len(p.FamilyRelation) == 0 {
		t.Errorf("full document lacks a number or family relations")
	}
}

func TestSynthRejectsUnknownKind(t *testing.T) {
	_, err := synthRun(t, "--where", "martian")
	if err == nil || !strings.Contains(err.Error(), "protected") {
		t.Fatalf("error %v; want one listing the known kinds", err)
	}
	if len(synthetic.AllKinds()) < 10 {
		t.Error("too few kinds")
	}
}
