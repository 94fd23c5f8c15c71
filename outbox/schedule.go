package outbox

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

// candidate is a message that may leave in this pass, and the lane whose budget it spends.
type candidate struct {
	it   store.OutboxItem
	lane ketanmu.Lane
}

// laneRank orders lanes by urgency (0 most urgent); an unknown lane counts as bulk.
func laneRank(l ketanmu.Lane) int {
	if i := slices.Index(ketanmu.Lanes, l); i >= 0 {
		return i
	}
	return len(ketanmu.Lanes) - 1
}

// plan picks, from an account's pending messages (oldest first), those that may leave at now,
// most urgent lane first and oldest first within a lane, and tells when the next of the others
// becomes due (zero: none waits on time). Only a chat's oldest message may leave, so the
// order within a chat is kept; it spends the budget of the most urgent lane waiting behind it,
// so that a resident's reply is never held up by a bulk message queued before it in that chat.
// A revoke deletes a message already on the phone and shows nothing itself: it overtakes. A
// reply waits its human-looking delay from the resident's message and from the chat's last send.
func plan(items []store.OutboxItem, lastSent map[string]time.Time, delay config.ReplyDelay, now time.Time) ([]candidate, time.Time) {
	var out []candidate
	var next time.Time
	heads := map[string]int{} // chat -> index in out
	due := func(it store.OutboxItem) bool {
		ready := it.NextAttempt
		if it.Msg.Lane == ketanmu.LaneReply {
			ready = later(ready, it.CreatedAt.Add(delay.For(len([]rune(it.Msg.Text)))))
			ready = later(ready, lastSent[it.Msg.Chat].Add(delay.Min))
		}
		if ready.After(now) {
			next = earliest(next, ready)
			return false
		}
		return true
	}
	blocked := map[string]bool{} // chats whose head is not due yet
	for _, it := range items {
		lane := it.Msg.Lane
		if it.Msg.Revoke != "" {
			if due(it) {
				out = append(out, candidate{it: it, lane: ketanmu.LaneRevoke})
			}
			continue
		}
		chat := it.Msg.Chat
		if blocked[chat] {
			continue
		}
		if i, ok := heads[chat]; ok {
			if laneRank(lane) < laneRank(out[i].lane) {
				out[i].lane = lane
			}
			continue
		}
		if !due(it) {
			blocked[chat] = true
			continue
		}
		heads[chat] = len(out)
		out = append(out, candidate{it: it, lane: lane})
	}
	slices.SortStableFunc(out, func(a, b candidate) int {
		if d := laneRank(a.lane) - laneRank(b.lane); d != 0 {
			return d
		}
		return int(a.it.RowID - b.it.RowID)
	})
	return out, next
}

// laneDepths counts the pending messages of each lane.
func laneDepths(items []store.OutboxItem) map[ketanmu.Lane]int {
	d := map[ketanmu.Lane]int{}
	for _, it := range items {
		d[it.Msg.Lane]++
	}
	return d
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// tokenWait is how long until a limiter holding tokens has one whole token.
func tokenWait(lim *rate.Limiter, tokens float64) time.Duration {
	per := float64(lim.Limit())
	if per <= 0 || lim.Limit() == rate.Inf {
		return time.Second
	}
	return time.Duration(math.Ceil((1 - tokens) / per * float64(time.Second)))
}

// combine folds every card text waiting in head's chat into head, when the operators' lane is
// long: one message listing the new cases instead of one each. Their photos still follow one by
// one, each captioned with its case number.
func (o *Outbox) combine(ctx context.Context, head store.OutboxItem, items []store.OutboxItem) (store.OutboxItem, error) {
	var others []store.OutboxItem
	texts := []string{head.Msg.Text}
	for _, it := range items {
		if it.Card && it.RowID != head.RowID && it.Msg.Chat == head.Msg.Chat {
			others = append(others, it)
			texts = append(texts, it.Msg.Text)
		}
	}
	if len(others) == 0 {
		return head, nil
	}
	text := strings.Join(texts, "\n\n")
	if err := o.d.DB.CombineCards(ctx, head, others, text); err != nil {
		return head, err
	}
	o.d.Log.Info("Case cards combined", "account", head.Msg.Account, "chat", head.Msg.Chat, "cards", len(texts))
	head.Msg.Text = text
	return head, nil
}

// checkBacklog tells the supervisors (OnBacklog) once when a lane's oldest message has waited
// longer than outbound.alert_after, and forgets the alert when the lane is back to normal. It
// looks at most once a second.
func (o *Outbox) checkBacklog(ctx context.Context, account string, st *outboxAccount, items []store.OutboxItem, now time.Time) {
	st.mu.Lock()
	if now.Sub(st.checkedAt) < time.Second && !st.checkedAt.IsZero() {
		st.mu.Unlock()
		return
	}
	st.checkedAt = now
	for chat, at := range st.lastSent {
		if now.Sub(at) > time.Minute+o.cfg.ReplyDelay.Max {
			delete(st.lastSent, chat) // only a reply's delay looks at it
		}
	}
	st.mu.Unlock()
	oldest := map[ketanmu.Lane]time.Time{}
	depth := laneDepths(items)
	for _, it := range items {
		if t, ok := oldest[it.Msg.Lane]; !ok || it.CreatedAt.Before(t) {
			oldest[it.Msg.Lane] = it.CreatedAt
		}
	}
	for _, lane := range ketanmu.Lanes {
		t, ok := oldest[lane]
		late := ok && now.Sub(t) > o.cfg.AlertAfter
		st.mu.Lock()
		was, known := st.alerted[lane]
		st.mu.Unlock()
		switch {
		case late && !was:
			// The row in outbox_alerts, not this worker's memory, decides: after a restart a
			// lane still backed up is not told twice.
			raised, err := o.d.DB.RaiseOutboxAlert(ctx, account, lane)
			if err != nil {
				o.d.Log.Error("Outbox alert not recorded", "account", account, "lane", string(lane), "error", err)
				continue
			}
			if raised {
				o.d.Log.Warn("Outbox lane backed up", "account", account, "lane", string(lane),
					"depth", depth[lane], "oldest_wait", now.Sub(t).Round(time.Second).String())
				o.d.OnBacklog(ctx, account, lane, depth[lane], now.Sub(t))
			}
		case !late && (was || !known):
			if err := o.d.DB.ClearOutboxAlert(ctx, account, lane); err != nil {
				continue
			}
		default:
			continue
		}
		st.mu.Lock()
		st.alerted[lane] = late
		st.mu.Unlock()
	}
}
