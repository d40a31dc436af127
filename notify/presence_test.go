package notify_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

var p0 = time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)

// presenceStore opens a real store with one raised alert, src/a.
func presenceStore(t *testing.T) *store.Store {
	t.Helper()
	return storeWith(t, "src", "a")
}

// storeWith opens a real store with one raised alert, source/id.
func storeWith(t *testing.T, source, id string) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "mauve.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	up := wire.Update{Source: source, Alerts: []wire.Alert{{ID: id, RaiseTime: p0, Summary: "down"}}}
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

func checkHold(t *testing.T, p *notify.Presence, n store.Notification, now time.Time, want holdWant) {
	t.Helper()
	hold, recheck := p.Hold("johnny", n, now)
	if hold != want.hold || !recheck.Equal(want.recheck) {
		t.Errorf("Hold(row %d %s %s at +%s) = %v, %v; want %v, %v", n.ID, n.Event, n.Level, now.Sub(p0), hold, recheck, want.hold, want.recheck)
	}
}

func newRegistry(t *testing.T, s *store.Store, now *time.Time) *notify.Presence {
	t.Helper()
	p, err := notify.NewPresence(notify.PresenceOptions{Alerts: s, Hold: 5 * time.Minute, Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPresence_NobodyPresentDelivers(t *testing.T) {
	now := p0
	p := newRegistry(t, presenceStore(t), &now)
	checkHold(t, p, row(1, store.EventRaised, "urgent"), p0, holdWant{false, time.Time{}})
	var nilRegistry *notify.Presence
	if hold, _ := nilRegistry.Hold("johnny", row(1, store.EventRaised, "urgent"), p0); hold {
		t.Error("a nil registry held a notification")
	}
}

// An urgent alert left unacknowledged on the client is delivered after the
// hold time: an empty desk never swallows an emergency.
func TestPresence_UrgentHeldUntilHoldTime(t *testing.T) {
	now := p0
	p := newRegistry(t, presenceStore(t), &now)
	leave := p.Join("johnny")
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
	leave := p.Join("johnny")
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
	leave := p.Join("johnny")
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
	defer p.Join("johnny")()
	checkHold(t, p, row(1, store.EventCleared, "urgent"), p0, holdWant{true, time.Time{}})
	checkHold(t, p, row(2, store.EventRaised, "normal"), p0, holdWant{true, p0.Add(5 * time.Minute)})
	checkHold(t, p, row(3, store.EventReminder, "normal"), p0.Add(time.Minute), holdWant{true, p0.Add(6 * time.Minute)})
	// The older row is superseded by the reminder held after it.
	checkHold(t, p, row(2, store.EventRaised, "normal"), p0.Add(5*time.Minute), holdWant{true, time.Time{}})
}

// The hold time follows the policy in force (station client_hold).
func TestPresence_HoldFromPolicy(t *testing.T) {
	hold := time.Minute
	p, err := notify.NewPresence(notify.PresenceOptions{Alerts: presenceStore(t), HoldFrom: func() time.Duration { return hold }})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Join("johnny")()
	checkHold(t, p, row(1, store.EventRaised, "urgent"), p0, holdWant{true, p0.Add(time.Minute)})
	hold = 0 // unset: the default
	checkHold(t, p, row(2, store.EventRaised, "normal"), p0, holdWant{true, p0.Add(notify.DefaultClientHold)})
}

func TestPresence_List(t *testing.T) {
	now := p0
	p := newRegistry(t, presenceStore(t), &now)
	l1 := p.Join("johnny")
	l2 := p.Join("johnny")
	l3 := p.Join("archie")
	if got := p.List(); !slices.Equal(got, []string{"archie", "johnny"}) {
		t.Errorf("got %q, want archie, then johnny", got)
	}
	l1()
	l1() // twice is harmless
	if got := p.List(); !slices.Equal(got, []string{"archie", "johnny"}) || !p.IsPresent("johnny") {
		t.Errorf("after one of johnny's two clients left got %q, want both still present", got)
	}
	l2()
	l3()
	if got := p.List(); len(got) != 0 {
		t.Errorf("after everyone left got %q, want nobody", got)
	}
	if p.IsPresent("johnny") {
		t.Error("johnny still present")
	}
}

// Released names each row held for a person who left once, and again after
// the row was held anew for a client that came back and left in turn.
func TestPresence_Released(t *testing.T) {
	now := p0
	p := newRegistry(t, presenceStore(t), &now)
	leave := p.Join("johnny")
	defer p.Join("archie")() // someone else's client stays throughout
	n := row(1, store.EventRaised, "normal")
	checkHold(t, p, n, p0, holdWant{true, p0.Add(5 * time.Minute)})
	if got := p.Released(); len(got) != 0 {
		t.Errorf("while johnny is present: released %v, want nothing", got)
	}
	leave()
	if got := p.Released(); !slices.Equal(got, []uint64{1}) {
		t.Errorf("after johnny left: released %v, want [1]", got)
	}
	if got := p.Released(); len(got) != 0 {
		t.Errorf("asked twice: released %v, want nothing the second time", got)
	}
	leave = p.Join("johnny")
	checkHold(t, p, n, p0.Add(time.Minute), holdWant{true, p0.Add(6 * time.Minute)})
	leave()
	if got := p.Released(); !slices.Equal(got, []uint64{1}) {
		t.Errorf("after johnny came back and left again: released %v, want [1]", got)
	}
}
