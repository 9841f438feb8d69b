package service

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/cmd/video/media"
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
	defer s.objects.Delete(context.WithoutCancel(ctx), uploadKey)
	title = strings.TrimSpace(title)
	if err := validateTitle(title); err != nil {
		return 0, err
	}

	dir, err := os.MkdirTemp(s.opts.TempDir, "publish-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	videoPath, coverPath := filepath.Join(dir, "video"), filepath.Join(dir, "cover.jpg")
	if err := s.objects.Download(ctx, uploadKey, videoPath); err != nil {
		return 0, err
	}
	info, err := s.prober.Probe(ctx, videoPath)
	if errors.Is(err, media.ErrNotVideo) {
		return 0, errno.VideoInvalid
	}
	if err != nil {
		return 0, err
	}
	if err := s.prober.Cover(ctx, videoPath, coverPath); err != nil {
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
	return nil
}

// store uploads the video and its cover, then writes the row; if anything
// fails, the objects already stored are removed again.
func (s *Service) store(ctx context.Context, author int64, title, videoPath, coverPath string, info media.Info) (int64, error) {
	name := uuid.NewString()
	contentType := media.ContentTypeFor(info.FormatName)
	v := &dal.Video{
		AuthorID: author,
		Title:    title,
		PlayKey:  "videos/" + name + extensionFor(contentType),
		CoverKey: "covers/" + name + ".jpg",
	}
	var stored []string
	cleanup := func() { _ = s.objects.Delete(context.WithoutCancel(ctx), stored...) }
	if err := s.objects.PutFile(ctx, v.PlayKey, videoPath, contentType); err != nil {
		return 0, err
	}
	stored = append(stored, v.PlayKey)
	if err := s.objects.PutFile(ctx, v.CoverKey, coverPath, "image/jpeg"); err != nil {
		cleanup()
		return 0, err
	}
	stored = append(stored, v.CoverKey)
	eventIDs, err := s.videos.Create(ctx, v)
	if err != nil {
		cleanup()
		return 0, err
	}
	s.applied.Wait(ctx, s.opts.CounterWait, eventIDs, s.opts.CounterGroups...)
	return v.ID, nil
}

func extensionFor(contentType string) string {
	switch contentType {
	case "video/webm":
		return ".webm"
	case "video/quicktime":
		return ".mov"
	case "video/x-matroska":
		return ".mkv"
	default:
		return ".mp4"
	}
}
