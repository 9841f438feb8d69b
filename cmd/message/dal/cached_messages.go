package dal

import (
	"context"

	"github.com/douyin-go/douyin/pkg/cache"
)

// CachedMessages keeps, in process, the head of each conversation (does
// it exist, when was its newest message), valid for one generation kept
// in Redis that every send bumps once it committed. The client polls an
// open chat every second and most polls find nothing new: they are
// answered from the copy, without a database read.
//
// A generation is per user with the smaller id of the pair (Versioned
// owners are single ids), so a send makes that user's other heads stale
// too: they are read again, never served stale.
type CachedMessages struct {
	*Messages
	heads *cache.Versioned[int64, Head]
}

// headsSize bounds the heads kept in process: one per open chat.
const headsSize = 50_000

// NewCachedMessages caches m's conversation heads, generations in client.
func NewCachedMessages(m *Messages, client *cache.Client) *CachedMessages {
	return &CachedMessages{Messages: m, heads: cache.NewVersioned[int64, Head](client, "conversations", headsSize)}
}

// Send is Messages.Send, then makes the conversation's head stale in every
// instance (retried in the background if Redis is down: the message is
// stored either way).
func (c *CachedMessages) Send(ctx context.Context, from, to int64, content string, now int64) (*Message, error) {
	m, err := c.Messages.Send(ctx, from, to, content, now)
	if err == nil {
		low, _ := pair(from, to)
		_ = c.heads.Bump(ctx, low)
	}
	return m, err
}

// Chat is Messages.Chat with the head through the cache.
func (c *CachedMessages) Chat(ctx context.Context, a, b int64, q ChatQuery) ([]Message, bool, error) {
	low, high := pair(a, b)
	head, err := c.heads.LoadOne(ctx, low, high, func(ctx context.Context) (Head, error) {
		return c.Head(ctx, a, b)
	})
	if err != nil {
		return nil, false, err
	}
	return c.chatAfter(ctx, a, b, head, q)
}
