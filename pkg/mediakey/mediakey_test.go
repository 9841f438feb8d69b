package mediakey

import (
	"strings"
	"testing"
)

func TestIsPublished(t *testing.T) {
	video, cover := NewPublished(".mp4")
	tests := []struct {
		key  string
		want bool
	}{
		{video, true},
		{cover, true},
		{"videos/a.mp4", true},
		{"covers/a.jpg", true},
		{NewUpload(), false},
		{"uploads/x", false},
		{"videos/", false},
		{"videos/a/b.mp4", false},
		{"videos/../uploads/x", false},
		{"videos/..", false},
		{"videos/.", false},
		{"covers/.hidden", false},
		{"videos/a\\b", false},
		{"videos/a\x00.mp4", false},
		{"videos/\xff\xfe.mp4", false},
		{"videos/" + strings.Repeat("a", 1100), false},
		{"other/a.mp4", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsPublished(tt.key); got != tt.want {
			t.Errorf("IsPublished(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestNewPublishedShareOneName(t *testing.T) {
	video, cover := NewPublished(".webm")
	name := strings.TrimSuffix(strings.TrimPrefix(video, "videos/"), ".webm")
	if cover != "covers/"+name+".jpg" || !strings.HasSuffix(video, ".webm") {
		t.Fatalf("video %q and cover %q do not share a name", video, cover)
	}
	if a, _ := NewPublished(".mp4"); a == video {
		t.Fatal("two publications got the same key")
	}
	if !strings.HasPrefix(NewUpload(), UploadsPrefix) {
		t.Fatal("upload key outside the uploads prefix")
	}
}
