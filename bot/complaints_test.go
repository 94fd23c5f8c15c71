package bot_test

import (
	"strings"
	"testing"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// fileComplaint plays a resident filing a complaint on account and returns its ticket number.
func fileComplaint(t *testing.T, r *bot.Router, account, chat string) string {
	t.Helper()
	number := ""
	for i, s := range []string{"halo", "pengaduan", "2", "Petugas loket meminta uang tambahan.", "tidak"} {
		in := ketanmu.Inbound{Account: account, ID: chat + "-" + string(rune('a'+i)), Chat: chat, Kind: ketanmu.KindText, Text: s}
		for _, out := range MustHandle(t, r, in).Replies {
			if m := ketanmu.CaseNumberPattern.FindString(out.Text); m != "" && out.Chat == chat {
				number = m
			}
		}
	}
	if !strings.HasPrefix(number, "ADU-") {
		t.Fatalf("no ticket number after filing a complaint on %s", account)
	}
	return number
}

// TestOfficePhoneOnComplaints: the complaints number's own phone is held by complaints officers,
// so its commands act on complaints; on a number that serves everything, a command typed in a
// complainant's chat is answered in the complaints group, never in the general operators' group.
func TestOfficePhoneOnComplaints(t *testing.T) {
	cfg := MustConfig(t)
	db := MustOpenTemp(t, NewClock())
	r := newRouter(db, cfg)

	number := fileComplaint(t, r, "pengaduan", "6281234567890")
	res := MustHandle(t, r, ketanmu.Inbound{Account: "pengaduan", ID: "CMD1", Chat: "120363000000000105@g.us", FromMe: true,
		Kind: ketanmu.KindText, Text: "#ambil " + number})
	if got := lastText(res.Replies, "120363000000000105@g.us"); strings.HasPrefix(got, "⚠️") || !strings.Contains(got, number) {
		t.Errorf("office phone's #ambil on the complaints number answered %q, want it done", got)
	}

	other := fileComplaint(t, r, "nik", "6281234567891")
	acc, _ := cfg.Account("nik")
	res = MustHandle(t, r, ketanmu.Inbound{Account: "nik", ID: "CMD2", Chat: "6281234567891", FromMe: true,
		Kind: ketanmu.KindText, Text: "#ambil " + other})
	for _, m := range res.Replies {
		if m.Chat == acc.OperatorsGroup {
			t.Errorf("the general operators' group was told about complaint %s: %q", other, m.Text)
		}
	}
	if got := lastText(res.Replies, acc.Phone); got == "" && lastText(res.Replies, acc.ComplaintsGroup) == "" {
		t.Errorf("no answer in the complaints group or the office phone's own chat: %+v", res.Replies)
	}
}

func lastText(msgs []ketanmu.Outbound, chat string) string {
	out := ""
	for _, m := range msgs {
		if m.Chat == chat {
			out = m.Text
		}
	}
	return out
}
