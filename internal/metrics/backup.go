package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ketanmu/ketanmu/backup"
)

// WatchBackups adds the newest backup's age and size in dir, read when Prometheus scrapes
// (the folder is the truth: backups written by `ketanmu backup` from cron count too). Without
// any backup the age is -1.
func (m *Metrics) WatchBackups(dir string) {
	latest := func() (backup.Info, bool) {
		info, ok, err := backup.Latest(dir)
		return info, ok && err == nil
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ketanmu_backup_age_seconds",
		Help: "Seconds since the newest backup in backup.dir was taken; -1 when there is none."}, func() float64 {
		info, ok := latest()
		if !ok {
			return -1
		}
		return time.Since(info.At).Seconds()
	}))
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ketanmu_backup_size_bytes",
		Help: "Size of the newest backup in backup.dir; 0 when there is none."}, func() float64 {
		info, _ := latest()
		return float64(info.Size)
	}))
}
