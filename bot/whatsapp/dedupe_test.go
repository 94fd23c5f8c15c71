package whatsapp

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ketanmu/ketanmu"

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

// TestInboxLeavesNoTrace: a message waits in whatsmeow's database only until the router has it;
// once handled its row is deleted with secure_delete, so after a checkpoint the text is gone
// from the file too.
func TestInboxLeavesNoTrace(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const secret = "NIK 3516085507900001 atas nama Siti Aminah"
	in := ketanmu.Inbound{Account: accKey, ID: "T1", Chat: resident, Kind: ketanmu.KindText, Text: secret}
	if err := e.tr.db.putInbox(ctx, in, nil, source{}); err != nil {
		t.Fatal(err)
	}
	row, ok, err := e.tr.db.inboxByID(ctx, accKey, "T1")
	if err != nil || !ok {
		t.Fatalf("inbox row: %v %v", ok, err)
	}
	if err := e.tr.db.doneInbox(ctx, row.RowID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tr.sqlDB.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(e.cfg.Storage.DataDir, e.cfg.Storage.WhatsmeowDatabase)
	for _, p := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("3516085507900001")) {
			t.Errorf("%s still holds the handled message's text", filepath.Base(p))
		}
	}
}
