package labs_test

import (
	"errors"
	"testing"

	"github.com/oppslag/oppslag/clients/dpop"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/upstream"
)

// nonceAuth is sessionAuth that can also put an API's nonce in its proofs,
// as the portal's session adapter does.
type nonceAuth struct{ *sessionAuth }

func (a nonceAuth) ProofWithNonce(method, targetURL, nonce, accessToken string) (string, error) {
	return a.c.ProofWithNonce(method, targetURL, nonce, accessToken)
}

// TestS12_DPoPNonceFromPasientensProvesvar: as the Person API test, for
// the prøvesvar client: one retry with the demanded nonce, the nonce kept
// (also from successful answers), rotation, and no loop.
func TestS12_DPoPNonceFromPasientensProvesvar(t *testing.T) {
	cases := []struct {
		name                      string
		demand                    dpop.NonceDemand
		calls                     int
		rotate                    bool
		wantRequests, wantRefused int
		wantErr                   bool
	}{
		{name: "nonce demanded: one retry, then sent at once", demand: dpop.NonceRequired, calls: 3, wantRequests: 4, wantRefused: 1},
		{name: "rotated nonce: one more retry", demand: dpop.NonceRequired, calls: 4, rotate: true, wantRequests: 6, wantRefused: 2},
		{name: "new nonce on every success is kept", demand: dpop.NonceRotating, calls: 3, wantRequests: 4, wantRefused: 1},
		{name: "second use_dpop_nonce in a row is an error", demand: dpop.NonceNeverAccepted, calls: 1, wantRequests: 2, wantRefused: 2, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			auth := nonceAuth{e.doctor(t)}
			e.sim.SetNonceDemand(tc.demand)
			c := e.client(t)
			var err error
			for i := range tc.calls {
				if tc.rotate && i == 2 {
					e.sim.RotateNonce()
				}
				_, err = c.SearchReports(t.Context(), auth, labs.Query{PersonID: ninPlain, AccessBasis: labs.BasisSamtykke, RequesterRole: "LE"})
				if err != nil && !tc.wantErr {
					t.Fatalf("call %d: %v", i+1, err)
				}
			}
			if tc.wantErr && !errors.Is(err, upstream.ErrUnauthorized) {
				t.Errorf("error = %v, want ErrUnauthorized", err)
			}
			st := e.sim.Stats()
			if st.DiagnosticReportSearch != tc.wantRequests || st.NonceRefused != tc.wantRefused {
				t.Errorf("service saw %d searches, %d refused for their nonce; want %d and %d",
					st.DiagnosticReportSearch, st.NonceRefused, tc.wantRequests, tc.wantRefused)
			}
		})
	}
}
