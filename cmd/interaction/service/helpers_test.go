package service_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
)

var errBoom = errors.New("boom")

// checkErr fails unless err matches want: nil, an errno (same code, and
// the same message when wantMsg is set) or another error (errors.Is).
func checkErr(t *testing.T, err, want error, wantMsg string) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("want success, got %v", err)
	case want != nil && !errors.Is(err, want):
		t.Fatalf("want %v, got %v", want, err)
	}
	if wantMsg != "" && errno.Convert(err).Msg != wantMsg {
		t.Fatalf("want message %q, got %q", wantMsg, errno.Convert(err).Msg)
	}
}

func checkEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// firstVideos and firstComments drop the page info of a list answer.
func firstVideos(v []*base.Video, _ *base.PageInfo, err error) ([]*base.Video, error) { return v, err }

func firstComments(c []*base.Comment, _ *base.PageInfo, err error) ([]*base.Comment, error) {
	return c, err
}
