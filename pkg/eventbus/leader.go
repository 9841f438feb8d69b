package eventbus

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"sync"

	"gorm.io/gorm"
)

// leadership lets one relay per outbox publish at a time, across every
// instance of a service: the outbox is read in order and published in
// order, so each entity's events (keyed to one partition) reach Kafka in
// the order they were written, however many instances run. On MySQL it is
// a named lock (GET_LOCK) held on a connection of its own, released by the
// server if the holder dies; SQLite has one process, which always leads.
type leadership struct {
	db    *gorm.DB
	table string
	name  string // the lock's name, once known

	mu   sync.Mutex
	conn *sql.Conn // holds the lock; nil when not leading
}

func newLeadership(db *gorm.DB, table string) *leadership {
	return &leadership{db: db, table: table}
}

// maxLockName is MySQL's limit on a GET_LOCK name.
const maxLockName = 64

// lockName names the lock of table in database. Lock names are global to
// the MySQL server, so the database is part of the name: deployments that
// share a server each lead their own outbox.
func lockName(database, table string) string {
	name := "douyin:relay:" + database + "." + table
	if len(name) <= maxLockName {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return "douyin:relay:" + hex.EncodeToString(sum[:20])
}

// held reports whether this relay leads now, trying to become leader if
// not (and noticing a lost lock: its connection no longer answers).
func (l *leadership) held(ctx context.Context) bool {
	if l.db.Name() != "mysql" {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		if l.conn.PingContext(ctx) == nil {
			return true
		}
		_ = l.conn.Close()
		l.conn = nil
	}
	if l.name == "" {
		l.name = lockName(l.db.WithContext(ctx).Migrator().CurrentDatabase(), l.table)
	}
	pool, err := l.db.DB()
	if err != nil {
		return false
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return false
	}
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", l.name).Scan(&got); err != nil || got.Int64 != 1 {
		_ = conn.Close()
		return false
	}
	l.conn = conn
	return true
}

// release gives the lead up, so another instance takes over at once.
func (l *leadership) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return
	}
	_, _ = l.conn.ExecContext(context.Background(), "SELECT RELEASE_LOCK(?)", l.name)
	_ = l.conn.Close()
	l.conn = nil
}
