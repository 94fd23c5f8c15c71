package bot_test

import (
	"fmt"
	"sync/atomic"
	"testing"
)

// BenchmarkHandle measures one resident message end to end through the router on a real
// SQLite file: dedupe, conversation, flow, and the replies queued, all in one transaction.
// Chats rotate over 500 residents, so most messages land in a conversation already under way.
func BenchmarkHandle(b *testing.B) {
	db := MustOpenTemp(b, NewClock())
	r := newRouter(db, MustConfig(b))
	inputs := []string{"halo", "1", "3", "menu", "cek", "terima kasih"}
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		i := n.Add(1)
		chat := fmt.Sprintf("62812%08d", i%500)
		MustHandle(b, r, text(chat, fmt.Sprintf("M%d", i), inputs[int(i/500)%len(inputs)]))
	}
}

// BenchmarkHandleParallel is BenchmarkHandle with 16 senders at once (as `ketanmu load --api`
// has): what the writers' group commit makes of concurrent messages, without HTTP around it.
func BenchmarkHandleParallel(b *testing.B) {
	db := MustOpenTemp(b, NewClock())
	r := newRouter(db, MustConfig(b))
	inputs := []string{"halo", "1", "3", "menu", "cek", "terima kasih"}
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			chat := fmt.Sprintf("62812%08d", i%500)
			MustHandle(b, r, text(chat, fmt.Sprintf("M%d", i), inputs[int(i/500)%len(inputs)]))
		}
	})
}
