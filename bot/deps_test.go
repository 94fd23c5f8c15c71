package bot_test

import (
	"strings"
	"testing"

	"github.com/ketanmu/ketanmu/bot"
)

// The router's collaborators have no defaults: one built without them is refused, naming
// each, instead of being patched on after construction.
func TestNewRouterRefusesMissingCollaborators(t *testing.T) {
	r, err := bot.NewRouter(bot.Deps{Log: discard})
	if err == nil || r != nil {
		t.Fatalf("NewRouter without its collaborators = %v, %v; want an error", r, err)
	}
	for _, name := range []string{"DB", "Config", "Flows", "Cases", "Queue", "Offline", "Observer"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
	if strings.Contains(err.Error(), "Log") {
		t.Errorf("error %q names Log, which was given", err)
	}
}
