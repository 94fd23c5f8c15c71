package casework

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/sla"
	"github.com/ketanmu/ketanmu/store"
)

// Report is the SLA compliance report of a range of days (GET /api/reports/sla, ketanmu report).
type Report struct {
	From        string          `json:"from"` // YYYY-MM-DD, first day
	To          string          `json:"to"`   // YYYY-MM-DD, last day, included
	Timezone    string          `json:"timezone"`
	GeneratedAt time.Time       `json:"generated_at"`
	Services    []ServiceReport `json:"services"`
}

// ServiceReport is one service's figures.
type ServiceReport struct {
	Service string `json:"service"`
	Name    string `json:"name"`
	Opened  int    `json:"opened"` // cases created in the range
	Closed  int    `json:"closed"` // cases done or rejected in the range
	// ClosedOnTime counts the closed cases with closed_at <= due_at; OnTimeShare divides it by
	// the closed cases that had a due date (null when none had).
	ClosedOnTime int      `json:"closed_on_time"`
	OnTimeShare  *float64 `json:"on_time_share"`
	// Stages are the working times spent in each stage, over the stays that ended in the range.
	Stages []StageReport `json:"stages"`
	// Breaches are the open cases past their stage deadline when the report was made.
	Breaches []string `json:"breaches"`
}

// StageReport is the working time cases spent in one stage.
type StageReport struct {
	Stage         ketanmu.Stage `json:"stage"`
	Count         int           `json:"count"`
	MedianSeconds int64         `json:"median_seconds"`
	P90Seconds    int64         `json:"p90_seconds"`
	Median        string        `json:"median"` // "1h30m"
	P90           string        `json:"p90"`
}

// ParseRange reads from and to (YYYY-MM-DD, the office's days) into [start of from, end of to).
// Errors are EINVALID, with a message for the caller.
func ParseRange(from, to string, loc *time.Location) (start, end time.Time, err error) {
	if from == "" || to == "" {
		return start, end, ketanmu.Errorf(ketanmu.EINVALID, "from and to are required, as dates YYYY-MM-DD")
	}
	if start, err = time.ParseInLocation(time.DateOnly, from, loc); err != nil {
		return start, end, ketanmu.Errorf(ketanmu.EINVALID, "from %q is not a date YYYY-MM-DD", from)
	}
	last, err := time.ParseInLocation(time.DateOnly, to, loc)
	if err != nil {
		return start, end, ketanmu.Errorf(ketanmu.EINVALID, "to %q is not a date YYYY-MM-DD", to)
	}
	if last.Before(start) {
		return start, end, ketanmu.Errorf(ketanmu.EINVALID, "to %s is before from %s", to, from)
	}
	return start, last.AddDate(0, 0, 1), nil
}

// Report is the SLA report of the days from..to (see ParseRange) over the services actor may
// see, breaches counted now: the cases API, the workspace's charts and its CSV all read it here,
// so a complaint's figures and numbers reach only who may see them.
func (s *Service) Report(ctx context.Context, actor Actor, from, to string) (Report, error) {
	rep, err := NewReport(ctx, s.db, s.cfg, from, to, s.db.Now())
	if err != nil {
		return rep, err
	}
	rep.Services = slices.DeleteFunc(rep.Services, func(sr ServiceReport) bool { return !s.canSee(actor, sr.Service) })
	return rep, nil
}

// NewReport computes the report of the days from..to over every service (the administrator's
// `ketanmu report`; channels with a signed-in actor use Service.Report); breaches are counted
// at now.
func NewReport(ctx context.Context, db *store.DB, cfg *config.Config, from, to string, now time.Time) (Report, error) {
	loc := cfg.Office.Location
	start, end, err := ParseRange(from, to, loc)
	if err != nil {
		return Report{}, err
	}
	cases, err := db.ReportCases(ctx, start, end)
	if err != nil {
		return Report{}, err
	}
	visits, err := db.StageVisits(ctx, start, end)
	if err != nil {
		return Report{}, err
	}
	late, err := db.LateCases(ctx, now)
	if err != nil {
		return Report{}, err
	}
	rep := Report{From: from, To: to, Timezone: loc.String(), GeneratedAt: now.In(loc)}
	rep.Services = buildServices(cfg, start, end, cases, visits, late)
	return rep, nil
}

// ClosedOnTime is the SLA report's on-time rule: a closed case is on time when it closed no
// later than its due date; ok is false for a case still open or that had no due date.
func ClosedOnTime(c store.CaseTimes) (onTime, ok bool) {
	if c.Closed.IsZero() || c.Due.IsZero() {
		return false, false
	}
	return !c.Closed.After(c.Due), true
}

// WeekCount is a number of cases in the week starting on Monday Week (YYYY-MM-DD).
type WeekCount struct {
	Week  string
	Count int
}

// LateWeeks counts, per week (from Monday, the office's days), the cases of the services actor
// may see that closed in the days from..to after their due date (ClosedOnTime).
func (s *Service) LateWeeks(ctx context.Context, actor Actor, from, to string) ([]WeekCount, error) {
	loc := s.cfg.Office.Location
	start, end, err := ParseRange(from, to, loc)
	if err != nil {
		return nil, err
	}
	cases, err := s.db.ReportCases(ctx, start, end)
	if err != nil {
		return nil, err
	}
	monday := func(t time.Time) time.Time {
		t = t.In(loc)
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	}
	counts := map[time.Time]int{}
	for wk := monday(start); wk.Before(end); wk = wk.AddDate(0, 0, 7) {
		counts[wk] = 0
	}
	for _, c := range cases {
		if !s.canSee(actor, c.Service) || c.Closed.Before(start) || !c.Closed.Before(end) {
			continue
		}
		if onTime, ok := ClosedOnTime(c); ok && !onTime {
			counts[monday(c.Closed)]++
		}
	}
	out := make([]WeekCount, 0, len(counts))
	for wk, n := range counts {
		out = append(out, WeekCount{Week: wk.Format(time.DateOnly), Count: n})
	}
	slices.SortFunc(out, func(a, b WeekCount) int { return strings.Compare(a.Week, b.Week) })
	return out, nil
}

func buildServices(cfg *config.Config, start, end time.Time, cases []store.CaseTimes, visits []store.StageVisit,
	late []store.CaseTimes) []ServiceReport {
	byKey := map[string]*ServiceReport{}
	var extra []string
	get := func(key string) *ServiceReport {
		if r, ok := byKey[key]; ok {
			return r
		}
		r := &ServiceReport{Service: key, Name: key, Stages: []StageReport{}, Breaches: []string{}}
		if svc, ok := cfg.Services[key]; ok {
			r.Name = svc.Name
		}
		if !slices.Contains(config.ServiceKeys, key) {
			extra = append(extra, key) // a service no longer known: listed last
		}
		byKey[key] = r
		return r
	}
	for _, key := range config.ServiceKeys {
		if _, ok := cfg.Services[key]; ok {
			get(key)
		}
	}
	withDue := map[string]int{}
	for _, c := range cases {
		r := get(c.Service)
		if !c.Created.Before(start) && c.Created.Before(end) {
			r.Opened++
		}
		if c.Closed.IsZero() || c.Closed.Before(start) || !c.Closed.Before(end) {
			continue
		}
		r.Closed++
		if onTime, ok := ClosedOnTime(c); ok {
			withDue[c.Service]++
			if onTime {
				r.ClosedOnTime++
			}
		}
	}
	for key, n := range withDue {
		share := float64(byKey[key].ClosedOnTime) / float64(n)
		byKey[key].OnTimeShare = &share
	}
	stays := map[string]map[ketanmu.Stage][]time.Duration{}
	cal := cfg.Office.Calendar
	for _, v := range visits {
		get(v.Service)
		if stays[v.Service] == nil {
			stays[v.Service] = map[ketanmu.Stage][]time.Duration{}
		}
		stays[v.Service][v.Stage] = append(stays[v.Service][v.Stage], cal.Between(v.Entered, v.Left))
	}
	for key, byStage := range stays {
		for _, st := range ketanmu.Stages {
			if ds := byStage[st]; len(ds) > 0 {
				byKey[key].Stages = append(byKey[key].Stages, stageReport(st, ds))
			}
		}
	}
	for _, c := range late {
		r := get(c.Service)
		r.Breaches = append(r.Breaches, c.Number)
	}
	slices.Sort(extra)
	var out []ServiceReport
	for _, key := range append(slices.Clone(config.ServiceKeys), extra...) {
		if r, ok := byKey[key]; ok {
			out = append(out, *r)
		}
	}
	return out
}

func stageReport(stage ketanmu.Stage, ds []time.Duration) StageReport {
	slices.Sort(ds)
	med, p90 := median(ds), nearestRank(ds, 90)
	return StageReport{Stage: stage, Count: len(ds), MedianSeconds: int64(med.Round(time.Second) / time.Second),
		P90Seconds: int64(p90.Round(time.Second) / time.Second), Median: durationText(med), P90: durationText(p90)}
}

// median of sorted ds: the middle value, or the mean of the two middle ones.
func median(ds []time.Duration) time.Duration {
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// nearestRank is the pct-th percentile of sorted ds by the nearest-rank method: the smallest
// value with at least pct % of the values at or below it.
func nearestRank(ds []time.Duration, pct int) time.Duration {
	rank := (pct*len(ds) + 99) / 100 // ceil, in integers
	return ds[max(rank-1, 0)]
}

func durationText(d time.Duration) string {
	return sla.Duration{Work: d.Round(time.Second)}.String()
}
