package ops

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/store"
)

type weekCount struct {
	Week  string
	Count int
}

type reportsView struct {
	From, To, CSVURL string
	Report           casework.Report
	OnTime           template.HTML
	StageCharts      []stageChart
	Weeks            template.HTML
	WeekRows         []weekCount
	OpenLate         int
}

type stageChart struct {
	Name  string
	Chart template.HTML
	Rows  []stageRow
}

type stageRow struct {
	Name, Median, P90 string
	Count             int
}

// reportRange reads from and to (YYYY-MM-DD), by default the last 30 days up to today.
func (s *Server) reportRange(r *http.Request) (string, string) {
	today := s.db.Now().In(s.cfg.Office.Location)
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if to == "" {
		to = today.Format(time.DateOnly)
	}
	if from == "" {
		from = today.AddDate(0, 0, -29).Format(time.DateOnly)
	}
	return from, to
}

// slaReport is the SLA report the actor may see, of the range the request asks for.
func (s *Server) slaReport(r *http.Request, u *opsUser) (casework.Report, error) {
	from, to := s.reportRange(r)
	return s.cases().Report(r.Context(), u.Actor, from, to)
}

// opsReports shows SLA compliance per service and stage: the same figures as GET
// /api/reports/sla, as charts drawn here (SVG) and tables.
func (s *Server) opsReports(w http.ResponseWriter, r *http.Request, u *opsUser) {
	rep, err := s.slaReport(r, u)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	from, to := rep.From, rep.To
	v := reportsView{From: from, To: to, Report: rep, CSVURL: "/ops/reports/sla.csv?from=" + from + "&to=" + to}
	var bars []bar
	for _, sr := range rep.Services {
		v.OpenLate += len(sr.Breaches)
		b := bar{Label: sr.Name, Text: "belum ada yang selesai"}
		if sr.OnTimeShare != nil {
			b.Value, b.Text = *sr.OnTimeShare, fmt.Sprintf("%.0f%% tepat waktu (%d dari %d)", *sr.OnTimeShare*100, sr.ClosedOnTime, sr.Closed)
		}
		bars = append(bars, b)
		if len(sr.Stages) > 0 {
			var sb []bar
			var most float64
			for _, st := range sr.Stages {
				most = max(most, float64(st.P90Seconds))
			}
			var rows []stageRow
			for _, st := range sr.Stages {
				name := s.cases().StageName(st.Stage)
				median, p90 := workTime(time.Duration(st.MedianSeconds)*time.Second), workTime(time.Duration(st.P90Seconds)*time.Second)
				sb = append(sb, bar{Label: name + " · median", Value: ratio(float64(st.MedianSeconds), most), Text: median},
					bar{Label: name + " · P90", Value: ratio(float64(st.P90Seconds), most), Text: p90, Alt: true})
				rows = append(rows, stageRow{Name: name, Count: st.Count, Median: median, P90: p90})
			}
			v.StageCharts = append(v.StageCharts, stageChart{Name: sr.Name, Rows: rows,
				Chart: barChart("Waktu kerja per tahap, "+sr.Name, sb)})
		}
	}
	v.OnTime = barChart("Bagian permohonan yang selesai tepat waktu, per layanan", bars)
	weeks, err := s.lateWeeks(r, from, to, u)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	v.WeekRows = weeks
	v.Weeks = columnChart("Permohonan yang selesai terlambat, per minggu", weeks)
	s.render(w, http.StatusOK, "reports", opsView{Title: "Laporan SLA", Nav: "reports", User: u, Page: v})
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// lateWeeks counts, per week (from Monday), the cases closed in the range after their deadline.
func (s *Server) lateWeeks(r *http.Request, from, to string, u *opsUser) ([]weekCount, error) {
	weeks, err := s.cases().LateWeeks(r.Context(), u.Actor, from, to)
	out := make([]weekCount, len(weeks))
	for i, w := range weeks {
		out[i] = weekCount{Week: w.Week, Count: w.Count}
	}
	return out, err
}

// opsReportCSV exports the report as CSV: a line per service (stage empty) and per stage, the
// figures of GET /api/reports/sla.
func (s *Server) opsReportCSV(w http.ResponseWriter, r *http.Request, u *opsUser) {
	rep, err := s.slaReport(r, u)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sla-%s-%s.csv"`, rep.From, rep.To))
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"service", "name", "opened", "closed", "closed_on_time", "on_time_share", "breaches",
		"stage", "count", "median_seconds", "p90_seconds", "median", "p90"})
	for _, sr := range rep.Services {
		share := ""
		if sr.OnTimeShare != nil {
			share = strconv.FormatFloat(*sr.OnTimeShare, 'f', -1, 64)
		}
		head := []string{sr.Service, sr.Name, strconv.Itoa(sr.Opened), strconv.Itoa(sr.Closed), strconv.Itoa(sr.ClosedOnTime),
			share, strconv.Itoa(len(sr.Breaches))}
		_ = cw.Write(append(slices.Clone(head), "", "", "", "", "", ""))
		for _, st := range sr.Stages {
			_ = cw.Write(append(slices.Clone(head), string(st.Stage), strconv.Itoa(st.Count),
				strconv.FormatInt(st.MedianSeconds, 10), strconv.FormatInt(st.P90Seconds, 10), st.Median, st.P90))
		}
	}
	cw.Flush()
}

type bar struct {
	Label string
	Value float64 // 0..1
	Text  string
	Alt   bool
}

// barChart draws horizontal bars, each under its label and figure. The words are the page's
// own text, so they keep their size and wrap on a narrow screen (an SVG scaled to the width
// shrank them to 9 px at 400 px and ran label into figure); only the bars are SVG, stretched
// to the width (the page's CSP allows no inline style).
func barChart(title string, bars []bar) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="chart hbars" role="group" aria-label="%s">`, template.HTMLEscapeString(title))
	for _, br := range bars {
		v := math.Max(0, math.Min(1, br.Value))
		class := "bar"
		if br.Alt {
			class = "bar alt"
		}
		fmt.Fprintf(&b, `<div class="hrow"><span class="lbl">%s</span> <span class="val">%s</span>`,
			template.HTMLEscapeString(br.Label), template.HTMLEscapeString(br.Text))
		fmt.Fprintf(&b, `<svg class="hbar" viewBox="0 0 100 14" preserveAspectRatio="none" aria-hidden="true">`+
			`<rect width="100" height="14" class="track"/><rect width="%.1f" height="14" class="%s"/></svg></div>`, v*100, class)
	}
	b.WriteString(`</div>`)
	return template.HTML(b.String())
}

// columnChart draws one column per week with its count, at its own size: in a narrow window
// it scrolls sideways instead of shrinking its text.
func columnChart(title string, weeks []weekCount) template.HTML {
	const height, colW = 160, 56
	most, total := 1, 0
	for _, wk := range weeks {
		most, total = max(most, wk.Count), total+wk.Count
	}
	if total == 0 {
		return template.HTML(`<p class="muted">Tidak ada permohonan yang selesai terlambat dalam rentang ini.</p>`)
	}
	width := max(len(weeks)*colW, colW)
	t := template.HTMLEscapeString(title)
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="chart scroll" tabindex="0" role="region" aria-label="%s">`, t)
	fmt.Fprintf(&b, `<svg class="cols" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`,
		width, height+34, width, height+34, t, t)
	for i, wk := range weeks {
		hh := float64(wk.Count) / float64(most) * height
		x := i*colW + 8
		fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%d" height="%.1f" class="bar late"/>`, x, height-hh+14, colW-16, hh)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" class="val" text-anchor="middle">%d</text>`, x+(colW-16)/2, height-hh+10, wk.Count)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="lbl" text-anchor="middle">%s</text>`, x+(colW-16)/2, height+30, wk.Week[5:])
	}
	b.WriteString(`</svg></div>`)
	return template.HTML(b.String())
}

type auditRow struct {
	At, Actor, Action, Number, Detail string
	DocumentID                        int64
	Doc                               string // the document's name
}

type auditView struct {
	Entries                         []auditRow
	Actor, Action, Number, From, To string
	CSVURL                          string
}

func (s *Server) auditFilter(r *http.Request) (store.AuditFilter, auditView, error) {
	q := r.URL.Query()
	v := auditView{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		Number: strings.ToUpper(strings.TrimSpace(q.Get("number"))), From: q.Get("from"), To: q.Get("to")}
	f := store.AuditFilter{Actor: v.Actor, Action: v.Action, Number: v.Number, Limit: 500}
	if v.From != "" || v.To != "" {
		from, to := v.From, v.To
		if from == "" {
			from = "2000-01-01"
		}
		if to == "" {
			to = s.db.Now().In(s.cfg.Office.Location).Format(time.DateOnly)
		}
		start, end, err := casework.ParseRange(from, to, s.cfg.Office.Location)
		if err != nil {
			return f, v, err
		}
		f.From, f.To = start, end
	}
	v.CSVURL = "/ops/audit.csv?" + q.Encode()
	return f, v, nil
}

// opsAudit shows who viewed or changed which case and document (supervisors).
func (s *Server) opsAudit(w http.ResponseWriter, r *http.Request, u *opsUser) {
	f, v, err := s.auditFilter(r)
	var entries []ketanmu.AuditEntry
	if err == nil {
		entries, err = s.cases().AuditLog(r.Context(), u.Actor, f)
	}
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	for _, e := range entries {
		v.Entries = append(v.Entries, auditRow{At: officeDate(e.At, s.cfg), Actor: e.Actor, Action: auditActionName(e.Action),
			Number: e.Number, Detail: e.Detail, DocumentID: e.DocumentID, Doc: s.auditDocName(e.DocKey, e.DocumentID)})
	}
	s.render(w, http.StatusOK, "audit", opsView{Title: "Audit", Nav: "audit", User: u, Page: v})
}

func (s *Server) opsAuditCSV(w http.ResponseWriter, r *http.Request, u *opsUser) {
	f, _, err := s.auditFilter(r)
	f.Limit = 100000
	var entries []ketanmu.AuditEntry
	if err == nil {
		entries, err = s.cases().AuditLog(r.Context(), u.Actor, f)
	}
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"at", "actor", "action", "case_number", "document_id", "detail", "document"})
	for _, e := range entries {
		doc := ""
		if e.DocumentID != 0 {
			doc = strconv.FormatInt(e.DocumentID, 10)
		}
		_ = cw.Write([]string{e.At.In(s.cfg.Office.Location).Format(time.RFC3339), e.Actor, e.Action, e.Number, doc, e.Detail,
			s.auditDocName(e.DocKey, e.DocumentID)})
	}
	cw.Flush()
}

// auditDocName names the document an audit line is about ("" for none).
func (s *Server) auditDocName(key string, id int64) string {
	switch {
	case id == 0:
		return ""
	case key == "":
		return "#" + strconv.FormatInt(id, 10) // erased with its case
	}
	return s.docName(key)
}

// auditActionName is an audit action as people read it.
func auditActionName(a string) string {
	names := map[string]string{ketanmu.AuditViewDocument: "melihat dokumen", "take": "mengambil", "assign": "menugaskan",
		"advance": "melanjutkan", "fix": "minta perbaikan", "reject": "menolak", "ship": "mengirim lewat Pos",
		"pickup": "siap diambil", "close": "menyelesaikan", "reply": "membalas pemohon", "handback": "mengembalikan ke bot",
		"move": "memindah tahap", "label": "mencetak label Pos"}
	if n, ok := names[a]; ok {
		return n
	}
	return a
}
