// Package cache holds douyin's Redis access: a key-prefixed client and a
// generation-checked cache-aside that can never serve a value older than
// the last invalidation.
package cache

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
)

// Client is a Redis client whose keys all start with Prefix, so several
// deployments (or tests) can share one server.
type Client struct {
	RDB    redis.UniversalClient
	Prefix string
}

// New connects to the Redis at addr.
// Every command is a span of the request's trace.
func New(addr, password, prefix string) *Client {
	rdb := redis.NewClient(&redis.Options{Addr: addr, Password: password})
	_ = redisotel.InstrumentTracing(rdb)
	return &Client{RDB: rdb, Prefix: prefix}
}

// Key joins parts under the store's prefix.
func (s *Client) Key(parts ...string) string {
	k := s.Prefix
	for i, p := range parts {
		if i > 0 {
			k += ":"
		}
		k += p
	}
	return k
}

// Close closes the client.
func (s *Client) Close() error { return s.RDB.Close() }

// Entities caches values of type T by int64 id. Every cached value carries
// the generation of its id read before the source was read; Invalidate bumps
// the generation, so a value filled from a read that raced with a change is
// never served.
type Entities[T any] struct {
	store *Client
	name  string
	ttl   time.Duration
}

// NewEntities caches T under name for ttl.
func NewEntities[T any](store *Client, name string, ttl time.Duration) *Entities[T] {
	return &Entities[T]{store: store, name: name, ttl: ttl}
}

type envelope[T any] struct {
	Gen   int64 `json:"g"`
	Value T     `json:"v"`
}

func (e *Entities[T]) valueKey(id int64) string {
	return e.store.Key(e.name, strconv.FormatInt(id, 10))
}

func (e *Entities[T]) genKey(id int64) string {
	return e.store.Key(e.name, "gen", strconv.FormatInt(id, 10))
}

// Lookup is the result of Get: the fresh values found, and the generations
// of the ids that missed, to pass to Fill.
type Lookup[T any] struct {
	Found  map[int64]T
	Missed []int64
	gens   map[int64]int64
}

// Get reads ids in one round trip. Redis errors count as misses.
func (e *Entities[T]) Get(ctx context.Context, ids []int64) Lookup[T] {
	res := Lookup[T]{Found: make(map[int64]T, len(ids)), gens: make(map[int64]int64, len(ids))}
	if len(ids) == 0 {
		return res
	}
	keys := make([]string, 0, 2*len(ids))
	for _, id := range ids {
		keys = append(keys, e.genKey(id))
	}
	for _, id := range ids {
		keys = append(keys, e.valueKey(id))
	}
	vals, err := e.store.RDB.MGet(ctx, keys...).Result()
	if err != nil {
		res.Missed = append(res.Missed, ids...)
		return res
	}
	for i, id := range ids {
		gen := parseGen(vals[i])
		res.gens[id] = gen
		raw, ok := vals[len(ids)+i].(string)
		var env envelope[T]
		if ok && json.Unmarshal([]byte(raw), &env) == nil && env.Gen == gen {
			res.Found[id] = env.Value
			continue
		}
		res.Missed = append(res.Missed, id)
	}
	return res
}

func parseGen(v any) int64 {
	s, ok := v.(string)
	if !ok {
		return 0
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// Fill caches values read from the source after Get returned lookup.
func (e *Entities[T]) Fill(ctx context.Context, lookup Lookup[T], values map[int64]T) {
	if len(values) == 0 {
		return
	}
	pipe := e.store.RDB.Pipeline()
	for id, v := range values {
		raw, err := json.Marshal(envelope[T]{Gen: lookup.gens[id], Value: v})
		if err != nil {
			continue
		}
		pipe.Set(ctx, e.valueKey(id), raw, e.ttl)
	}
	_, _ = pipe.Exec(ctx)
}

// Invalidate makes every cached value of ids stale, including any fill
// still in flight. It must run after the source change committed.
func (e *Entities[T]) Invalidate(ctx context.Context, ids ...int64) error {
	pipe := e.store.RDB.Pipeline()
	for _, id := range ids {
		pipe.Incr(ctx, e.genKey(id))
		// The generation must outlive any value it guards.
		pipe.Expire(ctx, e.genKey(id), 4*e.ttl+time.Hour)
		pipe.Del(ctx, e.valueKey(id))
	}
	_, err := pipe.Exec(ctx)
	return err
}

// Load returns the values of ids: cached ones from Redis, the rest from
// source (called with the ids that missed, only when some did), which are
// then cached. Ids source does not find are left out.
func (e *Entities[T]) Load(ctx context.Context, ids []int64, source func(ctx context.Context, ids []int64) (map[int64]T, error)) (map[int64]T, error) {
	lookup := e.Get(ctx, ids)
	if len(lookup.Missed) == 0 {
		return lookup.Found, nil
	}
	fresh, err := source(ctx, lookup.Missed)
	if err != nil {
		return nil, err
	}
	for id, v := range fresh {
		lookup.Found[id] = v
	}
	e.Fill(ctx, lookup, fresh)
	return lookup.Found, nil
}
