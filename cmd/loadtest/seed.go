package main

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"
)

// The data set's shape; the same every run (the names carry a run id so a
// deployment can be loaded more than once).
const (
	authorCount      = 10
	videosPerAuthor  = 3
	viewerCount      = 100
	followsPerViewer = 5
	likesPerViewer   = 5
	commentCount     = 200
	chatPairs        = 50
	messagesPerPair  = 20
	seedPassword     = "loadtest-password"
	seedParallelism  = 8
)

type account struct {
	id    int64
	token string
	name  string
}

// dataset is what seed created.
type dataset struct {
	authors []account
	viewers []account
	videos  []int64
	// chats are viewer index pairs that exchanged messages, with the
	// create_time of their latest message.
	chats []chat
}

type chat struct {
	a, b   int
	latest int64
}

func seed(ctx context.Context, base string) (*dataset, error) {
	start := time.Now()
	c := newAPI(base)
	rng := rand.New(rand.NewPCG(1, 2))
	run := strconv.FormatInt(time.Now().Unix()%1e6, 36)
	d := &dataset{}
	var err error
	if d.authors, err = registerAll(ctx, c, "lt"+run+"a", authorCount); err != nil {
		return nil, err
	}
	if d.viewers, err = registerAll(ctx, c, "lt"+run+"v", viewerCount); err != nil {
		return nil, err
	}
	if d.videos, err = publishAll(ctx, c, d.authors); err != nil {
		return nil, err
	}
	if err := relateAll(ctx, c, d, rng); err != nil {
		return nil, err
	}
	if err := chatAll(ctx, c, d, rng); err != nil {
		return nil, err
	}
	log.Printf("seeded %d authors, %d videos, %d viewers, follows, likes, %d comments, %d chats in %s",
		len(d.authors), len(d.videos), len(d.viewers), commentCount, len(d.chats), time.Since(start).Round(time.Second))
	return d, nil
}

func registerAll(ctx context.Context, c *api, prefix string, n int) ([]account, error) {
	out := make([]account, n)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(seedParallelism)
	for i := range out {
		g.Go(func() error {
			a, err := c.register(ctx, fmt.Sprintf("%s%d", prefix, i), seedPassword)
			out[i] = a
			return err
		})
	}
	return out, g.Wait()
}

// publishAll publishes videosPerAuthor clips per author, one author at a
// time in order so publish times follow the authors.
func publishAll(ctx context.Context, c *api, authors []account) ([]int64, error) {
	clip, err := makeClip()
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, a := range authors {
		for i := 0; i < videosPerAuthor; i++ {
			if err := c.publish(ctx, a.token, fmt.Sprintf("%s #%d", a.name, i+1), clip); err != nil {
				return nil, err
			}
		}
		mine, err := c.publishedBy(ctx, a.token, a.id)
		if err != nil {
			return nil, err
		}
		ids = append(ids, mine...)
	}
	return ids, nil
}

// makeClip renders a 3-second test video with ffmpeg.
func makeClip() ([]byte, error) {
	dir, err := os.MkdirTemp("", "loadtest-clip-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "clip.mp4")
	cmd := exec.Command("ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=3:size=320x240:rate=25",
		"-pix_fmt", "yuv420p", "-y", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ffmpeg: %v: %s", err, msg)
	}
	return os.ReadFile(out)
}

// relateAll makes viewers follow authors, like videos and comment on them.
func relateAll(ctx context.Context, c *api, d *dataset, rng *rand.Rand) error {
	type call struct {
		path   string
		params url.Values
	}
	var calls []call
	for _, v := range d.viewers {
		for _, i := range rng.Perm(len(d.authors))[:followsPerViewer] {
			calls = append(calls, call{"/douyin/relation/action/", url.Values{"token": {v.token}, "to_user_id": {fmt.Sprint(d.authors[i].id)}, "action_type": {"1"}}})
		}
		for _, i := range rng.Perm(len(d.videos))[:likesPerViewer] {
			calls = append(calls, call{"/douyin/favorite/action/", url.Values{"token": {v.token}, "video_id": {fmt.Sprint(d.videos[i])}, "action_type": {"1"}}})
		}
	}
	for i := 0; i < commentCount; i++ {
		v := d.viewers[rng.IntN(len(d.viewers))]
		calls = append(calls, call{"/douyin/comment/action/", url.Values{"token": {v.token}, "video_id": {fmt.Sprint(d.videos[rng.IntN(len(d.videos))])},
			"action_type": {"1"}, "comment_text": {fmt.Sprintf("seeded comment %d", i)}}})
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(seedParallelism)
	for _, cl := range calls {
		g.Go(func() error { return c.call(gctx, cl.path, cl.params, nil) })
	}
	return g.Wait()
}

// chatAll makes chatPairs pairs of viewers exchange messages.
func chatAll(ctx context.Context, c *api, d *dataset, rng *rand.Rand) error {
	perm := rng.Perm(len(d.viewers))
	for i := 0; i < chatPairs && 2*i+1 < len(perm); i++ {
		d.chats = append(d.chats, chat{a: perm[2*i], b: perm[2*i+1]})
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(seedParallelism)
	for i := range d.chats {
		ch := &d.chats[i]
		g.Go(func() error {
			a, b := d.viewers[ch.a], d.viewers[ch.b]
			for m := 0; m < messagesPerPair; m++ {
				from, to := a, b
				if m%2 == 1 {
					from, to = b, a
				}
				params := url.Values{"token": {from.token}, "to_user_id": {fmt.Sprint(to.id)}, "action_type": {"1"}, "content": {fmt.Sprintf("message %d", m)}}
				if err := c.call(gctx, "/douyin/message/action/", params, nil); err != nil {
					return err
				}
			}
			latest, err := c.chatLatest(gctx, a.token, b.id)
			ch.latest = latest
			return err
		})
	}
	return g.Wait()
}
