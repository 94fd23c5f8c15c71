package pause_test

import (
	"context"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/internal/pause"
)

func TestFor(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	if !pause.For(ctx, 0) || !pause.For(ctx, -time.Second) || !pause.For(ctx, time.Millisecond) {
		t.Error("a live context: For reported it ended")
	}
	cancel()
	if pause.For(ctx, 0) || pause.For(ctx, time.Hour) {
		t.Error("an ended context: For waited instead of reporting it")
	}
}
