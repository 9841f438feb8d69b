package dal

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/db"
)

// ErrDuplicate reports a username that is taken.
var ErrDuplicate = errors.New("duplicate")

// ErrNotFound reports a missing row.
var ErrNotFound = errors.New("not found")

// Users stores accounts. Reads by id go through a generation-checked cache.
type Users struct {
	db    *gorm.DB
	cache *cache.Entities[User]
}

// NewUsers stores accounts in gdb, caching them in store.
func NewUsers(gdb *gorm.DB, store *cache.Client) *Users {
	return &Users{db: gdb, cache: cache.NewEntities[User](store, "user", 10*time.Minute)}
}

// Create inserts u and sets its id; ErrDuplicate when the username is
// taken (the unique index decides, so racing registrations cannot both win).
func (s *Users) Create(ctx context.Context, u *User) error {
	err := s.db.WithContext(ctx).Create(u).Error
	if db.IsDuplicate(err) {
		return ErrDuplicate
	}
	return err
}

// ByUsername finds an account by its exact name.
func (s *Users) ByUsername(ctx context.Context, name string) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("username = ?", name).Take(&u).Error
	if err == nil && u.Username != name { // MariaDB's utf8mb4_bin pads: "bob " = "bob"
		err = gorm.ErrRecordNotFound
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &u, err
}

// ByIDs returns the users found among ids, keyed by id.
func (s *Users) ByIDs(ctx context.Context, ids []int64) (map[int64]User, error) {
	return s.cache.Load(ctx, ids, s.rowsByID)
}

func (s *Users) rowsByID(ctx context.Context, ids []int64) (map[int64]User, error) {
	return db.ByIDs(ctx, s.db, ids, func(u User) int64 { return u.ID })
}

// Invalidate drops cached copies of ids after their rows changed.
func (s *Users) Invalidate(ctx context.Context, ids ...int64) error {
	return s.cache.Invalidate(ctx, ids...)
}
