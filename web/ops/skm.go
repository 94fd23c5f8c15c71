package ops

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/sla"
)

// The workspace's SKM tab (Survei Kepuasan Masyarakat): the figures of GET /api/reports/skm as
// bars and tables, the residents' suggestions (masked), a CSV and a printable one-page summary.

var skmPrint = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("skm_print.html").Funcs(opsFuncs).ParseFS(opsFS, "skm_print.html"))
})

type skmView struct {
	From, To, Account string
	Accounts          []skmAccount
	Report            casework.SKMReport
	Charts            []skmChart
	Suggestions       []casework.SKMSuggestion
	CSVURL, PrintURL  string
	Office            string // the office's name, for the printed summary
}

type skmAccount struct{ Key, Name string }

type skmChart struct {
	Figures casework.SKMFigures
	Chart   template.HTML
}

func (s *Server) skmRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /ops/reports/skm", s.ops(s.opsSKM))
	mux.HandleFunc("GET /ops/reports/skm.csv", s.ops(s.opsSKMCSV))
	mux.HandleFunc("GET /ops/reports/skm/print", s.ops(s.opsSKMPrint))
}

// skmView reads the range and the number from the request and computes the index for u.
func (s *Server) skmView(r *http.Request, u *opsUser) (skmView, error) {
	from, to := s.reportRange(r)
	v := skmView{From: from, To: to, Account: r.URL.Query().Get("account"), Office: s.cfg.Office.Name}
	for _, a := range s.cfg.Accounts {
		v.Accounts = append(v.Accounts, skmAccount{Key: a.Key, Name: a.Name})
	}
	var err error
	if v.Report, err = s.cases().SKM(r.Context(), u.Actor, from, to, v.Account); err != nil {
		return v, err
	}
	q := url.Values{"from": {from}, "to": {to}}
	if v.Account != "" {
		q.Set("account", v.Account)
	}
	v.CSVURL, v.PrintURL = "/ops/reports/skm.csv?"+q.Encode(), "/ops/reports/skm/print?"+q.Encode()
	return v, nil
}

// opsSKM shows the satisfaction index per service: the nine elements as bars, the IKM and its
// category, the sample against its minimum, and the suggestions, newest first.
func (s *Server) opsSKM(w http.ResponseWriter, r *http.Request, u *opsUser) {
	v, err := s.skmView(r, u)
	if err == nil {
		v.Suggestions, err = s.cases().SKMSuggestionsFor(r.Context(), u.Actor, v.From, v.To, v.Account)
	}
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	for _, f := range append([]casework.SKMFigures{v.Report.Office}, v.Report.Services...) {
		if f.Respondents == 0 && f.Service != "" {
			continue
		}
		bars := make([]bar, len(f.Elements))
		for i, el := range f.Elements {
			bars[i] = bar{Label: el.Code + " " + el.Name, Text: "belum ada jawaban"}
			if el.NRR != nil {
				bars[i].Value, bars[i].Text = *el.NRR/4, v.Num(el.NRR)
			}
		}
		v.Charts = append(v.Charts, skmChart{Figures: f, Chart: barChart("Nilai rata-rata per unsur, "+f.Name, bars)})
	}
	s.render(w, http.StatusOK, "skm", opsView{Title: "Survei Kepuasan Masyarakat", Nav: "reports", User: u, Page: v})
}

// opsSKMCSV exports the index: a line for the office, then one per service, with the NRR of
// U1..U9, the IKM and its category.
func (s *Server) opsSKMCSV(w http.ResponseWriter, r *http.Request, u *opsUser) {
	v, err := s.skmView(r, u)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="skm-%s-%s.csv"`, v.From, v.To))
	cw := csv.NewWriter(w)
	head := []string{"from", "to", "service", "name", "respondents", "population", "min_sample"}
	for _, el := range v.Report.Office.Elements {
		head = append(head, el.Code)
	}
	_ = cw.Write(append(head, "ikm", "category", "category_name"))
	for _, f := range append([]casework.SKMFigures{v.Report.Office}, v.Report.Services...) {
		row := []string{v.From, v.To, f.Service, f.Name, strconv.Itoa(f.Respondents), strconv.Itoa(f.Population), strconv.Itoa(f.MinSample)}
		for _, el := range f.Elements {
			row = append(row, optFloat(el.NRR, 3))
		}
		_ = cw.Write(append(row, optFloat(f.IKM, 2), f.Category, f.CategoryName()))
	}
	cw.Flush()
}

// opsSKMPrint is the one-page summary offices publish: the elements with their NRR, the IKM,
// the category, the respondents and the period.
func (s *Server) opsSKMPrint(w http.ResponseWriter, r *http.Request, u *opsUser) {
	v, err := s.skmView(r, u)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := skmPrint().Execute(w, v); err != nil {
		s.log.Error("Rendering the printable survey summary failed", "error", err)
	}
}

// optFloat formats a figure that may be missing ("" then) with digits decimals.
func optFloat(v *float64, digits int) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', digits, 64)
}

// Num formats a figure that may be missing for the pages, the Indonesian way: two decimals after
// a comma (88,31), "–" when missing.
func (skmView) Num(v *float64) string {
	if v == nil {
		return "–"
	}
	return strings.Replace(optFloat(v, 2), ".", ",", 1)
}

// Period is the range in the office's words: "1 November 2026 s.d. 30 November 2026".
func (v skmView) Period() string {
	day := func(d string) string {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return d
		}
		return sla.FormatDayID(t)
	}
	return day(v.From) + " s.d. " + day(v.To)
}
