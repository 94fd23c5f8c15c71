package app

import (
	"testing"

	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/bot/whatsapp"
)

// WhatsApp's transport has the whole offline backlog, so the wiring gives the router and the
// reply gate its answers (a transport lacking one method would silently be taken as always
// live); the simulator's has none.
var _ offline = (*whatsapp.Transport)(nil)

// WhatsApp and the simulator queue replies under IDs of one generator (ketanmu.NewMessageID,
// whose IDs ascend): neither brings its own.
func TestOneMessageIDRule(t *testing.T) {
	for _, tr := range []any{&whatsapp.Transport{}, &sim.Transport{}} {
		if _, ok := tr.(interface{ NewID(account string) string }); ok {
			t.Errorf("%T generates its own message IDs", tr)
		}
	}
}

func TestOfflineChosenOnce(t *testing.T) {
	if _, ok := offlineOf(&sim.Transport{}).(alwaysLive); !ok {
		t.Errorf("the simulator's transport got %T, want alwaysLive", offlineOf(&sim.Transport{}))
	}
	if _, ok := any(&sim.Transport{}).(offline); ok {
		t.Errorf("the simulator's transport claims an offline backlog")
	}
}
