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

// Follow is one edge: FollowerID follows FolloweeID since CreatedAt. The
// two indexes serve one page of either side's list, newest first.
type Follow struct {
	FollowerID int64     `gorm:"primaryKey;autoIncrement:false;index:idx_follows_follower_created,priority:1;index:idx_follows_followee_created,priority:3"`
	FolloweeID int64     `gorm:"primaryKey;autoIncrement:false;index:idx_follows_followee_created,priority:1;index:idx_follows_follower_created,priority:3"`
	CreatedAt  time.Time `gorm:"not null;index:idx_follows_follower_created,priority:2;index:idx_follows_followee_created,priority:2"`
}

// Friend is one direction of a mutual follow, kept beside the follows in
// the same transaction, so a page of friends is one index range however
// many users either side follows.
type Friend struct {
	UserID    int64     `gorm:"primaryKey;autoIncrement:false;index:idx_friends_user_created,priority:1"`
	FriendID  int64     `gorm:"primaryKey;autoIncrement:false;index:idx_friends_user_created,priority:3"`
	CreatedAt time.Time `gorm:"not null;index:idx_friends_user_created,priority:2"`
}

// Migrate creates the user service's tables.
func Migrate(db *gorm.DB) error {
	hadFriends := db.Migrator().HasTable(&Friend{})
	if err := db.AutoMigrate(&User{}, &Follow{}, &Friend{}); err != nil {
		return err
	}
	if !hadFriends {
		if err := backfillFriends(db); err != nil {
			return err
		}
	}
	if db.Name() == "mysql" {
		// Usernames compare exactly, as SQLite compares them: "Bob" and
		// "bob" are two users.
		return db.Exec("ALTER TABLE users MODIFY username VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL").Error
	}
	return nil
}

// backfillFriends fills the friends table, new in this version, from the
// follows of an existing database: friends since the later of the two
// follows.
func backfillFriends(db *gorm.DB) error {
	insert := "INSERT OR IGNORE INTO"
	if db.Name() == "mysql" {
		insert = "INSERT IGNORE INTO"
	}
	return db.Exec(insert + ` friends (user_id, friend_id, created_at)
		SELECT f.follower_id, f.followee_id, CASE WHEN f.created_at > b.created_at THEN f.created_at ELSE b.created_at END
		FROM follows f JOIN follows b ON b.follower_id = f.followee_id AND b.followee_id = f.follower_id`).Error
}
