package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/dpop"
)

// withoutRefreshTokens makes the HelseID simulator answer the code exchange
// without a refresh token, as a provider does that ignores offline_access.
func withoutRefreshTokens() harnessOption {
	return func(h *harness, _ *Config) { h.simOptions.NoRefreshTokens = true }
}

// TestS10_LoginWithoutRefreshTokenIsRefused: a login whose token answer has
// no refresh token could never reach an API. It is refused with a plain
// message and audited as a refused login, and nobody is signed in.
func TestS10_LoginWithoutRefreshTokenIsRefused(t *testing.T) {
	h := newHarness(t, withoutRefreshTokens())
	b := h.browser()
	p := b.follow(b.get("/login?login_hint=doctor"))
	if p.StatusCode != http.StatusBadGateway {
		t.Fatalf("status %d; want 502", p.StatusCode)
	}
	if !strings.Contains(p.body, "varig tilgang") || strings.Contains(p.body, `action="/logout"`) {
		t.Errorf("refusal page should explain the missing access and not sign in:\n%s", p.body)
	}
	if n := countActions(h.records(), "login_refused", audit.Denied); n != 1 {
		t.Errorf("%d login_refused audit records; want 1", n)
	}
	if n := countActions(h.records(), "login", audit.Success); n != 0 {
		t.Errorf("%d successful logins audited; want 0", n)
	}
	if home := b.get("/"); strings.Contains(home.body, `action="/logout"`) {
		t.Error("the start page shows a signed-in user after a refused login")
	}
}

// TestS3_LogInAgainStartsANewLoginWhenAPIAccessIsGone: when the session's
// HelseID grant is gone, the lookup says "log in again", and following that
// link ends the old session (audited) and starts a new login, instead of
// finding a signed-in user and sending them back to the start page.
func TestS3_LogInAgainStartsANewLoginWhenAPIAccessIsGone(t *testing.T) {
	h := newHarness(t, withRefreshTokenLifetime(20*time.Minute))
	b, tok := clinician(t, h)

	// While the grant holds, /login keeps the signed-in user where they are.
	if p := b.get("/login"); p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/" {
		t.Fatalf("/login while signed in: %d → %q; want 303 to /", p.StatusCode, p.Header.Get("Location"))
	}
	overview := b.open(tok, numberOf(t, someone(t, h, "family")))
	if overview.StatusCode != http.StatusOK {
		t.Fatalf("overview: %d", overview.StatusCode)
	}
	h.clock.Advance(25 * time.Minute) // session alive, access and refresh tokens not
	full := b.get(personPath(overview))
	if full.StatusCode != http.StatusUnauthorized || !strings.Contains(full.body, `href="/login"`) {
		t.Fatalf("lookup: status %d; want 401 with a login link", full.StatusCode)
	}
	oldCookie := b.cookie(SessionCookie)

	p := b.get("/login")
	loc := p.Header.Get("Location")
	if p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, h.simURL) {
		t.Fatalf("log in again: %d → %q; want 303 to HelseID", p.StatusCode, loc)
	}
	if b.cookie(SessionCookie) == oldCookie {
		t.Error("the session id did not change")
	}
	n := 0
	for _, r := range h.records() {
		if r.Action == "logout" && r.Reason == "API access ended; new login" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d logout records for the ended session; want 1", n)
	}
	// The old cookie opens nothing any more.
	old := h.browser()
	u, _ := url.Parse(h.url)
	old.jar.SetCookies(u, []*http.Cookie{{Name: SessionCookie, Value: oldCookie, Path: "/"}})
	if p := old.get("/me"); p.StatusCode == http.StatusOK {
		t.Error("the ended session still answers /me")
	}

	// The new login gives a working session again.
	start := b.login("doctor")
	again := b.open(csrfToken(t, start.body), numberOf(t, someone(t, h, "family")))
	if again.StatusCode != http.StatusOK {
		t.Errorf("lookup after the new login: %d", again.StatusCode)
	}
}

// TestS12_APIsDemandingDPoPNonces: with both APIs demanding nonces (RFC
// 9449 §9), the session's token source answers them and pages still work.
func TestS12_APIsDemandingDPoPNonces(t *testing.T) {
	h := newHarness(t)
	h.personSim.SetNonceDemand(dpop.NonceRequired)
	h.labSim.SetNonceDemand(dpop.NonceRotating)
	b, tok := clinician(t, h)
	overview := b.open(tok, numberOf(t, someone(t, h, "family")))
	if overview.StatusCode != http.StatusOK {
		t.Fatalf("overview with nonces demanded: %d", overview.StatusCode)
	}
	if strings.Contains(overview.body, `data-testid="error"`) {
		t.Error("overview shows an error panel")
	}
	st := h.personSim.Stats()
	if calls := st.GetByNIN + st.BulkByNIN + st.Search; st.NonceRefused < 1 || st.NonceRefused >= calls || st.Unauthorized != 0 {
		t.Errorf("Person API: %d calls, %d refused for their nonce, %d other 401s; want a nonce round that then succeeds",
			calls, st.NonceRefused, st.Unauthorized)
	}
}
