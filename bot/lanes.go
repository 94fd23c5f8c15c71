package bot

import (
	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

// laneOf is the one rule that puts a message in its outbox lane. A revoke always goes first;
// then whatever the producer decided for the message or for the whole batch (the jobs of
// Router.Send: bulk); then traffic to staff (the operators' group, the office phone's own
// chat, an operator's phone) is the operators'; what answers the resident's own message in that
// chat is a reply; anything else to a resident tells them of a step of their case.
func (r *Router) laneOf(msg ketanmu.Outbound, res *Result) ketanmu.Lane {
	switch {
	case msg.Revoke != "":
		return ketanmu.LaneRevoke
	case msg.Lane != "":
		return msg.Lane
	case res.lane != "":
		return res.lane
	case r.staffChat(msg.Account, msg.Chat):
		return ketanmu.LaneOperators
	case res.replyTo != "" && msg.Chat == res.replyTo:
		return ketanmu.LaneReply
	}
	return ketanmu.LaneNotification
}

// staffChat reports whether chat belongs to the office rather than to a resident.
func (r *Router) staffChat(account, chat string) bool {
	if ketanmu.IsGroup(chat) {
		return true
	}
	if acc, ok := r.cfg.Account(account); ok && acc.Phone == chat {
		return true
	}
	_, ok := r.cfg.Operator(chat)
	return ok
}

// replyChat is the chat whose own message the replies of in answer: a resident's chat, not
// the office phone typing in it.
func replyChat(in ketanmu.Inbound) string {
	if in.FromMe {
		return ""
	}
	return in.Chat
}

// admit puts each message not yet queued in its lane and applies the proactive rule inside tx:
// a resident who has not written within outbound.proactive.window gets a message only about a
// case of their own (and it spends the proactive budget); a chat that never wrote to the
// number gets nothing at all. Messages that may not go are dropped from res with a log line.
func (r *Router) admit(tx *store.Tx, res *Result) error {
	kept := res.Replies[:0]
	cards := map[int]int64{}
	for i, msg := range res.Replies {
		if msg.ID == "" {
			msg.Lane = r.laneOf(msg, res)
			ok, err := r.mayWrite(tx, &msg)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
		}
		if id := res.cardFor[i]; id != 0 {
			cards[len(kept)] = id
		}
		kept = append(kept, msg)
	}
	res.Replies, res.cardFor = kept, cards
	return nil
}

// mayWrite applies the proactive rule to one message and marks it proactive when it is.
func (r *Router) mayWrite(tx *store.Tx, msg *ketanmu.Outbound) (bool, error) {
	if msg.Revoke != "" || r.staffChat(msg.Account, msg.Chat) {
		return true, nil
	}
	lastIn, wrote, hasCase, err := tx.ChatContact(msg.Account, msg.Chat)
	if err != nil {
		return false, err
	}
	why := ""
	switch {
	case !wrote:
		why = "the chat never wrote to this number"
	case tx.Now().Sub(lastIn) < r.cfg.Outbound.Proactive.Window:
		return true, nil
	case !hasCase:
		why = "proactive message to a resident without a case"
	default:
		msg.Proactive = true
		return true, nil
	}
	r.log.Warn("Message not queued", "account", msg.Account, "chat", ketanmu.MaskPhone(msg.Chat),
		"lane", string(msg.Lane), "reason", why)
	return false, nil
}

// laneBudget returns the configured budget of a lane.
func laneBudget(cfg config.Outbound, lane ketanmu.Lane) config.Budget {
	return cfg.Lanes[string(lane)]
}
