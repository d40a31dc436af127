package store_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

func TestStore_DecisionsWrittenToOutboxInTheSameTransaction(t *testing.T) {
	d := &recordingDecider{}
	h := newHarness(t, store.Options{Decider: d})
	h.send(0, update(wire.Alert{ID: "x"}))
	h.send(time.Minute, update(wire.Alert{ID: "x"})) // no change: nobody asked
	if got, want := d.events(), []store.EventKind{store.EventRaised}; !slices.Equal(got, want) {
		t.Errorf("decider asked about %v, want %v", got, want)
	}
	a := h.get("x")
	if a.Group != "default" || a.Level != "normal" || len(a.Reminders) != 1 || !a.Reminders[0].At.Equal(at(10*time.Minute)) {
		t.Errorf("got group %q level %q reminders %v, want default, normal, one at +10m", a.Group, a.Level, a.Reminders)
	}
	rows, err := h.s.DueNotifications(at(0), 10)
	if err != nil || len(rows) != 1 {
		t.Fatalf("due rows: %v %v, want 1", rows, err)
	}
	n := rows[0]
	if n.Person != "ops" || n.Event != store.EventRaised || n.Level != "normal" || n.Alert.ID != "x" || !n.Created.Equal(at(0)) || n.ID == 0 {
		t.Errorf("row got %+v", n)
	}
	select {
	case <-h.s.OutboxChanged():
	default:
		t.Errorf("OutboxChanged did not signal")
	}
}

func TestStore_Reminders(t *testing.T) {
	d := &recordingDecider{}
	h := newHarness(t, store.Options{Decider: d})
	h.send(0, update(wire.Alert{ID: "x"}))
	if next := h.tick(5 * time.Minute); !next.Equal(at(10 * time.Minute)) {
		t.Errorf("next got %v, want %v", next, at(10*time.Minute))
	}
	h.tick(10 * time.Minute)
	if got, want := d.events(), []store.EventKind{store.EventRaised, store.EventReminder}; !slices.Equal(got, want) {
		t.Errorf("decider asked about %v, want %v", got, want)
	}
	if a := h.get("x"); len(a.Reminders) != 1 || !a.Reminders[0].At.Equal(at(20*time.Minute)) {
		t.Errorf("reminders got %v, want one at +20m", a.Reminders)
	}
	rows, _ := h.s.DueNotifications(at(10*time.Minute), 0)
	if len(rows) != 2 || rows[1].Event != store.EventReminder {
		t.Errorf("rows got %d, want the raise and a reminder", len(rows))
	}
	// Acknowledging stops reminders.
	h.s.Acknowledge(x, "johnny", at(time.Hour), "", at(11*time.Minute))
	if a := h.get("x"); len(a.Reminders) != 0 {
		t.Errorf("after ack: reminders %v, want none", a.Reminders)
	}
	h.tick(20 * time.Minute)
	if n := len(d.events()); n != 3 {
		t.Errorf("decider asked %d times, want 3 (no reminder after the ack)", n)
	}
}

func TestStore_Finish(t *testing.T) {
	tests := []struct {
		name          string
		outcomes      []store.DeliveryStatus
		wantRows      int
		wantDelivered bool   // in the person's delivery log (Told holds them from the queueing)
		wantText      string // in the last history event
	}{
		{"delivered", []store.DeliveryStatus{store.DeliveryDelivered}, 0, true, "raised normal notification to ops via email delivered"},
		{"retry keeps the row", []store.DeliveryStatus{store.DeliveryRetry}, 1, false, "raised by host1"},
		{"fallback then delivered", []store.DeliveryStatus{store.DeliveryFallback, store.DeliveryDelivered}, 0, true, "via log delivered"},
		{"fallback past the last channel fails", []store.DeliveryStatus{store.DeliveryFallback, store.DeliveryFallback}, 0, false, "via log failed"},
		{"suppressed", []store.DeliveryStatus{store.DeliverySuppressed}, 0, false, "suppressed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, store.Options{Decider: &recordingDecider{}})
			h.send(0, update(wire.Alert{ID: "x"}))
			rows, _ := h.s.DueNotifications(at(0), 0)
			id := rows[0].ID
			for i, st := range tt.outcomes {
				ch := rows[0].Channels[min(i, len(rows[0].Channels)-1)]
				if err := h.s.Finish(id, store.Outcome{Status: st, Channel: ch, RetryAt: at(time.Minute), Now: at(time.Duration(i) * time.Second)}); err != nil {
					t.Fatalf("finish %s: %v", st, err)
				}
			}
			left, _ := h.s.DueNotifications(at(time.Hour), 0)
			if len(left) != tt.wantRows {
				t.Errorf("rows left got %d, want %d", len(left), tt.wantRows)
			}
			if a := h.get("x"); !slices.Contains(a.Told, "ops") {
				t.Errorf("told got %v, want ops told whatever the outcome", a.Told)
			}
			evs, _ := h.s.History(x)
			if last := evs[len(evs)-1].Text; !strings.Contains(last, tt.wantText) {
				t.Errorf("last history got %q, want it to contain %q", last, tt.wantText)
			}
			ds, _ := h.s.RecentDeliveries("ops", at(-time.Hour))
			if (len(ds) == 1) != tt.wantDelivered {
				t.Errorf("deliveries got %v, want one: %v", ds, tt.wantDelivered)
			}
			if tt.wantRows == 0 {
				if err := h.s.Finish(id, store.Outcome{Status: store.DeliveryDelivered}); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("finishing twice: got %v, want ErrNotFound", err)
				}
			}
		})
	}
}

func TestStore_Subscribe(t *testing.T) {
	h := newHarness(t, store.Options{})
	ch, stop := h.s.Subscribe()
	h.send(0, update(wire.Alert{ID: "x"}))
	select {
	case c := <-ch:
		if c.Event != store.EventRaised || c.After.State != store.StateRaised || c.After.ID != "x" {
			t.Errorf("got %+v", c)
		}
	default:
		t.Fatal("no change delivered after commit")
	}
	stop()
	stop()
	if _, ok := <-ch; ok {
		t.Errorf("channel still open after stop")
	}
	// A subscriber that never reads does not block commits.
	_, stop2 := h.s.Subscribe()
	defer stop2()
	for i := range 2000 {
		h.send(time.Duration(i)*time.Second, update(wire.Alert{ID: "y", ClearTime: at(time.Duration(i) * time.Second)}, wire.Alert{ID: "z"}))
	}
}

func TestStore_SessionsAndTokens(t *testing.T) {
	h := newHarness(t, store.Options{})
	id, err := h.s.CreateSession("johnny", time.Hour, at(0))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := h.s.SessionPerson(id, at(30*time.Minute)); err != nil || p != "johnny" {
		t.Errorf("live session: got %q %v, want johnny", p, err)
	}
	if _, err := h.s.SessionPerson(id, at(61*time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired session: got %v, want ErrNotFound", err)
	}
	h.s.DeleteSession(id)
	if _, err := h.s.SessionPerson(id, at(0)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted session: got %v, want ErrNotFound", err)
	}
	secret, err := h.s.CreateToken("archie", "laptop", at(0))
	if err != nil || len(secret) < 32 {
		t.Fatalf("token %q %v", secret, err)
	}
	if p, err := h.s.TokenPerson(secret, at(0)); err != nil || p != "archie" {
		t.Errorf("token: got %q %v, want archie", p, err)
	}
	if _, err := h.s.TokenPerson(secret+"x", at(0)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("wrong token: got %v, want ErrNotFound", err)
	}
}

func TestOpen_SecondOpenFailsFastWithClearMessage(t *testing.T) {
	s, path := mustOpen(t, store.Options{})
	_ = s
	start := time.Now()
	_, err := store.Open(path, store.Options{LockTimeout: 200 * time.Millisecond})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("got %v, want ErrLocked", err)
	}
	if want := "database " + path + " is in use by another mauve serve"; !strings.Contains(err.Error(), want) {
		t.Errorf("got %q, want it to contain %q", err, want)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
	if _, err := store.Open(filepath.Join(t.TempDir(), "no", "such", "dir.db"), store.Options{}); err == nil {
		t.Errorf("open in a missing directory: got nil error")
	}
}

// groupDecider puts every alert in one group and tells nobody.
type groupDecider struct {
	group string
	level store.Level
}

func (d groupDecider) Decide(c store.Change) store.Decision {
	return store.Decision{Group: d.group, Level: d.level}
}

func TestStore_RedecideRegroupsWithoutTelling(t *testing.T) {
	h := newHarness(t, store.Options{Decider: &recordingDecider{}})
	h.send(0, update(wire.Alert{ID: "x"}))
	h.restart()
	h.opts.Decider = groupDecider{"core", "urgent"}
	h.restart()
	before, _ := h.s.DueNotifications(at(time.Hour), 0)
	if err := h.s.Redecide(at(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if a := h.get("x"); a.Group != "core" || a.Level != "urgent" {
		t.Errorf("got group %q level %q, want core, urgent", a.Group, a.Level)
	}
	if after, _ := h.s.DueNotifications(at(time.Hour), 0); len(after) != len(before) {
		t.Errorf("outbox rows got %d, want %d (nobody told)", len(after), len(before))
	}
}
