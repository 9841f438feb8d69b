package auth_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
)

func TestSecretConfigured(t *testing.T) {
	dir := t.TempDir()
	// A kept secret on disk never overrides the configured one.
	if err := os.WriteFile(filepath.Join(dir, "jwt.secret"), []byte("kept-secret-on-disk-000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		configured  string
		mayGenerate bool
		wantErr     bool
	}{
		{"16 chars", "0123456789abcdef", false, false},
		{"long", strings.Repeat("s", 64), false, false},
		{"long, embedded", strings.Repeat("s", 64), true, false},
		{"15 chars", "0123456789abcde", false, true},
		{"15 chars, even embedded", "0123456789abcde", true, true},
		{"1 char", "x", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := auth.Secret(tt.configured, dir, tt.mayGenerate)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("accepted %q", tt.configured)
				}
				if got != nil {
					t.Fatalf("returned %q with an error", got)
				}
				return
			}
			if err != nil || string(got) != tt.configured {
				t.Fatalf("Secret = %q, %v; want the configured one", got, err)
			}
		})
	}
}

func TestSecretMissingAndMayNotGenerate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	got, err := auth.Secret("", dir, false)
	if err == nil || got != nil {
		t.Fatalf("Secret = %q, %v; want an error", got, err)
	}
	if !strings.Contains(err.Error(), "DOUYIN_JWT_SECRET") {
		t.Errorf("error %q does not say how to configure the secret", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the data dir was touched: %v", err)
	}
}

func TestSecretGeneratedPersistedAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	first, err := auth.Secret("", dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) < 32 {
		t.Fatalf("generated secret %q is only %d bytes", first, len(first))
	}
	if _, err := auth.New(first, 0, nil); err != nil {
		t.Fatalf("generated secret is not usable: %v", err)
	}
	path := filepath.Join(dir, "jwt.secret")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("secret not kept: %v", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		t.Fatalf("secret file mode %v is readable by others", perm)
	}
	raw, _ := os.ReadFile(path)
	if strings.TrimSpace(string(raw)) != string(first) {
		t.Fatalf("file holds %q, secret is %q", raw, first)
	}

	second, err := auth.Secret("", dir, true)
	if err != nil || string(second) != string(first) {
		t.Fatalf("restart got %q, %v; want the kept %q", second, err, first)
	}

	other, err := auth.Secret("", t.TempDir(), true)
	if err != nil || string(other) == string(first) {
		t.Fatalf("another data dir got %q, %v; want a different random secret", other, err)
	}
}

func TestSecretKeptFileIsTrimmedOrReplaced(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		wantKept string // "" when the file must be replaced by a new secret
	}{
		{"surrounding whitespace", "  a-kept-secret-of-enough-length \n\n", "a-kept-secret-of-enough-length"},
		{"too short", "short\n", ""},
		{"empty", "", ""},
		{"only whitespace", "   \n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "jwt.secret")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := auth.Secret("", dir, true)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantKept != "" {
				if string(got) != tt.wantKept {
					t.Fatalf("Secret = %q, want %q", got, tt.wantKept)
				}
				return
			}
			if len(got) < auth.MinSecretLen {
				t.Fatalf("replacement secret %q too short", got)
			}
			again, err := auth.Secret("", dir, true)
			if err != nil || string(again) != string(got) {
				t.Fatalf("replacement not kept: %q then %q (%v)", got, again, err)
			}
		})
	}
}

func TestSecretUnwritableDataDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := auth.Secret("", filepath.Join(file, "data"), true); err == nil {
		t.Fatalf("Secret = %q with a data dir under a file; want an error", got)
	}
}
