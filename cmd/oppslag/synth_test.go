package main

import (
	"bufio"
	"context"
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
	err := run(context.Background(), append([]string{"synth"}, args...), func(k string) string { return env[k] }, &out, io.Discard)
	return out.String(), err
}

func TestSynthWhere(t *testing.T) {
	for _, kind := range []string{"protected", "strictly-confidential", "deceased", "dnumber", "emigrated", "reserved",
		"family", "shared-residence", "replaced-nin", "name-change"} {
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
