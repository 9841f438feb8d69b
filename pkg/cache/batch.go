package cache

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/douyin-go/douyin/pkg/coalesce"
)

// reader reads keys for many concurrent callers with as few MGETs as it
// can: the reads that arrive while one MGET is in flight go together in
// the next (pkg/coalesce). A caller is only ever answered by an MGET sent
// after it asked, so it sees every change that completed before it did:
// what the generations of the caches rely on.
type reader struct {
	rdb    redis.UniversalClient
	rounds *coalesce.Rounds[*read]
}

type read struct {
	ctx  context.Context
	keys []string
	vals []any
	err  error
}

const (
	// readTimeout bounds one MGET, which serves several callers.
	readTimeout = 2 * time.Second
	// maxReads bounds the reads of one MGET.
	maxReads = 256
)

func newReader(rdb redis.UniversalClient) *reader {
	r := &reader{rdb: rdb}
	r.rounds = coalesce.New(maxReads, r.mgetAll)
	return r
}

// mget reads keys; values of missing keys are nil.
func (r *reader) mget(ctx context.Context, keys ...string) ([]any, error) {
	rd := &read{ctx: ctx, keys: keys}
	r.rounds.Do(rd)
	return rd.vals, rd.err
}

// mgetAll answers reads with one MGET of their keys.
func (r *reader) mgetAll(reads []*read) {
	index := make(map[string]int)
	var keys []string
	for _, rd := range reads {
		for _, k := range rd.keys {
			if _, ok := index[k]; !ok {
				index[k] = len(keys)
				keys = append(keys, k)
			}
		}
	}
	// The first caller's context carries the trace; no caller's
	// cancellation may fail the others.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(reads[0].ctx), readTimeout)
	vals, err := mget(ctx, r.rdb, keys)
	cancel()
	for _, rd := range reads {
		rd.err = err
		if err != nil {
			continue
		}
		rd.vals = make([]any, len(rd.keys))
		for i, k := range rd.keys {
			rd.vals[i] = vals[index[k]]
		}
	}
}

// mget reads keys in one round trip: one MGET, or, on a cluster, where
// one MGET may only name keys of one slot, a pipeline of GETs (go-redis
// sends each node its own).
func mget(ctx context.Context, rdb redis.UniversalClient, keys []string) ([]any, error) {
	if _, cluster := rdb.(*redis.ClusterClient); !cluster {
		return rdb.MGet(ctx, keys...).Result()
	}
	pipe := rdb.Pipeline()
	cmds := make([]*redis.StringCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.Get(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return nil, err
	}
	vals := make([]any, len(keys))
	for i, cmd := range cmds {
		if v, err := cmd.Result(); err == nil {
			vals[i] = v
		}
	}
	return vals, nil
}
