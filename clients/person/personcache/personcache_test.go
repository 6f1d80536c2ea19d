package personcache

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/upstream"
)

// fakeFeed is an event feed in memory.
type fakeFeed struct {
	mu     sync.Mutex
	events []person.EventDocument
	fail   error
	polls  int
}

func (f *fakeFeed) add(personID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, person.EventDocument{SequenceNumber: strconv.Itoa(len(f.events) + 1), PersonID: personID,
		EventType: person.EventChangeInName})
}

func (f *fakeFeed) LatestEvent(context.Context, person.Auth) (*person.EventDocument, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polls++
	if f.fail != nil {
		return nil, f.fail
	}
	if len(f.events) == 0 {
		return nil, upstream.ErrNotFound
	}
	ev := f.events[len(f.events)-1]
	return &ev, nil
}

func (f *fakeFeed) Events(_ context.Context, _ person.Auth, from int64, _ []person.EventType) (*person.EventDocumentSearchResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polls++
	if f.fail != nil {
		return nil, f.fail
	}
	res := &person.EventDocumentSearchResult{}
	for k := max(int(from)-1, 0); k < len(f.events) && len(res.Results) < 1000; k++ {
		res.Results = append(res.Results, f.events[k])
	}
	return res, nil
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)} }
func doc(id string) *person.Person   { return &person.Person{ID: id} }
func sync1(t *testing.T, c *Cache) Ticket {
	t.Helper()
	tk, err := c.Sync(context.Background(), nil)
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	return tk
}

var (
	keyA = KeyOf("01010112345", []person.InformationPart{person.PartName, person.PartBirth}, true)
	keyB = KeyOf("02020212345", []person.InformationPart{person.PartName}, false)
)

func TestKeyOfIgnoresPartOrder(t *testing.T) {
	a := KeyOf("1", []person.InformationPart{person.PartName, person.PartBirth}, true)
	b := KeyOf("1", []person.InformationPart{person.PartBirth, person.PartName}, true)
	if a != b {
		t.Errorf("KeyOf differs by part order: %+v, %+v", a, b)
	}
	if c := KeyOf("1", []person.InformationPart{person.PartBirth, person.PartName}, false); c == a {
		t.Error("KeyOf ignores the history flag")
	}
}

func TestPerUserIsolation(t *testing.T) {
	clk := newClock()
	c := New(&fakeFeed{}, Config{Now: clk.now})
	tk := sync1(t, c)
	c.Put("alice", keyA, doc("p1"), tk)
	if _, ok := c.Get("bob", keyA); ok {
		t.Error("bob got alice's document")
	}
	if got, ok := c.Get("alice", keyA); !ok || got.ID != "p1" {
		t.Errorf("alice: got %v, %v; want p1", got, ok)
	}
	if _, ok := c.Get("alice", keyB); ok {
		t.Error("another key answered")
	}
	if _, ok := c.Get("", keyA); ok {
		t.Error("an empty user got a document")
	}
}

func TestTTL(t *testing.T) {
	tests := []struct {
		name      string
		ttl, wait time.Duration
		want      bool
	}{
		{"fresh", time.Minute, 59 * time.Second, true},
		{"expired", time.Minute, time.Minute, false},
		{"capped at five minutes", time.Hour, MaxTTL, false},
		{"default", 0, MaxTTL - time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			c := New(&fakeFeed{}, Config{TTL: tt.ttl, Interval: time.Hour, Now: clk.now})
			c.Put("alice", keyA, doc("p1"), sync1(t, c))
			clk.add(tt.wait)
			if _, got := c.Get("alice", keyA); got != tt.want {
				t.Errorf("Get after %v: got %v, want %v", tt.wait, got, tt.want)
			}
		})
	}
}

func TestDrop(t *testing.T) {
	clk := newClock()
	c := New(&fakeFeed{}, Config{Now: clk.now})
	tk := sync1(t, c)
	c.Put("alice", keyA, doc("p1"), tk)
	c.Put("alice", keyB, doc("p2"), tk)
	c.Put("bob", keyA, doc("p1"), tk)
	c.Drop("alice")
	if _, ok := c.Get("alice", keyA); ok {
		t.Error("alice's entry survived Drop")
	}
	if _, ok := c.Get("bob", keyA); !ok {
		t.Error("Drop(alice) dropped bob's entry")
	}
	if got := c.Len(); got != 1 {
		t.Errorf("Len: got %d, want 1", got)
	}
}

func TestInvalidateByEvent(t *testing.T) {
	clk := newClock()
	feed := &fakeFeed{}
	feed.add("p0")
	c := New(feed, Config{Interval: 10 * time.Second, Now: clk.now})
	tk := sync1(t, c)
	c.Put("alice", keyA, doc("p1"), tk)
	c.Put("bob", keyA, doc("p1"), tk)
	c.Put("bob", keyB, doc("p2"), tk)

	feed.add("p1")
	// Within the interval the feed is not read again.
	clk.add(5 * time.Second)
	sync1(t, c)
	if _, ok := c.Get("alice", keyA); !ok {
		t.Fatal("invalidated before the next poll was due")
	}
	// One poll later, every user's entry for p1 is gone, p2's stays.
	clk.add(5 * time.Second)
	sync1(t, c)
	for _, u := range []string{"alice", "bob"} {
		if _, ok := c.Get(u, keyA); ok {
			t.Errorf("%s: p1 still cached after the poll that saw its event", u)
		}
	}
	if _, ok := c.Get("bob", keyB); !ok {
		t.Error("p2 was invalidated by p1's event")
	}
}

func TestInvalidateDirect(t *testing.T) {
	c := New(&fakeFeed{}, Config{})
	c.Put("alice", keyA, doc("p1"), sync1(t, c))
	c.Invalidate("p1")
	if _, ok := c.Get("alice", keyA); ok {
		t.Error("Invalidate kept the entry")
	}
}

func TestPutAfterInvalidatingPollIsRefused(t *testing.T) {
	clk := newClock()
	feed := &fakeFeed{}
	c := New(feed, Config{Interval: time.Second, Now: clk.now})
	c.Put("alice", keyB, doc("p2"), sync1(t, c))
	tk := sync1(t, c) // a fetch of p1 starts
	feed.add("p1")    // p1 changes while it runs
	clk.add(time.Second)
	sync1(t, c) // another request's poll sees the event
	c.Put("alice", keyA, doc("p1"), tk)
	if _, ok := c.Get("alice", keyA); ok {
		t.Error("a document fetched across an invalidating poll was stored")
	}
}

func TestFailedPollServesNothing(t *testing.T) {
	clk := newClock()
	feed := &fakeFeed{}
	c := New(feed, Config{Interval: time.Second, Now: clk.now})
	c.Put("alice", keyA, doc("p1"), sync1(t, c))
	feed.fail = errors.New("down")
	clk.add(time.Second)
	if _, err := c.Sync(context.Background(), nil); err == nil {
		t.Fatal("Sync: no error from a failing feed")
	}
	// The feed recovers: the poll resumes where it stopped and sees the
	// event that happened meanwhile.
	feed.fail = nil
	feed.add("p1")
	sync1(t, c)
	if _, ok := c.Get("alice", keyA); ok {
		t.Error("an event from the outage did not invalidate")
	}
}

func TestBounds(t *testing.T) {
	clk := newClock()
	c := New(&fakeFeed{}, Config{PerUser: 2, Total: 3, Now: clk.now})
	tk := sync1(t, c)
	keys := make([]Key, 4)
	for i := range keys {
		keys[i] = KeyOf(strconv.Itoa(i), []person.InformationPart{person.PartName}, false)
	}
	c.Put("alice", keys[0], doc("a0"), tk)
	clk.add(time.Second)
	c.Put("alice", keys[1], doc("a1"), tk)
	clk.add(time.Second)
	c.Get("alice", keys[0]) // keys[1] is now the least recently used
	clk.add(time.Second)
	c.Put("alice", keys[2], doc("a2"), tk)
	if _, ok := c.Get("alice", keys[1]); ok {
		t.Error("the least recently used entry was kept past the per-user bound")
	}
	if _, ok := c.Get("alice", keys[0]); !ok {
		t.Error("a recently used entry was evicted")
	}
	c.Put("bob", keys[0], doc("b0"), tk)
	c.Put("carol", keys[0], doc("c0"), tk) // total full, carol has nothing to evict
	if got := c.Len(); got > 3 {
		t.Errorf("Len: got %d, want at most 3", got)
	}
	if _, ok := c.Get("carol", keys[0]); ok {
		t.Error("stored past the total bound")
	}
}

func TestNoIDNotCached(t *testing.T) {
	c := New(&fakeFeed{}, Config{})
	c.Put("alice", keyA, &person.Person{}, sync1(t, c))
	if c.Len() != 0 {
		t.Error("a document without a person id was cached")
	}
}
