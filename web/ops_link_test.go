package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/store"
	"github.com/ketanmu/ketanmu/web/ops"
)

// outTransport is the simulator's transport with one number logged out since a time.
type outTransport struct {
	*sim.Transport
	account string
	since   time.Time
}

func (o outTransport) State(account string) bot.ConnState {
	if account == o.account {
		return bot.StateLoggedOut
	}
	return bot.StateConnected
}

func (o outTransport) Outage(account string) (string, time.Time, time.Time, error) {
	if account == o.account {
		return "logged_out", o.since, time.Time{}, nil
	}
	return "", time.Time{}, time.Time{}, nil
}

var _ ops.AccountOutager = outTransport{}

// A logged-out number is shown to supervisors on every workspace page (not to other operators),
// and the "to call back" page lists the residents whose replies expired and the chats that may
// have written while the number was logged out.
func TestOpsLinkBannerAndCallBacks(t *testing.T) {
	env := MustCasesAPI(t, "")
	ctx := context.Background()
	const resident = "6281234567890"
	(&simAPI{env.simEnv}).MustPost(t, map[string]any{"account": "kkktp", "from": resident, "text": "halo"})
	(&simAPI{env.simEnv}).MustOutboxIdle(t)
	now := env.Clock.Now()

	// A reply that waited too long, expired.
	id := "3EB0EXPIREDREPLY"
	if err := env.DB.Update(ctx, func(tx *store.Tx) error {
		return tx.Queue(ketanmu.Outbound{ID: id, Account: "kkktp", Chat: resident, Text: "Baik", Lane: ketanmu.LaneReply})
	}); err != nil {
		t.Fatal(err)
	}
	it, err := env.DB.OutboxByID(ctx, "kkktp", id)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.DB.ExpireOutbox(ctx, []store.OutboxItem{it}, "expired"); err != nil {
		t.Fatal(err)
	}

	tr := outTransport{Transport: env.Transport, account: "kkktp", since: now.Add(time.Hour)}
	// serve's wiring (no simulator, no "sim" password) over the same core and that transport.
	srv := env.Core.Web(tr, app.WebOptions{})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	acc, _ := env.Cfg.Account("kkktp")
	banner := "Nomor WhatsApp " + acc.Name + ": Keluar dari WhatsApp"
	sup := newOpsClient(t, ts.URL)
	sup.mustLoginWith(t, kadis, mustPassword(t, env.DB, kadis))
	for _, path := range []string{"/ops/", "/ops/reports", "/ops/link"} {
		status, page, _ := sup.get(t, path)
		if status != http.StatusOK || !strings.Contains(page, banner) {
			t.Errorf("supervisor's %s = %d without the banner %q", path, status, banner)
		}
	}
	op := newOpsClient(t, ts.URL)
	op.mustLoginWith(t, rina, mustPassword(t, env.DB, rina))
	if _, page, _ := op.get(t, "/ops/"); strings.Contains(page, banner) {
		t.Error("the banner is shown to a front-office operator")
	}

	status, page, _ := op.get(t, "/ops/link")
	if status != http.StatusOK {
		t.Fatalf("GET /ops/link = %d", status)
	}
	callBacks, missed, _ := strings.Cut(page, "Chat yang mungkin terlewat")
	if !strings.Contains(callBacks, "+"+resident) {
		t.Errorf("call-back list does not name the resident whose reply expired:\n%.2000s", callBacks)
	}
	if !strings.Contains(missed, acc.Name) || !strings.Contains(missed, "+"+resident) {
		t.Errorf("missed chats of the logged-out number do not list the resident who wrote before:\n%.2000s", missed)
	}
}
