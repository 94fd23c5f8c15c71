package outbox

import (
	"context"
	"time"

	"github.com/ketanmu/ketanmu"
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
	if err := o.d.DB.ExpireOutbox(ctx, stale, "expired: waited longer than its lane's max_age"); err != nil {
		return nil, err
	}
	o.d.Log.Warn("Messages expired unsent", "account", account, "count", len(stale))
	byLane := map[ketanmu.Lane]int{}
	for _, it := range stale {
		byLane[it.Msg.Lane]++
	}
	for lane, n := range byLane {
		o.d.Observer.Expired(account, lane, n)
	}
	o.d.Expired(ctx, account)
	return kept, nil
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
		o.d.Log.Info("Message dropped at send time", "account", it.Msg.Account, "chat", ketanmu.MaskPhone(it.Msg.Chat),
			"message_id", it.Msg.ID, "reason", drop)
		return false, false, o.d.DB.MarkRetry(ctx, it, now, true, "dropped: "+drop)
	}
	return true, proactive, nil
}

// recheck applies the proactive rule again at send time: a reply queued while the resident had
// just written may, after an outage, be a message nobody asked for now. It returns whether the
// message is proactive now, or why it may not go at all.
func (o *Outbox) recheck(ctx context.Context, it store.OutboxItem) (proactive bool, drop string, err error) {
	// A reply answers the message the resident just sent; it expires (max_age) long before
	// the proactive window can pass, so the rule cannot have changed: no read on the hot path.
	if age := laneBudget(o.cfg, ketanmu.LaneReply).MaxAge; it.Msg.Lane == ketanmu.LaneReply && !it.Msg.Proactive &&
		age > 0 && age < o.cfg.Proactive.Window {
		return false, "", nil
	}
	return o.d.Recheck.Recheck(ctx, it)
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
