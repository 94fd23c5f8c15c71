package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/ketanmu/ketanmu"
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
func (s *Server) clockOf(c ketanmu.Case, now time.Time) clockView {
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
	Stage   ketanmu.Stage
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
	f := opsQueueFilter(q)
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
	s.addQueueCounts(&v, u, q, f, counts)
	s.addQueueFilters(&v, u, q, f)
	v.addPageLinks(q, f)
	title, nav := "Antrean", "queue"
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
// so that the page fetches itself again. Commits wake it (an idle page costs no database read);
// it looks at most once a poll interval. The stream ends after the idle timeout (the browser
// reconnects, and a signed-out session is then refused) and on shutdown.
func (s *Server) opsEvents(w http.ResponseWriter, r *http.Request, u *opsUser) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		s.opsFail(w, r, u, http.StatusInternalServerError, "")
		return
	}
	st := s.opsState()
	ctx, closeStream := s.streamContext(r, u) // ended too when this session signs out
	defer closeStream()
	committed := s.cases().Committed()
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
	ping := time.NewTicker(20 * time.Second) // keeps proxies from closing a quiet stream
	defer ping.Stop()
	end := time.NewTimer(s.cfg.Ops.IdleTimeout)
	defer end.Stop()
	lastLook := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-st.streams.Done():
			return
		case <-end.C:
			return
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
			flusher.Flush()
			continue
		case <-committed:
		}
		// Commits come in bursts under load: one look per poll interval takes them all.
		if !sleepUntil(ctx, st.streams, st.poll-time.Since(lastLook)) {
			return
		}
		lastLook = time.Now()
		committed = s.cases().Committed()
		now, err := s.cases().ChangeMark(ctx)
		if err != nil {
			return
		}
		if now != mark {
			mark = now
			fmt.Fprintf(w, "event: change\ndata: %s\n\n", mark)
			flusher.Flush()
		}
	}
}

// sleepUntil waits d (nothing when d <= 0); false when the request or the streams ended first.
func sleepUntil(ctx, streams context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil && streams.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-streams.Done():
		return false
	case <-t.C:
		return true
	}
}
