package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Secret returns the configured signing secret. When none is configured,
// a process that may keep its own (the embedded default) reads or creates
// a random one in dataDir, so tokens survive restarts; any other process
// refuses to start rather than run with a guessable key.
func Secret(configured, dataDir string, mayGenerate bool) ([]byte, error) {
	if configured != "" {
		if len(configured) < MinSecretLen {
			return nil, fmt.Errorf("DOUYIN_JWT_SECRET must be at least %d characters", MinSecretLen)
		}
		return []byte(configured), nil
	}
	if !mayGenerate {
		return nil, errors.New("no JWT secret configured: set DOUYIN_JWT_SECRET (or jwt.secret in the config file)")
	}
	path := filepath.Join(dataDir, "jwt.secret")
	if raw, err := os.ReadFile(path); err == nil {
		if s := strings.TrimSpace(string(raw)); len(s) >= MinSecretLen {
			return []byte(s), nil
		}
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	secret := hex.EncodeToString(buf)
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("keep generated jwt secret: %w", err)
	}
	return []byte(secret), nil
}
