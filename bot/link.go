package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/sla"
)

// LinkNews is what the supervisors must hear about a WhatsApp number: a message that could not
// be handled, the number logged out or banned, the office phone offline for days.
type LinkNews struct {
	// Kind names the text link_<kind>: message_lost, logged_out, banned, phone_offline.
	Kind  string
	At    time.Time // when it happened (for message_lost: when the resident wrote)
	Until time.Time // a ban's end
	Chat  string    // message_lost: the chat
	Count int       // message_lost: tries; phone_offline: days
}

// TellLink tells the supervisors, in their own chats on the number via, what happened to the
// number account (via is account itself when it can still send, or another number of the
// office). It goes in the notification lane, ahead of the traffic it is about.
func (r *Router) TellLink(ctx context.Context, account, via string, n LinkNews) {
	acc, ok := r.cfg.Account(account)
	if !ok {
		return
	}
	loc := r.cfg.Office.Location
	text := r.text("link_"+n.Kind, "account", acc.Name, "phone", ketanmu.MaskPhone(n.Chat),
		"time", sla.FormatDateTimeID(n.At.In(loc)), "until", sla.FormatDateTimeID(n.Until.In(loc)),
		"count", fmt.Sprint(n.Count))
	err := r.tellSupervisors(ctx, via, text)
	if err != nil {
		r.log.Error("Link news not queued", "account", account, "via", via, "kind", n.Kind, "error", err)
	}
}
