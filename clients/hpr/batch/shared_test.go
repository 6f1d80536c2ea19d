package batch

import (
	"context"
	"crypto/rand"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/oppslag/oppslag/clients/upstream"
)

// openTestRedis connects to OPPSLAG_TEST_REDIS_URL with a key prefix of
// the test's own, removed after; it skips without the variable.
func openTestRedis(t *testing.T) (*redis.Client, string) {
	t.Helper()
	u := os.Getenv("OPPSLAG_TEST_REDIS_URL")
	if u == "" {
		t.Skip("OPPSLAG_TEST_REDIS_URL not set; e.g. OPPSLAG_TEST_REDIS_URL=redis://127.0.0.1:6379/0")
	}
	o, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("OPPSLAG_TEST_REDIS_URL does not parse")
	}
	rc := redis.NewClient(o)
	if err := rc.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis ping: %v", err)
	}
	prefix := "oppslag-test:hpr:batch:" + rand.Text() + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := rc.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			rc.Del(ctx, keys...)
		}
		rc.Close()
	})
	return rc, prefix
}

// TestRedisStoreAcrossInstances: a check started through one store is
// found, running and then finished, through another store on the same
// Redis (another instance), with the same rows and statuses; the owner
// rule holds there too.
func TestRedisStoreAcrossInstances(t *testing.T) {
	rc, prefix := openTestRedis(t)
	a, b := NewRedisStore(rc, prefix), NewRedisStore(rc, prefix)
	ctx := context.Background()
	now := time.Now()
	calls := 0
	limited := &upstream.RateLimitError{RetryAfter: 42 * time.Second}
	reg := fakeRegister{fail: map[int]error{5: limited}, calls: &calls}

	j := NewJob("alice", []int{1, 2, 3, 4, 5}, now)
	id, err := a.Add(j, now)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := b.Get(ctx, id, "alice", now)
	if !ok {
		t.Fatal("a check just started is not found on the other instance")
	}
	if s := got.Snapshot(); s.Done || s.Total != 5 {
		t.Errorf("before running: done %t, total %d; want false, 5", s.Done, s.Total)
	}
	if _, ok := b.Get(ctx, id, "mallory", now); ok {
		t.Error("another user's check found on the other instance")
	}

	j.Run(ctx, nil, reg, day)
	got, ok = b.Get(ctx, id, "alice", now)
	if !ok {
		t.Fatal("the finished check is not found on the other instance")
	}
	want, have := j.Snapshot(), got.Snapshot()
	if !have.Done || len(have.Rows) != len(want.Rows) {
		t.Fatalf("other instance: done %t with %d rows; want done with %d", have.Done, len(have.Rows), len(want.Rows))
	}
	for i := range want.Rows {
		w, h := want.Rows[i], have.Rows[i]
		if w.Number != h.Number || w.Kind != h.Kind || !reflect.DeepEqual(w.Status, h.Status) || w.Personnel.HPRNumber != h.Personnel.HPRNumber {
			t.Errorf("row %d: got %+v, want %+v", i, h, w)
		}
	}
	last := have.Rows[4]
	if got := upstream.RetryAfterOf(last.Err); got != 42*time.Second {
		t.Errorf("rate-limited row's wait: got %s, want 42s (err %v)", got, last.Err)
	}
	if _, ok := b.Get(ctx, id, "alice", now.Add(Lifetime+time.Minute)); ok {
		t.Error("an expired check is still found")
	}
	if _, ok := b.Get(ctx, "no-such-check", "alice", now); ok {
		t.Error("an unknown id is found")
	}
}
