package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestOpsLoginBurst: 100 wrong passwords for one name sent at once reach bcrypt at most
// ops.max_failed_logins times (counted by the server), the rest are 429; the right password sent
// during the burst is refused with the same message.
func TestOpsLoginBurst(t *testing.T) {
	env := MustCasesAPI(t, "")
	srv := env.Server
	limit := env.Cfg.Ops.MaxFailedLogins
	clients := make([]*opsClient, 100)
	tokens := make([]string, len(clients))
	for i := range clients {
		clients[i] = newOpsClient(t, env.URL)
		clients[i].c.Timeout = 3 * time.Minute // bcrypt under the race detector on a busy machine
		_, page, _ := clients[i].get(t, "/ops/login")
		tokens[i] = loginField.FindStringSubmatch(page)[1]
	}
	before := srv.PasswordChecks()
	statuses := make([]int, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			statuses[i], _, _ = c.post(t, "/ops/login", url.Values{"name": {agus}, "password": {"tebakan-salah"}, "login_token": {tokens[i]}})
		})
	}
	// The right password, once the first wrong ones were counted and while the rest are in flight.
	for deadline := time.Now().Add(30 * time.Second); srv.PasswordChecks()-before < int64(limit) && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	right := newOpsClient(t, env.URL)
	right.c.Timeout = 3 * time.Minute
	status, body := right.login(t, agus, "sim")
	wg.Wait()

	if checks := srv.PasswordChecks() - before; checks > int64(limit) {
		t.Errorf("%d of 100 simultaneous wrong tries reached bcrypt, want at most %d", checks, limit)
	}
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[http.StatusUnauthorized] > limit || count[http.StatusTooManyRequests] < len(clients)-limit {
		t.Errorf("answers %v, want at most %d × 401 and the rest 429", count, limit)
	}
	if status != http.StatusTooManyRequests || !strings.Contains(body, "Terlalu banyak percobaan") {
		t.Errorf("the right password during the burst = %d, want 429 with the lockout message", status)
	}
}

// TestOpsLoginForwardedFor: the address a failed login is counted under is X-Forwarded-For's
// only when the connection comes from http.trusted_proxies.
func TestOpsLoginForwardedFor(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted []string
		want    string
	}{
		{"no trusted proxy", nil, "addr:127.0.0.1"},
		{"another proxy trusted", []string{"10.0.0.0/8"}, "addr:127.0.0.1"},
		{"loopback proxy trusted", []string{"127.0.0.1/32"}, "addr:203.0.113.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := mustConfig(t, "")
			cfg.HTTP.TrustedProxies = tc.trusted
			env := mustSimEnv(t, cfg, "")
			c := newOpsClient(t, env.URL)
			_, page, _ := c.get(t, "/ops/login")
			req, _ := http.NewRequest(http.MethodPost, env.URL+"/ops/login", strings.NewReader(url.Values{"name": {rina},
				"password": {"salah"}, "login_token": {loginField.FindStringSubmatch(page)[1]}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			// The client's own claim first, then what the proxy appended.
			req.Header.Set("X-Forwarded-For", "198.51.100.9, 203.0.113.7")
			if status, _, _ := c.do(t, req); status != http.StatusUnauthorized {
				t.Fatalf("wrong password = %d, want 401", status)
			}
			var key string
			if err := env.DB.SQL().QueryRow(`SELECT key FROM login_failures WHERE key LIKE 'addr:%'`).Scan(&key); err != nil {
				t.Fatal(err)
			}
			if key != tc.want {
				t.Errorf("failure counted under %q, want %q", key, tc.want)
			}
		})
	}
}
