// Package handler holds the gateway's HTTP handlers, one file per route
// group: each binds parameters, makes its RPC(s) and packs the contract's
// JSON. Business errors are HTTP 200 with status_code != 0.
package handler

import (
	"net/http"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
)

// Status is the part of every response body.
type Status struct {
	StatusCode int32  `json:"status_code"`
	StatusMsg  string `json:"status_msg"`
}

func statusOf(err error) Status {
	e := errno.Convert(err)
	return Status{StatusCode: e.Code, StatusMsg: e.Msg}
}

// ok is the success status.
func ok() Status { return statusOf(nil) }

// fail writes an error body with only the status fields.
func fail(c *app.RequestContext, err error) {
	c.JSON(http.StatusOK, statusOf(err))
}

// failHTTP writes an error body with an HTTP status, for the routes that
// answer as a file server does (media, static images).
func failHTTP(c *app.RequestContext, status int, e errno.ErrNo) {
	c.JSON(status, Status{StatusCode: e.Code, StatusMsg: e.Msg})
}

// reply writes body (which embeds Status) as the response.
func reply(c *app.RequestContext, body any) {
	c.JSON(http.StatusOK, body)
}

// nonNil keeps empty lists as [] in JSON, never null.
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

type videoListResponse struct {
	Status
	VideoList []*base.Video `json:"video_list"`
	PageInfo
}

// videoListOf is a successful answer listing one page of videos.
func videoListOf(videos []*base.Video, info *base.PageInfo) videoListResponse {
	return videoListResponse{Status: ok(), VideoList: nonNil(videos), PageInfo: pageInfoOf(info)}
}

// PageInfo is the page extension of list answers: where the next page
// starts, and whether there is one.
type PageInfo struct {
	NextCursor string `json:"next_cursor"`
	HasMore    bool   `json:"has_more"`
}

func pageInfoOf(info *base.PageInfo) PageInfo {
	if info == nil {
		return PageInfo{}
	}
	return PageInfo{NextCursor: info.NextCursor, HasMore: info.HasMore}
}
