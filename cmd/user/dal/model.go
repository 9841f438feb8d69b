// Package dal is the user service's data access: accounts, follow relations
// and user counters, in tables only this service touches.
package dal

import (
	"time"

	"gorm.io/gorm"
)

// OutboxTable holds the user service's events until they reach Kafka.
const OutboxTable = "user_outbox"

// User is an account with its profile and counters. Counters are
// maintained by the counter consumer, never written by actions.
type User struct {
	ID             int64     `gorm:"primaryKey;autoIncrement" json:"id"`
	Username       string    `gorm:"size:32;not null;uniqueIndex:uk_users_username" json:"name"`
	PasswordHash   string    `gorm:"size:72;not null" json:"-"`
	Signature      string    `gorm:"size:255;not null;default:''" json:"signature"`
	FollowCount    int64     `gorm:"not null;default:0" json:"follow_count"`
	FollowerCount  int64     `gorm:"not null;default:0" json:"follower_count"`
	TotalFavorited int64     `gorm:"not null;default:0" json:"total_favorited"`
	WorkCount      int64     `gorm:"not null;default:0" json:"work_count"`
	FavoriteCount  int64     `gorm:"not null;default:0" json:"favorite_count"`
	CreatedAt      time.Time `gorm:"not null" json:"-"`
}

// Follow is one edge: FollowerID follows FolloweeID.
type Follow struct {
	FollowerID int64     `gorm:"primaryKey;autoIncrement:false"`
	FolloweeID int64     `gorm:"primaryKey;autoIncrement:false;index:idx_follows_followee"`
	CreatedAt  time.Time `gorm:"not null;index:idx_follows_created"`
}

// Migrate creates the user service's tables.
func Migrate(db *gorm.DB) error {
	if err := db.AutoMigrate(&User{}, &Follow{}); err != nil {
		return err
	}
	if db.Name() == "mysql" {
		// Usernames compare exactly, as SQLite compares them: "Bob" and
		// "bob" are two users.
		return db.Exec("ALTER TABLE users MODIFY username VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL").Error
	}
	return nil
}
