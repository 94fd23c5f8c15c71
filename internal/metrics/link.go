package metrics

import (
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/prometheus/client_golang/prometheus"
)

// PhoneWatcher is implemented by transports that know when each number last saw its office
// phone (WhatsApp); zero: not yet.
type PhoneWatcher interface {
	PhoneSeen(account string) (time.Time, error)
}

var (
	needsDesc = prometheus.NewDesc("ketanmu_account_needs_person",
		"1 when a WhatsApp account waits on a person (logged out, banned, outdated, replaced, not paired).", []string{"account"}, nil)
	phoneDesc = prometheus.NewDesc("ketanmu_whatsapp_phone_silent_seconds",
		"Time since the account last saw its office phone; WhatsApp logs linked devices out after about 14 days.", []string{"account"}, nil)
)

// collectLink reports whether a number needs a person and how long its phone has been silent;
// false when the silence could not be read.
func (s *scraped) collectLink(ch chan<- prometheus.Metric, account string, st ketanmu.ConnState, now time.Time) bool {
	needs := 0.0
	if st.NeedsPerson() {
		needs = 1
	}
	ch <- prometheus.MustNewConstMetric(needsDesc, prometheus.GaugeValue, needs, account)
	pw, ok := s.states.(PhoneWatcher)
	if !ok {
		return true
	}
	seen, err := pw.PhoneSeen(account)
	if err != nil {
		return false
	}
	if !seen.IsZero() {
		ch <- prometheus.MustNewConstMetric(phoneDesc, prometheus.GaugeValue, max(now.Sub(seen).Seconds(), 0), account)
	}
	return true
}
