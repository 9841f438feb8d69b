package dal

import (
	"context"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
)

// Messages stores conversations and their messages.
type Messages struct {
	eventbus.Tables
	// ReplicaLag is how far behind read replicas may be; history older
	// than that is read from them (0: never).
	ReplicaLag time.Duration
}

// Send stores a message from one user to another, stamped with
// max(now, the conversation's last time + 1) so create_time is strictly
// increasing per conversation in commit order: a reader polling with the
// last create_time it saw can neither miss a message committed later
// (its time is larger than everything committed before) nor see one twice.
// It runs in one transaction; the conversation row's lock orders senders
// (on SQLite, the IMMEDIATE transaction orders all writers). A burst of
// more than one message per millisecond runs create_time ahead of the
// clock by the burst's size, which readers cannot tell from real time.
// Its MessageSent event is written in the same transaction, after the
// conversation lock, so events of one conversation reach the outbox (and
// Kafka) in create_time order and none is lost.
func (s *Messages) Send(ctx context.Context, from, to int64, content string, now int64) (*Message, error) {
	low, high := pair(from, to)
	m := &Message{UserLow: low, UserHigh: high, FromUserID: from, ToUserID: to, Content: content}
	_, err := s.Transact(ctx, func(tx *gorm.DB, emit eventbus.Emit) error {
		// The first message creates the row; racers for it do nothing.
		err := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&Conversation{UserLow: low, UserHigh: high}).Error
		if err != nil {
			return err
		}
		conv := func() *gorm.DB {
			return tx.Model(&Conversation{}).Where("user_low = ? AND user_high = ?", low, high)
		}
		// CASE rather than GREATEST (MySQL) or MAX(a, b) (SQLite): both
		// dialects run it. The UPDATE takes the row lock before reading.
		err = conv().UpdateColumn("last_time",
			gorm.Expr("CASE WHEN last_time >= ? THEN last_time + 1 ELSE ? END", now, now)).Error
		if err != nil {
			return err
		}
		var c Conversation
		if err := conv().Select("last_time").Take(&c).Error; err != nil {
			return err
		}
		m.CreateTime = c.LastTime
		if err := tx.Create(m).Error; err != nil {
			return err
		}
		if err := conv().UpdateColumn("last_message_id", m.ID).Error; err != nil {
			return err
		}
		return emit(events.MessageSent{ID: m.ID, FromUserID: from, ToUserID: to, Content: content, CreateTime: m.CreateTime})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// ChatQuery picks messages of one conversation: those with After <
// create_time < Before (Before 0: no upper bound), at most Limit of them:
// the oldest such, or the newest when Newest is set. They are returned
// oldest first either way.
type ChatQuery struct {
	After, Before int64
	Limit         int
	Newest        bool
}

// Head is how far a conversation has got: whether it exists (a
// conversation exists only once a message between two existing users was
// stored) and the create_time of its newest message.
type Head struct {
	Exists   bool
	LastTime int64
}

// Head reads the conversation of a and b: one primary-key read.
func (s *Messages) Head(ctx context.Context, a, b int64) (Head, error) {
	low, high := pair(a, b)
	var conv Conversation
	err := s.DB.WithContext(ctx).Where("user_low = ? AND user_high = ?", low, high).Take(&conv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Head{}, nil
	}
	if err != nil {
		return Head{}, err
	}
	return Head{Exists: true, LastTime: conv.LastTime}, nil
}

// Chat returns the messages between a and b that q picks, and whether the
// two have a conversation at all (so callers need not look the peer up
// again). One index range of at most q.Limit rows; a poll with nothing new
// costs one primary-key read.
func (s *Messages) Chat(ctx context.Context, a, b int64, q ChatQuery) ([]Message, bool, error) {
	head, err := s.Head(ctx, a, b)
	if err != nil {
		return nil, false, err
	}
	return s.chatAfter(ctx, a, b, head, q)
}

// chatAfter is Chat for a conversation whose head was read already:
// nothing is read when it holds nothing newer than q.After.
func (s *Messages) chatAfter(ctx context.Context, a, b int64, head Head, q ChatQuery) ([]Message, bool, error) {
	if !head.Exists || head.LastTime <= q.After {
		return nil, head.Exists, nil
	}
	low, high := pair(a, b)
	tx := s.DB.WithContext(ctx)
	if q.Before > 0 && s.ReplicaLag > 0 && q.Before < time.Now().Add(-s.ReplicaLag).UnixMilli() {
		// History older than the replicas' lag: messages are only ever
		// added at the present, so every replica has these.
		tx = db.Aged(tx)
	}
	tx = tx.Where("user_low = ? AND user_high = ? AND create_time > ?", low, high, q.After)
	if q.Before > 0 {
		tx = tx.Where("create_time < ?", q.Before)
	}
	order := "create_time"
	if q.Newest {
		order = "create_time DESC"
	}
	var msgs []Message
	if err := tx.Order(order).Limit(q.Limit).Find(&msgs).Error; err != nil {
		return nil, true, err
	}
	if q.Newest {
		slices.Reverse(msgs)
	}
	return msgs, true, nil
}

// Latest returns the latest message between user and each of peers, keyed
// by peer; peers without messages are left out. One query, however many
// peers.
func (s *Messages) Latest(ctx context.Context, user int64, peers []int64) (map[int64]Message, error) {
	out := make(map[int64]Message, len(peers))
	if len(peers) == 0 {
		return out, nil
	}
	var msgs []Message
	err := s.DB.WithContext(ctx).Table("messages AS m").Select("m.*").
		Joins("JOIN conversations AS c ON c.last_message_id = m.id").
		Where("(c.user_low = ? AND c.user_high IN ?) OR (c.user_high = ? AND c.user_low IN ?)", user, peers, user, peers).
		Find(&msgs).Error
	for _, m := range msgs {
		out[m.UserLow+m.UserHigh-user] = m
	}
	return out, err
}
