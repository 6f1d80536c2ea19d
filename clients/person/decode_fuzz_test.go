package person

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/oppslag/oppslag/clients/upstream"
)

// FuzzDecodePerson feeds arbitrary bytes to the Person decoder (S37): it
// must never panic, must refuse with ErrMalformed only, and whatever it
// accepts must encode and decode again to the same document.
func FuzzDecodePerson(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "person", "*.json"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed files in testdata/person: %v", err)
	}
	for _, name := range seeds {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2]) // truncated
	}
	f.Add([]byte(""))
	f.Add([]byte("null"))
	f.Add([]byte(`{"name":[{"isValid":"yes"}]}`))
	f.Add([]byte(`{"birth":[{"birthDate":"9999-12-31T23:00:00-05:00"}]}`))

	f.Fuzz(func(t *testing.T, b []byte) {
		var p Person
		if err := decodeJSON(b, &p); err != nil {
			if !errors.Is(err, upstream.ErrMalformed) {
				t.Fatalf("decode error %v does not wrap ErrMalformed", err)
			}
			return
		}
		first, err := json.Marshal(&p)
		if err != nil {
			t.Fatalf("re-encoding an accepted document: %v", err)
		}
		var again Person
		if err := decodeJSON(first, &again); err != nil {
			t.Fatalf("decoding our own encoding: %v\n%s", err, first)
		}
		second, err := json.Marshal(&again)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("not stable:\n%s\n%s", first, second)
		}
		// The page helpers must hold on anything the decoder accepts.
		p.CurrentName()
		p.CurrentNIN()
		_ = p.Protection().Protected()
		Valid(p.ResidentialAddress)
		History(p.Name)
	})
}
