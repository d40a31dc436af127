package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// rig is a worker over an in-memory outbox, a fake clock and real channels.
type rig struct {
	outbox *memOutbox
	clock  *fakeClock
	worker *notify.Worker
	policy *policy.Policy
	logs   *syncBuffer
	cancel func() // tells Run to stop
	stop   func() // cancels Run and waits for it to return
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

type rigOptions struct {
	smtpAddr    string
	emailOpts   notify.EmailOptions
	sendTimeout time.Duration
	presence    *notify.Presence
	outbox      *memOutbox
	stopGrace   time.Duration
}

func startRig(t *testing.T, o rigOptions) *rig {
	t.Helper()
	r := &rig{outbox: o.outbox, clock: newFakeClock(t0), policy: testPolicy(t, o.smtpAddr), logs: &syncBuffer{}}
	if r.outbox == nil {
		r.outbox = newMemOutbox()
	}
	logger := slog.New(slog.NewTextHandler(r.logs, nil))
	email := newEmail(t, r.policy.Email, o.emailOpts)
	chans := map[string]notify.Channel{"email": email, "log": notify.NewLog(logger)}
	r.worker = notify.NewWorker(notify.WorkerOptions{
		Outbox:      r.outbox,
		Policy:      func() *policy.Policy { return r.policy },
		Channels:    func() map[string]notify.Channel { return chans },
		Logger:      logger,
		Clock:       r.clock,
		Presence:    o.presence,
		SendTimeout: o.sendTimeout,
		StopGrace:   o.stopGrace,
	})
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	done := make(chan error, 1)
	go func() { done <- r.worker.Run(ctx) }()
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("Run did not return within 10s of cancel")
			}
		})
	}
	t.Cleanup(r.stop)
	return r
}

func (r *rig) add(event store.EventKind, person string, channels ...string) uint64 {
	n := notification(0, event, testAlert(), person)
	n.Channels = channels
	n.Created = r.clock.Now()
	return r.outbox.add(n)
}

func wantOutcome(t *testing.T, f finished, id uint64, channel string, status store.DeliveryStatus) {
	t.Helper()
	if f.Row.ID != id || f.Outcome.Channel != channel || f.Outcome.Status != status {
		t.Fatalf("outcome: got row %d %s %s (%s), want row %d %s %s",
			f.Row.ID, f.Outcome.Channel, f.Outcome.Status, f.Outcome.Detail, id, channel, status)
	}
}

func TestWorker_Delivers(t *testing.T) {
	peer := startSMTP(t)
	r := startRig(t, rigOptions{smtpAddr: peer.addr})
	id := r.add(store.EventRaised, "johnny", "email", "log")
	wantOutcome(t, r.outbox.waitFinished(t), id, "email", store.DeliveryDelivered)
	if got := decodeHeader(t, peer.wait(t).Msg.Header.Get("Subject")); !strings.HasPrefix(got, "[mauve] RAISED (urgent)") {
		t.Errorf("subject: got %q, want it to start [mauve] RAISED (urgent)", got)
	}
	if n := r.outbox.size(); n != 0 {
		t.Errorf("rows left in the outbox: got %d, want 0", n)
	}
	var m bytes.Buffer
	r.worker.WriteMetrics(&m)
	if want := `mauve_notifications_total{channel="email",status="delivered"} 1`; !strings.Contains(m.String(), want) {
		t.Errorf("metrics:\n%s\nwant a line %s", m.String(), want)
	}
}

// TestWorker_SMTPDownThenUp: with the mail server down, every row waits
// with backoff; when it comes back, each is delivered exactly once.
func TestWorker_SMTPDownThenUp(t *testing.T) {
	down := holdDownPort(t)
	r := startRig(t, rigOptions{smtpAddr: down.addr})
	const rows = 5
	ids := map[uint64]bool{}
	for range rows {
		ids[r.add(store.EventRaised, "johnny", "email", "log")] = true
	}
	for range rows {
		f := r.outbox.waitFinished(t)
		wantOutcome(t, f, f.Row.ID, "email", store.DeliveryRetry)
		if wait := f.Outcome.RetryAt.Sub(f.Outcome.Now); wait < 20*time.Second || wait > 40*time.Second {
			t.Errorf("first retry after %v, want 30s±20%%", wait)
		}
	}
	peer := down.startSMTP(t)
	r.clock.advanceUntil(t, time.Minute, "the retries", func() bool { return len(peer.messages()) >= rows })
	for range rows {
		f := r.outbox.waitFinished(t)
		wantOutcome(t, f, f.Row.ID, "email", store.DeliveryDelivered)
		delete(ids, f.Row.ID)
	}
	if len(ids) != 0 {
		t.Errorf("rows never delivered: %v", ids)
	}
	if got := len(peer.messages()); got != rows {
		t.Errorf("messages received: got %d, want %d", got, rows)
	}
}

// TestWorker_PermanentFailureFallsBack: a 550 for the address moves on to
// the person's next channel at once; with none left the row fails.
func TestWorker_PermanentFailureFallsBack(t *testing.T) {
	peer := startSMTP(t)
	r := startRig(t, rigOptions{smtpAddr: peer.addr})
	id := r.add(store.EventRaised, "rejected", "email", "log")
	f := r.outbox.waitFinished(t)
	wantOutcome(t, f, id, "email", store.DeliveryFallback)
	if !strings.Contains(f.Outcome.Detail, "550") {
		t.Errorf("fallback detail %q does not say why (550)", f.Outcome.Detail)
	}
	wantOutcome(t, r.outbox.waitFinished(t), id, "log", store.DeliveryDelivered)
	if !strings.Contains(r.logs.String(), "person=rejected") {
		t.Errorf("log channel wrote nothing for the person:\n%s", r.logs.String())
	}

	id = r.add(store.EventRaised, "rejected", "email")
	wantOutcome(t, r.outbox.waitFinished(t), id, "email", store.DeliveryFallback)
	if _, ok := r.outbox.row(id); ok {
		t.Error("a row with no channel left stays in the outbox")
	}
	id = r.add(store.EventRaised, "johnny", "sms.nowhere", "email")
	wantOutcome(t, r.outbox.waitFinished(t), id, "sms.nowhere", store.DeliveryFallback)
	wantOutcome(t, r.outbox.waitFinished(t), id, "email", store.DeliveryDelivered)
}

// TestWorker_GivesUpAfterBoundedTime: transient failures are retried with
// growing, capped delays, then the worker falls back.
func TestWorker_GivesUpAfterBoundedTime(t *testing.T) {
	r := startRig(t, rigOptions{smtpAddr: deadAddr(t)})
	id := r.add(store.EventRaised, "johnny", "email", "log")
	var waits []time.Duration
	for {
		f := r.outbox.waitFinished(t)
		if f.Outcome.Status != store.DeliveryRetry {
			wantOutcome(t, f, id, "email", store.DeliveryFallback)
			break
		}
		waits = append(waits, f.Outcome.RetryAt.Sub(f.Outcome.Now))
		if len(waits) > 20 {
			t.Fatal("still retrying after 20 attempts")
		}
		seen := r.outbox.historyLen()
		step := max(f.Outcome.RetryAt.Sub(r.clock.Now()), time.Second)
		r.clock.advanceUntil(t, step, "the next attempt", func() bool { return r.outbox.historyLen() > seen })
	}
	wantOutcome(t, r.outbox.waitFinished(t), id, "log", store.DeliveryDelivered)
	var total time.Duration
	for i, w := range waits {
		total += w
		if w > 12*time.Minute {
			t.Errorf("wait %d: %v, want at most 10m+20%%", i, w)
		}
		if i > 0 && i < 4 && w <= waits[i-1] {
			t.Errorf("waits do not grow: %v", waits)
		}
	}
	if total < 40*time.Minute || total > 80*time.Minute {
		t.Errorf("gave up after %v of waiting (%d attempts), want about an hour", total, len(waits)+1)
	}
}

// TestWorker_SlowSMTPDoesNotBlock: a server that never answers holds only
// its own row, for at most the send timeout; other rows go out meanwhile.
func TestWorker_SlowSMTPDoesNotBlock(t *testing.T) {
	r := startRig(t, rigOptions{
		smtpAddr:    silentPeer(t),
		emailOpts:   notify.EmailOptions{Timeout: 30 * time.Second},
		sendTimeout: 500 * time.Millisecond,
	})
	slow := r.add(store.EventRaised, "johnny", "email")
	fast := r.add(store.EventRaised, "archie", "log")
	wantOutcome(t, r.outbox.waitFinished(t), fast, "log", store.DeliveryDelivered)
	f := r.outbox.waitFinished(t)
	wantOutcome(t, f, slow, "email", store.DeliveryRetry)
}

// TestWorker_StopMidSend_RowStays: cancelling Run while a message is in
// flight, on a server that does not answer within the stop grace, leaves
// the row in the outbox untouched; the next run delivers it once.
func TestWorker_StopMidSend_RowStays(t *testing.T) {
	peer := startSMTP(t)
	stall := make(chan struct{})
	peer.mu.Lock()
	peer.stall = stall
	peer.mu.Unlock()
	defer close(stall)

	r := startRig(t, rigOptions{smtpAddr: peer.addr, stopGrace: 100 * time.Millisecond})
	id := r.add(store.EventRaised, "johnny", "email")
	waitFor(t, "the message to be in flight", func() bool { return peer.sessionCount() > 0 })
	start := time.Now()
	r.stop()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Run took %v to stop with a send in flight", d)
	}
	n, ok := r.outbox.row(id)
	if !ok || n.Attempts != 0 || n.Channel != 0 {
		t.Fatalf("row after stop: got %+v (present %v), want it untouched", n, ok)
	}

	peer2 := startSMTP(t)
	r2 := startRig(t, rigOptions{smtpAddr: peer2.addr, outbox: r.outbox})
	wantOutcome(t, r2.outbox.waitFinished(t), id, "email", store.DeliveryDelivered)
	peer2.wait(t)
}

// TestWorker_StopLetsASendInFlightFinish: a message in flight when Run is
// told to stop may finish within the stop grace; its outcome is recorded,
// so the next run does not send it again. Nothing new starts meanwhile.
func TestWorker_StopLetsASendInFlightFinish(t *testing.T) {
	peer := startSMTP(t)
	stall := make(chan struct{})
	peer.mu.Lock()
	peer.stall = stall
	peer.mu.Unlock()

	r := startRig(t, rigOptions{smtpAddr: peer.addr, stopGrace: time.Minute})
	id := r.add(store.EventRaised, "johnny", "email")
	waitFor(t, "the message to be in flight", func() bool { return peer.sessionCount() > 0 })
	r.cancel()
	// The worker is stopping: a row added now is not attempted.
	later := r.add(store.EventRaised, "archie", "email")
	close(stall) // the server answers at last
	r.stop()     // fails the test if Run takes 10s to return
	wantOutcome(t, r.outbox.waitFinished(t), id, "email", store.DeliveryDelivered)
	if _, ok := r.outbox.row(id); ok {
		t.Error("the delivered row is still in the outbox: a restart would send it again")
	}
	if n, ok := r.outbox.row(later); !ok || n.Attempts != 0 {
		t.Errorf("row added while stopping: got %+v (present %v), want it untouched", n, ok)
	}
	if got := len(peer.messages()); got != 1 {
		t.Errorf("messages: got %d, want 1", got)
	}
}

func TestWorker_PresenceHold(t *testing.T) {
	peer := startSMTP(t)
	a := testAlert()
	now := t0
	pr, err := notify.NewPresence(notify.PresenceOptions{Alerts: storeWith(t, a.Source, a.ID), Hold: 5 * time.Minute, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	leave := pr.Join("johnny")
	r := startRig(t, rigOptions{smtpAddr: peer.addr, presence: pr})

	held := r.add(store.EventRaised, "johnny", "email")
	f := r.outbox.waitFinished(t)
	wantOutcome(t, f, held, "email", store.DeliveryRetry)
	if !f.Outcome.RetryAt.Equal(t0.Add(5 * time.Minute)) {
		t.Errorf("held until %v, want %v", f.Outcome.RetryAt, t0.Add(5*time.Minute))
	}
	other := r.add(store.EventRaised, "archie", "email")
	wantOutcome(t, r.outbox.waitFinished(t), other, "email", store.DeliveryDelivered)
	logged := r.add(store.EventRaised, "johnny", "log")
	wantOutcome(t, r.outbox.waitFinished(t), logged, "log", store.DeliveryDelivered)

	leave() // the client went away: the held row goes out now
	wantOutcome(t, r.outbox.waitFinished(t), held, "", store.DeliveryRetry)
	wantOutcome(t, r.outbox.waitFinished(t), held, "email", store.DeliveryDelivered)

	defer pr.Join("johnny")()
	shown := r.add(store.EventAcknowledged, "johnny", "email")
	wantOutcome(t, r.outbox.waitFinished(t), shown, "email", store.DeliveryHeld)
	if got := len(peer.messages()); got != 2 {
		t.Errorf("emails sent: got %d, want 2 (archie's and johnny's after he left)", got)
	}
}

// waitFor polls cond for a bounded time: only for real peers, never for a
// schedule.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
