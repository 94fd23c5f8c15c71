package bot

import (
	"context"
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
	err := r.tellSupervisors(ctx, acc.Key, text)
	if err != nil {
		r.log.Error("Backup alert not queued", "failed", failed, "error", err)
	}
}
