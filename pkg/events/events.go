// Package events defines every event douyin publishes: one topic each, a
// typed payload, and a key that keeps one entity's events in order.
// Adding an event type is a struct with Topic and Key here, a Transact
// emit at the writer, and an eventbus.On route at each consumer.
package events

import "strconv"

// Topics.
const (
	TopicFollow   = "douyin.follow"
	TopicFavorite = "douyin.favorite"
	TopicComment  = "douyin.comment"
	TopicPublish  = "douyin.publish"
	TopicMessage  = "douyin.message"
)

// Topics lists every topic, for creating them up front.
func Topics() []string {
	return []string{TopicFollow, TopicFavorite, TopicComment, TopicPublish, TopicMessage}
}

// Followed: FollowerID started (Delta +1) or stopped (Delta -1) following
// FolloweeID.
type Followed struct {
	FollowerID int64 `json:"follower_id"`
	FolloweeID int64 `json:"followee_id"`
	Delta      int64 `json:"delta"`
}

func (Followed) Topic() string { return TopicFollow }
func (e Followed) Key() string { return strconv.FormatInt(e.FolloweeID, 10) }

// Favorited: UserID liked (+1) or unliked (-1) VideoID of AuthorID.
type Favorited struct {
	UserID   int64 `json:"user_id"`
	VideoID  int64 `json:"video_id"`
	AuthorID int64 `json:"author_id"`
	Delta    int64 `json:"delta"`
}

func (Favorited) Topic() string { return TopicFavorite }
func (e Favorited) Key() string { return strconv.FormatInt(e.VideoID, 10) }

// Commented: a comment on VideoID was posted (+1) or deleted (-1).
type Commented struct {
	VideoID   int64 `json:"video_id"`
	CommentID int64 `json:"comment_id"`
	Delta     int64 `json:"delta"`
}

func (Commented) Topic() string { return TopicComment }
func (e Commented) Key() string { return strconv.FormatInt(e.VideoID, 10) }

// Published: AuthorID published VideoID.
type Published struct {
	AuthorID int64 `json:"author_id"`
	VideoID  int64 `json:"video_id"`
	Delta    int64 `json:"delta"`
}

func (Published) Topic() string { return TopicPublish }
func (e Published) Key() string { return strconv.FormatInt(e.AuthorID, 10) }

// MessageSent: a chat message was stored. It carries the whole message so
// gateways push it to both users' live sockets without reading it back;
// the key is the conversation, so one conversation's messages stay in
// create_time order on one partition. Nothing counts it.
type MessageSent struct {
	ID         int64  `json:"id"`
	FromUserID int64  `json:"from_user_id"`
	ToUserID   int64  `json:"to_user_id"`
	Content    string `json:"content"`
	CreateTime int64  `json:"create_time"` // ms, strictly increasing per conversation
}

func (MessageSent) Topic() string { return TopicMessage }
func (e MessageSent) Key() string {
	low, high := min(e.FromUserID, e.ToUserID), max(e.FromUserID, e.ToUserID)
	return strconv.FormatInt(low, 10) + "-" + strconv.FormatInt(high, 10)
}

// Consumer groups that keep counters. An action waits for the groups that
// count its events before it returns, so reads right after it see them.
const (
	// GroupUserCounters (user service) applies Followed, Favorited and
	// Published to user counters.
	GroupUserCounters = "douyin-user-counters"
	// GroupVideoCounters (video service) applies Favorited and Commented to
	// video counters.
	GroupVideoCounters = "douyin-video-counters"
)

// counters lists, per topic, the consumer groups that keep counters from
// its events. It is the one place that says who counts what: an action
// waits for these groups before it returns (so a read right after it sees
// its counts), and each group's consumer routes exactly these topics (its
// tests check). Adding a counting consumer is a line here.
var counters = map[string][]string{
	TopicFollow:   {GroupUserCounters},
	TopicFavorite: {GroupVideoCounters, GroupUserCounters},
	TopicComment:  {GroupVideoCounters},
	TopicPublish:  {GroupUserCounters},
}

// CountedBy lists the consumer groups that count topic's events.
func CountedBy(topic string) []string { return counters[topic] }

// CountedTopics lists the topics group counts.
func CountedTopics(group string) []string {
	var topics []string
	for _, t := range Topics() {
		for _, g := range counters[t] {
			if g == group {
				topics = append(topics, t)
			}
		}
	}
	return topics
}
