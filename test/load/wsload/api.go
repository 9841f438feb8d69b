package wsload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// errTaken is a register refused because the name exists (11001).
var errTaken = errors.New("username already exists")

// sender posts messages through the HTTP API on kept-alive connections.
type sender struct {
	base   string
	client *http.Client
}

func newSender(base string, conns int) *sender {
	return &sender{base: base, client: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns},
	}}
}

// send posts one message and checks the API accepted it.
func (s *sender) send(ctx context.Context, token string, to int64, content string) error {
	_, err := s.post(ctx, "/douyin/message/action/", url.Values{
		"token": {token}, "to_user_id": {fmt.Sprint(to)}, "action_type": {"1"}, "content": {content}})
	return err
}

func (s *sender) post(ctx context.Context, path string, form url.Values) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("%s: HTTP %d: %w", path, res.StatusCode, err)
	}
	if code, _ := body["status_code"].(float64); code != 0 {
		err := fmt.Errorf("%s: %v %v", path, body["status_code"], body["status_msg"])
		if code == 11001 {
			err = fmt.Errorf("%w: %w", errTaken, err)
		}
		return nil, err
	}
	return body, nil
}

// Register creates n users named <prefix>-<i>, or logs in as those that
// exist already, and returns them. Password hashing makes this take a
// while: about 0.1 s of CPU per user.
func Register(ctx context.Context, base, prefix string, n int) ([]User, error) {
	s := newSender(strings.TrimRight(base, "/"), 4)
	users := make([]User, n)
	errs := make(chan error, n)
	slots := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range n {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			name := fmt.Sprintf("%s-%d", prefix, i)
			creds := url.Values{"username": {name}, "password": {"wsload-" + name}}
			body, err := s.post(ctx, "/douyin/user/register/", creds)
			if errors.Is(err, errTaken) {
				// A register retried after a timeout, or an earlier run's
				// user: log in instead.
				body, err = s.post(ctx, "/douyin/user/login/", creds)
			}
			if err != nil {
				errs <- err
				return
			}
			id, _ := body["user_id"].(float64)
			token, _ := body["token"].(string)
			users[i] = User{ID: int64(id), Token: token}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, fmt.Errorf("register load users: %w", err)
	}
	return users, nil
}

// RaiseFileLimit raises this process's soft limit on open files to at
// least need, up to the hard limit; it fails if the hard limit is lower.
// (Each socket is a file; a run in one process with the system under test
// holds both ends of every socket.)
func RaiseFileLimit(need uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if lim.Cur >= need {
		return nil
	}
	if lim.Max < need {
		return fmt.Errorf("open-file limit %d is below the %d this load needs: raise it (ulimit -n)", lim.Max, need)
	}
	lim.Cur = lim.Max
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}
