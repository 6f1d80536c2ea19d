package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/oppslag/oppslag/handlers/request"
)

// inSession runs fn inside the session middleware for the browser's session.
func (b *browser) inSession(fn func(r *http.Request)) {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: b.cookie(SessionCookie)})
	b.h.srv.session(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { fn(r) })).
		ServeHTTP(httptest.NewRecorder(), req)
}

func TestHandlesArePerSession(t *testing.T) {
	h := newHarness(t)
	alice, bob := h.browser(), h.browser()
	start := alice.login("doctor")
	bob.login("nurse")
	const nin = "12057900499"

	var handle string
	alice.inSession(func(r *http.Request) {
		var err error
		handle, err = request.HandlesFrom(r.Context()).Handle(r.Context(), nin)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := request.HandlesFrom(r.Context()).Handle(r.Context(), nin)
		if again != handle {
			t.Errorf("second handle for the same number %q; want the first, %q", again, handle)
		}
	})
	if len(handle) != 22 || handle == nin {
		t.Fatalf("handle %q is not an opaque 16-byte id", handle)
	}
	alice.inSession(func(r *http.Request) {
		if got, ok := request.HandlesFrom(r.Context()).Resolve(r.Context(), handle); !ok || got != nin {
			t.Errorf("own session resolves %q, %v", got, ok)
		}
	})
	bob.inSession(func(r *http.Request) {
		if _, ok := request.HandlesFrom(r.Context()).Resolve(r.Context(), handle); ok {
			t.Error("another session resolved the handle")
		}
	})
	// After logout the session and its handles are gone.
	alice.post("/logout", url.Values{"csrf_token": {csrfToken(t, start.body)}})
	alice.inSession(func(r *http.Request) {
		if hs := request.HandlesFrom(r.Context()); hs != nil {
			t.Error("handles still available after logout")
		}
	})
}
