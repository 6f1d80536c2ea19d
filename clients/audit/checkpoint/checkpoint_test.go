package checkpoint

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/audit"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// testKey returns a fixed key, so that signed lines are reproducible
// (Ed25519 signatures are deterministic).
func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

var sample = Checkpoint{
	Head:     audit.Head{Seq: 1234, Hash: strings.Repeat("0123456789abcdef", 4)},
	Time:     time.Date(2026, 3, 1, 9, 5, 0, 120000000, time.FixedZone("CET", 3600)),
	Instance: "oppslag-1",
}

func TestEncodeGolden(t *testing.T) {
	got, err := Encode(testKey(1), sample)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	path := filepath.Join("testdata", "checkpoint.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Encode:\ngot  %s\nwant %s", got, want)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	key := testKey(2)
	line, err := Encode(key, sample)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if got, want := bytes.Count(line, []byte("\n")), 1; got != want || line[len(line)-1] != '\n' {
		t.Fatalf("line: got %d newlines, want %d at the end: %q", got, want, line)
	}
	c, pub, err := Decode(line)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := sample
	want.Time = sample.Time.UTC()
	if got := c; got != want {
		t.Errorf("Decode: got %+v, want %+v", got, want)
	}
	if got, want := pub, key.Public().(ed25519.PublicKey); !got.Equal(want) {
		t.Errorf("key: got %x, want %x", got, want)
	}
}

// A line is a standard JWS: a JOSE library checks it with the public key.
func TestLineIsAStandardJWS(t *testing.T) {
	key := testKey(3)
	line, err := Encode(key, sample)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	sig, err := jose.ParseSignedJSON(string(line), []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		t.Fatalf("go-jose ParseSignedJSON: %v", err)
	}
	payload, err := sig.Verify(key.Public())
	if err != nil {
		t.Fatalf("go-jose Verify: %v", err)
	}
	var p map[string]any
	if err := json.Unmarshal(payload, &p); err != nil {
		t.Fatalf("payload: %v", err)
	}
	if got, want := p["hash"], sample.Hash; got != want {
		t.Errorf("payload hash: got %v, want %v", got, want)
	}
	if got, want := p["time"], "2026-03-01T08:05:00.12Z"; got != want {
		t.Errorf("payload time: got %v, want %v", got, want)
	}
	if got, want := sig.Signatures[0].Protected.JSONWebKey.Key, key.Public(); !want.(ed25519.PublicKey).Equal(got) {
		t.Errorf("header jwk: got %v, want the signing key", got)
	}
}

func TestEncodeRefuses(t *testing.T) {
	tests := []struct {
		name string
		key  ed25519.PrivateKey
		c    Checkpoint
	}{
		{"short key", ed25519.PrivateKey{1, 2, 3}, sample},
		{"negative seq", testKey(1), Checkpoint{Head: audit.Head{Seq: -1, Hash: sample.Hash}}},
		{"short hash", testKey(1), Checkpoint{Head: audit.Head{Seq: 1, Hash: "abc"}}},
		{"upper-case hash", testKey(1), Checkpoint{Head: audit.Head{Seq: 1, Hash: strings.ToUpper(sample.Hash)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Encode(tt.key, tt.c); err == nil {
				t.Errorf("Encode: got no error")
			}
		})
	}
}

// resign builds a line from raw header and payload JSON signed by key, to
// make lines Encode never would.
func resign(key ed25519.PrivateKey, header, payload string) []byte {
	j := jws{Protected: b64.EncodeToString([]byte(header)), Payload: b64.EncodeToString([]byte(payload))}
	j.Signature = b64.EncodeToString(ed25519.Sign(key, []byte(j.Protected+"."+j.Payload)))
	b, _ := json.Marshal(j)
	return b
}

func TestDecodeRejects(t *testing.T) {
	key := testKey(4)
	good, err := Encode(key, sample)
	if err != nil {
		t.Fatal(err)
	}
	var j jws
	if err := json.Unmarshal(good, &j); err != nil {
		t.Fatal(err)
	}
	hdr, _ := b64.DecodeString(j.Protected)
	pay, _ := b64.DecodeString(j.Payload)
	with := func(f func(j *jws)) []byte {
		c := j
		f(&c)
		b, _ := json.Marshal(c)
		return b
	}
	other := testKey(5)
	otherX := PublicKeyString(other.Public().(ed25519.PublicKey))
	tests := []struct {
		name string
		line []byte
		want error
	}{
		{"payload changed", with(func(j *jws) {
			j.Payload = b64.EncodeToString(bytes.Replace(pay, []byte(`"seq":1234`), []byte(`"seq":1235`), 1))
		}), ErrSignature},
		{"signature changed", with(func(j *jws) { j.Signature = b64.EncodeToString(make([]byte, 64)) }), ErrSignature},
		{"key swapped in the header", with(func(j *jws) {
			j.Protected = b64.EncodeToString(bytes.Replace(hdr, []byte(PublicKeyString(key.Public().(ed25519.PublicKey))), []byte(otherX), 1))
		}), ErrSignature},
		{"not JSON", []byte("hello\n"), ErrFormat},
		{"two objects", append(bytes.Clone(good[:len(good)-1]), good...), ErrFormat},
		{"unknown member", []byte(strings.Replace(string(good), `{"protected"`, `{"header":{},"protected"`, 1)), ErrFormat},
		{"alg none", resign(key, `{"alg":"none","typ":"`+Typ+`","jwk":{"kty":"OKP","crv":"Ed25519","x":"`+PublicKeyString(key.Public().(ed25519.PublicKey))+`"}}`, string(pay)), ErrFormat},
		{"other typ", resign(key, `{"alg":"EdDSA","typ":"JWT","jwk":{"kty":"OKP","crv":"Ed25519","x":"`+PublicKeyString(key.Public().(ed25519.PublicKey))+`"}}`, string(pay)), ErrFormat},
		{"crit in header", resign(key, `{"alg":"EdDSA","typ":"`+Typ+`","crit":["exp"],"jwk":{"kty":"OKP","crv":"Ed25519","x":"`+PublicKeyString(key.Public().(ed25519.PublicKey))+`"}}`, string(pay)), ErrFormat},
		{"unknown payload member", resign(key, string(hdr), `{"seq":1,"hash":"`+sample.Hash+`","time":"2026-03-01T08:00:00Z","instance":"x","extra":1}`), ErrFormat},
		{"bad hash in payload", resign(key, string(hdr), `{"seq":1,"hash":"zz","time":"2026-03-01T08:00:00Z","instance":"x"}`), ErrFormat},
		{"bad time in payload", resign(key, string(hdr), `{"seq":1,"hash":"`+sample.Hash+`","time":"yesterday","instance":"x"}`), ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Decode(tt.line)
			if !errors.Is(err, tt.want) {
				t.Errorf("Decode: got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParsePublicKey(t *testing.T) {
	pub := testKey(6).Public().(ed25519.PublicKey)
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"base64url", PublicKeyString(pub), true},
		{"padded", base64.URLEncoding.EncodeToString(pub), true},
		{"standard", base64.StdEncoding.EncodeToString(pub), true},
		{"too short", PublicKeyString(pub[:16]), false},
		{"not base64", "!!!", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePublicKey(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParsePublicKey: got error %v, want ok %t", err, tt.ok)
			}
			if tt.ok && !got.Equal(pub) {
				t.Errorf("ParsePublicKey: got %x, want %x", got, pub)
			}
		})
	}
}
