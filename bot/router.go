package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/store"
)

// Router handles inbound messages one chat at a time and makes every step durable: the inbound
// message, the conversation's new state and the replies (as outbox rows) commit together.
type Router struct {
	db     *store.DB
	cfg    *config.Config
	engine *flows.Engine
	cases  *casework.Service
	log    *slog.Logger
	// NewID generates outbound message IDs for an account (the transport's generator).
	NewID func(account string) string
	// Notify is called after a commit that queued messages for an account (wakes the outbox).
	Notify func(account string)
	// Holding, when set, reports whether an account is still receiving the messages it missed
	// while offline (WhatsApp's backlog); replies caused then may be dropped by the ReplyGate.
	Holding func(account string) bool
	// Observer, when set, is told of every handled message (metrics).
	Observer InboundObserver

	locks chatLocks
}

// NewRouter returns a router with its case service; NewID defaults to ketanmu.NewMessageID.
func NewRouter(db *store.DB, cfg *config.Config, engine *flows.Engine, log *slog.Logger) *Router {
	r := &Router{db: db, cfg: cfg, engine: engine, log: log,
		NewID: func(string) string { return ketanmu.NewMessageID() }, Notify: func(string) {}}
	r.cases = casework.New(db, cfg, engine, log)
	// The case service queues and wakes the outbox exactly as the router does.
	r.cases.Enqueue = func(tx *store.Tx, msgs []ketanmu.Outbound) ([]ketanmu.Outbound, error) {
		return r.queue(tx, msgs, batch{})
	}
	r.cases.Notify = func(account string) { r.Notify(account) }
	return r
}

// Cases is the case service the router's operator commands go through, for the other channels.
func (r *Router) Cases() *casework.Service { return r.cases }

// Result is what handling one message produced.
type Result struct {
	Duplicate bool
	Replies   []ketanmu.Outbound
}

// Handle routes one inbound message. A message ID already handled for the account is dropped
// (Duplicate, no replies). On error nothing of the message is stored, so a transport may leave
// it unacknowledged and have it delivered again.
func (r *Router) Handle(ctx context.Context, in ketanmu.Inbound) (Result, error) {
	acc, ok := r.cfg.Account(in.Account)
	if !ok {
		return Result{}, ketanmu.Errorf(ketanmu.EINVALID, "unknown account %q", in.Account)
	}
	if in.ID == "" || in.Chat == "" {
		return Result{}, ketanmu.Errorf(ketanmu.EINVALID, "message needs an id and a chat")
	}
	defer r.observe(in, time.Now())
	// A file is checked before the chat's lock and the write transaction: decoding a large
	// photo must not hold up the database for everyone.
	var media *flows.Media
	if in.Media != nil {
		media = inspectMedia(in.Media, r.cfg.Storage.MaxPDFPages)
	}
	unlock := r.locks.lock(in.Account + "\x00" + in.Chat)
	defer unlock()

	var res Result
	err := r.db.Update(ctx, func(tx *store.Tx) error {
		res = Result{}
		fresh, err := tx.RecordInbound(in)
		if err != nil || !fresh {
			res.Duplicate = !fresh
			return err
		}
		if err := r.converse(tx, acc, in, media, &res); err != nil {
			return err
		}
		if res.Replies, err = r.queue(tx, res.Replies, batch{replyTo: replyChat(in)}); err != nil {
			return err
		}
		return r.recordCauses(tx, in, &res)
	})
	if err != nil {
		return Result{}, err
	}
	if res.Duplicate {
		r.log.Info("Duplicate message dropped", "account", in.Account, "chat", ketanmu.MaskPhone(in.Chat), "message_id", in.ID)
		return res, nil
	}
	r.notifyAccounts(res.Replies)
	return res, nil
}

// converse runs the flow for a resident's message and queues its replies, inside tx.
func (r *Router) converse(tx *store.Tx, acc config.Account, in ketanmu.Inbound, media *flows.Media, res *Result) error {
	conv, err := tx.Conversation(in.Account, in.Chat)
	if err != nil {
		return err
	}
	if in.Address != "" {
		conv.Address = in.Address
	}
	if ketanmu.IsGroup(in.Chat) || in.FromMe {
		// Operators' groups, the office phone and its "message yourself" chat: the handoff.
		if err := tx.SaveConversation(conv); err != nil {
			return err
		}
		return r.operatorMessage(tx, acc, conv, in, res)
	}
	if cmd, isCmd := r.parseCommand(in.Text); isCmd {
		op, ok, err := tx.OperatorByPhone(in.Chat)
		if err != nil {
			return err
		}
		if ok {
			// An operator writing a command to the office number from their own phone: their
			// private chat works like the "message yourself" chat.
			if err := tx.SaveConversation(conv); err != nil {
				return err
			}
			return r.runCommand(tx, acc, casework.OperatorActor(op), cmd, in, in.Chat, "", res)
		}
	}
	if conv.ResidentID == 0 || in.LID != "" {
		// A LID learned later is recorded too, so the person stays one resident.
		phone, lid := residentKey(in.Chat)
		if in.LID != "" {
			lid = in.LID
		}
		if conv.ResidentID, err = tx.Resident(phone, lid); err != nil {
			return err
		}
	}
	st, err := flows.LoadState(conv.State)
	if err != nil {
		return fmt.Errorf("chat %s: %w", ketanmu.MaskPhone(conv.Chat), err)
	}
	silent := casework.HasPerson(conv, tx.Now(), r.cfg.Handoff.IdleRelease)
	if !silent {
		casework.ReleaseChat(&conv) // quiet for longer than idle_release: the bot has it again
	}
	resend := st.Fix != nil && (in.Kind == ketanmu.KindImage || in.Kind == ketanmu.KindDocument)
	if silent && !resend {
		// An operator has this chat: record the message, never answer over them.
		return tx.SaveConversation(conv)
	}
	cases, err := tx.ResidentCases(conv.ResidentID, 20)
	if err != nil {
		return err
	}
	env := flows.Env{Now: tx.Now(), Account: acc.Flow(), Cases: caseInfos(cases)}
	input, cut := r.flowInput(in, media)
	out := r.engine.Step(env, st, input)
	if conv.State, err = flows.SaveState(out.State); err != nil {
		return err
	}
	if err := tx.SaveConversation(conv); err != nil {
		return err
	}
	replies := out.Replies
	if silent {
		// The photo an operator asked for still reaches the case, but only the operator talks.
		replies = nil
	}
	if cut && !silent {
		replies = append([]string{r.text("text_cut", "limit", fmt.Sprint(r.cfg.Storage.MaxTextChars))}, replies...)
	}
	// The replies go first, so that the resident reads the confirmation before any follow-up.
	var queued []int
	for _, text := range replies {
		msg := ketanmu.Outbound{Account: in.Account, Chat: in.Chat, Address: conv.Address, Text: text}
		queued = append(queued, len(res.Replies))
		res.Replies = append(res.Replies, msg)
	}
	pairs, err := r.applyEffects(tx, acc, conv, out.Effects, res)
	if err != nil {
		return err
	}
	for _, i := range queued {
		res.Replies[i].Text = ketanmu.Fill(res.Replies[i].Text, pairs...)
	}
	return nil
}

// notifyAccounts wakes the outbox of every account that got something queued.
func (r *Router) notifyAccounts(msgs []ketanmu.Outbound) { casework.EachAccount(msgs, r.Notify) }

// applyEffects carries out what the flow asked for, inside the same transaction, and returns
// the placeholders its replies may use ({number}).
func (r *Router) applyEffects(tx *store.Tx, acc config.Account, conv store.Conversation, effects []flows.Effect, res *Result) ([]string, error) {
	var pairs []string
	for _, eff := range effects {
		switch eff := eff.(type) {
		case flows.NewCase:
			number, msgs, err := r.cases.Open(tx, conv, eff)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, "number", number)
			res.Replies = append(res.Replies, msgs...)
		case flows.FixDone:
			msgs, err := r.cases.Resubmitted(tx, conv, eff)
			if err != nil {
				return nil, err
			}
			res.Replies = append(res.Replies, msgs...)
		case flows.PrivacySummary, flows.PrivacyRequest:
			more, err := r.privacyEffect(tx, acc, conv, eff, res)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, more...)
		case flows.AddDocuments:
			msgs, err := r.cases.Attached(tx, conv, eff)
			if err != nil {
				return nil, err
			}
			res.Replies = append(res.Replies, msgs...)
		case flows.NeedHuman:
			// A resident in the middle of a complaint is the complaints officers' to answer.
			service, _, _ := strings.Cut(eff.Reason, "@")
			reason := store.ChatAsked
			if eff.Stuck {
				reason = store.ChatStuck
			}
			msgs, err := r.cases.PersonRequested(tx, acc, conv, reason, service)
			if err != nil {
				return nil, err
			}
			res.Replies = append(res.Replies, msgs...)
		}
	}
	return pairs, nil
}

// text returns a configured text with {name} placeholders filled.
func (r *Router) text(key string, pairs ...string) string { return r.cfg.Texts.Get(key, pairs...) }

func caseInfos(cases []store.Case) []flows.CaseInfo {
	out := make([]flows.CaseInfo, 0, len(cases))
	for _, c := range cases {
		ci := flows.CaseInfo{Number: c.Number, Service: c.Service, Subtype: c.Subtype, Stage: c.Stage,
			CreatedAt: c.CreatedAt, Due: c.Due, Queue: c.Queue}
		for _, ev := range c.Events {
			ci.History = append(ci.History, flows.CaseEvent{Stage: ev.To, At: ev.At, Reason: ev.Reason})
		}
		out = append(out, ci)
	}
	return out
}

// flowInput converts a message (its file already inspected) for the flows; long texts are cut
// (cut reports it).
func (r *Router) flowInput(in ketanmu.Inbound, media *flows.Media) (flows.Input, bool) {
	fi := flows.Input{ID: in.ID, Kind: in.Kind, Text: in.Text, Unsupported: in.Unsupported, Media: media}
	cut := false
	if runes := []rune(in.Text); len(runes) > r.cfg.Storage.MaxTextChars {
		fi.Text, cut = string(runes[:r.cfg.Storage.MaxTextChars]), true
	}
	return fi, cut
}

// residentKey splits a chat into the phone or the LID that identifies the resident.
func residentKey(chat string) (phone, lid string) {
	if strings.HasSuffix(chat, "@lid") {
		return "", chat
	}
	return chat, ""
}

// chatLocks serialises work per chat without holding a lock per chat forever.
type chatLocks struct {
	mu    sync.Mutex
	locks map[string]*chatLock
}

type chatLock struct {
	mu   sync.Mutex
	refs int
}

func (c *chatLocks) lock(key string) (unlock func()) {
	c.mu.Lock()
	if c.locks == nil {
		c.locks = map[string]*chatLock{}
	}
	l := c.locks[key]
	if l == nil {
		l = &chatLock{}
		c.locks[key] = l
	}
	l.refs++
	c.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		c.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(c.locks, key)
		}
		c.mu.Unlock()
	}
}

// IsUserError reports whether err is one whose message can be shown to the caller.
func IsUserError(err error) bool {
	var e *ketanmu.Error
	return errors.As(err, &e) && e.Code != ketanmu.EINTERNAL
}

// Send runs fn in one transaction and queues the messages it returns, with fresh IDs, in that
// same transaction: a job that records "reminder sent" and queues the reminder commits both or
// neither. The outbox is woken afterwards.
func (r *Router) Send(ctx context.Context, fn func(tx *store.Tx) ([]ketanmu.Outbound, error)) ([]ketanmu.Outbound, error) {
	var msgs []ketanmu.Outbound
	err := r.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		if msgs, err = fn(tx); err != nil {
			return err
		}
		msgs, err = r.queue(tx, msgs, batch{lane: ketanmu.LaneBulk})
		return err
	})
	if err != nil {
		return nil, err
	}
	r.notifyAccounts(msgs)
	return msgs, nil
}
