package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	waBinary "go.mau.fi/whatsmeow/binary"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types/events"
)

func TestPairRefusesPairedAccountWithoutForce(t *testing.T) {
	e := newEnv(t)
	_, err := e.tr.Pair(context.Background(), PairOptions{Account: accKey})
	if !errors.Is(err, ErrAlreadyPaired) || !strings.Contains(err.Error(), "--force") {
		t.Errorf("Pair = %v, want ErrAlreadyPaired mentioning --force", err)
	}
	_, err = e.tr.Pair(context.Background(), PairOptions{Account: "nope"})
	if !errors.Is(err, ErrUnknownAccount) {
		t.Errorf("Pair(nope) = %v, want ErrUnknownAccount", err)
	}
	_, err = e.tr.Pair(context.Background(), PairOptions{Account: "akta", Phone: "081299999999"})
	if !errors.Is(err, ErrWrongNumber) {
		t.Errorf("Pair with another number = %v, want ErrWrongNumber", err)
	}
}

// A device recorded for an account is found again when the transport opens.
func TestOpenFindsPairedDevice(t *testing.T) {
	e := newEnv(t)
	if err := e.tr.Close(); err != nil {
		t.Fatal(err)
	}
	tr, err := Open(context.Background(), e.cfg, discard)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if !tr.Paired(accKey) || tr.Paired("akta") {
		t.Errorf("paired: %s=%v akta=%v, want true/false", accKey, tr.Paired(accKey), tr.Paired("akta"))
	}
	if got := tr.accounts[accKey].self(); got.PN != ownPN || got.LID != ownLID {
		t.Errorf("self = %+v", got)
	}
}

func TestMaskNumbers(t *testing.T) {
	got := maskNumbers("Sent message to 6281234567890@s.whatsapp.net (204000000000077@lid) in 120363000000000101@g.us")
	if strings.Contains(got, "6281234567890") || strings.Contains(got, "204000000000077") {
		t.Errorf("numbers left in %q", got)
	}
	if !strings.Contains(got, "120363000000000101@g.us") {
		t.Errorf("group id masked in %q", got)
	}
}

// WhatsApp answers the pairing connection with 405 (client outdated), parsed by whatsmeow's own
// connect-failure handler; Pair looks the current version up, as serve does, and starts again
// with it: the phone gets a QR code announced under the new version.
func TestPairingLearnsTheVersionAfter405(t *testing.T) {
	keepVersion(t)
	e := newEnv(t)
	builtIn := wastore.GetWAVersion()
	newer := builtIn[2] + 1000
	client, hits := webWhatsApp(t, http.StatusOK, newer)
	e.tr.version.HTTP = client
	var versions []string
	e.tr.connectPair = func(ctx context.Context, cli *whatsmeow.Client) error {
		versions = append(versions, wastore.GetWAVersion().String())
		if len(versions) == 1 {
			go cli.DangerousInternals().HandleConnectFailure(ctx, failure(waBinary.Attrs{"reason": "405"}))
			return nil
		}
		go cli.DangerousInternals().DispatchEvent(&events.QR{Codes: []string{"2@qr-after-update"}})
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var shown []string
	var progress []string
	_, err := e.tr.Pair(ctx, PairOptions{Account: "akta", Timeout: 5 * time.Second,
		QR:       func(code string, _ time.Duration) { shown = append(shown, code); cancel() },
		Progress: func(msg string) { progress = append(progress, msg) }})
	if err == nil {
		t.Fatal("Pair succeeded without a phone")
	}
	want := fmt.Sprintf("2.3000.%d", newer)
	if len(versions) != 2 || versions[0] != builtIn.String() || versions[1] != want {
		t.Fatalf("connections announced %v, want the built-in %s then the learnt %s", versions, builtIn, want)
	}
	if len(shown) != 1 || shown[0] != "2@qr-after-update" {
		t.Errorf("QR codes shown %v, want the one after the update", shown)
	}
	if hits.Load() != 1 || !strings.Contains(e.tr.Version(accKey), "learnt") {
		t.Errorf("version %q after %d look-ups, want learnt after 1", e.tr.Version(accKey), hits.Load())
	}
	if b, err := os.ReadFile(e.tr.version.file); err != nil || strings.TrimSpace(string(b)) != want {
		t.Errorf("remembered %q (%v), want %s", b, err, want)
	}
	if !strings.Contains(strings.Join(progress, "\n"), want) {
		t.Errorf("progress %q does not tell the new version", progress)
	}
}
