// Package metrics exposes ketanmu's Prometheus metrics: inbound messages and how long handling
// them took, the outbox's depth and oldest age per account and lane, sends and failures, the
// WhatsApp accounts' states and the open SLA breaches. Counters are fed by the router and the
// outbox as things happen; depths, states and breaches are read when Prometheus scrapes.
package metrics

import (
	"context"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/outbox"
	"github.com/ketanmu/ketanmu/store"
)

// Source is what the scrape-time metrics are read from (the store).
type Source interface {
	OutboxBacklog(ctx context.Context) ([]store.Backlog, error)
	LateCases(ctx context.Context, now time.Time) ([]store.CaseTimes, error)
}

// States reports an account's connection state (the transport).
type States interface {
	State(account string) ketanmu.ConnState
}

// Metrics is the registry and the counters the router and the outbox feed.
type Metrics struct {
	reg      *prometheus.Registry
	inbound  *prometheus.CounterVec
	handling *prometheus.HistogramVec
	sent     *prometheus.CounterVec
	failed   *prometheus.CounterVec
	wait     *prometheus.HistogramVec
	expired  *prometheus.CounterVec
}

var (
	_ outbox.Observer = (*Metrics)(nil)
)

// New registers every metric; accounts are the configured account keys, now the service's clock.
func New(src Source, states States, accounts []string, now func() time.Time) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.inbound = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ketanmu_inbound_messages_total",
		Help: "Messages received, per account and kind (text, image, document, unsupported)."}, []string{"account", "kind"})
	m.handling = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ketanmu_handle_seconds",
		Help:    "Time to handle one inbound message: dedupe, flow and the replies queued, in one transaction.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"account"})
	m.sent = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ketanmu_outbox_sent_total",
		Help: "Messages handed to WhatsApp, per account and lane."}, []string{"account", "lane"})
	m.failed = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ketanmu_outbox_failed_total",
		Help: "Messages given up after their last try, per account and lane."}, []string{"account", "lane"})
	m.wait = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ketanmu_outbox_wait_seconds",
		Help:    "Time from queueing to WhatsApp accepting a message, per lane.",
		Buckets: []float64{.5, 1, 2, 3, 5, 10, 30, 60, 300, 1800}}, []string{"lane"})
	m.expired = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ketanmu_outbox_expired_total",
		Help: "Messages never sent because they waited longer than their lane's max_age, per account and lane."}, []string{"account", "lane"})
	m.reg.MustRegister(m.inbound, m.handling, m.sent, m.failed, m.wait, m.expired,
		&scraped{src: src, states: states, accounts: accounts, now: now},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handled counts an inbound message and how long the router took.
func (m *Metrics) Handled(in ketanmu.Inbound, took time.Duration) {
	m.inbound.WithLabelValues(in.Account, string(in.Kind)).Inc()
	m.handling.WithLabelValues(in.Account).Observe(took.Seconds())
}

// Sent counts a message handed to WhatsApp after waiting.
func (m *Metrics) Sent(account string, lane ketanmu.Lane, waited time.Duration) {
	m.sent.WithLabelValues(account, string(lane)).Inc()
	m.wait.WithLabelValues(string(lane)).Observe(waited.Seconds())
}

// Failed counts a message given up.
func (m *Metrics) Failed(account string, lane ketanmu.Lane) {
	m.failed.WithLabelValues(account, string(lane)).Inc()
}

// Expired counts messages that outlived their lane's max_age (outbox.Observer).
func (m *Metrics) Expired(account string, lane ketanmu.Lane, n int) {
	m.expired.WithLabelValues(account, string(lane)).Add(float64(n))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// LoopbackOnly lets through only requests made on this machine and not forwarded by a proxy,
// so that /metrics on the main listener never reaches the internet by accident. A request
// carrying any forwarding header (whatever it claims) came through a proxy: refused.
func LoopbackOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		ip := net.ParseIP(host)
		if err != nil || ip == nil || !ip.IsLoopback() || forwarded(r.Header) {
			http.Error(w, "metrics are served to this machine only (see http.metrics_addr)", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// forwardingHeaders are the headers proxies add to say whom they forward for.
var forwardingHeaders = []string{"Forwarded", "Via", "X-Real-Ip", "X-Client-Ip", "True-Client-Ip",
	"Cf-Connecting-Ip", "Fastly-Client-Ip", "X-Cluster-Client-Ip", "X-Original-Forwarded-For"}

// forwarded reports whether h has any header a proxy adds (X-Forwarded-* included).
func forwarded(h http.Header) bool {
	for name := range h {
		if strings.HasPrefix(http.CanonicalHeaderKey(name), "X-Forwarded-") || slices.Contains(forwardingHeaders, http.CanonicalHeaderKey(name)) {
			return true
		}
	}
	return false
}

// scraped reads the gauges when Prometheus scrapes.
type scraped struct {
	src      Source
	states   States
	accounts []string
	now      func() time.Time
}

var (
	depthDesc = prometheus.NewDesc("ketanmu_outbox_depth", "Messages waiting in the outbox, per account and lane.",
		[]string{"account", "lane"}, nil)
	oldestDesc = prometheus.NewDesc("ketanmu_outbox_oldest_age_seconds",
		"How long the oldest waiting message of a lane has waited, per account and lane.", []string{"account", "lane"}, nil)
	stateDesc = prometheus.NewDesc("ketanmu_account_state",
		"1 for the state each WhatsApp account is in, 0 for the others.", []string{"account", "state"}, nil)
	breachDesc = prometheus.NewDesc("ketanmu_sla_open_breaches",
		"Open cases past their stage deadline, per service.", []string{"service"}, nil)
	scrapeErrDesc = prometheus.NewDesc("ketanmu_scrape_errors",
		"1 when the database could not be read for this scrape.", nil, nil)
)

var allStates = []ketanmu.ConnState{ketanmu.StateNotPaired, ketanmu.StateConnecting, ketanmu.StateConnected, ketanmu.StateDisconnected,
	ketanmu.StateLoggedOut, ketanmu.StateReplaced, ketanmu.StateOutdated, ketanmu.StateBanned}

func (s *scraped) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{depthDesc, oldestDesc, stateDesc, needsDesc, phoneDesc, breachDesc, scrapeErrDesc} {
		ch <- d
	}
}

func (s *scraped) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := s.now()
	failed := 0.0
	backlog, err := s.src.OutboxBacklog(ctx)
	if err != nil {
		failed = 1
	}
	type key struct{ account, lane string }
	seen := map[key]store.Backlog{}
	for _, b := range backlog {
		seen[key{b.Account, string(b.Lane)}] = b
	}
	for _, a := range s.accounts {
		for _, lane := range ketanmu.Lanes {
			b, ok := seen[key{a, string(lane)}]
			age := 0.0
			if ok {
				age = max(now.Sub(b.Oldest).Seconds(), 0)
			}
			ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, float64(b.Depth), a, string(lane))
			ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, age, a, string(lane))
		}
		st := s.states.State(a)
		for _, state := range allStates {
			v := 0.0
			if state == st {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(stateDesc, prometheus.GaugeValue, v, a, string(state))
		}
		if !s.collectLink(ch, a, st, now) {
			failed = 1
		}
	}
	late, err := s.src.LateCases(ctx, now)
	if err != nil {
		failed = 1
	}
	perService := map[string]int{}
	for _, c := range late {
		perService[c.Service]++
	}
	for service, n := range perService {
		ch <- prometheus.MustNewConstMetric(breachDesc, prometheus.GaugeValue, float64(n), service)
	}
	ch <- prometheus.MustNewConstMetric(scrapeErrDesc, prometheus.GaugeValue, failed)
}
