package boot

import (
	"context"
	"errors"

	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/storage"
)

// OpenStorage connects to the object store of cfg, creating its bucket.
func OpenStorage(ctx context.Context, cfg config.Config) (*storage.S3, error) {
	if cfg.Storage.Endpoint == "" {
		return nil, errors.New("no object store configured: set DOUYIN_S3_ENDPOINT")
	}
	return storage.New(ctx, storage.Config{
		Endpoint:  cfg.Storage.Endpoint,
		AccessKey: cfg.Storage.AccessKey,
		SecretKey: cfg.Storage.SecretKey,
		Bucket:    cfg.Storage.Bucket,
		UseSSL:    cfg.Storage.UseSSL,
	})
}
