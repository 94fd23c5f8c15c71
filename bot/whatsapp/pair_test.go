package whatsapp

import (
	"context"
	"errors"
	"strings"
	"testing"
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
