// Package storage keeps video files and covers in an S3-compatible object
// store (MinIO, AWS S3, or the in-process gofakes3 server) through minio-go.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Config says where the object store is and which bucket to use.
type Config struct {
	Endpoint  string // host:port, no scheme
	AccessKey string
	SecretKey string
	Bucket    string
	UseSSL    bool
}

// Objects is what the services need from object storage; tests may fake it.
type Objects interface {
	// Put uploads size bytes from r; size -1 means unknown (uploaded in
	// 16 MiB multipart chunks, each buffered in memory).
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// PutFile uploads a local file.
	PutFile(ctx context.Context, key, path, contentType string) error
	// Get streams the object, or only rng of it (nil = whole object).
	// The caller must Close the result.
	Get(ctx context.Context, key string, rng *Range) (*Object, error)
	// Stat returns the object's metadata.
	Stat(ctx context.Context, key string) (ObjectInfo, error)
	// Delete removes the keys; missing keys are not an error.
	Delete(ctx context.Context, keys ...string) error
	// Download writes the object to a local file.
	Download(ctx context.Context, key, path string) error
	// DeleteOlder removes the objects under prefix last modified before
	// cutoff and reports how many.
	DeleteOlder(ctx context.Context, prefix string, cutoff time.Time) (int, error)
}

// ObjectInfo describes a whole stored object.
type ObjectInfo struct {
	Size         int64
	ContentType  string
	ETag         string // without quotes
	LastModified time.Time
}

// Object is the body of a Get: bytes Offset..Offset+Length-1 of the object
// described by Info (Info.Size is the whole object's size).
type Object struct {
	io.ReadCloser
	Info           ObjectInfo
	Offset, Length int64
}

// Range is an inclusive byte range; End -1 means "to the end".
type Range struct{ Start, End int64 }

// unknownSizePart is the multipart chunk size for Put with size -1.
const unknownSizePart = 16 << 20

// ErrNotFound is returned when the key does not exist.
var ErrNotFound = errors.New("object not found")

// S3 implements Objects with minio-go against one bucket.
type S3 struct {
	client *minio.Client
	bucket string
}

var _ Objects = (*S3)(nil)

// New connects to cfg.Endpoint and creates cfg.Bucket if it is missing.
// Path-style lookup is forced because gofakes3 and most self-hosted MinIO
// setups have no wildcard DNS for virtual-host buckets.
func New(ctx context.Context, cfg Config) (*S3, error) {
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       cfg.UseSSL,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: client for %s: %w", cfg.Endpoint, err)
	}
	s := &S3{client: client, bucket: cfg.Bucket}
	if err := s.ensureBucket(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// ensureBucket creates the bucket unless it exists. Services start
// concurrently, so a create that loses the race (BucketAlreadyOwnedByYou,
// or BucketAlreadyExists from gofakes3) is fine when the bucket is there.
func (s *S3) ensureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("storage: check bucket %s: %w", s.bucket, err)
	}
	if ok {
		return nil
	}
	if err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{}); err != nil {
		if ok, _ := s.client.BucketExists(ctx, s.bucket); ok {
			return nil
		}
		return fmt.Errorf("storage: create bucket %s: %w", s.bucket, err)
	}
	return nil
}

// Put implements Objects.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	opts := minio.PutObjectOptions{ContentType: contentType}
	if size < 0 {
		// minio-go sizes parts for a 5 TiB object when the size is unknown
		// and buffers one whole part (~537 MiB) in memory; 16 MiB parts
		// still allow objects up to 156 GiB.
		opts.PartSize = unknownSizePart
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, r, size, opts)
	return wrap("put", key, err)
}

// PutFile implements Objects.
func (s *S3) PutFile(ctx context.Context, key, path, contentType string) error {
	_, err := s.client.FPutObject(ctx, s.bucket, key, path, minio.PutObjectOptions{ContentType: contentType})
	return wrap("put file", key, err)
}

// Get implements Objects. It uses the Core API so that exactly one GET is
// sent and its headers are known before the body is read: the plain
// minio.Object is lazy and re-requests on Seek, which hides errors until
// the first Read.
func (s *S3) Get(ctx context.Context, key string, rng *Range) (*Object, error) {
	var opts minio.GetObjectOptions
	if rng != nil {
		if rng.Start < 0 || (rng.End != -1 && rng.End < rng.Start) {
			return nil, fmt.Errorf("storage: get %s: invalid range %d-%d", key, rng.Start, rng.End)
		}
		// SetRange's encoding: (n, 0) means "bytes=n-" and (0, -n) means the
		// last n bytes, so "from 0 to the end" is simply no Range at all.
		var err error
		switch {
		case rng.End != -1:
			err = opts.SetRange(rng.Start, rng.End)
		case rng.Start > 0:
			err = opts.SetRange(rng.Start, 0)
		}
		if err != nil {
			return nil, fmt.Errorf("storage: get %s: %w", key, err)
		}
	}
	body, info, hdr, err := minio.Core{Client: s.client}.GetObject(ctx, s.bucket, key, opts)
	if err != nil {
		return nil, wrap("get", key, err)
	}
	obj := &Object{ReadCloser: body, Info: toInfo(info), Offset: 0, Length: info.Size}
	// On a 206 Content-Length is the part; the whole size is after the "/".
	// A server that ignores Range answers 200 without Content-Range, and
	// then Offset/Length honestly describe the whole object.
	if cr := hdr.Get("Content-Range"); cr != "" {
		start, total, ok := parseContentRange(cr)
		if !ok {
			body.Close()
			return nil, fmt.Errorf("storage: get %s: bad Content-Range %q", key, cr)
		}
		obj.Offset, obj.Info.Size = start, total
	}
	return obj, nil
}

// parseContentRange reads "bytes first-last/total".
func parseContentRange(v string) (start, total int64, ok bool) {
	v, found := strings.CutPrefix(v, "bytes ")
	if !found {
		return 0, 0, false
	}
	span, size, found := strings.Cut(v, "/")
	if !found {
		return 0, 0, false
	}
	first, _, found := strings.Cut(span, "-")
	if !found {
		return 0, 0, false
	}
	start, err1 := strconv.ParseInt(first, 10, 64)
	total, err2 := strconv.ParseInt(size, 10, 64)
	return start, total, err1 == nil && err2 == nil
}

// Stat implements Objects.
func (s *S3) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return ObjectInfo{}, wrap("stat", key, err)
	}
	return toInfo(info), nil
}

// Delete implements Objects. Keys are removed one by one: callers delete a
// video and its cover, not thousands of keys, and single DELETEs behave
// the same on every S3 implementation.
func (s *S3) Delete(ctx context.Context, keys ...string) error {
	var errs []error
	for _, key := range keys {
		err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
		if err != nil && minio.ToErrorResponse(err).Code != minio.NoSuchKey {
			errs = append(errs, wrap("delete", key, err))
		}
	}
	return errors.Join(errs...)
}

// Download implements Objects. minio-go writes to path+".part.minio" and
// renames, so a failed download never leaves a half file at path.
func (s *S3) Download(ctx context.Context, key, path string) error {
	err := s.client.FGetObject(ctx, s.bucket, key, path, minio.GetObjectOptions{})
	return wrap("download", key, err)
}

func toInfo(i minio.ObjectInfo) ObjectInfo {
	return ObjectInfo{Size: i.Size, ContentType: i.ContentType, ETag: i.ETag, LastModified: i.LastModified}
}

// wrap adds context and maps S3 error codes onto this package's sentinels.
func wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	switch minio.ToErrorResponse(err).Code {
	case minio.NoSuchKey:
		return fmt.Errorf("storage: %s %s: %w", op, key, ErrNotFound)
	case minio.InvalidRange:
		return fmt.Errorf("storage: %s %s: %w", op, key, ErrUnsatisfiableRange)
	}
	return fmt.Errorf("storage: %s %s: %w", op, key, err)
}

// Ping reports whether the store answers and the bucket exists.
func (s *S3) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("bucket %s does not exist", s.bucket)
	}
	return nil
}

// DeleteOlder implements Objects.
func (s *S3) DeleteOlder(ctx context.Context, prefix string, cutoff time.Time) (int, error) {
	var stale []string
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return 0, wrap("list", prefix, obj.Err)
		}
		if obj.LastModified.Before(cutoff) {
			stale = append(stale, obj.Key)
		}
	}
	return len(stale), s.Delete(ctx, stale...)
}
