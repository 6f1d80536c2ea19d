package helseid

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"
)

// minValidity is how long a cached access token must still be valid to be
// handed out; a shorter-lived one is refreshed so it does not expire on the
// way to the API.
const minValidity = 30 * time.Second

// rotationGrace is how long the Client remembers that a refresh token was
// replaced by a newer one. Concurrent requests of one session may still hold
// the old TokenSet; they follow the chain instead of presenting a used token
// that HelseID would refuse.
const rotationGrace = 5 * time.Minute

// sweepEvery bounds how often expired entries are dropped from the caches.
const sweepEvery = time.Minute

type tokenHash [sha256.Size]byte

func hashToken(t string) tokenHash { return sha256.Sum256([]byte(t)) }

type refreshKey struct {
	rt       tokenHash
	audience string
}

// refreshCall is one refresh for a (refresh token, audience). While it runs,
// other callers wait for it; afterwards its result is shared until the access
// token is about to expire, so copies of one session's TokenSet (one per
// concurrent request) cause one refresh, not one each (S13).
type refreshCall struct {
	done  chan struct{}
	res   refreshResult
	err   error
	until time.Time // result shared until then; set when done
}

type refreshResult struct {
	access           AccessToken
	refreshToken     string // the refresh token to keep after this call
	refreshExpiresAt time.Time
}

type rotation struct {
	next      string
	expiresAt time.Time
	until     time.Time
}

// refreshCache holds the in-flight and recent refreshes, keyed by hashes of
// the refresh tokens.
type refreshCache struct {
	mu        sync.Mutex
	calls     map[refreshKey]*refreshCall
	rotated   map[tokenHash]rotation
	lastSweep time.Time
}

// CachedToken returns ts's access token for audience when it is still valid
// for a while (as AccessToken would reuse it), without any network call.
func (c *Client) CachedToken(ts *TokenSet, audience string) (string, bool) {
	if ts == nil {
		return "", false
	}
	if at, ok := ts.Access[audience]; ok && at.Token != "" && at.ExpiresAt.Sub(c.now()) > minValidity {
		return at.Token, true
	}
	return "", false
}

// AccessToken returns an access token for audience (an API's resource
// identifier, or UserinfoAudience). A cached token valid for more than 30 s
// more is returned as is, with changed false. Otherwise the refresh token is
// redeemed for a token with that audience alone (grant_type=refresh_token,
// resource=audience, client assertion, DPoP); the result is stored in ts, as
// is a rotated refresh token, and changed is true so the caller saves the
// session. An expired or refused refresh token gives ErrLoginRequired; a
// network failure or 5xx from HelseID gives ErrUnavailable.
func (c *Client) AccessToken(ctx context.Context, ts *TokenSet, audience string) (token string, changed bool, err error) {
	const op = "refresh"
	if ts == nil || audience == "" {
		return "", false, fmt.Errorf("helseid: %s: no token set or audience", op)
	}
	if tok, ok := c.CachedToken(ts, audience); ok {
		return tok, false, nil
	}
	if ts.RefreshToken == "" {
		return "", false, fmt.Errorf("helseid: %s: no refresh token: %w", op, ErrLoginRequired)
	}

	call, err := c.refreshCall(ctx, ts.RefreshToken, ts.RefreshTokenExpiresAt, audience)
	if err != nil {
		return "", false, err
	}
	select {
	case <-ctx.Done():
		return "", false, fmt.Errorf("helseid: %s: %w", op, ctx.Err())
	case <-call.done:
	}
	if call.err != nil {
		return "", false, call.err
	}
	if ts.Access == nil {
		ts.Access = make(map[string]AccessToken)
	}
	ts.Access[audience] = call.res.access
	if call.res.refreshToken != ts.RefreshToken || !call.res.refreshExpiresAt.Equal(ts.RefreshTokenExpiresAt) {
		ts.RefreshToken = call.res.refreshToken
		ts.RefreshTokenExpiresAt = call.res.refreshExpiresAt
	}
	return call.res.access.Token, true, nil
}

// refreshCall returns the call that will produce a token for (rt, audience):
// a still-valid finished one, one in flight, or a new one it starts.
func (c *Client) refreshCall(ctx context.Context, rt string, rtExpiresAt time.Time, audience string) (*refreshCall, error) {
	const op = "refresh"
	rc := &c.refresh
	now := c.now()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.calls == nil {
		rc.calls = make(map[refreshKey]*refreshCall)
		rc.rotated = make(map[tokenHash]rotation)
	}
	if now.Sub(rc.lastSweep) > sweepEvery {
		rc.sweep(now)
	}

	// Follow rotations: first look for a shared result under each token of
	// the chain, then refresh with the newest token.
	for hops := 0; ; hops++ {
		h := hashToken(rt)
		if call, ok := rc.calls[refreshKey{h, audience}]; ok {
			select {
			case <-call.done:
				if call.err == nil && now.Before(call.until) {
					return call, nil
				}
			default:
				return call, nil // in flight
			}
		}
		r, ok := rc.rotated[h]
		if !ok || !now.Before(r.until) || hops >= 10 {
			break
		}
		rt, rtExpiresAt = r.next, r.expiresAt
	}
	if !rtExpiresAt.IsZero() && !now.Before(rtExpiresAt) {
		return nil, fmt.Errorf("helseid: %s: refresh token expired: %w", op, ErrLoginRequired)
	}

	call := &refreshCall{done: make(chan struct{})}
	key := refreshKey{hashToken(rt), audience}
	rc.calls[key] = call
	// The refresh outlives a cancelled caller: HelseID may rotate the
	// refresh token, and losing its answer would end the user's session.
	// The HTTP client's timeout bounds it.
	go c.runRefresh(context.WithoutCancel(ctx), call, key, rt, rtExpiresAt, audience)
	return call, nil
}

func (c *Client) runRefresh(ctx context.Context, call *refreshCall, key refreshKey, rt string, rtExpiresAt time.Time, audience string) {
	res, err := c.redeemRefreshToken(ctx, rt, rtExpiresAt, audience)
	rc := &c.refresh
	rc.mu.Lock()
	call.res, call.err = res, err
	if err != nil {
		delete(rc.calls, key) // the next caller tries again
	} else {
		call.until = res.access.ExpiresAt.Add(-minValidity)
		if res.refreshToken != rt {
			rc.rotated[key.rt] = rotation{next: res.refreshToken, expiresAt: res.refreshExpiresAt, until: c.now().Add(rotationGrace)}
			// Callers that already hold the new refresh token share this
			// result too.
			rc.calls[refreshKey{hashToken(res.refreshToken), audience}] = call
		}
	}
	rc.mu.Unlock()
	close(call.done)
}

func (c *Client) redeemRefreshToken(ctx context.Context, rt string, rtExpiresAt time.Time, audience string) (refreshResult, error) {
	const op = "refresh"
	meta, err := c.metadata(ctx)
	if err != nil {
		return refreshResult{}, fmt.Errorf("helseid: %s: %w", op, err)
	}
	params := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {rt},
	}
	// The userinfo token was obtained without a resource; every other
	// audience gets a token with that audience alone (RFC 8707).
	if audience != UserinfoAudience {
		params.Set("resource", audience)
	}
	now := c.now()
	tr, err := c.tokenRequest(ctx, op, meta, params)
	if err != nil {
		var oe *OAuthError
		if errors.As(err, &oe) && oe.Code == "invalid_grant" {
			return refreshResult{}, fmt.Errorf("helseid: %s: %w: %w", op, ErrLoginRequired, oe)
		}
		return refreshResult{}, err
	}
	res := refreshResult{access: tr.accessToken(now), refreshToken: rt, refreshExpiresAt: rtExpiresAt}
	if tr.RefreshToken != "" {
		res.refreshToken = tr.RefreshToken
		res.refreshExpiresAt = tr.refreshExpiry(now)
	} else if tr.RTExpiresIn > 0 {
		res.refreshExpiresAt = tr.refreshExpiry(now)
	}
	return res, nil
}

// sweep drops finished calls whose results are no longer handed out and
// rotations past their grace. Called with rc.mu held.
func (rc *refreshCache) sweep(now time.Time) {
	rc.lastSweep = now
	for k, call := range rc.calls {
		select {
		case <-call.done:
			if !now.Before(call.until) {
				delete(rc.calls, k)
			}
		default:
		}
	}
	for k, r := range rc.rotated {
		if !now.Before(r.until) {
			delete(rc.rotated, k)
		}
	}
}
