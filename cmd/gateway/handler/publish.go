package handler

import (
	"bytes"
	"context"
	"io"
	"mime"
	"os"
	"strconv"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/kitex/client/callopt"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/video"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/mediakey"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// publishTimeout bounds probing, cover cutting and storing one upload.
const publishTimeout = 2 * time.Minute

// upload is what the publish form carried.
type upload struct {
	token, title string
	hasTitle     bool
	file         string // temporary file holding data, "" if none
	// user is the token's user once admitted (0 before); release gives
	// back the user's upload slot.
	user    int64
	release func()
}

// PublishAction serves /douyin/publish/action/. The multipart body is
// streamed: the data part goes to a temporary file and is cut off as soon
// as it passes the size limit, so an oversized upload is never read whole.
// A token that arrives before the data (in the query string, or a form
// part ahead of data) is checked, and the user's limits applied, before
// the data is read. The upload is staged in object storage for the video
// service, which probes it and publishes it or throws it away.
func (h *Handler) PublishAction(ctx context.Context, c *app.RequestContext) {
	if n := int64(c.Request.Header.ContentLength()); n > h.upload.MaxBytes+maxFieldBytes {
		refuseUpload(c, errno.VideoTooLarge.WithMessagef("the uploaded file is too large (limit %d MB)", h.upload.MaxBytes>>20))
		return
	}
	release, err := h.uploads.Start()
	if err != nil {
		refuseUpload(c, err)
		return
	}
	defer release()
	up := &upload{token: c.Query("token")}
	defer up.done()
	if up.token != "" {
		if err := h.admit(ctx, up); err != nil {
			refuseUpload(c, err)
			return
		}
	}
	if err := h.readUpload(ctx, c, up); err != nil {
		refuseUpload(c, err)
		return
	}
	if up.user == 0 {
		if err := h.admit(ctx, up); err != nil {
			fail(c, err)
			return
		}
	}
	if !up.hasTitle {
		fail(c, errno.ParamErr.WithMessage("title is required"))
		return
	}
	if up.file == "" {
		fail(c, errno.ParamErr.WithMessage("data (the video file) is required"))
		return
	}
	key := mediakey.NewUpload()
	if err := h.store.PutFile(ctx, key, up.file, "application/octet-stream"); err != nil {
		fail(c, err)
		return
	}
	resp, err := h.rpc.Video.Publish(ctx, &video.PublishRequest{AuthorId: up.user, Title: up.title, UploadKey: key},
		callopt.WithRPCTimeout(publishTimeout))
	if err != nil {
		// The video service never answered; it may not have removed the upload.
		_ = h.store.Delete(context.WithoutCancel(ctx), key)
	}
	reply(c, statusOf(rpc.Check(resp, err)))
}

// admit checks up's token and takes the user's publish budget and upload
// slot.
func (h *Handler) admit(ctx context.Context, up *upload) error {
	user, err := h.auth.Verify(up.token)
	if err != nil {
		return err
	}
	if err := h.limits.Allow(ctx, "publish", strconv.FormatInt(user, 10), h.limits.Limits().Publish); err != nil {
		return err
	}
	release, err := h.uploads.ForUser(user)
	if err != nil {
		return err
	}
	up.user, up.release = user, release
	return nil
}

// done removes the spooled file and gives back the user's slot.
func (up *upload) done() {
	if up.file != "" {
		_ = os.Remove(up.file)
	}
	if up.release != nil {
		up.release()
	}
}

// refuseUpload answers an upload that was not read to its end; the rest of
// it is still on the wire, so the connection is not reused.
func refuseUpload(c *app.RequestContext, err error) {
	c.Response.Header.SetConnectionClose(true)
	fail(c, err)
}

// readUpload streams the form into up. The first non-empty token wins,
// the query string's first; a query title wins over the form's.
func (h *Handler) readUpload(ctx context.Context, c *app.RequestContext, up *upload) error {
	_, params, err := mime.ParseMediaType(string(c.Request.Header.ContentType()))
	if err != nil || params["boundary"] == "" {
		return errno.ParamErr.WithMessage("publish needs a multipart/form-data body with data, token and title")
	}
	// Hertz hands small bodies over already read, large ones as a stream;
	// never call Body() on a stream, it would read it whole.
	var body io.Reader
	if c.Request.IsBodyStream() {
		body = h.bounded(c)
	} else {
		body = bytes.NewReader(c.Request.Body())
	}
	form := formReader{maxFileBytes: h.upload.MaxBytes, beforeData: func(up *upload) error {
		if up.user == 0 && up.token != "" {
			return h.admit(ctx, up)
		}
		return nil
	}}
	if err := form.read(body, params["boundary"], up); err != nil {
		return err
	}
	if v, ok := c.GetQuery("title"); ok {
		up.title, up.hasTitle = v, true
	}
	return nil
}

// PublishList serves /douyin/publish/list/.
func (h *Handler) PublishList(ctx context.Context, c *app.RequestContext) {
	serve(ctx, c, bindPublishList, h.rpc.Video.PublishList, func(r *video.PublishListResponse) any {
		return videoListOf(r.Videos, r.PageInfo)
	})
}

func bindPublishList(p *params, c *app.RequestContext) *video.PublishListRequest {
	return &video.PublishListRequest{ViewerId: auth.UserID(c), UserId: p.ID("user_id"), Page: p.Page()}
}
