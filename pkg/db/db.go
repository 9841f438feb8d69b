// Package db opens the gorm database of a douyin process: MySQL/MariaDB when
// a DSN is configured, SQLite (pure Go) under the data directory otherwise.
package db

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/opentelemetry/tracing"
)

// Pool sizes a MySQL connection pool.
type Pool struct {
	MaxOpen, MaxIdle int
	// Untraced leaves statements out of traces (when no trace leaves the
	// process, the instrumentation would only cost time).
	Untraced bool
	// Replicas are DSNs of MySQL read replicas, for Aged reads.
	Replicas []string
}

// Open connects to MySQL when mysqlDSN is set, else to SQLite at
// dataDir/douyin.db, creating the directory.
func Open(mysqlDSN, dataDir string) (*gorm.DB, error) {
	return OpenPool(mysqlDSN, dataDir, Pool{MaxOpen: 50, MaxIdle: 20})
}

// config is how every database is used: statements are prepared once per
// connection and reused (the hot paths run the same few statements), and
// gorm adds no transaction of its own around single writes.
func config() *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Default.LogMode(logger.Silent),
		TranslateError:         true,
		SkipDefaultTransaction: true,
		PrepareStmt:            true,
		PrepareStmtMaxSize:     1000,
		PrepareStmtTTL:         time.Hour,
	}
}

// OpenPool is Open with a MySQL pool of the given size.
func OpenPool(mysqlDSN, dataDir string, pool Pool) (*gorm.DB, error) {
	gcfg := config()
	if mysqlDSN != "" {
		return openMySQL(mysqlDSN, gcfg, pool)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	return openSQLite(filepath.Join(dataDir, "douyin.db"), gcfg, !pool.Untraced)
}

// mysqlDSN is dsn as douyin connects: times stored and read as UTC,
// utf8mb4 (any user text) unless the DSN names a charset.
func mysqlDSN(dsn string) (string, error) {
	parsed, err := mysqldriver.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("parse mysql dsn: %w", err)
	}
	parsed.ParseTime = true
	parsed.Loc = time.UTC
	if parsed.Params == nil {
		parsed.Params = map[string]string{}
	}
	if _, ok := parsed.Params["charset"]; !ok {
		parsed.Params["charset"] = "utf8mb4"
	}
	return parsed.FormatDSN(), nil
}

func openMySQL(dsn string, gcfg *gorm.Config, pool Pool) (*gorm.DB, error) {
	primary, err := mysqlDSN(dsn)
	if err != nil {
		return nil, err
	}
	gdb, err := gorm.Open(mysql.Open(primary), gcfg)
	if err != nil {
		return nil, fmt.Errorf("open mysql: %w", err)
	}
	replicas := make([]gorm.Dialector, len(pool.Replicas))
	for i, dsn := range pool.Replicas {
		r, err := mysqlDSN(dsn)
		if err != nil {
			return nil, fmt.Errorf("replica %d: %w", i+1, err)
		}
		replicas[i] = mysql.Open(r)
	}
	if err := UseReplicas(gdb, replicas...); err != nil {
		return nil, err
	}
	return gdb, setUp(gdb, !pool.Untraced, func(sqlDB *sql.DB) {
		sqlDB.SetMaxOpenConns(pool.MaxOpen)
		sqlDB.SetMaxIdleConns(pool.MaxIdle)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
	})
}

// OpenSQLite opens a SQLite file with WAL, a busy timeout and IMMEDIATE
// transactions, so concurrent writers queue instead of failing.
func OpenSQLite(path string, gcfg *gorm.Config) (*gorm.DB, error) {
	if gcfg == nil {
		gcfg = config()
	}
	return openSQLite(path, gcfg, true)
}

func openSQLite(path string, gcfg *gorm.Config, traced bool) (*gorm.DB, error) {
	// 32 MB of page cache and 256 MB of mapped file per connection keep
	// index lookups in memory on large tables.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)" +
		"&_pragma=cache_size(-32000)&_pragma=mmap_size(268435456)&_txlock=immediate"
	gdb, err := gorm.Open(sqlite.Open(dsn), gcfg)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return gdb, setUp(gdb, traced, func(pool *sql.DB) { pool.SetMaxOpenConns(8) })
}

// setUp makes every query a span of the request's trace (when traced) and
// sizes the connection pool.
func setUp(gdb *gorm.DB, traced bool, size func(*sql.DB)) error {
	if traced {
		if err := gdb.Use(tracing.NewPlugin(tracing.WithoutMetrics(), tracing.WithoutQueryVariables())); err != nil {
			return err
		}
	}
	pool, err := gdb.DB()
	if err != nil {
		return err
	}
	size(pool)
	return nil
}

// IsDuplicate reports whether err is a unique-key violation, on MySQL or SQLite.
func IsDuplicate(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// Close releases the pool behind gdb.
func Close(gdb *gorm.DB) error {
	sqlDB, err := gdb.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}
