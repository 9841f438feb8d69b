package handler

import (
	"context"
	"net/http"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/static"
	"github.com/douyin-go/douyin/pkg/errno"
)

// Static serves the default avatar and background images.
func (h *Handler) Static(_ context.Context, c *app.RequestContext) {
	data, err := static.Files.ReadFile(c.Param("name"))
	if err != nil {
		failHTTP(c, http.StatusNotFound, errno.NotFound.WithMessage("no such file"))
		return
	}
	c.Header("Cache-Control", "public, max-age=86400")
	c.Data(http.StatusOK, "image/png", data)
}
