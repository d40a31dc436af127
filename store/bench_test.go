package store_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// benchUpdates returns n single-alert updates from 100 sources, cycling
// over alerts alerts; with vary, each carries a new summary so that every
// update really changes its alert (the worst case: every one is written).
func benchUpdates(n, alerts int, vary bool) []store.Received {
	out := make([]store.Received, n)
	now := time.Now()
	for i := range out {
		a := i % alerts
		summary := "disk is filling up"
		if vary {
			summary = fmt.Sprintf("disk is %d%% full", i)
		}
		out[i] = store.Received{ReceivedAt: now, Update: wire.Update{
			Source: fmt.Sprintf("host%03d.example.com", a%100),
			Alerts: []wire.Alert{{ID: fmt.Sprintf("check-%06d", a), Summary: summary}},
		}}
	}
	return out
}

// BenchmarkApply commits batches of single-alert updates into a store of
// 100,000 alerts, with fsync (NOSYNC=1 to leave the disk out): updates that
// change their alert's summary (every one a write) and refreshes that
// change nothing. A changing update records a history event; with again,
// every alert's summary has already changed once since it was raised, so
// each update replaces that trailing update event instead of adding one.
func BenchmarkApply(b *testing.B) {
	for _, c := range []struct {
		batch  int
		change bool
		again  bool
	}{{256, true, false}, {4096, true, false}, {4096, true, true}, {4096, false, false}} {
		batch := c.batch
		name := fmt.Sprintf("batch=%d/changing=%v", batch, c.change)
		if c.again {
			name += "/again"
		}
		b.Run(name, func(b *testing.B) {
			s, _ := mustOpen(b, store.Options{Decider: benchDecider{}, NoSync: os.Getenv("NOSYNC") != ""})
			const alerts = 100000
			ctx := context.Background()
			seed := benchUpdates(alerts, alerts, false)
			for i := 0; i < alerts; i += 8192 {
				if err := s.Apply(ctx, seed[i:min(i+8192, alerts)]); err != nil {
					b.Fatal(err)
				}
			}
			if c.again {
				warm := benchUpdates(alerts, alerts, true)
				for i := range warm {
					warm[i].Update.Alerts[0].Summary += " (warm)"
				}
				for i := 0; i < alerts; i += 8192 {
					if err := s.Apply(ctx, warm[i:min(i+8192, alerts)]); err != nil {
						b.Fatal(err)
					}
				}
			}
			ups := benchUpdates(64*batch, alerts, c.change)
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				start := (i * batch) % len(ups)
				if err := s.Apply(ctx, ups[start:start+batch]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}

// BenchmarkIngest hands updates to an Ingest from 4 goroutines, as the
// listener's readers do, and measures how many are committed a second.
// Each loop hands over 100,000 at once, so its p99 is that of a burst
// waiting in the queue; mauve-load measures latency at a steady rate.
func BenchmarkIngest(b *testing.B) {
	for _, vary := range []bool{false, true} {
		b.Run(fmt.Sprintf("changing=%v", vary), func(b *testing.B) {
			s, _ := mustOpen(b, store.Options{Decider: benchDecider{}})
			ups := benchUpdates(100000, 100000, vary)
			// Each loop waits for its updates to commit, told by the
			// ingest itself rather than found by polling.
			committed := make(chan int, 1024)
			in := store.NewIngest(s, store.IngestOptions{Committed: func(n int) { committed <- n }})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() { done <- in.Run(ctx) }()
			const perLoop = 100000
			b.ResetTimer()
			for b.Loop() {
				var wg sync.WaitGroup
				for r := range 4 {
					wg.Go(func() {
						for i := r; i < perLoop; i += 4 {
							u := ups[i]
							in.Handle(u.Update, from, time.Now())
						}
					})
				}
				for n := 0; n < perLoop; n += <-committed {
				}
				wg.Wait()
			}
			b.ReportMetric(float64(b.N*perLoop)/b.Elapsed().Seconds(), "updates/s")
			var m bytes.Buffer
			in.WriteMetrics(&m)
			b.ReportMetric(latencyQuantile(b, m.String(), 0.99)*1000, "p99-ms-burst")
			cancel()
			<-done
		})
	}
}

// benchDecider decides as a small policy would: one group, one person told
// of raises and clears, an hourly reminder while raised.
type benchDecider struct{}

func (benchDecider) Decide(c store.Change) store.Decision {
	d := store.Decision{Group: "default", Level: "normal"}
	switch c.Event {
	case store.EventRaised, store.EventCleared:
		d.Notifications = []store.Notification{{Person: "ops", Channels: []string{"log"}}}
	}
	if c.After.State == store.StateRaised {
		d.Reminders = c.After.Reminders
		if len(d.Reminders) == 0 {
			d.Reminders = []store.Reminder{{At: c.Now.Add(time.Hour)}}
		}
	}
	return d
}

// latencyQuantile estimates quantile q of mauve_ingest_latency_seconds from
// its buckets in Prometheus text, interpolating within the bucket as
// Prometheus' histogram_quantile does.
func latencyQuantile(tb testing.TB, text string, q float64) float64 {
	tb.Helper()
	type bucket struct{ le, cum float64 }
	var bs []bucket
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, `mauve_ingest_latency_seconds_bucket{le="`)
		if !ok {
			continue
		}
		le, count, _ := strings.Cut(rest, `"} `)
		b := bucket{le: math.Inf(1)}
		if le != "+Inf" {
			b.le, _ = strconv.ParseFloat(le, 64)
		}
		b.cum, _ = strconv.ParseFloat(count, 64)
		bs = append(bs, b)
	}
	if len(bs) == 0 || bs[len(bs)-1].cum == 0 {
		tb.Fatalf("no latency histogram in:\n%s", text)
	}
	rank := q * bs[len(bs)-1].cum
	lo, below := 0.0, 0.0
	for _, b := range bs {
		if b.cum >= rank {
			if math.IsInf(b.le, 1) {
				return lo
			}
			return lo + (b.le-lo)*(rank-below)/(b.cum-below)
		}
		lo, below = b.le, b.cum
	}
	return lo
}
