package outbox

import (
	"context"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// Verdict is a Gate's answer about one outbox message: send it, hold it until a time, or drop
// it for good with a reason.
type Verdict struct {
	HoldUntil time.Time
	Drop      string
	Why       string // why it is held
}

// Gate is asked by the outbox before each send.
type Gate interface {
	Check(ctx context.Context, it store.OutboxItem) (Verdict, error)
}

// ReplyGate keeps the bot from talking over an operator after downtime: replies to residents
// wait while the transport still receives the backlog of missed messages (an operator's answer
// from the phone may be in it), and a reply is dropped when someone on the office's side wrote
// in the chat after the message that caused it.
// Every field is required: a transport without an offline backlog (the simulator) is given
// answers that say so by internal/app, not a nil here.
type ReplyGate struct {
	DB *store.DB
	// Holding reports whether an account is still receiving its offline backlog.
	Holding func(account string) bool
	// Waiting reports whether a chat still has messages the transport has not handed over (a
	// file being downloaded, and what came after it). An operator's answer may be among them.
	Waiting func(account, chat string) (bool, error)
	Now     func() time.Time
}

var _ Gate = (*ReplyGate)(nil)

// holdStep is how long a held reply waits before the outbox asks again.
const holdStep = 3 * time.Second

// Check implements Gate.
func (g *ReplyGate) Check(ctx context.Context, it store.OutboxItem) (Verdict, error) {
	m := it.Msg
	if m.Revoke != "" || ketanmu.IsGroup(m.Chat) {
		return Verdict{}, nil
	}
	if g.Holding(m.Account) {
		return Verdict{HoldUntil: g.Now().Add(holdStep), Why: "receiving messages missed while offline"}, nil
	}
	waiting, err := g.Waiting(m.Account, m.Chat)
	if err != nil {
		return Verdict{}, err
	}
	if waiting {
		return Verdict{HoldUntil: g.Now().Add(holdStep), Why: "earlier messages of the chat are still being fetched"}, nil
	}
	over, err := g.DB.Superseded(ctx, m.Account, m.ID)
	if err != nil || !over {
		return Verdict{}, err
	}
	return Verdict{Drop: "an operator wrote in the chat after the message this reply answers"}, nil
}
