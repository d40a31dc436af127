package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// latencyStation is the real path from an accepted update to an SMTP DATA:
// the store (bbolt in t.TempDir(), fsync on), the real policy deciding,
// the worker on the real clock, and an SMTP server on loopback.
type latencyStation struct {
	store *store.Store
	peer  *smtpPeer
	stop  func()
}

func startLatencyStation(tb testing.TB) *latencyStation {
	tb.Helper()
	peer := startSMTP(tb)
	p := stationPolicy(tb, peer.addr)
	s, err := store.Open(filepath.Join(tb.TempDir(), "mauve.db"), store.Options{Decider: p})
	if err != nil {
		tb.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	chans, err := notify.NewChannels(p, logger)
	if err != nil {
		tb.Fatal(err)
	}
	w := notify.NewWorker(notify.WorkerOptions{
		Outbox:   s,
		Policy:   func() *policy.Policy { return p },
		Channels: func() map[string]notify.Channel { return chans },
		Logger:   logger,
	})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = w.Run(ctx) })
	ls := &latencyStation{store: s, peer: peer}
	ls.stop = func() {
		cancel()
		wg.Wait()
		notify.CloseChannels(chans)
		_ = s.Close()
	}
	tb.Cleanup(ls.stop)
	return ls
}

// apply raises ids of source in one Store.Apply and returns when it began.
func (ls *latencyStation) apply(tb testing.TB, source string, ids []string) time.Time {
	tb.Helper()
	start := time.Now()
	u := wire.Update{Source: source}
	for _, id := range ids {
		u.Alerts = append(u.Alerts, wire.Alert{ID: id, RaiseTime: start, Summary: "storm"})
	}
	if err := ls.store.Apply(context.Background(), []store.Received{{Update: u, ReceivedAt: start}}); err != nil {
		tb.Fatal(err)
	}
	return start
}

// TestLatency_Storm queues a storm of 1,000 alerts (in ten group commits of
// 100, as the ingest batches a burst of datagrams) and measures, per alert,
// the time from the start of its Store.Apply to the end of its SMTP DATA.
// It asserts only that every mail arrives exactly once; the figures are
// logged (go test -run TestLatency_Storm -v ./notify/).
func TestLatency_Storm(t *testing.T) {
	const storm, batch = 1000, 100
	ls := startLatencyStation(t)
	applied := make(map[string]time.Time, storm)
	start := time.Now()
	for b := range storm / batch {
		ids := make([]string, batch)
		for i := range ids {
			ids[i] = fmt.Sprintf("a%04d", b*batch+i)
		}
		at := ls.apply(t, "storm", ids)
		for _, id := range ids {
			applied["storm/"+id] = at
		}
	}
	queued := time.Since(start)
	lat := make([]time.Duration, 0, storm)
	seen := map[string]bool{}
	var first, last time.Time
	for i := range storm {
		r := ls.peer.wait(t)
		if i == 0 {
			first = r.At
		}
		last = r.At
		id := r.Msg.Header.Get("X-Mauve-Alert")
		if seen[id] {
			t.Errorf("%s mailed twice", id)
		}
		seen[id] = true
		lat = append(lat, r.At.Sub(applied[id]))
	}
	p50, p99, pmax := percentiles(lat)
	t.Logf("storm of %d alerts (queued in %v, mailed in %v), Apply → SMTP DATA: p50 %v, p99 %v, max %v",
		storm, queued.Round(time.Millisecond), last.Sub(first).Round(time.Millisecond),
		p50.Round(time.Millisecond), p99.Round(time.Millisecond), pmax.Round(time.Millisecond))
}

// BenchmarkLatency_ApplyToData measures one alert at a time on an idle
// station: Store.Apply of a raise to the end of its SMTP DATA.
func BenchmarkLatency_ApplyToData(b *testing.B) {
	ls := startLatencyStation(b)
	var lat []time.Duration
	i := 0
	for b.Loop() {
		i++
		at := ls.apply(b, "bench", []string{fmt.Sprintf("b%d", i)})
		r := ls.peer.wait(b)
		lat = append(lat, r.At.Sub(at))
	}
	p50, p99, _ := percentiles(lat)
	b.ReportMetric(float64(p50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
}

func percentiles(ds []time.Duration) (p50, p99, pmax time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return at(0.50), at(0.99), s[len(s)-1]
}
