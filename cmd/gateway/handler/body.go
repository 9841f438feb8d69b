package handler

import (
	"io"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/network"

	"github.com/douyin-go/douyin/pkg/errno"
)

// bounded is the request's streamed body, bounded in time: each read
// waits at most the server's read timeout for the client (so a stalled
// upload is dropped within seconds, on either transport), and the whole
// body must arrive within the upload timeout (so a trickling one is too).
func (h *Handler) bounded(c *app.RequestContext) io.Reader {
	return &boundedBody{r: c.RequestBodyStream(), conn: c.GetConn(), stall: h.readTimeout,
		deadline: time.Now().Add(h.upload.Timeout)}
}

type boundedBody struct {
	r        io.Reader
	conn     network.Conn
	stall    time.Duration
	deadline time.Time
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if time.Now().After(b.deadline) {
		return 0, errno.ParamErr.WithMessage("the upload took too long")
	}
	if b.conn != nil && b.stall > 0 {
		// netpoll: a wait per read; the standard transport: a deadline
		// from now. Either way the next read may wait this long.
		_ = b.conn.SetReadTimeout(b.stall)
	}
	return b.r.Read(p)
}
