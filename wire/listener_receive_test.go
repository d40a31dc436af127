package wire_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// receiver is a Listener without sockets, fed through Receive, that keeps
// what it accepts.
type receiver struct {
	l    *wire.Listener
	got  []wire.Update
	logs *syncBuffer
}

func newReceiver(opts wire.ListenerOptions) *receiver {
	r := &receiver{logs: &syncBuffer{}}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(r.logs, nil))
	}
	r.l = wire.NewListener(nil, func(u wire.Update, _ netip.AddrPort, _ time.Time) {
		r.got = append(r.got, u)
	}, opts)
	return r
}

var sender = netip.MustParseAddrPort("192.0.2.7:40000")

func (r *receiver) receive(t *testing.T, u wire.Update) {
	t.Helper()
	b, err := wire.Encode(u)
	if err != nil {
		t.Fatal(err)
	}
	r.l.Receive(b, sender)
}

// A source a station would clean into another name is refused before its
// key is looked up: "core-router\x00" and friends cannot pass for the
// protected "core-router", and are counted under their own reason.
func TestListener_UncleanSourceRefusedBeforeTheKey(t *testing.T) {
	clock := &fakeClock{}
	clock.set(at(1764000000))
	var asked []string
	r := newReceiver(wire.ListenerOptions{Now: clock.now, Keys: func(source string) ([]byte, bool) {
		asked = append(asked, source)
		if source == "core-router" {
			return []byte("k"), true
		}
		return nil, false
	}})
	spoofs := []string{"core-router\x00", "core-rout<b></b>er", "core&#45;router", " core-router", "core-router\n",
		"core-router\u0085", "core\x1b[2Jrouter"}
	for i, src := range spoofs {
		r.l.Receive(datagram(varint(1, uint64(i+1)), str(2, src), varint(3, 1)), sender)
	}
	if len(r.got) != 0 {
		t.Fatalf("accepted %d spoofed updates: %+v", len(r.got), r.got)
	}
	if len(asked) != 0 {
		t.Errorf("keys were looked up for %q; the source should be refused first", asked)
	}
	s := r.l.Stats()
	if s.Rejected[wire.ReasonUncleanSource] != uint64(len(spoofs)) || s.Received != uint64(len(spoofs)) {
		t.Errorf("got %d unclean_source of %d received, want %d", s.Rejected[wire.ReasonUncleanSource], s.Received, len(spoofs))
	}
	if logs := r.logs.String(); !strings.Contains(logs, "reason=unclean_source") || !strings.Contains(logs, "control character U+0000") {
		t.Errorf("the rejection log does not say why:\n%s", logs)
	}
}

// A signed update is remembered per source for the whole window: 140,000
// other datagrams, more than the shared list of ids holds, do not make a
// replay of it acceptable.
func TestListener_ReplayRefusedAfterJunk(t *testing.T) {
	clock := &fakeClock{}
	clock.set(at(1764000000))
	key := []byte("router key")
	r := newReceiver(wire.ListenerOptions{Now: clock.now, Keys: func(source string) ([]byte, bool) {
		if source == "core-router" {
			return key, true
		}
		return nil, false
	}})
	signed, err := wire.Sign(wire.Update{TransmissionID: 4242, Source: "core-router", Replace: true,
		TransmissionTime: clock.now()}, key)
	if err != nil {
		t.Fatal(err)
	}
	b, err := wire.Encode(signed)
	if err != nil {
		t.Fatal(err)
	}
	r.l.Receive(b, sender)
	if len(r.got) != 1 {
		t.Fatalf("the signed update was not accepted: %+v", r.l.Stats())
	}
	const junk = 140_000
	for i := range junk {
		r.l.Receive(datagram(varint(1, uint64(1_000_000+i)), str(2, fmt.Sprintf("junk%d", i%1000))), sender)
		if i%1000 == 0 {
			clock.advance(time.Millisecond) // 140 ms in all, well inside the window
		}
	}
	r.got = r.got[:0]
	clock.advance(4 * time.Minute)
	r.l.Receive(b, sender)
	if len(r.got) != 0 {
		t.Fatalf("a replay after %d junk datagrams was accepted", junk)
	}
	if s := r.l.Stats(); s.Duplicates != 1 || s.Decoded != junk+1 {
		t.Errorf("got %d duplicates and %d decoded, want 1 and %d", s.Duplicates, s.Decoded, junk+1)
	}
	// A signed update without a transmission id cannot be replayed either.
	zero, err := wire.Sign(wire.Update{Source: "core-router", Replace: true, TransmissionTime: clock.now()}, key)
	if err != nil {
		t.Fatal(err)
	}
	r.receive(t, zero)
	r.receive(t, zero)
	if len(r.got) != 1 {
		t.Errorf("a signed update with id 0 was accepted %d times, want once", len(r.got))
	}
	// Once its transmission time is a window old, verification refuses
	// it, whatever the de-duplicator has forgotten.
	clock.advance(6 * time.Minute)
	r.l.Receive(b, sender)
	if s := r.l.Stats(); s.Rejected[wire.ReasonReplay] != 1 || len(r.got) != 1 {
		t.Errorf("an old replay: got %d replay rejections and %d accepted, want 1 and 1", s.Rejected[wire.ReasonReplay], len(r.got))
	}
}

// manyAlerts is the attack datagram: a 64 KB update of 13,097 alerts with
// one-byte ids, which decodes to about a megabyte.
func manyAlerts() []byte {
	fields := []record{str(2, "h")}
	for range 13_097 {
		fields = append(fields, msg(4, str(1, "x")))
	}
	return datagram(fields...)
}

// An update with more alerts than MaxAlerts is refused whole before it is
// decoded: counting costs no allocation per alert, and the reason names
// the count and the limit.
func TestListener_TooManyAlerts(t *testing.T) {
	b := manyAlerts()
	if len(b) > wire.MaxDatagram {
		t.Fatalf("the attack datagram is %d bytes, over a datagram", len(b))
	}
	r := newReceiver(wire.ListenerOptions{})
	allocs := testing.AllocsPerRun(20, func() { r.l.Receive(b, sender) })
	if len(r.got) != 0 {
		t.Fatalf("accepted an update of 13,097 alerts")
	}
	// Decoding would allocate at least once per alert; refusing it costs
	// a handful (the error and its message).
	t.Logf("refusing the 64 KB datagram of 13,097 alerts: %.0f allocations", allocs)
	if allocs > 50 {
		t.Errorf("refusing it allocated %.0f times, want a handful", allocs)
	}
	s := r.l.Stats()
	if s.Rejected[wire.ReasonTooManyAlerts] != s.Received || s.Received == 0 {
		t.Errorf("got %d too_many_alerts of %d received", s.Rejected[wire.ReasonTooManyAlerts], s.Received)
	}
	if logs := r.logs.String(); !strings.Contains(logs, "holds 13097 alerts, over the limit of 1000") {
		t.Errorf("the log does not name the count and the limit:\n%s", logs)
	}

	// The limit is a setting; an update at the limit passes.
	r = newReceiver(wire.ListenerOptions{MaxAlerts: 3})
	u := wire.Update{TransmissionID: 1, Source: "h", Alerts: []wire.Alert{{ID: "a"}, {ID: "b"}, {ID: "c"}}}
	r.receive(t, u)
	u.TransmissionID, u.Alerts = 2, append(u.Alerts, wire.Alert{ID: "d"})
	r.receive(t, u)
	if len(r.got) != 1 || len(r.got[0].Alerts) != 3 {
		t.Errorf("with MaxAlerts 3: accepted %+v, want only the update of 3", r.got)
	}
	if s := r.l.Stats(); s.Rejected[wire.ReasonTooManyAlerts] != 1 {
		t.Errorf("with MaxAlerts 3: %d refused, want 1", s.Rejected[wire.ReasonTooManyAlerts])
	}
}

// Raise and clear times before 2000 or more than ten years ahead (after
// the sender's clock offset) take that alert out of the update, are
// counted and logged, and the rest of the update applies.
func TestListener_ImpossibleTimesRefusedPerAlert(t *testing.T) {
	clock := &fakeClock{}
	now := at(1764000000) // 2025-11-24
	clock.set(now)
	r := newReceiver(wire.ListenerOptions{Now: clock.now})
	r.receive(t, wire.Update{TransmissionID: 1, Source: "h", Replace: true, Alerts: []wire.Alert{
		{ID: "fine", RaiseTime: now},
		{ID: "ninety-nine", RaiseTime: time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{ID: "far", ClearTime: now.Add(11 * 365 * 24 * time.Hour)},
		{ID: "2106", RaiseTime: at(1 << 32)},
		{ID: "nine-years", RaiseTime: now.Add(9 * 365 * 24 * time.Hour)},
		{ID: "y2k", ClearTime: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)},
	}})
	// A sender whose clock reads 1970 says so in transmission_time: its
	// times are shifted, as the station applies them, and are fine.
	r.receive(t, wire.Update{TransmissionID: 2, Source: "reset-clock", TransmissionTime: at(1000),
		Alerts: []wire.Alert{{ID: "a", RaiseTime: at(1000)}}})
	if len(r.got) != 2 {
		t.Fatalf("accepted %d updates, want 2: %+v", len(r.got), r.l.Stats())
	}
	var ids []string
	for _, a := range r.got[0].Alerts {
		ids = append(ids, a.ID)
	}
	if got := strings.Join(ids, " "); got != "fine nine-years y2k" {
		t.Errorf("kept %q, want fine nine-years y2k", got)
	}
	if got := strings.Join(r.got[0].Refused, " "); got != "ninety-nine far 2106" {
		t.Errorf("Refused %q, want ninety-nine far 2106", got)
	}
	if len(r.got[1].Alerts) != 1 || r.got[1].Refused != nil {
		t.Errorf("the shifted times were refused: %+v", r.got[1])
	}
	if s := r.l.Stats(); s.BadTimes != 3 || s.Decoded != 2 {
		t.Errorf("got %d bad times and %d decoded, want 3 and 2", s.BadTimes, s.Decoded)
	}
	var m bytes.Buffer
	r.l.WriteMetrics(&m)
	if !strings.Contains(m.String(), `mauve_alerts_refused_total{reason="bad_time"} 3`) {
		t.Errorf("metrics lack the refused alerts:\n%s", m.String())
	}
	if logs := r.logs.String(); !strings.Contains(logs, `alert \"ninety-nine\" refused: raise time 1999-12-31T23:59:59Z is before 2000`) {
		t.Errorf("the log does not say which alert and why:\n%s", logs)
	}
}
