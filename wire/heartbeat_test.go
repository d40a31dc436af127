package wire_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

func TestHeartbeat_SendsClearNowRaiseLater(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	h := &wire.Heartbeat{
		Source:       "alerts1.example.com",
		Destinations: []string{pc.LocalAddr().String()},
		Every:        time.Hour, // only the first beat, sent at once, is awaited
		RaiseAfter:   10 * time.Minute,
		Summary:      "alerts1 is silent",
		Now:          func() time.Time { return now },
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	buf := make([]byte, wire.MaxDatagram)
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no heartbeat arrived: %v", err)
	}
	u, err := wire.Decode(buf[:n])
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if u.Source != "alerts1.example.com" || len(u.Alerts) != 1 {
		t.Fatalf("got source %q with %d alerts, want alerts1.example.com with 1", u.Source, len(u.Alerts))
	}
	a := u.Alerts[0]
	if a.ID != "mauve-heartbeat" || !a.ClearTime.Equal(now) || !a.RaiseTime.Equal(now.Add(10*time.Minute)) || a.Summary != "alerts1 is silent" {
		t.Errorf("got id %q clear %v raise %v summary %q, want mauve-heartbeat, %v, %v, alerts1 is silent",
			a.ID, a.ClearTime, a.RaiseTime, a.Summary, now, now.Add(10*time.Minute))
	}
}

// Without a raise_after the heartbeat raises after classic's 310 s, under
// classic's id (SPEC.md section 12).
func TestHeartbeat_ClassicDefaults(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	u := (&wire.Heartbeat{Source: "alerts1"}).Update(now)
	if len(u.Alerts) != 1 {
		t.Fatalf("got %d alerts, want 1", len(u.Alerts))
	}
	a := u.Alerts[0]
	if a.ID != "mauve-heartbeat" || !a.ClearTime.Equal(now) || a.RaiseTime.Sub(now) != 310*time.Second {
		t.Errorf("got id %q clear %v raise after %v, want mauve-heartbeat, %v, 310s", a.ID, a.ClearTime, a.RaiseTime.Sub(now), now)
	}
}
