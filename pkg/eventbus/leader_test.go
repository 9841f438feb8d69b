package eventbus

import (
	"strings"
	"testing"
)

func TestLockName(t *testing.T) {
	long := strings.Repeat("d", 64)
	tests := []struct {
		name, database, table, want string
	}{
		{"short names are readable", "douyin", "video_outbox", "douyin:relay:douyin.video_outbox"},
		{"databases differ", "test_a1", "video_outbox", "douyin:relay:test_a1.video_outbox"},
		{"long names are hashed to fit", long, "video_outbox", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lockName(tt.database, tt.table)
			if len(got) > maxLockName {
				t.Fatalf("%q is %d characters, over MySQL's %d", got, len(got), maxLockName)
			}
			if tt.want != "" && got != tt.want {
				t.Fatalf("lockName = %q, want %q", got, tt.want)
			}
		})
	}
	if lockName(long, "a_outbox") == lockName(long, "b_outbox") {
		t.Fatal("hashed names of different tables collide")
	}
}
