package handler

import (
	"context"
	"net/http"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/static"
)

// Static serves the default avatar and background images.
func (h *Handler) Static(_ context.Context, c *app.RequestContext) {
	data, err := static.Files.ReadFile(c.Param("name"))
	if err != nil {
		c.String(http.StatusNotFound, "not found")
		return
	}
	c.Header("Cache-Control", "public, max-age=86400")
	c.Data(http.StatusOK, "image/png", data)
}
