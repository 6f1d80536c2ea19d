package hpr

import (
	"container/list"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/sanitize"
	"github.com/oppslag/oppslag/clients/upstream"
)

// Entry is a cached answer: the entry and when it was fetched from HPR.
type Entry struct {
	Personnel Personnel `json:"personnel"`
	FetchedAt time.Time `json:"fetchedAt"`
}

// Cache keeps answers so that repeated lookups do not cost HPR requests
// and a stale answer can be shown, labelled, when HPR cannot be asked. The
// Client decides what is fresh or stale from FetchedAt; a Cache only
// stores. Entries hold personal data (with the extended scope, identity
// numbers): a shared cache must be protected as the session store is.
type Cache interface {
	// Get returns the entry under key; found is false when there is none.
	Get(ctx context.Context, key string) (e Entry, found bool, err error)
	// Put stores e under key; the entry is of no use after ttl.
	Put(ctx context.Context, key string, e Entry, ttl time.Duration) error
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// DefaultCacheEntries is the size of a MemoryCache made with size 0: the
// distinct personnel a clinic looks up in a week, many times over.
const DefaultCacheEntries = 10_000

// MemoryCache is a bounded in-process Cache that evicts the least recently
// used entry. It stores entries encoded, so no caller can change a cached
// entry through a returned one, and leaves age to the Client (ttl is not
// enforced: an old entry goes when it is least recently used). It is safe
// for concurrent use.
type MemoryCache struct {
	max int

	mu    sync.Mutex
	order *list.List // front: most recently used; values are *memoryItem
	items map[string]*list.Element
}

type memoryItem struct {
	key   string
	value []byte
}

var _ Cache = (*MemoryCache)(nil)

// NewMemoryCache returns a cache of at most size entries (default
// DefaultCacheEntries when size ≤ 0).
func NewMemoryCache(size int) *MemoryCache {
	if size <= 0 {
		size = DefaultCacheEntries
	}
	return &MemoryCache{max: size, order: list.New(), items: map[string]*list.Element{}}
}

// Get implements Cache.
func (c *MemoryCache) Get(_ context.Context, key string) (Entry, bool, error) {
	c.mu.Lock()
	el, ok := c.items[key]
	var b []byte
	if ok {
		c.order.MoveToFront(el)
		b = el.Value.(*memoryItem).value
	}
	c.mu.Unlock()
	if !ok {
		return Entry{}, false, nil
	}
	e, err := decodeEntry(b)
	if err != nil {
		return Entry{}, false, fmt.Errorf("hpr: memory cache: %w", err)
	}
	return e, true, nil
}

// Put implements Cache.
func (c *MemoryCache) Put(_ context.Context, key string, e Entry, _ time.Duration) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("hpr: memory cache: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*memoryItem).value = b
		c.order.MoveToFront(el)
		return nil
	}
	c.items[key] = c.order.PushFront(&memoryItem{key: key, value: b})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*memoryItem).key)
	}
	return nil
}

// Delete implements Cache.
func (c *MemoryCache) Delete(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.Remove(el)
		delete(c.items, key)
	}
	return nil
}

// Len is the number of entries held.
func (c *MemoryCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// decodeEntry reads a stored entry; a damaged one is ErrMalformed and its
// error quotes nothing of it.
func decodeEntry(b []byte) (Entry, error) {
	var e Entry
	if err := sanitize.DecodeJSON(b, &e); err != nil {
		return Entry{}, fmt.Errorf("%w: cached entry: %w", upstream.ErrMalformed, err)
	}
	if e.FetchedAt.IsZero() || e.Personnel.HPRNumber <= 0 {
		return Entry{}, fmt.Errorf("%w: cached entry incomplete", upstream.ErrMalformed)
	}
	return e, nil
}

// ChangeSource is HPR's own change information: a copy of the register
// (the export index, refreshed on its schedule) that says when HPR last
// changed each entry (sistOppdatert).
type ChangeSource interface {
	// LastChange returns number's sistOppdatert in the newest copy of the
	// register and when that copy was fetched from HPR; found is false
	// when the copy does not hold the number or gives no sistOppdatert.
	LastChange(ctx context.Context, number int) (updated, copiedAt time.Time, found bool, err error)
}

// confirmed reports whether a cached entry older than the freshness window
// is still HPR's answer: a copy of the register fetched within the window
// gives the entry the same sistOppdatert as the cached answer, so HPR had
// not changed it when that copy was taken.
//
// Decision: this keeps the README's promise. A suspension is a change, so
// it moves sistOppdatert; the first copy taken after it no longer confirms
// the entry, and a copy taken before it confirms only until that copy is
// freshFor old. A suspension is therefore shown at most freshFor after
// HPR registered it, as without this rule. The window only lengthens when
// the copy is refreshed at least every freshFor (OPPSLAG_HPR_INDEX_REFRESH
// ≤ 1h); with the default daily export it helps only in the hour after
// each refresh. A copy that cannot be read confirms nothing.
func (c *Client) confirmed(ctx context.Context, e Entry, now time.Time) bool {
	if c.changes == nil || e.Personnel.LastUpdated.IsZero() {
		return false
	}
	updated, copiedAt, found, err := c.changes.LastChange(ctx, e.Personnel.HPRNumber)
	if err != nil || !found || now.Sub(copiedAt) >= c.freshFor || copiedAt.After(now) {
		return false
	}
	return updated.Equal(e.Personnel.LastUpdated.Time)
}
