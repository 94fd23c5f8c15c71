package app

import (
	"context"
	"time"

	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
	websim "github.com/ketanmu/ketanmu/web/sim"
)

// simInbox is the simulator's way into the one input path: the intake decides about a message
// exactly as for WhatsApp, then the router handles it.
type simInbox struct {
	cfg    *config.Config
	db     *store.DB
	router *bot.Router
	now    func() time.Time
}

var _ websim.Inbox = simInbox{}

// Receive implements websim.Inbox.
func (s simInbox) Receive(ctx context.Context, m websim.Received, data []byte) (websim.Result, error) {
	rec := bot.Received{Account: m.Account, ID: m.ID, Chat: m.Chat, Sender: m.Sender, FromMe: m.FromMe,
		At: m.At, Text: m.Text, Quote: m.Quote}
	if m.File != nil {
		rec.File = &bot.Attachment{Hint: bot.HintOfMime(m.File.Mime), Mime: m.File.Mime, Filename: m.File.Filename,
			Size: m.File.Size}
	}
	intake := &bot.Intake{MaxMedia: s.cfg.Storage.MaxMediaBytes, MaxAge: s.cfg.WhatsApp.OfflineMaxAge,
		Now: s.now, Sent: s.db}
	in, skipped, err := intake.Take(ctx, rec)
	if err != nil || skipped != "" {
		return websim.Result{ID: rec.ID, Skipped: string(skipped)}, err
	}
	if in.Media != nil {
		in = intake.WithData(in, data)
	}
	res, err := s.router.Handle(ctx, in)
	if err != nil {
		return websim.Result{}, err
	}
	return websim.Result{ID: in.ID, Duplicate: res.Duplicate, Replies: res.Replies}, nil
}
