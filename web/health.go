package web

import (
	"context"
	"net/http"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/web/httpx"
	"github.com/ketanmu/ketanmu/web/status"
)

// AccountsHandler serves GET /api/accounts: each account's connection state and outbox.
func (s *Server) AccountsHandler() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		outbox, err := status.Outboxes(r.Context(), s.db, s.cfg, s.now())
		if err != nil {
			httpx.Err(s.log, w, r, err)
			return
		}
		accounts := status.Accounts(s.cfg, s.tr)
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
		attention := []status.AccountStatus{}
		for _, st := range status.Accounts(s.cfg, s.tr) {
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

// BackupHealth is /healthz's word on the newest backup in backup.dir.
type BackupHealth struct {
	LastAt     *string `json:"last_at"`
	AgeSeconds int64   `json:"age_seconds"`
	SizeBytes  int64   `json:"size_bytes"`
	Stale      bool    `json:"stale"`
	Error      string  `json:"error,omitempty"`
}

func (s *Server) backupHealth() BackupHealth {
	info, ok, stale, err := status.LatestBackup(s.cfg)
	h := BackupHealth{Stale: stale, AgeSeconds: -1}
	if err != nil {
		h.Error = "backup folder unreadable"
		s.log.Error("Health check: backup folder unreadable", "dir", s.cfg.Backup.Dir, "error", err)
	}
	if ok {
		h.LastAt = officeTime(info.At, s.cfg.Office.Location)
		h.AgeSeconds = int64(time.Since(info.At).Seconds())
		h.SizeBytes = info.Size
	}
	return h
}

// officeTime formats t as RFC 3339 in the office's time zone loc; nil (JSON null) when unset.
func officeTime(t time.Time, loc *time.Location) *string {
	if t.IsZero() {
		return nil
	}
	v := t.In(loc).Format(time.RFC3339)
	return &v
}
