package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu/backup"
)

// backupView is the newest backup as the numbers page shows it.
type backupView struct {
	Known bool
	At    string
	Size  string
	Stale bool // missed two scheduled times: supervisors are warned
	Off   bool // no recipient configured: no scheduled backups
	Err   string
	// Supervisor: the reader is warned about a stale backup.
	Supervisor bool
}

// BackupHealth is /healthz's word on the newest backup in backup.dir.
type BackupHealth struct {
	LastAt     *string `json:"last_at"`
	AgeSeconds int64   `json:"age_seconds"`
	SizeBytes  int64   `json:"size_bytes"`
	Stale      bool    `json:"stale"`
	Error      string  `json:"error,omitempty"`
}

// latestBackup reads the backup folder (the truth, whoever wrote the backups) at the wall
// clock's now: backups are taken on the wall clock, also in the simulator.
func (s *Server) latestBackup() (backup.Info, bool, bool, error) {
	now := time.Now()
	info, ok, err := backup.Latest(s.cfg.Backup.Dir)
	if err != nil {
		return info, false, false, err
	}
	stale := backup.Stale(info.At, now, s.cfg.Backup.Specs, s.cfg.Office.Location)
	return info, ok, stale, nil
}

func (s *Server) backupHealth() BackupHealth {
	info, ok, stale, err := s.latestBackup()
	h := BackupHealth{Stale: stale, AgeSeconds: -1}
	if err != nil {
		h.Error = "backup folder unreadable"
		s.log.Error("Health check: backup folder unreadable", "dir", s.cfg.Backup.Dir, "error", err)
	}
	if ok {
		h.LastAt = s.officeTime(info.At)
		h.AgeSeconds = int64(time.Since(info.At).Seconds())
		h.SizeBytes = info.Size
	}
	return h
}

func (s *Server) backupView(supervisor bool) backupView {
	info, ok, stale, err := s.latestBackup()
	v := backupView{Known: ok, Stale: stale, Off: len(s.cfg.Backup.Recipients) == 0, Supervisor: supervisor}
	if err != nil {
		v.Err = "Folder cadangan tidak dapat dibaca."
		return v
	}
	if ok {
		v.At, v.Size = officeDate(info.At, s.cfg), byteSize(info.Size)
	}
	return v
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return strings.Replace(fmt.Sprintf("%.1f GB", float64(n)/(1<<30)), ".", ",", 1)
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".", ",", 1)
	default:
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
}
