package person_test

import (
	"context"
	"errors"
	"testing"

	"github.com/oppslag/oppslag/clients/dpop"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/upstream"
)

// nonceAuth is sessionAuth that can also put an API's nonce in its proofs,
// as the portal's session adapter does.
type nonceAuth struct{ *sessionAuth }

func (a nonceAuth) ProofWithNonce(method, targetURL, nonce, accessToken string) (string, error) {
	return a.c.ProofWithNonce(method, targetURL, nonce, accessToken)
}

// TestS12_DPoPNonceFromThePersonAPI: an API that demands DPoP nonces (RFC
// 9449 §9) gets one retry with its nonce, the nonce is kept for the next
// call (also when it comes on a successful answer), a rotated nonce costs
// one more retry, and a server that refuses every nonce is an error after
// exactly two requests.
func TestS12_DPoPNonceFromThePersonAPI(t *testing.T) {
	cases := []struct {
		name   string
		demand dpop.NonceDemand
		calls  int
		rotate bool // rotate the nonce after the second call
		plain  bool // an Auth without ProofWithNonce
		// want: requests that reached the API, nonce refusals, and whether
		// the last call fails with ErrUnauthorized.
		wantRequests, wantRefused int
		wantErr                   bool
	}{
		{name: "nonce demanded: one retry, then sent at once", demand: dpop.NonceRequired, calls: 3, wantRequests: 4, wantRefused: 1},
		{name: "rotated nonce: one more retry", demand: dpop.NonceRequired, calls: 4, rotate: true, wantRequests: 6, wantRefused: 2},
		{name: "new nonce on every success is kept", demand: dpop.NonceRotating, calls: 4, wantRequests: 5, wantRefused: 1},
		{name: "second use_dpop_nonce in a row is an error", demand: dpop.NonceNeverAccepted, calls: 1, wantRequests: 2, wantRefused: 2, wantErr: true},
		{name: "auth without nonces: no pointless retry", demand: dpop.NonceRequired, calls: 1, plain: true, wantRequests: 1, wantRefused: 1, wantErr: true},
		{name: "no demand: nothing changes", demand: dpop.NoNonce, calls: 2, wantRequests: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			sa := e.login(t, scopeFull)
			var auth person.Auth = nonceAuth{sa}
			if tc.plain {
				auth = sa
			}
			e.sim.SetNonceDemand(tc.demand)
			c := e.client(t, person.FullAccess)
			var err error
			for i := range tc.calls {
				if tc.rotate && i == 2 {
					e.sim.RotateNonce()
				}
				_, err = c.LatestEvent(context.Background(), auth)
				if err != nil && !tc.wantErr {
					t.Fatalf("call %d: %v", i+1, err)
				}
			}
			if tc.wantErr && !errors.Is(err, upstream.ErrUnauthorized) {
				t.Errorf("error = %v, want ErrUnauthorized", err)
			}
			st := e.sim.Stats()
			if st.EventLatest != tc.wantRequests || st.NonceRefused != tc.wantRefused {
				t.Errorf("API saw %d requests, %d refused for their nonce; want %d and %d",
					st.EventLatest, st.NonceRefused, tc.wantRequests, tc.wantRefused)
			}
		})
	}
}
