package handler

import (
	"context"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/interaction"
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
	PageInfo
}

// CommentAction serves /douyin/comment/action/: action_type 1 posts
// comment_text, 2 deletes comment_id.
func (h *Handler) CommentAction(ctx context.Context, c *app.RequestContext) {
	serve(ctx, c, bindCommentAction, h.rpc.Interaction.CommentAction, func(r *interaction.CommentActionResponse) any {
		return commentActionResponse{Status: ok(), Comment: r.Comment}
	})
}

func bindCommentAction(p *params, c *app.RequestContext) *interaction.CommentActionRequest {
	req := &interaction.CommentActionRequest{UserId: auth.UserID(c), VideoId: p.ID("video_id"), ActionType: p.ActionType(1, 2)}
	switch req.ActionType {
	case 1:
		// Emptiness and length are the service's to judge, after trimming.
		req.CommentText = p.String("comment_text")
	case 2:
		req.CommentId = p.ID("comment_id")
	}
	return req
}

// CommentList serves /douyin/comment/list/: the comments on video_id,
// newest first.
func (h *Handler) CommentList(ctx context.Context, c *app.RequestContext) {
	serve(ctx, c, bindCommentList, h.rpc.Interaction.CommentList, func(r *interaction.CommentListResponse) any {
		return commentListResponse{Status: ok(), CommentList: nonNil(r.Comments), PageInfo: pageInfoOf(r.PageInfo)}
	})
}

func bindCommentList(p *params, c *app.RequestContext) *interaction.CommentListRequest {
	return &interaction.CommentListRequest{ViewerId: auth.UserID(c), VideoId: p.ID("video_id"), Page: p.Page()}
}
