// Package testutil opens the servers integration tests run against: the
// real MariaDB and Redis named by DOUYIN_TEST_MYSQL_DSN and
// DOUYIN_TEST_REDIS_ADDR when set (as .ci/run sets them), else SQLite and
// in-process servers.
package testutil

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/inprocess"
)

// DB opens a fresh, empty database: a new database on the test MySQL server
// (dropped at cleanup), or a SQLite file in a temporary directory.
func DB(t testing.TB) *gorm.DB {
	t.Helper()
	dsn := MySQLDSN(t)
	if dsn == "" {
		gdb, err := db.OpenSQLite(filepath.Join(t.TempDir(), "test.db"), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close(gdb) })
		return gdb
	}
	gdb, err := db.Open(dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(gdb) })
	return gdb
}

// MySQLDSN returns the DSN of a fresh database on the test MySQL server,
// dropped at cleanup, or "" when no test server is configured.
func MySQLDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("DOUYIN_TEST_MYSQL_DSN")
	if dsn == "" {
		return ""
	}
	fresh, drop, err := db.CreateDatabase(dsn, "douyin_t_"+sanitize(t.Name())+"_"+RandomHex(4))
	if err != nil {
		t.Fatalf("test database (DOUYIN_TEST_MYSQL_DSN): %v", err)
	}
	t.Cleanup(drop)
	return fresh
}

// RedisAddr is the test Redis: the real one when configured, else an
// in-process server stopped at cleanup.
func RedisAddr(t testing.TB) string {
	t.Helper()
	if addr := os.Getenv("DOUYIN_TEST_REDIS_ADDR"); addr != "" {
		return addr
	}
	srv, err := inprocess.StartRedis()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv.Addr()
}

// Cache opens a Store on the test Redis with a prefix of its own, so
// parallel tests never see each other's keys.
func Cache(t testing.TB) *cache.Client {
	t.Helper()
	store := cache.New(RedisAddr(t), "", KeyPrefix(t))
	t.Cleanup(func() { _ = store.Close() })
	return store
}

// KeyPrefix is a Redis key prefix unique to this test run.
func KeyPrefix(t testing.TB) string {
	return fmt.Sprintf("douyin-test:%s:%s:", sanitize(t.Name()), RandomHex(4))
}

// Kafka starts an in-process Kafka-protocol broker stopped at cleanup.
func Kafka(t testing.TB) []string {
	t.Helper()
	k, err := inprocess.StartKafka("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	return k.Brokers()
}

// RandomHex returns n random bytes as hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
		if b.Len() >= 24 {
			break
		}
	}
	return b.String()
}

// QuietLog is a logger that writes nowhere.
func QuietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// Migrate runs migrations on gdb, failing t on the first error.
func Migrate(t testing.TB, gdb *gorm.DB, migrations ...func(*gorm.DB) error) {
	t.Helper()
	if err := db.Migrate(gdb, migrations...); err != nil {
		t.Fatal(err)
	}
}

// Row reads the row of T with primary key id straight from the database.
func Row[T any](t testing.TB, gdb *gorm.DB, id int64) T {
	t.Helper()
	var row T
	if err := gdb.Take(&row, "id = ?", id).Error; err != nil {
		t.Fatal(err)
	}
	return row
}

// FreeAddrs returns n distinct free loopback addresses (see
// inprocess.FreeAddrs).
func FreeAddrs(tb testing.TB, n int) []string {
	tb.Helper()
	addrs, err := inprocess.FreeAddrs(n)
	if err != nil {
		tb.Fatal(err)
	}
	return addrs
}
