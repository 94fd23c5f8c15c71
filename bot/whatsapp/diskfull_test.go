package whatsapp

import (
	"os"
	"path/filepath"
	"testing"

	"go.mau.fi/whatsmeow/types"

	"github.com/ketanmu/ketanmu/internal/testfix"
)

// TestDiskFullIsNotAcknowledged runs the transport with its data folder on a full disk: the
// message is not acknowledged (WhatsApp delivers it again), what was stored stays, and once
// space is freed the redelivered message is taken and answered, once.
func TestDiskFullIsNotAcknowledged(t *testing.T) {
	cfg := mustConfig(t)
	disk := testfix.SmallDisk(t, "4m")
	cfg.Storage.DataDir = disk
	e := newEnvWith(t, cfg)
	if !e.acc.handleMessage(dm("F1", residentPN, types.EmptyJID, text("halo"))) {
		t.Fatal("first message not acknowledged")
	}
	filler := filepath.Join(disk, "filler")
	testfix.Fill(t, filler)
	ev := dm("F2", residentPN, types.EmptyJID, text("info syarat KTP"))
	if e.acc.handleMessage(ev) {
		t.Fatal("a message was acknowledged on a full disk")
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages WHERE wa_id = 'F1'`); n != 1 {
		t.Errorf("the message stored before the disk filled: %d rows, want 1", n)
	}
	before := e.count(t, `SELECT COUNT(*) FROM outbox`)
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if !e.acc.handleMessage(ev) {
		t.Fatal("the redelivered message is not taken once space is free")
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages WHERE wa_id = 'F2'`); n != 1 {
		t.Errorf("the redelivered message: %d rows, want 1", n)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM outbox`); n <= before {
		t.Error("the redelivered message got no answer")
	}
}
