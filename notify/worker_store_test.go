package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// stationPolicy is the policy of the end-to-end tests, loaded by the real
// loader, with the given SMTP server.
func stationPolicy(tb testing.TB, smtpAddr string) *policy.Policy {
	tb.Helper()
	src := fmt.Sprintf(`
station {
  name     = "alerts1.example.com"
  url      = "https://alerts1.example.com"
  timezone = "Europe/London"
}
email {
  from           = "mauve@example.com"
  server         = %q
  tls            = "none"
  subject_prefix = "[mauve]"
}
person "johnny" {
  email = "johnny@example.com"
  all   = [email, log]
  suppress_after = {} # every mail of a storm counts here
}
person "archie" {
  email = "archie@example.com"
  all   = [email]
  suppress_after = {} # every mail of a storm counts here
}
person "noisy" {
  email          = "noisy@example.com"
  all            = [email]
  suppress_after = { "1h" = 2 }
}
alert_group "noisy" {
  level    = normal
  includes = source == "noisy"
  notify "noisy" {
    every = "1d"
  }
}
alert_group "default" {
  level = urgent
  notify "johnny" {
    every = "15m"
  }
}
`, smtpAddr)
	p, diags := policy.Parse([]byte(src), "test.hcl", func(string) string { return "" })
	if diags.HasErrors() {
		tb.Fatalf("policy: %s", diags.Error())
	}
	return p
}

// station is a real store in t.TempDir(), the real policy as its Decider,
// and a worker over them with real channels and a fake clock.
type station struct {
	tb     testing.TB
	path   string
	store  *store.Store
	policy *policy.Policy
	clock  *fakeClock
	worker *notify.Worker
	stop   func()
}

func openStore(tb testing.TB, path string, p *policy.Policy) *store.Store {
	tb.Helper()
	s, err := store.Open(path, store.Options{Decider: p, NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func startStation(tb testing.TB, smtpAddr string, sendTimeout time.Duration) *station {
	tb.Helper()
	p := stationPolicy(tb, smtpAddr)
	path := filepath.Join(tb.TempDir(), "mauve.db")
	st := &station{tb: tb, path: path, policy: p, clock: newFakeClock(t0), store: openStore(tb, path, p)}
	st.startWorker(sendTimeout)
	tb.Cleanup(func() {
		st.stop()
		_ = st.store.Close()
	})
	return st
}

func (st *station) startWorker(sendTimeout time.Duration) {
	logger := slog.New(slog.DiscardHandler)
	chans, err := notify.NewChannels(st.policy, logger)
	if err != nil {
		st.tb.Fatal(err)
	}
	st.worker = notify.NewWorker(notify.WorkerOptions{
		Outbox:      st.store,
		Policy:      func() *policy.Policy { return st.policy },
		Channels:    func() map[string]notify.Channel { return chans },
		Logger:      logger,
		Clock:       st.clock,
		SendTimeout: sendTimeout,
		StopGrace:   200 * time.Millisecond,
	})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = st.worker.Run(ctx) })
	var once sync.Once
	st.stop = func() {
		once.Do(func() {
			cancel()
			wg.Wait()
			notify.CloseChannels(chans)
		})
	}
}

// restart stops the worker, closes and reopens the store, and starts a new
// worker: what a station restart does to delivery.
func (st *station) restart() {
	st.stop()
	if err := st.store.Close(); err != nil {
		st.tb.Fatal(err)
	}
	st.store = openStore(st.tb, st.path, st.policy)
	st.startWorker(0)
}

func (st *station) raise(source string, ids ...string) {
	st.tb.Helper()
	u := wire.Update{Source: source}
	for _, id := range ids {
		u.Alerts = append(u.Alerts, wire.Alert{ID: id, RaiseTime: st.clock.Now(), Subject: id + ".example.com", Summary: "it is down"})
	}
	if err := st.store.Apply(context.Background(), []store.Received{{Update: u, ReceivedAt: st.clock.Now()}}); err != nil {
		st.tb.Fatal(err)
	}
}

func (st *station) outboxLen() int {
	st.tb.Helper()
	rows, err := st.store.DueNotifications(t0.Add(1000*time.Hour), 0)
	if err != nil {
		st.tb.Fatal(err)
	}
	return len(rows)
}

// TestStation_RaiseReminderAckClear: the real store, policy, worker and an
// SMTP server; a mail client would thread all four mails together.
func TestStation_RaiseReminderAckClear(t *testing.T) {
	peer := startSMTP(t)
	st := startStation(t, peer.addr, 0)
	k := store.Key{Source: "core-router", ID: "core1"}

	// Each step waits for the outbox to empty: the store learns who was
	// told when a delivery is recorded, a moment after the mail went out.
	settled := func() { waitFor(t, "the outbox to empty", func() bool { return st.outboxLen() == 0 }) }
	st.raise(k.Source, k.ID)
	raise := peer.wait(t)
	settled()
	st.clock.Advance(15 * time.Minute)
	if _, err := st.store.Tick(st.clock.Now()); err != nil {
		t.Fatal(err)
	}
	reminder := peer.wait(t)
	settled()
	st.clock.Advance(5 * time.Minute)
	if _, err := st.store.Acknowledge(k, "archie", st.clock.Now().Add(time.Hour), "on it", st.clock.Now()); err != nil {
		t.Fatal(err)
	}
	acks := []received{peer.wait(t), peer.wait(t)} // johnny, who was told, and archie, who acted
	settled()
	st.clock.Advance(10 * time.Minute)
	if _, err := st.store.Clear(k, "archie", "fixed", st.clock.Now()); err != nil {
		t.Fatal(err)
	}
	clears := []received{peer.wait(t), peer.wait(t)}

	subject := func(r received) string { return decodeHeader(t, r.Msg.Header.Get("Subject")) }
	wantPrefix := map[string]received{
		"[mauve] RAISED (urgent): core1.example.com: it is down -- core-router":                                 raise,
		"[mauve] REMINDER (urgent): core1.example.com: it is down -- core-router":                               reminder,
		"[mauve] ACKNOWLEDGED by archie until 15:20 GMT (urgent): core1.example.com: it is down -- core-router": forPerson(t, acks, "johnny@example.com"),
		"[mauve] CLEARED (urgent): core1.example.com: it is down -- core-router":                                forPerson(t, clears, "johnny@example.com"),
	}
	for want, r := range wantPrefix {
		if got := subject(r); got != want {
			t.Errorf("subject: got %q, want %q", got, want)
		}
	}
	root := "<core-router/core1@alerts1.example.com>"
	raiseID := raise.Msg.Header.Get("Message-Id")
	for _, r := range []received{reminder, forPerson(t, acks, "johnny@example.com")} {
		if got := r.Msg.Header.Get("In-Reply-To"); got != raiseID {
			t.Errorf("%s: In-Reply-To: got %q, want the raise %q", subject(r), got, raiseID)
		}
	}
	for _, r := range []received{raise, reminder, acks[0], acks[1], clears[0], clears[1]} {
		if refs := r.Msg.Header.Get("References"); !strings.Contains(refs, root) {
			t.Errorf("%s: References %q lacks the alert root %s", subject(r), refs, root)
		}
	}
	waitFor(t, "the outbox to empty", func() bool { return st.outboxLen() == 0 })
	hist, err := st.store.History(k)
	if err != nil {
		t.Fatal(err)
	}
	delivered := 0
	for _, e := range hist {
		if e.Kind == store.EventNotification && strings.Contains(e.Text, "delivered") {
			delivered++
		}
	}
	if delivered != 6 {
		t.Errorf("delivered notifications in history: got %d, want 6", delivered)
	}
}

func forPerson(t *testing.T, rs []received, to string) received {
	t.Helper()
	for _, r := range rs {
		if len(r.To) == 1 && r.To[0] == to {
			return r
		}
	}
	t.Fatalf("no message to %s among %d", to, len(rs))
	return received{}
}

// TestStation_SMTPDownThenUp_AcrossRestart: notifications queued while the
// mail server is down survive a station restart and each goes out once
// when the server is back.
func TestStation_SMTPDownThenUp_AcrossRestart(t *testing.T) {
	down := holdDownPort(t)
	st := startStation(t, down.addr, 0)
	st.raise("web", "www1", "www2", "www3")
	waitFor(t, "three retries recorded", func() bool {
		rows, err := st.store.DueNotifications(t0.Add(time.Hour), 0)
		if err != nil {
			t.Fatal(err)
		}
		retried := 0
		for _, r := range rows {
			retried += min(r.Attempts, 1)
		}
		return retried == 3
	})
	st.restart()
	peer := down.startSMTP(t)
	st.clock.advanceUntil(t, time.Minute, "three mails", func() bool { return len(peer.messages()) >= 3 })
	seen := map[string]int{}
	for range 3 {
		seen[peer.wait(t).Msg.Header.Get("X-Mauve-Alert")]++
	}
	waitFor(t, "the outbox to empty", func() bool { return st.outboxLen() == 0 })
	for _, id := range []string{"web/www1", "web/www2", "web/www3"} {
		if seen[id] != 1 {
			t.Errorf("mails for %s: got %d, want 1", id, seen[id])
		}
	}
	if n := len(peer.messages()); n != 3 {
		t.Errorf("mails received: got %d, want 3", n)
	}
}

// TestStation_SlowSMTPDoesNotBlockIngestion: while the worker waits on a
// server that never answers, the store keeps accepting updates.
func TestStation_SlowSMTPDoesNotBlockIngestion(t *testing.T) {
	st := startStation(t, silentPeer(t), time.Minute)
	st.raise("web", "first")
	for i := range 100 {
		st.raise("web", fmt.Sprintf("more%d", i))
	}
	rows, err := st.store.DueNotifications(st.clock.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 101 {
		t.Fatalf("rows queued: got %d, want 101", len(rows))
	}
	for _, r := range rows {
		if r.Attempts != 0 {
			t.Fatalf("row %d already attempted %d times, want the first still in flight", r.ID, r.Attempts)
		}
	}
}

// TestStation_Suppression: after suppress_after's limit the person hears
// once that further alerts are suppressed, the rest are recorded and not
// sent, and the first after things calm down says so.
func TestStation_Suppression(t *testing.T) {
	peer := startSMTP(t)
	st := startStation(t, peer.addr, 0)
	st.raise("noisy", "a1", "a2", "a3", "a4")
	first, second := peer.wait(t), peer.wait(t)
	waitFor(t, "the outbox to empty", func() bool { return st.outboxLen() == 0 })
	if n := len(peer.messages()); n != 2 {
		t.Errorf("mails sent: got %d, want 2 (the rest suppressed)", n)
	}
	text, _ := bodyParts(t, first)
	if strings.Contains(text, policy.NoteSuppressionStarts) {
		t.Errorf("the first mail already says suppression starts")
	}
	text, _ = bodyParts(t, second)
	if !strings.Contains(text, policy.NoteSuppressionStarts) {
		t.Errorf("the second mail does not say %q:\n%s", policy.NoteSuppressionStarts, text)
	}
	hist, err := st.store.History(store.Key{Source: "noisy", ID: "a4"})
	if err != nil {
		t.Fatal(err)
	}
	if !historyHas(hist, "suppressed") {
		t.Errorf("a4's history does not record the suppression: %v", hist)
	}

	st.clock.Advance(2 * time.Hour)
	st.raise("noisy", "a5")
	text, _ = bodyParts(t, peer.wait(t))
	if !strings.Contains(text, policy.NoteSuppressionEnds) {
		t.Errorf("the first mail after calm does not say %q:\n%s", policy.NoteSuppressionEnds, text)
	}
}

func historyHas(hist []store.Event, word string) bool {
	for _, e := range hist {
		if e.Kind == store.EventNotification && strings.Contains(e.Text, word) {
			return true
		}
	}
	return false
}
