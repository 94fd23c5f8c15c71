package bot

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

// Outbox sends queued messages through the transport: oldest first within each chat, a chat's
// later messages waiting behind a failing one, retries with backoff under the same message ID,
// and a pace per account so that a busy hour never looks like spam to WhatsApp.
type Outbox struct {
	db  *store.DB
	tr  Transport
	cfg config.Outbound
	log *slog.Logger
	// Now is the clock for due times (the simulator's clock in `ketanmu sim`).
	Now func() time.Time
	// Jitter adds up to this much random delay between sends of an account.
	Jitter time.Duration
	// Gate, when set, is asked before each send whether to hold or drop the message.
	Gate Gate
	// GaveUp, when set, is told about each message given up for good.
	GaveUp func(ctx context.Context, it store.OutboxItem, cause error)

	mu       sync.Mutex
	kicks    map[string]chan struct{}
	limiters map[string]*rate.Limiter
	// passes serialises SendDue per account: two overlapping passes would send a row twice.
	passes map[string]*sync.Mutex
}

// NewOutbox returns an outbox worker for the given accounts.
func NewOutbox(db *store.DB, tr Transport, cfg config.Outbound, accounts []config.Account, log *slog.Logger) *Outbox {
	o := &Outbox{db: db, tr: tr, cfg: cfg, log: log, Now: time.Now,
		kicks: map[string]chan struct{}{}, limiters: map[string]*rate.Limiter{}, passes: map[string]*sync.Mutex{}}
	for _, a := range accounts {
		o.passes[a.Key] = &sync.Mutex{}
		o.kicks[a.Key] = make(chan struct{}, 1)
		o.limiters[a.Key] = rate.NewLimiter(rate.Limit(cfg.RatePerMinute/60), cfg.Burst)
	}
	return o
}

// Kick wakes the account's worker because something was queued.
func (o *Outbox) Kick(account string) {
	o.mu.Lock()
	ch := o.kicks[account]
	o.mu.Unlock()
	if ch == nil {
		return
	}
	select {
	case ch <- struct{}{}:
	default:
	}
}

// KickAll wakes every worker (after the simulator's clock moved).
func (o *Outbox) KickAll() {
	for account := range o.kicks {
		o.Kick(account)
	}
}

// Run sends until ctx ends; pending rows left by an earlier run are sent first.
func (o *Outbox) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for account := range o.kicks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o.runAccount(ctx, account)
		}()
	}
	wg.Wait()
}

func (o *Outbox) runAccount(ctx context.Context, account string) {
	const idlePoll = time.Second
	for {
		n, err := o.SendDue(ctx, account)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			o.log.Error("Outbox pass failed", "account", account, "error", err)
		}
		if n > 0 {
			continue
		}
		wait := idlePoll
		if next, ok, err := o.db.NextOutboxAttempt(ctx, account); err == nil && ok {
			wait = min(max(next.Sub(o.Now()), 10*time.Millisecond), idlePoll)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-o.kicks[account]:
			t.Stop()
		case <-t.C:
		}
	}
}

// SendDue makes one pass over the account's due messages and returns how many were tried.
func (o *Outbox) SendDue(ctx context.Context, account string) (int, error) {
	pass, ok := o.passes[account]
	if !ok {
		return 0, ketanmu.Errorf(ketanmu.EINVALID, "unknown account %q", account)
	}
	pass.Lock()
	defer pass.Unlock()
	items, err := o.db.DueOutbox(ctx, account, o.Now(), 50)
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		if err := o.pace(ctx, account); err != nil {
			return 0, err
		}
		if err := o.sendOne(ctx, it); err != nil {
			return 0, err
		}
	}
	return len(items), nil
}

func (o *Outbox) pace(ctx context.Context, account string) error {
	if err := o.limiters[account].Wait(ctx); err != nil {
		return err
	}
	if o.Jitter > 0 {
		t := time.NewTimer(rand.N(o.Jitter))
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// sendOne tries one message and records the outcome; only store errors are returned.
func (o *Outbox) sendOne(ctx context.Context, it store.OutboxItem) error {
	msg := it.Msg
	if held, err := o.gate(ctx, it); held || err != nil {
		return err
	}
	if it.MediaID != 0 {
		m, err := o.db.Media(ctx, it.MediaID)
		if err != nil {
			// A file that cannot be read (erased, or the key changed) will not become readable:
			// give the message up so the chat, and the account, move on.
			o.log.Error("Outbox file unreadable, message given up", "account", msg.Account,
				"chat", ketanmu.MaskPhone(msg.Chat), "message_id", msg.ID, "error", err)
			return o.db.MarkRetry(ctx, it, o.Now(), true, err.Error())
		}
		msg.Media = m
	}
	err := o.tr.Send(ctx, msg)
	if err == nil {
		return o.db.MarkSent(ctx, it)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var paused *PausedError
	if errors.As(err, &paused) {
		o.log.Warn("Account paused, holding its outbox", "account", msg.Account, "until", paused.Until)
		return o.db.Postpone(ctx, it, paused.Until, err.Error())
	}
	attempts := it.Attempts + 1
	failed := attempts >= o.cfg.MaxAttempts || ketanmu.ErrorCode(err) == ketanmu.EINVALID
	next := o.Now().Add(o.backoff(attempts))
	o.log.Warn("Send failed", "account", msg.Account, "chat", ketanmu.MaskPhone(msg.Chat),
		"message_id", msg.ID, "attempt", attempts, "gave_up", failed, "error", ketanmu.MaskNumbers(err.Error()))
	if err := o.db.MarkRetry(ctx, it, next, failed, err.Error()); err != nil {
		return err
	}
	if failed && o.GaveUp != nil {
		o.GaveUp(ctx, it, err)
	}
	return nil
}

// gate asks the Gate about it and records a hold or a drop; true means it is not sent now.
func (o *Outbox) gate(ctx context.Context, it store.OutboxItem) (bool, error) {
	if o.Gate == nil {
		return false, nil
	}
	v, err := o.Gate.Check(ctx, it)
	switch {
	case err != nil:
		return true, err
	case v.Drop != "":
		o.log.Info("Reply dropped", "account", it.Msg.Account, "chat", ketanmu.MaskPhone(it.Msg.Chat),
			"message_id", it.Msg.ID, "reason", v.Drop)
		return true, o.db.MarkRetry(ctx, it, o.Now(), true, "dropped: "+v.Drop)
	case !v.HoldUntil.IsZero():
		return true, o.db.Postpone(ctx, it, v.HoldUntil, "held: "+v.Why)
	}
	return false, nil
}

// backoff doubles from RetryMin up to RetryMax.
func (o *Outbox) backoff(attempts int) time.Duration {
	d := o.cfg.RetryMin
	for i := 1; i < attempts && d < o.cfg.RetryMax; i++ {
		d *= 2
	}
	return min(d, o.cfg.RetryMax)
}
