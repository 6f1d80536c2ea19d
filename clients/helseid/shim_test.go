package helseid_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/helseid"
)

// tokenShim sits in front of the simulator's token endpoint to model what
// the simulator does not: before may rewrite the request form or refuse it
// (with invalid_grant), after may rewrite a successful JSON answer.
type tokenShim struct {
	base   http.RoundTripper
	before func(form url.Values) (refuse bool)
	after  func(form url.Values, answer map[string]any)
}

func (s *tokenShim) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/connect/token") {
		return s.base.RoundTrip(req)
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	req.Body.Close()
	form, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, err
	}
	if s.before != nil && s.before(form) {
		body := `{"error":"invalid_grant","error_description":"refresh token already used"}`
		return &http.Response{
			StatusCode: http.StatusBadRequest,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       io.NopCloser(strings.NewReader(body)),
			Request:    req,
		}, nil
	}
	enc := form.Encode()
	req = req.Clone(req.Context())
	req.Body = io.NopCloser(strings.NewReader(enc))
	req.ContentLength = int64(len(enc))
	resp, err := s.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK || s.after == nil {
		return resp, err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var answer map[string]any
	if err := json.Unmarshal(raw, &answer); err != nil {
		return nil, err
	}
	s.after(form, answer)
	out, err := json.Marshal(answer)
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(out))
	resp.ContentLength = int64(len(out))
	resp.Header.Set("Content-Length", strconv.Itoa(len(out)))
	return resp, nil
}

// rotation makes refresh tokens one-time-use with rotation on top of the
// simulator (which lets them be reused): each refresh answer carries a new
// alias, the alias maps to the simulator's real token, and a used token is
// refused with invalid_grant, as Duende does with OneTimeOnly.
type rotation struct {
	mu    sync.Mutex
	real  map[string]string // alias → simulator token
	used  map[string]bool
	count int
}

func (r *rotation) shim(base http.RoundTripper) *tokenShim {
	r.real, r.used = map[string]string{}, map[string]bool{}
	return &tokenShim{
		base: base,
		before: func(form url.Values) bool {
			if form.Get("grant_type") != "refresh_token" {
				return false
			}
			r.mu.Lock()
			defer r.mu.Unlock()
			rt := form.Get("refresh_token")
			if r.used[rt] {
				return true
			}
			if real, ok := r.real[rt]; ok {
				form.Set("refresh_token", real)
			}
			return false
		},
		after: func(form url.Values, answer map[string]any) {
			if form.Get("grant_type") != "refresh_token" {
				return
			}
			r.mu.Lock()
			defer r.mu.Unlock()
			real := form.Get("refresh_token")
			for alias, v := range r.real {
				if v == real && !r.used[alias] {
					r.used[alias] = true
				}
			}
			r.used[real] = true
			r.count++
			alias := fmt.Sprintf("rotated-%d", r.count)
			r.real[alias] = real
			answer["refresh_token"] = alias
			answer["rt_expires_in"] = 3600
		},
	}
}

func TestAccessToken_RefreshTokenRotation(t *testing.T) {
	rot := &rotation{}
	e := newEnvWith(t, func(_ *env, base http.RoundTripper) http.RoundTripper { return rot.shim(base) })
	login := e.login(t, "doctor")
	base := e.sim.Stats().TokenByAudience[audPerson]

	// Two requests of one session loaded the same TokenSet before either
	// saved it back.
	a, b := copyTokens(login.Tokens), copyTokens(login.Tokens)

	if _, changed, err := e.client.AccessToken(context.Background(), &a, audPerson); err != nil || !changed {
		t.Fatalf("AccessToken(a) changed = %v, err = %v", changed, err)
	}
	if a.RefreshToken != "rotated-1" {
		t.Fatalf("a.RefreshToken = %q, want the rotated token", a.RefreshToken)
	}
	if got, want := a.RefreshTokenExpiresAt, e.clock.Now().Add(time.Hour); !got.Equal(want) {
		t.Errorf("a.RefreshTokenExpiresAt = %v, want %v (new rt_expires_in)", got, want)
	}

	// b still holds the used token: it must follow the rotation, not present
	// the used token (which would end the session).
	if _, _, err := e.client.AccessToken(context.Background(), &b, audPPS); err != nil {
		t.Fatalf("AccessToken(b, other audience) with the superseded refresh token: %v", err)
	}
	if b.RefreshToken == login.Tokens.RefreshToken {
		t.Error("b kept the superseded refresh token")
	}
	// And for the audience a already refreshed, b gets a's token without a
	// new refresh.
	c := copyTokens(login.Tokens)
	tokA := a.Access[audPerson].Token
	tokC, _, err := e.client.AccessToken(context.Background(), &c, audPerson)
	if err != nil {
		t.Fatalf("AccessToken(c): %v", err)
	}
	if tokC != tokA {
		t.Error("copy with the old refresh token got a different token for the same audience")
	}
	if got := e.sim.Stats().TokenByAudience[audPerson] - base; got != 1 {
		t.Errorf("tokens issued for %s = %d, want 1", audPerson, got)
	}
}

func copyTokens(ts helseid.TokenSet) helseid.TokenSet {
	out := ts
	out.Access = make(map[string]helseid.AccessToken, len(ts.Access))
	for k, v := range ts.Access {
		out.Access[k] = v
	}
	return out
}
