package hpr_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprsim"
)

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func caches(t *testing.T) map[string]func(t *testing.T) hpr.Cache {
	return map[string]func(t *testing.T) hpr.Cache{
		"memory": func(*testing.T) hpr.Cache { return hpr.NewMemoryCache(0) },
		"redis": func(t *testing.T) hpr.Cache {
			rc := openTestRedis(t)
			c, err := hpr.NewRedisCache(rc, testKey(t, rc))
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
	}
}

func entry(n int, at time.Time) hpr.Entry {
	src := newSource()
	p, _ := src.Personnel(firstNumber)
	p.HPRNumber = n
	return hpr.Entry{Personnel: p, FetchedAt: at}
}

func TestCache_RoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.UTC)
	for name, mk := range caches(t) {
		t.Run(name, func(t *testing.T) {
			c := mk(t)
			if _, found, err := c.Get(bg, "k"); found || err != nil {
				t.Fatalf("empty cache: found %v err %v", found, err)
			}
			want := entry(firstNumber, at)
			if err := c.Put(bg, "k", want, time.Hour); err != nil {
				t.Fatal(err)
			}
			got, found, err := c.Get(bg, "k")
			if !found || err != nil {
				t.Fatalf("Get: found %v err %v", found, err)
			}
			if !got.FetchedAt.Equal(at) || mustJSON(t, got.Personnel) != mustJSON(t, want.Personnel) {
				t.Errorf("got %+v, want %+v", got, want)
			}
			// A returned entry cannot change the cached one.
			got.Personnel.Approvals[0].Category.Value = "XX"
			again, _, _ := c.Get(bg, "k")
			if again.Personnel.Approvals[0].Category.Value != "LE" {
				t.Error("changing a returned entry changed the cache")
			}
			if err := c.Delete(bg, "k"); err != nil {
				t.Fatal(err)
			}
			if _, found, _ := c.Get(bg, "k"); found {
				t.Error("found after Delete")
			}
			if err := c.Delete(bg, "missing"); err != nil {
				t.Errorf("Delete of a missing key: %v", err)
			}
		})
	}
}

func TestMemoryCache_EvictsLeastRecentlyUsed(t *testing.T) {
	c := hpr.NewMemoryCache(2)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c.Put(bg, "a", entry(1, at), time.Hour)
	c.Put(bg, "b", entry(2, at), time.Hour)
	c.Get(bg, "a")
	c.Put(bg, "c", entry(3, at), time.Hour)
	for key, want := range map[string]bool{"a": true, "b": false, "c": true} {
		if _, found, _ := c.Get(bg, key); found != want {
			t.Errorf("%s: found %v, want %v", key, found, want)
		}
	}
	if got, want := c.Len(), 2; got != want {
		t.Errorf("Len: got %d, want %d", got, want)
	}
}

func TestRedisCache_DamagedValueIsAMiss(t *testing.T) {
	rc := openTestRedis(t)
	prefix := testKey(t, rc)
	c, _ := hpr.NewRedisCache(rc, prefix)
	for _, v := range []string{"", "{", `{"fetchedAt":"2026-03-02T09:00:00Z","personnel":null}`, `{"personnel":{"hprNummer":5}}`} {
		rc.Set(bg, prefix+"k", v, time.Minute)
		if _, found, err := c.Get(bg, "k"); found || err == nil {
			t.Errorf("value %q: found %v err %v, want a miss with an error", v, found, err)
		}
	}
	if err := c.Put(bg, "k", entry(1, time.Now()), 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if ttl := rc.PTTL(bg, prefix+"k").Val(); ttl <= 0 || ttl > 90*time.Second {
		t.Errorf("TTL: got %s, want up to 90 s", ttl)
	}
}

// TestClient_SharedRedisCache: a second instance answers from what the
// first fetched, NIN lookups included when they share the key secret.
func TestClient_SharedRedisCache(t *testing.T) {
	rc := openTestRedis(t)
	prefix := testKey(t, rc)
	e := newEnv(t, hprsim.Options{})
	secret := []byte("shared-secret-of-the-instances")
	var clients []*hpr.Client
	for range 2 {
		cache, _ := hpr.NewRedisCache(rc, prefix)
		clients = append(clients, e.client(t, hpr.Config{Cache: cache, CacheKeySecret: secret}))
	}
	if _, err := clients[0].ByNIN(bg, ninOf(firstNumber+4)); err != nil {
		t.Fatal(err)
	}
	for i, lookup := range []func() (hpr.Result, error){
		func() (hpr.Result, error) { return clients[1].ByNIN(bg, ninOf(firstNumber+4)) },
		func() (hpr.Result, error) { return clients[1].ByNumber(bg, firstNumber+4) },
	} {
		res, err := lookup()
		if err != nil || !res.FromCache {
			t.Errorf("lookup %d on the second instance: %v, from cache %v; want from cache", i, err, res.FromCache)
		}
	}
	keys, _ := rc.Keys(bg, prefix+"*").Result()
	if len(keys) != 2 {
		t.Errorf("cache keys: got %d, want 2 (by nin, by number)", len(keys))
	}
	for _, k := range keys {
		if strings.Contains(k, ninOf(firstNumber+4)) {
			t.Errorf("cache key %q holds the identity number", k)
		}
	}
}
