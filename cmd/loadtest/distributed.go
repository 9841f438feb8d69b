package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/douyin-go/douyin/pkg/db"
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
func startDistributed(ctx context.Context, o options) (t *target, err error) {
	if o.mysqlDSN == "" || o.redisAddr == "" {
		return nil, errors.New("-distributed needs -mysql-dsn and -redis-addr")
	}
	etcd, err := exec.LookPath("etcd")
	if err != nil {
		return nil, errors.New("-distributed needs etcd (apt-get install etcd-server)")
	}
	addrs, err := inprocess.FreeAddrs(16)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "douyin-loadtest-")
	if err != nil {
		return nil, err
	}
	t = &target{base: "http://" + addrs[0], admin: "http://" + addrs[1], dataDir: dir, bin: o.bin, keep: o.keepDataDir}
	defer func() {
		if err != nil {
			t.close()
		}
	}()
	suffix := randomHex()
	dsn, dropDB, err := db.CreateDatabase(o.mysqlDSN, "douyin_loadtest_"+suffix)
	if err != nil {
		return t, err
	}
	prefix := "douyin-loadtest-" + suffix + ":"
	t.mysqlDSN, t.cleanup = dsn, func() { dropDB(); dropKeys(o.redisAddr, prefix) }
	etcdAddr, etcdPeer, kafka, s3 := addrs[2], addrs[3], addrs[4], addrs[5]
	t.env = append(os.Environ(),
		"DOUYIN_MYSQL_DSN="+dsn,
		"DOUYIN_REDIS_ADDR="+o.redisAddr,
		"DOUYIN_REDIS_PREFIX="+prefix,
		"DOUYIN_KAFKA_BROKERS="+kafka,
		"DOUYIN_S3_ENDPOINT="+s3,
		"DOUYIN_ETCD_ENDPOINTS="+etcdAddr,
		"DOUYIN_ADVERTISE_HOST=127.0.0.1",
		"DOUYIN_JWT_SECRET=loadtest-secret-"+suffix,
		"DOUYIN_PUBLIC_URL="+t.base,
		"DOUYIN_DATA_DIR="+filepath.Join(dir, "data"),
		"DOUYIN_RATE_LIMITS=off",
	)
	binDir := filepath.Dir(o.bin)
	procs := []proc{
		{"etcd", etcd, nil, []string{"--data-dir", filepath.Join(dir, "etcd"),
			"--listen-client-urls", "http://" + etcdAddr, "--advertise-client-urls", "http://" + etcdAddr,
			"--listen-peer-urls", "http://" + etcdPeer, "--initial-advertise-peer-urls", "http://" + etcdPeer,
			"--initial-cluster", "default=http://" + etcdPeer}},
		{"devservers", filepath.Join(binDir, "devservers"), nil, []string{"-kafka", kafka, "-s3", s3, "-data", filepath.Join(dir, "infra")}},
	}
	serviceAdmins := make([]string, len(services))
	for i, name := range services {
		serviceAdmins[i] = addrs[10+i]
		procs = append(procs, proc{name, filepath.Join(binDir, name), []string{
			"DOUYIN_SVC_" + strings.ToUpper(name) + "_ADDR=" + addrs[6+i],
			"DOUYIN_ADMIN_ADDR=" + serviceAdmins[i],
		}, nil})
	}
	for _, p := range procs {
		if err := t.startProc(p); err != nil {
			return t, err
		}
	}
	for i, admin := range serviceAdmins {
		if err := waitReady(ctx, "http://"+admin+"/readyz", time.Minute); err != nil {
			return t, fmt.Errorf("%s did not get ready (logs in %s): %w", services[i], dir, err)
		}
	}
	gateway := proc{"gateway", filepath.Join(binDir, "gateway"), []string{"DOUYIN_HTTP_ADDR=" + addrs[0], "DOUYIN_ADMIN_ADDR=" + addrs[1]}, nil}
	if err := t.startProc(gateway); err != nil {
		return t, err
	}
	if err := waitReady(ctx, t.base+"/douyin/feed/", time.Minute); err != nil {
		return t, fmt.Errorf("gateway did not get ready (logs in %s): %w", dir, err)
	}
	return t, nil
}

// proc is one process of the distributed system: its name, binary, and
// environment and arguments beyond the system's own.
type proc struct {
	name string
	bin  string
	env  []string
	args []string
}

// startProc starts p, its output in <name>.log in the data directory.
func (t *target) startProc(p proc) error {
	logFile, err := os.Create(filepath.Join(t.dataDir, p.name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(p.bin, p.args...)
	cmd.Env = append(append([]string{}, t.env...), p.env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w (run `make build` first)", p.name, err)
	}
	t.procs = append(t.procs, cmd)
	return nil
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
