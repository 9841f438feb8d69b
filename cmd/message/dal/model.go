// Package dal is the message service's data access: conversations and the
// messages in them, in tables only this service touches.
package dal

import "gorm.io/gorm"

// OutboxTable holds the message service's events until they reach Kafka.
const OutboxTable = "message_outbox"

// Conversation is one row per unordered pair of users, keyed by the smaller
// id then the larger. Its row lock serialises senders of the conversation,
// so LastTime (the create_time of its newest message, ms) is strictly
// increasing in commit order; LastMessageID makes the latest-message lookup
// one join. idx_conversations_high serves lookups by the larger id.
type Conversation struct {
	UserLow       int64 `gorm:"primaryKey;autoIncrement:false;index:idx_conversations_high,priority:2"`
	UserHigh      int64 `gorm:"primaryKey;autoIncrement:false;index:idx_conversations_high,priority:1"`
	LastTime      int64 `gorm:"not null;default:0"`
	LastMessageID int64 `gorm:"not null;default:0"`
}

// Message is one chat message. UserLow/UserHigh name its conversation and,
// with CreateTime, form a unique index: chat reads are one range scan and
// no two messages of a conversation share a create_time.
type Message struct {
	ID         int64  `gorm:"primaryKey;autoIncrement"`
	UserLow    int64  `gorm:"not null;uniqueIndex:uk_messages_conversation_time,priority:1"`
	UserHigh   int64  `gorm:"not null;uniqueIndex:uk_messages_conversation_time,priority:2"`
	FromUserID int64  `gorm:"not null"`
	ToUserID   int64  `gorm:"not null"`
	Content    string `gorm:"size:1000;not null"`
	// CreateTime is milliseconds since the Unix epoch, as the client speaks.
	CreateTime int64 `gorm:"not null;uniqueIndex:uk_messages_conversation_time,priority:3"`
}

// Migrate creates the message service's tables.
func Migrate(db *gorm.DB) error {
	if db.Name() == "mysql" {
		// Messages are any text a phone can type (Chinese, emoji), whatever
		// the database's default character set is.
		db = db.Set("gorm:table_options", "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
	}
	return db.AutoMigrate(&Conversation{}, &Message{})
}

// pair orders two user ids into a conversation key.
func pair(a, b int64) (low, high int64) {
	if a < b {
		return a, b
	}
	return b, a
}
