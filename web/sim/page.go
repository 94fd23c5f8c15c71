package sim

import (
	"embed"
	"net/http"

	"github.com/ketanmu/ketanmu/web/httpx"
)

//go:embed static
var static embed.FS

func (s *Server) simPage(w http.ResponseWriter, r *http.Request) {
	page, err := static.ReadFile("static/sim.html")
	if err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(page)
}
