package dpop

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// BenchmarkProof is one ES256 proof, as every upstream call makes one.
func BenchmarkProof(b *testing.B) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	s, err := NewSigner(jose.JSONWebKey{Key: k}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Proof("GET", "https://api.example/person/get-by-nin?x=1", "nonce", "token"); err != nil {
			b.Fatal(err)
		}
	}
}
