package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/internal/pause"
	"github.com/ketanmu/ketanmu/store"
)

// runLoad is the load scenario of a busy office hour: Validasi NIK residents arrive at a steady
// rate on one number, answer every prompt a few seconds after it reached their phone, operators
// take each case in the group and close it from the resident's chat (a command the bot deletes),
// and a reminder job queues bulk messages now and then. Router and outbox run on the real clock
// with the production pacing; the transport only records when each message is handed over.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("load", stderr)
	var common commonFlags
	common.register(fs)
	rate := fs.Float64("rate", 10, "new cases a minute")
	duration := fs.Duration("duration", 150*time.Second, "how long new residents keep arriving")
	drain := fs.Duration("drain", 0, "after the run, wait up to this long for the outbox to empty")
	think := fs.Duration("think", 3*time.Second, "a resident's time to answer a prompt")
	waitPrompt := fs.Bool("wait-prompt", false, "residents answer only once the prompt was handed to WhatsApp (default: every --think)")
	latency := fs.Duration("send-latency", 200*time.Millisecond, "how long WhatsApp takes to accept one message")
	accountKey := fs.String("account", "nik", "the account (number) under load")
	api := fs.Bool("api", false, "measure the simulator's JSON API instead: msg/s against bare SQLite, latency at --api-rate, peak RSS")
	apiRate := fs.Float64("api-rate", 500, "with --api: messages a second in the paced phase")
	apiTime := fs.Duration("api-duration", 10*time.Second, "with --api: how long each phase runs")
	apiClients := fs.Int("api-clients", 16, "with --api: concurrent senders in the saturation phase")
	apiProfile := fs.String("cpuprofile", "", "with --api: write a CPU profile of the saturation phase to this file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := common.loadConfig(flagGiven(fs, "config"), stderr)
	if err != nil {
		return err
	}
	acc, ok := cfg.Account(*accountKey)
	if !ok {
		return &exitError{code: 2, msg: fmt.Sprintf("unknown account %q", *accountKey)}
	}
	if *api {
		return (&apiLoad{cfg: cfg, acc: acc, rate: *apiRate, duration: *apiTime, clients: *apiClients, cpuProfile: *apiProfile}).run(ctx, stdout)
	}
	if !flagGiven(fs, "data") {
		dir, err := os.MkdirTemp("", "ketanmu-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.Storage.DataDir = dir
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	tr := &loadTransport{latency: *latency, sent: map[string]time.Time{}}
	core, err := app.Open(cfg, log, tr, time.Now)
	if err != nil {
		return err
	}
	defer core.DB.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var outboxDone sync.WaitGroup
	outboxDone.Add(1)
	go func() {
		defer outboxDone.Done()
		core.Outbox.Run(ctx)
	}()

	l := &loadRun{core: core, acc: acc, tr: tr, think: *think, waitPrompt: *waitPrompt, queued: map[string]queuedMsg{}}
	if op, ok := firstOperator(cfg); ok {
		l.operator = op
	}
	fmt.Fprintf(stdout, "load: %.0f new cases a minute on %s for %s (think %s, send latency %s)\n",
		*rate, acc.Key, *duration, *think, *latency)
	start := time.Now()
	l.run(ctx, *rate, *duration)
	left := l.pending(ctx)
	fmt.Fprintf(stdout, "after %s: %d cases opened, %d messages sent, %d still queued\n",
		time.Since(start).Round(time.Second), l.cases(), tr.count(), left)
	l.report(ctx, stdout)
	if *drain > 0 && left > 0 {
		t0 := time.Now()
		for left > 0 && time.Since(t0) < *drain && ctx.Err() == nil {
			time.Sleep(time.Second)
			left = l.pending(ctx)
		}
		fmt.Fprintf(stdout, "drain: %d still queued after %s more\n", left, time.Since(t0).Round(time.Second))
	}
	cancel()
	outboxDone.Wait()
	return nil
}

func firstOperator(cfg *config.Config) (string, bool) {
	for _, op := range cfg.Operators {
		if slices.Contains(op.Roles, "operator") {
			return op.Phone, true
		}
	}
	return "", false
}

// loadTransport hands messages over after a fixed latency and records when.
type loadTransport struct {
	latency time.Duration
	mu      sync.Mutex
	sent    map[string]time.Time
}

var _ bot.Transport = (*loadTransport)(nil)

func (t *loadTransport) Send(ctx context.Context, msg ketanmu.Outbound) error {
	tm := time.NewTimer(t.latency)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
	}
	t.mu.Lock()
	t.sent[msg.ID] = time.Now()
	t.mu.Unlock()
	return nil
}

func (t *loadTransport) State(string) bot.ConnState { return bot.StateConnected }

func (t *loadTransport) sentAt(id string) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.sent[id]
	return at, ok
}

func (t *loadTransport) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.sent)
}

// queuedMsg is what the scenario knows of a queued message: which kind of traffic it is (the
// lane it belongs in) and since when its cause has waited.
type queuedMsg struct {
	lane string
	at   time.Time
}

type loadRun struct {
	core       *app.Core
	acc        config.Account
	tr         *loadTransport
	think      time.Duration
	waitPrompt bool
	operator   string

	mu      sync.Mutex
	queued  map[string]queuedMsg
	numbers []string // cases opened, with the resident's chat
	chats   []string
}

var laneOrder = []string{"revoke", "reply", "notification", "operators", "bulk"}

func (l *loadRun) run(ctx context.Context, rate float64, duration time.Duration) {
	var wg sync.WaitGroup
	every := time.Duration(float64(time.Minute) / rate)
	stop := time.Now().Add(duration)
	wg.Add(1)
	go func() {
		defer wg.Done()
		l.bulkJob(ctx, stop)
	}()
	for i := 0; time.Now().Before(stop) && ctx.Err() == nil; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.resident(ctx, i, stop)
		}()
		select {
		case <-ctx.Done():
		case <-time.After(every):
		}
	}
	wg.Wait()
}

// track records the messages one handling queued, with the lane the scenario files them in.
func (l *loadRun) track(at time.Time, msgs []ketanmu.Outbound, residentChat string, fromResident bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range msgs {
		lane := "notification"
		switch {
		case m.Revoke != "":
			lane = "revoke"
		case m.Chat != residentChat:
			lane = "operators"
		case fromResident:
			lane = "reply"
		}
		l.queued[m.ID] = queuedMsg{lane: lane, at: at}
	}
}

var caseNumber = regexp.MustCompile(`\b[A-Z]{3}-\d{6}-\d{4}\b`)

// resident runs one Validasi NIK application and, once its card reached the group, the
// operators' side of it; it stops early when the run is over.
func (l *loadRun) resident(ctx context.Context, i int, stop time.Time) {
	chat := fmt.Sprintf("6285%09d", 700000000+i)
	nik := "3516131204850003"
	script := []ketanmu.Inbound{
		{Kind: ketanmu.KindText, Text: "nik saya tidak bisa buat registrasi kartu sim"},
		{Kind: ketanmu.KindText, Text: "2"},
		{Kind: ketanmu.KindText, Text: nik},
		loadPhoto(fmt.Sprintf("kk-%d", i), "kk"),
		loadPhoto(fmt.Sprintf("ktp-%d", i), "ktp"),
		{Kind: ketanmu.KindText, Text: "ya"},
	}
	var last []ketanmu.Outbound
	var number string
	var card string
	for step, in := range script {
		if step > 0 && l.waitPrompt && !l.waitSent(ctx, last, chat, stop) {
			return
		}
		if step > 0 && (!pause.For(ctx, l.think) || time.Now().After(stop)) {
			return
		}
		in.Account, in.Chat, in.ID = l.acc.Key, chat, fmt.Sprintf("LOAD%d-%d", i, step)
		in.At = time.Now()
		res, err := l.core.Router.Handle(ctx, in)
		if err != nil {
			return
		}
		l.track(in.At, res.Replies, chat, true)
		last = res.Replies
		for _, m := range res.Replies {
			if n := caseNumber.FindString(m.Text); n != "" && m.Chat == chat {
				number = n
			}
			if m.Chat == l.acc.OperatorsGroup && card == "" {
				card = m.ID
			}
		}
	}
	if number == "" {
		return
	}
	l.mu.Lock()
	l.numbers = append(l.numbers, number)
	l.chats = append(l.chats, chat)
	l.mu.Unlock()
	// An operator takes the case from its card in the group, then closes it from the
	// resident's chat on the office phone: the bot deletes that command for everyone.
	if l.operator == "" || !l.waitSent(ctx, []ketanmu.Outbound{{ID: card}}, "", stop) || !pause.For(ctx, 5*time.Second) || time.Now().After(stop) {
		return
	}
	in := ketanmu.Inbound{Account: l.acc.Key, ID: fmt.Sprintf("LOAD%d-op1", i), Chat: l.acc.OperatorsGroup,
		Sender: l.operator, Kind: ketanmu.KindText, Text: "#ambil " + number, At: time.Now()}
	if res, err := l.core.Router.Handle(ctx, in); err == nil {
		l.track(in.At, res.Replies, chat, false)
	}
	if !pause.For(ctx, 10*time.Second) || time.Now().After(stop) {
		return
	}
	in = ketanmu.Inbound{Account: l.acc.Key, ID: fmt.Sprintf("LOAD%d-op2", i), Chat: chat, FromMe: true,
		Kind: ketanmu.KindText, Text: "#selesai", At: time.Now()}
	if res, err := l.core.Router.Handle(ctx, in); err == nil {
		l.track(in.At, res.Replies, chat, false)
	}
}

// bulkJob plays the reminder scan and digest: every 30 s a reminder to each of the last three
// residents with a case, and a digest to the group.
func (l *loadRun) bulkJob(ctx context.Context, stop time.Time) {
	for {
		if wait := min(30*time.Second, time.Until(stop)); wait <= 0 || !pause.For(ctx, wait) || !time.Now().Before(stop) {
			return
		}
		l.mu.Lock()
		chats := l.chats[max(0, len(l.chats)-3):]
		l.mu.Unlock()
		msgs := []ketanmu.Outbound{{Account: l.acc.Key, Chat: l.acc.OperatorsGroup, Text: "Ringkasan antrean (uji beban)"}}
		for _, c := range chats {
			msgs = append(msgs, ketanmu.Outbound{Account: l.acc.Key, Chat: c, Text: "Pengingat (uji beban)"})
		}
		at := time.Now()
		queued, err := l.core.Router.Send(ctx, func(*store.Tx) ([]ketanmu.Outbound, error) { return bulk(msgs), nil })
		if err != nil {
			continue
		}
		l.mu.Lock()
		for _, m := range queued {
			l.queued[m.ID] = queuedMsg{lane: "bulk", at: at}
		}
		l.mu.Unlock()
	}
}

// bulk marks the scenario's job messages as such (a no-op before lanes existed).
func bulk(msgs []ketanmu.Outbound) []ketanmu.Outbound { return msgs }

// waitSent waits until every message of msgs to chat (every message when chat is empty) was
// handed to WhatsApp; false when the context ended or stop (when set) passed first.
func (l *loadRun) waitSent(ctx context.Context, msgs []ketanmu.Outbound, chat string, stop time.Time) bool {
	for {
		done := true
		for _, m := range msgs {
			if chat != "" && m.Chat != chat {
				continue
			}
			if _, ok := l.tr.sentAt(m.ID); !ok {
				done = false
			}
		}
		if done {
			return true
		}
		if ctx.Err() != nil || (!stop.IsZero() && time.Now().After(stop)) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (l *loadRun) pending(ctx context.Context) int {
	var n int
	_ = l.core.DB.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE status = 'pending'`).Scan(&n)
	return n
}

func (l *loadRun) cases() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.numbers)
}

// report prints, per lane, how long sent messages waited (from the message that caused them, or
// from the job that queued them), how many are still queued, and how many were folded into
// another message (case cards combined while the operators' lane was long).
func (l *loadRun) report(ctx context.Context, w io.Writer) {
	pending := map[string]bool{}
	if rows, err := l.core.DB.SQL().QueryContext(ctx, `SELECT wa_id FROM outbox WHERE status = 'pending'`); err == nil {
		for rows.Next() {
			var id string
			if rows.Scan(&id) == nil {
				pending[id] = true
			}
		}
		rows.Close()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	waits := map[string][]time.Duration{}
	left, folded := map[string]int{}, map[string]int{}
	for id, q := range l.queued {
		switch at, ok := l.tr.sentAt(id); {
		case ok:
			waits[q.lane] = append(waits[q.lane], at.Sub(q.at))
		case pending[id]:
			left[q.lane]++
		default:
			folded[q.lane]++
		}
	}
	fmt.Fprintf(w, "%-13s %6s %8s %8s %8s %7s %7s\n", "lane", "sent", "p50", "p95", "max", "queued", "folded")
	for _, lane := range laneOrder {
		d := waits[lane]
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		fmt.Fprintf(w, "%-13s %6d %8s %8s %8s %7d %7d\n", lane, len(d), quantile(d, 0.50), quantile(d, 0.95), quantile(d, 1),
			left[lane], folded[lane])
	}
}

func quantile(sorted []time.Duration, q float64) string {
	if len(sorted) == 0 {
		return "-"
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	i = min(max(i, 0), len(sorted)-1)
	return sorted[i].Round(100 * time.Millisecond).String()
}

// loadPhoto is a document-sized JPEG, different for each name, captioned with caption.
func loadPhoto(name, caption string) ketanmu.Inbound {
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	seed := 0
	for _, r := range name {
		seed = seed*31 + int(r)
	}
	for y := 0; y < 600; y++ {
		for x := 0; x < 800; x++ {
			img.Set(x, y, color.RGBA{uint8(x/4 + seed), uint8(y/4 + seed/7), uint8(seed >> 3), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70}); err != nil {
		panic(err) // encoding into memory does not fail
	}
	data := buf.Bytes()
	return ketanmu.Inbound{Kind: ketanmu.KindImage, Text: caption,
		Media: &ketanmu.Media{Mime: "image/jpeg", Filename: name + ".jpg", Size: int64(len(data)), Data: data}}
}
