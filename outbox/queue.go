package outbox

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

// Batch is what the producer of a set of messages knows about all of them, for the lane rule:
// a lane for the whole batch (the jobs of Router.Send: bulk), and the chat whose own message is
// being answered.
type Batch struct {
	Lane    ketanmu.Lane
	ReplyTo string
	// WroteIn and WroteAt are the account and the time of the message being answered
	// (recorded in this transaction).
	WroteIn string
	WroteAt time.Time
}

// Queue is the one way messages enter the outbox, for the router, its jobs and the case
// service: the lane rule, the proactive rule, and waking the outbox after the commit.
type Queue struct {
	db    *store.DB
	cfg   *config.Config
	log   *slog.Logger
	newID func(account string) string
	wake  func(account string)
}

var (
	_ casework.Outbox = (*Queue)(nil)
	_ Rechecker       = (*Queue)(nil)
)

// NewQueue returns the queueing rules over db. newID gives outbound message IDs (the
// transport's generator, or ketanmu.NewMessageID for one without); wake is told after a commit
// of each account that got something queued (Wake.Kick). Every argument is required.
func NewQueue(db *store.DB, cfg *config.Config, log *slog.Logger, newID func(account string) string, wake func(account string)) (*Queue, error) {
	if db == nil || cfg == nil || log == nil || newID == nil || wake == nil {
		return nil, errors.New("outbox: NewQueue needs the database, the config, a logger, an ID generator and a wake-up")
	}
	return &Queue{db: db, cfg: cfg, log: log, newID: newID, wake: wake}, nil
}

// Queue puts msgs in the outbox inside tx and returns those queued: the case service's way in.
func (q *Queue) Queue(tx *store.Tx, msgs []ketanmu.Outbound) ([]ketanmu.Outbound, error) {
	return q.QueueBatch(tx, msgs, Batch{})
}

// Notify wakes the outbox of account, after the commit that queued something for it.
func (q *Queue) Notify(account string) { q.wake(account) }

// QueueBatch gives each message its lane, drops what the proactive rule refuses, and queues the
// rest in order inside tx. It returns the messages queued.
func (q *Queue) QueueBatch(tx *store.Tx, msgs []ketanmu.Outbound, b Batch) ([]ketanmu.Outbound, error) {
	kept := msgs[:0]
	var chats chatFacts
	for _, msg := range msgs {
		if msg.ID == "" {
			facts, err := chats.of(q, tx, b, msg.Account, msg.Chat)
			if err != nil {
				return nil, err
			}
			msg.Lane = laneOf(msg, b, facts.staff)
			if !q.mayWrite(tx, &msg, facts) {
				continue
			}
		}
		kept = append(kept, msg)
	}
	return kept, tx.QueueAll(kept, q.newID)
}

// chatFact is what the lane and proactive rules need to know of one chat.
type chatFact struct {
	staff          bool
	lastIn         time.Time
	wrote, hasCase bool
}

// chatFacts looks each chat up once while a batch is queued (nothing is written in between):
// a flow's replies and a case's notifications often go to the same chat.
type chatFacts map[string]chatFact

func (c *chatFacts) of(q *Queue, tx *store.Tx, b Batch, account, chat string) (chatFact, error) {
	key := account + "\x00" + chat
	if f, ok := (*c)[key]; ok {
		return f, nil
	}
	var f chatFact
	var err error
	if f.staff, err = q.staffChat(tx, account, chat); err != nil {
		return f, err
	}
	switch {
	case f.staff:
	case chat == b.ReplyTo && account == b.WroteIn && tx.Now().Sub(b.WroteAt) < q.cfg.Outbound.Proactive.Window:
		// The resident's message just recorded is within the window, so their last one is
		// too: the proactive rule lets the answer go without asking the database.
		f.lastIn, f.wrote = b.WroteAt, true
	default:
		if f.lastIn, f.wrote, f.hasCase, err = tx.ChatContact(account, chat); err != nil {
			return f, err
		}
	}
	if *c == nil {
		*c = chatFacts{}
	}
	(*c)[key] = f
	return f, nil
}

// laneOf is the one rule that puts a message in its outbox lane. A revoke always goes first;
// then whatever the producer decided for the message or for the whole batch; then traffic to
// staff (the operators' groups, the office phone's own chat, an operator's phone) is the
// operators'; what answers the resident's own message in that chat is a reply; anything else to
// a resident tells them of a step of their case.
func laneOf(msg ketanmu.Outbound, b Batch, staff bool) ketanmu.Lane {
	switch {
	case msg.Revoke != "":
		return ketanmu.LaneRevoke
	case msg.Lane != "":
		return msg.Lane
	case b.Lane != "":
		return b.Lane
	case staff:
		return ketanmu.LaneOperators
	case b.ReplyTo != "" && msg.Chat == b.ReplyTo:
		return ketanmu.LaneReply
	}
	return ketanmu.LaneNotification
}

// staffChat reports whether chat belongs to the office rather than to a resident.
func (q *Queue) staffChat(tx *store.Tx, account, chat string) (bool, error) {
	if ketanmu.IsGroup(chat) {
		return true, nil
	}
	if acc, ok := q.cfg.Account(account); ok && acc.Phone == chat {
		return true, nil
	}
	_, ok, err := tx.OperatorByPhone(chat)
	return ok, err
}

// mayWrite applies the proactive rule to one message and marks it proactive when it is: a
// resident who has not written within outbound.proactive.window gets a message only about a case
// of their own (and it spends the proactive budget); a chat that never wrote to the number gets
// nothing at all. A message that may not go is logged.
func (q *Queue) mayWrite(tx *store.Tx, msg *ketanmu.Outbound, chat chatFact) bool {
	if msg.Revoke != "" || chat.staff {
		return true
	}
	proactive, why := proactiveRule(tx.Now(), chat.lastIn, chat.wrote, chat.hasCase, q.cfg.Outbound.Proactive.Window)
	if why == "" {
		msg.Proactive = proactive
		return true
	}
	q.log.Warn("Message not queued", "account", msg.Account, "chat", ketanmu.MaskPhone(msg.Chat),
		"lane", string(msg.Lane), "reason", why)
	return false
}

// Recheck is the proactive rule for a queued message at send time (the outbox's Rechecker):
// the rule mayWrite applies when queueing, against what the database says now.
func (q *Queue) Recheck(ctx context.Context, it store.OutboxItem) (proactive bool, drop string, err error) {
	m := it.Msg
	if m.Revoke != "" || m.Lane == ketanmu.LaneOperators || ketanmu.IsGroup(m.Chat) {
		return m.Proactive, "", nil
	}
	err = q.db.View(ctx, func(tx *store.Tx) error {
		staff, err := q.staffChat(tx, m.Account, m.Chat)
		if err != nil || staff {
			return err
		}
		lastIn, wrote, hasCase, err := tx.ChatContact(m.Account, m.Chat)
		if err != nil {
			return err
		}
		proactive, drop = proactiveRule(tx.Now(), lastIn, wrote, hasCase, q.cfg.Outbound.Proactive.Window)
		return nil
	})
	return proactive, drop, err
}

// laneBudget returns the configured budget of a lane.
func laneBudget(cfg config.Outbound, lane ketanmu.Lane) config.Budget {
	return cfg.Lanes[string(lane)]
}
