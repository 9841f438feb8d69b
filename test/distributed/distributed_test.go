// Package distributed runs douyin as separate processes, the way a real
// deployment does: a real etcd for discovery, MariaDB and Redis, Kafka- and
// S3-protocol servers in a process of their own, every service in its own
// process and the gateway in front. It drives the end-to-end HTTP suite
// through the gateway, then scales, kills and restarts a user instance.
//
// It needs etcd (Debian etcd-server) and the test MariaDB/Redis
// (DOUYIN_TEST_MYSQL_DSN, DOUYIN_TEST_REDIS_ADDR); without them it is
// skipped, unless DOUYIN_TEST_DISTRIBUTED=1 (as in CI) makes them required.
package distributed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/transmeta"
	"github.com/cloudwego/kitex/transport"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/douyin-go/douyin/kitex_gen/user"
	"github.com/douyin-go/douyin/kitex_gen/user/userservice"

	"github.com/douyin-go/douyin/pkg/rpc"
	"github.com/douyin-go/douyin/pkg/testutil"
)

type deployment struct {
	t       *testing.T
	bins    map[string]string
	env     []string
	etcd    string
	gateway string
	admins  map[string]string
}

func requirements(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts every binary: skipped in the -short (unit) tier")
	}
	required := os.Getenv("DOUYIN_TEST_DISTRIBUTED") != ""
	var missing []string
	if _, err := exec.LookPath("etcd"); err != nil {
		missing = append(missing, "etcd (apt-get install etcd-server)")
	}
	if os.Getenv("DOUYIN_TEST_MYSQL_DSN") == "" || os.Getenv("DOUYIN_TEST_REDIS_ADDR") == "" {
		missing = append(missing, "DOUYIN_TEST_MYSQL_DSN and DOUYIN_TEST_REDIS_ADDR")
	}
	if len(missing) == 0 {
		return
	}
	if required {
		t.Fatalf("distributed test needs %s", strings.Join(missing, ", "))
	}
	t.Skipf("distributed test needs %s (set DOUYIN_TEST_DISTRIBUTED=1 to require it)", strings.Join(missing, ", "))
}

func TestDistributedDeployment(t *testing.T) {
	requirements(t)
	d := deploy(t)
	// Processes started in subtests must outlive them: start them on the
	// parent test.
	parent := t

	t.Run("end-to-end suite through the gateway", func(t *testing.T) {
		cmd := exec.Command("go", "test", "-count=1", "github.com/douyin-go/douyin/test/e2e")
		cmd.Env = append(os.Environ(), "DOUYIN_E2E_BASE_URL=http://"+d.gateway, "DOUYIN_E2E_JWT_SECRET="+jwtSecret)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("e2e suite against the deployment failed: %v\n%s", err, tail(string(out), 6000))
		}
		t.Logf("e2e suite: %s", strings.TrimSpace(tail(string(out), 200)))
	})

	token, userID := d.register(t, "scale_"+testutil.RandomHex(3))
	d.admins["user2"] = freeAddr(t)
	user2Addr := freeAddr(t)
	startUser := func(name string) *proc {
		p := start(parent, name, d.bins["user"], append(d.env, "DOUYIN_SVC_USER_ADDR="+user2Addr, "DOUYIN_ADMIN_ADDR="+d.admins["user2"]))
		waitFor(t, name+" ready", 30*time.Second, func() error { return ready(d.admins["user2"]) })
		return p
	}

	t.Run("a second user instance shares the load", func(t *testing.T) {
		d.procs["user2"] = startUser("user2")
		waitFor(t, "two user instances in etcd", 15*time.Second, func() error { return d.expectInstances(2) })
		before1, before2 := rpcCount(t, d.admins["user"], rpc.UserService), rpcCount(t, d.admins["user2"], rpc.UserService)
		waitFor(t, "both instances serve calls", 20*time.Second, func() error {
			for i := 0; i < 20; i++ {
				d.mustGetUser(t, token, userID)
			}
			n1, n2 := rpcCount(t, d.admins["user"], rpc.UserService)-before1, rpcCount(t, d.admins["user2"], rpc.UserService)-before2
			if n1 == 0 || n2 == 0 {
				return fmt.Errorf("calls served: first %v, second %v", n1, n2)
			}
			return nil
		})
	})

	t.Run("killing an instance keeps the gateway answering", func(t *testing.T) {
		d.procs["user"].stop(syscall.SIGKILL)
		killedAt := time.Now()
		// Within a few seconds every call succeeds again (retries and the
		// circuit breaker route around the dead instance; its lease expires).
		waitFor(t, "gateway answers after the kill", 10*time.Second, func() error {
			for i := 0; i < 20; i++ {
				if err := d.getUser(token, userID); err != nil {
					return err
				}
			}
			return nil
		})
		t.Logf("gateway answered 20 of 20 calls %s after the kill", time.Since(killedAt).Round(100*time.Millisecond))
	})

	t.Run("a restarted instance rejoins", func(t *testing.T) {
		d.procs["user"] = start(parent, "user-restarted", d.bins["user"], append(d.env, "DOUYIN_SVC_USER_ADDR="+d.userAddr, "DOUYIN_ADMIN_ADDR="+d.admins["user"]))
		waitFor(t, "restarted user ready", 30*time.Second, func() error { return ready(d.admins["user"]) })
		waitFor(t, "restarted user registered", 20*time.Second, func() error { return d.expectInstances(2) })
		before := rpcCount(t, d.admins["user"], rpc.UserService)
		waitFor(t, "restarted instance serves calls", 20*time.Second, func() error {
			for i := 0; i < 20; i++ {
				d.mustGetUser(t, token, userID)
			}
			if rpcCount(t, d.admins["user"], rpc.UserService) == before {
				return fmt.Errorf("no call reached the restarted instance")
			}
			return nil
		})
	})

	t.Run("etcd restarted without its data: every service registers again", func(t *testing.T) {
		d.etcdProc.stop(syscall.SIGKILL)
		// While etcd is down the gateway still reaches the services it knows.
		d.mustGetUser(t, token, userID)
		d.etcdProc = d.startEtcd(parent)
		for _, service := range []string{rpc.UserService, rpc.VideoService, rpc.InteractionService, rpc.MessageService} {
			waitFor(t, service+" registered again", 30*time.Second, func() error {
				if n, err := d.instancesOf(service); err != nil || n == 0 {
					return fmt.Errorf("%d registrations, err %v", n, err)
				}
				return nil
			})
		}
		d.mustGetUser(t, token, userID)
	})

	t.Run("a rolling restart loses no request: deregister, drain, then stop", func(t *testing.T) {
		waitFor(t, "both user instances registered", 20*time.Second, func() error { return d.expectInstances(2) })
		p := d.procs["user"]
		finish := d.keepRegistering(t)
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		// Out of etcd at once, unready, yet still serving while clients
		// refresh their instance lists.
		waitFor(t, "deregistered and draining", 5*time.Second, func() error {
			if err := d.expectInstances(1); err != nil {
				return err
			}
			return draining(d.admins["user"])
		})
		if err := getUserAt(d.userAddr, userID); err != nil {
			t.Fatalf("a draining instance refused a call: %v", err)
		}
		p.stop(syscall.SIGTERM)
		ok, failed := finish()
		if ok == 0 || len(failed) > 0 {
			t.Fatalf("during the restart %d registrations succeeded and %d failed: %v", ok, len(failed), failed)
		}
		t.Logf("%d registrations during the restart, none failed", ok)
	})
}

// draining checks that an admin endpoint answers "not ready: draining".
func draining(adminAddr string) error {
	res, err := http.Get("http://" + adminAddr + "/readyz")
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(res.Body)
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body.String(), "draining") {
		return fmt.Errorf("readyz %d %s, want 503 draining", res.StatusCode, body.String())
	}
	return nil
}

// getUserAt calls one user instance directly, not through discovery.
func getUserAt(addr string, id int64) error {
	cli, err := userservice.NewClient(rpc.UserService, client.WithHostPorts(addr), client.WithTransportProtocol(transport.TTHeader),
		client.WithMetaHandler(transmeta.ClientTTHeaderHandler), client.WithRPCTimeout(2*time.Second))
	if err != nil {
		return err
	}
	resp, err := cli.GetUser(context.Background(), &user.GetUserRequest{UserId: id})
	return rpc.Check(resp, err)
}

// keepRegistering registers new users through the gateway until finish is
// called, and reports how many succeeded and why others failed. Register
// is not retried by the clients, so a call to a stopped instance shows.
func (d *deploymentState) keepRegistering(t *testing.T) (finish func() (int, []string)) {
	stop, done := make(chan struct{}), make(chan struct{})
	ok, failed := 0, []string{}
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			res, err := http.PostForm("http://"+d.gateway+"/douyin/user/register/", url.Values{"username": {fmt.Sprintf("roll_%s_%d", testutil.RandomHex(3), i)}, "password": {"secret1"}})
			if err != nil {
				failed = append(failed, err.Error())
				continue
			}
			var body struct {
				StatusCode int32  `json:"status_code"`
				StatusMsg  string `json:"status_msg"`
			}
			err = json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if err != nil || body.StatusCode != 0 {
				failed = append(failed, fmt.Sprintf("%d %s %v", body.StatusCode, body.StatusMsg, err))
				continue
			}
			ok++
		}
	}()
	return func() (int, []string) { close(stop); <-done; return ok, failed }
}

const jwtSecret = "distributed-test-secret-0123456789"

func deploy(t *testing.T) *deploymentState {
	t.Helper()
	tmp := t.TempDir()
	d := &deploymentState{deployment: deployment{t: t, admins: map[string]string{}}, procs: map[string]*proc{}}
	d.bins = buildBinaries(t, filepath.Join(tmp, "bin"))

	d.etcd, d.tmp = freeAddr(t), tmp
	d.etcdProc = d.startEtcd(t)
	kafka, s3 := freeAddr(t), freeAddr(t)
	start(t, "devservers", d.bins["devservers"], nil, "-kafka", kafka, "-s3", s3, "-data", filepath.Join(tmp, "infra"))

	d.gateway = freeAddr(t)
	d.userAddr = freeAddr(t)
	svcAddrs := map[string]string{"user": d.userAddr, "video": freeAddr(t), "interaction": freeAddr(t), "message": freeAddr(t)}
	d.env = []string{
		"DOUYIN_MYSQL_DSN=" + testutil.MySQLDSN(t),
		"DOUYIN_REDIS_ADDR=" + os.Getenv("DOUYIN_TEST_REDIS_ADDR"),
		"DOUYIN_REDIS_PREFIX=" + testutil.KeyPrefix(t),
		"DOUYIN_KAFKA_BROKERS=" + kafka,
		"DOUYIN_ETCD_ENDPOINTS=" + d.etcd,
		"DOUYIN_S3_ENDPOINT=" + s3,
		"DOUYIN_JWT_SECRET=" + jwtSecret,
		"DOUYIN_PUBLIC_URL=http://" + d.gateway,
		"DOUYIN_ADVERTISE_HOST=127.0.0.1",
		// The e2e suite registers many users from one address.
		"DOUYIN_RATE_LIMITS=off",
		"DOUYIN_DATA_DIR=" + filepath.Join(tmp, "data"),
		"DOUYIN_ETCD_LEASE_TTL=3s",
		// Clients refresh fast and servers drain a little longer, so the
		// graceful-shutdown case stays quick.
		"DOUYIN_DISCOVERY_REFRESH=500ms",
		"DOUYIN_SHUTDOWN_DRAIN=1s",
	}
	// Static addresses are deliberately wrong: clients must resolve through etcd.
	for _, name := range []string{"user", "video", "interaction", "message"} {
		d.env = append(d.env, "DOUYIN_SVC_"+strings.ToUpper(name)+"_ADDR=127.0.0.1:1")
	}
	waitFor(t, "etcd up", 20*time.Second, func() error { _, err := d.instances(); return err })
	for _, name := range []string{"user", "video", "interaction", "message"} {
		d.admins[name] = freeAddr(t)
		env := append(append([]string{}, d.env...), "DOUYIN_SVC_"+strings.ToUpper(name)+"_ADDR="+svcAddrs[name], "DOUYIN_ADMIN_ADDR="+d.admins[name])
		d.procs[name] = start(t, name, d.bins[name], env)
	}
	d.admins["gateway"] = freeAddr(t)
	d.procs["gateway"] = start(t, "gateway", d.bins["gateway"], append(append([]string{}, d.env...), "DOUYIN_HTTP_ADDR="+d.gateway, "DOUYIN_ADMIN_ADDR="+d.admins["gateway"]))
	for name, admin := range d.admins {
		waitFor(t, name+" ready", 60*time.Second, func() error {
			if d.procs[name].exited() {
				t.Fatalf("%s exited:\n%s", name, tail(d.procs[name].out.String(), 3000))
			}
			return ready(admin)
		})
	}
	// Kitex registers a server shortly after it starts listening.
	for _, service := range []string{rpc.UserService, rpc.VideoService, rpc.InteractionService, rpc.MessageService} {
		waitFor(t, service+" registered", 20*time.Second, func() error {
			if n, err := d.instancesOf(service); err != nil || n != 1 {
				return fmt.Errorf("%d registrations, err %v", n, err)
			}
			return nil
		})
	}
	return d
}

// startEtcd starts etcd at d.etcd with an empty data directory.
func (d *deploymentState) startEtcd(t *testing.T) *proc {
	return start(t, "etcd", "etcd", nil,
		"--data-dir", filepath.Join(d.tmp, "etcd-"+testutil.RandomHex(4)),
		"--listen-client-urls", "http://"+d.etcd, "--advertise-client-urls", "http://"+d.etcd,
		"--listen-peer-urls", "http://"+freeAddr(t))
}

type deploymentState struct {
	deployment
	tmp      string
	etcdProc *proc
	procs    map[string]*proc
	userAddr string
	lastKeys []string
}

func (d *deploymentState) register(t *testing.T, name string) (string, int64) {
	t.Helper()
	res, err := http.PostForm("http://"+d.gateway+"/douyin/user/register/", url.Values{"username": {name}, "password": {"secret1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		StatusCode int32  `json:"status_code"`
		UserID     int64  `json:"user_id"`
		Token      string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || body.StatusCode != 0 {
		t.Fatalf("register: %v %+v", err, body)
	}
	return body.Token, body.UserID
}

func (d *deploymentState) getUser(token string, id int64) error {
	res, err := http.Get(fmt.Sprintf("http://%s/douyin/user/?token=%s&user_id=%d", d.gateway, token, id))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var body struct {
		StatusCode int32  `json:"status_code"`
		StatusMsg  string `json:"status_msg"`
		User       struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return err
	}
	if body.StatusCode != 0 || body.User.ID != id {
		return fmt.Errorf("user info: %d %s", body.StatusCode, body.StatusMsg)
	}
	return nil
}

func (d *deploymentState) mustGetUser(t *testing.T, token string, id int64) {
	t.Helper()
	if err := d.getUser(token, id); err != nil {
		t.Fatal(err)
	}
}

// instances counts the user service's registrations in etcd.
func (d *deploymentState) instances() (int, error) { return d.instancesOf(rpc.UserService) }

// instancesOf counts service's registrations in etcd.
func (d *deploymentState) instancesOf(service string) (int, error) {
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{d.etcd}, DialTimeout: 2 * time.Second})
	if err != nil {
		return 0, err
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	resp, err := cli.Get(ctx, "kitex/registry-etcd/"+service+"/", clientv3.WithPrefix(), clientv3.WithKeysOnly())
	if err != nil {
		return 0, err
	}
	d.lastKeys = d.lastKeys[:0]
	for _, kv := range resp.Kvs {
		d.lastKeys = append(d.lastKeys, string(kv.Key))
	}
	return len(resp.Kvs), nil
}

func (d *deploymentState) expectInstances(n int) error {
	got, err := d.instances()
	if err != nil {
		return err
	}
	if got != n {
		return fmt.Errorf("%d user instances registered (%v), want %d", got, d.lastKeys, n)
	}
	return nil
}
