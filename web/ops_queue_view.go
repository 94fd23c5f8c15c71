package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/lifecycle"
)

// The steps of opsQueue.

// opsQueueFilter reads the queue's filters, search and page from its address.
func opsQueueFilter(q url.Values) casework.Filter {
	f := casework.Filter{Open: true, Service: q.Get("service"), Stage: ketanmu.Stage(q.Get("stage")),
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
	return f
}

// addQueueCounts adds the row of counts per open stage (each a link that filters by it), and
// the stages whose next step is the user's role.
func (s *Server) addQueueCounts(v *queueView, u *opsUser, q url.Values, f casework.Filter, counts map[ketanmu.Stage]int) {
	theirs := s.cases().RoleStages(u.Actor)
	var names []string
	for _, st := range theirs {
		names = append(names, s.cases().StageName(st))
	}
	v.RoleStages = strings.Join(names, ", ")
	for _, st := range ketanmu.Stages {
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
}

// addQueueFilters adds the choices of the filter boxes: the services the user may see, the
// open stages, and whose cases.
func (s *Server) addQueueFilters(v *queueView, u *opsUser, q url.Values, f casework.Filter) {
	v.Services = []option{{Value: "", Label: "Semua layanan"}}
	for _, key := range s.serviceKeys() {
		if s.cases().CanSeeService(u.Actor, key) {
			v.Services = append(v.Services, option{Value: key, Label: s.serviceName(key), Selected: key == f.Service})
		}
	}
	v.Stages = []option{{Value: "", Label: "Semua tahap"}}
	for _, st := range ketanmu.Stages {
		if !lifecycle.Closed(st) {
			v.Stages = append(v.Stages, option{Value: string(st), Label: s.cases().StageName(st), Selected: st == f.Stage})
		}
	}
	who := q.Get("who")
	v.Who = []option{{"", "Semua", who == ""}, {"tasks", "Tugas saya", who == "tasks"}, {"mine", "Milik saya", who == "mine"},
		{"unassigned", "Belum diambil", who == "unassigned"}}
}

// addPageLinks adds the links to the previous and the next page, where there is one.
func (v *queueView) addPageLinks(q url.Values, f casework.Filter) {
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
}
