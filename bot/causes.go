package bot

import (
	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// recordCauses links the replies in a resident's chat to the message that caused them, for
// ReplyGate, when that message comes from the backlog the account missed while offline (seen
// while the backlog is still arriving, or written on WhatsApp before the account came back,
// as a file downloaded later is): only there may an operator's later answer be further down
// the same backlog. A live reply (a registration number) is never dropped because someone
// typed in the chat a second later.
func (r *Router) recordCauses(tx *store.Tx, in ketanmu.Inbound, res *Result) error {
	if in.FromMe || ketanmu.IsGroup(in.Chat) || !r.fromBacklog(in) {
		return nil
	}
	for _, out := range res.Replies {
		if out.Chat != in.Chat || out.Revoke != "" || out.ID == "" {
			continue
		}
		if err := tx.RecordCause(out.Account, out.ID, in.ID); err != nil {
			return err
		}
	}
	return nil
}

// fromBacklog reports whether in reached the account from its offline backlog.
func (r *Router) fromBacklog(in ketanmu.Inbound) bool {
	return r.offline.Holding(in.Account) || r.offline.Backlog(in.Account, in.At)
}

// replyChat is the chat whose own message the replies of in answer: a resident's chat, not
// the office phone typing in it.
func replyChat(in ketanmu.Inbound) string {
	if in.FromMe {
		return ""
	}
	return in.Chat
}
