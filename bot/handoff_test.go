package bot_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/casework"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/outbox"
	"github.com/ketanmu/ketanmu/store"
)

// A handoff script is a transcript of a resident's chat and the operators' group, replayed
// through a real router, database and outbox. Input lines:
//
//	> text                       the resident says text (> [photo NAME caption="…"] sends a photo)
//	office> text                 typed on the office phone in the resident's chat
//	self> text                   typed on the office phone in its "message yourself" chat
//	group PHONE> text            a member of the operators' group says text ("group office>":
//	group PHONE quote=Q> text    the office phone); quoting Q: a case number (its latest card;
//	                             NUMBER:photo its latest photo) or a message ID
//	[account KEY] [chat PHONE]   switch the account or the resident's chat
//	[apply] [apply post]         the resident applies (KK/KTP-el, or NIK validation on the nik
//	                             account): its number is shown ([apply show]: the replies to
//	                             the last step)
//	[advance 2h]                 move the clock
//	[outbox]                     send everything queued; revoked messages of the chat are shown
//	[stage NUMBER STAGE]         the case must be in STAGE
//	[reply NUMBER ACTOR: text]   ACTOR answers the case's resident through the cases API
//	                             (Router.Reply); what it queued is shown
//	[taken ACTOR]                the chat must be taken by ACTOR ([taken -]: the bot has it)
//
// Every other line starting with "<" or "=" (and its indented continuation) is the bot's side,
// regenerated on each run and compared with the script. "# " lines are comments.
type handoff struct {
	t       *testing.T
	cfg     *config.Config
	db      *store.DB
	clock   *Clock
	router  *bot.Router
	outbox  *outbox.Outbox
	account string
	chat    string
	seq     int
	out     strings.Builder
}

const handoffResident = "6281234567890"

func newHandoff(t *testing.T, cfg *config.Config) *handoff {
	t.Helper()
	clock := NewClock() // Wednesday 25 November 2026, 09:00 in Jakarta
	db := testfix.DB(t, cfg, clock.Now)
	n := 0
	router := app.NewRouter(db, cfg, discard, func(string) string {
		n++
		return fmt.Sprintf("OUT%06d", n)
	}, nil)
	h := &handoff{t: t, cfg: cfg, db: db, clock: clock, router: router, account: account, chat: handoffResident}
	h.outbox = newOutbox(t, db, &sim.Transport{}, cfg, clock)
	return h
}

var update = flag.Bool("update", false, "rewrite the scripts in handoff_test.go with the bot's current side")

// runHandoff replays script and fails the test where the bot's side differs from it; with
// -update it writes the replay into this file instead, for review as a diff.
func runHandoff(t *testing.T, cfg *config.Config, script string) *handoff {
	t.Helper()
	h := replayHandoff(t, cfg, script)
	d := scriptDiff(script, h.out.String())
	switch {
	case d != "" && *update:
		rewriteScript(t, script, h.out.String())
	case d != "":
		t.Errorf("the bot's side differs from the script:\n%s\n--- the whole replay:\n%s", d, h.out.String())
	}
	return h
}

// rewriteScript replaces the script in handoff_test.go by the replay.
func rewriteScript(t *testing.T, script, replay string) {
	t.Helper()
	const file = "handoff_test.go"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	old := strings.TrimSpace(script)
	if strings.Count(string(src), old) != 1 {
		t.Fatalf("-update: the script is not found exactly once in %s", file)
	}
	out := strings.Replace(string(src), old, strings.TrimSpace(replay), 1)
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// replayHandoff plays the inputs of script and writes the replay, the bot's side regenerated.
func replayHandoff(t *testing.T, cfg *config.Config, script string) *handoff {
	t.Helper()
	h := newHandoff(t, cfg)
	for n, line := range strings.Split(strings.TrimSpace(script), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "<") || strings.HasPrefix(line, "=") || strings.HasPrefix(line, "|") {
			continue
		}
		h.line(n+1, line)
	}
	return h
}

var speaker = regexp.MustCompile(`^(office|self|group (\S+?))(?: quote=(\S+))?> ?(.*)$`)

func (h *handoff) line(n int, line string) {
	switch {
	case strings.HasPrefix(line, "#"):
		h.out.WriteString(line + "\n")
	case strings.HasPrefix(line, "["):
		h.directive(n, strings.Trim(line, "[]"))
	case strings.HasPrefix(line, ">"):
		text := strings.TrimSpace(strings.TrimPrefix(line, ">"))
		h.out.WriteString(line + "\n")
		h.show(h.send(n, h.residentMessage(n, text)))
	default:
		m := speaker.FindStringSubmatch(line)
		if m == nil {
			h.t.Fatalf("line %d: %q is no input", n, line)
		}
		in := h.inbound(m[4])
		in.FromMe = true
		switch {
		case m[1] == "self":
			in.Chat = h.acc().Phone
		case strings.HasPrefix(m[1], "group"):
			in.Chat = h.acc().OperatorsGroup
			if m[2] != "office" {
				in.FromMe, in.Sender = false, mustNormal(h.t, m[2])
			}
		}
		if m[3] != "" {
			in.Quote = h.quote(n, m[3])
		}
		h.out.WriteString(line + "\n")
		h.show(h.send(n, in))
	}
}

func (h *handoff) acc() config.Account {
	acc, _ := h.cfg.Account(h.account)
	return acc
}

func (h *handoff) inbound(text string) ketanmu.Inbound {
	h.seq++
	return ketanmu.Inbound{Account: h.account, ID: fmt.Sprintf("IN%06d", h.seq), Chat: h.chat,
		Kind: ketanmu.KindText, Text: text}
}

// residentMessage turns "> text" or "> [photo NAME caption="…"]" into a message.
func (h *handoff) residentMessage(n int, text string) ketanmu.Inbound {
	in := h.inbound(text)
	if !strings.HasPrefix(text, "[photo ") {
		return in
	}
	spec := strings.Trim(text, "[]")
	name, caption, _ := strings.Cut(strings.TrimPrefix(spec, "photo "), " ")
	caption = strings.Trim(strings.TrimPrefix(caption, "caption="), `"`)
	data := photoJPEG(name)
	in.Kind, in.Text = ketanmu.KindImage, caption
	in.Media = &ketanmu.Media{Mime: "image/jpeg", Filename: name, Size: int64(len(data)), Data: data}
	return in
}

func (h *handoff) send(n int, in ketanmu.Inbound) bot.Result {
	res, err := h.router.Handle(context.Background(), in)
	if err != nil {
		h.t.Fatalf("line %d: Handle(%q): %v", n, in.Text, err)
	}
	return res
}

// show writes replies as the people reading them see them.
func (h *handoff) show(res bot.Result) {
	for _, r := range res.Replies {
		to := ""
		switch r.Chat {
		case h.chat:
		case h.acc().OperatorsGroup:
			to = "[group] "
		case h.acc().Phone:
			to = "[self] "
		default:
			to = "[" + r.Chat + "] "
		}
		text := r.Text
		if r.Revoke != "" {
			text = "[revoke " + r.Revoke + "]"
		}
		if r.Media != nil {
			text = "[" + r.Media.Mime + " " + r.Media.Filename + "] " + text
		}
		h.out.WriteString("< " + to + strings.ReplaceAll(text, "\n", "\n| ") + "\n")
	}
	h.out.WriteString("\n")
}

func (h *handoff) directive(n int, spec string) {
	words := strings.Fields(spec)
	arg := func(i int) string {
		if i < len(words) {
			return words[i]
		}
		return ""
	}
	h.out.WriteString("[" + spec + "]\n")
	switch words[0] {
	case "account":
		if _, ok := h.cfg.Account(arg(1)); !ok {
			h.t.Fatalf("line %d: unknown account %q", n, arg(1))
		}
		h.account = arg(1)
	case "chat":
		h.chat = mustNormal(h.t, arg(1))
	case "advance":
		d, err := time.ParseDuration(arg(1))
		if err != nil {
			h.t.Fatalf("line %d: %v", n, err)
		}
		h.clock.Advance(d)
	case "apply":
		h.apply(n, strings.Contains(spec, " post"), strings.Contains(spec, " show"))
	case "outbox":
		h.flush(n)
	case "reply":
		actor, text, ok := strings.Cut(strings.TrimPrefix(spec, "reply "+arg(1)+" "), ": ")
		if !ok {
			h.t.Fatalf("line %d: want [reply NUMBER ACTOR: text]", n)
		}
		h.reply(n, arg(1), actor, text)
	case "taken":
		var by string
		err := h.db.SQL().QueryRow(`SELECT human_by FROM conversations WHERE account = ? AND chat = ?`,
			h.account, h.chat).Scan(&by)
		if err != nil {
			h.t.Fatalf("line %d: conversation of %s: %v", n, h.chat, err)
		}
		want := strings.TrimPrefix(spec, "taken ")
		if want == "-" {
			want = ""
		}
		if by != want {
			h.t.Errorf("line %d: the chat is taken by %q, want %q", n, by, want)
		}
	case "stage":
		var stage string
		if err := h.db.SQL().QueryRow(`SELECT stage FROM cases WHERE number = ?`, arg(1)).Scan(&stage); err != nil {
			h.t.Fatalf("line %d: case %s: %v", n, arg(1), err)
		}
		if stage != arg(2) {
			h.t.Errorf("line %d: %s is %s, want %s", n, arg(1), stage, arg(2))
		}
	default:
		h.t.Fatalf("line %d: unknown directive [%s]", n, spec)
	}
}

// apply plays the resident's whole application and shows the replies to its last step, or
// (without show) only the case's number and what went to the group.
func (h *handoff) apply(n int, post, show bool) {
	steps := []string{"halo", "5", "3516131204850003", "Budi Santoso", `[photo kk.jpg caption="kk"]`,
		`[photo ktp.jpg caption="ktp"]`, "tidak", "1", "ya"}
	if post {
		steps = append(steps[:7], "2", "Jl. Raya Sooko No. 12 RT 02 RW 05", "Sooko", "Sooko", "61361", "ya")
	}
	if h.account == "nik" {
		steps = []string{"nik saya tidak bisa buat registrasi kartu sim", "2", "3516131204850003",
			`[photo kk.jpg caption="kk"]`, `[photo ktp.jpg caption="ktp"]`, "ya"}
	}
	var res bot.Result
	for _, s := range steps {
		res = h.send(n, h.residentMessage(n, s))
	}
	if show {
		h.show(res)
		return
	}
	var number string
	if err := h.db.SQL().QueryRow(`SELECT number FROM cases ORDER BY id DESC LIMIT 1`).Scan(&number); err != nil {
		h.t.Fatalf("line %d: no case after applying: %v", n, err)
	}
	group := 0
	for _, r := range res.Replies {
		if r.Chat == h.acc().OperatorsGroup {
			group++
		}
	}
	h.out.WriteString(fmt.Sprintf("= %s, %d messages to the group (card and photos)\n\n", number, group))
}

// reply answers a case's resident through the case service (as the API does) and shows what it queued.
func (h *handoff) reply(n int, number, actor, text string) {
	var last int64
	if err := h.db.SQL().QueryRow(`SELECT COALESCE(MAX(id), 0) FROM outbox`).Scan(&last); err != nil {
		h.t.Fatalf("line %d: %v", n, err)
	}
	a := casework.Actor{Name: actor, Roles: []ketanmu.Role{ketanmu.RoleSupervisor}}
	if _, err := h.router.Cases().Do(context.Background(), a, number, casework.Action{Kind: casework.Reply, Text: text}); err != nil {
		h.t.Fatalf("line %d: Reply(%s): %v", n, number, err)
	}
	rows, err := h.db.SQL().Query(`SELECT account, chat, text, revoke FROM outbox WHERE id > ? ORDER BY id`, last)
	if err != nil {
		h.t.Fatalf("line %d: %v", n, err)
	}
	defer rows.Close()
	var res bot.Result
	for rows.Next() {
		var m ketanmu.Outbound
		if err := rows.Scan(&m.Account, &m.Chat, &m.Text, &m.Revoke); err != nil {
			h.t.Fatalf("line %d: %v", n, err)
		}
		res.Replies = append(res.Replies, m)
	}
	if err := rows.Err(); err != nil {
		h.t.Fatalf("line %d: %v", n, err)
	}
	h.show(res)
}

// flush sends everything queued and shows which of the chat's messages are now revoked.
func (h *handoff) flush(n int) {
	for {
		sent, err := h.outbox.SendDue(context.Background(), h.account)
		if err != nil {
			h.t.Fatalf("line %d: SendDue: %v", n, err)
		}
		if sent == 0 {
			break
		}
	}
	msgs, err := h.db.Transcript(context.Background(), h.account, h.chat)
	if err != nil {
		h.t.Fatalf("line %d: %v", n, err)
	}
	for _, m := range msgs {
		if m.Revoked {
			h.out.WriteString(fmt.Sprintf("= revoked %s %q\n", m.ID, m.Text))
		}
	}
	h.out.WriteString("\n")
}

// quote resolves quote=Q: the latest card of case Q (Q:photo its latest photo), or the message
// ID Q.
func (h *handoff) quote(n int, q string) string {
	number, photo := strings.CutSuffix(q, ":photo")
	if !regexp.MustCompile(`^[A-Z]+-\d{6}-\d{4}$`).MatchString(number) {
		return q
	}
	kind := "text"
	if photo {
		kind = "image"
	}
	var id string
	err := h.db.SQL().QueryRow(`SELECT k.wa_id FROM case_cards k JOIN cases c ON c.id = k.case_id
		JOIN messages m ON m.account = k.account AND m.wa_id = k.wa_id
		WHERE c.number = ? AND m.kind = ? ORDER BY m.id DESC LIMIT 1`, number, kind).Scan(&id)
	if err != nil {
		h.t.Fatalf("line %d: no card of %s: %v", n, q, err)
	}
	return id
}

// photoJPEG returns a document-sized JPEG whose content depends on name; each name is drawn
// once (a script with many applications would spend its time encoding the same photos).
func photoJPEG(name string) []byte {
	photoCache.Lock()
	defer photoCache.Unlock()
	if data, ok := photoCache.m[name]; ok {
		return data
	}
	data := drawJPEG(name)
	photoCache.m[name] = data
	return data
}

var photoCache = struct {
	sync.Mutex
	m map[string][]byte
}{m: map[string][]byte{}}

func drawJPEG(name string) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	seed := 0
	for _, r := range name {
		seed = seed*31 + int(r)
	}
	for y := 0; y < 600; y += 4 {
		for x := 0; x < 800; x += 4 {
			c := color.RGBA{uint8(x + seed), uint8(y + seed/7), uint8(seed), 255}
			for dy := range 4 {
				for dx := range 4 {
					img.Set(x+dx, y+dy, c)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func mustNormal(tb testing.TB, phone string) string {
	tb.Helper()
	p, err := ketanmu.NormalizePhone(phone)
	if err != nil {
		tb.Fatalf("phone %q: %v", phone, err)
	}
	return p
}

// scriptDiff compares the script with the replay line by line, ignoring blank lines and
// indentation; "" when they match.
func scriptDiff(want, got string) string {
	norm := func(s string) []string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	wl, gl := norm(want), norm(got)
	for i := 0; i < max(len(wl), len(gl)); i++ {
		if i < len(wl) && i < len(gl) && wl[i] == gl[i] {
			continue
		}
		w, g := "(end)", "(end)"
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		return fmt.Sprintf("line %d of the script:\n  script: %s\n  bot:    %s", i+1, w, g)
	}
	return ""
}

// pakPosConfig is the example config with KK/KTP-el switched to the PAK POS workflow, as an
// office would switch it: in its own config file.
func pakPosConfig(t *testing.T) *config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("services:\n  kk_ktp:\n    profile: pak_pos\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Services["kk_ktp"].Profile; got != "pak_pos" {
		t.Fatalf("kk_ktp profile = %q, want pak_pos", got)
	}
	if got := cfg.Services["kk_ktp"].Prefix; got != "KTP" {
		t.Fatalf("kk_ktp prefix = %q, want the example's KTP kept", got)
	}
	return cfg
}

// textsConfig is the example config with the texts this test file proposes for it.
func textsConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg := MustConfig(t)
	cfg.Texts["notify_done_validasi_nik"] = "✅ Data NIK Bapak/Ibu sudah *diperbarui* (permohonan *{number}*). Silakan ulangi pendaftaran atau registrasi. Jika masih ditolak, ketik *petugas*."
	cfg.Texts["op_noted"] = "📝 Catatan untuk {number} disimpan ({operator})."
	return cfg
}

// TestHandoffOperatorHasTheChat plays the first transcript: an operator types in a resident's
// chat, the bot stays silent for the resident's messages (still recorded), #selesai tells the
// resident and hands the chat back, and the bot answers again.
func TestHandoffOperatorHasTheChat(t *testing.T) {
	h := runHandoff(t, MustConfig(t), `
# NIK validation: an operator answers from the office phone, the bot keeps quiet, #selesai
# closes the case and hands the chat back.
[account nik]
[apply show]
< ✅ Permohonan *Validasi NIK* sudah kami terima.
| Nomor pendaftaran: *NIK-261125-0001*
| Petugas akan memprosesnya paling lambat *Rabu, 25 November 2026 pukul 09.30* (dihitung dalam jam kerja) dan mengabari Bapak/Ibu di chat ini setelah NIK diperbarui.
< [group] 🆕 *NIK-261125-0001* — Validasi NIK
| Batas tahap ini: Rabu, 25 November 2026 pukul 09.10
| http://127.0.0.1:8080/ops/cases/NIK-261125-0001

office> Selamat pagi Bu, saya cek datanya dulu ya
< 🔎 Permohonan *NIK-261125-0001* sedang diperiksa petugas. Kami kabari lagi setelah selesai diperiksa.

[stage NIK-261125-0001 verifying]
> baik pak

> menu

> [photo ktp-lagi.jpg caption="ini ktp saya"]

office> #selesai
< [revoke IN000011]
< ✅ Data NIK Bapak/Ibu sudah *diperbarui* (permohonan *NIK-261125-0001*). Silakan ulangi pendaftaran atau registrasi. Jika masih ditolak, ketik *petugas*.
< Percakapan dengan petugas sudah selesai. Bapak/Ibu kembali dilayani asisten otomatis; ketik *menu* untuk melihat layanan.
< 🙏 Bersedia mengisi survei kepuasan? 9 pertanyaan, sekitar 1 menit. Ketik *ya* atau *tidak*.
< [group] 👍 NIK-261125-0001 → *Selesai* (HP kantor)

[stage NIK-261125-0001 done]
[outbox]
= revoked IN000011 "#selesai"

> status
< Saat ini tidak ada permohonan atau pengaduan Bapak/Ibu yang sedang diproses. Ketik nomor pendaftaran (contoh: _status KTP-261125-0007_) atau *menu* untuk mengajukan permohonan.
`)
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM messages WHERE account = 'nik' AND chat = ? AND direction = 'in'
		AND wa_id IN ('IN000008', 'IN000009', 'IN000010')`, handoffResident); got != 3 {
		t.Errorf("%d of the 3 messages sent while the operator had the chat are recorded", got)
	}
	assertEvents(t, h, "NIK-261125-0001", "→submitted by pemohon", "submitted→verifying by HP kantor",
		"verifying→done by HP kantor")
	assertRevoked(t, h, "nik", "IN000011")
}

// TestHandoffNeedsFix plays #kurang in the group quoting a new case's card: the resident is asked for
// the KK, resends it, and the case is back in the queue with a new card showing the new photo.
func TestHandoffNeedsFix(t *testing.T) {
	h := runHandoff(t, MustConfig(t), `
# #kurang quoting the card of a case nobody has taken yet: the operator's words ask for no
# document in particular, so the resident's next photo answers them, and the case is back with
# the operator who asked, being checked.
[apply show]
< ✅ Permohonan *KK / KTP-el* sudah kami terima.
| Nomor pendaftaran: *KTP-261125-0001*
| Perkiraan selesai: *Kamis, 26 November 2026 pukul 09.00*
| Penerimaan: Ambil di kantor (Loket Pengambilan, Gedung Pelayanan lantai 1)
| 
| Simpan nomor ini. Ketik *status KTP-261125-0001* untuk melihat perkembangannya. Kami akan mengabari Bapak/Ibu di chat ini setiap ada perubahan.
< [group] 🆕 *KTP-261125-0001* — KK / KTP-el — KTP-el perubahan data
| Batas tahap ini: Rabu, 25 November 2026 pukul 11.00
| http://127.0.0.1:8080/ops/cases/KTP-261125-0001

group 081200000001 quote=KTP-261125-0001> #kurang foto KK buram, mohon foto ulang
< ⚠️ Permohonan *KTP-261125-0001* perlu perbaikan:
| _foto KK buram, mohon foto ulang_
| Silakan kirim di chat ini. Setelah kami terima, permohonan Bapak/Ibu kembali ke antrean.
< [group] 👍 KTP-261125-0001 → *Menunggu perbaikan pemohon* (Rina (front office))

[stage KTP-261125-0001 needs_fix]
> [photo kk-baru.jpg caption="kk"]
< ✅ Terima kasih, perbaikan untuk *KTP-261125-0001* sudah kami terima. Permohonan Bapak/Ibu kembali diproses petugas.
< [group] 🔁 *KTP-261125-0001* — pemohon sudah mengirim perbaikan. Kembali ke tahap: Diperiksa.
| • Catatan: kk
| http://127.0.0.1:8080/ops/cases/KTP-261125-0001

[stage KTP-261125-0001 verifying]
`)
	assertEvents(t, h, "KTP-261125-0001", "→submitted by pemohon", "submitted→verifying by Rina (front office)",
		"verifying→needs_fix by Rina (front office): foto KK buram, mohon foto ulang", "needs_fix→verifying by pemohon: kk")
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM cases WHERE assignee = ? AND fix_returned_at != ''`, "Rina (front office)"); got != 1 {
		t.Errorf("the fixed case is not Rina's, marked as back from a fix")
	}
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM case_documents`); got != 3 {
		t.Errorf("%d documents, want the 2 sent first and the new KK", got)
	}
}

// TestHandoffNeedsFixInTakenChat plays #kurang typed in a chat an operator has, quoting the resident's
// message: the bot takes the chat back to collect the photo, which would otherwise be recorded
// in silence.
func TestHandoffNeedsFixInTakenChat(t *testing.T) {
	h := runHandoff(t, MustConfig(t), `
# #kurang typed in a chat an operator has: the bot collects what is asked for.
[apply]
= KTP-261125-0001, 1 messages to the group (card and photos)

office> Selamat siang Pak, foto KK-nya terpotong
< 🔎 Permohonan *KTP-261125-0001* sedang diperiksa petugas. Kami kabari lagi setelah selesai diperiksa.

> oh iya bu

office quote=IN000011> #kurang foto KK
< [revoke IN000012]
< ⚠️ Permohonan *KTP-261125-0001* perlu perbaikan:
| _foto KK_
| Silakan kirim di chat ini. Setelah kami terima, permohonan Bapak/Ibu kembali ke antrean.
< [group] 👍 KTP-261125-0001 → *Menunggu perbaikan pemohon* (HP kantor)

[outbox]
= revoked IN000012 "#kurang foto KK"

> [photo kk-utuh.jpg caption="kk"]
< ✅ Terima kasih, perbaikan untuk *KTP-261125-0001* sudah kami terima. Permohonan Bapak/Ibu kembali diproses petugas.
< [group] 🔁 *KTP-261125-0001* — pemohon sudah mengirim perbaikan. Kembali ke tahap: Diperiksa.
| • Catatan: kk
| http://127.0.0.1:8080/ops/cases/KTP-261125-0001

[stage KTP-261125-0001 verifying]
`)
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM conversations WHERE chat = ? AND human_by = ''`, handoffResident); got != 1 {
		t.Errorf("the chat is still an operator's, want it back with the bot")
	}
	assertRevoked(t, h, account, "IN000012")
}

// TestHandoffReject checks that #tolak needs a reason, and that the resident reads it.
func TestHandoffReject(t *testing.T) {
	h := runHandoff(t, MustConfig(t), `
[apply]
= KTP-261125-0001, 1 messages to the group (card and photos)

group 081200000001> #tolak
< [group] Format: #tolak [nomor] <alasan>

group 081200000001> #tolak KTP-261125-0001
< [group] Format: #tolak [nomor] <alasan>

group 081200000001 quote=KTP-261125-0001> #tolak KK yang dikirim bukan atas nama pemohon
< ❌ Mohon maaf, permohonan *KTP-261125-0001* *dibatalkan*.
| Alasan: _KK yang dikirim bukan atas nama pemohon_
| Bapak/Ibu bisa mengajukan lagi setelah persyaratannya lengkap. Ketik *menu* untuk mulai.
< [group] 👍 KTP-261125-0001 → *Dibatalkan* (Rina (front office))

[stage KTP-261125-0001 rejected]
group 081200000001 quote=KTP-261125-0001> #tolak lagi
< [group] ⚠️ KTP-261125-0001 sudah Dibatalkan: tahapnya tidak bisa diubah lagi

> status KTP-261125-0001
< *KTP-261125-0001* — KK / KTP-el — KTP-el perubahan data
| Status: Dibatalkan
| _Riwayat:_
| • Rabu, 25 November 2026 pukul 09.00 — Diterima, menunggu diperiksa petugas
| • Rabu, 25 November 2026 pukul 09.00 — Dibatalkan (KK yang dikirim bukan atas nama pemohon)
`)
	assertEvents(t, h, "KTP-261125-0001", "→submitted by pemohon",
		"submitted→rejected by Rina (front office): KK yang dikirim bukan atas nama pemohon")
}

// TestHandoffQuoteCard checks that commands find their case by the quoted card or card photo, that a
// quote of anything else or no case at all is explained, and that another number's case is not
// found.
func TestHandoffQuoteCard(t *testing.T) {
	cfg := MustConfig(t)
	cfg.Handoff.GroupPhotos = true // quoting one of the photos acts on the case too
	h := runHandoff(t, cfg, `
[apply]
= KTP-261125-0001, 3 messages to the group (card and photos)

group 081200000001> #ambil
< [group] ⚠️ sebutkan nomor pendaftaran, atau balas (quote) kartu permohonannya

group 081200000001 quote=OUT000001> #ambil
< [group] ⚠️ pesan yang dibalas bukan kartu permohonan: balas (quote) kartunya, atau tulis nomor pendaftarannya

group 081200000001 quote=KTP-261125-0001:photo> #ambil
< 🔎 Permohonan *KTP-261125-0001* sedang diperiksa petugas. Kami kabari lagi setelah selesai diperiksa.
< [group] 👍 KTP-261125-0001 → *Diperiksa* (Rina (front office))

[stage KTP-261125-0001 verifying]
group 081200000003 quote=KTP-261125-0001> #catat Pemohon minta diambil hari Jumat
< [group] 📝 Catatan untuk KTP-261125-0001 disimpan (Dewi (produksi)).

group office quote=KTP-261125-0001> #status
< [group] *KTP-261125-0001* — KK / KTP-el — KTP-el perubahan data
| NIK 351613********03 · WA 6281******890 · Budi Santoso
| • Penerimaan: Ambil di kantor
| Batas tahap ini: Rabu, 25 November 2026 pukul 11.30
| • Rabu, 25 November 2026 pukul 09.00 Menunggu diperiksa (pemohon)
| • Rabu, 25 November 2026 pukul 09.00 Menunggu diperiksa → Diperiksa (Rina (front office))
| Tahap: *Diperiksa* · petugas: Rina (front office)

[account nik]
group 081200000001> #status KTP-261125-0001
< [group] ⚠️ nomor KTP-261125-0001 tidak ditemukan
`)
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM cases c JOIN case_notes n ON n.case_id = c.id
		WHERE c.assignee = 'Rina (front office)' AND n.actor = 'Dewi (produksi)' AND n.text = 'Pemohon minta diambil hari Jumat'`); got != 1 {
		t.Errorf("want the case assigned to Rina with Dewi's note")
	}
}

// TestHandoffUnknownMember checks that a group member who is not an operator is refused and that
// ordinary talk in the group is left alone.
func TestHandoffUnknownMember(t *testing.T) {
	h := runHandoff(t, MustConfig(t), `
[apply]
= KTP-261125-0001, 1 messages to the group (card and photos)

group 081299999999 quote=KTP-261125-0001> #ambil
< [group] ⚠️ Nomor Anda belum terdaftar sebagai petugas. Minta admin menambahkannya di konfigurasi (operators).

group 081299999999> siap, saya cek

[stage KTP-261125-0001 submitted]
`)
	assertEvents(t, h, "KTP-261125-0001", "→submitted by pemohon")
}

// TestHandoffCommandRevoked checks that a command typed in the resident's chat is deleted for everyone.
func TestHandoffCommandRevoked(t *testing.T) {
	h := runHandoff(t, MustConfig(t), `
# A command typed in the resident's chat is deleted for everyone once handled.
[apply]
= KTP-261125-0001, 1 messages to the group (card and photos)

office> #catat pemohon minta dihubungi sore
< [revoke IN000010]
< [group] 📝 Catatan untuk KTP-261125-0001 disimpan (HP kantor).

[outbox]
= revoked IN000010 "#catat pemohon minta dihubungi sore"

> ok
< *KTP-261125-0001* — KK / KTP-el — KTP-el perubahan data
| Status: Diterima, menunggu diperiksa petugas
| Antrean ke-1
| Perkiraan selesai: Kamis, 26 November 2026
| _Riwayat:_
| • Rabu, 25 November 2026 pukul 09.00 — Diterima, menunggu diperiksa petugas
| Berikutnya: petugas memeriksa permohonan Bapak/Ibu.
< Permohonan *KK / KTP-el* Bapak/Ibu di atas masih diproses. Ketik *baru* jika ingin mengajukan permohonan lain, atau *menu* untuk layanan lain.
`)
	assertRevoked(t, h, account, "IN000010")
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM case_notes WHERE actor = 'HP kantor' AND text = 'pemohon minta dihubungi sore'`); got != 1 {
		t.Errorf("%d notes by the office phone, want 1", got)
	}
}

// TestHandoffShipped checks that #kirim needs the tracking number and that the resident gets it.
func TestHandoffShipped(t *testing.T) {
	h := runHandoff(t, MustConfig(t), `
[apply post show]
< ✅ Permohonan *KK / KTP-el* sudah kami terima.
| Nomor pendaftaran: *KTP-261125-0001*
| Perkiraan selesai: *Senin, 30 November 2026 pukul 09.00*
| Penerimaan: Dikirim lewat Pos ke Jl. Raya Sooko No. 12 RT 02 RW 05, Desa Sooko, Kec. Sooko, 61361; ongkos kirim dibayar kepada kurir saat diterima (COD)
| 
| Simpan nomor ini. Ketik *status KTP-261125-0001* untuk melihat perkembangannya. Kami akan mengabari Bapak/Ibu di chat ini setiap ada perubahan.
< [group] 🆕 *KTP-261125-0001* — KK / KTP-el — KTP-el perubahan data
| Batas tahap ini: Rabu, 25 November 2026 pukul 11.00
| http://127.0.0.1:8080/ops/cases/KTP-261125-0001

group 081200000001 quote=KTP-261125-0001> #ambil
< 🔎 Permohonan *KTP-261125-0001* sedang diperiksa petugas. Kami kabari lagi setelah selesai diperiksa.
< [group] 👍 KTP-261125-0001 → *Diperiksa* (Rina (front office))

group 081200000001 quote=KTP-261125-0001> #proses
< 🖨️ Permohonan *KTP-261125-0001* sudah diverifikasi dan sedang diproses/dicetak.
< [group] 👍 KTP-261125-0001 → *Diproses / dicetak* (Rina (front office))

group 081200000001 quote=KTP-261125-0001> #kirim
< [group] Format: #kirim [nomor] <nomor resi>

group 081200000001 quote=KTP-261125-0001> #kirim RESI123
< 🚚 Dokumen permohonan *KTP-261125-0001* sudah *dikirim lewat Pos*.
| Nomor resi: *RESI123*
| Ongkos kirim: sesuai tarif Pos, dibayar kepada kurir saat dokumen diterima (COD).
< [group] 👍 KTP-261125-0001 → *Dikirim lewat Pos* (Rina (front office))

[stage KTP-261125-0001 shipped]
group 081200000001> #antrian
< [group] *Antrean* (1 permohonan, terlama di atas):
| 1. *KTP-261125-0001* Dikirim lewat Pos · 7j00m · Rina (front office)
`)
	assertEvents(t, h, "KTP-261125-0001", "→submitted by pemohon", "submitted→verifying by Rina (front office)",
		"verifying→in_production by Rina (front office)", "in_production→shipped by Rina (front office) resi RESI123")
}

// TestHandoffQueue checks that #antrian lists open cases oldest first with the working time left,
// in the group and in the office's "message yourself" chat.
func TestHandoffQueue(t *testing.T) {
	runHandoff(t, MustConfig(t), `
group 081200000001> #antrian
< [group] Antrean kosong 🎉

[apply]
= KTP-261125-0001, 1 messages to the group (card and photos)

[chat 081298765432]
[apply post]
= KTP-261125-0002, 1 messages to the group (card and photos)

[advance 3h]
group 081200000001 quote=KTP-261125-0002> #ambil
< 🔎 Permohonan *KTP-261125-0002* sedang diperiksa petugas. Kami kabari lagi setelah selesai diperiksa.
< [group] 👍 KTP-261125-0002 → *Diperiksa* (Rina (front office))

[advance 4h30m]
group 081200000001> #antrian
< [group] *Antrean* (2 permohonan, terlama di atas):
| 1. *KTP-261125-0001* Menunggu diperiksa · LEWAT 4j00m · -
| 2. *KTP-261125-0002* Diperiksa · LEWAT 30m · Rina (front office)

self> #antrean
< [self] *Antrean* (2 permohonan, terlama di atas):
| 1. *KTP-261125-0001* Menunggu diperiksa · LEWAT 4j00m · -
| 2. *KTP-261125-0002* Diperiksa · LEWAT 30m · Rina (front office)
`)
}

// TestHandoffNotAllowed checks that a move the case's profile does not allow is refused with the allowed
// ones listed.
func TestHandoffNotAllowed(t *testing.T) {
	runHandoff(t, MustConfig(t), `
[account nik]
[apply]
= NIK-261125-0001, 1 messages to the group (card and photos)

group 081200000001> #kirim NIK-261125-0001 RESI1
< [group] ⚠️ NIK-261125-0001 sedang di tahap Menunggu diperiksa, tidak bisa dipindah ke tahap Dikirim lewat Pos. Tahap berikutnya yang bisa: Diperiksa, Selesai, Dibatalkan

group 081200000001> #siap NIK-261125-0001
< [group] ⚠️ NIK-261125-0001 sedang di tahap Menunggu diperiksa, tidak bisa dipindah ke tahap Siap diambil. Tahap berikutnya yang bisa: Diperiksa, Selesai, Dibatalkan

[stage NIK-261125-0001 submitted]
`)
}

// TestHandoffRole checks that with KK/KTP-el switched to PAK POS only a validator may approve.
func TestHandoffRole(t *testing.T) {
	h := runHandoff(t, pakPosConfig(t), `
# KK/KTP-el switched to PAK POS: only a validator may approve.
[apply]
= KTP-261125-0001, 1 messages to the group (card and photos)

group 081200000001 quote=KTP-261125-0001> #ambil
< 🔎 Permohonan *KTP-261125-0001* sedang diperiksa petugas. Kami kabari lagi setelah selesai diperiksa.
< [group] 👍 KTP-261125-0001 → *Diperiksa* (Rina (front office))

group 081200000001 quote=KTP-261125-0001> #proses
< [group] ⚠️ Rina (front office) tidak punya peran validator yang diperlukan untuk tahap Disetujui validator

[stage KTP-261125-0001 verifying]
group 081200000002 quote=KTP-261125-0001> #proses
< ✅ Permohonan *KTP-261125-0001* (KK / KTP-el) sudah *disetujui validator*.
| Langkah berikutnya: kirim *berkas fisik* persyaratan lewat Kantor Pos ke:
| Dinas Kependudukan dan Pencatatan Sipil Kabupaten Mojokerto
| Jl. R.A. Basuni No. 23, Sooko, Mojokerto 61361
| Berkas: Kartu Keluarga (KK) dan KTP-el (asli, sesuai foto yang sudah dikirim).
| Tuliskan nomor *KTP-261125-0001* di sampul amplop.
| Biaya pengiriman berkas: tanpa biaya.
< [group] 👍 KTP-261125-0001 → *Disetujui validator* (Agus (validator))

[stage KTP-261125-0001 validated]
`)
	assertEvents(t, h, "KTP-261125-0001", "→submitted by pemohon", "submitted→verifying by Rina (front office)",
		"verifying→validated by Agus (validator)")
}

// TestHandoffIdleRelease checks that the bot answers again once the operator has been quiet for
// handoff.idle_release.
func TestHandoffIdleRelease(t *testing.T) {
	runHandoff(t, MustConfig(t), `
[apply]
= KTP-261125-0001, 1 messages to the group (card and photos)

office> Selamat pagi Pak Budi, ada yang bisa dibantu?
< 🔎 Permohonan *KTP-261125-0001* sedang diperiksa petugas. Kami kabari lagi setelah selesai diperiksa.

> pagi bu, kapan jadinya?

[advance 1h59m]
> bu?

[advance 1m]
> status
< *KTP-261125-0001* — KK / KTP-el — KTP-el perubahan data
| Status: Sedang diperiksa petugas
| Perkiraan selesai: Kamis, 26 November 2026
| _Riwayat:_
| • Rabu, 25 November 2026 pukul 09.00 — Diterima, menunggu diperiksa petugas
| • Rabu, 25 November 2026 pukul 09.00 — Sedang diperiksa petugas
| Berikutnya: jika lengkap, dokumen diproses.
< Ketik *status <nomor>* untuk melihat satu permohonan saja.
`)
}

// TestHandoffHandBack checks that #bot hands a chat back, and explains in the group where to type it.
func TestHandoffHandBack(t *testing.T) {
	runHandoff(t, MustConfig(t), `
group office> #bot
< [group] ⚠️ ketik #bot di chat pemohon yang ingin dikembalikan ke bot

[apply]
= KTP-261125-0001, 1 messages to the group (card and photos)

office> Selamat pagi Pak Budi
< 🔎 Permohonan *KTP-261125-0001* sedang diperiksa petugas. Kami kabari lagi setelah selesai diperiksa.

> pagi

office> #bot
< [revoke IN000013]
< Percakapan dengan petugas sudah selesai. Bapak/Ibu kembali dilayani asisten otomatis; ketik *menu* untuk melihat layanan.
< [group] 🤖 Chat 6281******890 dikembalikan ke bot.

> menu
< Silakan pilih layanan dengan mengetik *angkanya*:
| 1. KK / KTP-el
| 2. Informasi (syarat, jam layanan, alamat, biaya)
| 3. Cek status permohonan
| 
| Ketik *menu* kapan saja untuk kembali ke sini, *petugas* untuk bicara dengan petugas.

office> #bot
< [revoke IN000015]
< [group] ⚠️ Chat ini sudah dilayani bot.
`)
}

// TestHandoffRecommendedTexts shows the texts proposed for config.example.yaml: a service's own
// notification (notify_done_validasi_nik) and the answer to #catat (op_noted).
func TestHandoffRecommendedTexts(t *testing.T) {
	runHandoff(t, textsConfig(t), `
# Texts proposed for config.example.yaml: NIK validation's own "done", and an answer to #catat.
[account nik]
[apply]
= NIK-261125-0001, 1 messages to the group (card and photos)

group 081200000005 quote=NIK-261125-0001> #catat sudah dicek di SIAK
< [group] 📝 Catatan untuk NIK-261125-0001 disimpan (Sari (pengaduan)).

group 081200000005 quote=NIK-261125-0001> #selesai
< ✅ Data NIK Bapak/Ibu sudah *diperbarui* (permohonan *NIK-261125-0001*). Silakan ulangi pendaftaran atau registrasi. Jika masih ditolak, ketik *petugas*.
< 🙏 Bersedia mengisi survei kepuasan? 9 pertanyaan, sekitar 1 menit. Ketik *ya* atau *tidak*.
< [group] 👍 NIK-261125-0001 → *Selesai* (Sari (pengaduan))
`)
}

// TestHandoffOperatorPrivateChat checks that an operator listed in the config who writes a
// command to the office number from their own phone is answered in that private chat, that no
// resident (and not the group) hears of it, and that anything else they write there is a
// resident's message like any other.
func TestHandoffOperatorPrivateChat(t *testing.T) {
	const rina = "6281200000001"
	h := runHandoff(t, MustConfig(t), `
[apply]
= KTP-261125-0001, 1 messages to the group (card and photos)

# Rina (6281200000001) writes to the KK/KTP-el number from her own phone: "<" without a chat is
# her private chat; an answer to the resident would read "< [6281234567890] …", one to the
# group "< [group] …".
[chat 081200000001]
> #antrian
< *Antrean* (1 permohonan, terlama di atas):
| 1. *KTP-261125-0001* Menunggu diperiksa · 2j00m · -

> #status KTP-261125-0001
< *KTP-261125-0001* — KK / KTP-el — KTP-el perubahan data
| NIK 351613********03 · WA 6281******890 · Budi Santoso
| • Penerimaan: Ambil di kantor
| Batas tahap ini: Rabu, 25 November 2026 pukul 11.00
| • Rabu, 25 November 2026 pukul 09.00 Menunggu diperiksa (pemohon)
| Tahap: *Menunggu diperiksa* · petugas: -

# Anything else is a resident's message: Rina may apply for her own KTP-el.
> halo
< Selamat datang di *Dispendukcapil Kab. Mojokerto* 🙏
| Layanan kependudukan lewat WhatsApp, tanpa antre di kantor.
| 
| _Privasi:_ data Bapak/Ibu dipakai Dispendukcapil Kab. Mojokerto hanya untuk layanan adminduk dan dihapus 1 tahun setelah selesai.
| Ketik *privasi* untuk penjelasan lengkap dan hak Bapak/Ibu (UU 27/2022).
< Layanan *KK / KTP-el* apa yang Bapak/Ibu perlukan? Ketik angkanya:
| 1. KK baru karena menikah
| 2. Perubahan data KK
| 3. KK hilang
| 4. KK rusak
| 5. KTP-el perubahan data
| 6. KTP-el hilang
| 7. KTP-el rusak
| 8. Perekaman KTP-el (pertama kali)
| 9. Pisah KK (17 tahun ke atas atau sudah/pernah menikah)
| 10. KK baru karena bercerai
| 11. Legalisir KK

# The same command from a resident is no command: they read their own case, not the queue.
[chat 081234567890]
> #antrian
< *KTP-261125-0001* — KK / KTP-el — KTP-el perubahan data
| Status: Diterima, menunggu diperiksa petugas
| Antrean ke-1
| Perkiraan selesai: Kamis, 26 November 2026
| _Riwayat:_
| • Rabu, 25 November 2026 pukul 09.00 — Diterima, menunggu diperiksa petugas
| Berikutnya: petugas memeriksa permohonan Bapak/Ibu.
< Permohonan *KK / KTP-el* Bapak/Ibu di atas masih diproses. Ketik *baru* jika ingin mengajukan permohonan lain, atau *menu* untuk layanan lain.

[stage KTP-261125-0001 submitted]
`)
	// The outbox agrees with the replay: Rina's chat got her 2 answers and the menu, and nothing
	// went anywhere else from her first answer to her menu.
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM outbox WHERE chat = ?`, rina); got != 4 {
		t.Errorf("%d messages to Rina's chat, want her 2 answers and the 2 of the menu", got)
	}
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM outbox WHERE chat <> ?
		AND id > (SELECT MIN(id) FROM outbox WHERE chat = ?) AND id < (SELECT MAX(id) FROM outbox WHERE chat = ?)`,
		rina, rina, rina); got != 0 {
		t.Errorf("%d messages elsewhere while Rina's commands were answered, want none", got)
	}
	assertEvents(t, h, "KTP-261125-0001", "→submitted by pemohon")
}

// TestHandoffAPIReply checks that an answer sent through the cases API (Router.Reply) takes the
// chat like an operator typing on the office phone: the bot keeps quiet for the resident's next
// message (still recorded) until #bot, typed on the office phone in that chat, hands it back.
func TestHandoffAPIReply(t *testing.T) {
	h := runHandoff(t, MustConfig(t), `
[apply]
= KTP-261125-0001, 1 messages to the group (card and photos)

[reply KTP-261125-0001 Rina (web): Selamat siang Pak Budi, foto KK Anda sudah kami terima dan sedang kami cek.]
< Selamat siang Pak Budi, foto KK Anda sudah kami terima dan sedang kami cek.
< 🔎 Permohonan *KTP-261125-0001* sedang diperiksa petugas. Kami kabari lagi setelah selesai diperiksa.

[stage KTP-261125-0001 verifying]
[taken Rina (web)]
> terima kasih bu, kira-kira kapan jadinya?

office> #bot
< [revoke IN000011]
< Percakapan dengan petugas sudah selesai. Bapak/Ibu kembali dilayani asisten otomatis; ketik *menu* untuk melihat layanan.
< [group] 🤖 Chat 6281******890 dikembalikan ke bot.

[outbox]
= revoked IN000011 "#bot"

[taken -]
> status
< *KTP-261125-0001* — KK / KTP-el — KTP-el perubahan data
| Status: Sedang diperiksa petugas
| Perkiraan selesai: Kamis, 26 November 2026
| _Riwayat:_
| • Rabu, 25 November 2026 pukul 09.00 — Diterima, menunggu diperiksa petugas
| • Rabu, 25 November 2026 pukul 09.00 — Sedang diperiksa petugas
| Berikutnya: jika lengkap, dokumen diproses.
< Ketik *status <nomor>* untuk melihat satu permohonan saja.
`)
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM messages WHERE account = ? AND chat = ? AND direction = 'in'
		AND wa_id = 'IN000010' AND text = 'terima kasih bu, kira-kira kapan jadinya?'`, account, handoffResident); got != 1 {
		t.Errorf("the message sent while the chat was taken is not recorded")
	}
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM case_notes WHERE actor = 'Rina (web)'
		AND text = 'Balasan ke pemohon: Selamat siang Pak Budi, foto KK Anda sudah kami terima dan sedang kami cek.'`); got != 1 {
		t.Errorf("%d notes of the API's reply, want 1", got)
	}
	assertRevoked(t, h, account, "IN000011")
}

// TestHandoffQueueLong checks that #antrian lists at most 30 cases, oldest first, and counts the
// others.
func TestHandoffQueueLong(t *testing.T) {
	// 35 residents apply, one after the other: KTP-261125-0001 … KTP-261125-0035.
	var applications strings.Builder
	for i := 1; i <= 35; i++ {
		fmt.Fprintf(&applications, "[chat 0812980000%02d]\n[apply]\n= KTP-261125-%04d, 1 messages to the group (card and photos)\n\n", i, i)
	}
	runHandoff(t, MustConfig(t), applications.String()+`
group 081200000001> #antrian
< [group] *Antrean* (35 permohonan, terlama di atas):
| 1. *KTP-261125-0001* Menunggu diperiksa · 2j00m · -
| 2. *KTP-261125-0002* Menunggu diperiksa · 2j00m · -
| 3. *KTP-261125-0003* Menunggu diperiksa · 2j00m · -
| 4. *KTP-261125-0004* Menunggu diperiksa · 2j00m · -
| 5. *KTP-261125-0005* Menunggu diperiksa · 2j00m · -
| 6. *KTP-261125-0006* Menunggu diperiksa · 2j00m · -
| 7. *KTP-261125-0007* Menunggu diperiksa · 2j00m · -
| 8. *KTP-261125-0008* Menunggu diperiksa · 2j00m · -
| 9. *KTP-261125-0009* Menunggu diperiksa · 2j00m · -
| 10. *KTP-261125-0010* Menunggu diperiksa · 2j00m · -
| 11. *KTP-261125-0011* Menunggu diperiksa · 2j00m · -
| 12. *KTP-261125-0012* Menunggu diperiksa · 2j00m · -
| 13. *KTP-261125-0013* Menunggu diperiksa · 2j00m · -
| 14. *KTP-261125-0014* Menunggu diperiksa · 2j00m · -
| 15. *KTP-261125-0015* Menunggu diperiksa · 2j00m · -
| 16. *KTP-261125-0016* Menunggu diperiksa · 2j00m · -
| 17. *KTP-261125-0017* Menunggu diperiksa · 2j00m · -
| 18. *KTP-261125-0018* Menunggu diperiksa · 2j00m · -
| 19. *KTP-261125-0019* Menunggu diperiksa · 2j00m · -
| 20. *KTP-261125-0020* Menunggu diperiksa · 2j00m · -
| 21. *KTP-261125-0021* Menunggu diperiksa · 2j00m · -
| 22. *KTP-261125-0022* Menunggu diperiksa · 2j00m · -
| 23. *KTP-261125-0023* Menunggu diperiksa · 2j00m · -
| 24. *KTP-261125-0024* Menunggu diperiksa · 2j00m · -
| 25. *KTP-261125-0025* Menunggu diperiksa · 2j00m · -
| 26. *KTP-261125-0026* Menunggu diperiksa · 2j00m · -
| 27. *KTP-261125-0027* Menunggu diperiksa · 2j00m · -
| 28. *KTP-261125-0028* Menunggu diperiksa · 2j00m · -
| 29. *KTP-261125-0029* Menunggu diperiksa · 2j00m · -
| 30. *KTP-261125-0030* Menunggu diperiksa · 2j00m · -
| …dan 5 permohonan lainnya.
`)
}

// assertEvents compares a case's history with want ("from→to by actor: reason resi tracking").
func assertEvents(t *testing.T, h *handoff, number string, want ...string) {
	t.Helper()
	rows, err := h.db.SQL().Query(`SELECT e.from_stage, e.to_stage, e.actor, e.reason, e.tracking FROM case_events e
		JOIN cases c ON c.id = e.case_id WHERE c.number = ? ORDER BY e.id`, number)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var from, to, actor, reason, tracking string
		if err := rows.Scan(&from, &to, &actor, &reason, &tracking); err != nil {
			t.Fatal(err)
		}
		ev := from + "→" + to + " by " + actor
		if reason != "" {
			ev += ": " + reason
		}
		if tracking != "" {
			ev += " resi " + tracking
		}
		got = append(got, ev)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s history:\n%s\nwant:\n%s", number, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// assertRevoked checks that the message id was queued for deletion in the resident's chat, sent,
// and is marked revoked in the chat's transcript.
func assertRevoked(t *testing.T, h *handoff, account, id string) {
	t.Helper()
	var status string
	err := h.db.SQL().QueryRow(`SELECT status FROM outbox WHERE account = ? AND chat = ? AND revoke = ?`,
		account, handoffResident, id).Scan(&status)
	if err != nil {
		t.Fatalf("no revoke of %s in the outbox: %v", id, err)
	}
	if status != "sent" {
		t.Errorf("revoke of %s is %s, want sent", id, status)
	}
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM messages WHERE wa_id = ? AND revoked = 1`, id); got != 1 {
		t.Errorf("%s is not marked revoked in the transcript", id)
	}
}

// TestHandoffFixDroppedWhenMovedOn: a case asked to be fixed and then rejected no longer waits
// for the resident's photos: their next photo is an ordinary message, not an error.
func TestHandoffFixDroppedWhenMovedOn(t *testing.T) {
	h := runHandoff(t, MustConfig(t), `
[apply]
= KTP-261125-0001, 1 messages to the group (card and photos)

group 081200000001 quote=KTP-261125-0001> #kurang foto KK buram
< ⚠️ Permohonan *KTP-261125-0001* perlu perbaikan:
| _foto KK buram_
| Silakan kirim di chat ini. Setelah kami terima, permohonan Bapak/Ibu kembali ke antrean.
< [group] 👍 KTP-261125-0001 → *Menunggu perbaikan pemohon* (Rina (front office))

group 081200000001 quote=KTP-261125-0001> #tolak data tidak sesuai
< ❌ Mohon maaf, permohonan *KTP-261125-0001* *dibatalkan*.
| Alasan: _data tidak sesuai_
| Bapak/Ibu bisa mengajukan lagi setelah persyaratannya lengkap. Ketik *menu* untuk mulai.
< [group] 👍 KTP-261125-0001 → *Dibatalkan* (Rina (front office))

[stage KTP-261125-0001 rejected]
> [photo kk-baru.jpg caption="kk"]
< Maaf, saat ini kami belum memerlukan foto atau file.
< Silakan pilih layanan dengan mengetik *angkanya*:
| 1. KK / KTP-el
| 2. Informasi (syarat, jam layanan, alamat, biaya)
| 3. Cek status permohonan
| 
| Ketik *menu* kapan saja untuk kembali ke sini, *petugas* untuk bicara dengan petugas.
`)
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM case_documents`); got != 2 {
		t.Errorf("%d documents, want the 2 of the application only", got)
	}
}

// TestHandoffFixWhileOperatorHasChat: the operator asks for a photo, then writes in the chat
// from the office phone; the resident's photo still reaches the case, and only the operator
// talks to the resident.
func TestHandoffFixWhileOperatorHasChat(t *testing.T) {
	h := runHandoff(t, MustConfig(t), `
[apply]
= KTP-261125-0001, 1 messages to the group (card and photos)

group 081200000001 quote=KTP-261125-0001> #kurang foto KK buram
< ⚠️ Permohonan *KTP-261125-0001* perlu perbaikan:
| _foto KK buram_
| Silakan kirim di chat ini. Setelah kami terima, permohonan Bapak/Ibu kembali ke antrean.
< [group] 👍 KTP-261125-0001 → *Menunggu perbaikan pemohon* (Rina (front office))

office> Bu, mohon kirim ulang foto KK yang lebih terang ya

[taken HP kantor]
> [photo kk-baru.jpg caption="kk"]
< [group] 🔁 *KTP-261125-0001* — pemohon sudah mengirim perbaikan. Kembali ke tahap: Diperiksa.
| • Catatan: kk
| http://127.0.0.1:8080/ops/cases/KTP-261125-0001

[stage KTP-261125-0001 verifying]
`)
	if got := MustCount(t, h.db, `SELECT COUNT(*) FROM case_documents`); got != 3 {
		t.Errorf("%d documents, want the new KK attached", got)
	}
}

// wonogiriConfig is docs/examples/wonogiri.yaml over the example: KK/KTP-el on PAK POS, with
// Wonogiri's fees.
func wonogiriConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Load(filepath.Join("..", "docs", "examples", "wonogiri.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	Unpaced(cfg)
	return cfg
}

// TestHandoffPakPos plays PAK POS from the seed's step d to m with the roles it names: the
// front office checks, the validator approves (the resident is told where and how to post the
// files), the counter receives them, production checks the draft and sends it back for a fix,
// the resident answers and the case returns to production, the validator verifies the TTE
// request, the head of office signs, production prints, and the counter ships it COD.
func TestHandoffPakPos(t *testing.T) {
	h := runHandoff(t, wonogiriConfig(t), `
# A Wonogiri resident applies for a damaged KK (signed electronically), to be posted.
> halo
< Selamat datang di *Disdukcapil Kab. Wonogiri* 🙏
| Layanan kependudukan lewat WhatsApp, tanpa antre di kantor.
| 
| _Privasi:_ data Bapak/Ibu dipakai Disdukcapil Kab. Wonogiri hanya untuk layanan adminduk dan dihapus 1 tahun setelah selesai.
| Ketik *privasi* untuk penjelasan lengkap dan hak Bapak/Ibu (UU 27/2022).
< Layanan *KK / KTP-el* apa yang Bapak/Ibu perlukan? Ketik angkanya:
| 1. KK baru karena menikah
| 2. Perubahan data KK
| 3. KK hilang
| 4. KK rusak
| 5. KTP-el perubahan data
| 6. KTP-el hilang
| 7. KTP-el rusak
| 8. Perekaman KTP-el (pertama kali)
| 9. Pisah KK (17 tahun ke atas atau sudah/pernah menikah)
| 10. KK baru karena bercerai
| 11. Legalisir KK

> 4
< *Persyaratan KK rusak* (foto dokumen *asli*):
| 1. Kartu Keluarga (KK)
| 2. KTP-el
< Silakan kirim *NIK* pemohon (16 angka, ada di KTP-el atau KK).

> 3312011204850003
< Siapa *nama lengkap* pemohon, sesuai KK?

> Budi Santoso
< *Dokumen yang perlu difoto* (dokumen asli, terlihat jelas, tidak terpotong; boleh beberapa foto sekaligus, tulis nama dokumen di keterangan foto):
| ⬜ 1. Kartu Keluarga (KK)
| ⬜ 2. KTP-el
| 
| Silakan kirim foto *Kartu Keluarga (KK)*.
| _Tidak punya salah satu dokumen? Ketik *tidak punya*._

> [photo kk.jpg caption="kk"]
< ✅ *Kartu Keluarga (KK)* sudah kami terima (1 dari 2).
< Silakan kirim foto *KTP-el*.

> [photo ktp.jpg caption="ktp"]
< ✅ Semua dokumen sudah lengkap. Terima kasih!
< Ada *catatan* untuk petugas? Tulis catatannya, atau ketik *tidak*.

> tidak
< Dokumen yang sudah jadi mau diterima dengan cara apa?
| 1. Ambil sendiri di kantor
| 2. Dikirim lewat Pos ke alamat Bapak/Ibu
| 3. *PDF lewat WhatsApp*, dicetak sendiri di kertas HVS A4 80 gram
| 
| _Dokumen ini ditandatangani secara elektronik (TTE): hasil cetak PDF sama sahnya dengan yang dicetak di kantor, dan keasliannya bisa dicek siapa pun dengan memindai kode QR di dokumen._
| _Pelayanan dokumen GRATIS. Jika dikirim lewat Pos, ongkos kirim Rp10.000 dibayar kepada kurir saat dokumen diterima (COD)._

> 2
< Tulis *alamat pengiriman* lengkap: jalan, nomor rumah, RT/RW.

> Jl. Pemuda No. 5 RT 01 RW 02
< Nama *kecamatan*? (di Kabupaten Wonogiri)

> Wonogiri
< Nama *desa/kelurahan* di Kecamatan Wonogiri?

> Giripurwo
< *Kode pos* alamat tersebut? (5 angka; ketik *tidak tahu* bila belum tahu)

> 57612
< *Mohon periksa data permohonan Bapak/Ibu:*
| • Layanan: KK / KTP-el
| • Jenis: KK rusak
| • NIK: 3312011204850003
| • Nama: Budi Santoso
| • Dokumen: Kartu Keluarga (KK), KTP-el
| • Penerimaan: Dikirim lewat Pos ke Jl. Pemuda No. 5 RT 01 RW 02, Kelurahan Giripurwo, Kec. Wonogiri, 57612; ongkos kirim dibayar kepada kurir saat diterima (COD)
| 
| Ketik *ya* jika sudah benar, *ubah* untuk mengubah, atau *batal* untuk membatalkan.

> ya
< ✅ Permohonan *KK / KTP-el* sudah kami terima.
| Nomor pendaftaran: *KTP-261125-0001*
| Perkiraan selesai: *Selasa, 8 Desember 2026 pukul 09.00*
| Penerimaan: Dikirim lewat Pos ke Jl. Pemuda No. 5 RT 01 RW 02, Kelurahan Giripurwo, Kec. Wonogiri, 57612; ongkos kirim dibayar kepada kurir saat diterima (COD)
| 
| Simpan nomor ini. Ketik *status KTP-261125-0001* untuk melihat perkembangannya. Kami akan mengabari Bapak/Ibu di chat ini setiap ada perubahan.
| 
| 📮 *Berkas asli dikirim lewat Pos.* Setelah permohonan disetujui (kami kabari di chat ini), kirim berkas asli (Kartu Keluarga (KK) dan KTP-el) lewat Kantor Pos ke:
| Dinas Kependudukan dan Pencatatan Sipil Kabupaten Wonogiri
| Dinas Kependudukan dan Pencatatan Sipil Kab. Wonogiri, Wonogiri, Jawa Tengah
| Di sampul amplop tulis: *KTP-261125-0001* dan nama pemohon. Perkiraan selesai di atas sudah memperhitungkan 3 hari kerja pengiriman berkas; bila berkas datang lebih cepat atau lebih lambat, tanggalnya ikut bergeser.
< [group] 🆕 *KTP-261125-0001* — KK / KTP-el — KK rusak
| Batas tahap ini: Rabu, 25 November 2026 pukul 11.00
| http://127.0.0.1:8080/ops/cases/KTP-261125-0001

group 081200000001 quote=KTP-261125-0001> #ambil
< 🔎 Permohonan *KTP-261125-0001* sedang diperiksa petugas. Kami kabari lagi setelah selesai diperiksa.
< [group] 👍 KTP-261125-0001 → *Diperiksa* (Rina (front office))

group 081200000001 quote=KTP-261125-0001> #proses
< [group] ⚠️ Rina (front office) tidak punya peran validator yang diperlukan untuk tahap Disetujui validator

group 081200000002 quote=KTP-261125-0001> #proses
< ✅ Permohonan *KTP-261125-0001* (KK / KTP-el) sudah *disetujui validator*.
| Langkah berikutnya: kirim *berkas fisik* persyaratan lewat Kantor Pos ke:
| Dinas Kependudukan dan Pencatatan Sipil Kabupaten Wonogiri
| Dinas Kependudukan dan Pencatatan Sipil Kab. Wonogiri, Wonogiri, Jawa Tengah
| Berkas: Kartu Keluarga (KK) dan KTP-el (asli, sesuai foto yang sudah dikirim).
| Tuliskan nomor *KTP-261125-0001* di sampul amplop.
| Biaya pengiriman berkas: Rp10.000, dibayar di Kantor Pos saat mengirim berkas.
< [group] 👍 KTP-261125-0001 → *Disetujui validator* (Agus (validator))

[stage KTP-261125-0001 validated]
[advance 48h]
group 081200000001 quote=KTP-261125-0001> #proses
< 📥 Berkas fisik permohonan *KTP-261125-0001* sudah kami *terima dan periksa*. Berikutnya: bagian produksi memeriksa draf dokumen.
< [group] 👍 KTP-261125-0001 → *Berkas fisik diterima* (Rina (front office))

group 081200000001 quote=KTP-261125-0001> #proses
< [group] ⚠️ Rina (front office) tidak punya peran produksi yang diperlukan untuk tahap Diproses / dicetak

group 081200000003 quote=KTP-261125-0001> #proses
< 🖨️ Bagian produksi sedang memeriksa *draf dokumen* permohonan *KTP-261125-0001* sebelum diajukan untuk tanda tangan elektronik.
< [group] 👍 KTP-261125-0001 → *Diproses / dicetak* (Dewi (produksi))

group 081200000003 quote=KTP-261125-0001> #kurang Ejaan nama ibu kandung pada draf perlu dipastikan. Mohon tulis nama lengkap ibu kandung.
< ⚠️ Permohonan *KTP-261125-0001* perlu perbaikan:
| _Ejaan nama ibu kandung pada draf perlu dipastikan. Mohon tulis nama lengkap ibu kandung._
| Silakan kirim di chat ini. Setelah kami terima, permohonan Bapak/Ibu kembali ke antrean.
< [group] 👍 KTP-261125-0001 → *Menunggu perbaikan pemohon* (Dewi (produksi))

[stage KTP-261125-0001 needs_fix]
> Siti Aminah
< ✅ Terima kasih, perbaikan untuk *KTP-261125-0001* sudah kami terima. Permohonan Bapak/Ibu kembali diproses petugas.
< [group] 🔁 *KTP-261125-0001* — pemohon sudah mengirim perbaikan. Kembali ke tahap: Diproses / dicetak.
| • Catatan: Siti Aminah
| http://127.0.0.1:8080/ops/cases/KTP-261125-0001

[stage KTP-261125-0001 in_production]
group 081200000003 quote=KTP-261125-0001> #proses
< ✍️ Dokumen permohonan *KTP-261125-0001* sudah diajukan untuk tanda tangan elektronik (TTE). Dokumen menunggu TTE Kepala Dinas.
< [group] 👍 KTP-261125-0001 → *Menunggu TTE Kepala Dinas* (Dewi (produksi))

> status KTP-261125-0001
< *KTP-261125-0001* — KK / KTP-el — KK rusak
| Status: Menunggu tanda tangan elektronik
| Perkiraan selesai: Senin, 7 Desember 2026
| _Riwayat:_
| • Rabu, 25 November 2026 pukul 09.00 — Diterima, menunggu diperiksa petugas
| • Rabu, 25 November 2026 pukul 09.00 — Sedang diperiksa petugas
| • Rabu, 25 November 2026 pukul 09.00 — Disetujui validator
| • Jumat, 27 November 2026 pukul 09.00 — Berkas fisik sudah diterima
| • Jumat, 27 November 2026 pukul 09.00 — Sedang diproses / dicetak
| • Jumat, 27 November 2026 pukul 09.00 — Perlu perbaikan dari Bapak/Ibu (Ejaan nama ibu kandung pada draf perlu dipastikan. Mohon tulis nama lengkap ibu kandung.)
| • Jumat, 27 November 2026 pukul 09.00 — Sedang diproses / dicetak (Siti Aminah)
| • Jumat, 27 November 2026 pukul 09.00 — Menunggu tanda tangan elektronik
| Berikutnya: tanda tangan elektronik Kepala Dinas, lalu dokumen dicetak.

group 081200000003 quote=KTP-261125-0001> #proses
< [group] ⚠️ Dewi (produksi) tidak punya peran kepala yang diperlukan untuk tahap Sudah TTE, menunggu cetak

group 081200000004 quote=KTP-261125-0001> #proses
< ✍️ Dokumen permohonan *KTP-261125-0001* sudah *ditandatangani secara elektronik* oleh Kepala Dinas. Berikutnya: dokumen dicetak.
< [group] 👍 KTP-261125-0001 → *Sudah TTE, menunggu cetak* (Bu Kadis)

group 081200000001 quote=KTP-261125-0001> #proses
< [group] ⚠️ Rina (front office) tidak punya peran produksi yang diperlukan untuk tahap Sudah dicetak

group 081200000003 quote=KTP-261125-0001> #proses
< 🖨️ Dokumen permohonan *KTP-261125-0001* *sudah dicetak*. Kabar pengambilan atau pengiriman menyusul di chat ini.
< [group] 👍 KTP-261125-0001 → *Sudah dicetak* (Dewi (produksi))

group 081200000001 quote=KTP-261125-0001> #kirim RESI777
< 🚚 Dokumen permohonan *KTP-261125-0001* sudah *dikirim lewat Pos*.
| Nomor resi: *RESI777*
| Ongkos kirim: Rp10.000, dibayar kepada kurir Pos saat dokumen diterima (COD).
< [group] 👍 KTP-261125-0001 → *Dikirim lewat Pos* (Rina (front office))

[stage KTP-261125-0001 shipped]
`)
	assertEvents(t, h, "KTP-261125-0001", "→submitted by pemohon", "submitted→verifying by Rina (front office)",
		"verifying→validated by Agus (validator)", "validated→files_received by Rina (front office)",
		"files_received→in_production by Dewi (produksi)",
		"in_production→needs_fix by Dewi (produksi): Ejaan nama ibu kandung pada draf perlu dipastikan. Mohon tulis nama lengkap ibu kandung.",
		"needs_fix→in_production by pemohon: Siti Aminah", "in_production→signing by Dewi (produksi)",
		"signing→signed by Bu Kadis", "signed→printed by Dewi (produksi)", "printed→shipped by Rina (front office) resi RESI777")
}
