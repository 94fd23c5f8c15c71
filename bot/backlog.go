package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
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
	text := strings.NewReplacer("{account}", acc.Name, "{lane}", string(lane), "{depth}", fmt.Sprint(depth),
		"{minutes}", fmt.Sprint(int(waited.Round(time.Minute).Minutes()))).Replace(r.cfg.Text("outbox_backlog"))
	var msgs []ketanmu.Outbound
	for _, op := range r.cfg.Operators {
		if slices.Contains(op.Roles, "supervisor") {
			msgs = append(msgs, ketanmu.Outbound{Account: account, Chat: op.Phone, Text: text, Lane: ketanmu.LaneNotification})
		}
	}
	if len(msgs) == 0 {
		return
	}
	if _, err := r.Send(ctx, func(*store.Tx) ([]ketanmu.Outbound, error) { return msgs, nil }); err != nil {
		r.log.Error("Backlog alert not queued", "account", account, "lane", string(lane), "error", err)
	}
}
