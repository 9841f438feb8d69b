package boot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/inprocess"
	"github.com/douyin-go/douyin/pkg/testutil"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestReadinessByRole: a process opens without Kafka, and neither Kafka
// nor an object store blip makes it unready (writes wait in the outbox,
// only media routes fail); its own database does.
func TestReadinessByRole(t *testing.T) {
	s3, err := inprocess.StartS3(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	redis, err := inprocess.StartRedis()
	if err != nil {
		t.Fatal(err)
	}
	defer redis.Close()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.RedisAddr = redis.Addr()
	cfg.KafkaBrokers = testutil.FreeAddrs(t, 1) // nothing listens there
	cfg.Storage.Endpoint = s3.Endpoint()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := boot.Open(ctx, cfg, quiet(), boot.NeedDatabase|boot.NeedCache|boot.NeedKafka|boot.NeedObjects, nil)
	if err != nil {
		t.Fatalf("open without Kafka: %v", err)
	}
	defer d.Close()

	failures, degraded := d.Ready.Report(ctx)
	if len(failures) != 0 || degraded["kafka"] == "" {
		t.Fatalf("Kafka down: failures %v, degraded %v; want ready and degraded by kafka", failures, degraded)
	}
	s3.Close()
	redis.Close()
	failures, degraded = d.Ready.Report(ctx)
	if len(failures) != 0 || degraded["object_store"] == "" || degraded["redis"] == "" {
		t.Fatalf("object store and Redis down: failures %v, degraded %v; want ready and degraded", failures, degraded)
	}
	_ = db.Close(d.DB)
	if failures, _ = d.Ready.Report(ctx); failures["database"] == "" {
		t.Fatalf("database closed: failures %v, want database", failures)
	}
}

// TestTopicsAppearWhenKafkaDoes: topics are ensured in the background,
// retrying until a broker answers.
func TestTopicsAppearWhenKafkaDoes(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.KafkaBrokers = testutil.FreeAddrs(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := boot.Open(ctx, cfg, quiet(), boot.NeedKafka, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	select {
	case <-d.Topics.Ready():
		t.Fatal("topics ready without Kafka")
	case <-time.After(300 * time.Millisecond):
	}
	k, err := inprocess.StartKafkaAt(cfg.KafkaBrokers[0], "")
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	if err := d.Topics.Wait(wctx); err != nil {
		t.Fatalf("topics not ensured once Kafka came up: %v (last error %v)", err, d.Topics.Err())
	}
}

type widget struct {
	ID   int64
	Name string `gorm:"size:32"`
}

type blockingRunner struct{}

func (blockingRunner) Run(ctx context.Context) error { <-ctx.Done(); return nil }

// TestServicesWaitForTheMigrationJob: with auto_migrate off a component
// runs no DDL and is not ready until `douyin migrate` recorded its schema;
// then it is built and serves.
func TestServicesWaitForTheMigrationJob(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.AutoMigrate = false
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := boot.Open(ctx, cfg, quiet(), boot.NeedDatabase, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	built := make(chan struct{})
	c := boot.Component{
		Name:    "douyin.widget",
		Needs:   boot.NeedDatabase,
		Migrate: func(gdb *gorm.DB) error { return gdb.AutoMigrate(&widget{}) },
		Build: func(context.Context, *boot.Deps) (boot.Runner, error) {
			close(built)
			return blockingRunner{}, nil
		},
	}
	done := make(chan error, 1)
	go func() { done <- boot.Run(ctx, d, []boot.Component{c}, nil) }()

	waitFor(t, func() bool {
		failures, _ := d.Ready.Report(ctx)
		return strings.Contains(failures["douyin.widget"], "douyin migrate")
	})
	select {
	case <-built:
		t.Fatal("built before its tables were migrated")
	default:
	}
	if d.DB.Migrator().HasTable(&widget{}) {
		t.Fatal("the service ran DDL with auto_migrate off")
	}
	if err := boot.Migrate(ctx, d.DB, []boot.Component{c}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-built:
	case <-time.After(30 * time.Second):
		t.Fatal("not built after the migration job ran")
	}
	cancel()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
