package handler

import (
	"errors"
	"io"
	"mime/multipart"
	"os"

	"github.com/douyin-go/douyin/pkg/errno"
)

// maxFieldBytes bounds each text field of the upload form.
const maxFieldBytes = 64 << 10

var errMalformed = errno.ParamErr.WithMessage("the multipart body is malformed")

// formReader streams a publish form: text fields into memory (each at
// most maxFieldBytes), the data part into a temporary file (at most
// maxFileBytes). beforeData, if set, runs when the data part starts with
// the form read so far; its error stops reading before the data is.
type formReader struct {
	maxFileBytes int64
	beforeData   func(*upload) error
}

// read fills up from the multipart body; the caller removes up.file.
func (f formReader) read(body io.Reader, boundary string, up *upload) error {
	form := multipart.NewReader(body, boundary)
	for {
		part, err := form.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return errMalformed
		}
		if err := f.readPart(part, up); err != nil {
			return err
		}
	}
}

// readPart reads one part; NextPart discards whatever is left of it, so an
// oversized data part is not drained here.
func (f formReader) readPart(part *multipart.Part, up *upload) error {
	switch part.FormName() {
	case "data":
		if up.file != "" {
			return errno.ParamErr.WithMessage("only one data file may be uploaded")
		}
		if f.beforeData != nil {
			if err := f.beforeData(up); err != nil {
				return err
			}
		}
		path, err := f.spool(part)
		up.file = path
		return err
	case "token":
		v, err := readField(part)
		if up.token == "" {
			up.token = v
		}
		return err
	case "title":
		v, err := readField(part)
		up.title, up.hasTitle = v, true
		return err
	default:
		if _, err := io.Copy(io.Discard, io.LimitReader(part, maxFieldBytes)); err != nil {
			return errMalformed
		}
		return nil
	}
}

// spool copies the data part to a temporary file, refusing more than the
// upload limit.
func (f formReader) spool(part io.Reader) (string, error) {
	file, err := os.CreateTemp("", "douyin-upload-*")
	if err != nil {
		return "", err
	}
	defer file.Close()
	n, err := io.Copy(file, io.LimitReader(part, f.maxFileBytes+1))
	if errors.As(err, new(errno.ErrNo)) {
		return file.Name(), err
	}
	if err != nil {
		return file.Name(), errno.ParamErr.WithMessage("the upload was interrupted")
	}
	if n > f.maxFileBytes {
		return file.Name(), errno.VideoTooLarge.WithMessagef("the uploaded file is too large (limit %d MB)", f.maxFileBytes>>20)
	}
	if n == 0 {
		return file.Name(), errno.VideoInvalid.WithMessage("the uploaded file is empty")
	}
	return file.Name(), nil
}

func readField(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFieldBytes+1))
	if err != nil {
		return "", errMalformed
	}
	if len(b) > maxFieldBytes {
		return "", errno.ParamErr.WithMessage("a form field is too long")
	}
	return string(b), nil
}
