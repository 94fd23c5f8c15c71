package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

const queuePerPage = 50

// clockView is a stage's working time left as the queue and the case page show it.
type clockView struct {
	Class string // ok, soon, late, paused, none
	Text  string
	Title string
}

// clockOf describes case c's stage clock at now: green with time to spare, amber in its last
// working hour, red when late, grey when paused or without a deadline.
func (s *Server) clockOf(c store.Case, now time.Time) clockView {
	cl := s.cases().ClockAt(c, now)
	switch {
	case cl.Paused:
		return clockView{Class: "paused", Text: "dijeda", Title: "Menunggu pemohon: waktu kerja tidak berjalan"}
	case !cl.HasDeadline:
		return clockView{Class: "none", Text: "–", Title: "Tahap ini tanpa batas waktu"}
	case cl.Late > 0:
		return clockView{Class: "late", Text: "lewat " + workTime(cl.Late),
			Title: "Lewat batas " + officeDate(cl.Due, s.cfg) + " (waktu kerja)"}
	}
	class := "ok"
	if cl.Left <= time.Hour {
		class = "soon"
	}
	return clockView{Class: class, Text: "sisa " + workTime(cl.Left), Title: "Batas " + officeDate(cl.Due, s.cfg) + " (waktu kerja)"}
}

// workTime writes a working duration compactly: 2h 15m, 45m, 3h.
func workTime(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "<1m"
	}
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dj", h)
	}
	return fmt.Sprintf("%dj %dm", h, m)
}

type queueRow struct {
	Number, Service, Stage, Assignee, Name, Phone string
	Clock                                         clockView
	Mine                                          bool
	FixReturned                                   bool // back from a fix: "Perbaikan masuk"
	Turn                                          turnView
}

type stageCount struct {
	Stage   lifecycle.Stage
	Name    string
	Count   int
	Theirs  bool // a step of the user's own role (validator, production, head of office…)
	Current bool
	URL     string
}

type option struct {
	Value, Label string
	Selected     bool
}

type queueView struct {
	Rows                        []queueRow
	Counts                      []stageCount
	Total, Page, Pages          int
	Services, Stages, Who       []option
	Query                       string
	Overdue                     bool
	PrevURL, NextURL, ResetURL  string
	RoleStages                  string
	Filtered                    bool
	OverdueCount, UnassignedNow int
}

// opsQueue serves the queue: the open cases the user may see, oldest first, with filters,
// search, counts per stage and each case's working time left.
func (s *Server) opsQueue(w http.ResponseWriter, r *http.Request, u *opsUser) {
	q := r.URL.Query()
	f := casework.Filter{Open: true, Service: q.Get("service"), Stage: lifecycle.Stage(q.Get("stage")),
		Search: strings.TrimSpace(q.Get("q")), Overdue: q.Get("overdue") == "1", PerPage: queuePerPage, Page: 1}
	switch q.Get("who") {
	case "mine":
		f.Mine = true
	case "unassigned":
		f.Unassigned = true
	case "tasks":
		f.Tasks = true
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 0 && p <= casework.MaxPage {
		f.Page = p
	}
	ctx := r.Context()
	page, err := s.cases().Queue(ctx, u.Actor, f)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	counts, err := s.cases().Counts(ctx, u.Actor, f)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	now := s.db.Now()
	v := queueView{Total: page.Total, Page: page.Page, Query: f.Search, Overdue: f.Overdue,
		Pages: max(1, (page.Total+queuePerPage-1)/queuePerPage), ResetURL: "/ops/",
		Filtered: f.Service != "" || f.Stage != "" || f.Search != "" || f.Overdue || f.Mine || f.Unassigned || f.Tasks}
	for _, c := range page.Cases {
		v.Rows = append(v.Rows, queueRow{Number: c.Number, Service: s.serviceName(c.Service), Stage: s.cases().StageName(c.Stage),
			Assignee: c.Assignee, Name: c.Name, Phone: ketanmu.MaskPhone(c.Chat), Clock: s.clockOf(c, now),
			Mine: c.Assignee != "" && c.Assignee == u.Actor.Name, FixReturned: !c.FixReturnedAt.IsZero(),
			Turn: s.turnOf(c, u)})
	}
	theirs := s.cases().RoleStages(u.Actor)
	var names []string
	for _, st := range theirs {
		names = append(names, s.cases().StageName(st))
	}
	v.RoleStages = strings.Join(names, ", ")
	for _, st := range lifecycle.Stages {
		if lifecycle.Closed(st) {
			continue
		}
		n := counts[st]
		if n == 0 && !slices.Contains(theirs, st) {
			continue
		}
		link := cloneQuery(q)
		link.Del("page")
		if f.Stage == st {
			link.Del("stage")
		} else {
			link.Set("stage", string(st))
		}
		v.Counts = append(v.Counts, stageCount{Stage: st, Name: s.cases().StageName(st), Count: n,
			Theirs: slices.Contains(theirs, st), Current: f.Stage == st, URL: "/ops/?" + link.Encode()})
	}
	v.Services = []option{{Value: "", Label: "Semua layanan"}}
	for _, key := range s.serviceKeys() {
		if s.cases().CanSeeService(u.Actor, key) {
			v.Services = append(v.Services, option{Value: key, Label: s.serviceName(key), Selected: key == f.Service})
		}
	}
	v.Stages = []option{{Value: "", Label: "Semua tahap"}}
	for _, st := range lifecycle.Stages {
		if !lifecycle.Closed(st) {
			v.Stages = append(v.Stages, option{Value: string(st), Label: s.cases().StageName(st), Selected: st == f.Stage})
		}
	}
	who := q.Get("who")
	v.Who = []option{{"", "Semua", who == ""}, {"tasks", "Tugas saya", who == "tasks"}, {"mine", "Milik saya", who == "mine"},
		{"unassigned", "Belum diambil", who == "unassigned"}}
	if f.Page > 1 {
		prev := cloneQuery(q)
		prev.Set("page", strconv.Itoa(f.Page-1))
		v.PrevURL = "/ops/?" + prev.Encode()
	}
	if f.Page < v.Pages {
		next := cloneQuery(q)
		next.Set("page", strconv.Itoa(f.Page+1))
		v.NextURL = "/ops/?" + next.Encode()
	}
	title, nav := "Antrian", "queue"
	if f.Tasks {
		title, nav = "Tugas saya", "tasks"
	}
	s.render(w, http.StatusOK, "queue", opsView{Title: title, Nav: nav, User: u, Page: v})
}

func cloneQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		if vs[0] != "" {
			out[k] = slices.Clone(vs)
		}
	}
	return out
}

func (s *Server) serviceName(key string) string {
	if svc, ok := s.cfg.Services[key]; ok {
		return svc.Name
	}
	return key
}

func (s *Server) serviceKeys() []string {
	keys := make([]string, 0, len(s.cfg.Services))
	for k := range s.cfg.Services {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// opsEvents streams Server-Sent Events: "change" whenever a case, its history or a chat changed,
// so that the page fetches itself again. It looks once a second; the stream ends after the idle
// timeout (the browser reconnects, and a signed-out session is then refused) and on shutdown.
func (s *Server) opsEvents(w http.ResponseWriter, r *http.Request, u *opsUser) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		s.opsFail(w, r, u, http.StatusInternalServerError, "")
		return
	}
	st := s.opsState()
	ctx := r.Context()
	mark, err := s.cases().ChangeMark(ctx)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	fmt.Fprintf(w, "retry: 2000\nevent: hello\ndata: %s\n\n", mark)
	flusher.Flush()
	tick := time.NewTicker(st.poll)
	defer tick.Stop()
	end := time.NewTimer(s.cfg.Ops.IdleTimeout)
	defer end.Stop()
	lastSent := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-st.streams.Done():
			return
		case <-end.C:
			return
		case <-tick.C:
		}
		now, err := s.cases().ChangeMark(ctx)
		if err != nil {
			return
		}
		switch {
		case now != mark:
			mark = now
			fmt.Fprintf(w, "event: change\ndata: %s\n\n", mark)
		case time.Since(lastSent) > 20*time.Second:
			fmt.Fprint(w, ": ping\n\n") // keeps proxies from closing a quiet stream
		default:
			continue
		}
		lastSent = time.Now()
		flusher.Flush()
	}
}
