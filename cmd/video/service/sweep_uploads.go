package service

import (
	"context"
	"time"

	"github.com/douyin-go/douyin/pkg/mediakey"
)

// StaleUploadAge is how old a staged upload must be to count as orphaned:
// far longer than any publish takes (the gateway gives up after minutes).
const StaleUploadAge = time.Hour

// SweepUploads removes staged uploads that no Publish will ever take: the
// gateway stages an upload and then calls Publish, which always removes it,
// so only a gateway that died in between leaves one behind.
func (s *Service) SweepUploads(ctx context.Context) (int, error) {
	return s.Objects.DeleteOlder(ctx, mediakey.UploadsPrefix, s.Clock().Add(-StaleUploadAge))
}
