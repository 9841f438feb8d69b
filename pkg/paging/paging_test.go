package paging

import (
	"errors"
	"testing"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
)

func TestSize(t *testing.T) {
	tests := []struct {
		page    *base.Page
		want    int
		wantErr bool
	}{
		{nil, Default, false},
		{&base.Page{}, Default, false},
		{&base.Page{Count: 7}, 7, false},
		{&base.Page{Count: Max}, Max, false},
		{&base.Page{Count: Max + 1}, Max, false},
		{&base.Page{Count: -1}, 0, true},
	}
	for _, tt := range tests {
		got, err := Size(tt.page)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("Size(%+v) = %d, %v; want %d (error %v)", tt.page, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, p := range []Pos{{At: 1_700_000_000_123, ID: 42}, {ID: 9}} {
		got, err := Cursor(&base.Page{Cursor: p.String()})
		if err != nil || got != p {
			t.Errorf("Cursor(%q) = %+v, %v; want %+v", p.String(), got, err, p)
		}
	}
	if p, err := Cursor(nil); err != nil || !p.IsStart() {
		t.Errorf("Cursor(nil) = %+v, %v; want the start", p, err)
	}
	for _, bad := range []string{"x", "1.x", "-1.2", "1.0", "0", "1.2.3", "9999999999999999999"} {
		if _, err := Cursor(&base.Page{Cursor: bad}); !errors.Is(err, errno.ParamErr) {
			t.Errorf("Cursor(%q) = %v, want ParamErr", bad, err)
		}
	}
}

func TestTrim(t *testing.T) {
	pos := func(n int) Pos { return Pos{ID: int64(n)} }
	items, info := Trim([]int{9, 8, 7}, 3, pos)
	if len(items) != 3 || info.HasMore || info.NextCursor != "" {
		t.Fatalf("a full last page: %v %+v", items, info)
	}
	items, info = Trim([]int{9, 8, 7, 6}, 3, pos)
	if len(items) != 3 || !info.HasMore || info.NextCursor != "7" {
		t.Fatalf("a page with more after it: %v %+v", items, info)
	}
}
