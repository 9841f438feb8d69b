package service

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/textrule"
)

// ActionSend is the only message action.
const ActionSend = 1

// MaxContentLen is the longest message, in characters, after trimming.
const MaxContentLen = 1000

// SendMessage stores a message from one user to another existing user; no
// friendship is needed.
//
// Content is trimmed of surrounding whitespace and the trimmed text is what
// is validated (1–1000 characters) and stored: padding is never meaningful
// in a chat bubble, and storing it would let a message of 1000 visible
// characters carry any amount of blank bytes past the column's limit.
func (s *Service) SendMessage(ctx context.Context, from, to int64, action int32, content string) error {
	if action != ActionSend {
		return errno.BadActionType.WithMessage("action_type must be 1 (send)")
	}
	if err := checkIDs(from, to); err != nil {
		return err
	}
	if from == to {
		return errno.MessageToSelf
	}
	content, err := trimContent(content)
	if err != nil {
		return err
	}
	content = s.opts.Words.Mask(content)
	if err := s.userExists(ctx, to); err != nil {
		return err
	}
	_, err = s.Messages.Send(ctx, from, to, content, s.Clock().UnixMilli())
	return err
}

// trimContent returns content without surrounding whitespace, or why it
// cannot be sent.
func trimContent(content string) (string, error) {
	content = strings.TrimSpace(content)
	switch n := utf8.RuneCountInString(content); {
	case n == 0:
		return "", errno.ParamErr.WithMessage("content must not be empty")
	case n > MaxContentLen:
		return "", errno.ParamErr.WithMessagef("content must be at most %d characters", MaxContentLen)
	}
	return content, textrule.Text("content", content, true)
}
