package browser

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// uploadLimit makes the size error reachable with a small file.
const uploadLimit = 512 << 10

// Two people use the web client in two isolated browser contexts: sign
// up, publish (with the size and type errors), watch the feed play, like,
// comment, follow each other and chat live.
func TestWebClient(t *testing.T) {
	browser := newBrowser(t)
	base := startSystem(t, func(c *config.Config) { c.Upload.MaxBytes = uploadLimit })
	video := testutil.MakeVideo(t, "testsrc", 2, "320x240")
	notVideo := filepath.Join(t.TempDir(), "notes.txt")
	fakeVideo := filepath.Join(t.TempDir(), "fake.mp4")
	bigVideo := filepath.Join(t.TempDir(), "big.mp4")
	for path, size := range map[string]int{notVideo: 100, fakeVideo: 1000, bigVideo: 2 * uploadLimit} {
		if err := os.WriteFile(path, []byte(testutil.RandomHex(size/2)), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	api := &apiClient{t: t, base: base}
	alice := newTab(t, browser, base, "alice", phone)
	bob := newTab(t, browser, base, "bob", desktop)

	// Sign up.
	signUp(alice, "alice")
	signUp(bob, "bob")
	aliceID, aliceToken := alice.session()
	bobID, _ := bob.session()
	if aliceID <= 0 || bobID <= 0 || aliceToken == "" {
		t.Fatalf("sessions: alice %d %q, bob %d", aliceID, aliceToken, bobID)
	}

	// Publish: a wrong type and a fake video are refused with clear errors,
	// an oversized file as too large, a real video goes through.
	alice.open("#/publish", `!!document.querySelector("#pub-file")`)
	publishFile(alice, notVideo, "notes")
	alice.wait("the type error", textOf(".form-error", "is not a video"))
	publishFile(alice, fakeVideo, "fake")
	alice.wait("the not-playable error", textOf(".form-error", "not a playable video"))
	publishFile(alice, bigVideo, "big")
	alice.wait("the size error", textOf(".form-error", "large"))
	// Record what the progress bar shows while the real video uploads.
	alice.do("watch the progress bar", chromedp.Evaluate[chromedp.Void](`window.progressSeen = [];
		new MutationObserver(rs => rs.forEach(r => window.progressSeen.push(Number(r.target.getAttribute("value")))))
			.observe(document.querySelector(".progress progress"), {attributes: true, attributeFilter: ["value"]})`))
	publishFile(alice, video, "my first video")
	alice.wait("the profile after publishing", `location.hash === "#/user/`+id(aliceID)+`" && document.querySelectorAll(".grid li").length === 1`)
	if got := eval[int](alice, `Number(document.querySelector("[data-count=work_count]").innerText)`); got != 1 {
		t.Fatalf("work_count %d after publishing, want 1", got)
	}
	if seen := eval[[]int](alice, `window.progressSeen`); len(seen) == 0 || seen[len(seen)-1] != 100 {
		t.Fatalf("the progress bar showed %v, want it to end at 100", seen)
	}
	bob.open("#/publish", `!!document.querySelector("#pub-file")`)
	publishFile(bob, video, "bob's video")
	bob.wait("bob's profile", `document.querySelectorAll(".grid li").length === 1`)

	// Feed: the current video plays, muted, and its time advances.
	alice.open("#/", `document.querySelectorAll(".slide video").length === 2`)
	alice.wait("the first video to play", `(() => {
		const v = document.querySelector(".slide.current video");
		return v && v.muted && !v.paused && v.played.length > 0 && v.played.end(v.played.length - 1) > 0.3;
	})()`)
	if eval[bool](alice, `document.querySelector(".slide video").poster === ""`) {
		t.Fatal("the video has no cover as poster")
	}
	// Arrow keys move through the feed; the newest (bob's) is first.
	first := eval[string](alice, `document.querySelector(".slide.current").dataset.videoId`)
	alice.do("focus the feed", chromedp.Focus(".player"))
	alice.key(kb.ArrowDown)
	alice.wait("the second video", `document.querySelector(".slide.current")?.dataset.videoId !== `+js(first)+` && document.querySelector(".slide.current .title").innerText === "my first video"`)
	alice.key(kb.ArrowUp)
	alice.wait("the first video again", `document.querySelector(".slide.current")?.dataset.videoId === `+js(first))
	alice.wait("bob's video to play", `(() => { const v = document.querySelector(".slide.current video"); return v && !v.paused && v.currentTime > 0; })()`)

	// Like bob's video, with its count.
	alice.click(".slide.current .act.like")
	alice.wait("the like", `document.querySelector(".slide.current .act.like").getAttribute("aria-pressed") === "true" && document.querySelector(".slide.current .act.like .n").innerText === "1"`)
	liked := api.call("/douyin/favorite/list/", url.Values{"token": {aliceToken}, "user_id": {id(aliceID)}})["video_list"].([]any)
	if len(liked) != 1 || liked[0].(map[string]any)["title"] != "bob's video" {
		t.Fatalf("alice's likes: %v", liked)
	}

	// Comment, delete it, comment again; Escape closes the drawer.
	alice.click(".slide.current .act.comment")
	alice.wait("the comments drawer", `document.activeElement?.name === "comment" && !!document.querySelector(".comments .empty") && !document.querySelector(".comments[aria-busy]")`)
	alice.typeInto(`.drawer input[name="comment"]`, "first!")
	alice.key(kb.Enter)
	alice.wait("the comment", textOf(".comments", "first!")+` && document.querySelector(".slide.current .act.comment .n").innerText === "1"`)
	alice.click(".comments .comment button.danger")
	alice.wait("the deletion", `!document.querySelector(".comments .comment") && document.querySelector(".slide.current .act.comment .n").innerText === "0"`)
	alice.typeInto(`.drawer input[name="comment"]`, "nice video")
	alice.key(kb.Enter)
	alice.wait("the second comment", textOf(".comments", "nice video"))
	alice.key(kb.Escape)
	alice.wait("the drawer to close and focus to return", `!document.querySelector(".drawer") && document.activeElement?.classList.contains("comment")`)
	videoID := eval[string](alice, `document.querySelector(".slide.current").dataset.videoId`)
	comments := api.call("/douyin/comment/list/", url.Values{"token": {aliceToken}, "video_id": {videoID}})["comment_list"].([]any)
	if len(comments) != 1 || comments[0].(map[string]any)["content"] != "nice video" {
		t.Fatalf("comments: %v", comments)
	}

	// Follow each other from the profiles: friends.
	alice.click(".slide.current .author")
	alice.wait("bob's profile", textOf("#profile-name", "bob"))
	alice.click(".profile-head button.primary")
	alice.wait("following bob", textOf(".profile-head .buttons", "Following")+` && document.querySelector("[data-count=follower_count]").innerText === "1"`)
	bob.open("#/user/"+id(aliceID), textOf("#profile-name", "alice"))
	bob.click(".profile-head button.primary")
	bob.wait("following alice", textOf(".profile-head .buttons", "Following"))

	// Chat live: each side opens the conversation from the friend list.
	for _, b := range []*tab{alice, bob} {
		b.open("#/social/friend", `document.querySelectorAll(".people .person").length === 1`)
		b.click(`.people a.button`)
		b.wait("the live chat", `document.querySelector(".live-state")?.dataset.state === "live"`)
	}
	alice.typeInto(`.chat input[name="content"]`, "hi bob")
	alice.key(kb.Enter)
	bob.wait("alice's message", textOf(".messages li.theirs", "hi bob"))
	bob.typeInto(`.chat input[name="content"]`, "hi alice!")
	bob.key(kb.Enter)
	alice.wait("bob's reply", textOf(".messages li.theirs", "hi alice!"))
	alice.wait("both messages once, in order", `[...document.querySelectorAll(".messages li")].map(li => li.innerText.split("\n")[0]).join("|") === "hi bob|hi alice!"`)

	// Log out.
	alice.open("#/me", textOf("#profile-name", "alice"))
	alice.click(`.profile-head button.secondary`)
	alice.wait("the logged-out feed", `localStorage.getItem("douyin.session") === null && !document.querySelector('.nav a[data-nav="login"]').hidden`)
}

func signUp(b *tab, name string) {
	b.t.Helper()
	b.open("#/register", `document.activeElement?.id === "auth-username"`)
	b.typeInto("#auth-username", name)
	b.typeInto("#auth-password", "password-"+name)
	b.key(kb.Enter)
	b.wait("the feed after signing up", `location.hash === "#/" && !!localStorage.getItem("douyin.session")`)
}

// publishFile fills the publish form and submits it.
func publishFile(b *tab, path, title string) {
	b.t.Helper()
	b.do("choose "+path, chromedp.SetUploadFiles("#pub-file", []string{path}))
	b.do("clear the title and the last error", chromedp.Evaluate[chromedp.Void](`document.querySelector("#pub-title").value = ""; document.querySelector(".form-error").textContent = ""`))
	b.typeInto("#pub-title", title)
	b.click(`form button[type="submit"]`)
}
