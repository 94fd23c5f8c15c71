package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// With http.metrics_addr, /metrics is served there and not on the main listener.
func TestSimMetricsOnOwnAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // free again for the simulator: a small race with other processes, not with us

	p := startSimWith(t, "2026-11-25T09:00:00+07:00", "http: {metrics_addr: \""+addr+"\"}\n")
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `ketanmu_outbox_depth{account="kkktp",lane="reply"} 0`) {
		t.Errorf("GET %s/metrics = %d, want 200 with the outbox depth:\n%.500s", addr, res.StatusCode, body)
	}
	res, err = http.Get(p.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics on the main listener = %d, want 404", res.StatusCode)
	}
}
