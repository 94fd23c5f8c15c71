package api

import (
	"net/http"

	"github.com/ketanmu/ketanmu/web/httpx"
)

// caseOutput is POST /api/cases/{number}/output: multipart field "file", one signed PDF. The
// case service checks it like a resident's PDF, sends it to the resident and closes the case.
func (s *Server) caseOutput(w http.ResponseWriter, r *http.Request) {
	data, _, err := httpx.ReadUpload(w, r, s.cfg.Storage.MaxMediaBytes)
	if err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	number := httpx.CaseNumber(r)
	if _, err := s.cs.AttachOutput(r.Context(), actorOf(r), number, data); err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	s.writeCase(w, r, number)
}
