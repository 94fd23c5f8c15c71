package lifecycle_test

import (
	"strings"
	"testing"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/lifecycle"
)

// transition is one row of a profile's table: from -> to, and whether it is allowed.
type transition struct {
	from, to ketanmu.Stage
	ok       bool
}

func TestProfiles(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string][]transition{
		"pos_ketanmu": {
			{"submitted", "verifying", true}, {"submitted", "rejected", true}, {"verifying", "needs_fix", true},
			{"needs_fix", "submitted", true}, {"verifying", "in_production", true}, {"in_production", "shipped", true},
			{"in_production", "ready_for_pickup", true}, {"shipped", "delivered", true}, {"delivered", "done", true},
			{"ready_for_pickup", "done", true}, {"verifying", "rejected", true},
			{"submitted", "done", false}, {"submitted", "shipped", false}, {"done", "verifying", false},
			{"rejected", "submitted", false}, {"shipped", "verifying", false}, {"verifying", "validated", false},
		},
		"validasi_nik": {
			{"submitted", "verifying", true}, {"verifying", "done", true}, {"verifying", "needs_fix", true},
			{"needs_fix", "submitted", true}, {"submitted", "rejected", true}, {"verifying", "rejected", true},
			{"submitted", "shipped", false}, {"verifying", "in_production", false}, {"done", "rejected", false},
		},
		"pengaduan": {
			{"submitted", "verifying", true}, {"verifying", "done", true}, {"submitted", "rejected", true},
			{"verifying", "needs_fix", false}, {"submitted", "shipped", false},
		},
		"pak_pos": {
			{"submitted", "verifying", true}, {"verifying", "validated", true}, {"validated", "awaiting_files", true},
			{"validated", "files_received", true}, {"awaiting_files", "files_received", true},
			{"files_received", "in_production", true}, {"in_production", "needs_fix", true}, {"needs_fix", "in_production", true},
			{"in_production", "signing", true}, {"signing", "signed", true}, {"signed", "printed", true},
			{"printed", "ready_for_pickup", true}, {"printed", "shipped", true},
			{"shipped", "delivered", true}, {"delivered", "done", true}, {"ready_for_pickup", "done", true},
			{"awaiting_files", "rejected", true}, {"files_received", "rejected", true},
			{"verifying", "in_production", false}, {"validated", "signing", false}, {"submitted", "validated", false},
			{"signing", "shipped", false}, {"signing", "printed", false}, {"signed", "shipped", false},
			// A card (output: card) is printed without TTE; a TTE document is held to signing by
			// the case service (casework's signingRule), not by the profile.
			{"in_production", "printed", true}, {"signed", "done", true}, {"in_production", "done", false},
		},
	}
	for name, rows := range tables {
		p, ok := cfg.Profiles[name]
		if !ok {
			t.Fatalf("profile %s missing from the example config", name)
		}
		for _, r := range rows {
			t.Run(name+"/"+string(r.from)+"->"+string(r.to), func(t *testing.T) {
				err := p.Check(r.from, r.to)
				if got := err == nil; got != r.ok {
					t.Fatalf("Check(%s, %s) allowed = %v, want %v (err %v)", r.from, r.to, got, r.ok, err)
				}
				if err != nil && len(p.Allowed(r.from)) > 0 && !strings.Contains(err.Error(), "allowed: ") {
					t.Errorf("refusal %q does not list the allowed stages", err)
				}
			})
		}
	}
}

func TestNextStage(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	pos := cfg.Profiles["pos_ketanmu"]
	post, pickup := ketanmu.DeliveryPost, ketanmu.DeliveryPickup
	for _, tc := range []struct {
		from     ketanmu.Stage
		delivery ketanmu.Delivery
		want     ketanmu.Stage
	}{
		{"submitted", post, "verifying"}, {"verifying", post, "in_production"},
		{"in_production", post, "shipped"}, {"in_production", pickup, "ready_for_pickup"},
		{"shipped", post, "delivered"}, {"delivered", post, "done"}, {"ready_for_pickup", pickup, "done"},
	} {
		got, ok := pos.NextStage(tc.from, lifecycle.Path{Delivery: tc.delivery})
		if !ok || got != tc.want {
			t.Errorf("NextStage(%s, %q) = %q, %v; want %q", tc.from, tc.delivery, got, ok, tc.want)
		}
	}
	if _, ok := pos.NextStage("done", lifecycle.Path{Delivery: post}); ok {
		t.Error("NextStage(done) has a next stage; want none")
	}
	pak := cfg.Profiles["pak_pos"]
	// The roles: the validator approves (f), production checks the draft (h), requests the TTE
	// (i) and prints (k), the head of office signs (j).
	for stage, want := range map[ketanmu.Stage]ketanmu.Role{"validated": "validator", "in_production": "produksi",
		"signing": "produksi", "signed": "kepala", "printed": "produksi", "files_received": "", "shipped": ""} {
		if got := pak.RoleFor(stage); got != want {
			t.Errorf("pak_pos role for %s = %q, want %q", stage, got, want)
		}
	}
	for _, tc := range []struct {
		from     ketanmu.Stage
		delivery ketanmu.Delivery
		want     ketanmu.Stage
	}{
		{"verifying", post, "validated"}, {"validated", post, "files_received"}, {"in_production", post, "signing"},
		{"signing", post, "signed"}, {"signed", post, "printed"}, {"printed", post, "shipped"}, {"printed", pickup, "ready_for_pickup"},
	} {
		if got, ok := pak.NextStage(tc.from, lifecycle.Path{Delivery: tc.delivery}); !ok || got != tc.want {
			t.Errorf("pak_pos NextStage(%s, %q) = %q, %v; want %q", tc.from, tc.delivery, got, ok, tc.want)
		}
	}
}

// TestResume checks where a fixed case goes: back to the step that asked (production, the
// front office checking), to the queue when it was waiting.
func TestResume(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	pak, pos := cfg.Profiles["pak_pos"], cfg.Profiles["pos_ketanmu"]
	for _, tc := range []struct {
		p     lifecycle.Profile
		asked ketanmu.Stage
		want  ketanmu.Stage
	}{
		{pak, "in_production", "in_production"}, {pak, "verifying", "verifying"}, {pak, "submitted", "submitted"},
		{pak, "", "submitted"}, {pos, "verifying", "verifying"}, {pos, "in_production", "submitted"},
	} {
		if got := tc.p.Resume(tc.asked); got != tc.want {
			t.Errorf("%s: Resume(%q) = %q, want %q", tc.p.Name, tc.asked, got, tc.want)
		}
	}
}

func TestValidateRejectsBadProfiles(t *testing.T) {
	bad := []lifecycle.Profile{
		{Transitions: map[ketanmu.Stage][]ketanmu.Stage{"submitted": {"flying"}}},
		{Transitions: map[ketanmu.Stage][]ketanmu.Stage{"nowhere": {"done"}}},
		{Transitions: map[ketanmu.Stage][]ketanmu.Stage{"submitted": {"verifying"}}, Next: map[ketanmu.Stage]ketanmu.Stage{"submitted": "done"}},
		{Roles: map[ketanmu.Stage]ketanmu.Role{"bogus": "operator"}}, {Roles: map[ketanmu.Stage]ketanmu.Role{"done": "janitor"}},
	}
	for i, p := range bad {
		if err := p.Validate(); err == nil {
			t.Errorf("profile %d: Validate() = nil, want an error", i)
		}
	}
}
