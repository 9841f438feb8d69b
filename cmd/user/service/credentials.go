package service

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/douyin-go/douyin/pkg/errno"
)

const maxCredentialLen = 32

func validateUsername(name string) error {
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		return errno.ParamErr.WithMessage("username is required")
	case n > maxCredentialLen:
		return errno.ParamErr.WithMessagef("username must be at most %d characters", maxCredentialLen)
	case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return errno.ParamErr.WithMessage("username contains invalid characters")
	case strings.TrimSpace(name) != name:
		return errno.ParamErr.WithMessage("username must not start or end with whitespace")
	}
	return nil
}

func validatePassword(password string) error {
	switch {
	case password == "":
		return errno.ParamErr.WithMessage("password is required")
	case utf8.RuneCountInString(password) > maxCredentialLen:
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
