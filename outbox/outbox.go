package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/pause"
	"github.com/ketanmu/ketanmu/store"
)

// Outbox sends queued messages through the transport. Each account's messages wait in lanes
// (revoke, reply, notification, operators, bulk) served most urgent first, each lane with its
// own budget so that none waits behind another's busy hour and none starves. Within a chat the
// order is kept: only a chat's oldest message can leave (revokes aside, which show nothing), and
// it leaves in the most urgent lane of what waits behind it. Failed sends are retried with
// backoff under the same message ID.
type Outbox struct {
	cfg      config.Outbound
	d        Deps
	accounts map[string]*outboxAccount
}

// outboxAccount is the worker state of one account.
type outboxAccount struct {
	pass      sync.Mutex // serialises SendDue: two overlapping passes would send a row twice
	kick      <-chan struct{}
	lanes     map[ketanmu.Lane]*rate.Limiter
	proactive *rate.Limiter

	mu        sync.Mutex
	lastSent  map[string]time.Time  // chat -> last handed over, for the pace of replies
	next      time.Time             // when the next message may become sendable
	alerted   map[ketanmu.Lane]bool // absent: not checked since the start
	checkedAt time.Time
	read      int // rows the last pass read
}

// pendingLimit bounds how many pending rows one pass reads.
const pendingLimit = 2000

// New returns an outbox worker for the given accounts; every collaborator in d is required.
func New(cfg config.Outbound, accounts []config.Account, d Deps) (*Outbox, error) {
	if err := d.missing(); err != nil {
		return nil, err
	}
	o := &Outbox{cfg: cfg, d: d, accounts: map[string]*outboxAccount{}}
	for _, a := range accounts {
		kick, ok := d.Wake.kick[a.Key]
		if !ok {
			return nil, fmt.Errorf("outbox: no wake-up for account %q", a.Key)
		}
		st := &outboxAccount{kick: kick, lanes: map[ketanmu.Lane]*rate.Limiter{},
			lastSent: map[string]time.Time{}, alerted: map[ketanmu.Lane]bool{}}
		for _, lane := range ketanmu.Lanes {
			b := laneBudget(cfg, lane)
			st.lanes[lane] = rate.NewLimiter(rate.Limit(b.PerMinute/60), b.Burst)
		}
		st.proactive = rate.NewLimiter(rate.Limit(cfg.Proactive.PerMinute/60), cfg.Proactive.Burst)
		o.accounts[a.Key] = st
	}
	return o, nil
}

// Kick wakes the account's worker because something was queued.
func (o *Outbox) Kick(account string) { o.d.Wake.Kick(account) }

// KickAll wakes every worker (after the simulator's clock moved).
func (o *Outbox) KickAll() {
	for account := range o.accounts {
		o.Kick(account)
	}
}

// Run sends until ctx ends; pending rows left by an earlier run are sent first.
func (o *Outbox) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for account := range o.accounts {
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
	st := o.accounts[account]
	for {
		passStart := time.Now()
		n, err := o.SendDue(ctx, account)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			o.d.Log.Error("Outbox pass failed", "account", account, "error", err)
		}
		if n > 0 {
			continue
		}
		wait := idlePoll
		st.mu.Lock()
		gap := max(passGap, time.Duration(st.read)*passPerRow)
		if !st.next.IsZero() {
			wait = min(max(st.next.Sub(o.d.Now()), gap), idlePoll)
		}
		st.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-st.kick:
			t.Stop()
			// A pass reads the whole backlog: messages queued one after another within
			// the gap are taken by one pass, not one pass each.
			if !pause.For(ctx, gap-time.Since(passStart)) {
				return
			}
		case <-t.C:
		}
	}
}

// passGap is the least time between two passes: each reads the backlog, and a reply due a
// few milliseconds later than planned is not noticed (replies wait reply_delay anyway).
const passGap = 50 * time.Millisecond

// passPerRow widens the gap after a pass that read a long backlog (2,000 rows: 500 ms), so that
// reading it stays a small part of the worker's time; such a backlog waits on its budgets anyway.
const passPerRow = 250 * time.Microsecond

// SendDue makes one pass over the account's outbox: every chat's head that is due and whose
// lane has budget left is handed to the transport, most urgent lane first, up to
// outbound.parallel at a time. It returns how many messages were tried.
func (o *Outbox) SendDue(ctx context.Context, account string) (int, error) {
	st, ok := o.accounts[account]
	if !ok {
		return 0, ketanmu.Errorf(ketanmu.EINVALID, "unknown account %q", account)
	}
	st.pass.Lock()
	defer st.pass.Unlock()
	now := o.d.Now()
	if wait, err := o.budgetWait(ctx, account, st, now); err != nil || wait > 0 {
		// No lane could send anything now, and the backlog was checked within the second: it
		// need not be read to know that.
		st.mu.Lock()
		st.next = now.Add(wait)
		st.mu.Unlock()
		return 0, err
	}
	items, err := o.d.DB.PendingOutbox(ctx, account, pendingLimit)
	if err != nil {
		return 0, err
	}
	if items, err = o.expire(ctx, account, items, now); err != nil {
		return 0, err
	}
	st.mu.Lock()
	st.read = len(items)
	st.mu.Unlock()
	o.checkBacklog(ctx, account, st, items, now)
	st.mu.Lock()
	cands, next := plan(items, st.lastSent, o.cfg.ReplyDelay, now)
	st.mu.Unlock()
	depth := laneDepths(items)

	var (
		wg      sync.WaitGroup
		errMu   sync.Mutex
		passErr error
		tried   int
	)
	slots := make(chan struct{}, max(o.cfg.Parallel, 1))
	for _, c := range cands {
		lim := st.lanes[c.lane]
		if tok := lim.TokensAt(now); tok < 1 {
			next = earliest(next, now.Add(tokenWait(lim, tok)))
			continue
		}
		// The gate and the proactive rule decide before any budget is spent: a held or dropped
		// message costs nothing.
		send, proactive, err := o.admit(ctx, c.it, now)
		if err != nil {
			errMu.Lock()
			passErr = errors.Join(passErr, err) // the sends under way are still waited for
			errMu.Unlock()
			break
		}
		if !send {
			continue
		}
		c.it.Msg.Proactive = proactive
		if c.it.Msg.Proactive {
			if tok := st.proactive.TokensAt(now); tok < 1 {
				next = earliest(next, now.Add(tokenWait(st.proactive, tok)))
				continue
			}
			st.proactive.AllowN(now, 1)
		}
		lim.AllowN(now, 1)
		it := c.it
		if it.Card && o.cfg.CombineAt > 0 && depth[ketanmu.LaneOperators] >= o.cfg.CombineAt {
			if it, err = o.combine(ctx, it, items); err != nil {
				errMu.Lock()
				passErr = errors.Join(passErr, err)
				errMu.Unlock()
				break
			}
		}
		tried++
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			if err := o.sendOne(ctx, it, c.lane, st); err != nil {
				errMu.Lock()
				passErr = errors.Join(passErr, err)
				errMu.Unlock()
			}
		}()
		if o.kicked(st) {
			break // something new was queued: it may be more urgent than the rest of this pass
		}
	}
	wg.Wait()
	st.mu.Lock()
	st.next = next
	st.mu.Unlock()
	return tried, passErr
}

// budgetWait is how long until a lane with something pending may send again; 0 when one may
// now, or when the backlog is due for its check (alerts about lanes that wait too long). A lane
// with budget and nothing pending needs no wait: what is queued there wakes the worker.
func (o *Outbox) budgetWait(ctx context.Context, account string, st *outboxAccount, now time.Time) (time.Duration, error) {
	st.mu.Lock()
	checkDue := st.checkedAt.IsZero() || now.Sub(st.checkedAt) >= time.Second // see checkBacklog
	st.mu.Unlock()
	if checkDue {
		return 0, nil
	}
	var wait time.Duration
	var pending map[ketanmu.Lane]bool // read when a lane with budget asks
	for lane, lim := range st.lanes {
		tok := lim.TokensAt(now)
		if tok < 1 {
			if w := tokenWait(lim, tok); wait == 0 || w < wait {
				wait = w
			}
			continue
		}
		if pending == nil {
			var err error
			if pending, err = o.d.DB.PendingLanes(ctx, account); err != nil {
				return 0, err
			}
		}
		if pending[lane] {
			return 0, nil
		}
	}
	if wait == 0 {
		wait = time.Second // nothing pending anywhere
	}
	return wait, nil
}

// kicked reports (and consumes) a pending wake-up of the account's worker.
func (o *Outbox) kicked(st *outboxAccount) bool {
	select {
	case <-st.kick:
		return true
	default:
		return false
	}
}

// sendOne tries one message and records the outcome; only store errors are returned.
func (o *Outbox) sendOne(ctx context.Context, it store.OutboxItem, lane ketanmu.Lane, st *outboxAccount) error {
	msg := it.Msg
	if it.MediaID != 0 {
		m, err := o.d.DB.Media(ctx, it.MediaID)
		if err != nil {
			// A file that cannot be read (erased, or the key changed) will not become readable:
			// give the message up so the chat, and the account, move on.
			o.d.Log.Error("Outbox file unreadable, message given up", "account", msg.Account,
				"chat", ketanmu.MaskPhone(msg.Chat), "message_id", msg.ID, "error", err)
			o.observeFailed(msg.Account, lane)
			return o.d.DB.MarkRetry(ctx, it, o.d.Now(), true, err.Error())
		}
		msg.Media = m
	}
	err := o.d.Transport.Send(ctx, msg)
	if err == nil {
		now := o.d.Now()
		st.mu.Lock()
		st.lastSent[msg.Chat] = now
		st.mu.Unlock()
		o.d.Observer.Sent(msg.Account, lane, now.Sub(it.CreatedAt))
		return o.d.DB.MarkSent(ctx, it)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var paused *PausedError
	if errors.As(err, &paused) {
		o.d.Log.Warn("Account paused, holding its outbox", "account", msg.Account, "until", paused.Until)
		return o.d.DB.Postpone(ctx, it, paused.Until, err.Error())
	}
	attempts := it.Attempts + 1
	failed := attempts >= o.cfg.MaxAttempts || ketanmu.ErrorCode(err) == ketanmu.EINVALID
	next := o.d.Now().Add(o.backoff(attempts))
	o.d.Log.Warn("Send failed", "account", msg.Account, "chat", ketanmu.MaskPhone(msg.Chat), "lane", string(lane),
		"message_id", msg.ID, "attempt", attempts, "gave_up", failed, "error", ketanmu.MaskNumbers(err.Error()))
	if failed {
		o.observeFailed(msg.Account, lane)
	}
	if err := o.d.DB.MarkRetry(ctx, it, next, failed, err.Error()); err != nil {
		return err
	}
	if failed {
		o.d.GaveUp(ctx, it, err)
	}
	return nil
}

// gate asks the Gate about it and records a hold or a drop; true means it is not sent now.
func (o *Outbox) gate(ctx context.Context, it store.OutboxItem) (bool, error) {
	v, err := o.d.Gate.Check(ctx, it)
	switch {
	case err != nil:
		return true, err
	case v.Drop != "":
		o.d.Log.Info("Reply dropped", "account", it.Msg.Account, "chat", ketanmu.MaskPhone(it.Msg.Chat),
			"message_id", it.Msg.ID, "reason", v.Drop)
		return true, o.d.DB.MarkRetry(ctx, it, o.d.Now(), true, "dropped: "+v.Drop)
	case !v.HoldUntil.IsZero():
		return true, o.d.DB.Postpone(ctx, it, v.HoldUntil, "held: "+v.Why)
	}
	return false, nil
}

func (o *Outbox) observeFailed(account string, lane ketanmu.Lane) {
	o.d.Observer.Failed(account, lane)
}

// backoff doubles from RetryMin up to RetryMax.
func (o *Outbox) backoff(attempts int) time.Duration {
	d := o.cfg.RetryMin
	for i := 1; i < attempts && d < o.cfg.RetryMax; i++ {
		d *= 2
	}
	return min(d, o.cfg.RetryMax)
}

// Settle sends what would go within window of real time, and returns when nothing more would go
// that soon (or ctx ends). The simulator calls it before its clock jumps: a tool that posts a
// message and at once moves the clock gets the bot's answers, not the expiry that a real
// outage of that length would bring.
func (o *Outbox) Settle(ctx context.Context, window time.Duration) error {
	deadline := time.Now().Add(window)
	for account, st := range o.accounts {
		for {
			n, err := o.SendDue(ctx, account)
			if err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			st.mu.Lock()
			next := st.next
			st.mu.Unlock()
			wait := next.Sub(o.d.Now())
			if next.IsZero() || time.Now().Add(wait).After(deadline) {
				break
			}
			if !pause.For(ctx, wait) {
				return ctx.Err()
			}
		}
	}
	return nil
}
