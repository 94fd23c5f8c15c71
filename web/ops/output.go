package ops

import (
	"net/http"

	"github.com/ketanmu/ketanmu/store"
	"github.com/ketanmu/ketanmu/web/httpx"
)

// opsOutput is the case page's upload of the signed PDF. Its form is multipart, so it checks the
// session and the CSRF token itself (opsUpload), reading the body once within the file limit.
func (s *Server) opsOutput(w http.ResponseWriter, r *http.Request, u *opsUser) {
	number := httpx.CaseNumber(r)
	data, csrf, err := httpx.ReadUpload(w, r, s.cfg.Storage.MaxMediaBytes)
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
