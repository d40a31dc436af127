package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// One busy source with nothing else waiting loses nothing: an aggregator
// handing over 100,000 new alerts as fast as Handle takes them gets every
// one committed (today's per-source limit dropped 60% of such a burst).
func TestIngest_SingleBusySourceLosesNothing(t *testing.T) {
	s, _ := mustOpen(t, store.Options{NoSync: true})
	in, stop := startIngest(t, s, store.IngestOptions{})
	const n = 100000
	for i := range n {
		in.Handle(wire.Update{Source: "aggregator", Alerts: []wire.Alert{{ID: fmt.Sprintf("a%06d", i)}}}, from, time.Now())
	}
	stop()
	st := in.Stats()
	if st.DroppedFlood != 0 || st.DroppedFail != 0 || st.Accepted != n {
		t.Errorf("shed %d, failed %d, accepted %d; want 0, 0 and %d", st.DroppedFlood, st.DroppedFail, st.Accepted, n)
	}
	if got := s.Stats().UpdatesApplied; got != n {
		t.Errorf("store applied %d, want %d", got, n)
	}
}

// orderDecider records the sources of raises in the order they are
// applied.
type orderDecider struct {
	mu      sync.Mutex
	sources []string
}

func (d *orderDecider) Decide(c store.Change) store.Decision {
	if c.Event == store.EventRaised {
		d.mu.Lock()
		d.sources = append(d.sources, c.After.Source)
		d.mu.Unlock()
	}
	return store.Decision{}
}

// 10,000 flooding sources fill the station to capacity; Handle does not
// block (nothing commits yet), the flood is shed, and a quiet source's one
// update still gets in and is committed within one round over the sources,
// ahead of most of the flood queued before it.
func TestIngest_FloodOfSourcesLetsTheQuietOneThrough(t *testing.T) {
	d := &orderDecider{}
	s, _ := mustOpen(t, store.Options{Decider: d, NoSync: true})
	const sources, each, capacity = 10000, 5, 20000
	in := store.NewIngest(s, store.IngestOptions{MaxPending: capacity})
	handed := make(chan struct{})
	go func() {
		defer close(handed)
		for j := range each {
			for i := range sources {
				in.Handle(wire.Update{Source: fmt.Sprintf("flood%05d", i), Alerts: []wire.Alert{{ID: fmt.Sprint(j)}}}, from, time.Now())
			}
		}
		in.Handle(wire.Update{Source: "quiet", Alerts: []wire.Alert{{ID: "disk"}}}, from, time.Now())
	}()
	select {
	case <-handed:
	case <-time.After(time.Minute):
		t.Fatal("Handle blocked with the queue full and nothing committing")
	}
	st := in.Stats()
	if st.Queued != capacity || st.DroppedFlood != sources*each+1-capacity {
		t.Fatalf("queued %d, shed %d; want %d queued and %d shed", st.Queued, st.DroppedFlood, capacity, sources*each+1-capacity)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- in.Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.sources) != capacity {
		t.Fatalf("raised %d, want the %d queued", len(d.sources), capacity)
	}
	pos := -1
	for i, src := range d.sources {
		if src == "quiet" {
			pos = i
		}
	}
	t.Logf("the quiet update was applied %dth of %d", pos+1, capacity)
	if pos < 0 || pos > sources {
		t.Errorf("the quiet update was applied %dth of %d; want it within one round over the %d sources", pos+1, capacity, sources)
	}
}

// Shedding raises the station's own alert, saying how much, how and from
// whom, through the store; it clears once a minute passes without loss.
// synctest's bubble gives Run's ticker a fake clock.
func TestIngest_LossRaisesAndClearsStationAlert(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &recordingDecider{}
		s, _ := mustOpen(t, store.Options{Decider: d})
		var kernel atomic.Uint64
		in := store.NewIngest(s, store.IngestOptions{MaxPending: 10, LossSource: "station1",
			KernelDrops: kernel.Load})
		for i := range 25 {
			in.Handle(wire.Update{Source: "flood", Alerts: []wire.Alert{{ID: fmt.Sprint(i)}}}, from, time.Now())
		}
		in.Handle(wire.Update{Source: "quiet", Alerts: []wire.Alert{{ID: "disk"}}}, from, time.Now())
		kernel.Store(7)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- in.Run(ctx) }()
		key := store.Key{Source: "station1", ID: store.LossAlertID}
		time.Sleep(5 * time.Second)
		synctest.Wait()
		a, err := s.Get(key)
		if err != nil || a.State != store.StateRaised {
			t.Fatalf("after shedding: %s/%s is %q (%v), want raised", key.Source, key.ID, a.State, err)
		}
		for _, want := range []string{"lost since ", "16 updates shed at capacity", "7 datagrams dropped by the kernel", "most from flood (16)"} {
			if !strings.Contains(a.Summary, want) {
				t.Errorf("summary %q does not say %q", a.Summary, want)
			}
		}
		if q, _ := s.Get(store.Key{Source: "quiet", ID: "disk"}); q.State != store.StateRaised {
			t.Errorf("quiet/disk is %q, want raised", q.State)
		}
		time.Sleep(30 * time.Second)
		synctest.Wait()
		if a, _ := s.Get(key); a.State != store.StateRaised {
			t.Errorf("30s without loss: %q, want still raised", a.State)
		}
		time.Sleep(40 * time.Second)
		synctest.Wait()
		a, _ = s.Get(key)
		if a.State != store.StateCleared || !strings.Contains(a.Summary, "no loss since") {
			t.Errorf("70s without loss: %q %q, want cleared, saying no loss since", a.State, a.Summary)
		}
		cancel()
		<-done
		var told []store.EventKind
		d.mu.Lock()
		for _, c := range d.changes {
			if c.After.Source == "station1" {
				told = append(told, c.Event)
			}
		}
		d.mu.Unlock()
		if fmt.Sprint(told) != "[raised cleared]" {
			t.Errorf("the Decider heard of the loss alert's %v, want [raised cleared]", told)
		}
	})
}

// The queue is bounded by the decoded size of what waits, not only by
// count: updates of a thousand alerts each fill it after a few, and what
// waits never exceeds the bound however many arrive.
func TestIngest_QueueBoundedByBytes(t *testing.T) {
	s, _ := mustOpen(t, store.Options{NoSync: true})
	const bound = 1 << 20
	in := store.NewIngest(s, store.IngestOptions{MaxPendingBytes: bound})
	alerts := make([]wire.Alert, 1000)
	for i := range alerts {
		alerts[i].ID = string(rune('a' + i%26))
	}
	for i := range 200 {
		in.Handle(wire.Update{Source: fmt.Sprintf("big%d", i%2), Alerts: alerts}, from, time.Now())
		if st := in.Stats(); st.QueuedBytes > bound {
			t.Fatalf("after %d updates: %d bytes queued, want at most %d", i+1, st.QueuedBytes, bound)
		}
	}
	st := in.Stats()
	if st.Queued == 0 || st.Queued >= 200 || st.DroppedFlood != uint64(200-st.Queued) {
		t.Errorf("queued %d (%d bytes), shed %d; want some queued, the rest of 200 shed", st.Queued, st.QueuedBytes, st.DroppedFlood)
	}
	t.Logf("%d updates of 1000 alerts queued in %d bytes", st.Queued, st.QueuedBytes)
}
