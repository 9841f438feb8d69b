package cache

import (
	"context"
	"strconv"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Versioned caches, in process, what is derived from one owner's rows
// (whom a user follows, which videos a user likes, a page of a list), each
// copy valid for one generation of its owner. Generations live in Redis:
// Bump, after the change committed, makes the owner's copies stale in every
// instance. A read costs one GET of the owner's generation; with Redis
// unreachable it goes to the source.
type Versioned[K comparable, V any] struct {
	client *Client
	name   string
	near   *expirable.LRU[ownedKey[K], versioned[V]]
	// retry keeps bumping owners whose bump failed until Redis answers.
	retry *retrier
}

type ownedKey[K comparable] struct {
	owner int64
	key   K
}

type versioned[V any] struct {
	gen   int64
	value V
}

// versionedTTL bounds how long a near copy lives; generations outlive it
// (genTTL is renewed whenever a copy is made), so one never restarts under
// a copy.
const (
	versionedTTL    = 10 * time.Minute
	versionedGenTTL = 24 * time.Hour
)

// NewVersioned keeps up to size copies, generations named name: caches of
// the same name share their owners' generations.
func NewVersioned[K comparable, V any](client *Client, name string, size int) *Versioned[K, V] {
	c := &Versioned[K, V]{client: client, name: name, near: expirable.NewLRU[ownedKey[K], versioned[V]](size, nil, versionedTTL)}
	c.retry = newRetrier(c.bump)
	return c
}

func (c *Versioned[K, V]) genKey(owner int64) string {
	return c.client.Key(c.name, "gen", strconv.FormatInt(owner, 10))
}

// Load returns owner's values of keys: copies of the current generation,
// and the rest from source, called with the keys that missed (only when
// some did). Keys source leaves out have V's zero value (false for flags),
// which is cached too.
func (c *Versioned[K, V]) Load(ctx context.Context, owner int64, keys []K, source func(ctx context.Context, missed []K) (map[K]V, error)) (map[K]V, error) {
	if len(keys) == 0 {
		return map[K]V{}, nil
	}
	gen, err := c.gen(ctx, owner)
	if err != nil {
		// Generations cannot be checked: read the source, and forget every
		// copy, since changes made meanwhile may not have been recorded.
		c.near.Purge()
		return source(ctx, keys)
	}
	out := make(map[K]V, len(keys))
	var missed []K
	for _, k := range keys {
		if v, ok := c.near.Get(ownedKey[K]{owner, k}); ok && v.gen == gen {
			out[k] = v.value
			continue
		}
		missed = append(missed, k)
	}
	if len(missed) == 0 {
		return out, nil
	}
	fresh, err := source(ctx, missed)
	if err != nil {
		return nil, err
	}
	for _, k := range missed {
		v := fresh[k]
		out[k] = v
		c.near.Add(ownedKey[K]{owner, k}, versioned[V]{gen: gen, value: v})
	}
	if gen != 0 {
		_ = c.client.RDB.Expire(ctx, c.genKey(owner), versionedGenTTL).Err()
	}
	return out, nil
}

// LoadOne is Load of a single key.
func (c *Versioned[K, V]) LoadOne(ctx context.Context, owner int64, key K, source func(ctx context.Context) (V, error)) (V, error) {
	got, err := c.Load(ctx, owner, []K{key}, func(ctx context.Context, _ []K) (map[K]V, error) {
		v, err := source(ctx)
		if err != nil {
			return nil, err
		}
		return map[K]V{key: v}, nil
	})
	return got[key], err
}

func (c *Versioned[K, V]) gen(ctx context.Context, owner int64) (int64, error) {
	vals, err := c.client.mget(ctx, c.genKey(owner))
	if err != nil {
		return 0, err
	}
	return parseGen(vals[0]), nil
}

// Bump makes every copy of owners' values stale, in every instance. It
// must run after the change committed. When Redis does not answer it keeps
// trying in the background (and returns the error, for logging): the
// change is committed either way.
func (c *Versioned[K, V]) Bump(ctx context.Context, owners ...int64) error {
	err := c.bump(ctx, owners...)
	if err != nil {
		c.client.degraded("invalidate", err)
		c.retry.add(owners...)
	}
	return err
}

func (c *Versioned[K, V]) bump(ctx context.Context, owners ...int64) error {
	pipe := c.client.RDB.Pipeline()
	for _, owner := range owners {
		pipe.Incr(ctx, c.genKey(owner))
		pipe.Expire(ctx, c.genKey(owner), versionedGenTTL)
	}
	_, err := pipe.Exec(ctx)
	return err
}

// BumpAfter bumps owners after a change that returned events and err:
// only when it succeeded and wrote events (changed something). It returns
// err; a failed bump is retried in the background, since the change is
// committed either way.
func (c *Versioned[K, V]) BumpAfter(ctx context.Context, events []string, err error, owners ...int64) error {
	if err == nil && len(events) > 0 {
		_ = c.Bump(ctx, owners...)
	}
	return err
}
