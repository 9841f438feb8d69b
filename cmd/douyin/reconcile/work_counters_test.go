package reconcile

import (
	"reflect"
	"testing"

	videodal "github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/pkg/testutil"
)

func TestWorkCounters(t *testing.T) {
	counters := workCounters()
	if len(counters) != 1 || counters[0].Table != "users" || counters[0].Column != "work_count" {
		t.Fatalf("workCounters = %+v", counters)
	}
	gdb := testutil.DB(t)
	testutil.Migrate(t, gdb, videodal.Migrate)
	for i, author := range []int64{1, 1, 2} {
		v := videodal.Video{AuthorID: author, Title: "v", PlayKey: "videos/x.mp4", CoverKey: "covers/x.jpg", PublishedAt: int64(i + 1)}
		noErr(t, gdb.Create(&v).Error)
	}
	var rows []struct{ ID, N int64 }
	if err := gdb.Raw(counters[0].Source + " ORDER BY author_id").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if want := []struct{ ID, N int64 }{{1, 2}, {2, 1}}; !reflect.DeepEqual(rows, want) {
		t.Fatalf("source rows %+v, want %+v", rows, want)
	}
}
