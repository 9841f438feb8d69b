package cache

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Concurrent reads go together, yet each sees every write that completed
// before it asked: a caller that incremented a counter to n never reads
// less than n.
func TestCoalescedReadsAreFresh(t *testing.T) {
	srv := startRedis(t)
	c := New(srv.Addr(), "", "t:")
	defer c.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				n, err := c.RDB.Incr(ctx, c.Key("n")).Result()
				if err != nil {
					errs <- err.Error()
					return
				}
				vals, err := c.mget(ctx, c.Key("n"), c.Key("missing"))
				if err != nil || len(vals) != 2 || vals[1] != nil {
					errs <- "bad answer"
					return
				}
				got, _ := strconv.ParseInt(vals[0].(string), 10, 64)
				if got < n {
					errs <- "read " + strconv.FormatInt(got, 10) + " after writing " + strconv.FormatInt(n, 10)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// Several addresses make a cluster client, whose reads of keys in many
// slots still work (one MGET may only name keys of one slot).
func TestClusterReadsSpanSlots(t *testing.T) {
	srv := startRedis(t)
	c := Open(Options{Addr: srv.Addr() + "," + srv.Addr(), Prefix: "t:"})
	defer c.Close()
	if _, ok := c.RDB.(*redis.ClusterClient); !ok {
		t.Fatalf("several addresses gave a %T, want a cluster client", c.RDB)
	}
	ctx := context.Background()
	e := NewEntities[string](c, "thing", time.Minute)
	got, err := e.Load(ctx, []int64{1, 2, 3}, func(_ context.Context, ids []int64) (map[int64]string, error) {
		out := map[int64]string{}
		for _, id := range ids {
			out[id] = strconv.FormatInt(id, 10)
		}
		return out, nil
	})
	if err != nil || len(got) != 3 {
		t.Fatalf("Load = %v, %v", got, err)
	}
	if l := e.Get(ctx, []int64{1, 2, 3}); len(l.Found) != 3 {
		t.Fatalf("cached reads on the cluster found %v", l.Found)
	}
}

func TestAddressesChooseTheClient(t *testing.T) {
	tests := []struct {
		o    Options
		want string
	}{
		{Options{Addr: "a:1"}, "*redis.Client"},
		{Options{Addr: "a:1, b:2"}, "*redis.ClusterClient"},
		{Options{Addr: "s1:26379,s2:26379", MasterName: "mymaster"}, "*redis.Client"}, // a failover client
	}
	for _, tt := range tests {
		c := Open(tt.o)
		if got := fmt.Sprintf("%T", c.RDB); got != tt.want {
			t.Errorf("Open(%+v) made %s, want %s", tt.o, got, tt.want)
		}
		_ = c.Close()
	}
}
