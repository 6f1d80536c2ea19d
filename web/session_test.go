package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestS1_SessionCookieAttributes(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	p := b.get("/login?login_hint=doctor")
	var set string
	for _, c := range p.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, SessionCookie+"=") {
			set = c
		}
	}
	if set == "" {
		t.Fatalf("GET /login set no %s cookie; Set-Cookie: %q", SessionCookie, p.Header.Values("Set-Cookie"))
	}
	for _, want := range []string{"Path=/", "Secure", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(set, want) {
			t.Errorf("cookie %q lacks %s", set, want)
		}
	}
	for _, bad := range []string{"Domain=", "Max-Age=", "Expires="} {
		if strings.Contains(set, bad) {
			t.Errorf("cookie %q has %s; want a host-only session cookie", set, bad)
		}
	}
	value := strings.SplitN(strings.SplitN(set, ";", 2)[0], "=", 2)[1]
	if len(value) != 43 {
		t.Errorf("cookie value is %d characters; want the 43-character opaque id only", len(value))
	}
	if raw, err := h.kv.Load(t.Context(), storeKey(value)); err != nil || len(raw) == 0 {
		t.Errorf("server-side session missing for cookie: %v", err)
	}
}

func TestS2_SessionIDChangesAtLogin(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	p := b.get("/login?login_hint=doctor")
	before := b.cookie(SessionCookie)
	if before == "" {
		t.Fatal("no pre-login session cookie")
	}
	b.follow(p)
	after := b.cookie(SessionCookie)
	if after == "" || after == before {
		t.Fatalf("session id did not change at login")
	}
	// The pre-login id must give nothing afterwards.
	attacker := h.browser()
	u, _ := url.Parse(h.url)
	attacker.jar.SetCookies(u, []*http.Cookie{{Name: SessionCookie, Value: before, Path: "/"}})
	page := attacker.get("/")
	if strings.Contains(page.body, `action="/logout"`) {
		t.Fatal("pre-login session id still signed in after login")
	}
}

func TestS3_IdleTimeout(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.login("doctor")
	h.clock.Advance(29 * time.Minute)
	if p := b.get("/"); !strings.Contains(p.body, `action="/logout"`) {
		t.Fatalf("signed out after 29 idle minutes")
	}
	h.clock.Advance(31 * time.Minute)

	t.Run("htmx request gets 401 with HX-Redirect", func(t *testing.T) {
		p := b.get("/me", "HX-Request", "true")
		if p.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d; want 401", p.StatusCode)
		}
		if got := p.Header.Get("HX-Redirect"); got != "/login" {
			t.Errorf("HX-Redirect %q; want /login", got)
		}
		if strings.Contains(p.body, "<html") {
			t.Errorf("fragment response is a whole page; a login page must never be swapped into a panel")
		}
	})
	t.Run("full page goes to login", func(t *testing.T) {
		p := b.get("/me")
		if p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/login") {
			t.Fatalf("status %d Location %q; want 303 to /login", p.StatusCode, p.Header.Get("Location"))
		}
	})
}

func TestS4_AbsoluteTimeout(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.login("doctor")
	// Active every 20 minutes for just under 12 hours: still signed in.
	for elapsed := time.Duration(0); elapsed < 12*time.Hour-20*time.Minute; elapsed += 20 * time.Minute {
		h.clock.Advance(20 * time.Minute)
		if p := b.get("/"); !strings.Contains(p.body, `action="/logout"`) {
			t.Fatalf("signed out after %v of activity", elapsed+20*time.Minute)
		}
	}
	h.clock.Advance(40 * time.Minute)
	if p := b.get("/"); strings.Contains(p.body, `action="/logout"`) {
		t.Fatal("still signed in after 12 h; the absolute timeout must force a new login")
	}
}

func TestS5_Logout(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	start := b.login("doctor")
	old := b.cookie(SessionCookie)

	t.Run("without CSRF token is refused", func(t *testing.T) {
		p := b.post("/logout", url.Values{})
		if p.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d; want 403", p.StatusCode)
		}
	})
	p := b.post("/logout", url.Values{"csrf_token": {csrfToken(t, start.body)}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout status %d; want 303", p.StatusCode)
	}
	if got := p.Header.Get("Clear-Site-Data"); !strings.Contains(got, `"cookies"`) || !strings.Contains(got, `"storage"`) {
		t.Errorf("Clear-Site-Data %q", got)
	}
	loc, _ := url.Parse(p.Header.Get("Location"))
	if !strings.HasPrefix(loc.String(), h.simURL+"/connect/endsession") || loc.Query().Get("id_token_hint") == "" {
		t.Fatalf("logout redirects to %q; want HelseID end_session with id_token_hint", loc.Redacted())
	}
	if _, err := h.kv.Load(t.Context(), storeKey(old)); err == nil {
		t.Error("server-side session still stored after logout")
	}
	end := b.follow(p)
	if end.Request.URL.Path != "/signed-out" {
		t.Errorf("HelseID returned the user to %q; want /signed-out", end.Request.URL.Path)
	}
	// Replaying the old cookie gets nothing.
	replay := h.browser()
	u, _ := url.Parse(h.url)
	replay.jar.SetCookies(u, []*http.Cookie{{Name: SessionCookie, Value: old, Path: "/"}})
	if p := replay.get("/"); strings.Contains(p.body, `action="/logout"`) {
		t.Fatal("old session cookie still works after logout")
	}
}

func TestS6_TamperedCookieIsNoSession(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.login("doctor")
	good := b.cookie(SessionCookie)
	u, _ := url.Parse(h.url)
	for name, v := range map[string]string{
		"flipped char": flip(good),
		"garbage":      "<script>alert(1)</script>",
		"too long":     good + "AA",
	} {
		t.Run(name, func(t *testing.T) {
			c := h.browser()
			c.jar.SetCookies(u, []*http.Cookie{{Name: SessionCookie, Value: v, Path: "/"}})
			p := c.get("/")
			if p.StatusCode != http.StatusOK || strings.Contains(p.body, `action="/logout"`) {
				t.Fatalf("tampered cookie: status %d, signed in %t", p.StatusCode, strings.Contains(p.body, `action="/logout"`))
			}
		})
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "security:") {
		t.Error("no security event logged for tampered cookies")
	}
	if strings.Contains(logs, good[:20]) || strings.Contains(logs, flip(good)[:20]) {
		t.Error("log contains a session cookie value")
	}
}

func flip(s string) string {
	b := []byte(s)
	if b[5] == 'A' {
		b[5] = 'B'
	} else {
		b[5] = 'A'
	}
	return string(b)
}
