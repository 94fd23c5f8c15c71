package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/ketanmu/ketanmu/backup"
	"github.com/ketanmu/ketanmu/internal/app"
)

// runBackup writes one encrypted backup of the data folder, safe while serve or sim runs.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stderr)
	var common commonFlags
	common.register(fs)
	out := fs.String("out", "", "backup file to write (default: backup.dir/ketanmu-<time>.age)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := common.loadConfig(flagGiven(fs, "config"), stderr)
	if err != nil {
		return err
	}
	recipients, err := backup.ParseRecipients(cfg.Backup.Recipients)
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	if len(recipients) == 0 {
		if !app.SimulatorFolder(cfg) {
			return &exitError{code: 2, msg: "no backup recipient: set backup.recipients to the office's age public key (see README, Backups and recovery); a backup is never written unencrypted"}
		}
		r, identity, err := backup.ThrowAway()
		if err != nil {
			return err
		}
		recipients = []age.Recipient{r}
		fmt.Fprintln(stdout, "Simulator folder without backup.recipients: encrypted to a throw-away key. Keep this identity to restore it:")
		fmt.Fprintln(stdout, identity)
	}
	src, err := app.BackupSource(cfg)
	if err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	now := time.Now()
	path := *out
	if path == "" {
		path = filepath.Join(cfg.Backup.Dir, backup.Name(now))
	}
	res, err := backup.Take(ctx, src, recipients, path, now)
	if err != nil {
		return &exitError{code: 1, msg: "backup failed: " + err.Error()}
	}
	fmt.Fprintf(stdout, "Backup written to %s (%d bytes): schema %d, %s%s\n", res.Path, res.Size,
		res.Manifest.SchemaVersion, counts(res.Manifest.Counts), whatsAppNote(res.Manifest.Has(backup.WhatsAppName)))
	return nil
}

// runRestore restores a backup into a new, empty data folder.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("restore", stderr)
	var common commonFlags
	common.register(fs)
	from := fs.String("from", "", "backup file to restore (required)")
	identity := fs.String("identity", "", "age identity file that opens it (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" || *identity == "" || common.data == "" {
		return &exitError{code: 2, msg: "restore needs --from FILE --identity KEYFILE --data NEWDIR"}
	}
	cfg, err := common.loadConfig(flagGiven(fs, "config"), stderr)
	if err != nil {
		return err
	}
	ids, err := backup.ReadIdentities(*identity)
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	f, err := os.Open(*from)
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	defer f.Close()
	dir := cfg.Storage.DataDir
	rep, err := backup.Restore(ctx, f, ids, backup.Target{Dir: dir,
		Database: app.InDir(dir, cfg.Storage.Database), WhatsApp: app.WhatsAppStore(cfg), KeyFile: app.InDir(dir, cfg.Storage.KeyFile)})
	if err != nil {
		return &exitError{code: 1, msg: "restore refused: " + err.Error()}
	}
	m := rep.Manifest
	fmt.Fprintf(stdout, "Restored the backup of %s (ketanmu %s, schema %d) into %s.\n",
		m.CreatedAt.Format(time.RFC3339), m.AppVersion, m.SchemaVersion, dir)
	if rep.Schema != m.SchemaVersion {
		fmt.Fprintf(stdout, "Migrated the database from schema %d to %d.\n", m.SchemaVersion, rep.Schema)
	}
	fmt.Fprintf(stdout, "Integrity check ok; %d documents decrypted with the restored key.\n", rep.Documents)
	fmt.Fprintf(stdout, "Counts: %s\n", counts(m.Counts))
	if rep.WhatsApp {
		fmt.Fprintln(stdout, "WhatsApp sessions restored: if WhatsApp has moved on since the backup, an account may need linking again (ketanmu pair --account KEY).")
		fmt.Fprintf(stdout, "Start with: ketanmu serve --data %s\n", dir)
	} else {
		fmt.Fprintf(stdout, "Start with: ketanmu sim --data %s\n", dir)
	}
	return nil
}

func counts(c map[string]int64) string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, c[k]))
	}
	return strings.Join(parts, ", ")
}

func whatsAppNote(has bool) string {
	if has {
		return "; with the WhatsApp session store"
	}
	return "; no WhatsApp session store (simulator folder)"
}
