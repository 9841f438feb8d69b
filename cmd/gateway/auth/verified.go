package auth

import (
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// verified remembers tokens this gateway has already checked. A client
// sends the same token on every call, and checking it (HMAC, base64 and
// JSON decoding of the claims) was a tenth of the CPU of a cheap route.
// The key is the whole token, signature included, so only a byte-identical
// copy of a token that passed every check is taken from here; its expiry
// is still checked on every use, by the same clock.
type verified struct {
	tokens *expirable.LRU[string, identity]
	now    func() time.Time
}

type identity struct {
	userID  int64
	expires time.Time
}

const (
	// verifiedSize bounds the remembered tokens (about 100 bytes each).
	verifiedSize = 1 << 16
	// verifiedTTL bounds how long one is remembered, whatever its expiry.
	verifiedTTL = 10 * time.Minute
)

func newVerified(now func() time.Time) *verified {
	return &verified{tokens: expirable.NewLRU[string, identity](verifiedSize, nil, verifiedTTL), now: now}
}

// userOf returns the user of a remembered, unexpired token, or 0.
func (v *verified) userOf(token string) int64 {
	id, ok := v.tokens.Get(token)
	if !ok || !v.now().Before(id.expires) {
		return 0
	}
	return id.userID
}

// remember records that token passed every check, for userID until
// expires.
func (v *verified) remember(token string, userID int64, expires time.Time) {
	if token != "" && userID > 0 && v.now().Before(expires) {
		v.tokens.Add(token, identity{userID: userID, expires: expires})
	}
}
