package ops

import (
	"fmt"
	"strings"

	"github.com/ketanmu/ketanmu/web/status"
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

func (s *Server) backupView(supervisor bool) backupView {
	info, ok, stale, err := status.LatestBackup(s.cfg)
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
