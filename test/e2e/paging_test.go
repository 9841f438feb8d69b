package e2e

import (
	"net/http"
	"net/url"
	"testing"
)

// The page extension: lists answer next_cursor and has_more, and cursor
// and count walk a long list a page at a time. Clients that send neither
// get the first page.
func TestListsComeAPageAtATime(t *testing.T) {
	s := newSystem(t)
	star := s.register("star")
	var fans []account
	for i := 0; i < 5; i++ {
		fan := s.register("fan" + id(int64(i)))
		fans = append(fans, fan)
		mustOK(t, s.call(http.MethodPost, "/douyin/relation/action/", url.Values{"token": {fan.token}, "to_user_id": {id(star.id)}, "action_type": {"1"}}))
		mustOK(t, s.call(http.MethodPost, "/douyin/message/action/", url.Values{"token": {fan.token}, "to_user_id": {id(star.id)}, "action_type": {"1"}, "content": {"hi " + fan.name}}))
	}
	first := mustOK(t, s.call(http.MethodGet, "/douyin/relation/follower/list/", url.Values{"token": {star.token}, "user_id": {id(star.id)}}))
	if n := len(first.list(t, "user_list")); n != 5 || first.get("has_more") != false || first.str("next_cursor") != "" {
		t.Fatalf("the default page: %d users, has_more %v, next_cursor %q", n, first.get("has_more"), first.str("next_cursor"))
	}
	var seen []string
	params := url.Values{"token": {star.token}, "user_id": {id(star.id)}, "count": {"2"}}
	for pages := 0; ; pages++ {
		r := mustOK(t, s.call(http.MethodGet, "/douyin/relation/follower/list/", params))
		for _, u := range r.list(t, "user_list") {
			seen = append(seen, u["name"].(string))
		}
		if r.get("has_more") != true || pages > 5 {
			break
		}
		params.Set("cursor", r.str("next_cursor"))
	}
	if len(seen) != 5 || seen[0] != fans[4].name || seen[4] != fans[0].name {
		t.Fatalf("pages of 2 visited %v, want the 5 fans newest first", seen)
	}
	// A chat's latest page, then the page before it.
	chat := url.Values{"token": {star.token}, "to_user_id": {id(fans[0].id)}, "count": {"1"}}
	latest := mustOK(t, s.call(http.MethodGet, "/douyin/message/chat/", chat)).list(t, "message_list")
	if len(latest) != 1 {
		t.Fatalf("latest chat page: %v", latest)
	}
	mustFail(t, s.call(http.MethodGet, "/douyin/relation/follower/list/", url.Values{"token": {star.token}, "user_id": {id(star.id)}, "cursor": {"garbage"}}), 10002)
	mustFail(t, s.call(http.MethodGet, "/douyin/relation/follower/list/", url.Values{"token": {star.token}, "user_id": {id(star.id)}, "count": {"-3"}}), 10002)
}
