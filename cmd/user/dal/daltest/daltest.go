// Package daltest helps tests of other packages set up user rows.
package daltest

import (
	"context"
	"testing"
	"time"

	"github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// CreateUsers creates n users with random names and returns their ids.
func CreateUsers(t testing.TB, users *dal.Users, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	for i := range ids {
		u := &dal.User{Username: "u" + testutil.RandomHex(6), PasswordHash: "h", CreatedAt: time.Now().UTC()}
		if err := users.Create(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		ids[i] = u.ID
	}
	return ids
}
