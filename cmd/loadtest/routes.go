package main

import (
	"fmt"
	"net/url"
)

// route is one hot route under load: the requests wrk cycles through, each
// "METHOD /path?query" (parameters go in the query string, which the API
// reads on every route).
type route struct {
	name  string
	write bool
	reqs  []string
	// depth is how many RPCs deep the route's longest chain goes (gateway
	// → video → user is 2): the depth of its ceiling.
	depth int
}

func get(path string, q url.Values) string  { return "GET " + path + "?" + q.Encode() }
func post(path string, q url.Values) string { return "POST " + path + "?" + q.Encode() }
func id(n int64) string                     { return fmt.Sprint(n) }

// allRoutes are the routes the benchmark measures, built on d.
func allRoutes(d *dataset) []route {
	return []route{
		{name: "feed anonymous", depth: 2, reqs: []string{"GET /douyin/feed/"}},
		{name: "feed with token", depth: 2, reqs: eachViewer(d, func(v account, i int) string {
			return get("/douyin/feed/", url.Values{"token": {v.token}})
		})},
		{name: "user info", depth: 1, reqs: eachViewer(d, func(v account, i int) string {
			return get("/douyin/user/", url.Values{"token": {v.token}, "user_id": {id(d.authors[i%len(d.authors)].id)}})
		})},
		{name: "publish list", depth: 2, reqs: eachViewer(d, func(v account, i int) string {
			return get("/douyin/publish/list/", url.Values{"token": {v.token}, "user_id": {id(d.authors[i%len(d.authors)].id)}})
		})},
		{name: "favorite list", depth: 3, reqs: eachViewer(d, func(v account, i int) string {
			return get("/douyin/favorite/list/", url.Values{"token": {v.token}, "user_id": {id(v.id)}})
		})},
		{name: "comment list", depth: 2, reqs: eachViewer(d, func(v account, i int) string {
			return get("/douyin/comment/list/", url.Values{"token": {v.token}, "video_id": {id(d.videos[i%len(d.videos)])}})
		})},
		{name: "follower list", depth: 1, reqs: eachViewer(d, func(v account, i int) string {
			return get("/douyin/relation/follower/list/", url.Values{"token": {v.token}, "user_id": {id(d.authors[i%len(d.authors)].id)}})
		})},
		{name: "chat poll", depth: 1, reqs: chatPolls(d)},
		{name: "like/unlike", write: true, depth: 2, reqs: toggles(d, likePair)},
		{name: "comment post", write: true, depth: 2, reqs: eachViewer(d, func(v account, i int) string {
			return post("/douyin/comment/action/", url.Values{"token": {v.token}, "video_id": {id(d.videos[i%len(d.videos)])},
				"action_type": {"1"}, "comment_text": {"a comment under load"}})
		})},
		{name: "follow/unfollow", write: true, depth: 1, reqs: toggles(d, followPair)},
		{name: "message send", write: true, depth: 2, reqs: eachChat(d, func(a, b account) string {
			return post("/douyin/message/action/", url.Values{"token": {a.token}, "to_user_id": {id(b.id)}, "action_type": {"1"}, "content": {"a message under load"}})
		})},
	}
}

func eachViewer(d *dataset, req func(v account, i int) string) []string {
	out := make([]string, len(d.viewers))
	for i, v := range d.viewers {
		out[i] = req(v, i)
	}
	return out
}

func eachChat(d *dataset, req func(a, b account) string) []string {
	var out []string
	for _, c := range d.chats {
		out = append(out, req(d.viewers[c.a], d.viewers[c.b]), req(d.viewers[c.b], d.viewers[c.a]))
	}
	return out
}

// chatPolls poll every chat with the latest time seen, as the client does
// every second: the usual answer is "nothing new".
func chatPolls(d *dataset) []string {
	var out []string
	for _, c := range d.chats {
		a, b := d.viewers[c.a], d.viewers[c.b]
		out = append(out, get("/douyin/message/chat/", url.Values{"token": {a.token}, "to_user_id": {id(b.id)}, "pre_msg_time": {id(c.latest)}}))
	}
	return out
}

// pairRequest is the request of action 1 (do) or 2 (undo) for pair i.
type pairRequest func(d *dataset, i int, action string) string

// toggles does then undoes a long run of distinct pairs, so concurrent
// requests rarely touch the same row and every request changes something.
func toggles(d *dataset, req pairRequest) []string {
	const pairs = 2000
	out := make([]string, 0, 2*pairs)
	for i := 0; i < pairs; i++ {
		out = append(out, req(d, i, "1"))
	}
	for i := 0; i < pairs; i++ {
		out = append(out, req(d, i, "2"))
	}
	return out
}

// likePair: viewer i%V likes video (i/V + seed offset): pairs the seed did
// not like are not guaranteed, but a repeated like is a harmless no-op.
func likePair(d *dataset, i int, action string) string {
	v := d.viewers[i%len(d.viewers)]
	video := d.videos[(i/len(d.viewers)+i)%len(d.videos)]
	return post("/douyin/favorite/action/", url.Values{"token": {v.token}, "video_id": {id(video)}, "action_type": {action}})
}

// followPair: viewer i%V follows another viewer (never themself).
func followPair(d *dataset, i int, action string) string {
	n := len(d.viewers)
	v := d.viewers[i%n]
	other := d.viewers[(i%n+1+i/n)%n]
	if other.id == v.id {
		other = d.viewers[(i%n+1)%n]
	}
	return post("/douyin/relation/action/", url.Values{"token": {v.token}, "to_user_id": {id(other.id)}, "action_type": {action}})
}
