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
	to := acc.OperatorsGroup
	if to == "" {
		to = acc.Phone
	}
	out := ketanmu.Outbound{Account: acc.Key, Chat: to, ID: r.NewID(acc.Key),
		Text: r.text("op_send_failed", "phone", ketanmu.MaskPhone(m.Chat))}
	told := false
	err := r.db.Update(ctx, func(tx *store.Tx) error {
		if _, isOp, err := tx.OperatorByPhone(m.Chat); err != nil || isOp {
			return err // an operator's own chat: they will see it themselves
		}
		told = true
		return tx.Queue(out)
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
	r.Notify(acc.Key)
}
