package main

import (
	"context"
	"time"

	"github.com/ketanmu/ketanmu/bot/whatsapp"
	"github.com/ketanmu/ketanmu/web/ops"
)

// waLinker lets the workspace's numbers page link an account through the running WhatsApp
// transport, as `ketanmu pair` does in a terminal.
type waLinker struct{ tr *whatsapp.Transport }

var _ ops.Linker = waLinker{}

func (l waLinker) Link(ctx context.Context, account, phone string, show func(ops.LinkStep)) error {
	_, err := l.tr.Pair(ctx, whatsapp.PairOptions{
		Account: account, Phone: phone,
		QR:       func(code string, valid time.Duration) { show(ops.LinkStep{QR: code, QRValid: valid}) },
		Code:     func(code string) { show(ops.LinkStep{Code: code}) },
		Progress: func(msg string) { show(ops.LinkStep{Progress: msg}) },
	})
	return err
}
