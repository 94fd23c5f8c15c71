package web_test

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestDuplicatePerChat: WhatsApp message IDs are unique per sender, not per number, so two
// residents may send the same ID. Each message is handled, and each case gets its own photos.
func TestDuplicatePerChat(t *testing.T) {
	api := MustCasesAPI(t, apiToken)
	residents := []string{"081234567890", "081298765432"}
	for _, from := range residents {
		say := func(id, text string, photo ...string) {
			msg := map[string]any{"account": "kkktp", "from": from, "text": text, "id": id}
			if len(photo) > 0 {
				msg["media"] = map[string]string{"mime": "image/jpeg", "filename": photo[0] + ".jpg",
					"data": base64.StdEncoding.EncodeToString(documentJPEG(t, from+photo[0]))}
			}
			api.post(t, msg)
		}
		say("A1", "halo")
		say("A2", "5")
		say("A3", "3516131204850003")
		say("A4", "Budi Santoso")
		say("A5", "kk", "kk")
		say("A6", "ktp", "ktp")
		say("A7", "tidak")
		say("A8", "1")
		say("A9", "ya")
		// The same message delivered twice in one chat is still handled once.
		say("A9", "ya")
	}
	for _, from := range residents {
		chat := casePhone(t, from)
		if got := api.tableCounts(t, "messages"); got["messages"] == 0 {
			t.Fatal("no messages")
		}
		var in, cases, ownDocs int
		db := api.DB.SQL()
		if err := db.QueryRow(`SELECT COUNT(*) FROM messages WHERE chat = ? AND direction = 'in'`, chat).Scan(&in); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT COUNT(*) FROM cases WHERE chat = ?`, chat).Scan(&cases); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT COUNT(*) FROM case_documents d JOIN cases c ON c.id = d.case_id
			JOIN messages m ON m.media_id = d.media_id AND m.direction = 'in'
			WHERE c.chat = ? AND m.chat = c.chat`, chat).Scan(&ownDocs); err != nil {
			t.Fatal(err)
		}
		if in != 9 || cases != 1 || ownDocs != 2 {
			t.Errorf("resident %s: %d messages in, %d cases, %d photos of their own; want 9, 1, 2", from, in, cases, ownDocs)
		}
	}
}

// TestSimRefusesBrokenPhoto: a photo cut short passes a header check but not a full decode; the
// resident gets the usual polite answer and the photo is not taken as the document.
func TestSimRefusesBrokenPhoto(t *testing.T) {
	s := &simAPI{MustCasesAPI(t, "").simEnv}
	for _, text := range []string{"halo", "5", "3516131204850003", "Budi Santoso"} {
		s.MustPost(t, map[string]any{"account": "kkktp", "from": "081234567890", "text": text})
	}
	photo := documentJPEG(t, "kk")
	ans := s.MustPost(t, map[string]any{"account": "kkktp", "from": "081234567890", "text": "kk",
		"media": map[string]string{"mime": "image/jpeg", "filename": "kk.jpg",
			"data": base64.StdEncoding.EncodeToString(photo[:len(photo)*3/10])}})
	var texts []string
	for _, r := range ans.Replies {
		texts = append(texts, r.Text)
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "rusak atau tidak bisa dibuka") || strings.Contains(all, "sudah kami terima") {
		t.Errorf("answer to a truncated photo:\n%s", all)
	}
}
