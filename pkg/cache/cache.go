// Package cache holds douyin's Redis access: a key-prefixed client, and
// caches that can never serve a value older than the last invalidation,
// whichever instance made it: every cached value carries the generation of
// what it was read from, generations live in Redis, and an invalidation
// bumps them. Values are kept in Redis (shared by instances) and in
// process (near, no decoding), and each read checks the generations in
// one round trip.
package cache

import (
	"context"
	"crypto/tls"
	"strconv"
	"strings"
	"time"

	"github.com/bytedance/sonic"
	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
)

// Client is a Redis client whose keys all start with Prefix, so several
// deployments (or tests) can share one server.
type Client struct {
	RDB    redis.UniversalClient
	Prefix string
	// Observe, if set, is told every entity lookup's hits and misses (the
	// cache hit ratio metric).
	Observe func(cache string, hits, misses int)
	// Degraded, if set, is told every time Redis fails a read or an
	// invalidation (reads then go to the database; invalidations are
	// retried): the metric and the log of a Redis outage.
	Degraded func(op string, err error)
	// reads coalesces the caches' reads of concurrent requests.
	reads *reader
}

// New connects to the Redis at addr.
// Every command is a span of the request's trace.
func New(addr, password, prefix string) *Client {
	return Open(Options{Addr: addr, Password: password, Prefix: prefix})
}

// Options say how to reach Redis: one server, a cluster (several
// addresses) or a master watched by Sentinel (MasterName, the addresses
// being the sentinels').
type Options struct {
	// Addr is one address, or several separated by commas.
	Addr               string
	MasterName         string
	Username, Password string      // Username: a Redis 6 ACL user
	TLS                *tls.Config // nil: plain TCP
	Prefix             string
	// Untraced leaves commands out of traces.
	Untraced bool
}

// Open connects to Redis as o says. Every command is a span of the
// request's trace, unless o.Untraced.
func Open(o Options) *Client {
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:      splitAddrs(o.Addr),
		MasterName: o.MasterName,
		Username:   o.Username,
		Password:   o.Password,
		TLSConfig:  o.TLS,
		// One dial per attempt: go-redis's default (5 dials 100 ms apart,
		// for each of a command's retries) made every cache read wait
		// 1.7 s while Redis refused connections, so a request making a few
		// of them ran past its RPC timeout instead of reading the database.
		DialerRetries: 1,
	})
	if !o.Untraced {
		_ = redisotel.InstrumentTracing(rdb)
	}
	return &Client{RDB: rdb, Prefix: o.Prefix, reads: newReader(rdb)}
}

func splitAddrs(list string) []string {
	var addrs []string
	for _, a := range strings.Split(list, ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	return addrs
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
// never served, here or in any other instance.
type Entities[T any] struct {
	client *Client
	name   string
	ttl    time.Duration
	// near holds values read in this process, so a read whose generations
	// match costs one small MGET and no decoding.
	near *expirable.LRU[int64, envelope[T]]
	// retry keeps invalidating ids whose invalidation failed until Redis
	// answers.
	retry *retrier
}

// nearSize bounds the values an Entities keeps in process.
const nearSize = 50_000

// NewEntities caches T under name for ttl.
func NewEntities[T any](client *Client, name string, ttl time.Duration) *Entities[T] {
	e := &Entities[T]{client: client, name: name, ttl: ttl, near: expirable.NewLRU[int64, envelope[T]](nearSize, nil, ttl)}
	e.retry = newRetrier(e.invalidate)
	return e
}

type envelope[T any] struct {
	Gen   int64 `json:"g"`
	Value T     `json:"v"`
}

func (e *Entities[T]) valueKey(id int64) string {
	return e.client.Key(e.name, strconv.FormatInt(id, 10))
}

func (e *Entities[T]) genKey(id int64) string {
	return e.client.Key(e.name, "gen", strconv.FormatInt(id, 10))
}

// genTTL keeps a generation longer than any value it guards, in Redis and
// in process (Fill renews it), so it never restarts under a value.
func (e *Entities[T]) genTTL() time.Duration { return 4*e.ttl + time.Hour }

// Lookup is the result of Get: the fresh values found, and the generations
// of the ids that missed, to pass to Fill.
type Lookup[T any] struct {
	Found  map[int64]T
	Missed []int64
	gens   map[int64]int64
}

// Get reads ids in one round trip: the generation of every id, and the
// value of those not held in process. Redis errors count as misses.
func (e *Entities[T]) Get(ctx context.Context, ids []int64) Lookup[T] {
	res := Lookup[T]{Found: make(map[int64]T, len(ids)), gens: make(map[int64]int64, len(ids))}
	if len(ids) == 0 {
		return res
	}
	keys := make([]string, 0, 2*len(ids))
	for _, id := range ids {
		keys = append(keys, e.genKey(id))
	}
	var remote []int64 // ids whose value is read from Redis
	for _, id := range ids {
		if _, ok := e.near.Peek(id); !ok {
			remote = append(remote, id)
			keys = append(keys, e.valueKey(id))
		}
	}
	vals, err := e.client.mget(ctx, keys...)
	if err != nil {
		// Generations cannot be checked: everything misses, and every near
		// copy is forgotten, since invalidations may have failed meanwhile.
		e.near.Purge()
		res.Missed = append(res.Missed, ids...)
		e.client.observe(e.name, 0, len(ids))
		return res
	}
	for i, id := range ids {
		res.gens[id] = parseGen(vals[i])
	}
	for i, id := range remote {
		raw, ok := vals[len(ids)+i].(string)
		var env envelope[T]
		if ok && sonic.UnmarshalString(raw, &env) == nil && env.Gen == res.gens[id] {
			e.near.Add(id, env)
		}
	}
	for _, id := range ids {
		if env, ok := e.near.Get(id); ok && env.Gen == res.gens[id] {
			res.Found[id] = env.Value
			continue
		}
		res.Missed = append(res.Missed, id)
	}
	e.client.observe(e.name, len(res.Found), len(res.Missed))
	return res
}

func (s *Client) observe(cache string, hits, misses int) {
	if s.Observe != nil {
		s.Observe(cache, hits, misses)
	}
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
	pipe := e.client.RDB.Pipeline()
	for id, v := range values {
		env := envelope[T]{Gen: lookup.gens[id], Value: v}
		raw, err := sonic.MarshalString(env)
		if err != nil {
			continue
		}
		e.near.Add(id, env)
		pipe.Set(ctx, e.valueKey(id), raw, e.ttl)
		if env.Gen != 0 { // a generation of 0 has no key to keep alive
			pipe.Expire(ctx, e.genKey(id), e.genTTL())
		}
	}
	_, _ = pipe.Exec(ctx)
}

// Load returns the values of ids: cached ones, the rest from source
// (called with the ids that missed, only when some did), which are then
// cached. Ids source does not find are left out.
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

// Invalidate makes every cached value of ids stale, in every instance,
// including any fill still in flight. It must run after the source change
// committed. When Redis does not answer it keeps trying in the background
// (and returns the error, for logging).
func (e *Entities[T]) Invalidate(ctx context.Context, ids ...int64) error {
	for _, id := range ids {
		e.near.Remove(id)
	}
	err := e.invalidate(ctx, ids...)
	if err != nil {
		e.client.degraded("invalidate", err)
		e.retry.add(ids...)
	}
	return err
}

func (e *Entities[T]) invalidate(ctx context.Context, ids ...int64) error {
	pipe := e.client.RDB.Pipeline()
	for _, id := range ids {
		pipe.Incr(ctx, e.genKey(id))
		pipe.Expire(ctx, e.genKey(id), e.genTTL())
		pipe.Del(ctx, e.valueKey(id))
	}
	_, err := pipe.Exec(ctx)
	return err
}

// mget reads keys, together with the concurrent reads of other requests.
func (c *Client) mget(ctx context.Context, keys ...string) (vals []any, err error) {
	if c.reads == nil { // a Client built by hand, as tests do
		vals, err = mget(ctx, c.RDB, keys)
	} else {
		vals, err = c.reads.mget(ctx, keys...)
	}
	if err != nil {
		c.degraded("read", err)
	}
	return vals, err
}

func (c *Client) degraded(op string, err error) {
	if c.Degraded != nil {
		c.Degraded(op, err)
	}
}
