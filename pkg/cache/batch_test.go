package cache

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/douyin-go/douyin/pkg/inprocess"
)

// Concurrent reads go together, yet each sees every write that completed
// before it asked: a caller that incremented a counter to n never reads
// less than n.
func TestCoalescedReadsAreFresh(t *testing.T) {
	srv, err := inprocess.StartRedis()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
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
