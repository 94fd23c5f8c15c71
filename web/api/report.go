package api

import (
	"net/http"

	"github.com/ketanmu/ketanmu/web/httpx"
)

// slaReport serves GET /api/reports/sla?from=YYYY-MM-DD&to=YYYY-MM-DD: per service, the cases
// opened and closed in those days (office time zone, both included), the share closed on time,
// the median and 90th-percentile working time per stage, and the cases late now. Bad or missing
// dates are a 400. The caller wraps it in the API token check.
func (s *Server) slaReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rep, err := s.cs.Report(r.Context(), actorOf(r), q.Get("from"), q.Get("to"))
	if err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, rep)
}
