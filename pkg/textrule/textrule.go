// Package textrule holds the rules every piece of user text follows
// (titles, comments, messages, names): valid UTF-8 with no control
// characters, and for names no invisible format characters either.
package textrule

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/douyin-go/douyin/pkg/errno"
)

// Text checks free text of the field named field. Multi-line text
// (comments, messages) may hold line breaks and tabs; no other control
// character is allowed anywhere.
func Text(field, s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return errno.ParamErr.WithMessagef("%s must be valid UTF-8 text", field)
	}
	// Line breaks and tabs lay out multi-line text.
	layout := func(r rune) bool { return r == '\n' || r == '\t' || r == '\r' }
	if strings.IndexFunc(s, func(r rune) bool { return isControl(r) && (!multiline || !layout(r)) }) >= 0 {
		return errno.ParamErr.WithMessagef("%s must not contain control characters", field)
	}
	return nil
}

// Name checks a name: one line of text with no invisible format
// characters (Unicode category Cf: zero-width spaces and joiners, bidi
// controls), which would let two different names look the same.
func Name(field, s string) error {
	if err := Text(field, s, false); err != nil {
		return err
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Cf, r) }) >= 0 {
		return errno.ParamErr.WithMessagef("%s must not contain invisible formatting characters", field)
	}
	return nil
}

// isControl is Unicode category Cc, plus the line and paragraph
// separators, which act as line breaks.
func isControl(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}
