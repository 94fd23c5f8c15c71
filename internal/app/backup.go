package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/ketanmu/ketanmu/backup"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

// BackupSource is the data folder's files as a backup reads them. The data key comes from
// KETANMU_DATA_KEY or the key file, which must exist: a backup never creates a key.
func BackupSource(cfg *config.Config) (backup.Source, error) {
	dir := cfg.Storage.DataDir
	db := InDir(dir, cfg.Storage.Database)
	if _, err := os.Stat(db); err != nil {
		return backup.Source{}, fmt.Errorf("no database to back up at %s: %w", db, err)
	}
	keyPath := InDir(dir, cfg.Storage.KeyFile)
	if os.Getenv("KETANMU_DATA_KEY") == "" {
		if _, err := os.Stat(keyPath); err != nil {
			return backup.Source{}, fmt.Errorf("no data key at %s: %w", keyPath, err)
		}
	}
	key, _, err := store.LoadKey(os.Getenv("KETANMU_DATA_KEY"), keyPath)
	if err != nil {
		return backup.Source{}, err
	}
	return backup.Source{Database: db, WhatsApp: WhatsAppStore(cfg), Key: key, Scratch: dir}, nil
}

// WhatsAppStore is the path of whatsmeow's store in the data folder.
func WhatsAppStore(cfg *config.Config) string {
	return InDir(cfg.Storage.DataDir, cfg.Storage.WhatsmeowDatabase)
}

// SimulatorFolder reports whether the data folder has no WhatsApp store: the simulator's (it
// refuses a folder with one), or one `serve` never ran in.
func SimulatorFolder(cfg *config.Config) bool {
	_, err := os.Stat(WhatsAppStore(cfg))
	return errors.Is(err, fs.ErrNotExist)
}

// backupBeforeMigrating writes an encrypted backup into backup.dir when the existing database
// has migrations pending, so that an upgrade can be undone by restoring it. A WhatsApp data
// folder without a recipient is refused: the upgrade would have no way back. A simulator folder
// migrates with a warning.
func backupBeforeMigrating(cfg *config.Config, log *slog.Logger) error {
	ctx := context.Background()
	path := InDir(cfg.Storage.DataDir, cfg.Storage.Database)
	pending, err := store.PendingMigrations(ctx, path)
	if err != nil || pending == 0 {
		return err
	}
	recipients, err := backup.ParseRecipients(cfg.Backup.Recipients)
	if err != nil {
		return &config.Error{Key: "backup.recipients", Msg: err.Error()}
	}
	if len(recipients) == 0 {
		if SimulatorFolder(cfg) {
			log.Warn("Migrating the database without a backup: backup.recipients is empty", "pending", pending)
			return nil
		}
		return &config.Error{Key: "backup.recipients", Msg: fmt.Sprintf(
			"%d database migrations are pending and ketanmu writes an encrypted backup before migrating: set backup.recipients to the office's age public key", pending)}
	}
	src, err := BackupSource(cfg)
	if err != nil {
		return err
	}
	at := time.Now() // backups are named and pruned on the wall clock, also in the simulator
	out := filepath.Join(cfg.Backup.Dir, backup.PremigrateName(at))
	res, err := backup.Take(ctx, src, recipients, out, at)
	if err != nil {
		return fmt.Errorf("backup before migrating (the database is untouched): %w", err)
	}
	log.Warn("Backup written before migrating the database; restore it to undo the upgrade",
		"path", res.Path, "bytes", res.Size, "schema", res.Manifest.SchemaVersion, "pending", pending)
	return nil
}

// backupJob is the scheduled backups' job, or nil when no recipient is configured (logged).
func backupJob(c *Core, now func() time.Time) (*backup.Job, error) {
	recipients, err := backup.ParseRecipients(c.Cfg.Backup.Recipients)
	if err != nil {
		return nil, &config.Error{Key: "backup.recipients", Msg: err.Error()}
	}
	if len(recipients) == 0 {
		if len(c.Cfg.Backup.Specs) > 0 {
			say := c.Log.Warn
			if SimulatorFolder(c.Cfg) {
				say = c.Log.Info // the simulator's data is play data
			}
			say("Scheduled backups are off: set backup.recipients to the office's age public key")
		}
		return nil, nil
	}
	src, err := BackupSource(c.Cfg)
	if err != nil {
		return nil, err
	}
	keep := c.Cfg.Backup.Keep
	return &backup.Job{Source: src, Recipients: recipients, Dir: c.Cfg.Backup.Dir, Now: now, Log: c.Log,
		Policy: backup.Policy{Hourly: keep.Hourly, Daily: keep.Daily, Loc: c.Cfg.Office.Location},
		Tell:   c.Router.TellBackup}, nil
}

// RunBackups takes the scheduled backups until ctx ends (nothing when they are off).
func (c *Core) RunBackups(ctx context.Context) {
	if c.Backups == nil {
		<-ctx.Done()
		return
	}
	c.Backups.Run(ctx, c.Cfg.Backup.Specs, c.Cfg.Office.Location)
}
