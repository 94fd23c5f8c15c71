package web_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// sseEvent is one Server-Sent Event: its name and data.
type sseEvent struct{ name, data string }

// openEvents opens the workspace's live stream as c and returns its events as they come.
func openEvents(t *testing.T, c *opsClient) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/ops/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	stream := &http.Client{Jar: c.c.Jar} // no timeout: the stream stays open
	res, err := stream.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET /ops/events = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	events := make(chan sseEvent, 16)
	go func() {
		defer res.Body.Close()
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.name != "":
				events <- ev
				ev = sseEvent{}
			}
		}
	}()
	return events
}

func nextEvent(t *testing.T, events <-chan sseEvent, within time.Duration) (sseEvent, bool) {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("the stream ended")
		}
		return ev, true
	case <-time.After(within):
		return sseEvent{}, false
	}
}

// The live stream says hello with the change mark, stays quiet while nothing commits, and
// sends "change" with the new mark once a resident's message committed.
func TestOpsEventsFollowCommits(t *testing.T) {
	env := MustCasesAPI(t, "")
	c := newOpsClient(t, env.URL)
	c.mustLogin(t, rina)
	waitOutbox(t, env) // the sign-in's own writes are done
	events := openEvents(t, c)
	hello, ok := nextEvent(t, events, 5*time.Second)
	want, err := env.DB.ChangeMark(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !ok || hello.name != "hello" || hello.data != want {
		t.Fatalf("first event = %+v, want hello with %s", hello, want)
	}
	if ev, ok := nextEvent(t, events, 1500*time.Millisecond); ok {
		t.Errorf("event %+v while nothing changed", ev)
	}
	env.post(t, map[string]any{"account": "kkktp", "from": "081234500077", "text": "halo"})
	ev, ok := nextEvent(t, events, 5*time.Second)
	want, err = env.DB.ChangeMark(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !ok || ev.name != "change" || ev.data != want || ev.data == hello.data {
		t.Errorf("after a message: event %+v, want change with %s (hello was %s)", ev, want, hello.data)
	}
}
