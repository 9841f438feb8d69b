package allinone_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/douyin-go/douyin/cmd/douyin/allinone"
	"github.com/douyin-go/douyin/cmd/douyin/allinone/allinonetest"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/db"
)

// TestMigrateThenServeWithoutDDL is the Kubernetes set-up in one process:
// `douyin migrate` creates every table, then every component starts with
// auto_migrate off and serves.
func TestMigrateThenServeWithoutDDL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole system")
	}
	cfg := allinonetest.Config(t, t.TempDir())
	allinonetest.UseTestServers(t, &cfg)
	gdb, err := db.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := boot.Migrate(context.Background(), gdb, allinone.Components()); err != nil {
		t.Fatalf("douyin migrate: %v", err)
	}
	_ = db.Close(gdb)
	cfg.AutoMigrate = false
	stop := allinonetest.Start(t, cfg)
	defer func() { _ = stop() }()

	res, err := http.PostForm("http://"+cfg.HTTPAddr+"/douyin/user/register/", url.Values{"username": {"migrated"}, "password": {"secret123"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		StatusCode int32 `json:"status_code"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || body.StatusCode != 0 {
		t.Fatalf("register on the migrated schema: %v %+v", err, body)
	}
}
