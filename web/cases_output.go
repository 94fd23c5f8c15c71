package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
	"github.com/ketanmu/ketanmu/web/httpx"
)

// outputOverhead is what a multipart body may hold besides the file (boundaries, headers, the
// CSRF field).
const outputOverhead = 64 << 10

// caseOutput is POST /api/cases/{number}/output: multipart field "file", one signed PDF. The
// case service checks it like a resident's PDF, sends it to the resident and closes the case.
func (s *Server) caseOutput(w http.ResponseWriter, r *http.Request) {
	data, _, err := s.readOutputFile(w, r)
	if err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	number := caseNumber(r)
	if _, err := s.cases().AttachOutput(r.Context(), actorOf(r), number, data); err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	s.writeCase(w, r, number)
}

// opsOutput is the case page's upload of the signed PDF. Its form is multipart, so it checks the
// session and the CSRF token itself (opsUpload), reading the body once within the file limit.
func (s *Server) opsOutput(w http.ResponseWriter, r *http.Request, u *opsUser) {
	number := caseNumber(r)
	data, csrf, err := s.readOutputFile(w, r)
	if err == nil && !sameToken(csrf, u.CSRF) {
		s.log.Warn("Workspace upload without a valid CSRF token", "path", r.URL.Path, "operator", u.Actor.Name)
		s.opsFail(w, r, u, http.StatusForbidden,
			"Permintaan ditolak: token keamanan formulir tidak ada atau tidak cocok. Muat ulang halaman, lalu coba lagi.")
		return
	}
	if err == nil {
		_, err = s.cases().AttachOutput(r.Context(), u.Actor, number, data)
	}
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/ops/cases/"+number+"?ok=output", http.StatusSeeOther)
}

// readOutputFile reads the one part named "file" of a multipart body (and a "csrf" field, for
// the workspace), refusing a body larger than a file may be before reading it all.
func (s *Server) readOutputFile(w http.ResponseWriter, r *http.Request) (data []byte, csrf string, err error) {
	limit := s.cfg.Storage.MaxMediaBytes
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

// opsUpload lets a multipart upload through with a valid session only; the handler checks the
// CSRF token, which travels inside the multipart body that opsAuthed does not read.
func (s *Server) opsUpload(h opsHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		opsHeaders(w)
		u, state, err := s.opsSession(r, true)
		if err != nil {
			s.opsFail(w, r, nil, http.StatusInternalServerError, "")
			s.log.Error("Workspace session lookup failed", "error", err)
			return
		}
		if state != store.SessionValid {
			s.opsFail(w, r, nil, http.StatusUnauthorized, "Silakan masuk terlebih dahulu.")
			return
		}
		h(w, r, u)
	}
}
