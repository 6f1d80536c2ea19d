package timeline

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/tolerant"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden writes each document's timeline, and the as-of view on every
// day an entry is dated, in the catalog's terms and compares it with
// testdata/<name>.golden. The documents are the person client's example
// documents (clients/person/testdata/person) and the fixtures here. Run
// with -update after a deliberate change, and read the diff.
func TestGolden(t *testing.T) {
	docs := map[string]*person.Person{
		"life":      lifePerson(t),
		"protected": protectedPerson(t, person.StrictlyConfidential),
		"historic":  historicPerson(t),
	}
	files, err := filepath.Glob(filepath.Join("..", "testdata", "person", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example documents: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p person.Person
		if _, err := tolerant.Decode(b, &p); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		docs["person-"+strings.TrimSuffix(filepath.Base(f), ".json")] = &p
	}
	// life-more is life with what the relatives' documents and the lab
	// service add (BuildWith).
	lifeWith, more := lifeMore(t)
	docs["life-more"] = lifeWith
	extra := map[string]More{"life-more": more}
	for name, p := range docs {
		t.Run(name, func(t *testing.T) {
			got := goldenText(p, extra[name])
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the build; run with -update and read the diff. Got:\n%s", path, got)
			}
		})
	}
}

// goldenText is p's timeline, with more, and as-of views as text.
func goldenText(p *person.Person, more More) []byte {
	var b bytes.Buffer
	es := BuildWith(p, now, more)
	days := []string{now.Format("2006-01-02")}
	for _, e := range es {
		head := []string{e.ID, string(e.Kind), "undated"}
		if d := Join(e.Date).String(); d != "" {
			head[2] = d
		}
		for _, f := range []struct {
			on   bool
			name string
		}{{e.Current, "current"}, {e.Future, "future"}, {e.Protected, "protected"}, {e.Derived, "derived"}} {
			if f.on {
				head = append(head, f.name)
			}
		}
		fmt.Fprintln(&b, strings.Join(head, " "))
		line := func(label string, v any) {
			if s := fmt.Sprint(v); s != "" {
				fmt.Fprintf(&b, "\t%s: %s\n", label, s)
			}
		}
		line("title", e.Title)
		line("before", e.Before)
		line("after", e.After)
		line("valid to", Join(e.ValidTo))
		line("registered", Join(e.RegisteredAt))
		line("source", e.Source)
		line("reason", e.Reason)
		for _, f := range e.Fields {
			line(f.Label, f.Value)
		}
		if e.Date.Known() {
			days = append(days, e.Date.DateOnly())
		}
	}
	slices.Sort(days)
	for _, day := range slices.Compact(days) {
		fmt.Fprintf(&b, "\nas of %s\n", day)
		for _, r := range AsOf(p, day) {
			var vs []string
			for _, v := range r.Values {
				vs = append(vs, v.String())
			}
			fmt.Fprintln(&b, strings.TrimRight("\t"+r.Label+": "+strings.Join(vs, " | "), " "))
		}
	}
	return b.Bytes()
}
