package ops

import (
	"html/template"
	"net/http"

	"github.com/ketanmu/ketanmu/web/httpx"
)

// labelPage is the printable A6 address label, a page of its own (no workspace layout).
var labelPage = template.Must(template.ParseFS(opsFS, "label.html"))

// opsLabel serves a case's address label for PT Pos, print-styled for A6.
func (s *Server) opsLabel(w http.ResponseWriter, r *http.Request, u *opsUser) {
	l, err := s.cases().ShippingLabel(r.Context(), u.Actor, httpx.CaseNumber(r))
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := labelPage.Execute(w, l); err != nil {
		s.log.Error("Rendering the address label failed", "error", err)
	}
}
