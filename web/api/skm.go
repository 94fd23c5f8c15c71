package api

import (
	"net/http"

	"github.com/ketanmu/ketanmu/web/httpx"
)

// skmReport serves GET /api/reports/skm?from=YYYY-MM-DD&to=YYYY-MM-DD[&account=KEY]: the
// satisfaction index (IKM, PermenPANRB 14/2017) per service and for the whole office, over the
// surveys of those days, optionally of one WhatsApp number. Bad or missing dates, or an unknown
// number, are a 400. The caller wraps it in the API token check.
func (s *Server) skmReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rep, err := s.cs.SKM(r.Context(), actorOf(r), q.Get("from"), q.Get("to"), q.Get("account"))
	if err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, rep)
}
