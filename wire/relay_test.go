package wire_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// startRelay runs a Relay on a loopback socket until the test ends, and
// checks that it stops cleanly when cancelled.
func startRelay(t *testing.T, dests []string, opts wire.RelayOptions) (*wire.Relay, string, *syncBuffer) {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	}
	r, err := wire.NewRelay([]net.PacketConn{pc}, dests, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("relay Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("relay Run did not return after cancel")
		}
		pc.Close()
	})
	return r, pc.LocalAddr().String(), logs
}

// udpSink is a plain UDP socket standing in for a station, keeping every
// datagram as it came.
type udpSink struct {
	t    *testing.T
	addr string
	got  chan []byte
}

func startReceiver(t *testing.T) *udpSink {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rc := &udpSink{t: t, addr: pc.LocalAddr().String(), got: make(chan []byte, 1000)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 70000)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			rc.got <- bytes.Clone(buf[:n])
		}
	}()
	t.Cleanup(func() { pc.Close(); <-done })
	return rc
}

func (rc *udpSink) next() []byte {
	rc.t.Helper()
	select {
	case b := <-rc.got:
		return b
	case <-time.After(10 * time.Second):
		rc.t.Fatalf("nothing reached %s", rc.addr)
		return nil
	}
}

// waitRelay polls the relay's counters until cond holds, failing after 10 s.
func waitRelay(t *testing.T, r *wire.Relay, what string, cond func(wire.RelayStats) bool) wire.RelayStats {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := r.Stats()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: relay stats %+v", what, s)
		}
		time.Sleep(time.Millisecond)
	}
}

// A signed update sent through a relay arrives byte for byte as sent
// directly, and a station holding the sender's key accepts it.
func TestRelay_ForwardsBytesUnchanged(t *testing.T) {
	key := []byte("s3cret")
	direct, relayed := startReceiver(t), startReceiver(t)
	_, relayAddr, _ := startRelay(t, []string{relayed.addr}, wire.RelayOptions{})

	u := wire.Update{Source: "core-router", Alerts: []wire.Alert{{ID: "bgp", Summary: "peer 192.0.2.1 down", RaiseTime: time.Now()}}}
	if err := wire.Send(context.Background(), u, []string{direct.addr, relayAddr}, wire.SendOptions{Key: key}); err != nil {
		t.Fatal(err)
	}
	want, got := direct.next(), relayed.next()
	if !bytes.Equal(got, want) {
		t.Fatalf("relayed datagram differs from the one sent:\n got %x\nwant %x", got, want)
	}

	var verified []wire.Update
	var mu sync.Mutex
	station := startListener(t, wire.ListenerOptions{
		Keys: func(source string) ([]byte, bool) { return key, source == "core-router" },
	}, func(u wire.Update) { mu.Lock(); verified = append(verified, u); mu.Unlock() })
	station.send(got)
	if r := station.next(); r.u.Source != "core-router" || len(r.u.Alerts) != 1 || r.u.Alerts[0].Summary != "peer 192.0.2.1 down" {
		t.Errorf("station accepted %+v", r.u)
	}
	if s := station.l.Stats(); s.Rejected[wire.ReasonBadSignature] != 0 {
		t.Errorf("station refused the relayed signature: %+v", s)
	}
}

// A sender sends one update to two relays and the station; relay A also
// forwards to relay B. Relay B forwards the copy it gets twice once, and the
// station applies the update once out of the three copies that reach it.
func TestRelay_TwoPathsDeliverOnce(t *testing.T) {
	var applied []wire.Update
	var mu sync.Mutex
	station := startListener(t, wire.ListenerOptions{}, func(u wire.Update) { mu.Lock(); applied = append(applied, u); mu.Unlock() })
	b, bAddr, _ := startRelay(t, []string{station.addr}, wire.RelayOptions{})
	a, aAddr, _ := startRelay(t, []string{bAddr, station.addr}, wire.RelayOptions{})

	u := wire.Update{Source: "web1", Alerts: []wire.Alert{{ID: "http", Summary: "502s"}}}
	if err := wire.Send(context.Background(), u, []string{aAddr, bAddr, station.addr}, wire.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	waitRelay(t, a, "relay A to forward", func(s wire.RelayStats) bool { return s.Forwarded == 1 })
	sb := waitRelay(t, b, "relay B to see both copies", func(s wire.RelayStats) bool { return s.Received == 2 })
	if sb.Forwarded != 1 || sb.Duplicates != 1 {
		t.Errorf("relay B: forwarded %d, duplicates %d; want 1 and 1", sb.Forwarded, sb.Duplicates)
	}
	ss := station.waitReceived(3)
	if ss.Received != 3 || ss.Decoded != 1 || ss.Duplicates != 2 {
		t.Errorf("station: received %d, applied %d, duplicates %d; want 3, 1, 2", ss.Received, ss.Decoded, ss.Duplicates)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(applied) != 1 || applied[0].Alerts[0].Summary != "502s" {
		t.Errorf("station applied %+v, want the update once", applied)
	}
}

// Garbage, an update without a source and an oversized datagram are not
// forwarded; each is counted under its reason, and the log says so at a
// bounded rate.
func TestRelay_RefusesMalformed(t *testing.T) {
	clock := &fakeClock{}
	clock.set(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC))
	rc := startReceiver(t)
	r, addr, logs := startRelay(t, []string{rc.addr}, wire.RelayOptions{Now: clock.now})

	c, err := net.Dial("udp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte{0xff, 0xff, 0xff, 0x01}) // not protobuf
	c.Write([]byte{0x08, 0x07})             // transmission_id 7 and no source
	r.Receive(make([]byte, wire.MaxDatagram+1), netip.MustParseAddrPort("127.0.0.1:9"))
	good, err := wire.Encode(wire.Update{TransmissionID: 99, Source: "db1", Alerts: []wire.Alert{{ID: "disk"}}})
	if err != nil {
		t.Fatal(err)
	}
	c.Write(good)

	if got := rc.next(); !bytes.Equal(got, good) {
		t.Errorf("first datagram forwarded is %x, want the good update %x", got, good)
	}
	s := waitRelay(t, r, "four datagrams", func(s wire.RelayStats) bool { return s.Received == 4 && s.Forwarded == 1 })
	for reason, want := range map[string]uint64{wire.ReasonMalformed: 1, wire.ReasonMissingSource: 1, wire.ReasonTooLarge: 1} {
		if s.Rejected[reason] != want {
			t.Errorf("rejected %s: got %d, want %d (stats %+v)", reason, s.Rejected[reason], want, s)
		}
	}
	// The clock stood still: one log line for three rejections, and the
	// next, a second later, says how many were held back.
	if n := strings.Count(logs.String(), "datagram not relayed"); n != 1 {
		t.Errorf("%d rejection log lines in the same second, want 1:\n%s", n, logs)
	}
	clock.advance(2 * time.Second)
	r.Receive([]byte{0xff}, netip.MustParseAddrPort("127.0.0.1:9"))
	if !strings.Contains(logs.String(), "suppressed=2") {
		t.Errorf("log does not say two lines were held back:\n%s", logs)
	}
	select {
	case b := <-rc.got:
		t.Errorf("a refused datagram was forwarded: %x", b)
	default:
	}
}

// blockingResolver answers from a zone whose hosts the test may change,
// fails for down.test and hangs for slow.test until the look-up is given
// up.
type blockingResolver struct {
	mu    sync.Mutex
	hosts map[string]string
	srv   map[string][]*net.SRV
}

func (b *blockingResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	if name == "slow.test" {
		<-ctx.Done()
		return "", nil, ctx.Err()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if s, ok := b.srv[name]; ok {
		return "", s, nil
	}
	return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (b *blockingResolver) LookupNetIP(ctx context.Context, _, host string) ([]netip.Addr, error) {
	if host == "slow.test" {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if a, ok := b.hosts[host]; ok {
		return []netip.Addr{netip.MustParseAddr(a)}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// A destination whose port is closed, one whose name does not resolve and
// one whose look-up hangs do not keep datagrams from the live one; the
// closed port and the failed look-up are counted.
func TestRelay_DownDestinationDoesNotBlockOthers(t *testing.T) {
	closed, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.LocalAddr().String()
	closed.Close()
	live := startReceiver(t)
	res := &blockingResolver{hosts: map[string]string{}}
	r, addr, _ := startRelay(t, []string{closedAddr, "down.test:32741", "slow.test", live.addr}, wire.RelayOptions{Resolver: res})

	c, err := net.Dial("udp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	send := func(i int) []byte {
		b, err := wire.Encode(wire.Update{TransmissionID: uint64(1000 + i), Source: "db1", Alerts: []wire.Alert{{ID: fmt.Sprint("a", i)}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	for i := range 50 {
		want := send(i)
		if got := live.next(); !bytes.Equal(got, want) {
			t.Fatalf("datagram %d: live destination got %x, want %x", i, got, want)
		}
	}
	// The refused port shows once the kernel has had the ICMP answer to
	// an earlier datagram; keep sending until it has.
	for i := 50; ; i++ {
		s := r.Stats()
		if s.Destinations[0].SendErrors > 0 {
			break
		}
		if i > 5000 {
			t.Fatalf("no send error counted for the closed port: %+v", s)
		}
		send(i)
		live.next()
	}
	// A datagram is counted as sent just after the write that delivered it.
	s := waitRelay(t, r, "every datagram counted as sent to the live destination", func(s wire.RelayStats) bool {
		return s.Destinations[3].Sent == s.Forwarded
	})
	if d := s.Destinations[1]; d.LookupErrors == 0 || len(d.Addresses) != 0 {
		t.Errorf("down.test: %+v, want look-up errors and no address", d)
	}
	if d := s.Destinations[3]; d.SendErrors != 0 || d.Dropped != 0 {
		t.Errorf("live destination: %+v, want no errors", d)
	}
}

// Named destinations are looked up again: SRV first, and when the address
// behind the name changes, datagrams follow it.
func TestRelay_ReResolves(t *testing.T) {
	first, second := startReceiver(t), startReceiver(t)
	port := func(addr string) uint16 { return netip.MustParseAddrPort(addr).Port() }
	res := &blockingResolver{
		hosts: map[string]string{"a.test": "127.0.0.1"},
		srv:   map[string][]*net.SRV{"station.test": {{Target: "a.test.", Port: port(first.addr)}}},
	}
	r, addr, _ := startRelay(t, []string{"station.test"}, wire.RelayOptions{Resolver: res, ResolveEvery: 5 * time.Millisecond})
	c, err := net.Dial("udp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id := uint64(1)
	send := func() {
		id++
		b, err := wire.Encode(wire.Update{TransmissionID: id, Source: "db1", Alerts: []wire.Alert{{ID: "x"}}})
		if err != nil {
			t.Fatal(err)
		}
		c.Write(b)
	}
	send()
	first.next()

	res.mu.Lock()
	res.srv["station.test"] = []*net.SRV{{Target: "b.test.", Port: port(second.addr)}}
	res.hosts["b.test"] = "127.0.0.1"
	res.mu.Unlock()
	waitRelay(t, r, "the new SRV target", func(s wire.RelayStats) bool {
		a := s.Destinations[0].Addresses
		return len(a) == 1 && a[0].String() == second.addr
	})
	send()
	second.next()
}

func TestNewRelay_BadDestination(t *testing.T) {
	_, err := wire.NewRelay(nil, []string{"station1", "host:0"}, wire.RelayOptions{})
	if err == nil || !strings.Contains(err.Error(), `destination "host:0"`) {
		t.Errorf("got %v, want an error naming host:0", err)
	}
	if _, err := wire.NewRelay(nil, nil, wire.RelayOptions{}); err == nil {
		t.Error("no destinations: got no error")
	}
}
