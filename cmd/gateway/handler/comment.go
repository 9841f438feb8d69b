package handler

import (
	"context"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/interaction"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// commentActionResponse carries the new comment after a post; a delete or
// an error has none.
type commentActionResponse struct {
	Status
	Comment *base.Comment `json:"comment,omitempty"`
}

type commentListResponse struct {
	Status
	CommentList []*base.Comment `json:"comment_list"`
}

// CommentAction serves /douyin/comment/action/: action_type 1 posts
// comment_text, 2 deletes comment_id.
func (h *Handler) CommentAction(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	req := &interaction.CommentActionRequest{UserId: auth.UserID(c), VideoId: p.ID("video_id"), ActionType: p.ActionType(1, 2)}
	switch req.ActionType {
	case 1:
		// Emptiness and length are the service's to judge, after trimming.
		req.CommentText = p.String("comment_text")
	case 2:
		req.CommentId = p.ID("comment_id")
	}
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := h.rpc.Interaction.CommentAction(ctx, req)
	if err := rpc.Check(resp, err); err != nil {
		fail(c, err)
		return
	}
	reply(c, commentActionResponse{Status: ok(), Comment: resp.Comment})
}

// CommentList serves /douyin/comment/list/: the comments on video_id,
// newest first.
func (h *Handler) CommentList(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	req := &interaction.CommentListRequest{ViewerId: auth.UserID(c), VideoId: p.ID("video_id")}
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := h.rpc.Interaction.CommentList(ctx, req)
	if err := rpc.Check(resp, err); err != nil {
		fail(c, err)
		return
	}
	reply(c, commentListResponse{Status: ok(), CommentList: nonNil(resp.Comments)})
}
