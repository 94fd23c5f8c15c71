package app

import (
	"testing"

	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/bot/whatsapp"
)

// WhatsApp's transport has the whole offline backlog and its own message IDs, so the wiring
// gives the router and the reply gate its answers (a transport lacking one method would
// silently be taken as always live); the simulator's has neither.
var (
	_ offline                                   = (*whatsapp.Transport)(nil)
	_ interface{ NewID(account string) string } = (*whatsapp.Transport)(nil)
)

func TestOfflineChosenOnce(t *testing.T) {
	if _, ok := offlineOf(&sim.Transport{}).(alwaysLive); !ok {
		t.Errorf("the simulator's transport got %T, want alwaysLive", offlineOf(&sim.Transport{}))
	}
	if _, ok := any(&sim.Transport{}).(offline); ok {
		t.Errorf("the simulator's transport claims an offline backlog")
	}
}
