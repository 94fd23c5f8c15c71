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
	"github.com/ketanmu/ketanmu/outbox"
	"github.com/ketanmu/ketanmu/store"
)

// Router handles inbound messages one chat at a time and makes every step durable: the inbound
// message, the conversation's new state and the replies (as outbox rows) commit together.
type Router struct {
	db     *store.DB
	cfg    *config.Config
	engine *flows.Engine
	cases  *casework.Service
	q      *outbox.Queue
	log    *slog.Logger
	// Holding, when set, reports whether an account is still receiving the messages it missed
	// while offline (WhatsApp's backlog); replies caused then may be dropped by the ReplyGate.
	Holding func(account string) bool
	// Backlog, when set, reports whether a message written at at reached the account only now,
	// from the backlog of what it missed while offline, whenever the router sees it.
	Backlog func(account string, at time.Time) bool
	// Observer, when set, is told of every handled message (metrics).
	Observer InboundObserver

	locks chatLocks
}

// NewRouter returns a router over the case service its operator commands go through and the
// queueing rules that service uses too.
func NewRouter(db *store.DB, cfg *config.Config, engine *flows.Engine, cases *casework.Service, q *outbox.Queue, log *slog.Logger) *Router {
	return &Router{db: db, cfg: cfg, engine: engine, cases: cases, q: q, log: log}
}

// Cases is the case service the router's operator commands go through (tests reach it here;
// internal/app gives the other channels the same service directly).
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
		answer := outbox.Batch{ReplyTo: replyChat(in), WroteIn: in.Account, WroteAt: tx.InboundAt(in)}
		if res.Replies, err = r.q.QueueBatch(tx, res.Replies, answer); err != nil {
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
	if handled, err := r.staffMessage(tx, acc, conv, in, res); handled || err != nil {
		return err
	}
	if err := r.identify(tx, &conv, in); err != nil {
		return err
	}
	return r.residentTurn(tx, acc, conv, in, media, res)
}

// staffMessage handles what the office says: in operators' groups, from the office phone and
// its "message yourself" chat (the handoff), and an operator's command from their own phone.
// It reports whether the message was the office's.
func (r *Router) staffMessage(tx *store.Tx, acc config.Account, conv store.Conversation, in ketanmu.Inbound, res *Result) (bool, error) {
	if ketanmu.IsGroup(in.Chat) || in.FromMe {
		if err := tx.SaveConversation(conv); err != nil {
			return true, err
		}
		return true, r.operatorMessage(tx, acc, conv, in, res)
	}
	cmd, isCmd := r.parseCommand(in.Text)
	if !isCmd {
		return false, nil
	}
	op, ok, err := tx.OperatorByPhone(in.Chat)
	if err != nil || !ok {
		return false, err
	}
	// An operator writing a command to the office number from their own phone: their private
	// chat works like the "message yourself" chat.
	if err := tx.SaveConversation(conv); err != nil {
		return true, err
	}
	return true, r.runCommand(tx, acc, casework.OperatorActor(op), cmd, in, in.Chat, "", res)
}

// identify ties the chat to its resident; a LID learned later is recorded too, so the person
// stays one resident.
func (r *Router) identify(tx *store.Tx, conv *store.Conversation, in ketanmu.Inbound) error {
	if conv.ResidentID != 0 && in.LID == "" {
		return nil
	}
	phone, lid := residentKey(in.Chat)
	if in.LID != "" {
		lid = in.LID
	}
	var err error
	conv.ResidentID, err = tx.Resident(phone, lid)
	return err
}

// residentTurn runs one step of the resident's flow, saves the conversation and puts the
// replies and the effects' messages in res; an operator who has the chat is never talked over.
func (r *Router) residentTurn(tx *store.Tx, acc config.Account, conv store.Conversation, in ketanmu.Inbound, media *flows.Media, res *Result) error {
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
	env, loadErr := r.flowEnv(tx, acc, conv.ResidentID)
	input, cut := r.flowInput(in, media)
	out := r.engine.Step(env, st, input)
	if *loadErr != nil {
		return *loadErr
	}
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
	first := len(res.Replies)
	for _, text := range replies {
		res.Replies = append(res.Replies, ketanmu.Outbound{Account: in.Account, Chat: in.Chat, Address: conv.Address, Text: text})
	}
	pairs, err := r.applyEffects(tx, acc, conv, out.Effects, res)
	if err != nil {
		return err
	}
	for i := first; i < first+len(replies); i++ {
		res.Replies[i].Text = ketanmu.Fill(res.Replies[i].Text, pairs...)
	}
	return nil
}

// notifyAccounts wakes the outbox of every account that got something queued.
func (r *Router) notifyAccounts(msgs []ketanmu.Outbound) { casework.EachAccount(msgs, r.q.Notify) }

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
		case flows.SurveyAnswer, flows.SurveySuggestion:
			if err := surveyEffect(tx, eff); err != nil {
				return nil, err
			}
		case flows.ResendOutput:
			msgs, err := r.cases.ResendOutput(tx, conv)
			if err != nil {
				return nil, err
			}
			res.Replies = append(res.Replies, msgs...)
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

// flowEnv is what the flow may know for one step. The resident's cases are read only when the
// step asks for them; a failed read is in *loadErr once the step returns.
func (r *Router) flowEnv(tx *store.Tx, acc config.Account, residentID int64) (flows.Env, *error) {
	loadErr := new(error)
	return flows.Env{Now: tx.Now(), Account: acc.Flow(), LoadCases: func() []flows.CaseInfo {
		cases, err := tx.ResidentCases(residentID, 20)
		if err != nil {
			*loadErr = err
			return nil
		}
		return caseInfos(cases)
	}}, loadErr
}

func caseInfos(cases []ketanmu.Case) []flows.CaseInfo {
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
		msgs, err = r.q.QueueBatch(tx, msgs, outbox.Batch{Lane: ketanmu.LaneBulk})
		return err
	})
	if err != nil {
		return nil, err
	}
	r.notifyAccounts(msgs)
	return msgs, nil
}
