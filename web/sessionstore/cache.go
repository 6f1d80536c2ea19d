package sessionstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultCacheTTL is how long a Cache serves a value from memory before it
// reads the store again. It bounds how stale a session can be on an
// instance that missed a change notification (Redis pub/sub drops messages
// while a subscriber is disconnected): a session revoked on one instance is
// gone on every other one within this time at the latest, and in practice
// within the pub/sub delay, well under a millisecond on one network.
const DefaultCacheTTL = 2 * time.Second

// maxCacheEntries bounds the cache's memory. Past it, the cache forgets
// everything it holds and fills again from the store: a burst of sessions
// costs store reads, never unbounded memory.
const maxCacheEntries = 20000

// Cache is a Store that keeps the values it read, and what the caller
// decoded them into, in memory in front of another Store: the session a
// request loads is then neither read from SQLite or Redis nor decoded again
// while it is fresh. Every page reads its session; few change it.
//
// A cached value is served for at most the TTL after it was read, and only
// while nothing has changed it since:
//   - Save and Delete through this Cache drop the entry after the store has
//     written (in process: enough for SQLite, which one instance owns);
//   - with a store shared by several instances (Redis), Save and Delete also
//     publish the key on a channel every instance's Cache subscribes to, and
//     a subscriber drops the entry when the message arrives. While the
//     subscription is down, and until it is confirmed, the cache serves
//     nothing from memory; on every (re)subscription it forgets everything,
//     since messages sent in the gap are lost. A message lost any other way
//     cannot keep a revoked or changed session alive past the TTL.
//
// Load always reads the store: callers use it to see what parallel requests
// changed (tokens, handles). Only LoadDecoded serves from memory.
type Cache struct {
	next Store
	ttl  time.Duration
	now  func() time.Time
	feed changeFeed // nil for a store one instance owns
	self string     // this Cache's id in change messages

	// live is false while a shared store's change feed is not known to be
	// delivering; the cache is then bypassed.
	live atomic.Bool
	stop context.CancelFunc
	done chan struct{}

	mu        sync.Mutex
	entries   map[string]*cacheEntry
	epoch     uint64 // moves on every invalidation; a read that saw it move does not fill
	lastPrune time.Time
}

// cacheEntry is one value as read from the store, and its decoded form
// once a caller decoded it.
type cacheEntry struct {
	decoded any
	read    time.Time // when the store read began
}

// changeFeed is a store shared by several instances that can tell each of
// them which keys another one changed (Redis).
type changeFeed interface {
	// publishChange tells every subscriber that key changed or went; from
	// names the sender, so it can skip its own messages.
	publishChange(ctx context.Context, from, key string) error
	// watchChanges calls changed for every key published, and live(true)
	// each time the subscription is (re)confirmed, live(false) when it
	// fails, until ctx ends.
	watchChanges(ctx context.Context, changed func(from, key string), live func(bool))
}

var (
	_ Store   = (*Cache)(nil)
	_ Sweeper = (*Cache)(nil)
)

// NewCache puts a Cache with the given TTL in front of next. With a shared
// store it subscribes to change messages at once and serves from memory
// only once the subscription is confirmed. Close stops the subscription
// and closes next.
func NewCache(next Store, ttl time.Duration, opts ...Option) *Cache {
	c := newConfig(opts)
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
	cache := &Cache{
		next:    next,
		ttl:     ttl,
		now:     c.now,
		self:    hex.EncodeToString(b),
		entries: make(map[string]*cacheEntry),
		done:    make(chan struct{}),
	}
	feed, shared := next.(changeFeed)
	if !shared {
		cache.live.Store(true)
		close(cache.done)
		return cache
	}
	cache.feed = feed
	ctx, cancel := context.WithCancel(context.Background())
	cache.stop = cancel
	go func() {
		defer close(cache.done)
		feed.watchChanges(ctx, cache.changed, cache.setLive)
	}()
	return cache
}

// Unwrap returns the store behind the cache.
func (c *Cache) Unwrap() Store { return c.next }

// Load returns the value under key from the store, never from memory.
func (c *Cache) Load(ctx context.Context, key string) ([]byte, error) {
	return c.next.Load(ctx, key)
}

// LoadDecoded returns decode's result for the value under key. A result
// decoded less than the TTL ago, from a value nothing has changed since,
// comes from memory without a store read. The result is shared between
// callers: they must not modify it (copy it first).
func (c *Cache) LoadDecoded(ctx context.Context, key string, decode func([]byte) (any, error)) (any, error) {
	now := c.now()
	useCache := c.live.Load() && c.ttl > 0
	c.mu.Lock()
	epoch := c.epoch
	if useCache {
		if e, ok := c.entries[key]; ok {
			if now.Sub(e.read) < c.ttl && !now.Before(e.read) {
				c.mu.Unlock()
				return e.decoded, nil
			}
			delete(c.entries, key)
		}
	}
	c.mu.Unlock()
	raw, err := c.next.Load(ctx, key)
	if err != nil {
		return nil, err
	}
	v, err := decode(raw)
	if err != nil {
		return nil, err
	}
	if useCache {
		c.fill(key, v, now, epoch)
	}
	return v, nil
}

// fill keeps v under key, unless an invalidation happened since the read
// that produced it began (epoch moved) or the feed went down meanwhile:
// then v may be older than the store's value.
func (c *Cache) fill(key string, v any, read time.Time, epoch uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch || !c.live.Load() {
		return
	}
	if read.Sub(c.lastPrune) >= c.ttl {
		for k, e := range c.entries {
			if read.Sub(e.read) >= c.ttl {
				delete(c.entries, k)
			}
		}
		c.lastPrune = read
	}
	if len(c.entries) >= maxCacheEntries {
		clear(c.entries)
	}
	c.entries[key] = &cacheEntry{decoded: v, read: read}
}

// Save stores value under key in the store, then drops the cached entry
// here and, with a shared store, on every other instance.
func (c *Cache) Save(ctx context.Context, key string, value []byte, expiresAt time.Time) error {
	err := c.next.Save(ctx, key, value, expiresAt)
	// Dropped even when the write failed: it may have half happened.
	c.invalidate(ctx, key)
	return err
}

// Delete removes key from the store, then from memory here and, with a
// shared store, on every other instance: the revocation path (logout,
// timeouts).
func (c *Cache) Delete(ctx context.Context, key string) error {
	err := c.next.Delete(ctx, key)
	c.invalidate(ctx, key)
	return err
}

// invalidate drops key here and tells the other instances. A failed
// publish is not reported: the others then serve their copy for at most
// the TTL, the bound a lost message has anyway.
func (c *Cache) invalidate(ctx context.Context, key string) {
	c.drop(key)
	if c.feed != nil {
		_ = c.feed.publishChange(context.WithoutCancel(ctx), c.self, key)
	}
}

// drop forgets key and moves the epoch, so a read in flight does not put
// back a value older than the change.
func (c *Cache) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
	c.epoch++
}

// changed handles a change message from the feed.
func (c *Cache) changed(from, key string) {
	if from == c.self {
		return // this Cache dropped the entry when it saved
	}
	c.drop(key)
}

// setLive turns serving from memory on or off. Either way the cache starts
// empty: messages may have been lost while the feed was down.
func (c *Cache) setLive(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
	c.epoch++
	c.live.Store(live)
}

// Sweep passes on to the store behind the cache when it keeps expired
// rows; Redis expires them itself.
func (c *Cache) Sweep(ctx context.Context, now time.Time) (int, error) {
	if sw, ok := c.next.(Sweeper); ok {
		return sw.Sweep(ctx, now)
	}
	return 0, nil
}

// Ping checks the store behind the cache.
func (c *Cache) Ping(ctx context.Context) error { return c.next.Ping(ctx) }

// Close stops the change subscription and closes the store behind the cache.
func (c *Cache) Close() error {
	if c.stop != nil {
		c.stop()
	}
	<-c.done
	c.setLive(false)
	return c.next.Close()
}
