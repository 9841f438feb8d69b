package auth_test

import (
	"errors"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/errno"
)

// Verify never panics, refuses anything but a token it issued (so a
// mutated token never names another user), and refuses with the two
// token errors only.
func FuzzVerify(f *testing.F) {
	a := newAuth(f, secret, time.Hour, nil)
	const user = 7
	tok, err := a.Issue(user)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{tok, "", "garbage", tok + "x", tok[:len(tok)-3], "eyJhbGciOiJub25lIn0.eyJzdWIiOiI3In0.",
		"a.b.c", "..", tok[:20] + "." + tok[21:]} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		id, err := a.Verify(token)
		if err != nil {
			tokenErr := errors.Is(err, errno.TokenInvalid) || errors.Is(err, errno.TokenMissing)
			if id != 0 || !tokenErr {
				t.Fatalf("Verify(%q) = %d, %v; want 0 and a token error", token, id, err)
			}
			return
		}
		if id != user {
			t.Fatalf("Verify(%q) = user %d: a token for a user never issued one", token, id)
		}
	})
}
