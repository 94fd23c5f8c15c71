package casework

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/nik"
	"github.com/ketanmu/ketanmu/skm"
	"github.com/ketanmu/ketanmu/store"
)

// SKMReport is the satisfaction index (Indeks Kepuasan Masyarakat, PermenPANRB 14/2017) of a
// range of days (GET /api/reports/skm, the workspace's SKM tab, its CSV and printable summary).
// It holds figures only: never who answered what.
type SKMReport struct {
	From     string       `json:"from"` // YYYY-MM-DD, first day
	To       string       `json:"to"`   // YYYY-MM-DD, last day, included
	Office   SKMFigures   `json:"office"`
	Services []SKMFigures `json:"services"`
}

// SKMFigures are the index of one service, or of the whole office (Service "", Name the
// office's): the same fields either way.
type SKMFigures struct {
	Service string `json:"service"`
	Name    string `json:"name"`
	// Respondents answered at least one element; Population is the residents whose cases were
	// done in the range (each once); MinSample the Krejcie–Morgan minimum for that population.
	Respondents int          `json:"respondents"`
	Population  int          `json:"population"`
	MinSample   int          `json:"min_sample"`
	Elements    []SKMElement `json:"elements"`
	// IKM is on the 25–100 scale, two decimals; null until every element has an answer.
	IKM *float64 `json:"ikm"`
	// Category is A, B, C or D ("" without an IKM).
	Category string `json:"category"`
}

// SKMElement is one element's average score (NRR), three decimals; null when nobody answered it.
type SKMElement struct {
	Code string   `json:"code"`
	Name string   `json:"name"`
	NRR  *float64 `json:"nrr"`
}

// Enough reports whether the sample is big enough to publish: at least the minimum sample, and
// an index to publish.
func (f SKMFigures) Enough() bool { return f.IKM != nil && f.Respondents >= f.MinSample }

// CategoryName is the category in words (sangat baik, baik, kurang baik, tidak baik).
func (f SKMFigures) CategoryName() string {
	if f.IKM == nil {
		return ""
	}
	return skm.Grade(*f.IKM).Name
}

// SKMFilter narrows a report: Account to one WhatsApp number ("" all), Visible to the services
// its reader may see (nil all).
type SKMFilter struct {
	Account string
	Visible func(service string) bool
}

func (f SKMFilter) keep(account, service string) bool {
	return (f.Account == "" || f.Account == account) && (f.Visible == nil || f.Visible(service))
}

// NewSKMReport computes the satisfaction index of the days from..to (see ParseRange): per
// service, and for the office over the services in the report. The population is the residents
// whose cases were done in the range; a survey counts in the range its invitation (the case's
// done notice) fell in.
func NewSKMReport(ctx context.Context, db *store.DB, cfg *config.Config, from, to string, f SKMFilter) (SKMReport, error) {
	start, end, err := ParseRange(from, to, cfg.Office.Location)
	if err != nil {
		return SKMReport{}, err
	}
	if f.Account != "" {
		if _, ok := cfg.Account(f.Account); !ok {
			return SKMReport{}, ketanmu.Errorf(ketanmu.EINVALID, "account %q is not one of the office's numbers", f.Account)
		}
	}
	responses, err := db.SKMResponses(ctx, start, end)
	if err != nil {
		return SKMReport{}, err
	}
	served, err := db.ServedResidents(ctx, start, end)
	if err != nil {
		return SKMReport{}, err
	}
	byService := map[string][]skm.Response{}
	var all []skm.Response
	for _, r := range responses {
		if f.keep(r.Account, r.Service) {
			byService[r.Service] = append(byService[r.Service], skm.Response{Scores: r.Scores})
			all = append(all, skm.Response{Scores: r.Scores})
		}
	}
	people := map[string]map[int64]bool{}
	everyone := map[int64]bool{}
	for _, s := range served {
		if !f.keep(s.Account, s.Service) || !cfg.SKM.Surveys(s.Service) {
			continue
		}
		if people[s.Service] == nil {
			people[s.Service] = map[int64]bool{}
		}
		people[s.Service][s.Resident], everyone[s.Resident] = true, true
	}
	rep := SKMReport{From: from, To: to, Services: []SKMFigures{}}
	for _, key := range skmServices(cfg, byService, f) {
		name := key
		if svc, ok := cfg.Services[key]; ok {
			name = svc.Name
		}
		rep.Services = append(rep.Services, figures(cfg, key, name, skm.Compute(byService[key]), len(people[key])))
	}
	rep.Office = figures(cfg, "", cfg.Office.Name, skm.Compute(all), len(everyone))
	return rep, nil
}

// skmServices lists the services of a report: the surveyed ones in the usual order, then any
// other that has answers (a service surveyed before the config changed).
func skmServices(cfg *config.Config, answered map[string][]skm.Response, f SKMFilter) []string {
	var keys []string
	for _, key := range config.ServiceKeys {
		if _, ok := cfg.Services[key]; ok && cfg.SKM.Surveys(key) && f.keep(f.Account, key) && serves(cfg, f.Account, key) {
			keys = append(keys, key)
		}
	}
	var extra []string
	for key := range answered {
		if !slices.Contains(keys, key) {
			extra = append(extra, key)
		}
	}
	slices.Sort(extra)
	return append(keys, extra...)
}

// serves reports whether account offers service (every account does when none is named). Privacy
// requests come in on every number.
func serves(cfg *config.Config, account, service string) bool {
	acc, ok := cfg.Account(account)
	return account == "" || service == "privasi" || (ok && slices.Contains(acc.Services, service))
}

func figures(cfg *config.Config, key, name string, ix skm.Index, population int) SKMFigures {
	f := SKMFigures{Service: key, Name: name, Respondents: ix.Respondents, Population: population,
		MinSample: skm.MinSample(population), Elements: make([]SKMElement, skm.Elements)}
	for i, code := range skm.Codes {
		f.Elements[i] = SKMElement{Code: code, Name: cfg.SKM.ElementName(code)}
		if ix.Answers[i] > 0 {
			v := roundTo(ix.NRR[i], 1000)
			f.Elements[i].NRR = &v
		}
	}
	if ix.Valid {
		v := ix.IKM
		f.IKM, f.Category = &v, skm.Grade(v).Grade
	}
	return f
}

func roundTo(v, unit float64) float64 {
	return float64(int64(v*unit+0.5)) / unit
}

// SKMSuggestion is one suggestion left in the survey, masked, with no trace of who left it.
type SKMSuggestion struct {
	Service string // the service's name
	Day     string // YYYY-MM-DD, office time
	Text    string
}

// SKMSuggestions returns the suggestions of the surveys of the days from..to, newest first, with
// NIKs and phone numbers masked.
func SKMSuggestions(ctx context.Context, db *store.DB, cfg *config.Config, from, to string, f SKMFilter) ([]SKMSuggestion, error) {
	start, end, err := ParseRange(from, to, cfg.Office.Location)
	if err != nil {
		return nil, err
	}
	responses, err := db.SKMResponses(ctx, start, end)
	if err != nil {
		return nil, err
	}
	out := []SKMSuggestion{}
	for _, r := range responses {
		if r.Suggestion == "" || !f.keep(r.Account, r.Service) {
			continue
		}
		name := r.Service
		if svc, ok := cfg.Services[r.Service]; ok {
			name = svc.Name
		}
		out = append(out, SKMSuggestion{Service: name, Day: r.AnsweredAt.In(cfg.Office.Location).Format(time.DateOnly),
			Text: MaskSuggestion(r.Suggestion)})
	}
	return out, nil
}

// groupedPhone is a run of digits, perhaps grouped by spaces, dots or dashes, long enough to be
// a phone number: free text such as a suggestion holds no registration numbers or dates to spare.
var groupedPhone = regexp.MustCompile(`\+?\d(?:[ .-]?\d){7,}`)

// MaskSuggestion hides NIKs and phone numbers in a resident's free text.
func MaskSuggestion(s string) string {
	s = nik.MaskInText(s)
	return groupedPhone.ReplaceAllStringFunc(s, func(m string) string {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m)
		return ketanmu.MaskPhone(digits)
	})
}

// SKM is the satisfaction index of the days from..to over the services actor may see,
// optionally of one WhatsApp number (account): the API, the workspace's SKM tab, its CSV and its
// printable summary all read it here.
func (s *Service) SKM(ctx context.Context, actor Actor, from, to, account string) (SKMReport, error) {
	if err := requireStaff(actor); err != nil {
		return SKMReport{}, err
	}
	return NewSKMReport(ctx, s.db, s.cfg, from, to, s.skmFilter(actor, account))
}

// SKMSuggestionsFor are the survey's suggestions of those days that actor may read, masked.
func (s *Service) SKMSuggestionsFor(ctx context.Context, actor Actor, from, to, account string) ([]SKMSuggestion, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return SKMSuggestions(ctx, s.db, s.cfg, from, to, s.skmFilter(actor, account))
}

func (s *Service) skmFilter(actor Actor, account string) SKMFilter {
	return SKMFilter{Account: account, Visible: func(service string) bool { return s.CanSeeService(actor, service) }}
}
