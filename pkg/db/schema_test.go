package db_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/testutil"
)

type widget struct {
	ID   int64
	Name string `gorm:"size:32"`
}

type widgetV2 struct {
	ID    int64
	Name  string `gorm:"size:32"`
	Color string `gorm:"size:16"`
}

func (widgetV2) TableName() string { return "widgets" }

func migrateV1(gdb *gorm.DB) error { return gdb.Table("widgets").AutoMigrate(&widget{}) }
func migrateV2(gdb *gorm.DB) error { return gdb.AutoMigrate(&widgetV2{}) }

func TestFingerprintFollowsTheSchema(t *testing.T) {
	v1, err := db.Fingerprint(migrateV1)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := db.Fingerprint(migrateV1)
	v2, _ := db.Fingerprint(migrateV2)
	if v1 != again {
		t.Errorf("the same migrations gave %s and %s", v1, again)
	}
	if v1 == v2 {
		t.Errorf("a new column left the fingerprint at %s", v1)
	}
}

// TestSchemaRecords: a version is there only once recorded, and recording
// a new version keeps the old one (a rollback still starts).
func TestSchemaRecords(t *testing.T) {
	gdb := testutil.DB(t)
	ctx := context.Background()
	if ok, _ := db.HasSchema(ctx, gdb, "douyin.user", "v1"); ok {
		t.Fatal("schema present before any migration")
	}
	for _, fp := range []string{"v1", "v1", "v2"} {
		if err := db.RecordSchema(ctx, gdb, "douyin.user", fp); err != nil {
			t.Fatal(err)
		}
	}
	for _, fp := range []string{"v1", "v2"} {
		if ok, err := db.HasSchema(ctx, gdb, "douyin.user", fp); !ok || err != nil {
			t.Errorf("%s not recorded: %v", fp, err)
		}
	}
	if ok, _ := db.HasSchema(ctx, gdb, "douyin.video", "v1"); ok {
		t.Error("another component's schema counted")
	}
}
