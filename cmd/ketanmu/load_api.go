package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
)

// apiLoad is `ketanmu load --api`: the message path measured through the simulator's JSON API
// in this process, against bare SQLite single-row commits on the same disk in the same run.
type apiLoad struct {
	cfg      *config.Config
	acc      config.Account
	rate     float64       // messages a second in the paced phase
	duration time.Duration // of each phase
	clients  int           // concurrent senders in the saturation phase
	// cpuProfile, when set, is where the saturation phase's CPU profile is written (go tool pprof).
	cpuProfile string
}

// apiInputs is what residents type, in turn: most messages land in a conversation under way.
var apiInputs = []string{"halo", "1", "3", "menu", "cek", "terima kasih"}

func (l *apiLoad) run(ctx context.Context, stdout io.Writer) error {
	dir, err := os.MkdirTemp("", "ketanmu-apiload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	l.cfg.Storage.DataDir = filepath.Join(dir, "data")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := app.OpenSimulator(l.cfg, log, time.Time{}, "")
	if err != nil {
		return err
	}
	defer s.DB.Close()
	stop := s.Start(ctx)
	defer stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.Server.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/api/sim/messages"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 30 * time.Second}

	var seq atomic.Int64
	var firstErr atomic.Value
	send := func() (time.Duration, error) {
		t, err := l.post(ctx, client, url, seq.Add(1))
		if err != nil {
			firstErr.CompareAndSwap(nil, err.Error())
		}
		return t, err
	}
	bare, err := bareCommits(ctx, filepath.Join(dir, "bare.db"), l.duration)
	if err != nil {
		return fmt.Errorf("bare SQLite: %w", err)
	}
	fmt.Fprintf(stdout, "bare SQLite: %.0f single-row commits/s\n", bare)
	cpu0 := cpuTime()
	lat, failed := paced(ctx, send, l.rate, l.duration)
	slices.Sort(lat)
	fmt.Fprintf(stdout, "simulator API at %.0f msg/s: %d answered (%d failed), p50 %s, p99 %s, max %s; peak RSS %d MB; CPU %s a message\n",
		l.rate, len(lat), failed, pct(lat, 0.50), pct(lat, 0.99), pct(lat, 1), peakRSSBytes()>>20, perMessage(cpuTime()-cpu0, len(lat)))
	stopProfile, err := startCPUProfile(l.cpuProfile)
	if err != nil {
		return err
	}
	cpu0 = cpuTime()
	n, nFailed := saturate(ctx, send, l.clients, l.duration)
	if err := stopProfile(); err != nil {
		return err
	}
	perSec := float64(n) / l.duration.Seconds()
	fmt.Fprintf(stdout, "simulator API, %d clients: %.0f msg/s (%d failed) = %.3fx bare SQLite; peak RSS %d MB; CPU %s a message\n",
		l.clients, perSec, nFailed, perSec/bare, peakRSSBytes()>>20, perMessage(cpuTime()-cpu0, int(n)))
	if e := firstErr.Load(); e != nil {
		fmt.Fprintf(stdout, "first failure: %s\n", e)
	}
	return nil
}

// post sends message i of the run: 500 residents take turns, each a step further in turn.
func (l *apiLoad) post(ctx context.Context, client *http.Client, url string, i int64) (time.Duration, error) {
	body, _ := json.Marshal(map[string]string{"account": l.acc.Key, "from": fmt.Sprintf("62812%08d", i%500),
		"id": fmt.Sprintf("API%d", i), "text": apiInputs[int(i/500)%len(apiInputs)]})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 200))
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d: %s", res.StatusCode, msg)
	}
	return time.Since(t0), nil
}

// saturate keeps clients requests in flight for d and counts the answered ones.
func saturate(ctx context.Context, send func() (time.Duration, error), clients int, d time.Duration) (ok, failed int64) {
	var nOK, nFailed atomic.Int64
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) && ctx.Err() == nil {
				if _, err := send(); err != nil {
					nFailed.Add(1)
					continue
				}
				nOK.Add(1)
			}
		}()
	}
	wg.Wait()
	return nOK.Load(), nFailed.Load()
}

// paced starts a request every 1/rate seconds for d, whatever the answers take (an open loop,
// as residents do not wait for each other), and returns the latency of each answered one.
func paced(ctx context.Context, send func() (time.Duration, error), rate float64, d time.Duration) ([]time.Duration, int) {
	var mu sync.Mutex
	var lat []time.Duration
	failed := 0
	var wg sync.WaitGroup
	every := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	for i := 0; ctx.Err() == nil; i++ {
		at := start.Add(time.Duration(i) * every)
		if at.Sub(start) >= d {
			break
		}
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func() {
			defer wg.Done()
			t, err := send()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed++
				return
			}
			lat = append(lat, t)
		}()
	}
	wg.Wait()
	return lat, failed
}

// bareCommits is how many single-row transactions a second SQLite commits on this disk with
// the store's settings (WAL, synchronous NORMAL), one writer: the ceiling the message path is
// compared with.
func bareCommits(ctx context.Context, path string, d time.Duration) (float64, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=10000&_txlock=immediate")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		return 0, err
	}
	payload := strings.Repeat("x", 100)
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO t (v) VALUES (?)`, payload); err != nil {
			tx.Rollback()
			return 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// startCPUProfile profiles this process into path until the returned stop is called;
// with no path it does nothing.
func startCPUProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

func pct(sorted []time.Duration, q float64) string {
	if len(sorted) == 0 {
		return "-"
	}
	i := min(max(int(q*float64(len(sorted))+0.5)-1, 0), len(sorted)-1)
	return sorted[i].Round(10 * time.Microsecond).String()
}

// cpuTime is the CPU time this process used so far (server, outbox and load clients alike):
// on a machine shared with other work it says more than the wall clock does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func perMessage(d time.Duration, n int) string {
	if n == 0 {
		return "-"
	}
	return (d / time.Duration(n)).Round(time.Microsecond).String()
}

// peakRSSBytes is this process's peak resident memory (VmHWM), 0 where /proc has none.
func peakRSSBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb)
			return kb << 10
		}
	}
	return 0
}
