package db

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"
)

// A migration job (`douyin migrate`) creates every service's tables and
// records each service's schema fingerprint; services that may not run
// DDL themselves wait until their own fingerprint is recorded, so a new
// version never runs on the previous version's tables, and an old one
// (a rollback) still finds its own.

// schemaTable records which schema versions are in place.
const schemaTable = "douyin_schema"

type schemaRecord struct {
	Component   string    `gorm:"primaryKey;size:64"`
	Fingerprint string    `gorm:"primaryKey;size:64"`
	MigratedAt  time.Time `gorm:"not null"`
}

// Fingerprint identifies the schema migrate creates: a hash of what it
// creates on an empty in-memory SQLite database.
func Fingerprint(migrate func(*gorm.DB) error) (string, error) {
	gdb, err := gorm.Open(sqlite.Open("file::memory:"), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	if err != nil {
		return "", err
	}
	defer func() { _ = Close(gdb) }()
	sqlDB, err := gdb.DB()
	if err != nil {
		return "", err
	}
	sqlDB.SetMaxOpenConns(1) // one connection: one in-memory database
	if err := migrate(gdb); err != nil {
		return "", fmt.Errorf("migrate a scratch database: %w", err)
	}
	var ddl []string
	if err := gdb.Raw("SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").Scan(&ddl).Error; err != nil {
		return "", err
	}
	h := sha256.New()
	for _, d := range ddl {
		h.Write([]byte(d + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// RecordSchema notes that component's schema with fingerprint is in place.
func RecordSchema(ctx context.Context, gdb *gorm.DB, component, fingerprint string) error {
	if err := gdb.Table(schemaTable).AutoMigrate(&schemaRecord{}); err != nil {
		return err
	}
	return gdb.WithContext(ctx).Table(schemaTable).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&schemaRecord{Component: component, Fingerprint: fingerprint, MigratedAt: time.Now().UTC()}).Error
}

// HasSchema reports whether RecordSchema recorded component's fingerprint.
func HasSchema(ctx context.Context, gdb *gorm.DB, component, fingerprint string) (bool, error) {
	var n int64
	err := gdb.WithContext(ctx).Table(schemaTable).Where("component = ? AND fingerprint = ?", component, fingerprint).Count(&n).Error
	return n > 0, err
}
