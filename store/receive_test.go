package store_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// routerKey is the secret "core-router" must sign with in protectedPolicy.
const routerKey = "router secret"

// protectedPolicy loads a station config whose sender_key protects
// "core-router".
func protectedPolicy(t testing.TB) *policy.Policy {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mauve.hcl")
	conf := `station {
  name = "test"
}

sender_key "routers" {
  secret  = "` + routerKey + `"
  sources = ["core-router"]
}
`
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := policy.Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return p
}

// udpStation is the receive path of a station: a loopback socket, a
// Listener and an Ingest committing to a store, running until the test
// ends.
type udpStation struct {
	t    *testing.T
	s    *store.Store
	in   *store.Ingest
	l    *wire.Listener
	addr string
}

func startUDPStation(t *testing.T, opts wire.ListenerOptions) *udpStation {
	t.Helper()
	s, _ := mustOpen(t, store.Options{NoSync: true})
	in := store.NewIngest(s, store.IngestOptions{})
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := wire.NewListener([]net.PacketConn{pc}, in.Handle, opts)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = in.Run(ctx) })
	wg.Go(func() { _ = l.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		pc.Close()
	})
	return &udpStation{t: t, s: s, in: in, l: l, addr: pc.LocalAddr().String()}
}

// settled waits until the listener has read n datagrams, settled each
// (accepted or refused), and every accepted one is committed.
func (st *udpStation) settled(n uint64) wire.ListenerStats {
	st.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := st.l.Stats()
		done := s.Decoded
		for _, r := range s.Rejected {
			done += r
		}
		if s.Received >= n && done >= n && st.in.Stats().Accepted >= s.Decoded {
			return s
		}
		if time.Now().After(deadline) {
			st.t.Fatalf("after 20s: listener %+v, ingest %+v; want %d datagrams settled and committed", s, st.in.Stats(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// rawUpdate encodes an update the way a hostile sender may, without
// wire.Encode's checks: a replace and one cleared alert.
func rawUpdate(id uint64, source string, replace bool, clearID string, clearAt time.Time) []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, id)
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	b = protowire.AppendString(b, source)
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	b = protowire.AppendVarint(b, protowire.EncodeBool(replace))
	if clearID != "" {
		var a []byte
		a = protowire.AppendTag(a, 1, protowire.BytesType)
		a = protowire.AppendString(a, clearID)
		a = protowire.AppendTag(a, 3, protowire.VarintType)
		a = protowire.AppendVarint(a, uint64(clearAt.Unix()))
		b = protowire.AppendTag(b, 4, protowire.BytesType)
		b = protowire.AppendBytes(b, a)
	}
	return b
}

// spoofs are sources a station used to clean into "core-router" after the
// sender_key check had passed them as some other name.
var spoofs = []string{"core-router\x00", "core-rout<b></b>er", "core&#45;router", "core-router ", "\x1bcore-router"}

func sourceAlerts(t testing.TB, s *store.Store, source string) []store.Alert {
	t.Helper()
	as, err := s.List(store.Filter{Source: source})
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// Issue 12.1: unsigned datagrams whose source is the protected name with a
// NUL, a tag or an entity in it, with replace, change nothing of the
// protected source; before, the store cleaned them into "core-router"
// after the key check and cleared all its alerts. Real UDP, real store.
func TestReceive_SignedSourceCannotBeSpoofed(t *testing.T) {
	pol := protectedPolicy(t)
	st := startUDPStation(t, wire.ListenerOptions{Keys: pol.SenderKey})
	ctx := context.Background()
	raise := wire.Update{TransmissionID: wire.NewTransmissionID(), Source: "core-router",
		Alerts: []wire.Alert{{ID: "bgp", Summary: "BGP session down"}, {ID: "fan", Summary: "fan 2 failed"}}}
	if err := wire.Send(ctx, raise, []string{st.addr}, wire.SendOptions{Key: []byte(routerKey)}); err != nil {
		t.Fatal(err)
	}
	st.settled(1)
	before := sourceAlerts(t, st.s, "core-router")
	if len(before) != 2 {
		t.Fatalf("core-router has %d alerts, want 2", len(before))
	}

	c, err := net.Dial("udp4", st.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sent := uint64(1)
	for i, src := range spoofs {
		for _, d := range [][]byte{
			rawUpdate(uint64(1000+2*i), src, true, "", time.Time{}),
			rawUpdate(uint64(1001+2*i), src, true, "bgp", time.Now()),
		} {
			if _, err := c.Write(d); err != nil {
				t.Fatal(err)
			}
			sent++
		}
	}
	s := st.settled(sent)
	if got, want := s.Rejected[wire.ReasonUncleanSource], uint64(2*len(spoofs)); got != want || s.Decoded != 1 {
		t.Errorf("got %d unclean_source rejections and %d decoded, want %d and 1", got, s.Decoded, want)
	}
	after := sourceAlerts(t, st.s, "core-router")
	if !reflect.DeepEqual(after, before) {
		t.Errorf("core-router's alerts changed by unsigned datagrams:\nbefore %s\nafter  %s", brief(before), brief(after))
	}
	for _, a := range after {
		if a.State != store.StateRaised {
			t.Errorf("core-router/%s is %s, want raised", a.ID, a.State)
		}
	}
}

// brief is a short form of alerts for failure messages.
func brief(as []store.Alert) string {
	var b []byte
	for _, a := range as {
		b = fmt.Appendf(b, "%s/%s %s (updated %s); ", a.Source, a.ID, a.State, a.UpdatedAt.Format(time.StampMicro))
	}
	return string(b)
}

// Issue 12.5: a sender's raise and the clear it sends just after arrive in
// that order, even from two different sockets (as two `mauve send` runs
// would): thousands of back-to-back pairs through a listener with several
// workers, as the station runs it, all end cleared.
func TestReceive_RaiseThenClearKeepsOrder(t *testing.T) {
	st := startUDPStation(t, wire.ListenerOptions{Workers: 4})
	const pairs, sources = 3000, 4
	var conns [2]net.Conn
	for i := range conns {
		c, err := net.Dial("udp4", st.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	// At most this many datagrams unread at a time, so that even a
	// kernel's default receive buffer drops none.
	const inFlight = 64
	var sent uint64
	send := func(c net.Conn, u wire.Update) {
		t.Helper()
		b, err := wire.Encode(u)
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for sent-st.l.Stats().Received >= inFlight {
			if time.Now().After(deadline) {
				t.Fatalf("the listener read %d of %d datagrams in 20s", st.l.Stats().Received, sent)
			}
			time.Sleep(100 * time.Microsecond)
		}
		if _, err := c.Write(b); err != nil {
			t.Fatal(err)
		}
		sent++
	}
	now := time.Now()
	for i := range pairs {
		src, id := fmt.Sprintf("order-%d", i%sources), fmt.Sprintf("a%d", i)
		send(conns[0], wire.Update{TransmissionID: uint64(2*i + 1), Source: src,
			Alerts: []wire.Alert{{ID: id, RaiseTime: now}}})
		send(conns[1], wire.Update{TransmissionID: uint64(2*i + 2), Source: src,
			Alerts: []wire.Alert{{ID: id, ClearTime: now}}})
	}
	if s := st.settled(sent); s.Decoded != sent {
		t.Fatalf("decoded %d of %d: %+v", s.Decoded, sent, s)
	}
	raised, err := st.s.List(store.Filter{State: store.StateRaised})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range raised {
		if i == 5 {
			t.Errorf("... %d in all", len(raised))
			break
		}
		t.Errorf("%s/%s is raised: its clear was applied before its raise", a.Source, a.ID)
	}
	all, err := st.s.List(store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != pairs {
		t.Errorf("the store holds %d alerts, want %d", len(all), pairs)
	}
}
