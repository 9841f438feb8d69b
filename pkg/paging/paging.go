// Package paging is the page extension of the API's lists: every list
// answers at most one page, and a cursor where the next one starts.
// Requests may carry `cursor` and `count`, answers carry `next_cursor` and
// `has_more`; the official client sends neither and reads neither, and
// gets the first page, sized for its normal use.
package paging

import (
	"strconv"
	"strings"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
)

// Sizes of pages: Default when the request names none, Max at most.
const (
	Default = 100
	Max     = 500
)

// Size is how many items the page p asks for: Default when it names no
// count, Max when it names more. A negative count is an error.
func Size(p *base.Page) (int, error) {
	var n int
	if p != nil {
		n = int(p.Count)
	}
	switch {
	case n < 0:
		return 0, errno.ParamErr.WithMessage("count must not be negative")
	case n == 0:
		return Default, nil
	default:
		return min(n, Max), nil
	}
}

// Pos is a position in a list ordered newest first by (At, ID): the page
// after it holds the items strictly older. The zero Pos is the start.
type Pos struct {
	At int64 // the ordering time (ms), or 0 for lists ordered by ID alone
	ID int64
}

// IsStart reports whether p is the start of the list.
func (p Pos) IsStart() bool { return p == Pos{} }

// String is p as a cursor: "at.id", or "id" when At is 0.
func (p Pos) String() string {
	if p.At == 0 {
		return strconv.FormatInt(p.ID, 10)
	}
	return strconv.FormatInt(p.At, 10) + "." + strconv.FormatInt(p.ID, 10)
}

// Cursor reads the position in the page p asks for ("" is the start).
func Cursor(p *base.Page) (Pos, error) {
	if p == nil || strings.TrimSpace(p.Cursor) == "" {
		return Pos{}, nil
	}
	c := strings.TrimSpace(p.Cursor)
	at, id, hasAt := strings.Cut(c, ".")
	if !hasAt {
		at, id = "0", c
	}
	a, err1 := strconv.ParseInt(at, 10, 64)
	i, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || a < 0 || i <= 0 {
		return Pos{}, errno.ParamErr.WithMessage("cursor is not one this list returned")
	}
	return Pos{At: a, ID: i}, nil
}

// Trim cuts items, read with one more than size, to a page and tells
// where the next page starts: after the last item kept, at pos(last).
func Trim[T any](items []T, size int, pos func(T) Pos) ([]T, *base.PageInfo) {
	if len(items) <= size {
		return items, &base.PageInfo{}
	}
	items = items[:size]
	return items, &base.PageInfo{NextCursor: pos(items[size-1]).String(), HasMore: true}
}

// Read is what the page p asks for: its size and where it starts.
func Read(p *base.Page) (size int, after Pos, err error) {
	if size, err = Size(p); err != nil {
		return 0, Pos{}, err
	}
	after, err = Cursor(p)
	return size, after, err
}

// IDs are the ids of positions.
func IDs(page []Pos) []int64 {
	ids := make([]int64, len(page))
	for i, p := range page {
		ids[i] = p.ID
	}
	return ids
}

// Self is the position of a position, for Trim on a list of positions.
func Self(p Pos) Pos { return p }

// Fetch reads the page p asks for with read, which is asked for one item
// more than the page holds (to know whether another page follows), and
// cuts it with Trim.
func Fetch[T any](p *base.Page, read func(after Pos, limit int) ([]T, error), pos func(T) Pos) ([]T, *base.PageInfo, error) {
	size, after, err := Read(p)
	if err != nil {
		return nil, nil, err
	}
	items, err := read(after, size+1)
	if err != nil {
		return nil, nil, err
	}
	items, info := Trim(items, size, pos)
	return items, info, nil
}
