package store_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// t0 is the fake clock's origin; tests step time explicitly.
var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// recordingDecider tells "ops" of every raise, clear, acknowledgement,
// re-raise and reminder, and reminds every 10 minutes while raised.
type recordingDecider struct {
	mu      sync.Mutex
	changes []store.Change
}

func (d *recordingDecider) Decide(c store.Change) store.Decision {
	d.mu.Lock()
	d.changes = append(d.changes, c)
	d.mu.Unlock()
	dec := store.Decision{Group: "default", Level: "normal"}
	switch c.Event {
	case store.EventRaised, store.EventCleared, store.EventAcknowledged, store.EventReRaised, store.EventReminder:
		dec.Notifications = []store.Notification{{Person: "ops", Channels: []string{"email", "log"}}}
	}
	if c.After.State == store.StateRaised {
		dec.Reminders = []store.Reminder{{Block: 0, At: c.Now.Add(10 * time.Minute)}}
	}
	return dec
}

func (d *recordingDecider) events() []store.EventKind {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []store.EventKind
	for _, c := range d.changes {
		out = append(out, c.Event)
	}
	return out
}

// mustOpen opens a store in a fresh file, and on cleanup closes it,
// reopens the file and checks bbolt consistency and mauve's invariants.
func mustOpen(tb testing.TB, opts store.Options) (*store.Store, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "mauve.db")
	s := mustReopen(tb, path, opts)
	return s, path
}

func mustReopen(tb testing.TB, path string, opts store.Options) *store.Store {
	tb.Helper()
	s, err := store.Open(path, opts)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() {
		s.Close()
		mustCheck(tb, path)
	})
	return s
}

func mustCheck(tb testing.TB, path string) {
	tb.Helper()
	s, err := store.Open(path, store.Options{})
	if err != nil {
		tb.Fatalf("reopen for check: %v", err)
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		tb.Errorf("store check: %v", err)
	}
}

// harness drives one store on a fake clock.
type harness struct {
	t    *testing.T
	s    *store.Store
	path string
	opts store.Options
}

func newHarness(t *testing.T, opts store.Options) *harness {
	s, path := mustOpen(t, opts)
	return &harness{t: t, s: s, path: path, opts: opts}
}

// send applies one update received at t0+at.
func (h *harness) send(at time.Duration, u wire.Update) {
	h.t.Helper()
	if u.Source == "" {
		u.Source = "host1"
	}
	if err := h.s.Apply(context.Background(), []store.Received{{Update: u, ReceivedAt: t0.Add(at)}}); err != nil {
		h.t.Fatalf("apply at %s: %v", at, err)
	}
}

func (h *harness) tick(at time.Duration) time.Time {
	h.t.Helper()
	next, err := h.s.Tick(t0.Add(at))
	if err != nil {
		h.t.Fatalf("tick at %s: %v", at, err)
	}
	return next
}

// restart closes the store and opens the file again.
func (h *harness) restart() {
	h.t.Helper()
	if err := h.s.Close(); err != nil {
		h.t.Fatal(err)
	}
	s, err := store.Open(h.path, h.opts)
	if err != nil {
		h.t.Fatalf("reopen: %v", err)
	}
	h.t.Cleanup(func() { s.Close() })
	h.s = s
}

func (h *harness) get(id string) store.Alert {
	h.t.Helper()
	a, err := h.s.Get(store.Key{Source: "host1", ID: id})
	if err != nil {
		h.t.Fatalf("get %s: %v", id, err)
	}
	return a
}

// at is t0+d; zero d means "unset" only through never.
func at(d time.Duration) time.Time { return t0.Add(d) }

var never = time.Time{}

func alert(id string, raise, clear time.Time) wire.Alert {
	return wire.Alert{ID: id, RaiseTime: raise, ClearTime: clear}
}

func update(alerts ...wire.Alert) wire.Update {
	return wire.Update{Source: "host1", Alerts: alerts}
}

// expect checks an alert's state and schedule.
func (h *harness) expect(id string, state store.State, raisedAt, willRaise, willClear time.Time) {
	h.t.Helper()
	a := h.get(id)
	if a.State != state {
		h.t.Errorf("%s: state got %s, want %s", id, a.State, state)
	}
	if !a.RaisedAt.Equal(raisedAt) {
		h.t.Errorf("%s: raised_at got %v, want %v", id, a.RaisedAt, raisedAt)
	}
	if !a.WillRaiseAt.Equal(willRaise) {
		h.t.Errorf("%s: will_raise_at got %v, want %v", id, a.WillRaiseAt, willRaise)
	}
	if !a.WillClearAt.Equal(willClear) {
		h.t.Errorf("%s: will_clear_at got %v, want %v", id, a.WillClearAt, willClear)
	}
}
