package web

import (
	"context"
	"net/http"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/web/httpx"
)

// AccountDetailer is implemented by transports that know more about an account than its state
// (the WhatsApp transport): since when, until when a ban lasts, and what a person should do.
type AccountDetailer interface {
	AccountDetail(account string) (since, until time.Time, detail string)
}

// AccountNoter is implemented by transports with more to tell about an account (the WhatsApp
// transport): the client version it announces, and notes a person should read (messages
// WhatsApp refused for good, automatic Business messages seen).
type AccountNoter interface {
	Version(account string) string
	Notes(account string) []string
}

// AccountStatus is one account in GET /api/accounts.
type AccountStatus struct {
	Key         string            `json:"key"`
	Name        string            `json:"name"`
	Phone       string            `json:"phone"`
	State       ketanmu.ConnState `json:"state"`
	Since       *time.Time        `json:"since,omitempty"`
	Until       *time.Time        `json:"until,omitempty"`
	Detail      string            `json:"detail,omitempty"`
	NeedsPerson bool              `json:"needs_person"`
	Version     string            `json:"version,omitempty"`
	Notes       []string          `json:"notes,omitempty"`
	// Outbox is what waits to be sent from this number (GET /api/accounts only).
	Outbox *OutboxStatus `json:"outbox,omitempty"`
}

// OutboxStatus is an account's outbox: how many messages wait and for how long the oldest has,
// in all and per lane (only lanes with something waiting are listed).
type OutboxStatus struct {
	Queued    int                    `json:"queued"`
	OldestAge float64                `json:"oldest_age_seconds"`
	Lanes     map[string]LaneBacklog `json:"lanes"`
}

// LaneBacklog is one lane of an account's outbox.
type LaneBacklog struct {
	Queued    int     `json:"queued"`
	OldestAge float64 `json:"oldest_age_seconds"`
}

// outboxStatuses returns each account's outbox backlog, ages at now.
func (s *Server) outboxStatuses(ctx context.Context, now time.Time) (map[string]*OutboxStatus, error) {
	backlog, err := s.db.OutboxBacklog(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]*OutboxStatus{}
	for _, a := range s.cfg.Accounts {
		out[a.Key] = &OutboxStatus{Lanes: map[string]LaneBacklog{}}
	}
	for _, b := range backlog {
		st := out[b.Account]
		if st == nil {
			continue // an account no longer in the config
		}
		age := max(now.Sub(b.Oldest).Seconds(), 0)
		st.Lanes[string(b.Lane)] = LaneBacklog{Queued: b.Depth, OldestAge: age}
		st.Queued += b.Depth
		st.OldestAge = max(st.OldestAge, age)
	}
	return out, nil
}

// AccountStatuses describes every configured account, in config order.
func (s *Server) AccountStatuses() []AccountStatus {
	detailer, _ := s.tr.(AccountDetailer)
	noter, _ := s.tr.(AccountNoter)
	out := make([]AccountStatus, 0, len(s.cfg.Accounts))
	for _, a := range s.cfg.Accounts {
		st := AccountStatus{Key: a.Key, Name: a.Name, Phone: a.Phone, State: s.tr.State(a.Key)}
		st.NeedsPerson = st.State.NeedsPerson()
		if detailer != nil {
			since, until, detail := detailer.AccountDetail(a.Key)
			st.Since, st.Until, st.Detail = timePtr(since), timePtr(until), detail
		}
		if noter != nil {
			st.Version, st.Notes = noter.Version(a.Key), noter.Notes(a.Key)
		}
		out = append(out, st)
	}
	return out
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// AccountsHandler serves GET /api/accounts: each account's connection state and outbox.
func (s *Server) AccountsHandler() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		outbox, err := s.outboxStatuses(r.Context(), s.now())
		if err != nil {
			httpx.Err(s.log, w, r, err)
			return
		}
		accounts := s.AccountStatuses()
		for i := range accounts {
			accounts[i].Outbox = outbox[accounts[i].Key]
		}
		httpx.JSON(w, http.StatusOK, accounts)
	}
}

// HealthHandler serves GET /healthz: 200 while the process can do its work (the database
// answers), 503 otherwise. Accounts that need a person are listed without failing the check: a
// restart would not fix them, and the other numbers keep working.
func (s *Server) HealthHandler() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.db.SQL().PingContext(ctx); err != nil {
			s.log.Error("Health check: database unreachable", "error", err)
			httpx.JSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "error": "database unreachable"})
			return
		}
		accounts := map[string]ketanmu.ConnState{}
		attention := []AccountStatus{}
		for _, st := range s.AccountStatuses() {
			accounts[st.Key] = st.State
			if st.NeedsPerson {
				attention = append(attention, st)
			}
		}
		body := map[string]any{"status": "ok", "accounts": accounts, "needs_person": attention}
		if h, ok := s.holidayHealth(); ok {
			body["holidays"] = h
		}
		body["backup"] = s.backupHealth()
		httpx.JSON(w, http.StatusOK, body)
	}
}

// HolidayHealth is /healthz's word on the holiday list once it runs out within 60 days or has
// run out: the last published date and the estimated dates of the coming year.
type HolidayHealth struct {
	KnownUntil  string            `json:"known_until"`
	Provisional []ProvisionalDate `json:"provisional"`
	Warning     string            `json:"warning"`
}

// ProvisionalDate is an estimated holiday.
type ProvisionalDate struct {
	Date string `json:"date"`
	Name string `json:"name"`
}

func (s *Server) holidayHealth() (HolidayHealth, bool) {
	o := s.cfg.Office.Calendar.Outlook(s.now())
	if !o.Warn {
		return HolidayHealth{}, false
	}
	h := HolidayHealth{KnownUntil: o.KnownUntil.Format(time.DateOnly), Provisional: []ProvisionalDate{},
		Warning: "published holidays end " + o.KnownUntil.Format(time.DateOnly) +
			"; later lunar holidays are estimates: add the new decree to office.holidays_file"}
	for _, p := range o.Provisional {
		h.Provisional = append(h.Provisional, ProvisionalDate{Date: p.Date, Name: p.Name})
	}
	return h, true
}
