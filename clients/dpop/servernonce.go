package dpop

import (
	"net/http"
	"sync"
)

// NonceDemand is what a (simulated) resource server asks of DPoP nonces.
type NonceDemand int

// The demands a simulator can be set to.
const (
	// NoNonce: proofs need no nonce (the default, as NHN's APIs document).
	NoNonce NonceDemand = iota
	// NonceRequired: a proof must carry the server's current nonce, which
	// stays the same until Rotate; an older one is refused with
	// use_dpop_nonce and the current one.
	NonceRequired
	// NonceRotating: as NonceRequired, but every accepted proof retires its
	// nonce and the answer carries the next one in DPoP-Nonce (RFC 9449
	// §8.2). Only a client that keeps nonces from successful answers avoids
	// a refusal per call.
	NonceRotating
	// NonceNeverAccepted: a broken server that refuses every proof with
	// use_dpop_nonce and a fresh nonce, to show a client gives up after one
	// retry.
	NonceNeverAccepted
)

// ServerNonces is the nonce side of a resource server for simulators: it
// decides whether a proof's nonce is acceptable and what nonce to send. The
// zero value demands nothing; it is safe for concurrent use.
type ServerNonces struct {
	mu      sync.Mutex
	demand  NonceDemand
	current string
}

// SetDemand changes what the server asks for and starts a fresh nonce.
func (s *ServerNonces) SetDemand(d NonceDemand) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.demand = d
	s.current = newNonce()
}

// Rotate retires the current nonce, as a server does when its nonce
// expires; proofs carrying it are refused from now on.
func (s *ServerNonces) Rotate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.current = newNonce()
}

// Check decides the nonce of a proof the server has otherwise accepted. It
// returns whether the request may go on, and sets on w the DPoP-Nonce to
// use next (on refusals and on successes alike). On a refusal the caller
// answers 401 with Challenge.
func (s *ServerNonces) Check(w http.ResponseWriter, nonce string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.demand {
	case NoNonce:
		return true
	case NonceNeverAccepted:
		s.current = newNonce()
		w.Header().Set("DPoP-Nonce", s.current)
		return false
	}
	ok := nonce != "" && nonce == s.current
	if ok && s.demand == NonceRotating {
		s.current = newNonce()
	}
	w.Header().Set("DPoP-Nonce", s.current)
	return ok
}

// Challenge is the WWW-Authenticate value of a 401 that asks for the nonce
// in DPoP-Nonce (RFC 9449 §9).
const Challenge = `DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`

func newNonce() string {
	id, err := randomID()
	if err != nil {
		// crypto/rand does not fail on supported platforms; a constant
		// nonce still makes the server demand one.
		return "nonce"
	}
	return id
}
