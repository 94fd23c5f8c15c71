package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/store"
)

// TellBacklog tells the supervisors, in their own chats with the account's number, that one of
// its outbox lanes is backed up (the outbox's OnBacklog). It goes in the notification lane, ahead
// of the operators' and bulk traffic it is about.
func (r *Router) TellBacklog(ctx context.Context, account string, lane ketanmu.Lane, depth int, waited time.Duration) {
	acc, ok := r.cfg.Account(account)
	if !ok {
		return
	}
	name, ok := r.cfg.Texts.Lookup("lane_" + string(lane))
	if !ok {
		name = string(lane)
	}
	text := r.text("outbox_backlog", "account", acc.Name, "lane", name, "depth", fmt.Sprint(depth),
		"minutes", fmt.Sprint(int(waited.Round(time.Minute).Minutes())))
	err := r.tellSupervisors(ctx, account, text)
	if err != nil {
		r.log.Error("Backlog alert not queued", "account", account, "lane", string(lane), "error", err)
	}
}

// tellSupervisors queues text to each supervisor's own chat on the number via, in the
// notification lane: ahead of the traffic it is about.
func (r *Router) tellSupervisors(ctx context.Context, via, text string) error {
	_, err := r.Send(ctx, func(tx *store.Tx) ([]ketanmu.Outbound, error) {
		ops, err := tx.Operators()
		if err != nil {
			return nil, err
		}
		var msgs []ketanmu.Outbound
		for _, op := range casework.Supervisors(ops) {
			msgs = append(msgs, ketanmu.Outbound{Account: via, Chat: op.Phone, Text: text, Lane: ketanmu.LaneNotification})
		}
		return msgs, nil
	})
	return err
}
