package labs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecodeBundle is S37 for the PPS decoder: any input either decodes
// and assembles into reports, or fails with ErrMalformed; it never panics
// and never loops (hasMember cycles are cut by maxDepth).
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
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("DecodeBundle error %v does not wrap ErrMalformed", err)
			}
			return
		}
		idx := newIndex()
		if err := idx.add(b); err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("add error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if _, err := idx.assemble(); err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("assemble error %v does not wrap ErrMalformed", err)
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
			if err := idx.add(b); err != nil {
				t.Fatalf("add: %v", err)
			}
			_, err = idx.assemble()
			// bad-* seeds are well-formed JSON the assembler must refuse
			// (a hasMember cycle).
			if bad := strings.HasPrefix(filepath.Base(s), "bad-"); bad != errors.Is(err, ErrMalformed) || !bad && err != nil {
				t.Fatalf("assemble: err = %v, want ErrMalformed only for bad-* seeds", err)
			}
		})
	}
}
