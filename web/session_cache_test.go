package web

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oppslag/oppslag/web/sessionstore"
)

// countedStore counts the reads that reach the session store.
type countedStore struct {
	sessionstore.Store
	loads atomic.Int64
}

func (s *countedStore) Load(ctx context.Context, key string) ([]byte, error) {
	s.loads.Add(1)
	return s.Store.Load(ctx, key)
}

// withSessionCache puts a sessionstore.Cache in front of the harness's
// store, on the harness's clock, as sessionstore.Open does in production.
func withSessionCache(counted *countedStore) func(*harness, *Config) {
	return func(h *harness, cfg *Config) {
		counted.Store = h.kv
		cfg.Sessions = sessionstore.NewCache(counted, sessionstore.DefaultCacheTTL, sessionstore.WithClock(h.clock.Now))
	}
}

func TestSessionCache(t *testing.T) {
	signedIn := func(p *page) bool { return strings.Contains(p.body, `action="/logout"`) }

	t.Run("pages within the TTL read the store once", func(t *testing.T) {
		counted := &countedStore{}
		h := newHarness(t, withSessionCache(counted))
		b := h.browser()
		b.login("doctor")
		h.clock.Advance(sessionstore.DefaultCacheTTL) // past whatever login left cached
		before := counted.loads.Load()
		for range 5 {
			if !signedIn(b.get("/")) {
				t.Fatal("not signed in")
			}
		}
		if n := counted.loads.Load() - before; n != 1 {
			t.Errorf("5 pages read the session store %d times, want 1", n)
		}
		h.clock.Advance(sessionstore.DefaultCacheTTL)
		b.get("/")
		if n := counted.loads.Load() - before; n != 2 {
			t.Errorf("a page after the TTL: %d store reads in all, want 2", n)
		}
	})
	t.Run("idle timeout is enforced on a cached session", func(t *testing.T) {
		h := newHarness(t, withSessionCache(&countedStore{}))
		b := h.browser()
		b.login("doctor")
		h.clock.Advance(29 * time.Minute)
		if !signedIn(b.get("/")) {
			t.Fatal("signed out after 29 idle minutes")
		}
		h.clock.Advance(31 * time.Minute)
		if p := b.get("/me"); p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/login") {
			t.Fatalf("after 31 idle minutes: status %d Location %q; want 303 to /login", p.StatusCode, p.Header.Get("Location"))
		}
	})
	t.Run("logout revokes within the TTL", func(t *testing.T) {
		h := newHarness(t, withSessionCache(&countedStore{}))
		b := h.browser()
		start := b.login("doctor")
		old := b.cookie(SessionCookie)
		b.get("/") // cached now
		if p := b.post("/logout", url.Values{"csrf_token": {csrfToken(t, start.body)}}); p.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout status %d; want 303", p.StatusCode)
		}
		// The clock stands still: only the revocation can end the session.
		replay := h.browser()
		u, _ := url.Parse(h.url)
		replay.jar.SetCookies(u, []*http.Cookie{{Name: SessionCookie, Value: old, Path: "/"}})
		if signedIn(replay.get("/")) {
			t.Fatal("old session cookie still works after logout, from the cache")
		}
	})
	t.Run("a request's changes do not reach the cached copy", func(t *testing.T) {
		h := newHarness(t, withSessionCache(&countedStore{}))
		b := h.browser()
		b.login("doctor")
		b.get("/")
		sessions := h.srv.sessions
		key := storeKey(b.cookie(SessionCookie))
		st1, _, err := sessions.load(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		mine := st1.clone()
		mine.Handles = append(mine.Handles, handleEntry{Handle: "h", NIN: "x"})
		mine.User.Roles = append(mine.User.Roles[:0], "changed")
		st2, _, err := sessions.load(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		if len(st2.Handles) != len(st1.Handles) || st2.User.Roles[0] == "changed" {
			t.Error("a change to a clone reached the cached state")
		}
	})
}

// TestSessionStateClone fills every field of a sessionState, recursively,
// and checks that clone copies everything a request could change: no map,
// slice or pointer of the copy is the original's. A field added later is
// covered without touching this test.
func TestSessionStateClone(t *testing.T) {
	var st sessionState
	fillAll(reflect.ValueOf(&st).Elem(), 0)
	c := st.clone()
	if !reflect.DeepEqual(&st, c) {
		t.Fatalf("clone differs from the original:\n%+v\n%+v", st, *c)
	}
	for _, p := range sharedPaths(reflect.ValueOf(st), reflect.ValueOf(*c), "sessionState") {
		t.Errorf("%s is shared between a session state and its clone", p)
	}
}

var timeType = reflect.TypeFor[time.Time]()

// fillAll sets v and everything below it to non-zero values: two entries in
// every map and slice, every pointer allocated.
func fillAll(v reflect.Value, n int) {
	if v.Type() == timeType {
		v.Set(reflect.ValueOf(time.Unix(int64(1700000000+n), 0).UTC()))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+n%26)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(n + 1))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(n + 1))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(n) + 0.5)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fillAll(p.Elem(), n+1)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillAll(v.Field(i), n+i)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fillAll(s.Index(i), n+i)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fillAll(k, n+i)
			fillAll(e, n+i)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	}
}

// sharedPaths lists the paths below a and b (of one type) where both hold the
// same map, slice backing array or pointer.
func sharedPaths(a, b reflect.Value, path string) []string {
	var out []string
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return nil
		}
		if a.Pointer() == b.Pointer() {
			return []string{path}
		}
		return sharedPaths(a.Elem(), b.Elem(), "*"+path)
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				out = append(out, sharedPaths(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)...)
			}
		}
	case reflect.Slice:
		if a.Len() > 0 && b.Len() > 0 && a.Pointer() == b.Pointer() {
			return []string{path}
		}
		for i := range min(a.Len(), b.Len()) {
			out = append(out, sharedPaths(a.Index(i), b.Index(i), path+"[i]")...)
		}
	case reflect.Map:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			return []string{path}
		}
		// Map values are copies; only what they point to can be shared.
		for _, k := range a.MapKeys() {
			if bv := b.MapIndex(k); bv.IsValid() {
				out = append(out, sharedPaths(a.MapIndex(k), bv, path+"[k]")...)
			}
		}
	}
	return out
}
