package browser

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/douyin-go/douyin/pkg/testutil"
)

// TestScreenshots saves every screen, on a phone and on a desktop, into
// $DOUYIN_SCREENSHOTS_DIR (make screenshots writes docs/screenshots).
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("DOUYIN_SCREENSHOTS_DIR")
	if dir == "" {
		t.Skip("set DOUYIN_SCREENSHOTS_DIR (make screenshots) to take screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	browser := newBrowser(t)
	base := startSystem(t, nil)
	s := seed(t, base)
	for _, vp := range []viewport{phone, desktop} {
		name := func(screen string) string { return vp.name + "-" + screen }
		anon := newTab(t, browser, base, "visitor", vp)
		anon.open("#/login", `document.activeElement?.id === "auth-username"`)
		anon.screenshot(dir, name("login"))

		b := newTab(t, browser, base, "mei", vp)
		b.do("open the client", chromedp.Navigate(base+"/#/login"))
		b.do("log in", chromedp.Evaluate[chromedp.Void](`localStorage.setItem("douyin.session", `+js(s.session)+`)`), chromedp.Reload())
		b.open("#/", `(() => { const v = document.querySelector(".slide.current video"); return v && !v.paused && v.currentTime > 0.5; })()`)
		b.screenshot(dir, name("feed"))
		b.click(".slide.current .act.comment")
		b.wait("the comments", `document.querySelectorAll(".comments .comment").length === 3 && document.activeElement?.name === "comment"`)
		b.screenshot(dir, name("comments"))
		b.open("#/user/"+id(s.friend), `document.querySelectorAll(".grid img").length === 2 && [...document.querySelectorAll(".grid img, .avatar")].every(i => i.complete)`)
		b.screenshot(dir, name("profile"))
		b.open("#/publish", `!!document.querySelector("#pub-file")`)
		b.typeInto("#pub-title", "Sunset over the river")
		b.screenshot(dir, name("publish"))
		b.open("#/social/friend", `document.querySelectorAll(".people .person").length === 1`)
		b.screenshot(dir, name("friends"))
		b.open("#/chat/"+id(s.friend), `document.querySelectorAll(".messages li").length === 4 && document.querySelector(".live-state")?.dataset.state === "live"`)
		b.screenshot(dir, name("chat"))
	}
}

// seeded is what seed made: the session of the user the screenshots show
// (localStorage form) and their friend.
type seeded struct {
	session string
	friend  int64
}

// seed fills the system through the API: three people, videos, likes,
// comments, follows and a conversation.
func seed(t *testing.T, base string) seeded {
	t.Helper()
	c := &apiClient{t: t, base: base}
	mei, jun, lan := c.register("mei"), c.register("jun"), c.register("lan")
	clips := []struct {
		by    user
		src   string
		title string
	}{
		{jun, "testsrc2", "Morning run along the river #weekend"},
		{lan, "smptebars", "Testing my new camera"},
		{jun, "rgbtestsrc", "Colour check before the shoot"},
		{mei, "testsrc", "My first video on douyin"},
	}
	for _, clip := range clips {
		c.publish(clip.by, testutil.MakeVideo(t, clip.src, 4, "360x640"), clip.title)
	}
	videos := c.call("/douyin/feed/", url.Values{})["video_list"].([]any)
	newest := int64(videos[0].(map[string]any)["id"].(float64))
	for _, u := range []user{jun, lan} {
		c.call("/douyin/favorite/action/", url.Values{"token": {u.token}, "video_id": {id(newest)}, "action_type": {"1"}})
	}
	for _, cm := range []struct {
		by   user
		text string
	}{{jun, "Love the colours!"}, {lan, "Where was this filmed?"}, {mei, "Welcome to douyin!"}} {
		c.call("/douyin/comment/action/", url.Values{"token": {cm.by.token}, "video_id": {id(newest)}, "action_type": {"1"}, "comment_text": {cm.text}})
	}
	follow := func(a, b user) {
		c.call("/douyin/relation/action/", url.Values{"token": {a.token}, "to_user_id": {id(b.id)}, "action_type": {"1"}})
	}
	follow(mei, jun)
	follow(jun, mei)
	follow(lan, mei)
	follow(mei, lan)
	follow(lan, jun)
	c.call("/douyin/relation/action/", url.Values{"token": {mei.token}, "to_user_id": {id(lan.id)}, "action_type": {"2"}})
	for _, m := range []struct {
		from, to user
		text     string
	}{{jun, mei, "Did you see my new video?"}, {mei, jun, "Yes! The river looks amazing"}, {jun, mei, "Let's go running there on Saturday"}, {mei, jun, "Deal, see you at 8"}} {
		c.call("/douyin/message/action/", url.Values{"token": {m.from.token}, "to_user_id": {id(m.to.id)}, "action_type": {"1"}, "content": {m.text}})
	}
	sess, _ := json.Marshal(map[string]any{"user_id": mei.id, "token": mei.token, "name": "mei"})
	return seeded{session: string(sess), friend: jun.id}
}

type user struct {
	id    int64
	token string
}

// apiClient calls the HTTP API as the official client does.
type apiClient struct {
	t    *testing.T
	base string
}

func (c *apiClient) register(name string) user {
	b := c.call("/douyin/user/register/", url.Values{"username": {name}, "password": {"password-" + name}})
	return user{id: int64(b["user_id"].(float64)), token: b["token"].(string)}
}

func (c *apiClient) call(path string, params url.Values) map[string]any {
	c.t.Helper()
	res, err := http.PostForm(c.base+path, params)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.decode(path, res)
}

func (c *apiClient) publish(u user, file, title string) {
	c.t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		c.t.Fatal(err)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("token", u.token)
	_ = w.WriteField("title", title)
	fw, _ := w.CreateFormFile("data", "clip.mp4")
	_, _ = fw.Write(data)
	_ = w.Close()
	res, err := http.Post(c.base+"/douyin/publish/action/", w.FormDataContentType(), &body)
	if err != nil {
		c.t.Fatal(err)
	}
	c.decode("publish", res)
}

func (c *apiClient) decode(what string, res *http.Response) map[string]any {
	c.t.Helper()
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil || body["status_code"] != float64(0) {
		c.t.Fatalf("%s: %s", what, raw)
	}
	return body
}
