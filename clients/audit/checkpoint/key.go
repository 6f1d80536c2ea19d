package checkpoint

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// The signing key is an Ed25519 private key in a PKCS#8 PEM file ("PRIVATE
// KEY"), the form `openssl genpkey -algorithm ed25519` writes, so an
// operator can make and keep it with ordinary tools. Ed25519 because its
// signatures are deterministic and small and it has no parameters to get wrong.

// LoadKey reads the Ed25519 private key at path.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("checkpoint: key: not a PEM \"PRIVATE KEY\" (PKCS#8) file")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: key: %w", err)
	}
	ed, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("checkpoint: key: a %T, want Ed25519", k)
	}
	return ed, nil
}

// LoadOrCreateKey reads the key at path, or, when there is no file there,
// generates one and writes it readable by the owner only. created says
// which happened, so the caller can tell the operator to pin the new key.
func LoadOrCreateKey(path string) (key ed25519.PrivateKey, created bool, err error) {
	key, err = LoadKey(path)
	if !errors.Is(err, os.ErrNotExist) {
		return key, false, err
	}
	_, key, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("checkpoint: key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, false, fmt.Errorf("checkpoint: key: %w", err)
	}
	// O_EXCL: two instances starting together must not overwrite each
	// other's key; the loser reads the winner's.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		key, err = LoadKey(path)
		return key, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("checkpoint: key: %w", err)
	}
	err = pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("checkpoint: key: %w", err)
	}
	return key, true, nil
}
