package web

import (
	"net/http"
	"slices"

	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/reminder"
)

// slaReport serves GET /api/reports/sla?from=YYYY-MM-DD&to=YYYY-MM-DD: per service, the cases
// opened and closed in those days (office time zone, both included), the share closed on time,
// the median and 90th-percentile working time per stage, and the cases late now. Bad or missing
// dates are a 400. The caller wraps it in the API token check.
func (s *Server) slaReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rep, err := s.report(r, actorOf(r), q.Get("from"), q.Get("to"))
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// report is the SLA report of the services actor may see: the API, the workspace's charts and
// its CSV all read it here, so a complaint's figures and numbers reach only who may see them.
func (s *Server) report(r *http.Request, actor casework.Actor, from, to string) (reminder.Report, error) {
	rep, err := reminder.NewReport(r.Context(), s.db, s.cfg, from, to, s.db.Now())
	if err != nil {
		return rep, err
	}
	rep.Services = slices.DeleteFunc(rep.Services, func(sr reminder.ServiceReport) bool {
		return !s.cases().CanSeeService(actor, sr.Service)
	})
	return rep, nil
}
