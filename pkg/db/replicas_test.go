package db

import (
	"path/filepath"
	"testing"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
)

type row struct {
	ID   int64 `gorm:"primaryKey"`
	Name string
}

// Aged reads go to the replica; every other statement, and every read
// when there is no replica, goes to the primary.
func TestAgedReadsGoToReplicas(t *testing.T) {
	dir := t.TempDir()
	primary, err := OpenSQLite(filepath.Join(dir, "primary.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Close(primary) })
	replica, err := OpenSQLite(filepath.Join(dir, "replica.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Close(replica) })
	for gdb, name := range map[*gorm.DB]string{primary: "primary", replica: "replica"} {
		if err := gdb.AutoMigrate(&row{}); err != nil {
			t.Fatal(err)
		}
		if err := gdb.Create(&row{ID: 1, Name: name}).Error; err != nil {
			t.Fatal(err)
		}
	}
	read := func(aged bool) string {
		var r row
		q := primary.Model(&row{})
		if aged {
			q = Aged(q)
		}
		if err := q.Take(&r, 1).Error; err != nil {
			t.Fatal(err)
		}
		return r.Name
	}
	if got := read(true); got != "primary" {
		t.Fatalf("with no replica an aged read went to %q", got)
	}
	if err := UseReplicas(primary, sqlite.Open(filepath.Join(dir, "replica.db"))); err != nil {
		t.Fatal(err)
	}
	if got := read(true); got != "replica" {
		t.Fatalf("an aged read went to %q, want the replica", got)
	}
	if got := read(false); got != "primary" {
		t.Fatalf("a plain read went to %q, want the primary", got)
	}
}
