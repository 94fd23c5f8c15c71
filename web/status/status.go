// Package status is what the service's numbers and backups are doing, as /healthz,
// GET /api/accounts and the workspace's numbers page show it.
package status

import (
	"context"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/backup"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
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

// Transport is what is asked of the transport: each account's connection.
type Transport interface {
	State(account string) ketanmu.ConnState
}

// Accounts describes every configured account on tr, in config order.
func Accounts(cfg *config.Config, tr Transport) []AccountStatus {
	detailer, _ := tr.(AccountDetailer)
	noter, _ := tr.(AccountNoter)
	out := make([]AccountStatus, 0, len(cfg.Accounts))
	for _, a := range cfg.Accounts {
		st := AccountStatus{Key: a.Key, Name: a.Name, Phone: a.Phone, State: tr.State(a.Key)}
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

// Outboxes returns each account's outbox backlog, ages at now.
func Outboxes(ctx context.Context, db *store.DB, cfg *config.Config, now time.Time) (map[string]*OutboxStatus, error) {
	backlog, err := db.OutboxBacklog(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]*OutboxStatus{}
	for _, a := range cfg.Accounts {
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

// LatestBackup is the newest backup in backup.dir (the truth, whoever wrote the backups) and
// whether it missed two scheduled times, at the wall clock's now: backups are taken on the
// wall clock, also in the simulator.
func LatestBackup(cfg *config.Config) (info backup.Info, ok, stale bool, err error) {
	info, ok, err = backup.Latest(cfg.Backup.Dir)
	if err != nil {
		return info, false, false, err
	}
	return info, ok, backup.Stale(info.At, time.Now(), cfg.Backup.Specs, cfg.Office.Location), nil
}
