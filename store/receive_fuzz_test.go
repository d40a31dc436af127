package store_test

import (
	"context"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// FuzzReceive runs datagrams through the whole receive path, a Listener's
// Receive into Store.Apply, against a store whose policy makes
// "core-router" sign and where core-router already has alerts. Whatever
// arrives, nothing panics, every accepted update applies, and core-router's
// alerts change only through an update signed with its key.
func FuzzReceive(f *testing.F) {
	pol := protectedPolicy(f)
	s, _ := mustOpen(f, store.Options{NoSync: true})
	ctx := context.Background()
	now := func() time.Time { return t0 }
	key := []byte(routerKey)

	// core-router's alerts, as a signed update left them.
	if err := s.Apply(ctx, []store.Received{{ReceivedAt: t0, Update: wire.Update{Source: "core-router",
		Alerts: []wire.Alert{{ID: "bgp", Summary: "BGP session down"}, {ID: "fan", Summary: "fan 2 failed"}}}}}); err != nil {
		f.Fatal(err)
	}

	var (
		applied  *wire.Update
		applyErr error
	)
	l := wire.NewListener(nil, func(u wire.Update, _ netip.AddrPort, at time.Time) {
		applied = &u
		applyErr = s.Apply(ctx, []store.Received{{Update: u, ReceivedAt: at}})
	}, wire.ListenerOptions{Keys: pol.SenderKey, Now: now, MaxAlerts: 50})
	from := netip.MustParseAddrPort("192.0.2.1:4000")

	encode := func(u wire.Update) []byte {
		b, err := wire.Encode(u)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	sign := func(u wire.Update) []byte {
		u.TransmissionTime = t0
		su, err := wire.Sign(u, key)
		if err != nil {
			f.Fatal(err)
		}
		return encode(su)
	}
	f.Add(sign(wire.Update{TransmissionID: 1, Source: "core-router", Alerts: []wire.Alert{{ID: "psu", Summary: "PSU 1"}}}))
	f.Add(sign(wire.Update{TransmissionID: 2, Source: "core-router", Replace: true, Alerts: []wire.Alert{{ID: "bgp"}}}))
	f.Add(sign(wire.Update{Source: "core-router", Alerts: []wire.Alert{{ID: "fan", ClearTime: t0}}}))
	f.Add(encode(wire.Update{TransmissionID: 3, Source: "core-router", Replace: true}))
	f.Add(encode(wire.Update{TransmissionID: 4, Source: "web1", Replace: true,
		Alerts: []wire.Alert{{ID: "disk", Subject: "db<b>1</b>", Detail: "<p>full</p>", RaiseTime: t0}}}))
	f.Add(encode(wire.Update{TransmissionID: 5, Source: "web1", TransmissionTime: t0.Add(-time.Hour),
		Alerts: []wire.Alert{{ID: "old", RaiseTime: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)}, {ID: "ok", ClearTime: t0}}}))
	for i, src := range spoofs {
		f.Add(rawUpdate(uint64(100+i), src, true, "", time.Time{}))
		f.Add(rawUpdate(uint64(200+i), src, false, "bgp", t0))
	}
	f.Add(rawUpdate(300, "web1", false, "id\xff\x00", t0))
	f.Add([]byte{0x08, 0xff})

	f.Fuzz(func(t *testing.T, b []byte) {
		before := sourceAlerts(t, s, "core-router")
		applied, applyErr = nil, nil
		l.Receive(b, from)
		if applyErr != nil {
			t.Fatalf("an accepted update did not apply: %v\nupdate %+v", applyErr, *applied)
		}
		after := sourceAlerts(t, s, "core-router")
		if reflect.DeepEqual(before, after) {
			return
		}
		if applied == nil || len(applied.Signature) == 0 || applied.Source != "core-router" {
			t.Fatalf("core-router's alerts changed by an update not signed by it: %+v\nbefore %s\nafter  %s",
				applied, brief(before), brief(after))
		}
	})
}
