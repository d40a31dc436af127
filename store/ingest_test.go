package store_test

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

func startIngest(t *testing.T, s *store.Store, opts store.IngestOptions) (*store.Ingest, func()) {
	t.Helper()
	in := store.NewIngest(s, opts)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := in.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return in, func() { cancel(); wg.Wait() }
}

var from = netip.MustParseAddrPort("127.0.0.1:40000")

// Stopping drains: everything handed over before Run stops is committed.
func TestIngest_StopCommitsEverythingQueued(t *testing.T) {
	s, _ := mustOpen(t, store.Options{})
	in, stop := startIngest(t, s, store.IngestOptions{MaxBatch: 64})
	for i := range 5000 {
		in.Handle(wire.Update{Source: fmt.Sprintf("host%d", i%7), Alerts: []wire.Alert{{ID: fmt.Sprint(i)}}}, from, time.Now())
	}
	stop()
	st := in.Stats()
	if st.Accepted != 5000 || st.Queued != 0 {
		t.Errorf("accepted %d queued %d, want 5000 and 0", st.Accepted, st.Queued)
	}
	if got := s.Stats().UpdatesApplied; got != 5000 {
		t.Errorf("store applied %d, want 5000", got)
	}
	as, _ := s.List(store.Filter{State: store.StateRaised})
	if len(as) != 5000 {
		t.Errorf("raised alerts got %d, want 5000", len(as))
	}
	in.Handle(wire.Update{Source: "late"}, from, time.Now())
	if got := in.Stats().DroppedStop; got != 1 {
		t.Errorf("dropped after stop got %d, want 1", got)
	}
}

// A flooding source cannot starve a quiet one: each batch takes an equal
// share from every waiting source, so the quiet source's updates go out in
// the first batch even though the flood was queued first.
func TestIngest_FairnessAcrossSources(t *testing.T) {
	s, _ := mustOpen(t, store.Options{})
	in := store.NewIngest(s, store.IngestOptions{MaxBatch: 100})
	for i := range 2000 {
		in.Handle(wire.Update{Source: "flood", Alerts: []wire.Alert{{ID: fmt.Sprint(i)}}}, from, time.Now())
	}
	for i := range 10 {
		in.Handle(wire.Update{Source: "quiet", Alerts: []wire.Alert{{ID: fmt.Sprint(i)}}}, from, time.Now())
	}
	st := in.Stats()
	if st.DroppedFlood != 0 || st.Queued != 2010 {
		t.Errorf("dropped %d queued %d, want none dropped (below capacity) and 2010 queued", st.DroppedFlood, st.Queued)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch, stopSub := s.Subscribe()
	defer stopSub()
	done := make(chan error)
	go func() { done <- in.Run(ctx) }()
	// The first commit (100 updates) must hold all 10 quiet ones.
	quiet, seen := 0, 0
	for seen < 100 {
		c := <-ch
		seen++
		if c.After.Source == "quiet" {
			quiet++
		}
	}
	cancel()
	<-done
	if quiet != 10 {
		t.Errorf("quiet updates in the first batch: got %d, want 10", quiet)
	}
}

// The scheduler fires what falls due, and wakes early when a commit
// schedules something sooner than it was waiting for. synctest's bubble
// gives it a fake clock; there is no network here.
func TestScheduler_FiresOnTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _ := mustOpen(t, store.Options{})
		start := time.Now()
		apply := func(u wire.Update) {
			if err := s.Apply(context.Background(), []store.Received{{Update: u, ReceivedAt: time.Now()}}); err != nil {
				t.Fatal(err)
			}
		}
		apply(wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "late", ClearTime: start, RaiseTime: start.Add(time.Hour)}}})
		ctx, cancel := context.WithCancel(context.Background())
		sch := store.NewScheduler(s, store.SchedulerOptions{})
		done := make(chan error)
		go func() { done <- sch.Run(ctx) }()
		synctest.Wait()
		apply(wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "soon", ClearTime: start, RaiseTime: start.Add(time.Minute)}}})
		time.Sleep(time.Minute + time.Second)
		synctest.Wait()
		if a, _ := s.Get(store.Key{Source: "h", ID: "soon"}); a.State != store.StateRaised {
			t.Errorf("soon: got %s at +1m, want raised", a.State)
		}
		if a, _ := s.Get(store.Key{Source: "h", ID: "late"}); a.State != store.StateCleared {
			t.Errorf("late: got %s at +1m, want cleared", a.State)
		}
		time.Sleep(time.Hour)
		synctest.Wait()
		if a, _ := s.Get(store.Key{Source: "h", ID: "late"}); a.State != store.StateRaised || !a.RaisedAt.Equal(start.Add(time.Hour)) {
			t.Errorf("late: got %s raised at %v, want raised at %v", a.State, a.RaisedAt, start.Add(time.Hour))
		}
		cancel()
		<-done
	})
}
