package sessionstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Store in Redis, for running several instances behind one load
// balancer. Redis expires the keys itself, so there is nothing to sweep. It
// is also a change feed: a Cache in front of it publishes every changed key
// on a pub/sub channel and drops the keys the other instances publish.
type Redis struct {
	client *redis.Client
	prefix string
	now    func() time.Time
}

var _ Store = (*Redis)(nil)

// OpenRedis connects lazily to the Redis server at url ("redis://" or
// "rediss://"); call Ping to check it is reachable.
func OpenRedis(rawURL string, opts ...Option) (*Redis, error) {
	c := newConfig(opts)
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		// url.Error repeats the whole URL, password included.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("sessionstore: open redis: invalid URL: %w", err)
	}
	return &Redis{client: redis.NewClient(o), prefix: c.prefix, now: c.now}, nil
}

// Load returns the value under key, or ErrNotFound if it is missing or expired.
func (r *Redis) Load(ctx context.Context, key string) ([]byte, error) {
	v, err := r.client.Get(ctx, r.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sessionstore: redis load: %w", err)
	}
	return v, nil
}

// Save stores value under key until expiresAt, replacing any earlier value.
func (r *Redis) Save(ctx context.Context, key string, value []byte, expiresAt time.Time) error {
	if !expiresAt.After(r.now()) {
		// Redis rejects a SET with a non-positive expiry; an expired session
		// is the same as none.
		return r.Delete(ctx, key)
	}
	if value == nil {
		value = []byte{}
	}
	err := r.client.Do(ctx, "SET", r.prefix+key, value, "PXAT", expiresAt.UnixMilli()).Err()
	if err != nil {
		return fmt.Errorf("sessionstore: redis save: %w", err)
	}
	return nil
}

// Delete removes key; deleting a missing key is not an error.
func (r *Redis) Delete(ctx context.Context, key string) error {
	if err := r.client.Del(ctx, r.prefix+key).Err(); err != nil {
		return fmt.Errorf("sessionstore: redis delete: %w", err)
	}
	return nil
}

// Ping checks the server answers.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("sessionstore: redis ping: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (r *Redis) Close() error {
	if err := r.client.Close(); err != nil {
		return fmt.Errorf("sessionstore: redis close: %w", err)
	}
	return nil
}

// changeChannel is the pub/sub channel on which the instances sharing this
// Redis announce changed session keys to each other's Cache.
func (r *Redis) changeChannel() string { return r.prefix + "changed" }

// publishChange announces that key changed or went. The message is
// "<sender> <key>"; the key is the store key (a hash), never a session id.
func (r *Redis) publishChange(ctx context.Context, from, key string) error {
	if err := r.client.Publish(ctx, r.changeChannel(), from+" "+key).Err(); err != nil {
		return fmt.Errorf("sessionstore: redis publish: %w", err)
	}
	return nil
}

// watchChanges subscribes to the change channel until ctx ends. Each
// subscription confirmation, the first and every one after go-redis
// reconnected, reports live(true); an error reports live(false) and, after
// a pause, the next receive reconnects.
func (r *Redis) watchChanges(ctx context.Context, changed func(from, key string), live func(bool)) {
	ps := r.client.Subscribe(ctx, r.changeChannel())
	stopped := make(chan struct{})
	go func() {
		// Receive does not return on ctx's end by itself; closing does.
		select {
		case <-ctx.Done():
		case <-stopped:
		}
		_ = ps.Close()
	}()
	defer close(stopped)
	backoff := 50 * time.Millisecond
	for {
		msg, err := ps.Receive(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			live(false)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 2*time.Second)
			continue
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				backoff = 50 * time.Millisecond
				live(true)
			}
		case *redis.Message:
			if from, key, ok := strings.Cut(m.Payload, " "); ok {
				changed(from, key)
			}
		}
	}
}
