package handler

import (
	"context"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/web"
	"github.com/douyin-go/douyin/pkg/errno"
)

// WebIndex serves the web client's page at /.
func (h *Handler) WebIndex(_ context.Context, c *app.RequestContext) {
	serveWebFile(c, "index.html")
}

// WebAsset serves the web client's styles and scripts under /web/.
func (h *Handler) WebAsset(_ context.Context, c *app.RequestContext) {
	serveWebFile(c, strings.TrimPrefix(c.Param("name"), "/"))
}

// serveWebFile answers with one embedded file. The files change only with
// the binary, so browsers revalidate them (no-cache) rather than keep a
// stale client after an upgrade; scripts go out as text/javascript, which
// ES modules require.
func serveWebFile(c *app.RequestContext, name string) {
	data, err := web.Files.ReadFile(name)
	if name == "" || strings.Contains(name, "..") || err != nil {
		failHTTP(c, http.StatusNotFound, errno.NotFound.WithMessage("no such file"))
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	c.Header("Cache-Control", "no-cache")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, ctype, data)
}
