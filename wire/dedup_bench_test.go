package wire

import (
	"runtime"
	"testing"
	"time"
)

// benchIDs is how many distinct transmission ids the benchmark feeds the
// de-duplicator before it is timed: eight times its capacity, so the bound
// (not the window) decides what it keeps.
const benchIDs = 1 << 20

// BenchmarkDedup_SeenBefore times seenBefore on a full de-duplicator that has
// seen 1Mi ids within the window: "new" adds a fresh id each call (evicting
// the oldest), "repeat" asks about an id it still remembers. live-MiB is the
// heap the full de-duplicator holds.
func BenchmarkDedup_SeenBefore(b *testing.B) {
	t0 := time.Unix(1764000000, 0)
	fill := func() (*dedup, time.Time, float64) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		d := newDedup(5*time.Minute, dedupCapacity)
		now := t0
		for i := range uint64(benchIDs) {
			now = now.Add(time.Microsecond)
			d.seenBefore(i+1, now)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		return d, now, float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	}
	b.Run("new", func(b *testing.B) {
		d, now, live := fill()
		id := uint64(benchIDs)
		b.ReportAllocs()
		for b.Loop() {
			id++
			now = now.Add(time.Microsecond)
			if d.seenBefore(id, now) {
				b.Fatalf("id %d: got seen before, want new", id)
			}
		}
		// Reported after the loop: b.Loop resets metrics reported before it.
		b.ReportMetric(live, "live-MiB")
	})
	b.Run("repeat", func(b *testing.B) {
		d, now, live := fill()
		id := uint64(benchIDs)
		b.ReportAllocs()
		for b.Loop() {
			now = now.Add(time.Microsecond)
			if !d.seenBefore(id, now) {
				b.Fatalf("id %d: got new, want seen before", id)
			}
		}
		b.ReportMetric(live, "live-MiB")
	})
}
