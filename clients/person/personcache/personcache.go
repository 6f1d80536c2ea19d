// Package personcache keeps person documents a user has just looked at, for
// a few minutes, in this process's memory, and drops them when the Person
// API's change-event feed says the person changed (issue 15).
//
// Decisions:
//   - Per user, never shared. Entries are keyed by (user, identity number,
//     information parts, history flag): one user's lookup never answers
//     another's, even for the same person and parts. Drop(user) empties a
//     user's entries at logout.
//   - Memory only, short-lived. Nothing is written to disk or to a shared
//     store; an entry lives at most TTL (MaxTTL, 5 min, is also the upper
//     bound of any configured TTL), and the cache is bounded per user and in
//     total, evicting the least recently used.
//   - The feed is polled lazily, per request, with the requesting user's
//     own token. A background poller would need a token, and a token
//     belongs to a user: borrowing any active session's would make one
//     user's session do work for all. Instead, before a cached document is
//     served, Sync polls the feed with THIS user's token when the last poll
//     is older than the interval, and invalidates every entry (of every
//     user) for each person the new events name. So a change reaches a page
//     within one interval of the event, and no document is served whose
//     person changed more than one interval before. A failed poll serves
//     nothing from the cache and stores nothing: the page is fetched live.
//   - Events name a person by the API's person id, not by number, so an
//     entry is kept only for a document that carries its id.
//   - A document fetched while a poll invalidated anything is not stored
//     (see Ticket): it may predate the change the poll just saw.
//   - Cached documents are shared read-only with the handlers that asked;
//     they only read them, as they read a fresh one.
package personcache

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/upstream"
)

// MaxTTL is the longest an entry may live, whatever the configuration says.
const MaxTTL = 5 * time.Minute

// Defaults of Config's zero values.
const (
	DefaultTTL      = MaxTTL
	DefaultInterval = 10 * time.Second
	DefaultPerUser  = 200
	DefaultTotal    = 20000
)

// maxPages bounds one poll's walk over the feed (1000 events a page); a
// backlog longer than that empties the cache instead of walking on.
const maxPages = 10

// Feed is the part of the Person API client the cache polls;
// *person.Client implements it.
type Feed interface {
	LatestEvent(ctx context.Context, auth person.Auth) (*person.EventDocument, error)
	Events(ctx context.Context, auth person.Auth, fromSequence int64, types []person.EventType) (*person.EventDocumentSearchResult, error)
}

// Config sizes a Cache; zero values take the defaults.
type Config struct {
	TTL      time.Duration // at most MaxTTL
	Interval time.Duration // how old the last feed poll may be before a cached document is served
	PerUser  int           // entries per user
	Total    int           // entries in all
	Now      func() time.Time
}

// Key is what one lookup asked for, beside the user.
type Key struct {
	NIN     string
	Parts   string // the information parts, in order, comma-separated; see KeyOf
	History bool
}

// KeyOf returns the key of a lookup of nin with parts and history.
func KeyOf(nin string, parts []person.InformationPart, history bool) Key {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = string(p)
	}
	slices.Sort(s)
	return Key{NIN: nin, Parts: strings.Join(s, ","), History: history}
}

type entry struct {
	p      *person.Person
	stored time.Time
	used   time.Time
}

// Cache is the per-user person cache. It is safe for concurrent use.
type Cache struct {
	feed Feed
	cfg  Config

	mu    sync.Mutex
	users map[string]map[Key]*entry
	n     int    // entries in all
	gen   uint64 // counts the polls that invalidated something

	poll   sync.Mutex // one feed poll at a time
	next   int64      // the next sequence number to read; 0 before the first poll
	polled time.Time  // when the feed was last read successfully
}

// New returns a Cache that polls feed.
func New(feed Feed, cfg Config) *Cache {
	switch {
	case cfg.TTL <= 0:
		cfg.TTL = DefaultTTL
	case cfg.TTL > MaxTTL:
		cfg.TTL = MaxTTL
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.PerUser <= 0 {
		cfg.PerUser = DefaultPerUser
	}
	if cfg.Total <= 0 {
		cfg.Total = DefaultTotal
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Cache{feed: feed, cfg: cfg, users: make(map[string]map[Key]*entry)}
}

// Ticket is taken before a live fetch and handed to Put, which stores the
// document only if no poll invalidated anything in between.
type Ticket struct{ gen uint64 }

// Sync reads the feed with auth when the last read is older than the
// interval, and invalidates the persons its new events name. It returns a
// Ticket for a fetch that follows, and an error when the feed could not be
// read: the caller then neither serves from the cache nor stores into it.
func (c *Cache) Sync(ctx context.Context, auth person.Auth) (Ticket, error) {
	c.poll.Lock()
	defer c.poll.Unlock()
	now := c.cfg.Now()
	if c.next > 0 && now.Sub(c.polled) < c.cfg.Interval {
		return c.ticket(), nil
	}
	if err := c.read(ctx, auth); err != nil {
		return Ticket{}, fmt.Errorf("personcache: sync: %w", err)
	}
	c.polled = now
	return c.ticket(), nil
}

func (c *Cache) ticket() Ticket {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Ticket{gen: c.gen}
}

// read advances c.next over the feed; c.poll is held.
func (c *Cache) read(ctx context.Context, auth person.Auth) error {
	if c.next == 0 {
		// The first read only finds where the feed stands; nothing is
		// cached yet, so nothing can be stale.
		ev, err := c.feed.LatestEvent(ctx, auth)
		switch {
		case errors.Is(err, upstream.ErrNotFound):
			c.next = 1 // an empty feed
			return nil
		case err != nil:
			return err
		}
		seq, err := strconv.ParseInt(ev.SequenceNumber, 10, 64)
		if err != nil || seq < 0 {
			return fmt.Errorf("latest event: sequence number %q", ev.SequenceNumber)
		}
		c.next = seq + 1
		return nil
	}
	ids := map[string]bool{}
	next := c.next
	for range maxPages {
		res, err := c.feed.Events(ctx, auth, next, nil)
		if err != nil {
			return err
		}
		for _, ev := range res.Results {
			seq, err := strconv.ParseInt(ev.SequenceNumber, 10, 64)
			if err != nil || seq < next {
				continue
			}
			ids[ev.PersonID] = true
			next = seq + 1
		}
		if len(res.Results) < 1000 {
			c.next = next
			c.invalidate(ids, false)
			return nil
		}
	}
	// A backlog this long: forget everything and start again from here.
	c.next = next
	c.invalidate(nil, true)
	return nil
}

// Invalidate drops every user's entries for the person with id personID.
func (c *Cache) Invalidate(personID string) {
	c.invalidate(map[string]bool{personID: true}, false)
}

func (c *Cache) invalidate(ids map[string]bool, all bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !all && len(ids) == 0 {
		return
	}
	c.gen++
	for u, es := range c.users {
		for k, e := range es {
			if all || ids[e.p.ID] {
				delete(es, k)
				c.n--
			}
		}
		if len(es) == 0 {
			delete(c.users, u)
		}
	}
}

// Get returns user's document for k, if one is cached and younger than the
// TTL. Call it only after a successful Sync.
func (c *Cache) Get(user string, k Key) (*person.Person, bool) {
	if user == "" {
		return nil, false
	}
	now := c.cfg.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.users[user][k]
	if !ok {
		return nil, false
	}
	if now.Sub(e.stored) >= c.cfg.TTL {
		c.remove(user, k)
		return nil, false
	}
	e.used = now
	return e.p, true
}

// Put stores p as user's document for k, unless a poll invalidated
// anything since t was taken, p has no person id (no event could reach
// it), or user is empty.
func (c *Cache) Put(user string, k Key, p *person.Person, t Ticket) {
	if user == "" || p == nil || p.ID == "" {
		return
	}
	now := c.cfg.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.gen != c.gen {
		return
	}
	if es := c.users[user]; es != nil {
		if _, ok := es[k]; ok {
			es[k] = &entry{p: p, stored: now, used: now}
			return
		}
	}
	c.expire(now)
	if len(c.users[user]) >= c.cfg.PerUser || c.n >= c.cfg.Total {
		if !c.evictOldest(user) {
			return // the total is full of other users' entries
		}
	}
	es := c.users[user]
	if es == nil {
		es = make(map[Key]*entry)
		c.users[user] = es
	}
	es[k] = &entry{p: p, stored: now, used: now}
	c.n++
}

// Drop forgets every entry of user (at logout).
func (c *Cache) Drop(user string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n -= len(c.users[user])
	delete(c.users, user)
}

// Len returns the number of entries in all, expired ones included until
// they are swept.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// remove deletes one entry; c.mu is held.
func (c *Cache) remove(user string, k Key) {
	es := c.users[user]
	if _, ok := es[k]; !ok {
		return
	}
	delete(es, k)
	c.n--
	if len(es) == 0 {
		delete(c.users, user)
	}
}

// expire sweeps entries past the TTL when the total is full; c.mu is held.
func (c *Cache) expire(now time.Time) {
	if c.n < c.cfg.Total {
		return
	}
	for u, es := range c.users {
		for k, e := range es {
			if now.Sub(e.stored) >= c.cfg.TTL {
				c.remove(u, k)
			}
		}
	}
}

// evictOldest removes user's least recently used entry; c.mu is held.
func (c *Cache) evictOldest(user string) bool {
	var oldest Key
	var at time.Time
	found := false
	for k, e := range c.users[user] {
		if !found || e.used.Before(at) {
			oldest, at, found = k, e.used, true
		}
	}
	if found {
		c.remove(user, oldest)
	}
	return found
}
