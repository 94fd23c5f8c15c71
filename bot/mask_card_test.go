package bot_test

import (
	"strings"
	"testing"

	"github.com/ketanmu/ketanmu"
)

// TestComplaintCardMasksTypedNIK files a complaint whose description carries a NIK typed by the
// resident: nothing sent to the operators' group shows the 16 digits.
func TestComplaintCardMasksTypedNIK(t *testing.T) {
	cfg := MustConfig(t)
	db := MustOpenTemp(t, NewClock())
	r := newRouter(db, cfg)
	const chat = "6281234567890"
	var toGroup []string
	for i, s := range []string{"halo", "pengaduan", "2",
		"Petugas menolak data saya, NIK 3515 0101 0190 0001 katanya tidak terdaftar. Hubungi saya di 081398765432.", "tidak"} {
		in := ketanmu.Inbound{Account: "pengaduan", ID: "IN" + string(rune('a'+i)), Chat: chat, Kind: ketanmu.KindText, Text: s}
		for _, out := range MustHandle(t, r, in).Replies {
			if ketanmu.IsGroup(out.Chat) {
				toGroup = append(toGroup, out.Text)
			}
		}
	}
	if len(toGroup) == 0 {
		t.Fatal("no card was sent to the operators' group")
	}
	// The new-case card is compact; #status shows the details, description included.
	status := ketanmu.Inbound{Account: "pengaduan", ID: "INstatus", Chat: "120363000000000105@g.us",
		Sender: "6281200000005", Kind: ketanmu.KindText, Text: "#status ADU-261125-0001"}
	for _, out := range MustHandle(t, r, status).Replies {
		toGroup = append(toGroup, out.Text)
	}
	all := strings.Join(toGroup, "\n")
	if strings.Contains(all, "3515 0101 0190 0001") || strings.Contains(all, "3515010101900001") {
		t.Errorf("the group saw the typed NIK:\n%s", all)
	}
	if strings.Contains(all, "081398765432") {
		t.Errorf("the group saw the phone number the resident typed:\n%s", all)
	}
	if !strings.Contains(all, "351501********01") {
		t.Errorf("the group's #status answer lacks the masked NIK:\n%s", all)
	}
}
