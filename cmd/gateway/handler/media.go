package handler

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/mediakey"
	"github.com/douyin-go/douyin/pkg/storage"
)

// Media serves /media/<key> from object storage, streaming, with HTTP
// Range support (206 Partial Content) so players can seek.
func (h *Handler) Media(ctx context.Context, c *app.RequestContext) {
	key := strings.TrimPrefix(c.Param("key"), "/")
	// Only published media: no way to reach staged uploads or anything
	// else in the bucket.
	if !mediakey.IsPublished(key) {
		failHTTP(c, http.StatusNotFound, errNoMedia)
		return
	}
	info, err := h.store.Stat(ctx, key)
	if err != nil {
		mediaError(c, err)
		return
	}
	rng, err := storage.ParseRange(string(c.GetHeader("Range")), info.Size)
	if err != nil {
		c.Header("Content-Range", "bytes */"+strconv.FormatInt(info.Size, 10))
		failHTTP(c, http.StatusRequestedRangeNotSatisfiable, errno.ParamErr.WithMessage("range not satisfiable"))
		return
	}
	obj, err := h.store.Get(ctx, key, rng)
	if err != nil {
		mediaError(c, err)
		return
	}
	c.Header("Accept-Ranges", "bytes")
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	if info.ETag != "" {
		c.Header("ETag", `"`+info.ETag+`"`)
	}
	c.SetContentType(info.ContentType)
	status := http.StatusOK
	if rng != nil {
		status = http.StatusPartialContent
		c.Header("Content-Range", "bytes "+strconv.FormatInt(obj.Offset, 10)+"-"+
			strconv.FormatInt(obj.Offset+obj.Length-1, 10)+"/"+strconv.FormatInt(info.Size, 10))
	}
	c.SetStatusCode(status)
	if string(c.Method()) == http.MethodHead {
		_ = obj.Close()
		c.Response.Header.SetContentLength(int(obj.Length))
		return
	}
	// Hertz closes the stream once the body is written.
	c.SetBodyStream(obj, int(obj.Length))
}

// errNoMedia answers a key that names no published media.
var errNoMedia = errno.NotFound.WithMessage("no such media file")

func mediaError(c *app.RequestContext, err error) {
	if errors.Is(err, storage.ErrNotFound) {
		failHTTP(c, http.StatusNotFound, errNoMedia)
		return
	}
	failHTTP(c, http.StatusBadGateway, errno.ServiceUnavail.WithMessage("media temporarily unavailable, please try again"))
}
