package whatsapp

import (
	"context"
	"testing"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

func TestConvert(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.tr.container.LIDMap.PutLIDMapping(ctx, residentLID, residentPN); err != nil {
		t.Fatal(err)
	}
	strangerLID := types.NewJID("204000000000099", types.HiddenUserServer)
	pdf := uint64(54321)
	big := uint64(e.cfg.Storage.MaxMediaBytes + 1)
	quoted := "3EB0QUOTED0000000001"
	base := ketanmu.Inbound{Account: accKey, ID: "M1", At: epoch, Chat: resident, Address: resident + "@s.whatsapp.net", LID: resLID + "@lid"}
	with := func(f func(*ketanmu.Inbound)) ketanmu.Inbound {
		in := base
		f(&in)
		return in
	}
	group := types.NewJID("120363000000000101", types.GroupServer)
	otherGroup := types.NewJID("120363999999999999", types.GroupServer)
	member := types.NewADJID("6285700000001", 0, 2)

	tests := []struct {
		name      string
		ev        *events.Message
		want      ketanmu.Inbound
		skip      skip
		wantMedia bool
	}{
		{name: "plain text", ev: dm("M1", residentPN, types.EmptyJID, text("halo")),
			want: with(func(in *ketanmu.Inbound) { in.Kind, in.Text = ketanmu.KindText, "halo" })},
		{name: "extended text quoting a message",
			ev: dm("M1", residentPN, residentLID, &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
				Text: ptr("yang ini"), ContextInfo: &waE2E.ContextInfo{StanzaID: &quoted, Participant: ptr(ownPN.String())}}}),
			want: with(func(in *ketanmu.Inbound) { in.Kind, in.Text, in.Quote = ketanmu.KindText, "yang ini", quoted })},
		{name: "image with caption", ev: dm("M1", residentPN, types.EmptyJID, imageMsg("KK saya", make([]byte, 2048), "/v/kk")),
			wantMedia: true,
			want: with(func(in *ketanmu.Inbound) {
				in.Kind, in.Text = ketanmu.KindImage, "KK saya"
				in.Media = &ketanmu.Media{Mime: "image/jpeg", Filename: "foto-m1.jpg", Size: 2048}
			})},
		{name: "PDF document", wantMedia: true,
			ev: dm("M1", residentPN, types.EmptyJID, &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
				Mimetype: ptr("application/pdf"), FileName: ptr("akta.pdf"), Caption: ptr("akta lahir"), FileLength: &pdf,
				DirectPath: ptr("/v/akta"), MediaKey: make([]byte, 32)}}),
			want: with(func(in *ketanmu.Inbound) {
				in.Kind, in.Text = ketanmu.KindDocument, "akta lahir"
				in.Media = &ketanmu.Media{Mime: "application/pdf", Filename: "akta.pdf", Size: 54321}
			})},
		{name: "image over the size limit is not downloaded",
			ev: dm("M1", residentPN, types.EmptyJID, &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
				Caption: ptr("besar"), Mimetype: ptr("image/jpeg"), FileLength: &big}}),
			want: with(func(in *ketanmu.Inbound) { in.Kind, in.Unsupported = ketanmu.KindUnsupported, bot.UnsupportedTooLarge })},
		{name: "other document", ev: dm("M1", residentPN, types.EmptyJID, &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
			Mimetype: ptr("application/msword"), FileName: ptr("surat.doc"), Caption: ptr("surat")}}),
			want: with(func(in *ketanmu.Inbound) { in.Kind, in.Unsupported = ketanmu.KindUnsupported, "file" })},
		{name: "sticker", ev: dm("M1", residentPN, types.EmptyJID, &waE2E.Message{StickerMessage: &waE2E.StickerMessage{}}),
			want: with(func(in *ketanmu.Inbound) { in.Kind, in.Unsupported = ketanmu.KindUnsupported, "sticker" })},
		{name: "voice note", ev: dm("M1", residentPN, types.EmptyJID, &waE2E.Message{AudioMessage: &waE2E.AudioMessage{PTT: ptr(true)}}),
			want: with(func(in *ketanmu.Inbound) { in.Kind, in.Unsupported = ketanmu.KindUnsupported, "voice" })},
		{name: "location", ev: dm("M1", residentPN, types.EmptyJID, &waE2E.Message{LocationMessage: &waE2E.LocationMessage{}}),
			want: with(func(in *ketanmu.Inbound) { in.Kind, in.Unsupported = ketanmu.KindUnsupported, "location" })},
		{name: "reaction", ev: dm("M1", residentPN, types.EmptyJID, &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: ptr("👍")}}),
			want: with(func(in *ketanmu.Inbound) { in.Kind, in.Unsupported = ketanmu.KindUnsupported, "reaction" })},
		{name: "typed on the office phone in a resident's chat",
			ev: fromPhone("M1", residentPN, residentLID, text("Baik Bu, kami cek dulu")),
			want: with(func(in *ketanmu.Inbound) {
				in.Kind, in.Text, in.FromMe = ketanmu.KindText, "Baik Bu, kami cek dulu", true
			})},
		{name: "message yourself", ev: fromPhone("M1", ownPN, types.EmptyJID, text("/status")),
			want: ketanmu.Inbound{Account: accKey, ID: "M1", At: epoch, Chat: accPhone, Address: ownPN.String(),
				FromMe: true, Kind: ketanmu.KindText, Text: "/status"}},
		{name: "message yourself by LID", ev: fromPhone("M1", ownLID, types.EmptyJID, text("/status")),
			want: ketanmu.Inbound{Account: accKey, ID: "M1", At: epoch, Chat: accPhone, Address: ownLID.String(),
				FromMe: true, Kind: ketanmu.KindText, Text: "/status"}},
		{name: "operators' group member", ev: groupMsg("M1", group, member, text("saya ambil")),
			want: ketanmu.Inbound{Account: accKey, ID: "M1", At: epoch, Chat: opsGroup, Address: opsGroup,
				Sender: "6285700000001", Kind: ketanmu.KindText, Text: "saya ambil"}},
		{name: "another group", ev: groupMsg("M1", otherGroup, member, text("halo")), skip: skipGroup},
		{name: "status broadcast", ev: dmChat("M1", types.StatusBroadcastJID, residentPN, text("story")), skip: skipStatus},
		{name: "newsletter", ev: dmChat("M1", types.NewJID("1203630000", types.NewsletterServer), types.NewJID("1203630000", types.NewsletterServer), text("news")), skip: skipNewsletter},
		{name: "edit", ev: dm("M1", residentPN, types.EmptyJID, &waE2E.Message{EditedMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{
			ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(), Key: &waCommon.MessageKey{ID: ptr("M0")},
				EditedMessage: text("halo juga")}}}}), skip: skipEdit},
		{name: "revoke", ev: dm("M1", residentPN, types.EmptyJID, &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: &waCommon.MessageKey{ID: ptr("M0")}}}), skip: skipRevoke},
		{name: "key material only", ev: dm("M1", residentPN, types.EmptyJID, &waE2E.Message{
			SenderKeyDistributionMessage: &waE2E.SenderKeyDistributionMessage{}}), skip: skipEmpty},
		{name: "resident as @lid with SenderAlt", ev: dm("M1", residentLID, residentPN, text("halo")),
			want: with(func(in *ketanmu.Inbound) {
				in.Kind, in.Text, in.Address = ketanmu.KindText, "halo", residentLID.String()
			})},
		{name: "resident as @lid resolved through the LID store", ev: dm("M1", residentLID, types.EmptyJID, text("halo")),
			want: with(func(in *ketanmu.Inbound) {
				in.Kind, in.Text, in.Address = ketanmu.KindText, "halo", residentLID.String()
			})},
		{name: "unknown @lid is served by its LID", ev: dm("M1", strangerLID, types.EmptyJID, text("halo")),
			want: ketanmu.Inbound{Account: accKey, ID: "M1", At: epoch, Chat: strangerLID.String(), LID: strangerLID.String(),
				Address: strangerLID.String(), Kind: ketanmu.KindText, Text: "halo"}},
	}
	ci := convertInput{Account: e.acc.cfg, Self: e.acc.self(), LIDs: e.acc.lids()}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why, err := convertAndTake(ctx, e, ci, tt.ev)
			if err != nil {
				t.Fatalf("convert: %v", err)
			}
			if why != tt.skip {
				t.Fatalf("skip = %q, want %q", why, tt.skip)
			}
			if tt.skip != "" {
				return
			}
			wantInbound(t, got.in, tt.want)
			if (got.media != nil) != tt.wantMedia {
				t.Errorf("media to download = %v, want %v", got.media != nil, tt.wantMedia)
			}
		})
	}
}

// convertAndTake runs a message through convert and the intake, as handleMessage does.
func convertAndTake(ctx context.Context, e *env, ci convertInput, ev *events.Message) (converted, skip, error) {
	r, ref, why, err := convert(ctx, ci, ev)
	if err != nil || why != "" {
		return converted{}, why, err
	}
	in, s, err := e.tr.intake.Take(ctx, r)
	if err != nil || s != "" {
		return converted{}, skip(s), err
	}
	c := converted{in: in}
	if in.Media != nil {
		c.media = ref
	}
	return c, "", nil
}

func groupMsg(id string, group, sender types.JID, m *waE2E.Message) *events.Message {
	ev := &events.Message{RawMessage: m, Info: types.MessageInfo{ID: id, Timestamp: epoch,
		MessageSource: types.MessageSource{Chat: group, Sender: sender, IsGroup: true}}}
	return ev.UnwrapRaw()
}

func dmChat(id string, chat, sender types.JID, m *waE2E.Message) *events.Message {
	ev := &events.Message{RawMessage: m, Info: types.MessageInfo{ID: id, Timestamp: epoch,
		MessageSource: types.MessageSource{Chat: chat, Sender: sender}}}
	return ev.UnwrapRaw()
}

// The same person writing as a phone number, as @lid with the number alongside, and as a bare
// @lid that the LID store knows, is one resident in one chat.
func TestOneResidentWhateverTheAddress(t *testing.T) {
	e := newEnv(t)
	if err := e.tr.container.LIDMap.PutLIDMapping(context.Background(), residentLID, residentPN); err != nil {
		t.Fatal(err)
	}
	events := []*events.Message{
		dm("A1", residentPN, types.EmptyJID, text("halo")),
		dm("A2", residentLID, residentPN, text("menu")),
		dm("A3", residentLID, types.EmptyJID, text("1")),
	}
	for _, ev := range events {
		if !e.acc.handleMessage(ev) {
			t.Fatalf("message %s not acknowledged", ev.Info.ID)
		}
	}
	if n := e.count(t, `SELECT COUNT(*) FROM residents`); n != 1 {
		t.Errorf("residents = %d, want 1", n)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages WHERE direction = 'in' AND chat = ?`, resident); n != 3 {
		t.Errorf("inbound messages in chat %s = %d, want 3", resident, n)
	}
	var phone, lid string
	if err := e.db.SQL().QueryRow(`SELECT IFNULL(phone, ''), IFNULL(lid, '') FROM residents WHERE id = ?`, e.residentOf(t, resident)).Scan(&phone, &lid); err != nil {
		t.Fatal(err)
	}
	if phone != resident || lid != residentLID.String() {
		t.Errorf("resident = %s / %s, want %s / %s", phone, lid, resident, residentLID)
	}
	// Replies go back to the chat as WhatsApp addressed it last.
	var address string
	if err := e.db.SQL().QueryRow(`SELECT address FROM conversations WHERE account = ? AND chat = ?`, accKey, resident).Scan(&address); err != nil {
		t.Fatal(err)
	}
	if address != residentLID.String() {
		t.Errorf("conversation address = %q, want %q", address, residentLID)
	}
}
