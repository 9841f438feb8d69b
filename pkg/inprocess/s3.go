package inprocess

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
	"github.com/spf13/afero"
)

// S3 is an in-process S3-protocol server (gofakes3) keeping objects on disk,
// so videos and covers survive a restart. It does not check signatures:
// any access key works. Clients must use path-style bucket lookup.
type S3 struct {
	srv *http.Server
	ln  net.Listener
}

// StartS3 serves the objects under dir (created if missing) on a free
// loopback port. Buckets live in dir/buckets, metadata in dir/metadata.
func StartS3(dir string) (*S3, error) { return StartS3At("127.0.0.1:0", dir) }

// StartS3At is StartS3 listening on addr.
func StartS3At(addr, dir string) (*S3, error) {
	// BasePathFs confines the backend to dir; s3afero refuses a bare OsFs
	// because it would otherwise treat "/" as its root.
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("start embedded s3: %w", err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("start embedded s3: %w", err)
	}
	backend, err := s3afero.MultiBucket(afero.NewBasePathFs(afero.NewOsFs(), abs))
	if err != nil {
		return nil, fmt.Errorf("start embedded s3: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("start embedded s3: %w", err)
	}
	s := &S3{
		srv: &http.Server{
			Handler:           decodeAWSChunked(gofakes3.New(backend).Server()),
			ReadHeaderTimeout: 10 * time.Second,
		},
		ln: ln,
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "embedded s3: %v\n", err)
		}
	}()
	return s, nil
}

// Endpoint is host:port (no scheme) for minio-go.
func (s *S3) Endpoint() string { return s.ln.Addr().String() }

// Close stops the server and drops open connections. Every write has
// reached disk before its PUT was answered, so nothing is lost.
func (s *S3) Close() { _ = s.srv.Close() }

// decodeAWSChunked turns aws-chunked uploads into plain bodies before
// gofakes3 sees them. Over plain HTTP minio-go signs uploads in streaming
// mode (X-Amz-Content-Sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD); gofakes3
// v1.2.0 decodes that only for single PUTs and stores multipart parts —
// used for every object over 16 MiB — with the chunk framing inside, and it
// keeps "Content-Encoding: aws-chunked" as object metadata. Real S3 does
// neither. Signatures are not checked here, so they are simply dropped.
func decodeAWSChunked(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-") {
			next.ServeHTTP(w, r)
			return
		}
		n, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
		if err != nil || n < 0 {
			http.Error(w, "aws-chunked upload without X-Amz-Decoded-Content-Length", http.StatusBadRequest)
			return
		}
		r.Body = struct {
			io.Reader
			io.Closer
		}{&chunkedBody{r: bufio.NewReader(r.Body)}, r.Body}
		r.ContentLength = n
		r.Header.Set("Content-Length", strconv.FormatInt(n, 10))
		r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		r.Header.Del("X-Amz-Decoded-Content-Length")
		var enc []string
		for _, e := range strings.Split(r.Header.Get("Content-Encoding"), ",") {
			if e = strings.TrimSpace(e); e != "" && !strings.EqualFold(e, "aws-chunked") {
				enc = append(enc, e)
			}
		}
		if len(enc) == 0 {
			r.Header.Del("Content-Encoding")
		} else {
			r.Header.Set("Content-Encoding", strings.Join(enc, ","))
		}
		next.ServeHTTP(w, r)
	})
}

var errBadChunk = errors.New("malformed aws-chunked body")

// chunkedBody reads the payload out of "<hex size>[;chunk-signature=…]\r\n
// <data>\r\n" chunks up to the zero-size chunk; trailers after it (the
// *-TRAILER variants carry checksums there) are ignored.
type chunkedBody struct {
	r       *bufio.Reader
	remain  int64 // data bytes left in the current chunk
	err     error // sticky; io.EOF after the final chunk
	started bool
}

func (c *chunkedBody) Read(p []byte) (int, error) {
	for c.remain == 0 && c.err == nil {
		c.err = c.nextChunk()
	}
	if c.err != nil {
		return 0, c.err
	}
	if int64(len(p)) > c.remain {
		p = p[:c.remain]
	}
	n, err := c.r.Read(p)
	c.remain -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // the body ended inside a chunk
	}
	return n, err
}

// nextChunk consumes the CRLF closing the previous chunk, then the next
// chunk header.
func (c *chunkedBody) nextChunk() error {
	if c.started {
		var crlf [2]byte
		if _, err := io.ReadFull(c.r, crlf[:]); err != nil || string(crlf[:]) != "\r\n" {
			return errBadChunk
		}
	}
	c.started = true
	line, err := c.r.ReadString('\n')
	if err != nil {
		return errBadChunk
	}
	sizeHex, _, _ := strings.Cut(strings.TrimRight(line, "\r\n"), ";")
	size, err := strconv.ParseInt(sizeHex, 16, 64)
	if err != nil || size < 0 {
		return errBadChunk
	}
	if size == 0 {
		return io.EOF
	}
	c.remain = size
	return nil
}
