package hpr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisCache is a Cache in Redis, shared by the portal's instances. Redis
// expires each entry after its ttl by its own clock.
type RedisCache struct {
	client redis.Cmdable
	prefix string
}

var _ Cache = (*RedisCache)(nil)

// NewRedisCache returns a cache whose keys are prefix + the Client's key.
// client is usually a *redis.Client.
func NewRedisCache(client redis.Cmdable, prefix string) (*RedisCache, error) {
	if client == nil {
		return nil, errors.New("hpr: new redis cache: no client")
	}
	return &RedisCache{client: client, prefix: prefix}, nil
}

// Get implements Cache. A damaged value is an ErrMalformed error; the
// Client then treats it as a miss and overwrites it.
func (c *RedisCache) Get(ctx context.Context, key string) (Entry, bool, error) {
	b, err := c.client.Get(ctx, c.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("hpr: redis cache: get: %w", err)
	}
	e, err := decodeEntry(b)
	if err != nil {
		return Entry{}, false, fmt.Errorf("hpr: redis cache: %w", err)
	}
	return e, true, nil
}

// Put implements Cache.
func (c *RedisCache) Put(ctx context.Context, key string, e Entry, ttl time.Duration) error {
	if ttl <= 0 {
		return c.Delete(ctx, key)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("hpr: redis cache: put: %w", err)
	}
	if err := c.client.Set(ctx, c.prefix+key, b, ttl).Err(); err != nil {
		return fmt.Errorf("hpr: redis cache: put: %w", err)
	}
	return nil
}

// Delete implements Cache.
func (c *RedisCache) Delete(ctx context.Context, key string) error {
	if err := c.client.Del(ctx, c.prefix+key).Err(); err != nil {
		return fmt.Errorf("hpr: redis cache: delete: %w", err)
	}
	return nil
}
