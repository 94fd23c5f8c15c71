package bot

import (
	"context"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

// Transition moves a case on behalf of an API caller (trusted by its token: every role),
// records actor, tells the resident, and returns the case as it now is. A move the profile
// does not allow is an ECONFLICT error listing the allowed stages.
func (r *Router) Transition(ctx context.Context, number, to, reason, tracking, actor string) (store.Case, error) {
	if to == "needs_fix" && reason == "" {
		return store.Case{}, ketanmu.Errorf(ketanmu.EINVALID, "needs_fix needs a reason: what the resident must resend")
	}
	if to == "rejected" && reason == "" {
		return store.Case{}, ketanmu.Errorf(ketanmu.EINVALID, "rejected needs a reason for the resident")
	}
	if to == "shipped" && tracking == "" {
		return store.Case{}, ketanmu.Errorf(ketanmu.EINVALID, "shipped needs the postal tracking number")
	}
	op := config.Operator{Name: actor, Roles: []string{"supervisor"}}
	return r.onCase(ctx, number, func(tx *store.Tx, acc config.Account, c store.Case, res *Result) error {
		return r.transition(tx, acc, c, to, op, reason, tracking, res)
	})
}

// Reply sends text from an operator to the resident of a case, through the outbox.
func (r *Router) Reply(ctx context.Context, number, text, actor string) (store.Case, error) {
	if text == "" {
		return store.Case{}, ketanmu.Errorf(ketanmu.EINVALID, "text is required")
	}
	return r.onCase(ctx, number, func(tx *store.Tx, acc config.Account, c store.Case, res *Result) error {
		conv, err := tx.Conversation(c.Account, c.Chat)
		if err != nil {
			return err
		}
		res.Replies = append(res.Replies, ketanmu.Outbound{Account: c.Account, Chat: c.Chat, Address: conv.Address, Text: text})
		// A person is talking to the resident now: the bot keeps quiet in that chat, exactly as
		// when an operator types on the office phone.
		conv.HumanBy, conv.HumanAt = actor, tx.Now()
		if err := tx.SaveConversation(conv); err != nil {
			return err
		}
		if err := tx.AddNote(c.ID, actor, "balasan ke pemohon: "+text); err != nil {
			return err
		}
		if c.Stage != "submitted" {
			return nil
		}
		// A waiting case that staff answer is being looked at, as with the office phone.
		op := config.Operator{Name: actor, Roles: []string{"supervisor"}}
		err = r.transition(tx, acc, c, "verifying", op, "", "", res)
		if code := ketanmu.ErrorCode(err); code == ketanmu.ECONFLICT || code == ketanmu.EUNAUTHORIZED {
			return nil // the profile does not pass through verifying
		}
		return err
	})
}

// onCase runs fn on a case inside one transaction, holding the case's chat like a message would.
func (r *Router) onCase(ctx context.Context, number string, fn func(*store.Tx, config.Account, store.Case, *Result) error) (store.Case, error) {
	var c store.Case
	err := r.db.Update(ctx, func(tx *store.Tx) (err error) {
		c, err = tx.CaseByNumber(number)
		return err
	})
	if err != nil {
		return c, err
	}
	unlock := r.locks.lock(c.Account + "\x00" + c.Chat)
	defer unlock()
	acc, _ := r.cfg.Account(c.Account)
	var res Result
	err = r.db.Update(ctx, func(tx *store.Tx) error {
		res = Result{}
		cur, err := tx.CaseByNumber(number)
		if err != nil {
			return err
		}
		if err := fn(tx, acc, cur, &res); err != nil {
			return err
		}
		if err := r.queueAll(tx, &res); err != nil {
			return err
		}
		c, err = tx.CaseByNumber(number)
		return err
	})
	if err != nil {
		return c, err
	}
	r.notifyAccounts(res.Replies)
	return c, nil
}

// Send runs fn in one transaction and queues the messages it returns, with fresh IDs, in that
// same transaction: a job that records "reminder sent" and queues the reminder commits both or
// neither. The outbox is woken afterwards.
func (r *Router) Send(ctx context.Context, fn func(tx *store.Tx) ([]ketanmu.Outbound, error)) ([]ketanmu.Outbound, error) {
	var res Result
	err := r.db.Update(ctx, func(tx *store.Tx) error {
		res = Result{lane: ketanmu.LaneBulk}
		msgs, err := fn(tx)
		if err != nil {
			return err
		}
		res.Replies = msgs
		return r.queueAll(tx, &res)
	})
	if err != nil {
		return nil, err
	}
	r.notifyAccounts(res.Replies)
	return res.Replies, nil
}
