package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/store"
)

// TellExpired sends each operators' chat one summary of the residents whose messages expired
// unsent and were not listed yet: whom to call back (Outbox.Expired).
func (r *Router) TellExpired(ctx context.Context, account string) {
	acc, ok := r.cfg.Account(account)
	if !ok {
		return
	}
	_, err := r.Send(ctx, func(tx *store.Tx) ([]ketanmu.Outbound, error) {
		list, err := tx.UntoldCallBacks(account)
		if err != nil || len(list) == 0 {
			return nil, err
		}
		ops, err := tx.Operators()
		if err != nil {
			return nil, err
		}
		lines := map[string][]string{}
		var order []string
		for _, c := range list {
			if c.Chat == acc.Phone {
				continue // the office phone's own chat
			}
			line := r.text("call_back_line", "phone", ketanmu.MaskPhone(c.Chat), "case", orDash(c.Case),
				"count", fmt.Sprint(c.Count))
			for _, to := range casework.OperatorChats(r.cfg, ops, acc, c.Service) {
				if _, seen := lines[to]; !seen {
					order = append(order, to)
				}
				lines[to] = append(lines[to], line)
			}
		}
		var out []ketanmu.Outbound
		for _, to := range order {
			out = append(out, ketanmu.Outbound{Account: acc.Key, Chat: to, Lane: ketanmu.LaneOperators,
				Text: r.text("call_back", "list", strings.Join(lines[to], "\n"))})
		}
		return out, nil
	})
	if err != nil {
		r.log.Error("Call-back summary not queued", "account", account, "error", err)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
