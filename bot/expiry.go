package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/store"
)

// expire marks the items that waited longer than their lane's max_age as expired (never sent)
// and returns the others. A stale answer, a day-old step of a case or yesterday's digest sent
// after an outage or a ban confuses the resident and looks like spam to WhatsApp; the operators
// of the chat get it in a "to call back" summary instead (Outbox.Expired).
func (o *Outbox) expire(ctx context.Context, account string, items []store.OutboxItem, now time.Time) ([]store.OutboxItem, error) {
	var stale []store.OutboxItem
	kept := items[:0:0]
	for _, it := range items {
		age := laneBudget(o.cfg, it.Msg.Lane).MaxAge
		if age > 0 && now.Sub(it.CreatedAt) > age {
			stale = append(stale, it)
			continue
		}
		kept = append(kept, it)
	}
	if len(stale) == 0 {
		return items, nil
	}
	if err := o.db.ExpireOutbox(ctx, stale, "expired: waited longer than its lane's max_age"); err != nil {
		return nil, err
	}
	o.log.Warn("Messages expired unsent", "account", account, "count", len(stale))
	if eo, ok := o.Observer.(ExpiryObserver); ok {
		byLane := map[ketanmu.Lane]int{}
		for _, it := range stale {
			byLane[it.Msg.Lane]++
		}
		for lane, n := range byLane {
			eo.Expired(account, lane, n)
		}
	}
	if o.Expired != nil {
		o.Expired(ctx, account)
	}
	return kept, nil
}

// ExpiryObserver, when the outbox's Observer implements it, counts messages expired unsent.
type ExpiryObserver interface {
	Expired(account string, lane ketanmu.Lane, n int)
}

// admit asks the gate and then the proactive rule about it: send false when it is held or
// dropped (recorded); proactive when it spends the proactive budget.
func (o *Outbox) admit(ctx context.Context, it store.OutboxItem, now time.Time) (send, proactive bool, err error) {
	held, err := o.gate(ctx, it)
	if err != nil || held {
		return false, false, err
	}
	proactive, drop, err := o.recheck(ctx, it)
	if err != nil {
		return false, false, err
	}
	if drop != "" {
		o.log.Info("Message dropped at send time", "account", it.Msg.Account, "chat", ketanmu.MaskPhone(it.Msg.Chat),
			"message_id", it.Msg.ID, "reason", drop)
		return false, false, o.db.MarkRetry(ctx, it, now, true, "dropped: "+drop)
	}
	return true, proactive, nil
}

// recheck applies the proactive rule again at send time: a reply queued while the resident had
// just written may, after an outage, be a message nobody asked for now. It returns whether the
// message is proactive now, or why it may not go at all. Without a Recheck the rule decided when
// queueing stands.
func (o *Outbox) recheck(ctx context.Context, it store.OutboxItem) (proactive bool, drop string, err error) {
	if o.Recheck == nil {
		return it.Msg.Proactive, "", nil
	}
	// A reply answers the message the resident just sent; it expires (max_age) long before
	// the proactive window can pass, so the rule cannot have changed: no read on the hot path.
	if age := laneBudget(o.cfg, ketanmu.LaneReply).MaxAge; it.Msg.Lane == ketanmu.LaneReply && !it.Msg.Proactive &&
		age > 0 && age < o.cfg.Proactive.Window {
		return false, "", nil
	}
	return o.Recheck(ctx, it)
}

// Recheck is the proactive rule for a queued message at send time (Outbox.Recheck): the rule
// mayWrite applies when queueing, against what the database says now.
func (r *Router) Recheck(ctx context.Context, it store.OutboxItem) (proactive bool, drop string, err error) {
	m := it.Msg
	if m.Revoke != "" || m.Lane == ketanmu.LaneOperators || ketanmu.IsGroup(m.Chat) {
		return m.Proactive, "", nil
	}
	err = r.db.View(ctx, func(tx *store.Tx) error {
		staff, err := r.q.staffChat(tx, m.Account, m.Chat)
		if err != nil || staff {
			return err
		}
		lastIn, wrote, hasCase, err := tx.ChatContact(m.Account, m.Chat)
		if err != nil {
			return err
		}
		proactive, drop = proactiveRule(tx.Now(), lastIn, wrote, hasCase, r.cfg.Outbound.Proactive.Window)
		return nil
	})
	return proactive, drop, err
}

// proactiveRule is the one rule for writing to a resident: within outbound.proactive.window of
// their last message anything goes; later only a message about a case of their own, and it is
// proactive; a chat that never wrote gets nothing. drop says why a message may not go.
func proactiveRule(now, lastIn time.Time, wrote, hasCase bool, window time.Duration) (proactive bool, drop string) {
	switch {
	case !wrote:
		return false, "the chat never wrote to this number"
	case now.Sub(lastIn) < window:
		return false, ""
	case !hasCase:
		return false, "proactive message to a resident without a case"
	}
	return true, ""
}

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
