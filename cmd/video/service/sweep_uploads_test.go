package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/douyin-go/douyin/cmd/video/service"
)

func TestSweepUploadsRemovesOnlyStagedUploadsOlderThanAnHour(t *testing.T) {
	f := newFixture(t, 30)
	f.objects.objects["uploads/orphan"] = object{data: []byte("x")}
	f.objects.objects["videos/kept.mp4"] = object{data: []byte("v")}
	before := time.Now()
	n, err := f.svc.SweepUploads(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("swept %d (err %v), want 1", n, err)
	}
	if got := fmt.Sprint(f.objects.keys()); got != "[videos/kept.mp4]" {
		t.Fatalf("left %s", got)
	}
	if len(f.objects.sweepCutoffs) != 1 {
		t.Fatalf("%d sweeps", len(f.objects.sweepCutoffs))
	}
	// Only uploads older than StaleUploadAge count as orphaned.
	want := before.Add(-service.StaleUploadAge)
	if d := f.objects.sweepCutoffs[0].Sub(want); d < -time.Second || d > time.Second {
		t.Fatalf("cutoff %s, want about %s", f.objects.sweepCutoffs[0], want)
	}
}
