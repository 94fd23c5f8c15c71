package bot

import (
	"context"
	"slices"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// TellBackup tells every supervisor with a phone, through the first account, that scheduled
// backups stopped working (failed) or work again. The caller tells once per change; the
// reason stays in the log (it may name paths the supervisor cannot act on).
func (r *Router) TellBackup(ctx context.Context, failed bool) {
	if len(r.cfg.Accounts) == 0 {
		return
	}
	acc := r.cfg.Accounts[0]
	key := "backup_recovered"
	if failed {
		key = "backup_failed"
	}
	text := r.text(key, "dir", r.cfg.Backup.Dir)
	_, err := r.Send(ctx, func(tx *store.Tx) ([]ketanmu.Outbound, error) {
		ops, err := tx.Operators()
		if err != nil {
			return nil, err
		}
		var msgs []ketanmu.Outbound
		for _, op := range ops {
			if op.Phone != "" && slices.Contains(op.Roles, lifecycle.RoleSupervisor) {
				msgs = append(msgs, ketanmu.Outbound{Account: acc.Key, Chat: op.Phone, Text: text, Lane: ketanmu.LaneNotification})
			}
		}
		return msgs, nil
	})
	if err != nil {
		r.log.Error("Backup alert not queued", "failed", failed, "error", err)
	}
}
