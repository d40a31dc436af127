package ui_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
	"github.com/mauve-alert/mauve/wire"
)

var p0 = time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)

// presenceStore opens a real store with one raised alert, src/a.
func presenceStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "mauve.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	up := wire.Update{Source: "src", Alerts: []wire.Alert{{ID: "a", RaiseTime: p0, Summary: "down"}}}
	if err := s.Apply(context.Background(), []store.Received{{Update: up, ReceivedAt: p0}}); err != nil {
		t.Fatal(err)
	}
	return s
}

func row(id uint64, ev store.EventKind, level store.Level) store.Notification {
	return store.Notification{ID: id, Source: "src", AlertID: "a", Person: "johnny", Event: ev, Level: level, Created: p0}
}

type holdWant struct {
	hold    bool
	recheck time.Time
}

func checkHold(t *testing.T, p *ui.PresenceRegistry, n store.Notification, now time.Time, want holdWant) {
	t.Helper()
	hold, recheck := p.Hold("johnny", n, now)
	if hold != want.hold || !recheck.Equal(want.recheck) {
		t.Errorf("Hold(row %d %s %s at +%s) = %v, %v; want %v, %v", n.ID, n.Event, n.Level, now.Sub(p0), hold, recheck, want.hold, want.recheck)
	}
}

func newRegistry(t *testing.T, s *store.Store, now *time.Time) *ui.PresenceRegistry {
	t.Helper()
	p, err := ui.NewPresenceRegistry(ui.PresenceOptions{Alerts: s, Hold: 5 * time.Minute, Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPresence_NobodyPresentDelivers(t *testing.T) {
	now := p0
	p := newRegistry(t, presenceStore(t), &now)
	checkHold(t, p, row(1, store.EventRaised, "urgent"), p0, holdWant{false, time.Time{}})
	var nilRegistry *ui.PresenceRegistry
	if hold, _ := nilRegistry.Hold("johnny", row(1, store.EventRaised, "urgent"), p0); hold {
		t.Error("a nil registry held a notification")
	}
}

// An urgent alert left unacknowledged on the client is delivered after the
// hold time: an empty desk never swallows an emergency.
func TestPresence_UrgentHeldUntilHoldTime(t *testing.T) {
	now := p0
	p := newRegistry(t, presenceStore(t), &now)
	leave := p.Join("johnny", "mauve-client/test")
	defer leave()
	n := row(1, store.EventRaised, "urgent")
	checkHold(t, p, n, p0, holdWant{true, p0.Add(5 * time.Minute)})
	checkHold(t, p, n, p0.Add(4*time.Minute), holdWant{true, p0.Add(5 * time.Minute)})
	checkHold(t, p, n, p0.Add(5*time.Minute), holdWant{false, time.Time{}})
}

func TestPresence_AcknowledgedWhileHeldIsDone(t *testing.T) {
	now := p0
	s := presenceStore(t)
	p := newRegistry(t, s, &now)
	leave := p.Join("johnny", "")
	n := row(1, store.EventRaised, "urgent")
	checkHold(t, p, n, p0, holdWant{true, p0.Add(5 * time.Minute)})
	if _, err := s.Acknowledge(store.Key{Source: "src", ID: "a"}, "johnny", p0.Add(time.Hour), "on it", p0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	leave() // even after the client went away, nothing is left to send
	checkHold(t, p, n, p0.Add(5*time.Minute), holdWant{true, time.Time{}})
}

// Less urgent alerts wait as long as the client stays, and go out when it
// leaves; the registry wakes the worker when that happens.
func TestPresence_LeaveReleases(t *testing.T) {
	now := p0
	p := newRegistry(t, presenceStore(t), &now)
	leave := p.Join("johnny", "")
	n := row(1, store.EventRaised, "normal")
	checkHold(t, p, n, p0, holdWant{true, p0.Add(5 * time.Minute)})
	checkHold(t, p, n, p0.Add(time.Hour), holdWant{true, p0.Add(time.Hour + 5*time.Minute)})
	leave()
	select {
	case <-p.Changed():
	default:
		t.Fatal("leaving did not signal Changed")
	}
	checkHold(t, p, n, p0.Add(time.Hour), holdWant{false, time.Time{}})
}

func TestPresence_NewsAndSupersededAreDone(t *testing.T) {
	now := p0
	p := newRegistry(t, presenceStore(t), &now)
	defer p.Join("johnny", "")()
	checkHold(t, p, row(1, store.EventCleared, "urgent"), p0, holdWant{true, time.Time{}})
	checkHold(t, p, row(2, store.EventRaised, "normal"), p0, holdWant{true, p0.Add(5 * time.Minute)})
	checkHold(t, p, row(3, store.EventReminder, "normal"), p0.Add(time.Minute), holdWant{true, p0.Add(6 * time.Minute)})
	// The older row is superseded by the reminder held after it.
	checkHold(t, p, row(2, store.EventRaised, "normal"), p0.Add(5*time.Minute), holdWant{true, time.Time{}})
}

// The hold time follows the policy in force (station client_hold).
func TestPresence_HoldFromPolicy(t *testing.T) {
	hold := time.Minute
	p, err := ui.NewPresenceRegistry(ui.PresenceOptions{Alerts: presenceStore(t), HoldFrom: func() time.Duration { return hold }})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Join("johnny", "")()
	checkHold(t, p, row(1, store.EventRaised, "urgent"), p0, holdWant{true, p0.Add(time.Minute)})
	hold = 0 // unset: the default
	checkHold(t, p, row(2, store.EventRaised, "normal"), p0, holdWant{true, p0.Add(ui.DefaultClientHold)})
}

func TestPresence_List(t *testing.T) {
	now := p0
	p := newRegistry(t, presenceStore(t), &now)
	l1 := p.Join("johnny", "mauve-client/1")
	now = p0.Add(time.Minute)
	l2 := p.Join("johnny", "mauve-client/2")
	l3 := p.Arrive("archie")
	got := p.List()
	if len(got) != 2 || got[0].Person != "archie" || got[1].Person != "johnny" || got[1].Clients != 2 || !got[1].Since.Equal(p0) || len(got[1].Agents) != 2 {
		t.Errorf("got %+v, want archie, then johnny with 2 clients since %v", got, p0)
	}
	l1()
	l1() // twice is harmless
	if got := p.List(); len(got) != 2 || got[1].Clients != 1 {
		t.Errorf("after one leave got %+v", got)
	}
	l2()
	l3()
	if got := p.List(); len(got) != 0 {
		t.Errorf("after everyone left got %+v, want nobody", got)
	}
	if p.IsPresent("johnny") {
		t.Error("johnny still present")
	}
}
