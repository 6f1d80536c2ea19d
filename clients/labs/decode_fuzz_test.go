package labs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/oppslag/oppslag/clients/upstream"
)

// FuzzDecodeBundle is S37 for the PPS decoder: any input either decodes
// and assembles into reports, or fails with ErrMalformed; it never panics
// and never loops (hasMember cycles are cut by maxDepth). Assembly itself
// never fails: what it cannot resolve marks the report incomplete.
func FuzzDecodeBundle(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/bundles/*.json")
	if len(seeds) == 0 {
		f.Fatal("no seed bundles in testdata/bundles")
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := DecodeBundle(data)
		if err != nil {
			if !errors.Is(err, upstream.ErrMalformed) {
				t.Fatalf("DecodeBundle error %v does not wrap ErrMalformed", err)
			}
			return
		}
		idx := newIndex()
		if err := idx.add(b, 0); err != nil {
			if !errors.Is(err, upstream.ErrMalformed) {
				t.Fatalf("add error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if _, err := idx.assemble(); err != nil {
			t.Fatalf("assemble: %v", err)
		}
	})
}

func TestSeedBundlesDecode(t *testing.T) {
	seeds, _ := filepath.Glob("testdata/bundles/*.json")
	for _, s := range seeds {
		t.Run(filepath.Base(s), func(t *testing.T) {
			data, _ := os.ReadFile(s)
			b, err := DecodeBundle(data)
			if err != nil {
				t.Fatalf("DecodeBundle: %v", err)
			}
			idx := newIndex()
			if err := idx.add(b, 0); err != nil {
				t.Fatalf("add: %v", err)
			}
			reports, err := idx.assemble()
			if err != nil {
				t.Fatalf("assemble: %v", err)
			}
			// A hasMember cycle costs the branch past maxDepth, not the
			// report: the report is there, marked incomplete.
			if filepath.Base(s) == "cycle.json" && (len(reports) != 1 || !reports[0].Incomplete) {
				t.Fatalf("cycle: %d reports, incomplete %v; want 1, true", len(reports), len(reports) == 1 && reports[0].Incomplete)
			}
		})
	}
}
