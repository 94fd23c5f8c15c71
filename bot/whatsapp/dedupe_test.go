package whatsapp

import (
	"context"
	"testing"

	"go.mau.fi/whatsmeow/types"
)

// TestSameIDFromTwoChats: WhatsApp message IDs are unique per sender, so two residents may send
// the same one. Both photos wait in the inbox and both reach the router.
func TestSameIDFromTwoChats(t *testing.T) {
	e := newEnv(t)
	other := types.NewJID("6281298765432", types.DefaultUserServer)
	for i, from := range []types.JID{residentPN, other} {
		data := []byte("\xff\xd8 a photo of a KK " + from.User)
		path := "/v/kk" + from.User
		if e.dl.files == nil {
			e.dl.files = map[string][]byte{}
		}
		e.dl.files[path] = data
		if !e.acc.handleMessage(dm("SAME", from, types.EmptyJID, imageMsg("KK", data, path))) {
			t.Fatalf("delivery %d not acknowledged", i+1)
		}
	}
	if n := e.tr.count(t, `SELECT COUNT(*) FROM ketanmu_inbox`); n != 2 {
		t.Fatalf("inbox rows = %d, want 2", n)
	}
	if _, err := e.tr.drainInbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages WHERE wa_id = 'SAME' AND direction = 'in'`); n != 2 {
		t.Errorf("router stored %d messages with the ID, want 2 (one per chat)", n)
	}
}
