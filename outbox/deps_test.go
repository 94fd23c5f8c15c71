package outbox_test

import (
	"strings"
	"testing"

	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/outbox"
)

// A collaborator has no default: an outbox built without one is refused, naming it.
func TestNewRefusesMissingCollaborators(t *testing.T) {
	accounts := []config.Account{{Key: "kkktp"}}
	_, err := outbox.New(config.Outbound{}, accounts, outbox.Deps{Wake: outbox.NewWake(accounts)})
	if err == nil {
		t.Fatal("New without a gate, a transport, callbacks … succeeded")
	}
	for _, name := range []string{"DB", "Transport", "Gate", "Recheck", "Observer", "GaveUp", "OnBacklog", "Expired", "Now", "Log"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
	if strings.Contains(err.Error(), "Wake") {
		t.Errorf("error %q names Wake, which was given", err)
	}
}
