package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

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
		return r.converse(tx, acc, in, &res)
	})
	if err != nil {
		return Result{}, err
	}
	if res.Duplicate {
		r.log.Info("Duplicate message dropped", "account", in.Account, "chat", ketanmu.MaskPhone(in.Chat), "message_id", in.ID)
		return res, nil
	}
	if len(res.Replies) > 0 {
		r.Notify(in.Account)
	}
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
		// Operators' groups and messages typed on the office phone are recorded; the handoff
		// (operator commands, bot silence) decides what to answer.
		return tx.SaveConversation(conv)
	}
	if conv.ResidentID == 0 {
		phone, lid := residentKey(in.Chat)
		if conv.ResidentID, err = tx.Resident(phone, lid); err != nil {
			return err
		}
	}
	var st flows.State
	if err := json.Unmarshal(conv.State, &st); err != nil {
		return fmt.Errorf("conversation state: %w", err)
	}
	out := r.engine.Step(flows.Env{Now: tx.Now(), Account: acc}, st, flowInput(in))
	if conv.State, err = json.Marshal(out.State); err != nil {
		return err
	}
	for _, text := range out.Replies {
		msg := ketanmu.Outbound{ID: r.NewID(in.Account), Account: in.Account, Chat: in.Chat,
			Address: conv.Address, Text: text}
		if err := tx.Queue(msg); err != nil {
			return err
		}
		res.Replies = append(res.Replies, msg)
	}
	return tx.SaveConversation(conv)
}

func flowInput(in ketanmu.Inbound) flows.Input {
	fi := flows.Input{ID: in.ID, Kind: in.Kind, Text: in.Text, Unsupported: in.Unsupported}
	if in.Media != nil {
		fi.Media = &flows.Media{Mime: in.Media.Mime, Filename: in.Media.Filename, Size: in.Media.Size, SHA256: in.Media.SHA256}
	}
	return fi
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
