package service

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/cmd/video/media"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/mediakey"
	"github.com/douyin-go/douyin/pkg/textrule"
)

const maxTitleLen = 100

// Publish turns a staged upload into a published video: it checks that the
// upload is a real video, cuts a JPEG cover from its first second, stores
// both objects and only then writes the row, so no half-published video is
// ever visible. The staged upload is always removed; on failure nothing is
// left behind.
func (s *Service) Publish(ctx context.Context, author int64, title, uploadKey string) (int64, error) {
	if uploadKey == "" {
		return 0, errno.ParamErr.WithMessage("data (the video file) is required")
	}
	defer func() {
		// Best effort: an upload left behind is swept once it is stale.
		_ = s.Objects.Delete(context.WithoutCancel(ctx), uploadKey)
	}()
	title = strings.TrimSpace(title)
	if err := validateTitle(title); err != nil {
		return 0, err
	}
	title = s.opts.Words.Mask(title)

	dir, err := os.MkdirTemp(s.opts.TempDir, "publish-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	videoPath, coverPath := filepath.Join(dir, "video"), filepath.Join(dir, "cover.jpg")
	if err := s.Objects.Download(ctx, uploadKey, videoPath); err != nil {
		return 0, err
	}
	info, err := s.Prober.Probe(ctx, videoPath)
	if errors.Is(err, media.ErrNotVideo) {
		return 0, errno.VideoInvalid
	}
	if err != nil {
		return 0, err
	}
	if err := s.Prober.Cover(ctx, videoPath, coverPath); err != nil {
		return 0, errno.VideoInvalid.WithMessage("the uploaded video has no frame to use as a cover")
	}
	return s.store(ctx, author, title, videoPath, coverPath, info)
}

func validateTitle(title string) error {
	switch {
	case title == "":
		return errno.ParamErr.WithMessage("title is required")
	case utf8.RuneCountInString(title) > maxTitleLen:
		return errno.ParamErr.WithMessagef("title must be at most %d characters", maxTitleLen)
	}
	return textrule.Text("title", title, false)
}

// store uploads the video and its cover, then writes the row; if anything
// fails, the objects already stored are removed again.
func (s *Service) store(ctx context.Context, author int64, title, videoPath, coverPath string, info media.Info) (int64, error) {
	container := media.ContainerOf(info.FormatName)
	v := &dal.Video{AuthorID: author, Title: title, PublishedAt: s.Clock().UnixMilli()}
	v.PlayKey, v.CoverKey = mediakey.NewPublished(container.Extension)
	var stored []string
	cleanup := func() { _ = s.Objects.Delete(context.WithoutCancel(ctx), stored...) }
	if err := s.Objects.PutFile(ctx, v.PlayKey, videoPath, container.ContentType); err != nil {
		return 0, err
	}
	stored = append(stored, v.PlayKey)
	if err := s.Objects.PutFile(ctx, v.CoverKey, coverPath, "image/jpeg"); err != nil {
		cleanup()
		return 0, err
	}
	stored = append(stored, v.CoverKey)
	eventIDs, err := s.Videos.Create(ctx, v)
	if err != nil {
		cleanup()
		return 0, err
	}
	s.Applied.Wait(ctx, s.opts.CounterWait, eventIDs, events.CountedBy(events.TopicPublish)...)
	return v.ID, nil
}
