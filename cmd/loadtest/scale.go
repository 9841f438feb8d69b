package main

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"gorm.io/gorm"

	messagedal "github.com/douyin-go/douyin/cmd/message/dal"
	userdal "github.com/douyin-go/douyin/cmd/user/dal"
	videodal "github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/paging"
)

// scaleResult compares one request at 1k rows with the same request at scale.
type scaleResult struct {
	name  string
	rows  string
	small closedResult
	large closedResult
}

// The sizes the scale section loads, and the small size compared with.
const (
	smallRows     = 1_000
	feedVideos    = 1_000_000
	starFollowers = 100_000
	chatMessages  = 100_000
	scaleConns    = 4
	bulkBatch     = 500
	// cursorsPerRun is how many distinct pages a run asks for, so each
	// request reads the database rather than a page another one cached.
	cursorsPerRun = 20_000
	// warmPages is how many distinct pages a warm run asks for: their
	// videos (30 each) fit the caches' in-process part.
	warmPages = 1_000
)

// runScale bulk-loads large data straight into the target's database and
// measures the feed, a follower list and a chat, each at 1k rows and at
// scale: the first page (what clients ask for) and pages anywhere in the
// data (through cursors), arranged so both sizes miss the caches alike.
func runScale(ctx context.Context, o options, t *target, d *dataset) ([]scaleResult, error) {
	gdb, err := t.openDB()
	if err != nil {
		return nil, err
	}
	defer db.Close(gdb)
	var out []scaleResult
	for _, scenario := range []func(context.Context, options, *target, *gorm.DB, *dataset) ([]scaleResult, error){
		scaleFeed, scaleFollowers, scaleChat,
	} {
		res, err := scenario(ctx, o, t, gdb, d)
		if err != nil {
			return nil, err
		}
		out = append(out, res...)
	}
	return out, nil
}

// openDB opens the target's database for bulk loading.
func (t *target) openDB() (*gorm.DB, error) {
	switch {
	case t.mysqlDSN != "":
		return db.Open(t.mysqlDSN, "")
	case t.dataDir != "":
		return db.Open("", t.dataDir)
	}
	return nil, fmt.Errorf("-scale needs the deployment's database (-mysql-dsn)")
}

// measureAt runs reqs at low concurrency, for latency rather than load.
func measureAt(ctx context.Context, o options, t *target, reqs []string) (closedResult, error) {
	if _, err := runWrk(ctx, t.base, reqs, scaleConns, 1, time.Second); err != nil {
		return closedResult{}, err
	}
	return runWrk(ctx, t.base, reqs, scaleConns, 1, o.duration)
}

// measureWarm is measureAt after every request in reqs has been made once,
// so that at both sizes the pages come from the caches and the comparison
// is of what the request itself costs: with pages at random depths of a
// million videos, most of a cold run's cost is filling the caches, which
// grows with the spread of what is read, not with the data.
func measureWarm(ctx context.Context, o options, t *target, reqs []string) (closedResult, error) {
	client := newAPI(t.base)
	for _, r := range reqs {
		path, _ := strings.CutPrefix(r, "GET ") // every scale request is a get
		if _, err := client.get(ctx, path); err != nil {
			return closedResult{}, err
		}
	}
	return measureAt(ctx, o, t, reqs)
}

// scaleFeed measures the feed with 1k videos, then with a million (all
// published before the seeded ones): its first page, and pages at random
// points of the loaded videos.
func scaleFeed(ctx context.Context, o options, t *target, gdb *gorm.DB, d *dataset) ([]scaleResult, error) {
	viewer := d.viewers[0]
	first := scaleResult{name: "feed, first page", rows: "1,000 → 1,000,000 videos"}
	res := scaleResult{name: "feed, page anywhere (latest_time), caches warm", rows: "1,000 → 1,000,000 videos"}
	cold := scaleResult{name: "feed, page anywhere (latest_time), caches cold at scale", rows: "1,000 → 1,000,000 videos"}
	head := []string{get("/douyin/feed/", url.Values{"token": {viewer.token}})}
	var oldest int64
	if err := gdb.Model(&videodal.Video{}).Select("COALESCE(MIN(published_at), 0)").Scan(&oldest).Error; err != nil {
		return nil, err
	}
	end := oldest - 1
	load := func(n int) (start int64, err error) {
		start = end - int64(n)
		log.Printf("scale: loading %d videos", n)
		err = bulk(gdb, n, func(i int) any {
			return &videodal.Video{AuthorID: viewer.id, Title: "bulk", PlayKey: "videos/bulk.mp4", CoverKey: "covers/bulk.jpg", PublishedAt: start + int64(i)}
		})
		end = start
		if err != nil {
			return start, err
		}
		// Keep the author's count exact, as reconcile checks it.
		return start, gdb.Exec("UPDATE users SET work_count = work_count + ? WHERE id = ?", n, viewer.id).Error
	}
	pages := func(from, to int64, n int) []string {
		rng := rand.New(rand.NewPCG(3, 4))
		reqs := make([]string, n)
		for i := range reqs {
			reqs[i] = get("/douyin/feed/", url.Values{"latest_time": {fmt.Sprint(from + rng.Int64N(to-from))}})
		}
		return reqs
	}
	smallStart, err := load(smallRows)
	if err != nil {
		return nil, err
	}
	smallEnd := smallStart + smallRows
	if first.small, err = measureAt(ctx, o, t, head); err != nil {
		return nil, err
	}
	if res.small, err = measureWarm(ctx, o, t, pages(smallStart+30, smallEnd, warmPages)); err != nil {
		return nil, err
	}
	if cold.small, err = measureAt(ctx, o, t, pages(smallStart+30, smallEnd, cursorsPerRun)); err != nil {
		return nil, err
	}
	bigStart, err := load(feedVideos - smallRows)
	if err != nil {
		return nil, err
	}
	if first.large, err = measureAt(ctx, o, t, head); err != nil {
		return nil, err
	}
	if res.large, err = measureWarm(ctx, o, t, pages(bigStart+30, smallEnd, warmPages)); err != nil {
		return nil, err
	}
	cold.large, err = measureAt(ctx, o, t, pages(bigStart+30, smallEnd, cursorsPerRun))
	return []scaleResult{first, res, cold}, err
}

// scaleFollowers measures the follower list of users with 1k followers
// and of one with 100k: the first page, and pages at random depths through
// their cursors. The small case spreads over 100 such users, so both
// cases list 100k distinct followers and miss the user cache alike.
func scaleFollowers(ctx context.Context, o options, t *target, gdb *gorm.DB, d *dataset) ([]scaleResult, error) {
	viewer := d.viewers[0]
	first := scaleResult{name: "follower list, first page", rows: "1,000 → 100,000 followers"}
	res := scaleResult{name: "follower list, page anywhere (cursor)", rows: "1,000 → 100,000 followers"}
	list := func(s star) url.Values { return url.Values{"token": {viewer.token}, "user_id": {id(s.id)}} }
	deep := func(stars []star, followers int) []string {
		rng := rand.New(rand.NewPCG(5, 6))
		reqs := make([]string, cursorsPerRun)
		for i := range reqs {
			s, n := stars[rng.IntN(len(stars))], rng.IntN(followers)
			// Follower n followed at since+n ms; its id is firstFan+n.
			q := list(s)
			q.Set("cursor", paging.Pos{At: s.since.Add(time.Duration(n) * time.Millisecond).UnixMilli(), ID: s.firstFan + int64(n)}.String())
			reqs[i] = get("/douyin/relation/follower/list/", q)
		}
		return reqs
	}
	var small []star
	for range starFollowers / smallRows {
		s, err := bulkStar(gdb, smallRows)
		if err != nil {
			return nil, err
		}
		small = append(small, s)
	}
	var err error
	if first.small, err = measureAt(ctx, o, t, []string{get("/douyin/relation/follower/list/", list(small[0]))}); err != nil {
		return nil, err
	}
	if res.small, err = measureAt(ctx, o, t, deep(small, smallRows)); err != nil {
		return nil, err
	}
	big, err := bulkStar(gdb, starFollowers)
	if err != nil {
		return nil, err
	}
	if first.large, err = measureAt(ctx, o, t, []string{get("/douyin/relation/follower/list/", list(big))}); err != nil {
		return nil, err
	}
	res.large, err = measureAt(ctx, o, t, deep([]star{big}, starFollowers))
	return []scaleResult{first, res}, err
}

// star is a user with bulk-loaded followers: the i-th has id firstFan+i
// and followed at since+i ms.
type star struct {
	id, firstFan int64
	since        time.Time
}

// bulkStar creates a user followed by n new users, counters included.
func bulkStar(gdb *gorm.DB, n int) (star, error) {
	log.Printf("scale: loading a user with %d followers", n)
	now := time.Now().UTC().Truncate(time.Millisecond)
	run := fmt.Sprintf("%x", now.UnixNano())
	s := &userdal.User{Username: "star" + run, PasswordHash: "x", FollowerCount: int64(n), CreatedAt: now}
	if err := gdb.Create(s).Error; err != nil {
		return star{}, err
	}
	var first int64
	err := bulk(gdb, n, func(i int) any {
		return &userdal.User{Username: fmt.Sprintf("f%s-%d", run, i), PasswordHash: "x", FollowCount: 1, CreatedAt: now}
	})
	if err != nil {
		return star{}, err
	}
	if err := gdb.Model(&userdal.User{}).Where("username = ?", "f"+run+"-0").Pluck("id", &first).Error; err != nil {
		return star{}, err
	}
	since := now.Add(-time.Duration(n) * time.Millisecond)
	err = bulk(gdb, n, func(i int) any {
		return &userdal.Follow{FollowerID: first + int64(i), FolloweeID: s.ID, CreatedAt: since.Add(time.Duration(i) * time.Millisecond)}
	})
	return star{id: s.ID, firstFan: first, since: since}, err
}

// scaleChat measures a conversation of 1k messages and one of 100k: the
// latest page (pre_msg_time 0) and pages read back from random points.
func scaleChat(ctx context.Context, o options, t *target, gdb *gorm.DB, d *dataset) ([]scaleResult, error) {
	first := scaleResult{name: "chat, latest page", rows: "1,000 → 100,000 messages"}
	res := scaleResult{name: "chat, page anywhere (cursor)", rows: "1,000 → 100,000 messages"}
	measurePair := func(a, b account, n int) (latest, deep closedResult, err error) {
		start, err := bulkChat(gdb, a.id, b.id, n)
		if err != nil {
			return latest, deep, err
		}
		chat := url.Values{"token": {a.token}, "to_user_id": {id(b.id)}}
		if latest, err = measureAt(ctx, o, t, []string{get("/douyin/message/chat/", chat)}); err != nil {
			return latest, deep, err
		}
		rng := rand.New(rand.NewPCG(7, 8))
		reqs := make([]string, cursorsPerRun)
		for i := range reqs {
			chat.Set("cursor", fmt.Sprint(start+1+rng.Int64N(int64(n))))
			reqs[i] = get("/douyin/message/chat/", chat)
		}
		deep, err = measureAt(ctx, o, t, reqs)
		return latest, deep, err
	}
	var err error
	if first.small, res.small, err = measurePair(d.viewers[1], d.viewers[2], smallRows); err != nil {
		return nil, err
	}
	first.large, res.large, err = measurePair(d.viewers[3], d.viewers[4], chatMessages)
	return []scaleResult{first, res}, err
}

// bulkChat adds n messages between a and b, older than any they have, and
// returns the create_time of the first.
func bulkChat(gdb *gorm.DB, a, b int64, n int) (int64, error) {
	log.Printf("scale: loading a chat of %d messages", n)
	low, high := min(a, b), max(a, b)
	first := time.Now().Add(-time.Duration(n+1) * time.Millisecond * 1000).UnixMilli()
	err := bulk(gdb, n, func(i int) any {
		return &messagedal.Message{UserLow: low, UserHigh: high, FromUserID: a, ToUserID: b, Content: "bulk", CreateTime: first + int64(i)}
	})
	if err != nil {
		return 0, err
	}
	// The conversation exists (seeded or not): make sure it does.
	return first, gdb.Exec("INSERT INTO conversations (user_low, user_high, last_time, last_message_id) SELECT ?, ?, ?, 0 WHERE NOT EXISTS (SELECT 1 FROM conversations WHERE user_low = ? AND user_high = ?)",
		low, high, first+int64(n), low, high).Error
}

// bulk inserts n rows made by row, bulkBatch per statement, in
// transactions of many statements.
func bulk(gdb *gorm.DB, n int, row func(i int) any) error {
	const perTx = 20 * bulkBatch
	for start := 0; start < n; start += perTx {
		err := gdb.Transaction(func(tx *gorm.DB) error {
			for b := start; b < min(start+perTx, n); b += bulkBatch {
				rows := make([]any, 0, bulkBatch)
				for i := b; i < min(b+bulkBatch, n); i++ {
					rows = append(rows, row(i))
				}
				if err := createAll(tx, rows); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// createAll inserts rows (all of one type) in one statement.
func createAll(tx *gorm.DB, rows []any) error {
	switch rows[0].(type) {
	case *videodal.Video:
		return tx.Create(typed[videodal.Video](rows)).Error
	case *userdal.User:
		return tx.Create(typed[userdal.User](rows)).Error
	case *userdal.Follow:
		return tx.Create(typed[userdal.Follow](rows)).Error
	case *messagedal.Message:
		return tx.Create(typed[messagedal.Message](rows)).Error
	}
	return fmt.Errorf("no bulk insert for %T", rows[0])
}

func typed[T any](rows []any) []*T {
	out := make([]*T, len(rows))
	for i, r := range rows {
		out[i] = r.(*T)
	}
	return out
}
