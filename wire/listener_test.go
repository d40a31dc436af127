package wire_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// fakeClock is a settable clock for the listener.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) set(t time.Time)         { c.ns.Store(t.UnixNano()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

type received struct {
	u    wire.Update
	from netip.AddrPort
	at   time.Time
}

// testListener runs a Listener on a loopback socket until the test ends.
type testListener struct {
	t      *testing.T
	l      *wire.Listener
	addr   string
	got    chan received
	sender net.Conn
	logs   *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startListener(t *testing.T, opts wire.ListenerOptions, handler func(wire.Update)) *testListener {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tl := &testListener{t: t, addr: pc.LocalAddr().String(), got: make(chan received, 100), logs: &syncBuffer{}}
	opts.Logger = slog.New(slog.NewTextHandler(tl.logs, nil))
	tl.l = wire.NewListener([]net.PacketConn{pc}, func(u wire.Update, from netip.AddrPort, at time.Time) {
		if handler != nil {
			handler(u)
		}
		tl.got <- received{u, from, at}
	}, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tl.l.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("Run did not return after cancel")
		}
		pc.Close()
	})
	tl.sender, err = net.Dial("udp4", tl.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tl.sender.Close() })
	return tl
}

func (tl *testListener) send(b []byte) {
	tl.t.Helper()
	if _, err := tl.sender.Write(b); err != nil {
		tl.t.Fatal(err)
	}
}

func (tl *testListener) sendUpdate(u wire.Update) {
	tl.t.Helper()
	b, err := wire.Encode(u)
	if err != nil {
		tl.t.Fatal(err)
	}
	tl.send(b)
}

// waitStats polls until the listener's counters satisfy cond, and returns
// them; after 5 s it returns them anyway for the caller to report.
func (tl *testListener) waitStats(cond func(wire.ListenerStats) bool) wire.ListenerStats {
	tl.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := tl.l.Stats()
		if cond(s) || time.Now().After(deadline) {
			return s
		}
		time.Sleep(time.Millisecond)
	}
}

// waitReceived polls until the listener has read n datagrams and settled
// each: counted as decoded or as rejected for a reason. (Received counts a
// datagram as it is read; the rest follow once it is decoded.)
func (tl *testListener) waitReceived(n uint64) wire.ListenerStats {
	tl.t.Helper()
	s := tl.waitStats(func(s wire.ListenerStats) bool {
		settled := s.Decoded
		for _, r := range s.Rejected {
			settled += r
		}
		return s.Received >= n && settled >= n
	})
	if s.Received < n {
		tl.t.Fatalf("listener read %d datagrams, want %d", s.Received, n)
	}
	return s
}

func (tl *testListener) next() received {
	tl.t.Helper()
	select {
	case r := <-tl.got:
		return r
	case <-time.After(5 * time.Second):
		tl.t.Fatal("no update reached the handler")
		return received{}
	}
}

func TestListener_AcceptsAndRejects(t *testing.T) {
	clock := &fakeClock{}
	clock.set(at(1764000000))
	key := []byte("k")
	keys := func(source string) ([]byte, bool) {
		switch source {
		case "signer":
			return key, true
		case "optional":
			return key, false
		}
		return nil, false
	}
	tl := startListener(t, wire.ListenerOptions{Keys: keys, Now: clock.now, Workers: 3}, nil)
	signed := func(id uint64, tt time.Time, k []byte) wire.Update {
		u, err := wire.Sign(wire.Update{TransmissionID: id, Source: "signer", Replace: true, TransmissionTime: tt}, k)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	now := clock.now()

	tl.sendUpdate(wire.Update{TransmissionID: 1, Source: "web", Alerts: []wire.Alert{{ID: "a", RaiseTime: now}}})
	r := tl.next()
	if r.u.Source != "web" || r.u.Alerts[0].ID != "a" || !r.at.Equal(now) {
		t.Errorf("handler got %+v at %v", r.u, r.at)
	}
	if want := tl.sender.LocalAddr().(*net.UDPAddr).AddrPort(); r.from != want {
		t.Errorf("from: got %v, want %v", r.from, want)
	}

	tl.sendUpdate(wire.Update{TransmissionID: 1, Source: "web"}) // duplicate
	tl.sendUpdate(wire.Update{TransmissionID: 0, Source: "zero"})
	tl.sendUpdate(wire.Update{TransmissionID: 0, Source: "zero"})                   // zero is never a duplicate
	tl.send([]byte{0x08, 0xff})                                                     // truncated varint
	tl.send(datagram(varint(1, 9)))                                                 // no source
	tl.send(datagram(str(2, "h"), msg(4, str(5, "no id"))))                         // alert without id
	tl.send(datagram(str(2, "h\xff")))                                              // invalid UTF-8 source
	tl.sendUpdate(wire.Update{TransmissionID: 20, Source: "signer", Replace: true}) // unsigned
	tl.sendUpdate(signed(21, now, []byte("wrong")))                                 // bad signature
	tl.sendUpdate(signed(22, now.Add(-time.Hour), key))                             // replayed
	tl.sendUpdate(signed(23, now, key))                                             // good
	opt, _ := wire.Sign(wire.Update{TransmissionID: 24, Source: "optional", Replace: true, TransmissionTime: now}, []byte("bad"))
	tl.sendUpdate(opt)                                                                // signed badly, though optional
	tl.sendUpdate(wire.Update{TransmissionID: 25, Source: "optional", Replace: true}) // unsigned, optional: fine
	s := tl.waitReceived(14)

	want := map[string]uint64{"too_large": 0, "malformed": 1, "missing_source": 1, "empty_id": 1, "invalid_utf8": 1,
		"bad_signature": 2, "unsigned": 1, "replay": 1, "duplicate": 1}
	for reason, n := range want {
		if s.Rejected[reason] != n {
			t.Errorf("rejected[%s]: got %d, want %d", reason, s.Rejected[reason], n)
		}
	}
	if s.Decoded != 5 || s.Duplicates != 1 || s.Received != 14 {
		t.Errorf("got received %d decoded %d duplicates %d, want 14, 5, 1", s.Received, s.Decoded, s.Duplicates)
	}
	var sources []string
	for range 4 {
		sources = append(sources, tl.next().u.Source)
	}
	slices.Sort(sources)
	if strings.Join(sources, " ") != "optional signer zero zero" {
		t.Errorf("accepted %q", sources)
	}

	var m bytes.Buffer
	tl.l.WriteMetrics(&m)
	for _, line := range []string{
		"mauve_datagrams_received_total 14\n",
		"mauve_datagrams_decoded_total 5\n",
		`mauve_datagrams_rejected_total{reason="bad_signature"} 2` + "\n",
		`mauve_datagrams_rejected_total{reason="too_large"} 0` + "\n",
		"mauve_datagrams_duplicate_total 1\n",
	} {
		if !strings.Contains(m.String(), line) {
			t.Errorf("metrics lack %q:\n%s", line, m.String())
		}
	}
}

func TestListener_DuplicateWindow(t *testing.T) {
	clock := &fakeClock{}
	clock.set(at(1764000000))
	tl := startListener(t, wire.ListenerOptions{Now: clock.now, DuplicateWindow: time.Minute}, nil)
	u := wire.Update{TransmissionID: 77, Source: "h", Replace: true}
	tl.sendUpdate(u)
	tl.next()
	clock.advance(59 * time.Second)
	tl.sendUpdate(u)
	if s := tl.waitReceived(2); s.Duplicates != 1 {
		t.Fatalf("within the window: got %d duplicates, want 1", s.Duplicates)
	}
	clock.advance(2 * time.Second)
	tl.sendUpdate(u)
	tl.next() // accepted again: the window has passed
}

func TestListener_SurvivesHandlerPanicAndLogsAtBoundedRate(t *testing.T) {
	clock := &fakeClock{}
	clock.set(at(1764000000))
	tl := startListener(t, wire.ListenerOptions{Now: clock.now, Workers: 1}, func(u wire.Update) {
		if u.Source == "boom" {
			panic("handler bug")
		}
	})
	tl.sendUpdate(wire.Update{TransmissionID: 1, Source: "boom"})
	for range 10 {
		tl.send([]byte("garbage"))
	}
	tl.waitReceived(11)
	clock.advance(2 * time.Second)
	tl.send([]byte("more garbage"))
	tl.waitReceived(12)
	tl.sendUpdate(wire.Update{TransmissionID: 2, Source: "fine"})
	if r := tl.next(); r.u.Source != "fine" {
		t.Errorf("after a handler panic: got %q, want fine", r.u.Source)
	}
	logs := tl.logs.String()
	if n := strings.Count(logs, "datagram rejected"); n != 2 {
		t.Errorf("logged %d rejections for 11 bad datagrams over 2s, want 2:\n%s", n, logs)
	}
	if !strings.Contains(logs, "suppressed=9") {
		t.Errorf("logs do not say 9 were suppressed:\n%s", logs)
	}
	if !strings.Contains(logs, "handler bug") {
		t.Errorf("logs do not mention the panic:\n%s", logs)
	}
}
