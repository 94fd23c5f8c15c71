package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ketanmu/ketanmu"
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
	log    *slog.Logger
	// NewID generates outbound message IDs for an account (the transport's generator).
	NewID func(account string) string
	// Notify is called after a commit that queued messages for an account (wakes the outbox).
	Notify func(account string)
	// Observer, when set, is told of every handled message (metrics).
	Observer InboundObserver

	locks chatLocks
}

// NewRouter returns a router; NewID defaults to ketanmu.NewMessageID.
func NewRouter(db *store.DB, cfg *config.Config, engine *flows.Engine, log *slog.Logger) *Router {
	return &Router{db: db, cfg: cfg, engine: engine, log: log,
		NewID: func(string) string { return ketanmu.NewMessageID() }, Notify: func(string) {}}
}

// Result is what handling one message produced.
type Result struct {
	Duplicate bool
	Replies   []ketanmu.Outbound
	// cardFor maps a reply's index to the case it is a card (or card photo) of.
	cardFor map[int]int64
	// lane and replyTo feed the lane rule (laneOf): a lane for the whole batch, and the chat
	// whose own message is being answered.
	lane    ketanmu.Lane
	replyTo string
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
	unlock := r.locks.lock(in.Account + "\x00" + in.Chat)
	defer unlock()

	var res Result
	err := r.db.Update(ctx, func(tx *store.Tx) error {
		res = Result{replyTo: replyChat(in)}
		fresh, err := tx.RecordInbound(in)
		if err != nil || !fresh {
			res.Duplicate = !fresh
			return err
		}
		if err := r.converse(tx, acc, in, &res); err != nil {
			return err
		}
		return r.queueAll(tx, &res)
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
func (r *Router) converse(tx *store.Tx, acc config.Account, in ketanmu.Inbound, res *Result) error {
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
	if op, ok := r.cfg.Operator(in.Chat); ok {
		if cmd, isCmd := r.parseCommand(in.Text); isCmd {
			// An operator writing a command to the office number from their own phone: their
			// private chat works like the "message yourself" chat.
			if err := tx.SaveConversation(conv); err != nil {
				return err
			}
			return r.runCommand(tx, acc, op, cmd, in, in.Chat, "", res)
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
	var st flows.State
	if err := json.Unmarshal(conv.State, &st); err != nil {
		return fmt.Errorf("conversation state: %w", err)
	}
	silent := false
	if conv.HumanBy != "" {
		if tx.Now().Sub(conv.HumanAt) < r.cfg.Handoff.IdleRelease {
			silent = true
		} else {
			conv.HumanBy = ""
		}
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
	env := flows.Env{Now: tx.Now(), Account: acc, Cases: caseInfos(cases)}
	input, cut := r.flowInput(in)
	out := r.engine.Step(env, st, input)
	if conv.State, err = json.Marshal(out.State); err != nil {
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
		replies = append([]string{strings.ReplaceAll(r.cfg.Text("text_cut"), "{limit}", fmt.Sprint(r.cfg.Storage.MaxTextChars))}, replies...)
	}
	// The replies go first, so that the resident reads the confirmation before any follow-up.
	var queued []int
	for _, text := range replies {
		msg := ketanmu.Outbound{Account: in.Account, Chat: in.Chat, Address: conv.Address, Text: text}
		queued = append(queued, len(res.Replies))
		res.Replies = append(res.Replies, msg)
	}
	fill, err := r.applyEffects(tx, acc, conv, out.Effects, res)
	if err != nil {
		return err
	}
	for _, i := range queued {
		res.Replies[i].Text = fill.Replace(res.Replies[i].Text)
	}
	return nil
}

// queueAll gives every reply not yet queued its ID and puts it in the outbox, in order.
func (r *Router) queueAll(tx *store.Tx, res *Result) error {
	if err := r.admit(tx, res); err != nil {
		return err
	}
	for i := range res.Replies {
		if res.Replies[i].ID != "" {
			continue
		}
		res.Replies[i].ID = r.NewID(res.Replies[i].Account)
		if err := tx.Queue(res.Replies[i]); err != nil {
			return err
		}
		if res.cardFor != nil && res.cardFor[i] != 0 {
			if err := tx.RecordCard(res.Replies[i].Account, res.Replies[i].ID, res.cardFor[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// notifyAccounts wakes the outbox of every account that got something queued.
func (r *Router) notifyAccounts(msgs []ketanmu.Outbound) {
	seen := map[string]bool{}
	for _, m := range msgs {
		if !seen[m.Account] {
			seen[m.Account] = true
			r.Notify(m.Account)
		}
	}
}

// applyEffects carries out what the flow asked for, inside the same transaction, and returns
// the placeholders its replies may use ({number}).
func (r *Router) applyEffects(tx *store.Tx, acc config.Account, conv store.Conversation, effects []flows.Effect, res *Result) (*strings.Replacer, error) {
	var pairs []string
	for _, eff := range effects {
		switch eff := eff.(type) {
		case flows.NewCase:
			number, err := r.createCase(tx, conv, eff)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, "{number}", number)
			r.log.Info("Case created", "account", conv.Account, "chat", ketanmu.MaskPhone(conv.Chat),
				"case_number", number, "service", eff.Service)
			if err := r.postCard(tx, acc, number, "card_new", res); err != nil {
				return nil, err
			}
		case flows.FixDone:
			if err := r.fixDone(tx, acc, conv, eff, res); err != nil {
				return nil, err
			}
		case flows.NeedHuman:
			if err := tx.MarkNeedsHuman(conv.Account, conv.Chat); err != nil {
				return nil, err
			}
			if err := r.tellOperators(tx, acc, r.text("group_needs_human", "phone", ketanmu.MaskPhone(conv.Chat)), res); err != nil {
				return nil, err
			}
		}
	}
	return strings.NewReplacer(pairs...), nil
}

func (r *Router) createCase(tx *store.Tx, conv store.Conversation, c flows.NewCase) (string, error) {
	svc, ok := r.cfg.Services[c.Service]
	if !ok {
		return "", fmt.Errorf("new case: unknown service %q", c.Service)
	}
	docs := make([]store.CaseDocument, 0, len(c.Documents))
	for _, d := range c.Documents {
		docs = append(docs, store.CaseDocument{Key: d.Key, MessageID: d.MessageID})
	}
	var stageDue time.Time
	if d, ok := r.cfg.Workflows[svc.Profile].Deadlines["submitted"]; ok {
		stageDue = r.cfg.Office.Calendar.Add(tx.Now(), d)
	}
	return tx.CreateCase(store.NewCase{Account: conv.Account, Chat: conv.Chat, ResidentID: conv.ResidentID,
		Prefix: svc.Prefix, Service: c.Service, Subtype: c.Subtype, NIK: c.NIK, Name: c.Name,
		Details: c.Details, Due: c.Due, StageDue: stageDue, Documents: docs,
		Day: tx.Now().In(r.cfg.Office.Location).Format("060102")})
}

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

// flowInput converts a message for the flows; long texts are cut (cut reports it).
func (r *Router) flowInput(in ketanmu.Inbound) (flows.Input, bool) {
	fi := flows.Input{ID: in.ID, Kind: in.Kind, Text: in.Text, Unsupported: in.Unsupported}
	cut := false
	if runes := []rune(in.Text); len(runes) > r.cfg.Storage.MaxTextChars {
		fi.Text, cut = string(runes[:r.cfg.Storage.MaxTextChars]), true
	}
	if in.Media != nil {
		fi.Media = inspectMedia(in.Media)
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
