package checkpoint

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
)

func head(seq int64) audit.Head {
	return audit.Head{Seq: seq, Hash: strings.Repeat(string("0123456789abcdef"[seq%16]), 64)}
}

func line(t *testing.T, key ed25519.PrivateKey, seq int64) string {
	t.Helper()
	b, err := Encode(key, Checkpoint{Head: head(seq), Time: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Instance: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRead(t *testing.T) {
	k := testKey(1)
	tampered := strings.Replace(line(t, k, 3), `"signature":"`, `"signature":"AA`, 1)
	tests := []struct {
		name      string
		file      string
		wantLines []int
		wantErrs  []error
		wantTorn  bool
	}{
		{"empty file", "", nil, nil, false},
		{"two lines", line(t, k, 1) + line(t, k, 2), []int{1, 2}, []error{nil, nil}, false},
		{"torn last line", line(t, k, 1) + strings.TrimSuffix(line(t, k, 2), "\n")[:40], []int{1}, []error{nil}, true},
		{"a blank line", line(t, k, 1) + "\n" + line(t, k, 2), []int{1, 2, 3}, []error{nil, ErrFormat, nil}, false},
		{"a tampered line", line(t, k, 1) + tampered, []int{1, 2}, []error{nil, ErrSignature}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, torn, err := Read(strings.NewReader(tt.file))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if got, want := torn, tt.wantTorn; got != want {
				t.Errorf("torn: got %t, want %t", got, want)
			}
			var lines []int
			for i, e := range entries {
				lines = append(lines, e.Line)
				if got, want := e.Err, tt.wantErrs[i]; !errors.Is(got, want) || (want == nil) != (got == nil) {
					t.Errorf("line %d: got error %v, want %v", e.Line, got, want)
				}
			}
			if got, want := lines, tt.wantLines; !reflect.DeepEqual(got, want) {
				t.Errorf("lines: got %v, want %v", got, want)
			}
		})
	}
}

func TestReadRefusesAHugeLine(t *testing.T) {
	if _, _, err := Read(strings.NewReader(strings.Repeat("x", maxLine+10) + "\n")); err == nil {
		t.Error("Read: got no error for a line over the limit")
	}
}

func TestTrustAnchors(t *testing.T) {
	own, other := testKey(1), testKey(2)
	ownPub, otherPub := own.Public().(ed25519.PublicKey), other.Public().(ed25519.PublicKey)
	entries := func(t *testing.T, lines ...string) []Entry {
		t.Helper()
		es, _, err := Read(strings.NewReader(strings.Join(lines, "")))
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	garbled := strings.Replace(line(t, own, 9), `"signature":"`, `"signature":"`+strings.Repeat("A", 86)+`x`, 1)
	tests := []struct {
		name         string
		trust        Trust
		lines        []string
		wantAnchors  []audit.Head
		wantProblems []LineProblem
		wantKey      ed25519.PublicKey
	}{
		{
			name:        "pinned key signs every line",
			trust:       Trust{Pinned: []ed25519.PublicKey{ownPub}},
			lines:       []string{line(t, own, 1), line(t, own, 2)},
			wantAnchors: []audit.Head{head(1), head(2)},
		},
		{
			name:         "a line signed by an unpinned key",
			trust:        Trust{Pinned: []ed25519.PublicKey{ownPub}},
			lines:        []string{line(t, own, 1), line(t, other, 2)},
			wantAnchors:  []audit.Head{head(1)},
			wantProblems: []LineProblem{{2, ReasonUntrusted}},
		},
		{
			name:        "two pinned keys (a rotation)",
			trust:       Trust{Pinned: []ed25519.PublicKey{ownPub, otherPub}},
			lines:       []string{line(t, own, 1), line(t, other, 2)},
			wantAnchors: []audit.Head{head(1), head(2)},
		},
		{
			name:         "the whole file re-signed by another key",
			trust:        Trust{Pinned: []ed25519.PublicKey{ownPub}},
			lines:        []string{line(t, other, 1), line(t, other, 2)},
			wantProblems: []LineProblem{{1, ReasonUntrusted}, {2, ReasonUntrusted}},
		},
		{
			name:         "unpinned: the key file's key",
			trust:        Trust{Own: ownPub},
			lines:        []string{line(t, other, 1), line(t, own, 2)},
			wantAnchors:  []audit.Head{head(2)},
			wantProblems: []LineProblem{{1, ReasonUntrusted}},
			wantKey:      ownPub,
		},
		{
			name:         "unpinned, no key file: the first line's key",
			lines:        []string{"junk\n", line(t, other, 1), line(t, own, 2), line(t, other, 3)},
			wantAnchors:  []audit.Head{head(1), head(3)},
			wantProblems: []LineProblem{{1, ReasonUnreadable}, {3, ReasonUntrusted}},
			wantKey:      otherPub,
		},
		{
			name:         "garbled signature",
			trust:        Trust{Own: ownPub},
			lines:        []string{line(t, own, 1), garbled},
			wantAnchors:  []audit.Head{head(1)},
			wantProblems: []LineProblem{{2, ReasonUnreadable}},
			wantKey:      ownPub,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			anchors, problems, key := tt.trust.Anchors(entries(t, tt.lines...))
			if got, want := anchors, tt.wantAnchors; !reflect.DeepEqual(got, want) {
				t.Errorf("anchors: got %v, want %v", got, want)
			}
			if got, want := problems, tt.wantProblems; !reflect.DeepEqual(got, want) {
				t.Errorf("problems: got %v, want %v", got, want)
			}
			if got, want := key, tt.wantKey; !got.Equal(want) && !(got == nil && want == nil) {
				t.Errorf("key: got %x, want %x", got, want)
			}
		})
	}
}

// A signature that decodes but does not verify is reported as such, not
// as an unreadable line.
func TestTrustAnchorsBadSignature(t *testing.T) {
	// The header names key 1; key 2 signed.
	forged := resign(testKey(2), string(mustHeader(t, testKey(1))), `{"seq":2,"hash":"`+head(2).Hash+`","time":"2026-03-01T09:00:00Z","instance":"test"}`)
	es, _, err := Read(bytes.NewReader(append(forged, '\n')))
	if err != nil {
		t.Fatal(err)
	}
	_, problems, _ := Trust{}.Anchors(es)
	if got, want := problems, []LineProblem{{1, ReasonBadSignature}}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems: got %v, want %v", got, want)
	}
}

// mustHeader returns the protected header Encode writes for k.
func mustHeader(t *testing.T, k ed25519.PrivateKey) []byte {
	t.Helper()
	return []byte(`{"alg":"EdDSA","typ":"` + Typ + `","jwk":{"kty":"OKP","crv":"Ed25519","x":"` + PublicKeyString(k.Public().(ed25519.PublicKey)) + `"}}`)
}

func TestWriter(t *testing.T) {
	forEachLog(t, func(t *testing.T, log Log) {
		var current audit.Head
		var headErr error
		w := NewWriter(log, testKey(1), "test", func(context.Context) (audit.Head, error) { return current, headErr })
		steps := []struct {
			name    string
			head    audit.Head
			headErr error
			written bool
			wantErr bool
		}{
			{name: "empty chain", head: audit.Head{Seq: 0, Hash: audit.GenesisHash}},
			{name: "first records", head: head(3), written: true},
			{name: "idle", head: head(3)},
			{name: "more records", head: head(7), written: true},
			{name: "store down", head: head(7), headErr: errors.New("down"), wantErr: true},
			{name: "after store down", head: head(8), written: true},
		}
		var want []audit.Head
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				current, headErr = s.head, s.headErr
				written, err := w.Checkpoint(context.Background())
				if (err != nil) != s.wantErr {
					t.Fatalf("Checkpoint: got error %v, want error %t", err, s.wantErr)
				}
				if got, want := written, s.written; got != want {
					t.Errorf("written: got %t, want %t", got, want)
				}
			})
			if s.written {
				want = append(want, s.head)
			}
		}
		entries, torn, err := log.Entries(context.Background())
		if err != nil || torn {
			t.Fatalf("Entries: %v (torn %t)", err, torn)
		}
		anchors, problems, _ := Trust{Pinned: []ed25519.PublicKey{testKey(1).Public().(ed25519.PublicKey)}}.Anchors(entries)
		if len(problems) > 0 {
			t.Errorf("problems: %v", problems)
		}
		if got := anchors; !reflect.DeepEqual(got, want) {
			t.Errorf("log: got %v, want %v", got, want)
		}
	})
}

func TestOpenFileUnwritablePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-dir", "checkpoints.jsonl")
	if _, err := OpenFile(path); err == nil {
		t.Error("OpenFile: got no error for a path in a missing directory")
	}
	path = filepath.Join(t.TempDir(), "checkpoints.jsonl")
	if _, err := OpenFile(path); err != nil {
		t.Fatalf("OpenFile: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("OpenFile did not create the file: %v", err)
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.pem")
	k1, created, err := LoadOrCreateKey(path)
	if err != nil || !created {
		t.Fatalf("first LoadOrCreateKey: created %t, err %v; want created", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fi.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Errorf("key file mode: got %v, want %v", got, want)
	}
	k2, created, err := LoadOrCreateKey(path)
	if err != nil || created {
		t.Fatalf("second LoadOrCreateKey: created %t, err %v; want loaded", created, err)
	}
	if !k1.Equal(k2) {
		t.Error("second LoadOrCreateKey returned another key")
	}
}

func TestLoadKeyRefuses(t *testing.T) {
	dir := t.TempDir()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	files := map[string][]byte{
		"rsa":       pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		"not pem":   []byte("hello"),
		"wrong pem": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}),
	}
	for name, b := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadKey(path); err == nil {
				t.Error("LoadKey: got no error")
			}
			if _, _, err := LoadOrCreateKey(path); err == nil {
				t.Error("LoadOrCreateKey: got no error (it must not replace a bad key file)")
			}
		})
	}
}
