// Package checkpoint signs the audit chain's head and keeps it outside the
// audit database, so that a consistent rewrite of the whole database (every
// hash recomputed, the head moved) is still detected (S43): the rewritten
// chain no longer carries the hash a checkpoint signed at that Seq.
//
// # Format
//
// A checkpoint file is append-only, one checkpoint per line, each line a JWS
// in the flattened JSON serialisation (RFC 7515 §7.2.2), so that any JOSE
// library can check it:
//
//	{"protected":"<b64url header>","payload":"<b64url payload>","signature":"<b64url Ed25519 signature>"}
//
// The protected header is {"alg":"EdDSA","typ":"oppslag-audit-checkpoint+json","jwk":{"kty":"OKP","crv":"Ed25519","x":"…"}}:
// the signer's public key travels with every line, so a line can be checked
// on its own and a change of key is visible. The payload is
// {"seq":N,"hash":"<64 hex>","time":"<RFC 3339 UTC>","instance":"<host>"}:
// the chain head (the newest record's Seq and Hash, audit.Head) when the
// checkpoint was made, the time it was made and the instance that made it.
// The signature covers the base64url text of header and payload, not a
// re-serialisation, so no canonical JSON is needed.
//
// # Trust
//
// A signature proves only that the holder of the key wrote the line. The key
// in the line proves nothing by itself: whoever can rewrite the file can
// re-sign it with a key of their own. What makes checkpoints worth having is
// a public key the operator pins where the attacker cannot write
// (OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY in the verifier's configuration, a
// runbook, a ticket): then every line must be signed by a pinned key. Without
// a pin the verifier trusts the instance's own key file, or failing that the
// first line's key, and says that this is integrity, not proof. Likewise the
// file itself: removing its newest lines cannot be seen in it, so a copy
// should leave the machine (log shipping, WORM storage); the instance only
// appends and fsyncs.
package checkpoint

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
)

// Typ is the JWS "typ" of a checkpoint, so that a signature over anything
// else is never taken for one.
const Typ = "oppslag-audit-checkpoint+json"

// Checkpoint is one signed statement: at Time, Instance saw the chain's
// head at Head.
type Checkpoint struct {
	audit.Head
	Time     time.Time
	Instance string
}

// ErrFormat means a line is not a checkpoint: not the JSON, header or
// payload this package writes.
var ErrFormat = errors.New("checkpoint: not a checkpoint")

// ErrSignature means a line's signature does not verify under the key in
// its own header: the line was changed after it was signed.
var ErrSignature = errors.New("checkpoint: bad signature")

type jws struct {
	Protected string `json:"protected"`
	Payload   string `json:"payload"`
	Signature string `json:"signature"`
}

type header struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	JWK jwk    `json:"jwk"`
}

type jwk struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
}

type payload struct {
	Seq      int64  `json:"seq"`
	Hash     string `json:"hash"`
	Time     string `json:"time"`
	Instance string `json:"instance"`
}

var b64 = base64.RawURLEncoding

// Encode signs c with key and returns the file line, newline included. The
// time is written in UTC as Go's time.RFC3339Nano lays it out.
func Encode(key ed25519.PrivateKey, c Checkpoint) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("checkpoint: encode: not an Ed25519 private key")
	}
	if err := validHead(c.Head); err != nil {
		return nil, fmt.Errorf("checkpoint: encode: %w", err)
	}
	pub := key.Public().(ed25519.PublicKey)
	h, err := json.Marshal(header{Alg: "EdDSA", Typ: Typ, JWK: jwk{Kty: "OKP", Crv: "Ed25519", X: PublicKeyString(pub)}})
	if err != nil {
		return nil, err
	}
	p, err := json.Marshal(payload{Seq: c.Seq, Hash: c.Hash, Time: c.Time.UTC().Format(time.RFC3339Nano), Instance: c.Instance})
	if err != nil {
		return nil, err
	}
	j := jws{Protected: b64.EncodeToString(h), Payload: b64.EncodeToString(p)}
	j.Signature = b64.EncodeToString(ed25519.Sign(key, []byte(j.Protected+"."+j.Payload)))
	line, err := json.Marshal(j)
	if err != nil {
		return nil, err
	}
	return append(line, '\n'), nil
}

// Decode reads one line (with or without its newline), checks its
// signature under the key in its header, and returns the checkpoint with
// that key. Whether the key is to be trusted is the caller's question
// (Trust). Errors wrap ErrFormat or ErrSignature.
func Decode(line []byte) (Checkpoint, ed25519.PublicKey, error) {
	var j jws
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimSuffix(line, []byte("\n"))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil || dec.More() {
		return Checkpoint{}, nil, fmt.Errorf("%w: not a flattened JWS", ErrFormat)
	}
	hb, err1 := b64.DecodeString(j.Protected)
	pb, err2 := b64.DecodeString(j.Payload)
	sig, err3 := b64.DecodeString(j.Signature)
	if err := errors.Join(err1, err2, err3); err != nil {
		return Checkpoint{}, nil, fmt.Errorf("%w: not base64url", ErrFormat)
	}
	var h header
	if err := strictJSON(hb, &h); err != nil {
		return Checkpoint{}, nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	if h.Alg != "EdDSA" || h.Typ != Typ || h.JWK.Kty != "OKP" || h.JWK.Crv != "Ed25519" {
		return Checkpoint{}, nil, fmt.Errorf("%w: header is not an EdDSA checkpoint header", ErrFormat)
	}
	pub, err := ParsePublicKey(h.JWK.X)
	if err != nil {
		return Checkpoint{}, nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	if !ed25519.Verify(pub, []byte(j.Protected+"."+j.Payload), sig) {
		return Checkpoint{}, nil, ErrSignature
	}
	var p payload
	if err := strictJSON(pb, &p); err != nil {
		return Checkpoint{}, nil, fmt.Errorf("%w: payload: %v", ErrFormat, err)
	}
	t, err := time.Parse(time.RFC3339Nano, p.Time)
	if err != nil {
		return Checkpoint{}, nil, fmt.Errorf("%w: payload: time", ErrFormat)
	}
	c := Checkpoint{Head: audit.Head{Seq: p.Seq, Hash: p.Hash}, Time: t.UTC(), Instance: p.Instance}
	if err := validHead(c.Head); err != nil {
		return Checkpoint{}, nil, fmt.Errorf("%w: payload: %v", ErrFormat, err)
	}
	return c, pub, nil
}

// strictJSON decodes one JSON object with no unknown members: a checkpoint
// says exactly what this package signs, nothing a reader might misread.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// validHead checks a head is one the chain can have: Seq not negative, Hash
// lowercase hex SHA-256.
func validHead(h audit.Head) error {
	if h.Seq < 0 {
		return errors.New("negative seq")
	}
	if len(h.Hash) != 64 || strings.Trim(h.Hash, "0123456789abcdef") != "" {
		return errors.New("hash is not 64 lowercase hex digits")
	}
	return nil
}

// PublicKeyString is the form a public key is pinned in and shown as: the
// base64url (unpadded) of its 32 bytes, which is also the "x" of its JWK.
func PublicKeyString(pub ed25519.PublicKey) string { return b64.EncodeToString(pub) }

// ParsePublicKey reads a key written by PublicKeyString; padded or standard
// base64 is accepted too, since a key pasted from elsewhere may be either.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.StdEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != ed25519.PublicKeySize {
				return nil, fmt.Errorf("public key has %d bytes, want %d", len(b), ed25519.PublicKeySize)
			}
			return ed25519.PublicKey(b), nil
		}
	}
	return nil, errors.New("public key is not base64url")
}
