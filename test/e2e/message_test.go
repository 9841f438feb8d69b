package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/errno"
)

// chatMsg is a message as the client reads it.
type chatMsg struct {
	ID, From, To, Time int64
	Content            string
}

func (s *system) sendMessage(t *testing.T, from, to account, content string) {
	t.Helper()
	mustOK(t, s.form(http.MethodPost, "/douyin/message/action/", url.Values{
		"token": {from.token}, "to_user_id": {id(to.id)}, "action_type": {"1"}, "content": {content}}))
}

// chat lists a's conversation with peer after pre ("" = no pre_msg_time).
func (s *system) chat(t *testing.T, a account, peer int64, pre string) []chatMsg {
	t.Helper()
	params := url.Values{"token": {a.token}, "to_user_id": {id(peer)}}
	if pre != "" {
		params.Set("pre_msg_time", pre)
	}
	return chatMessages(t, mustOK(t, s.call(http.MethodGet, "/douyin/message/chat/", params)))
}

func chatMessages(t *testing.T, r resp) []chatMsg {
	t.Helper()
	var out []chatMsg
	for _, m := range r.list(t, "message_list") {
		msg := resp(m)
		out = append(out, chatMsg{ID: msg.int("id"), From: msg.int("from_user_id"), To: msg.int("to_user_id"), Time: msg.int("create_time"), Content: msg.str("content")})
	}
	return out
}

// friends lists user's friends as viewer sees them, keyed by name.
func (s *system) friends(t *testing.T, viewer account, user int64) map[string]resp {
	t.Helper()
	r := mustOK(t, s.call(http.MethodGet, "/douyin/relation/friend/list/", url.Values{"token": {viewer.token}, "user_id": {id(user)}}))
	out := map[string]resp{}
	for _, f := range r.list(t, "user_list") {
		out[resp(f).str("name")] = f
	}
	return out
}

func (s *system) follow(t *testing.T, a, b account) {
	t.Helper()
	mustOK(t, s.form(http.MethodPost, "/douyin/relation/action/", url.Values{"token": {a.token}, "to_user_id": {id(b.id)}, "action_type": {"1"}}))
}

func contents(msgs []chatMsg) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Content
	}
	return out
}

func TestMessageChatAndFriendList(t *testing.T) {
	s := newSystem(t)
	alice, bob, carol, dave := s.register("alice"), s.register("bob"), s.register("carol"), s.register("dave")
	s.follow(t, alice, bob)
	s.follow(t, bob, alice)
	s.follow(t, alice, dave)
	s.follow(t, dave, alice)
	s.follow(t, carol, alice) // one way: not a friend

	before := time.Now().UnixMilli()
	s.sendMessage(t, alice, bob, "hi bob")
	s.sendMessage(t, bob, alice, "  hi alice  ")
	long := strings.Repeat("字", 1000)
	s.sendMessage(t, alice, bob, long)
	s.sendMessage(t, bob, alice, "emoji 👋🏽 ok")
	after := time.Now().UnixMilli()
	want := []string{"hi bob", "hi alice", long, "emoji 👋🏽 ok"}

	fromAlice := s.chat(t, alice, bob.id, "")
	t.Run("both directions, oldest first, trimmed, from both sides", func(t *testing.T) {
		if got := contents(fromAlice); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("alice's chat: %q", got)
		}
		fromBob := s.chat(t, bob, alice.id, "")
		if fmt.Sprint(fromBob) != fmt.Sprint(fromAlice) {
			t.Fatalf("bob sees %v, alice %v", fromBob, fromAlice)
		}
		for i, m := range fromAlice {
			wantFrom, wantTo := alice.id, bob.id
			if i%2 == 1 {
				wantFrom, wantTo = bob.id, alice.id
			}
			if m.From != wantFrom || m.To != wantTo || m.ID <= 0 {
				t.Errorf("message %d: %+v", i, m)
			}
			// create_time is milliseconds, around when it was sent.
			if m.Time < before || m.Time > after+1000 || (i > 0 && m.Time <= fromAlice[i-1].Time) {
				t.Errorf("message %d at %d, sent in [%d, %d], after %v", i, m.Time, before, after, fromAlice[:i])
			}
		}
	})
	t.Run("pre_msg_time in milliseconds", func(t *testing.T) {
		for i, m := range fromAlice {
			got := s.chat(t, bob, alice.id, id(m.Time))
			if fmt.Sprint(got) != fmt.Sprint(fromAlice[i+1:]) {
				t.Fatalf("after message %d: %v", i, got)
			}
		}
	})
	t.Run("pre_msg_time in seconds", func(t *testing.T) {
		first, last := fromAlice[0].Time, fromAlice[len(fromAlice)-1].Time
		// Read as milliseconds these would return everything and nothing.
		if got := s.chat(t, alice, bob.id, id(last/1000+1)); len(got) != 0 {
			t.Fatalf("after the last message's next second: %v", got)
		}
		if got := s.chat(t, alice, bob.id, id(first/1000-1)); len(got) != len(fromAlice) {
			t.Fatalf("after the second before the first message: %v", got)
		}
	})
	t.Run("friend list carries the latest message from both sides", func(t *testing.T) {
		fa := s.friends(t, alice, alice.id)
		if len(fa) != 2 || fa[bob.name] == nil || fa[dave.name] == nil {
			t.Fatalf("alice's friends: %v", fa)
		}
		b := fa[bob.name]
		for _, f := range []string{"id", "name", "follow_count", "follower_count", "is_follow", "avatar", "background_image", "signature", "total_favorited", "work_count", "favorite_count", "message", "msgType"} {
			if _, ok := b[f]; !ok {
				t.Errorf("friend has no %s: %v", f, b)
			}
		}
		if b.int("id") != bob.id || b.get("is_follow") != true || b.str("message") != "emoji 👋🏽 ok" || b.int("msgType") != 0 {
			t.Fatalf("bob in alice's list (alice received the latest): %v", b)
		}
		if d := fa[dave.name]; d.str("message") != "" || d.int("msgType") != 0 {
			t.Fatalf("dave, no messages: %v", d)
		}
		if a := s.friends(t, bob, bob.id)[alice.name]; a.str("message") != "emoji 👋🏽 ok" || a.int("msgType") != 1 {
			t.Fatalf("alice in bob's list (bob sent the latest): %v", a)
		}
		s.sendMessage(t, alice, bob, "last word")
		if b := s.friends(t, alice, alice.id)[bob.name]; b.str("message") != "last word" || b.int("msgType") != 1 {
			t.Fatalf("bob in alice's list after alice wrote: %v", b)
		}
		if a := s.friends(t, bob, bob.id)[alice.name]; a.str("message") != "last word" || a.int("msgType") != 0 {
			t.Fatalf("alice in bob's list after alice wrote: %v", a)
		}
	})
	t.Run("a third user sees nothing of their conversation", func(t *testing.T) {
		if got := s.chat(t, carol, alice.id, ""); len(got) != 0 {
			t.Fatalf("carol's chat with alice: %v", got)
		}
		if got := s.chat(t, carol, bob.id, "0"); len(got) != 0 {
			t.Fatalf("carol's chat with bob: %v", got)
		}
		if got := s.friends(t, carol, carol.id); len(got) != 0 {
			t.Fatalf("carol's friends: %v", got)
		}
		// Carol may list alice's friends, but the messages shown are
		// carol's own with them: none.
		fa := s.friends(t, carol, alice.id)
		if len(fa) != 2 || fa[bob.name].str("message") != "" || fa[bob.name].int("msgType") != 0 {
			t.Fatalf("alice's friends seen by carol: %v", fa)
		}
	})
	t.Run("messages need no friendship and stay in their conversation", func(t *testing.T) {
		s.sendMessage(t, carol, alice, "hello stranger")
		if got := contents(s.chat(t, alice, carol.id, "")); fmt.Sprint(got) != "[hello stranger]" {
			t.Fatalf("alice's chat with carol: %q", got)
		}
		if got := s.chat(t, alice, bob.id, ""); len(got) != len(want)+1 {
			t.Fatalf("alice–bob now has %d messages", len(got))
		}
		if fa := s.friends(t, carol, alice.id); fa[bob.name].str("message") != "" {
			t.Fatalf("alice's friends seen by carol: %v", fa)
		}
	})
}

// trySend sends a message without touching t, for use in goroutines.
func (s *system) trySend(from account, to int64, content string) error {
	body := url.Values{"token": {from.token}, "to_user_id": {id(to)}, "action_type": {"1"}, "content": {content}}
	res, err := http.PostForm(s.base+"/douyin/message/action/", body)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var r struct {
		Code int64  `json:"status_code"`
		Msg  string `json:"status_msg"`
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil || r.Code != 0 {
		return fmt.Errorf("send %q: %d %q %v", content, r.Code, r.Msg, err)
	}
	return nil
}

// TestChatPollingUnderConcurrentSenders is the client's loop: poll with the
// last create_time seen while both users send as fast as they can, so
// several messages land in the same millisecond. Each message must be seen
// exactly once, in order.
func TestChatPollingUnderConcurrentSenders(t *testing.T) {
	s := newSystem(t)
	alice, bob := s.register("alice"), s.register("bob")
	const perSender, workers = 15, 3
	total := 2 * perSender * workers

	var wg sync.WaitGroup
	errs := make(chan error, total)
	for _, pair := range [][2]account{{alice, bob}, {bob, alice}} {
		for w := range workers {
			wg.Go(func() {
				for i := range perSender {
					if err := s.trySend(pair[0], pair[1].id, fmt.Sprintf("%s-%d-%d", pair[0].name, w, i)); err != nil {
						errs <- err
					}
				}
			})
		}
	}
	sendersDone := make(chan struct{})
	go func() { wg.Wait(); close(sendersDone) }()

	seen := map[int64]bool{}
	var polled []chatMsg
	pre := "" // the client starts without pre_msg_time
	deadline := time.Now().Add(60 * time.Second)
	// Poll until every message arrived, or the senders finished and a poll
	// found nothing new.
	for len(polled) < total && time.Now().Before(deadline) {
		finished := false
		select {
		case <-sendersDone:
			finished = true
		default:
		}
		msgs := s.chat(t, alice, bob.id, pre)
		if finished && len(msgs) == 0 {
			break
		}
		for _, m := range msgs {
			if seen[m.ID] {
				t.Fatalf("message %d (%q) returned twice; pre_msg_time %s", m.ID, m.Content, pre)
			}
			if n := len(polled); n > 0 && m.Time <= polled[n-1].Time {
				t.Fatalf("create_time %d after %d", m.Time, polled[n-1].Time)
			}
			seen[m.ID] = true
			polled = append(polled, m)
			pre = id(m.Time)
		}
	}
	<-sendersDone
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(polled) != total {
		t.Fatalf("polling saw %d of %d messages", len(polled), total)
	}
	if all := s.chat(t, bob, alice.id, ""); fmt.Sprint(all) != fmt.Sprint(polled) {
		t.Fatalf("a full read differs from what polling collected")
	}
	// Each sender's own messages keep their order.
	next := map[string]int{}
	for _, m := range polled {
		var who string
		var w, i int
		if _, err := fmt.Sscanf(strings.ReplaceAll(m.Content, "-", " "), "%s %d %d", &who, &w, &i); err != nil {
			t.Fatalf("content %q: %v", m.Content, err)
		}
		key := fmt.Sprint(who, w)
		if i != next[key] {
			t.Fatalf("%s: message %d arrived before %d", key, i, next[key])
		}
		next[key]++
	}
}

func TestMessageBadInput(t *testing.T) {
	s := newSystem(t)
	alice, bob := s.register("alice"), s.register("bob")
	send := func(params url.Values) url.Values {
		out := url.Values{"token": {alice.token}, "to_user_id": {id(bob.id)}, "action_type": {"1"}, "content": {"hi"}}
		for k, v := range params {
			if v[0] == "<absent>" {
				out.Del(k)
			} else {
				out[k] = v
			}
		}
		return out
	}
	chat := func(params url.Values) url.Values {
		out := url.Values{"token": {alice.token}, "to_user_id": {id(bob.id)}}
		for k, v := range params {
			if v[0] == "<absent>" {
				out.Del(k)
			} else {
				out[k] = v
			}
		}
		return out
	}
	const (
		action  = "/douyin/message/action/"
		chatURL = "/douyin/message/chat/"
		friends = "/douyin/relation/friend/list/"
	)
	absent := []string{"<absent>"}
	tests := []struct {
		name   string
		path   string
		params url.Values
		want   errno.ErrNo
	}{
		{"send to unknown user", action, send(url.Values{"to_user_id": {"99999"}}), errno.UserNotExist},
		{"send to self", action, send(url.Values{"to_user_id": {id(alice.id)}}), errno.MessageToSelf},
		{"empty content", action, send(url.Values{"content": {""}}), errno.ParamErr},
		{"whitespace-only content", action, send(url.Values{"content": {" \t\n  "}}), errno.ParamErr},
		{"content with a control character", action, send(url.Values{"content": {"hi\x07"}}), errno.ParamErr},
		{"content with invalid UTF-8", action, send(url.Values{"content": {"hi \xc3\x28"}}), errno.ParamErr},
		{"1001-character content", action, send(url.Values{"content": {strings.Repeat("字", 1001)}}), errno.ParamErr},
		{"missing content", action, send(url.Values{"content": absent}), errno.ParamErr},
		{"action_type 2", action, send(url.Values{"action_type": {"2"}}), errno.BadActionType},
		{"non-numeric action_type", action, send(url.Values{"action_type": {"x"}}), errno.ParamErr},
		{"missing action_type", action, send(url.Values{"action_type": absent}), errno.ParamErr},
		{"non-numeric to_user_id", action, send(url.Values{"to_user_id": {"bob"}}), errno.ParamErr},
		{"missing to_user_id", action, send(url.Values{"to_user_id": absent}), errno.ParamErr},
		{"send without token", action, send(url.Values{"token": absent}), errno.TokenMissing},
		{"send with a bad token", action, send(url.Values{"token": {"not-a-token"}}), errno.TokenInvalid},
		{"chat with unknown user", chatURL, chat(url.Values{"to_user_id": {"99999"}}), errno.UserNotExist},
		{"chat with self", chatURL, chat(url.Values{"to_user_id": {id(alice.id)}}), errno.MessageToSelf},
		{"chat with non-numeric to_user_id", chatURL, chat(url.Values{"to_user_id": {"1x"}}), errno.ParamErr},
		{"chat without to_user_id", chatURL, chat(url.Values{"to_user_id": absent}), errno.ParamErr},
		{"non-numeric pre_msg_time", chatURL, chat(url.Values{"pre_msg_time": {"soon"}}), errno.ParamErr},
		{"chat without token", chatURL, chat(url.Values{"token": absent}), errno.TokenMissing},
		{"chat with a bad token", chatURL, chat(url.Values{"token": {"a.b.c"}}), errno.TokenInvalid},
		{"friends of unknown user", friends, url.Values{"token": {alice.token}, "user_id": {"99999"}}, errno.UserNotExist},
		{"friends of non-numeric user_id", friends, url.Values{"token": {alice.token}, "user_id": {"me"}}, errno.ParamErr},
		{"friends without user_id", friends, url.Values{"token": {alice.token}}, errno.ParamErr},
		{"friends without token", friends, url.Values{"user_id": {id(alice.id)}}, errno.TokenMissing},
		{"friends with a bad token", friends, url.Values{"token": {"x"}, "user_id": {id(alice.id)}}, errno.TokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustFail(t, s.form(http.MethodPost, tt.path, tt.params), int64(tt.want.Code))
		})
	}
	// Nothing was stored by the failed sends.
	if got := s.chat(t, alice, bob.id, ""); len(got) != 0 {
		t.Fatalf("failed sends stored %v", got)
	}
	// An empty conversation is still an array, never null.
	raw := s.call(http.MethodGet, chatURL, url.Values{"token": {bob.token}, "to_user_id": {id(alice.id)}})
	if b, _ := json.Marshal(raw["message_list"]); !bytes.Equal(b, []byte("[]")) {
		t.Fatalf("message_list of an empty chat: %s", b)
	}
}

// Sensitive words are masked in what is stored and shown; a line break
// inside a message is kept.
func TestMessagesMaskSensitiveWords(t *testing.T) {
	s := newSystem(t)
	alice, bob := s.register("mask-alice"), s.register("mask-bob")
	s.sendMessage(t, alice, bob, "加微信 on\nShit")
	got := s.chat(t, bob, alice.id, "")
	if len(got) != 1 || got[0].Content != "*** on\n****" {
		t.Fatalf("chat %+v, want the message masked", got)
	}
}
