package sessionstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Store in Redis, for running several instances behind one load
// balancer. Redis expires the keys itself, so there is nothing to sweep.
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
