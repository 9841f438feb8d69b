package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"time"
)

// api calls the douyin HTTP API as the client does.
type api struct {
	base string
	http *http.Client
}

func newAPI(base string) *api {
	return &api{base: base, http: &http.Client{Timeout: 2 * time.Minute}}
}

// status is the part of every answer.
type status struct {
	StatusCode int32  `json:"status_code"`
	StatusMsg  string `json:"status_msg"`
}

// call posts params to path and decodes the answer into out (which must
// embed status); a status_code other than 0 is an error.
func (a *api) call(ctx context.Context, path string, params url.Values, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+path+"?"+params.Encode(), nil)
	if err != nil {
		return err
	}
	return a.do(req, out)
}

func (a *api) do(req *http.Request, out any) error {
	res, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	var st status
	if res.StatusCode != http.StatusOK || json.Unmarshal(raw, &st) != nil || st.StatusCode != 0 {
		return fmt.Errorf("%s: HTTP %d %s", req.URL.Path, res.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// get reads path and returns the raw answer.
func (a *api) get(ctx context.Context, pathAndQuery string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+pathAndQuery, nil)
	if err != nil {
		return nil, err
	}
	res, err := a.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	return io.ReadAll(res.Body)
}

// register makes an account and returns it with its token.
func (a *api) register(ctx context.Context, name, password string) (account, error) {
	var out struct {
		status
		UserID int64  `json:"user_id"`
		Token  string `json:"token"`
	}
	err := a.call(ctx, "/douyin/user/register/", url.Values{"username": {name}, "password": {password}}, &out)
	return account{id: out.UserID, token: out.Token, name: name}, err
}

// publish uploads clip as token's video titled title.
func (a *api) publish(ctx context.Context, token, title string, clip []byte) error {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("token", token)
	_ = w.WriteField("title", title)
	part, err := w.CreateFormFile("data", "clip.mp4")
	if err != nil {
		return err
	}
	if _, err := part.Write(clip); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/douyin/publish/action/", &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return a.do(req, nil)
}

// publishedBy lists the ids of user's videos.
func (a *api) publishedBy(ctx context.Context, token string, user int64) ([]int64, error) {
	videos, err := listOf[struct {
		ID int64 `json:"id"`
	}](ctx, a, "/douyin/publish/list/", "video_list", url.Values{"token": {token}, "user_id": {fmt.Sprint(user)}})
	ids := make([]int64, len(videos))
	for i, v := range videos {
		ids[i] = v.ID
	}
	return ids, err
}

// chatLatest is the create_time of the latest message between token's
// user and peer.
func (a *api) chatLatest(ctx context.Context, token string, peer int64) (int64, error) {
	msgs, err := listOf[struct {
		CreateTime int64 `json:"create_time"`
	}](ctx, a, "/douyin/message/chat/", "message_list", url.Values{"token": {token}, "to_user_id": {fmt.Sprint(peer)}})
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	return msgs[len(msgs)-1].CreateTime, nil
}

// listOf calls path and decodes its list field into Ts.
func listOf[T any](ctx context.Context, a *api, path, field string, params url.Values) ([]T, error) {
	var out map[string]json.RawMessage
	if err := a.call(ctx, path, params, &out); err != nil {
		return nil, err
	}
	var list []T
	err := json.Unmarshal(out[field], &list)
	return list, err
}
