package service

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/textrule"
)

const (
	maxCredentialLen = 32
	// minPasswordLen is the shortest password a new account may have
	// (accounts made before the rule still log in).
	minPasswordLen = 6
)

// validateUsername checks a new name: 1 to 32 characters of one line of
// text, no invisible formatting characters, no surrounding whitespace, and
// no sensitive word (a name cannot be masked: it is refused).
func (s *Service) validateUsername(name string) error {
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		return errno.ParamErr.WithMessage("username is required")
	case n > maxCredentialLen:
		return errno.ParamErr.WithMessagef("username must be at most %d characters", maxCredentialLen)
	}
	if err := textrule.Name("username", name); err != nil {
		return err
	}
	if strings.TrimSpace(name) != name {
		return errno.ParamErr.WithMessage("username must not start or end with whitespace")
	}
	if s.opts.Words.Contains(name) {
		return errno.TextNotAllowed.WithMessage("the username contains a word that is not allowed")
	}
	return nil
}

func validatePassword(password string) error {
	switch n := utf8.RuneCountInString(password); {
	case password == "":
		return errno.ParamErr.WithMessage("password is required")
	case n < minPasswordLen:
		return errno.ParamErr.WithMessagef("password must be at least %d characters", minPasswordLen)
	case n > maxCredentialLen:
		return errno.ParamErr.WithMessagef("password must be at most %d characters", maxCredentialLen)
	}
	return nil
}

// prehash fits any 32-character password (up to 128 bytes of UTF-8) into
// bcrypt's 72-byte input without truncating it.
func prehash(password string) []byte {
	sum := sha256.Sum256([]byte(password))
	return []byte(base64.StdEncoding.EncodeToString(sum[:]))
}

func hashPassword(password string, cost int) (string, error) {
	h, err := bcrypt.GenerateFromPassword(prehash(password), cost)
	return string(h), err
}

func checkPassword(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), prehash(password)) == nil
}
