package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ketanmu/ketanmu/internal/app"
)

// TestAPITokenScope: the shared token acts with handoff.api_roles (operator by default: no
// complaints), the simulator keeps it at the supervisor's scope, and its reads are in the audit
// log under handoff.api_actor.
func TestAPITokenScope(t *testing.T) {
	env := MustCasesAPI(t, apiToken)
	number, _ := env.MustApply(t, apiResident, "3516131204850003")
	env.post(t, map[string]any{"account": "pengaduan", "from": "081355500011", "text": "halo"})
	complaint := mustComplaint(t, env)
	if complaint == "" {
		t.Fatal("no complaint filed")
	}
	if env.Cfg.Handoff.APIRoles[0] != "operator" || len(env.Cfg.Handoff.APIRoles) != 1 {
		t.Fatalf("handoff.api_roles = %v, want the default [operator]", env.Cfg.Handoff.APIRoles)
	}
	// The simulator: supervisor, as before.
	env.MustCall(t, http.StatusOK, http.MethodGet, "/api/cases/"+complaint, "", nil)

	// Outside the simulator (serve's wiring, over the same core) the configured roles apply.
	serve := httptest.NewServer(env.Core.Web(env.Transport, app.WebOptions{APIToken: apiToken}).Handler())
	t.Cleanup(serve.Close)
	env.URL = serve.URL
	if status, _, data := env.call(t, http.MethodGet, "/api/cases/"+complaint, ""); status != http.StatusNotFound {
		t.Errorf("complaint with the operator-scoped token = %d %s, want 404", status, data)
	}
	var c apiCase
	env.MustCall(t, http.StatusOK, http.MethodGet, "/api/cases/"+number, "", &c)
	if len(c.Documents) == 0 {
		t.Fatal("the case has no documents")
	}
	env.MustCall(t, http.StatusOK, http.MethodGet, fmt.Sprintf("/api/cases/%s/documents/%d", number, c.Documents[0].ID), "", nil)
	var actor string
	if err := env.DB.SQL().QueryRow(`SELECT actor FROM audit_log WHERE document_id = ? ORDER BY id DESC LIMIT 1`,
		c.Documents[0].ID).Scan(&actor); err != nil {
		t.Fatal(err)
	}
	if actor != env.Cfg.Handoff.APIActor {
		t.Errorf("document read audited as %q, want the integration %q", actor, env.Cfg.Handoff.APIActor)
	}
}

// TestAPITokenThrottle: wrong bearer tokens from one address are throttled, the right one
// included, until the window has passed.
func TestAPITokenThrottle(t *testing.T) {
	env := MustCasesAPI(t, apiToken)
	wrong := &casesAPI{simEnv: env.simEnv, token: "a-wrong-guess-of-the-token-000000000"}
	limit := 0
	for i := range 100 {
		status, _, _ := wrong.call(t, http.MethodGet, "/api/cases", "")
		if status == http.StatusTooManyRequests {
			limit = i
			break
		}
		if status != http.StatusUnauthorized {
			t.Fatalf("wrong token #%d = %d, want 401", i+1, status)
		}
	}
	if limit == 0 || limit > 30 {
		t.Fatalf("wrong tokens throttled after %d tries, want a limit of at most 30", limit)
	}
	if status, _, _ := env.call(t, http.MethodGet, "/api/cases", ""); status != http.StatusTooManyRequests {
		t.Errorf("right token during the lockout = %d, want 429", status)
	}
	env.Clock.Advance(16 * 60e9)
	env.MustCall(t, http.StatusOK, http.MethodGet, "/api/cases", "", nil)
}
