// Package static holds the default profile images the gateway serves.
package static

import "embed"

// Files are avatar.png and background.png.
//
//go:embed *.png
var Files embed.FS
