// Package mediakey is the layout of the object store, shared by the
// gateway (which stages uploads and serves media) and the video service
// (which publishes uploads and sweeps orphans): staged uploads under
// uploads/, published videos under videos/, their covers under covers/.
package mediakey

import (
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// UploadsPrefix is where uploads wait until the video service takes them.
const UploadsPrefix = "uploads/"

const (
	videosPrefix = "videos/"
	coversPrefix = "covers/"
	// maxNameLen bounds a published name: a UUID and an extension.
	maxNameLen = 64
)

// NewUpload is a fresh key to stage one upload under.
func NewUpload() string { return UploadsPrefix + uuid.NewString() }

// NewPublished are fresh keys for a published video with extension ext
// (".mp4") and its JPEG cover, sharing one name.
func NewPublished(ext string) (video, cover string) {
	name := uuid.NewString()
	return videosPrefix + name + ext, coversPrefix + name + ".jpg"
}

// IsPublished reports whether key names a published video or cover, the
// only objects the gateway serves: never a staged upload, nothing outside
// the two folders, no path tricks.
func IsPublished(key string) bool {
	name, ok := strings.CutPrefix(key, videosPrefix)
	if !ok {
		name, ok = strings.CutPrefix(key, coversPrefix)
	}
	return ok && name != "" && len(name) <= maxNameLen && utf8.ValidString(name) &&
		!strings.HasPrefix(name, ".") && !strings.ContainsAny(name, "/\\\x00") && !strings.Contains(name, "..")
}
