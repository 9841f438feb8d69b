package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/douyin-go/douyin/pkg/inprocess"
)

// services are the processes of a distributed deployment besides the
// gateway, in start order.
var services = []string{"user", "video", "interaction", "message"}

// startDistributed runs the deployment's shape on this machine: etcd,
// bin/devservers for the Kafka and S3 protocols, each service and the
// gateway as a process of its own, on the real MySQL/MariaDB and Redis
// named by -mysql-dsn and -redis-addr. It works in a fresh database and
// Redis key prefix and drops both when done.
func startDistributed(ctx context.Context, o options) (*target, error) {
	if o.mysqlDSN == "" || o.redisAddr == "" {
		return nil, errors.New("-distributed needs -mysql-dsn and -redis-addr")
	}
	etcd, err := exec.LookPath("etcd")
	if err != nil {
		return nil, errors.New("-distributed needs etcd (apt-get install etcd-server)")
	}
	binDir := filepath.Dir(o.bin)
	dir, err := os.MkdirTemp("", "douyin-loadtest-")
	if err != nil {
		return nil, err
	}
	suffix := randomHex()
	dsn, dropDB, err := freshDatabase(o.mysqlDSN, "douyin_loadtest_"+suffix)
	if err != nil {
		return nil, err
	}
	addrs, err := inprocess.FreeAddrs(16)
	if err != nil {
		return nil, err
	}
	t := &target{base: "http://" + addrs[0], admin: "http://" + addrs[1], dataDir: dir, bin: o.bin, keep: o.keepDataDir, mysqlDSN: dsn,
		cleanup: func() { dropDB(); dropKeys(o.redisAddr, "douyin-loadtest-"+suffix+":") }}
	etcdAddr, kafka, s3 := addrs[2], addrs[3], addrs[4]
	t.env = append(os.Environ(),
		"DOUYIN_MYSQL_DSN="+dsn,
		"DOUYIN_REDIS_ADDR="+o.redisAddr,
		"DOUYIN_REDIS_PREFIX=douyin-loadtest-"+suffix+":",
		"DOUYIN_KAFKA_BROKERS="+kafka,
		"DOUYIN_S3_ENDPOINT="+s3,
		"DOUYIN_ETCD_ENDPOINTS="+etcdAddr,
		"DOUYIN_ADVERTISE_HOST=127.0.0.1",
		"DOUYIN_JWT_SECRET=loadtest-secret-"+suffix,
		"DOUYIN_PUBLIC_URL="+t.base,
		"DOUYIN_DATA_DIR="+filepath.Join(dir, "data"),
		"DOUYIN_RATE_LIMITS=off",
	)
	starts := []struct {
		name string
		bin  string
		env  []string
		args []string
	}{
		{"etcd", etcd, nil, []string{"--data-dir", filepath.Join(dir, "etcd"),
			"--listen-client-urls", "http://" + etcdAddr, "--advertise-client-urls", "http://" + etcdAddr,
			"--listen-peer-urls", "http://" + addrs[5], "--initial-advertise-peer-urls", "http://" + addrs[5],
			"--initial-cluster", "default=http://" + addrs[5]}},
		{"devservers", filepath.Join(binDir, "devservers"), nil, []string{"-kafka", kafka, "-s3", s3, "-data", filepath.Join(dir, "infra")}},
	}
	for i, name := range services {
		starts = append(starts, struct {
			name string
			bin  string
			env  []string
			args []string
		}{name, filepath.Join(binDir, name), []string{
			"DOUYIN_SVC_" + strings.ToUpper(name) + "_ADDR=" + addrs[6+i],
			"DOUYIN_ADMIN_ADDR=" + addrs[10+i],
		}, nil})
	}
	for _, s := range starts {
		if err := t.startProc(s.name, s.bin, s.env, s.args...); err != nil {
			t.close()
			return nil, err
		}
	}
	for i := range services {
		if err := waitReady(ctx, "http://"+addrs[10+i]+"/readyz", time.Minute); err != nil {
			t.close()
			return nil, fmt.Errorf("%s did not get ready (logs in %s): %w", services[i], dir, err)
		}
	}
	if err := t.startProc("gateway", filepath.Join(binDir, "gateway"), []string{"DOUYIN_HTTP_ADDR=" + addrs[0], "DOUYIN_ADMIN_ADDR=" + addrs[1]}); err != nil {
		t.close()
		return nil, err
	}
	if err := waitReady(ctx, t.base+"/douyin/feed/", time.Minute); err != nil {
		t.close()
		return nil, fmt.Errorf("gateway did not get ready (logs in %s): %w", dir, err)
	}
	return t, nil
}

// startProc starts one process of the distributed system, its output in
// <name>.log in the data directory.
func (t *target) startProc(name, bin string, env []string, args ...string) error {
	logFile, err := os.Create(filepath.Join(t.dataDir, name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append([]string{}, t.env...), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w (run `make build` first)", name, err)
	}
	t.procs = append(t.procs, cmd)
	return nil
}

// freshDatabase creates database name on the server of dsn and returns a
// DSN for it and a function that drops it.
func freshDatabase(dsn, name string) (string, func(), error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("-mysql-dsn: %w", err)
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return "", nil, err
	}
	if _, err := db.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4"); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	cfg.DBName = name
	drop := func() {
		_, _ = db.Exec("DROP DATABASE IF EXISTS `" + name + "`")
		db.Close()
	}
	return cfg.FormatDSN(), drop, nil
}

func randomHex() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// dropKeys deletes the keys under prefix that the run left in Redis.
func dropKeys(addr, prefix string) {
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		if keys = append(keys, iter.Val()); len(keys) == 1000 {
			rdb.Unlink(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		rdb.Unlink(ctx, keys...)
	}
}
