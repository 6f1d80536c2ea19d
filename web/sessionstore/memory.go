package sessionstore

import (
	"context"
	"sync"
	"time"
)

// Memory is a Store in process memory. It does not survive a restart and is
// not shared between instances, so it is for tests, benchmarks and a single
// development server only.
type Memory struct {
	now func() time.Time

	mu      sync.Mutex
	entries map[string]memoryEntry
}

type memoryEntry struct {
	value     []byte
	expiresAt time.Time
}

var (
	_ Store   = (*Memory)(nil)
	_ Sweeper = (*Memory)(nil)
)

// NewMemory returns an empty in-memory store.
func NewMemory(opts ...Option) *Memory {
	c := newConfig(opts)
	return &Memory{now: c.now, entries: make(map[string]memoryEntry)}
}

// Load returns a copy of the value under key, or ErrNotFound.
func (m *Memory) Load(_ context.Context, key string) ([]byte, error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok {
		return nil, ErrNotFound
	}
	if !now.Before(e.expiresAt) {
		delete(m.entries, key)
		return nil, ErrNotFound
	}
	// A copy, so a caller that edits the slice cannot change the stored session.
	return append([]byte{}, e.value...), nil
}

// Save stores a copy of value under key until expiresAt.
func (m *Memory) Save(_ context.Context, key string, value []byte, expiresAt time.Time) error {
	v := append([]byte{}, value...)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries[key] = memoryEntry{value: v, expiresAt: expiresAt}
	return nil
}

// Delete removes key.
func (m *Memory) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, key)
	return nil
}

// Sweep deletes the entries that expired at or before now.
func (m *Memory) Sweep(_ context.Context, now time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k, e := range m.entries {
		if !now.Before(e.expiresAt) {
			delete(m.entries, k)
			n++
		}
	}
	return n, nil
}

// Ping always succeeds.
func (m *Memory) Ping(context.Context) error { return nil }

// Close does nothing; the entries stay readable.
func (m *Memory) Close() error { return nil }
