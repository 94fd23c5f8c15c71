package web

import (
	"context"
	"net/http"
	"time"

	"github.com/ketanmu/ketanmu/bot"
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
	Key         string        `json:"key"`
	Name        string        `json:"name"`
	Phone       string        `json:"phone"`
	State       bot.ConnState `json:"state"`
	Since       *time.Time    `json:"since,omitempty"`
	Until       *time.Time    `json:"until,omitempty"`
	Detail      string        `json:"detail,omitempty"`
	NeedsPerson bool          `json:"needs_person"`
	Version     string        `json:"version,omitempty"`
	Notes       []string      `json:"notes,omitempty"`
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

// AccountsHandler serves GET /api/accounts: each account's connection state.
func (s *Server) AccountsHandler() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.AccountStatuses())
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
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "error": "database unreachable"})
			return
		}
		accounts := map[string]bot.ConnState{}
		attention := []AccountStatus{}
		for _, st := range s.AccountStatuses() {
			accounts[st.Key] = st.State
			if st.NeedsPerson {
				attention = append(attention, st)
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "accounts": accounts, "needs_person": attention})
	}
}
