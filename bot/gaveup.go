package bot

import (
	"context"
	"strings"

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
	if _, isOp := r.cfg.Operator(m.Chat); isOp {
		return
	}
	to := acc.OperatorsGroup
	if to == "" {
		to = acc.Phone
	}
	out := ketanmu.Outbound{Account: acc.Key, Chat: to, ID: r.NewID(acc.Key),
		Text: strings.ReplaceAll(r.cfg.Text("op_send_failed"), "{phone}", m.Chat)}
	if err := r.db.Update(ctx, func(tx *store.Tx) error { return tx.Queue(out) }); err != nil {
		r.log.Error("Telling the operators about an undelivered message failed", "account", acc.Key,
			"chat", ketanmu.MaskPhone(m.Chat), "error", err)
		return
	}
	r.log.Warn("Operators told about an undelivered message", "account", acc.Key, "chat", ketanmu.MaskPhone(m.Chat),
		"message_id", m.ID, "error", ketanmu.MaskNumbers(cause.Error()))
	r.Notify(acc.Key)
}
