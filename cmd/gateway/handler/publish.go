package handler

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"os"
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

// maxFieldBytes bounds each text field of the upload form.
const maxFieldBytes = 64 << 10

// upload is what the publish form carried.
type upload struct {
	token, title string
	hasTitle     bool
	file         string // temporary file holding data, "" if none
}

// PublishAction serves /douyin/publish/action/. The multipart body is
// streamed: the data part goes to a temporary file and is cut off as soon
// as it passes the size limit, so an oversized upload is never read whole.
// The upload is staged in object storage for the video service, which
// probes it and publishes it or throws it away.
func (h *Handler) PublishAction(ctx context.Context, c *app.RequestContext) {
	if n := int64(c.Request.Header.ContentLength()); n > h.maxUploadBytes+maxFieldBytes {
		refuseUpload(c, errno.VideoTooLarge.WithMessagef("the uploaded file is too large (limit %d MB)", h.maxUploadBytes>>20))
		return
	}
	up, err := h.readUpload(c)
	if up.file != "" {
		defer os.Remove(up.file)
	}
	if err != nil {
		refuseUpload(c, err)
		return
	}
	userID, err := h.auth.Verify(up.token)
	if err != nil {
		fail(c, err)
		return
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
	resp, err := h.rpc.Video.Publish(ctx, &video.PublishRequest{AuthorId: userID, Title: up.title, UploadKey: key},
		callopt.WithRPCTimeout(publishTimeout))
	if err != nil {
		// The video service never answered; it may not have removed the upload.
		_ = h.store.Delete(context.WithoutCancel(ctx), key)
	}
	reply(c, statusOf(rpc.Check(resp, err)))
}

// refuseUpload answers an upload that was not read to its end; the rest of
// it is still on the wire, so the connection is not reused.
func refuseUpload(c *app.RequestContext, err error) {
	c.Response.Header.SetConnectionClose(true)
	fail(c, err)
}

// readUpload streams the form. The query string wins over form fields.
func (h *Handler) readUpload(c *app.RequestContext) (upload, error) {
	var up upload
	_, params, err := mime.ParseMediaType(string(c.Request.Header.ContentType()))
	if err != nil || params["boundary"] == "" {
		return up, errno.ParamErr.WithMessage("publish needs a multipart/form-data body with data, token and title")
	}
	// Hertz hands small bodies over already read, large ones as a stream;
	// never call Body() on a stream, it would read it whole.
	var body io.Reader
	if c.Request.IsBodyStream() {
		body = c.RequestBodyStream()
	} else {
		body = bytes.NewReader(c.Request.Body())
	}
	form := multipart.NewReader(body, params["boundary"])
	for {
		part, err := form.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up, errno.ParamErr.WithMessage("the multipart body is malformed")
		}
		if err := h.readPart(part, &up); err != nil {
			return up, err
		}
	}
	if v, ok := c.GetQuery("token"); ok {
		up.token = v
	}
	if v, ok := c.GetQuery("title"); ok {
		up.title, up.hasTitle = v, true
	}
	return up, nil
}

// readPart reads one part; NextPart discards whatever is left of it, so an
// oversized data part is not drained here.
func (h *Handler) readPart(part *multipart.Part, up *upload) error {
	switch part.FormName() {
	case "data":
		if up.file != "" {
			return errno.ParamErr.WithMessage("only one data file may be uploaded")
		}
		path, err := h.spool(part)
		up.file = path
		return err
	case "token":
		v, err := readField(part)
		up.token = v
		return err
	case "title":
		v, err := readField(part)
		up.title, up.hasTitle = v, true
		return err
	default:
		_, err := io.Copy(io.Discard, io.LimitReader(part, maxFieldBytes))
		return err
	}
}

// spool copies the data part to a temporary file, refusing more than the
// upload limit.
func (h *Handler) spool(part io.Reader) (string, error) {
	f, err := os.CreateTemp("", "douyin-upload-*")
	if err != nil {
		return "", err
	}
	defer f.Close()
	n, err := io.Copy(f, io.LimitReader(part, h.maxUploadBytes+1))
	if err != nil {
		return f.Name(), errno.ParamErr.WithMessage("the upload was interrupted")
	}
	if n > h.maxUploadBytes {
		return f.Name(), errno.VideoTooLarge.WithMessagef("the uploaded file is too large (limit %d MB)", h.maxUploadBytes>>20)
	}
	if n == 0 {
		return f.Name(), errno.VideoInvalid.WithMessage("the uploaded file is empty")
	}
	return f.Name(), nil
}

func readField(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFieldBytes+1))
	if err != nil {
		return "", errno.ParamErr.WithMessage("the multipart body is malformed")
	}
	if len(b) > maxFieldBytes {
		return "", errno.ParamErr.WithMessage("a form field is too long")
	}
	return string(b), nil
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
