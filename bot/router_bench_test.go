package bot_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// residentTraffic returns a router on a real SQLite file and a sender of the next resident
// message: chats rotate over 500 residents, so most messages land in a conversation already
// under way.
func residentTraffic(b *testing.B) (send func() error) {
	db := MustOpenTemp(b, NewClock())
	r := newRouter(db, MustConfig(b))
	inputs := []string{"halo", "1", "3", "menu", "cek", "terima kasih"}
	var n atomic.Int64
	return func() error {
		i := n.Add(1)
		chat := fmt.Sprintf("62812%08d", i%500)
		_, err := r.Handle(context.Background(), text(chat, fmt.Sprintf("M%d", i), inputs[int(i/500)%len(inputs)]))
		return err
	}
}

// BenchmarkHandle measures one resident message end to end through the router: dedupe,
// conversation, flow, and the replies queued, all in one transaction.
func BenchmarkHandle(b *testing.B) {
	send := residentTraffic(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := send(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandleParallel is BenchmarkHandle with 16 senders at once (as `ketanmu load --api`
// has): what the writers' group commit makes of concurrent messages, without HTTP around it.
func BenchmarkHandleParallel(b *testing.B) {
	send := residentTraffic(b)
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := send(); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
