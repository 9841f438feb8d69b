package coalesce

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Items that arrive while a round runs go together in the next one, no
// round holds more than max, and every item is processed exactly once.
func TestRoundsGroupWaitingItems(t *testing.T) {
	var (
		mu      sync.Mutex
		rounds  [][]int
		running atomic.Int32
	)
	r := New(8, func(items []int) {
		if running.Add(1) > 1 {
			t.Error("two rounds ran at once")
		}
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		rounds = append(rounds, append([]int(nil), items...))
		mu.Unlock()
		running.Add(-1)
	})
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); r.Do(i) }()
	}
	wg.Wait()
	seen := map[int]int{}
	for _, round := range rounds {
		if len(round) > 8 {
			t.Fatalf("a round of %d items, max 8", len(round))
		}
		for _, it := range round {
			seen[it]++
		}
	}
	for i := 0; i < 100; i++ {
		if seen[i] != 1 {
			t.Fatalf("item %d processed %d times", i, seen[i])
		}
	}
	if len(rounds) >= 100 {
		t.Fatalf("%d rounds for 100 concurrent items: nothing was grouped", len(rounds))
	}
}
