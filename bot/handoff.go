package bot

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/nik"
	"github.com/ketanmu/ketanmu/sla"
	"github.com/ketanmu/ketanmu/store"
)

// officePhone is the actor name of whoever types on the office phone itself.
const officePhone = "HP kantor"

// operatorMessage handles what does not come from a resident: the operators' group, the office
// phone typing in a resident's chat, and the office's "message yourself" chat.
func (r *Router) operatorMessage(tx *store.Tx, acc config.Account, conv store.Conversation, in ketanmu.Inbound, res *Result) error {
	cmd, isCmd := r.parseCommand(in.Text)
	switch {
	case ketanmu.IsGroup(in.Chat):
		if in.Chat != acc.OperatorsGroup || !isCmd {
			return nil // ordinary talk among operators, or another group: not ours to answer
		}
		op, ok := r.groupOperator(in)
		if !ok {
			return r.answerOperator(tx, acc, in.Chat, r.text("op_not_operator"), res)
		}
		return r.runCommand(tx, acc, op, cmd, in, in.Chat, "", res)
	case in.Chat == acc.Phone:
		if !isCmd {
			return nil
		}
		return r.runCommand(tx, acc, r.officeOperator(), cmd, in, in.Chat, "", res)
	}
	// Typed on the office phone in a resident's chat.
	if !isCmd {
		return r.takeChat(tx, acc, conv, in, res)
	}
	// The resident must only see the bot's notification, not the command.
	res.Replies = append(res.Replies, ketanmu.Outbound{Account: acc.Key, Chat: in.Chat, Address: conv.Address, Revoke: in.ID})
	answerTo := acc.OperatorsGroup
	if answerTo == "" {
		answerTo = acc.Phone
	}
	return r.runCommand(tx, acc, r.officeOperator(), cmd, in, answerTo, in.Chat, res)
}

// takeChat records that a person has the chat: the bot goes silent there and the case, if
// waiting, moves to verifying with the office phone as its operator.
func (r *Router) takeChat(tx *store.Tx, acc config.Account, conv store.Conversation, in ketanmu.Inbound, res *Result) error {
	first := conv.HumanBy == ""
	conv.HumanBy, conv.HumanAt = officePhone, tx.Now()
	if err := tx.SaveConversation(conv); err != nil {
		return err
	}
	c, ok, err := tx.LatestOpenCase(acc.Key, in.Chat)
	if err != nil || !ok || c.Stage != "submitted" {
		return err
	}
	if err := r.transition(tx, acc, c, "verifying", r.officeOperator(), "", "", res); err != nil {
		if ketanmu.ErrorCode(err) == ketanmu.ECONFLICT || ketanmu.ErrorCode(err) == ketanmu.EUNAUTHORIZED {
			return nil // the profile does not go through verifying: the chat is still taken
		}
		return err
	}
	if first {
		r.log.Info("Operator took the chat", "account", acc.Key, "chat", ketanmu.MaskPhone(in.Chat), "case_number", c.Number)
	}
	return nil
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

func (r *Router) groupOperator(in ketanmu.Inbound) (config.Operator, bool) {
	if in.FromMe {
		return r.officeOperator(), true
	}
	return r.cfg.Operator(in.Sender)
}

// officeOperator is whoever holds the office phone: an operator with the front office's role.
func (r *Router) officeOperator() config.Operator {
	return config.Operator{Name: officePhone, Roles: []string{"operator"}}
}

// usage lists each command with its argument; commands that need one refuse without it.
var usage = map[string]string{
	"ambil": "#ambil [nomor]", "proses": "#proses [nomor]", "lanjut": "#lanjut [nomor]",
	"kurang": "#kurang [nomor] <yang harus dikirim ulang>", "tolak": "#tolak [nomor] <alasan>",
	"kirim": "#kirim [nomor] <nomor resi>", "siap": "#siap [nomor]", "selesai": "#selesai [nomor]",
	"bot": "#bot", "catat": "#catat [nomor] <catatan>", "status": "#status [nomor]",
	"antrian": "#antrian", "bantuan": "#bantuan",
}

var needsArgs = []string{"kurang", "tolak", "kirim", "catat"}

// runCommand carries out an operator's command. answerTo is where answers for the operator go;
// chat is the resident's chat when the command was typed there.
func (r *Router) runCommand(tx *store.Tx, acc config.Account, op config.Operator, cmd command, in ketanmu.Inbound,
	answerTo, chat string, res *Result) error {
	answer := func(text string) error { return r.answerOperator(tx, acc, answerTo, text, res) }
	if _, ok := usage[cmd.name]; !ok || cmd.name == "bantuan" {
		return answer(r.text("op_help", "prefix", r.cfg.Handoff.CommandPrefix))
	}
	if slices.Contains(needsArgs, cmd.name) && cmd.args == "" {
		return answer(r.text("op_usage", "usage", strings.ReplaceAll(usage[cmd.name], "#", r.cfg.Handoff.CommandPrefix)))
	}
	if cmd.name == "antrian" {
		return answer(r.queueText(tx, acc))
	}
	if cmd.name == "bot" {
		return r.releaseChat(tx, acc, chat, res, answer)
	}
	c, err := r.commandCase(tx, acc, cmd, in, chat)
	if err != nil && cmd.name == "selesai" && chat != "" && cmd.number == "" {
		// Nothing to close (the resident only asked something): the operator is done with the chat.
		return r.releaseChat(tx, acc, chat, res, answer)
	}
	if err != nil {
		return answer(r.text("op_error", "error", ketanmu.ErrorMessage(err)))
	}
	err = r.applyCommand(tx, acc, op, cmd, c, res)
	if ketanmu.ErrorCode(err) == ketanmu.EINTERNAL {
		return err
	}
	if cmd.name == "selesai" && chat != "" {
		if rerr := r.releaseChat(tx, acc, chat, res, nil); rerr != nil {
			return rerr
		}
	}
	if err != nil {
		return answer(r.text("op_error", "error", ketanmu.ErrorMessage(err)))
	}
	if cmd.name == "status" {
		return answer(r.caseText(tx, c))
	}
	c, err = tx.CaseByNumber(c.Number)
	if err != nil {
		return err
	}
	key := "op_done"
	if cmd.name == "catat" && !strings.HasPrefix(r.cfg.Text("op_noted"), "[") {
		key = "op_noted" // a note moves nothing: "→ verifying" would read as if it had
	}
	return answer(r.text(key, "number", c.Number, "stage", r.stageLabel(c.Stage), "operator", op.Name))
}

// commandCase finds the case a command is about: its number, the quoted card, or the chat.
// In a resident's chat a quoted message that is no card (the resident's own) means the chat's case.
func (r *Router) commandCase(tx *store.Tx, acc config.Account, cmd command, in ketanmu.Inbound, chat string) (store.Case, error) {
	notFound := ketanmu.Errorf(ketanmu.ENOTFOUND, "nomor %s tidak ditemukan", cmd.number)
	if cmd.number != "" {
		c, err := tx.CaseByNumber(cmd.number)
		if ketanmu.ErrorCode(err) == ketanmu.ENOTFOUND || (err == nil && c.Account != acc.Key) {
			// A case of another number is not this group's business.
			return c, notFound
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
		return store.Case{}, ketanmu.Errorf(ketanmu.EINVALID, "sebutkan nomor pendaftaran, atau balas (quote) kartu permohonannya")
	}
	c, ok, err := tx.LatestOpenCase(acc.Key, chat)
	if err == nil && !ok {
		err = ketanmu.Errorf(ketanmu.ENOTFOUND, "chat ini tidak punya permohonan yang masih berjalan")
	}
	return c, err
}

func (r *Router) applyCommand(tx *store.Tx, acc config.Account, op config.Operator, cmd command, c store.Case, res *Result) error {
	profile, _ := r.cfg.Workflow(r.cfg.Services[c.Service].Profile)
	switch cmd.name {
	case "ambil":
		if c.Stage == "submitted" {
			return r.transitionAs(tx, acc, c, "verifying", op, "", "", res, op.Name)
		}
		return tx.SetAssignee(c.ID, op.Name)
	case "proses", "lanjut":
		next, ok := profile.NextStage(c.Stage, c.Details["delivery"] == "pickup")
		if !ok {
			return ketanmu.Errorf(ketanmu.ECONFLICT, "%s sudah %s: tidak ada tahap berikutnya", c.Number, c.Stage)
		}
		return r.transition(tx, acc, c, next, op, "", "", res)
	case "kurang":
		if c.Stage == "submitted" && profile.Check("submitted", "needs_fix") != nil && profile.Check("verifying", "needs_fix") == nil {
			// Asking for a fix means the photos were checked: the operator takes the case on the
			// way, and the resident reads only what to resend.
			var err error
			if c, err = r.move(tx, c, "verifying", op, "", "", op.Name); err != nil {
				return err
			}
		}
		return r.transition(tx, acc, c, "needs_fix", op, cmd.args, "", res)
	case "tolak":
		return r.transition(tx, acc, c, "rejected", op, cmd.args, "", res)
	case "kirim":
		return r.transition(tx, acc, c, "shipped", op, "", cmd.args, res)
	case "siap":
		return r.transition(tx, acc, c, "ready_for_pickup", op, "", "", res)
	case "selesai":
		return r.transition(tx, acc, c, "done", op, "", "", res)
	case "catat":
		return tx.AddNote(c.ID, op.Name, cmd.args)
	}
	return nil // status: answered by the caller
}

// transition moves a case, tells the resident, and reopens the flow on needs_fix.
func (r *Router) transition(tx *store.Tx, acc config.Account, c store.Case, to string, op config.Operator,
	reason, tracking string, res *Result) error {
	return r.transitionAs(tx, acc, c, to, op, reason, tracking, res, "")
}

func (r *Router) transitionAs(tx *store.Tx, acc config.Account, c store.Case, to string, op config.Operator,
	reason, tracking string, res *Result, assignee string) error {
	c, err := r.move(tx, c, to, op, reason, tracking, assignee)
	if err != nil {
		return err
	}
	if to == "needs_fix" {
		if err := r.reopenFlow(tx, c, reason); err != nil {
			return err
		}
	}
	return r.notifyResident(tx, c, reason, tracking, res)
}

// move checks that the profile allows the move and that op has the role it needs, records it,
// and returns the case as it now is. It tells no one.
func (r *Router) move(tx *store.Tx, c store.Case, to string, op config.Operator, reason, tracking, assignee string) (store.Case, error) {
	profile, _ := r.cfg.Workflow(r.cfg.Services[c.Service].Profile)
	if profile.Check(c.Stage, to) != nil {
		allowed := profile.Allowed(c.Stage)
		if len(allowed) == 0 {
			return c, ketanmu.Errorf(ketanmu.ECONFLICT, "%s sudah %s: tahapnya tidak bisa diubah lagi", c.Number, c.Stage)
		}
		return c, ketanmu.Errorf(ketanmu.ECONFLICT, "%s sedang di tahap %s, tidak bisa ke %s. Tahap berikutnya yang bisa: %s",
			c.Number, c.Stage, to, strings.Join(allowed, ", "))
	}
	if role := profile.RoleFor(to); !op.HasRole(role) {
		return c, ketanmu.Errorf(ketanmu.EUNAUTHORIZED, "%s tidak punya peran %s yang diperlukan untuk tahap %s", op.Name, role, to)
	}
	ch := store.StageChange{From: c.Stage, To: to, Actor: op.Name, Reason: reason, Tracking: tracking, Assignee: assignee}
	r.deadlines(tx.Now(), c, to, &ch)
	if err := tx.SetStage(c.ID, ch); err != nil {
		return c, err
	}
	r.log.Info("Case moved", "case_number", c.Number, "from", c.Stage, "to", to, "actor", op.Name)
	if ch.From == "needs_fix" && to != "submitted" {
		if err := r.dropFix(tx, c); err != nil {
			return c, err
		}
	}
	c.Stage, c.StageAt, c.StageDue = to, tx.Now(), ch.StageDue
	if !ch.Due.IsZero() {
		c.Due = ch.Due
	}
	c.Paused = ch.Paused
	if assignee != "" {
		c.Assignee = assignee
	}
	return c, nil
}

// deadlines sets the new stage's deadline and stops the case's clock while it waits on the
// resident: the working time left is kept and added again when they answer.
func (r *Router) deadlines(now time.Time, c store.Case, to string, ch *store.StageChange) {
	cal := r.cfg.Office.Calendar
	w := r.cfg.Workflows[r.cfg.Services[c.Service].Profile]
	if d, ok := w.Deadlines[to]; ok {
		ch.StageDue = cal.Add(now, d)
	}
	switch {
	case to == "needs_fix":
		ch.Paused = cal.Between(now, c.Due) // zero when already late: it stays late
	case c.Stage == "needs_fix" && c.Paused > 0 && to != "done" && to != "rejected":
		ch.Due = cal.Add(now, sla.Duration{Work: c.Paused})
	}
}

// notifyResident tells the resident, in their chat, what happened to their case.
func (r *Router) notifyResident(tx *store.Tx, c store.Case, reason, tracking string, res *Result) error {
	text := r.cfg.Text("notify_" + c.Stage + "_" + c.Service)
	if strings.HasPrefix(text, "[") {
		text = r.cfg.Text("notify_" + c.Stage)
	}
	if strings.HasPrefix(text, "[") {
		return nil // no text for this stage: nothing to say
	}
	conv, err := tx.Conversation(c.Account, c.Chat)
	if err != nil {
		return err
	}
	fill := strings.NewReplacer("{number}", c.Number, "{reason}", reason, "{tracking}", tracking,
		"{counter}", r.cfg.Office.PickupCounter, "{hours}", r.hoursLine(), "{service}", r.cfg.Services[c.Service].Name)
	res.Replies = append(res.Replies, ketanmu.Outbound{Account: c.Account, Chat: c.Chat, Address: conv.Address,
		Text: fill.Replace(text)})
	return nil
}

// releaseChat hands a resident's chat back to the bot.
func (r *Router) releaseChat(tx *store.Tx, acc config.Account, chat string, res *Result, answer func(string) error) error {
	if chat == "" {
		if answer != nil {
			return answer(r.text("op_error", "error", "ketik #bot di chat pemohon yang ingin dikembalikan ke bot"))
		}
		return nil
	}
	conv, err := tx.Conversation(acc.Key, chat)
	if err != nil {
		return err
	}
	if conv.HumanBy == "" {
		if answer == nil {
			return nil // the bot never left: no "welcome back" for the resident
		}
		return answer(r.text("op_bot_already"))
	}
	conv.HumanBy = ""
	if err := tx.SaveConversation(conv); err != nil {
		return err
	}
	res.Replies = append(res.Replies, ketanmu.Outbound{Account: acc.Key, Chat: chat, Address: conv.Address,
		Text: r.text("handback")})
	if answer != nil {
		return answer(r.text("op_bot_back", "phone", ketanmu.MaskPhone(chat)))
	}
	return nil
}

// answerOperator sends an answer to the group or the "message yourself" chat, never a resident.
func (r *Router) answerOperator(tx *store.Tx, acc config.Account, to, text string, res *Result) error {
	if to == "" {
		to = acc.Phone
	}
	res.Replies = append(res.Replies, ketanmu.Outbound{Account: acc.Key, Chat: to, Text: text})
	return nil
}

// tellOperators posts to the account's operators' group (or its "message yourself" chat).
func (r *Router) tellOperators(tx *store.Tx, acc config.Account, text string, res *Result) error {
	return r.answerOperator(tx, acc, acc.OperatorsGroup, text, res)
}

// postCard posts a case's card and its photos to the operators' group; each message is
// remembered so that quoting it acts on the case.
func (r *Router) postCard(tx *store.Tx, acc config.Account, number, textKey string, res *Result) error {
	c, err := tx.CaseByNumber(number)
	if err != nil {
		return err
	}
	docs, err := tx.CaseDocuments(c.ID)
	if err != nil {
		return err
	}
	return r.postCardWith(acc, c, r.cardText(c, textKey), docs, res)
}

// postCardWith posts text and the photos docs as the card of case c.
func (r *Router) postCardWith(acc config.Account, c store.Case, text string, docs []store.CaseDocumentInfo, res *Result) error {
	to := acc.OperatorsGroup
	if to == "" {
		to = acc.Phone
	}
	if res.cardFor == nil {
		res.cardFor = map[int]int64{}
	}
	res.cardFor[len(res.Replies)] = c.ID
	res.Replies = append(res.Replies, ketanmu.Outbound{Account: acc.Key, Chat: to, Text: text})
	for _, d := range docs {
		res.cardFor[len(res.Replies)] = c.ID
		res.Replies = append(res.Replies, ketanmu.Outbound{Account: acc.Key, Chat: to, MediaID: d.MediaID,
			Media: &ketanmu.Media{Mime: d.Mime, Filename: d.Filename},
			Text:  c.Number + " · " + r.docName(d.Key)})
	}
	return nil
}

// cardText fills a card's text; extra lines follow the case's details.
func (r *Router) cardText(c store.Case, key string, extra ...string) string {
	svc := r.cfg.Services[c.Service]
	title := svc.Name
	for _, st := range svc.Subtypes {
		if st.Key == c.Subtype {
			title += " — " + st.Name
		}
	}
	var details []string
	for _, k := range []string{"reason", "category", "description", "delivery", "address", "desa", "kecamatan",
		"postal_code", "notes", "warnings"} {
		if v := c.Details[k]; v != "" {
			if k == "delivery" {
				v = r.optText("delivery_"+v+"_short", v)
			}
			details = append(details, "• "+r.optText("field_"+k, k)+": "+v)
		}
	}
	details = append(details, extra...)
	due := "-"
	if !c.StageDue.IsZero() {
		due = sla.FormatDateTimeID(c.StageDue.In(r.cfg.Office.Location))
	}
	return maskNIKs(r.text(key, "number", c.Number, "service", title, "nik", nik.MaskNIK(c.NIK), "phone", ketanmu.MaskPhone(c.Chat),
		"name", orDash(c.Name), "details", strings.Join(details, "\n"), "due", due, "prefix", r.cfg.Handoff.CommandPrefix))
}

// caseText describes a case for operators: stage, assignee, deadline, history.
func (r *Router) caseText(tx *store.Tx, c store.Case) string {
	lines := []string{r.cardText(c, "op_status")}
	events, err := tx.CaseEvents(c.ID)
	if err == nil {
		for _, ev := range events {
			step := ev.To
			if ev.From != "" {
				step = ev.From + "→" + ev.To
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
	}
	return strings.Join(lines, "\n") + "\n" + r.text("op_stage", "stage", r.stageLabel(c.Stage), "assignee", orDash(c.Assignee))
}

// queueText lists the account's open cases, oldest first, with the working time left.
func (r *Router) queueText(tx *store.Tx, acc config.Account) string {
	cases, err := tx.OpenCases(acc.Key)
	if err != nil || len(cases) == 0 {
		return r.text("op_queue_empty")
	}
	now := tx.Now()
	cal := r.cfg.Office.Calendar
	lines := []string{r.text("op_queue_title", "count", fmt.Sprint(len(cases)))}
	const maxListed = 30 // a WhatsApp message an operator can still read on a phone
	for i, c := range cases {
		if i == maxListed {
			lines = append(lines, r.text("op_queue_more", "more", fmt.Sprint(len(cases)-maxListed)))
			break
		}
		left := "-"
		switch {
		case c.Stage == "needs_fix":
			left = r.text("op_paused")
		case !c.StageDue.IsZero() && c.StageDue.After(now):
			left = sla.FormatDurationID(cal.Between(now, c.StageDue))
		case !c.StageDue.IsZero():
			left = r.text("op_overdue", "late", sla.FormatDurationID(cal.Between(c.StageDue, now)))
		}
		lines = append(lines, fmt.Sprintf("%d. *%s* %s · %s · %s", i+1, c.Number, r.stageLabel(c.Stage), left, orDash(c.Assignee)))
	}
	return strings.Join(lines, "\n")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (r *Router) hoursLine() string {
	var parts []string
	for _, d := range []struct{ key, name string }{{"mon", "Sen"}, {"tue", "Sel"}, {"wed", "Rab"}, {"thu", "Kam"},
		{"fri", "Jum"}, {"sat", "Sab"}, {"sun", "Min"}} {
		if h := r.cfg.Office.Hours[d.key]; h != "" {
			parts = append(parts, d.name+" "+strings.ReplaceAll(h, ":", "."))
		}
	}
	return strings.Join(parts, ", ")
}

func (r *Router) docName(key string) string {
	if d, ok := r.cfg.Documents[key]; ok {
		return d.Name
	}
	return key
}

// optText returns a configured text, or fallback when the office has none for key.
func (r *Router) optText(key, fallback string) string {
	if t, ok := r.cfg.Texts[key]; ok {
		return t
	}
	return fallback
}

// stageLabel names a stage for operators: "Diperiksa (verifying)"; the key stays visible because
// it is what the API and the workflow config use.
func (r *Router) stageLabel(stage string) string {
	if t, ok := r.cfg.Texts["opstage_"+stage]; ok {
		return t + " (" + stage + ")"
	}
	return stage
}

// text returns a configured text with {name} placeholders filled.
func (r *Router) text(key string, pairs ...string) string {
	t := r.cfg.Text(key)
	args := make([]string, 0, len(pairs))
	for i := 0; i+1 < len(pairs); i += 2 {
		args = append(args, "{"+pairs[i]+"}", pairs[i+1])
	}
	return strings.NewReplacer(args...).Replace(t)
}
