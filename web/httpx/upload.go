package httpx

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/ketanmu/ketanmu"
)

// outputOverhead is what a multipart body may hold besides the file (boundaries, headers, the
// CSRF field).
const outputOverhead = 64 << 10

// ReadUpload reads the one part named "file" of a multipart body (and a "csrf" field, for the
// workspace), refusing a body larger than limit (and room for the rest) before reading it all:
// the signed output PDF of the cases API and of the workspace.
func ReadUpload(w http.ResponseWriter, r *http.Request, limit int64) (data []byte, csrf string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit+outputOverhead)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", ketanmu.Errorf(ketanmu.EINVALID, "kirim sebagai multipart/form-data dengan field file berisi satu PDF")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "", bodyErr(err, limit)
		}
		switch part.FormName() {
		case "file":
			if data != nil {
				return nil, "", ketanmu.Errorf(ketanmu.EINVALID, "satu PDF saja per permohonan")
			}
			if data, err = readLimited(part, limit); err != nil {
				return nil, "", bodyErr(err, limit)
			}
		case "csrf":
			b, err := readLimited(part, 256)
			if err != nil {
				return nil, "", bodyErr(err, limit)
			}
			csrf = string(b)
		}
	}
	if len(data) == 0 {
		return nil, "", ketanmu.Errorf(ketanmu.EINVALID, "field file kosong: lampirkan PDF hasil TTE")
	}
	return data, csrf, nil
}

var errTooLarge = errors.New("too large")

func readLimited(p *multipart.Part, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(p, limit+1))
	if err == nil && int64(len(b)) > limit {
		return nil, errTooLarge
	}
	return b, err
}

func bodyErr(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || errors.Is(err, errTooLarge) {
		return ketanmu.Errorf(ketanmu.ETOOLARGE, "file lebih besar dari %d MB", limit>>20)
	}
	return ketanmu.Errorf(ketanmu.EINVALID, "isi multipart tidak bisa dibaca: %v", fmt.Sprint(err))
}

// CaseNumber reads {number} from the path; numbers are stored upper case.
func CaseNumber(r *http.Request) string {
	return strings.ToUpper(strings.TrimSpace(r.PathValue("number")))
}

// Disposition shows photos in the browser and makes every other file a download.
func Disposition(mimeType, filename string) string {
	kind := "attachment"
	switch mimeType {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		kind = "inline"
	}
	if filename != "" {
		if v := mime.FormatMediaType(kind, map[string]string{"filename": filename}); v != "" {
			return v
		}
	}
	return kind
}
