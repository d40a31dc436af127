package store_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// Duplicates are dropped by the listener before they reach the store: a
// replayed transmission (same id) that would clear the alert changes
// nothing, a new transmission does. Real UDP on loopback.
func TestIngest_DuplicatesThroughTheListener(t *testing.T) {
	s, _ := mustOpen(t, store.Options{})
	in := store.NewIngest(s, store.IngestOptions{})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	l := wire.NewListener([]net.PacketConn{pc}, in.Handle, wire.ListenerOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { in.Run(ctx) })
	wg.Go(func() { l.Run(ctx) })
	defer func() { cancel(); wg.Wait() }()

	send := func(u wire.Update) {
		t.Helper()
		if err := wire.Send(context.Background(), u, []string{pc.LocalAddr().String()}, wire.SendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitAccepted := func(n uint64) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for in.Stats().Accepted < n || l.Stats().Received < n {
			if time.Now().After(deadline) {
				t.Fatalf("accepted %d, want %d", in.Stats().Accepted, n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	u := wire.Update{TransmissionID: 77, Source: "host1", Alerts: []wire.Alert{{ID: "x"}}}
	send(u)
	waitAccepted(1)
	replay := u
	replay.Alerts = []wire.Alert{{ID: "x", ClearTime: time.Now()}}
	send(replay)
	deadline := time.Now().Add(5 * time.Second)
	for l.Stats().Duplicates < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the replay was not counted as a duplicate: %+v", l.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if a, _ := s.Get(x); a.State != store.StateRaised {
		t.Errorf("after a replayed clear: got %s, want raised", a.State)
	}
	replay.TransmissionID = 78
	send(replay)
	waitAccepted(2)
	if a, _ := s.Get(x); a.State != store.StateCleared {
		t.Errorf("after a new clear: got %s, want cleared", a.State)
	}
}
