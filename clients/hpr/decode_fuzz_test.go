package hpr

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/upstream"
)

// FuzzDecodePersonnel feeds arbitrary bytes to the Personnel decoder (S37):
// it must never panic, must refuse with ErrMalformed only, and whatever it
// accepts must encode and decode again to the same document (through the
// decoder and through the cache), and the status helper must hold on it.
func FuzzDecodePersonnel(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "personnel", "*.json"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed files in testdata/personnel: %v", err)
	}
	for _, name := range seeds {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2]) // truncated
	}
	for _, s := range []string{
		"", "null", "{}", "[]", `{"hprNummer":0}`, `{"hprNummer":-3}`, `{"hprNummer":1.5}`,
		`{"hprNummer":1,"erstattetAvHprNummer":0}`,
		`{"hprNummer":1,"person":{"fødselsdato":"1979-02-30"}}`,
		`{"hprNummer":1,"person":{"fødselsdato":"0001-01-01"}}`,
		`{"hprNummer":1,"sistOppdatert":"2024-03-31T02:30:00"}`,
		`{"hprNummer":1,"sistOppdatert":"2024-10-27T02:30:00.999999999"}`,
		`{"hprNummer":1,"godkjenninger":[{"periode":{"fra":"2030-01-01","til":"2020-01-01"},"administrativeReaksjoner":[{"type":{"verdi":"1"},"periode":{}}]}]}`,
		`{"hprNummer":1,"godkjenninger":null,"administrativeReaksjoner":[{"type":{"verdi":"5"}}]}`,
		`{"hprNummer":1}{"hprNummer":2}`,
		`{"hprNummer":1,"person":{"nin":12057900499}}`,
		`{"hprNummer":1,"person":{"fødselsdato":"mars 2022","dødsdato":"2025-06-01T00:00:00+02"}}`,
		`{"hprNummer":1,"person":{"fødselsdato":"1979-05-12\u0000"}}`,
		`{"hprNummer":1,"sistOppdatert":"2025-11-03T14:22:05.1234567+0100","gjelderForDato":20260302}`,
		`{"hprNummer":1,"godkjenninger":[{"periode":{"fra":"2022","til":{"år":2030}}}]}`,
		`[{"hprNummer":1}]`,
		"{\"hprNummer\":1,\"person\":{\"fornavn\":\"\xff\xfe\"}}",
	} {
		f.Add([]byte(s))
	}

	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := decodePersonnel(b)
		if err != nil {
			if !errors.Is(err, upstream.ErrMalformed) {
				t.Fatalf("decode error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if p.HPRNumber <= 0 {
			t.Fatalf("accepted an entry with hprNummer %d", p.HPRNumber)
		}
		first, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("re-encoding an accepted entry: %v", err)
		}
		again, err := decodePersonnel(first)
		if err != nil {
			t.Fatalf("decoding our own encoding: %v\n%s", err, first)
		}
		// A value of the wrong type was left empty, so decoding our own
		// encoding cannot find it again; everything else must match.
		again.Unread = p.Unread
		second, err := json.Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("not stable:\n%s\n%s", first, second)
		}
		// A cached entry keeps everything, the unread marks included.
		entry, err := json.Marshal(Entry{Personnel: p, FetchedAt: time.Unix(1, 0)})
		if err != nil {
			t.Fatal(err)
		}
		cached, err := decodeEntry(entry)
		if err != nil {
			t.Fatalf("decoding a cached entry: %v\n%s", err, entry)
		}
		if third, _ := json.Marshal(cached.Personnel); !bytes.Equal(first, third) {
			t.Fatalf("cache round trip differs:\n%s\n%s", first, third)
		}
		// What pages and batch checks do with an entry must hold on any.
		for _, day := range []Date{{}, NewDate(2026, 3, 2), p.ValidForDate, p.Person.DeathDate} {
			s := StatusOn(p, day)
			s.Current()
			s.Authorised()
		}
	})
}
