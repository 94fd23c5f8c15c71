package bot

import (
	"context"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// TellGaveUp tells an account's operators that a message to a resident was given up for good
// (WhatsApp refused it, or every retry failed), so that a person reaches the resident another
// way. Suits Outbox.GaveUp.
func (r *Router) TellGaveUp(ctx context.Context, it store.OutboxItem, cause error) {
	m := it.Msg
	acc, ok := r.cfg.Account(m.Account)
	if !ok || m.Revoke != "" || ketanmu.IsGroup(m.Chat) || m.Chat == acc.Phone {
		return
	}
	told := false
	_, err := r.Send(ctx, func(tx *store.Tx) ([]ketanmu.Outbound, error) {
		if _, isOp, err := tx.OperatorByPhone(m.Chat); err != nil || isOp {
			return nil, err // an operator's own chat: they will see it themselves
		}
		chats, err := r.operatorChatsAbout(tx, acc, m.Chat, "")
		if err != nil {
			return nil, err
		}
		text := r.text("op_send_failed", "phone", ketanmu.MaskPhone(m.Chat))
		if reason := r.refusedReason(cause); reason != "" {
			text = r.text("op_send_refused", "phone", ketanmu.MaskPhone(m.Chat), "reason", reason)
		}
		var out []ketanmu.Outbound
		for _, to := range chats {
			out = append(out, ketanmu.Outbound{Account: acc.Key, Chat: to, Lane: ketanmu.LaneOperators, Text: text})
		}
		told = len(out) > 0
		return out, nil
	})
	if err != nil {
		r.log.Error("Telling the operators about an undelivered message failed", "account", acc.Key,
			"chat", ketanmu.MaskPhone(m.Chat), "error", err)
		return
	}
	if !told {
		return
	}
	r.log.Warn("Operators told about an undelivered message", "account", acc.Key, "chat", ketanmu.MaskPhone(m.Chat),
		"message_id", m.ID, "error", ketanmu.MaskNumbers(cause.Error()))
}
