package service

import (
	"context"
	"time"
)

// UploadPrefix is where the gateway stages uploads for Publish.
const UploadPrefix = "uploads/"

// StaleUploadAge is how old a staged upload must be to count as orphaned:
// far longer than any publish takes (the gateway gives up after minutes).
const StaleUploadAge = time.Hour

// SweepUploads removes staged uploads that no Publish will ever take: the
// gateway stages an upload and then calls Publish, which always removes it,
// so only a gateway that died in between leaves one behind.
func (s *Service) SweepUploads(ctx context.Context) (int, error) {
	return s.objects.DeleteOlder(ctx, UploadPrefix, s.now().Add(-StaleUploadAge))
}

// SweepUploadsEvery runs SweepUploads every interval until ctx ends.
func (s *Service) SweepUploadsEvery(ctx context.Context, interval time.Duration, report func(removed int, err error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := s.SweepUploads(ctx)
			if n > 0 || err != nil {
				report(n, err)
			}
		}
	}
}
