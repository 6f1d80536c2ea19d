package dpop

import (
	"errors"
	"fmt"
	"net/http"
)

// Prover makes DPoP proofs bound to an access token (RFC 9449 §4): the
// part of a resource-server client's credentials that signs each request.
type Prover interface {
	// Proof returns a DPoP proof for method and targetURL with ath for accessToken.
	Proof(method, targetURL, accessToken string) (string, error)
}

// NonceProver is a Prover that can also put a server-chosen nonce in a
// proof (RFC 9449 §9). It is a separate interface so that provers written
// before the APIs demanded nonces keep working: they get the refusal.
type NonceProver interface {
	// ProofWithNonce is Proof with nonce in the proof; "" leaves it out.
	ProofWithNonce(method, targetURL, nonce, accessToken string) (string, error)
}

// ErrProof marks an error in making the request rather than in sending it:
// the prover or build failed, and nothing was sent.
var ErrProof = errors.New("dpop: request not made")

// Send sends one DPoP-bound request to a resource server, the way the
// Person API and prøvesvar clients both do: build makes the request afresh
// for every attempt (a retry needs a new body), and Send adds the
// Authorization: DPoP token and a new proof for method and htu, the URL
// without query (RFC 9449 §4.2). When p is also a NonceProver the proof
// carries the nonce n keeps for the server, and a use_dpop_nonce refusal is
// retried once (Do). An error wrapping ErrProof means nothing was sent;
// any other error is the transport's.
func (n *Nonces) Send(hc *http.Client, p Prover, token, method, htu string, build func() (*http.Request, error)) (*http.Response, error) {
	np, _ := p.(NonceProver)
	send := func(nonce string) (*http.Response, error) {
		var proof string
		var err error
		if np != nil {
			proof, err = np.ProofWithNonce(method, htu, nonce, token)
		} else {
			proof, err = p.Proof(method, htu, token)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: dpop proof: %w", ErrProof, err)
		}
		req, err := build()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrProof, err)
		}
		req.Header.Set("Authorization", "DPoP "+token)
		req.Header.Set("DPoP", proof)
		return hc.Do(req)
	}
	if np == nil {
		return send("")
	}
	return n.Do(htu, send)
}
