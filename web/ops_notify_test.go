package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type notifyList struct {
	Items []struct{ Key, Title, Body, URL string } `json:"items"`
}

func getNotify(t *testing.T, c *opsClient) notifyList {
	t.Helper()
	status, body, _ := c.get(t, "/ops/notify")
	var l notifyList
	if status != http.StatusOK {
		t.Fatalf("GET /ops/notify = %d:\n%.400s", status, body)
	}
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatalf("GET /ops/notify: %v\n%.400s", err, body)
	}
	return l
}

func (l notifyList) has(prefix string) (string, bool) {
	for _, it := range l.Items {
		if strings.HasPrefix(it.Key, prefix) {
			return it.Title + " | " + it.Body + " | " + it.URL, true
		}
	}
	return "", false
}

// TestOpsNotifyList: what the browser notifications read. A chat that waits for a person is
// there for everyone who may read it, its number masked; a fix that came back is there for the
// case's assignee only, under a key that changes with each return.
func TestOpsNotifyList(t *testing.T) {
	env := MustCasesAPI(t, "")
	number, _ := env.MustApply(t, apiResident, "3516131204850003")
	rc, kc := newOpsClient(t, env.URL), newOpsClient(t, env.URL)
	rc.mustLogin(t, rina)
	kc.mustLogin(t, kadis)
	if l := getNotify(t, rc); len(l.Items) != 0 {
		t.Errorf("nothing waits yet, the list has %+v", l.Items)
	}

	say(t, env.URL, "kkktp", "6281298765402", "petugas", false)
	for _, c := range []*opsClient{rc, kc} {
		got, ok := getNotify(t, c).has("chat-")
		if !ok || !strings.Contains(got, "/ops/chats/") || strings.Contains(got, "6281298765402") {
			t.Errorf("the petugas chat: %q, want it listed with its page, the number masked", got)
		}
	}

	if status, body := rc.act(t, number, url.Values{"action": {"take"}}); status != http.StatusSeeOther {
		t.Fatalf("take = %d:\n%.400s", status, body)
	}
	if status, body := rc.act(t, number, url.Values{"action": {"fix"}, "text": {"Mohon kirim keterangan alamat"}}); status != http.StatusSeeOther {
		t.Fatalf("fix = %d:\n%.400s", status, body)
	}
	if _, ok := getNotify(t, rc).has("fix-"); ok {
		t.Error("a fix is listed before the resident answered")
	}
	say(t, env.URL, "kkktp", apiResident, "Alamat saya RT 02 RW 03", false)
	got, ok := getNotify(t, rc).has("fix-" + number + "-")
	if !ok || !strings.Contains(got, "Perbaikan masuk") || !strings.HasSuffix(got, "/ops/cases/"+number) {
		t.Errorf("the returned fix for its assignee: %q, want Perbaikan masuk linking to the case", got)
	}
	if got, ok := getNotify(t, kc).has("fix-"); ok {
		t.Errorf("someone else's returned fix is listed for the supervisor: %q", got)
	}
}
