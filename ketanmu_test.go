package ketanmu_test

import (
	"errors"
	"fmt"
	"regexp"
	"sync"
	"testing"

	"github.com/ketanmu/ketanmu"
)

func TestNormalizePhone(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"081234567890", "6281234567890"},
		{"6281234567890", "6281234567890"},
		{"+62 812-3456-7890", "6281234567890"},
		{"81234567890", "6281234567890"},
		{"+1 (415) 555-0100", "14155550100"},
	} {
		if got, err := ketanmu.NormalizePhone(tt.in); err != nil || got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "0812", "nomor saya", "0812345678901234567"} {
		if _, err := ketanmu.NormalizePhone(bad); ketanmu.ErrorCode(err) != ketanmu.EINVALID {
			t.Errorf("NormalizePhone(%q) err = %v, want EINVALID", bad, err)
		}
	}
}

func TestMasking(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{ketanmu.MaskPhone("6281234567890"), "6281******890"},
		{ketanmu.MaskPhone("6281234567890@s.whatsapp.net"), "6281******890@s.whatsapp.net"},
		{ketanmu.MaskPhone("120363000000000101@g.us"), "120363000000000101@g.us"},
		{ketanmu.MaskNumbers("failed to get LID for PN 6281234567890@s.whatsapp.net: timeout"),
			"failed to get LID for PN 6281******890@s.whatsapp.net: timeout"},
		{ketanmu.MaskNumbers("status 404 after 3 tries"), "status 404 after 3 tries"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestIsCaseNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"KTP-261125-0007": true, "ktp-261125-0007": true, "NIK-261125-0001": true,
		"KTP-261125-007": false, "K-261125-0007": false, "ABCDEF-261125-0007": false, "KTP-261125-0007 ya": false, "": false,
	} {
		if got := ketanmu.IsCaseNumber(s); got != want {
			t.Errorf("IsCaseNumber(%q) = %v, want %v", s, got, want)
		}
	}
	if got := ketanmu.CaseNumberPattern.FindString("status akt-261125-0002 dong"); got != "akt-261125-0002" {
		t.Errorf("FindString = %q, want the number inside the sentence", got)
	}
}

func TestTemporary(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("disk I/O error"), false},
		{ketanmu.Errorf(ketanmu.EINVALID, "bad"), false},
		{ketanmu.Errorf(ketanmu.EUNAVAILABLE, "full"), true},
		{fmt.Errorf("commit: %w", errors.Join(ketanmu.Errorf(ketanmu.EUNAVAILABLE, "full"), errors.New("cause"))), true},
	} {
		if got := ketanmu.Temporary(c.err); got != c.want {
			t.Errorf("Temporary(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// Outbound IDs keep WhatsApp Web's shape, never repeat, and ascend in the order they were made,
// also when made at once.
func TestNewMessageID(t *testing.T) {
	const goroutines, each = 8, 2000
	ids := make([][]string, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for range each {
				ids[g] = append(ids[g], ketanmu.NewMessageID())
			}
		})
	}
	wg.Wait()
	shape := regexp.MustCompile(`^3EB0[0-9A-F]{18}$`)
	seen := map[string]bool{}
	for g := range ids {
		for i, id := range ids[g] {
			if !shape.MatchString(id) {
				t.Fatalf("ID %q, want 3EB0 and 18 upper-case hex digits", id)
			}
			if seen[id] {
				t.Fatalf("ID %q made twice", id)
			}
			seen[id] = true
			if i > 0 && id <= ids[g][i-1] {
				t.Fatalf("ID %q made after %q sorts before it", id, ids[g][i-1])
			}
		}
	}
	if a, b := ids[0][each-1], ketanmu.NewMessageID(); b <= a {
		t.Errorf("ID %q made after every other sorts before %q", b, a)
	}
}
