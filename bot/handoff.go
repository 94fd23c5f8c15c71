package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/sla"
	"github.com/ketanmu/ketanmu/store"
)

// operatorMessage handles what does not come from a resident: the operators' groups, the office
// phone typing in a resident's chat, and the office's "message yourself" chat. The commands are a
// thin adapter over the case service.
func (r *Router) operatorMessage(tx *store.Tx, acc config.Account, conv store.Conversation, in ketanmu.Inbound, res *Result) error {
	cmd, isCmd := r.parseCommand(in.Text)
	switch {
	case ketanmu.IsGroup(in.Chat):
		if !isCmd || !isOperatorsGroup(acc, in.Chat) {
			return nil // ordinary talk among operators, or another group: not ours to answer
		}
		actor, ok, err := r.groupActor(tx, in)
		if err != nil {
			return err
		}
		if !ok {
			return r.answer(acc, in.Chat, r.text("op_not_operator"), res)
		}
		return r.runCommand(tx, acc, actor, cmd, in, in.Chat, "", res)
	case in.Chat == acc.Phone:
		if !isCmd {
			return nil
		}
		return r.runCommand(tx, acc, casework.OfficePhoneOf(r.cfg, acc), cmd, in, in.Chat, "", res)
	}
	// Typed on the office phone in a resident's chat.
	if !isCmd {
		msgs, err := r.cases.TakeChatTyped(tx, conv)
		res.Replies = append(res.Replies, msgs...)
		return err
	}
	// The resident must only see the bot's notification, not the command.
	res.Replies = append(res.Replies, ketanmu.Outbound{Account: acc.Key, Chat: in.Chat, Address: conv.Address, Revoke: in.ID})
	chats, err := r.operatorChatsAbout(tx, acc, in.Chat, "")
	if err != nil {
		return err
	}
	// The answer goes where the operators of this chat's case read, when that is one group;
	// otherwise to the office phone's own chat, which its holder sees.
	answerTo := acc.Phone
	if len(chats) == 1 && (ketanmu.IsGroup(chats[0]) || chats[0] == acc.Phone) {
		answerTo = chats[0]
	}
	return r.runCommand(tx, acc, casework.OfficePhoneOf(r.cfg, acc), cmd, in, answerTo, in.Chat, res)
}

func isOperatorsGroup(acc config.Account, chat string) bool {
	for _, g := range acc.Groups() {
		if g == chat {
			return true
		}
	}
	return false
}

// groupActor is who wrote in a group: the office phone, or a member who is an operator.
func (r *Router) groupActor(tx *store.Tx, in ketanmu.Inbound) (casework.Actor, bool, error) {
	if in.FromMe {
		acc, _ := r.cfg.Account(in.Account)
		return casework.OfficePhoneOf(r.cfg, acc), true, nil
	}
	op, ok, err := tx.OperatorByPhone(in.Sender)
	return casework.OperatorActor(op), ok, err
}

type command struct {
	name, number, args string
}

// parseCommand reads "#name [NUMBER] [args]".
func (r *Router) parseCommand(text string) (command, bool) {
	text = strings.TrimSpace(text)
	prefix := r.cfg.Handoff.CommandPrefix
	if !strings.HasPrefix(text, prefix) || len(text) == len(prefix) {
		return command{}, false
	}
	fields := strings.Fields(text[len(prefix):])
	if len(fields) == 0 {
		return command{}, false
	}
	cmd := command{name: strings.ToLower(fields[0])}
	rest := fields[1:]
	if len(rest) > 0 && ketanmu.IsCaseNumber(rest[0]) {
		cmd.number, rest = strings.ToUpper(rest[0]), rest[1:]
	}
	cmd.args = strings.Join(rest, " ")
	return cmd, true
}

// commands maps each command to the case service's action and its usage line; a command whose
// usage names an argument refuses without it.
var commands = map[string]struct {
	kind  casework.Kind
	usage string
}{
	"ambil": {casework.Take, "#ambil [nomor]"}, "tugaskan": {casework.Assign, "#tugaskan [nomor] <nama petugas>"},
	"proses": {casework.Advance, "#proses [nomor]"}, "lanjut": {casework.Advance, "#lanjut [nomor]"},
	"kurang": {casework.AskFix, "#kurang [nomor] <yang harus dikirim ulang>"},
	"tolak":  {casework.Reject, "#tolak [nomor] <alasan>"}, "kirim": {casework.Ship, "#kirim [nomor] <nomor resi>"},
	"siap": {casework.Pickup, "#siap [nomor]"}, "selesai": {casework.Close, "#selesai [nomor]"},
	"catat": {casework.Note, "#catat [nomor] <catatan>"}, "balas": {casework.Reply, "#balas [nomor] <pesan untuk pemohon>"},
	"bot": {casework.HandBack, "#bot"}, "status": {"", "#status [nomor]"}, "antrean": {"", "#antrean"},
	"antrian": {"", "#antrean"}, // the common spelling is understood too
}

// runCommand carries out an operator's command. answerTo is where answers for the operator go;
// chat is the resident's chat when the command was typed there.
func (r *Router) runCommand(tx *store.Tx, acc config.Account, actor casework.Actor, cmd command, in ketanmu.Inbound,
	answerTo, chat string, res *Result) error {
	answer := func(text string) error { return r.answer(acc, answerTo, text, res) }
	refuse := func(err error) error {
		if !IsUserError(err) {
			return err
		}
		return answer(r.text("op_error", "error", ketanmu.ErrorMessage(err)))
	}
	def, ok := commands[cmd.name]
	if !ok {
		return answer(r.text("op_help", "prefix", r.cfg.Handoff.CommandPrefix))
	}
	if strings.Contains(def.usage, "<") && cmd.args == "" {
		return answer(r.text("op_usage", "usage", strings.ReplaceAll(def.usage, "#", r.cfg.Handoff.CommandPrefix)))
	}
	switch cmd.name {
	case "antrean", "antrian":
		text, err := r.queueText(tx, acc, actor)
		if err != nil {
			return refuse(err)
		}
		return answer(text)
	case "bot":
		if chat == "" {
			return answer(r.text("op_error", "error", r.text("op_bot_where")))
		}
		msgs, err := r.cases.HandBack(tx, actor, acc.Key, chat, true)
		if err != nil {
			return refuse(err)
		}
		res.Replies = append(res.Replies, msgs...)
		return answer(r.text("op_bot_back", "phone", ketanmu.MaskPhone(chat)))
	}
	c, err := r.commandCase(tx, acc, cmd, in, chat)
	if err != nil && chat != "" && cmd.number == "" && ketanmu.ErrorCode(err) == ketanmu.ENOTFOUND {
		switch cmd.name {
		case "selesai":
			// Nothing to close (the resident only asked something): the operator is done with the chat.
			return r.handBackAfter(tx, acc, actor, chat, res, answer)
		case "balas":
			// A chat without a case: the reply goes alone, as from the workspace's chat page.
			msgs, err := r.cases.ReplyInChat(tx, actor, acc.Key, chat, cmd.args)
			res.Replies = append(res.Replies, msgs...)
			if err != nil {
				return refuse(err)
			}
			return answer(r.text("op_replied", "phone", ketanmu.MaskPhone(chat)))
		}
	}
	if err != nil {
		return refuse(err)
	}
	if cmd.name == "status" {
		text, err := r.caseText(tx, actor, c)
		if err != nil {
			return refuse(err)
		}
		return answer(text)
	}
	a := casework.Action{Kind: def.kind, Text: cmd.args}
	switch def.kind {
	case casework.Ship:
		a = casework.Action{Kind: def.kind, Tracking: cmd.args}
	case casework.Assign:
		a = casework.Action{Kind: def.kind, Assignee: cmd.args}
	}
	o, err := r.cases.Apply(tx, actor, c, a)
	res.Replies = append(res.Replies, o.Messages...)
	if err != nil {
		return refuse(err)
	}
	key := "op_done"
	if cmd.name == "catat" {
		key = "op_noted" // a note moves nothing: "→ Diperiksa" would read as if it had
	}
	return answer(r.text(key, "number", o.Case.Number, "stage", r.cases.StageName(o.Case.Stage), "operator", actor.Name))
}

// handBackAfter ends an operator's turn in a chat without a case.
func (r *Router) handBackAfter(tx *store.Tx, acc config.Account, actor casework.Actor, chat string, res *Result, answer func(string) error) error {
	msgs, err := r.cases.HandBack(tx, actor, acc.Key, chat, true)
	if err != nil {
		if IsUserError(err) {
			return answer(r.text("op_error", "error", ketanmu.ErrorMessage(err)))
		}
		return err
	}
	res.Replies = append(res.Replies, msgs...)
	return answer(r.text("op_bot_back", "phone", ketanmu.MaskPhone(chat)))
}

// commandCase finds the case a command is about: its number, the quoted card, or the chat.
// In a resident's chat a quoted message that is no card (the resident's own) means the chat's case.
func (r *Router) commandCase(tx *store.Tx, acc config.Account, cmd command, in ketanmu.Inbound, chat string) (ketanmu.Case, error) {
	if cmd.number != "" {
		c, err := tx.CaseByNumber(cmd.number)
		if ketanmu.ErrorCode(err) == ketanmu.ENOTFOUND || (err == nil && c.Account != acc.Key) {
			// A case of another number is not this group's business.
			return c, ketanmu.Errorf(ketanmu.ENOTFOUND, "nomor %s tidak ditemukan", cmd.number)
		}
		return c, err
	}
	if in.Quote != "" {
		c, err := tx.CaseByCard(acc.Key, in.Quote)
		if ketanmu.ErrorCode(err) != ketanmu.ENOTFOUND {
			return c, err
		}
		if chat == "" {
			return c, ketanmu.Errorf(ketanmu.ENOTFOUND, "pesan yang dibalas bukan kartu permohonan: balas (quote) kartunya, atau tulis nomor pendaftarannya")
		}
	}
	if chat == "" {
		return ketanmu.Case{}, ketanmu.Errorf(ketanmu.EINVALID, "sebutkan nomor pendaftaran, atau balas (quote) kartu permohonannya")
	}
	c, ok, err := tx.LatestOpenCase(acc.Key, chat)
	if err == nil && !ok {
		err = ketanmu.Errorf(ketanmu.ENOTFOUND, "chat ini tidak punya permohonan yang masih berjalan")
	}
	return c, err
}

// operatorChatsAbout is where operators read about a resident's chat: casework.OperatorChats for
// the service it is about (given, else the chat's newest open case's; none: the general one).
func (r *Router) operatorChatsAbout(tx *store.Tx, acc config.Account, chat, service string) ([]string, error) {
	if service == "" {
		c, ok, err := tx.LatestOpenCase(acc.Key, chat)
		if err != nil {
			return nil, err
		}
		if ok {
			service = c.Service
		}
	}
	ops, err := tx.Operators()
	if err != nil {
		return nil, err
	}
	return casework.OperatorChats(r.cfg, ops, acc, service), nil
}

// answer sends an answer to the operator: to the group or chat it came from, never a resident.
func (r *Router) answer(acc config.Account, to, text string, res *Result) error {
	if to == "" {
		to = acc.Phone
	}
	res.Replies = append(res.Replies, ketanmu.Outbound{Account: acc.Key, Chat: to, Text: text})
	return nil
}

// caseText describes a case for operators: card, history, stage and assignee.
func (r *Router) caseText(tx *store.Tx, actor casework.Actor, c ketanmu.Case) (string, error) {
	if err := r.cases.CanRead(actor, c); err != nil {
		return "", err
	}
	lines := []string{r.cases.CardText(c, "op_status")}
	events, err := tx.CaseEvents(c.ID)
	if err != nil {
		return "", err
	}
	for _, ev := range events {
		step := r.cases.StageName(ev.To)
		if ev.From != "" {
			step = r.cases.StageName(ev.From) + " → " + step
		}
		line := "• " + sla.FormatDateTimeID(ev.At.In(r.cfg.Office.Location)) + " " + step + " (" + ev.Actor + ")"
		if ev.Reason != "" {
			line += ": " + ev.Reason
		}
		if ev.Tracking != "" {
			line += " resi " + ev.Tracking
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n") + "\n" + r.text("op_stage", "stage", r.cases.StageName(c.Stage), "assignee", casework.OrDash(c.Assignee)), nil
}

// maxListed is how many cases #antrian lists: a WhatsApp message an operator can still read.
const maxListed = 30

// queueText lists the account's open cases the actor may see, oldest first, with the working
// time left in each stage.
func (r *Router) queueText(tx *store.Tx, acc config.Account, actor casework.Actor) (string, error) {
	page, err := r.cases.Queue(tx.Context(), actor, casework.Filter{Account: acc.Key, Open: true, PerPage: maxListed})
	if err != nil {
		return "", err
	}
	if page.Total == 0 {
		return r.text("op_queue_empty"), nil
	}
	now := tx.Now()
	lines := []string{r.text("op_queue_title", "count", fmt.Sprint(page.Total))}
	for i, c := range page.Cases {
		lines = append(lines, fmt.Sprintf("%d. *%s* %s · %s · %s", i+1, c.Number, r.cases.StageName(c.Stage),
			r.timeLeft(c, now), casework.OrDash(c.Assignee)))
	}
	if more := page.Total - len(page.Cases); more > 0 {
		lines = append(lines, r.text("op_queue_more", "more", fmt.Sprint(more)))
	}
	return strings.Join(lines, "\n"), nil
}

// timeLeft is the working time left in a case's stage, or how late it is.
func (r *Router) timeLeft(c ketanmu.Case, now time.Time) string {
	cl := r.cases.ClockAt(c, now)
	switch {
	case cl.Paused:
		return r.text("op_paused")
	case !cl.HasDeadline:
		return "-"
	case cl.Late > 0:
		return r.text("op_overdue", "late", sla.FormatDurationID(cl.Late))
	}
	return sla.FormatDurationID(cl.Left)
}
