package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
	"github.com/mauve-alert/mauve/wire"
)

// e2eEmailHCL is the config of the email end-to-end tests: johnny is told
// of everything by email and reminded every 15 minutes; archie acts on
// alerts through the API (and so hears of their later changes).
const e2eEmailHCL = `
station {
  name = "alerts1.example.com"
  url  = "http://mauve.test"
}
email {
  from   = "mauve@example.com"
  server = %q
  tls    = "none"
}
person "johnny" {
  email = "johnny@example.com"
  all   = [email]
}
person "archie" {
  email = "archie@example.com"
  all   = [email]
}
alert_group "default" {
  level = urgent
  notify "johnny" {
    every = "15m"
  }
}
`

// e2eSend sends u to the station as one real UDP datagram, stamped by the
// station's clock (as a sender whose clock agrees with the station's).
func e2eSend(t testing.TB, rs *runningStation, now func() time.Time, u wire.Update) {
	t.Helper()
	if err := wire.Send(context.Background(), u, []string{rs.udp}, wire.SendOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
}

// mailsTo returns the mails to one address, in arrival order.
func mailsTo(ms []e2eMail, to string) []e2eMail {
	var out []e2eMail
	for _, m := range ms {
		if len(m.To) == 1 && m.To[0] == to {
			out = append(out, m)
		}
	}
	return out
}

// TestServe_EmailLifecycle runs the station `mauve serve` assembles, with
// an email block pointing at a real SMTP server on loopback, and drives
// one alert through its life with real datagrams and the real HTTP API:
// RAISED, a REMINDER, ACKNOWLEDGED and CLEARED reach johnny as one mail
// thread (and CLEARED reaches archie, who acted on it).
func TestServe_EmailLifecycle(t *testing.T) {
	mb := startE2EMailbox(t)
	// Behind the real clock: the station's worker runs on the real clock,
	// so rows dated by this one are due for it at once.
	clock := &e2eClock{now: time.Now().Add(-2 * time.Hour).Truncate(time.Minute)}
	t0 := clock.Now()
	rs := startE2EStation(t, fmt.Sprintf(e2eEmailHCL, mb.addr), clock.Now)
	token, err := rs.st.store.CreateToken("archie", "e2e", t0)
	if err != nil {
		t.Fatal(err)
	}
	api, err := ui.NewClient("http://"+rs.http, token)
	if err != nil {
		t.Fatal(err)
	}
	k := store.Key{Source: "core-router", ID: "bgp"}
	const johnny = "johnny@example.com"
	// settled waits until the outbox is empty: the store learns who was
	// told when a delivery is recorded, a moment after the DATA.
	settled := func(what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			rows, err := rs.st.store.DueNotifications(time.Now().Add(24*time.Hour), 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d rows still in the outbox after 10s: %+v\n%s", what, len(rows), rows, rs.log)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	// 1. A datagram raises the alert.
	e2eSend(t, rs, clock.Now, wire.Update{Source: k.Source, Alerts: []wire.Alert{{ID: k.ID, Subject: "core1", Summary: "BGP session down"}}})
	mb.waitCount(t, 1, 10*time.Second)
	settled("raise")

	// 2. The reminder falls due. The scheduler sleeps on a real timer
	// (store.Scheduler has no fake-clock wake-up), so the test ticks the
	// store at the new instant, as the scheduler would have.
	clock.Advance(15 * time.Minute)
	if _, err := rs.st.store.Tick(clock.Now()); err != nil {
		t.Fatal(err)
	}
	mb.waitCount(t, 2, 10*time.Second)
	settled("reminder")

	// 3. Archie acknowledges it through the HTTP API for an hour.
	clock.Advance(5 * time.Minute)
	if _, err := api.Acknowledge(context.Background(), k, ui.AckOptions{For: "1h", Note: "on it"}); err != nil {
		t.Fatal(err)
	}
	mb.waitCount(t, 4, 10*time.Second) // johnny, who was told, and archie, who acted
	settled("acknowledge")

	// 4. A datagram clears it.
	clock.Advance(10 * time.Minute)
	e2eSend(t, rs, clock.Now, wire.Update{Source: k.Source, Alerts: []wire.Alert{{ID: k.ID, ClearTime: clock.Now(), Subject: "core1", Summary: "BGP session down"}}})
	all := mb.waitCount(t, 6, 10*time.Second) // johnny and archie
	settled("clear")

	for _, m := range all {
		t.Logf("%v %q id=%s irt=%s refs=%s", m.To, m.subject(t), m.header("Message-Id"), m.header("In-Reply-To"), m.header("References"))
	}
	got := mailsTo(all, johnny)
	if len(got) != 4 {
		t.Fatalf("johnny got %d mails, want 4 (raise, reminder, ack, clear)", len(got))
	}
	// The mail names the day too when the acknowledgement ends on another
	// day than the one the mail is written on: the worker writes on the
	// real clock, two hours ahead of the station's, so between midnight
	// and two the day is named.
	ackUntil := t0.Add(20*time.Minute + time.Hour).UTC()
	wantSubjects := []string{
		"[mauve] RAISED (urgent): core1: BGP session down -- core-router",
		"[mauve] REMINDER (urgent): core1: BGP session down -- core-router",
		"[mauve] ACKNOWLEDGED by archie until " + ackUntil.Format("15:04 UTC"),
		"[mauve] CLEARED (urgent): core1: BGP session down -- core-router",
	}
	if day := ackUntil.Format("2006-01-02"); day != time.Now().UTC().Format("2006-01-02") {
		wantSubjects[2] = "[mauve] ACKNOWLEDGED by archie until " + ackUntil.Format("Mon 2 Jan 15:04 UTC")
	}
	for i, want := range wantSubjects {
		if s := got[i].subject(t); !strings.HasPrefix(s, want) {
			t.Errorf("mail %d: subject got %q, want it to begin %q", i+1, s, want)
		}
	}
	if len(all) != 6 {
		t.Errorf("got %d mails in all, want 6", len(all))
	}
	archie := mailsTo(all, "archie@example.com")
	if len(archie) != 2 || !strings.HasPrefix(archie[0].subject(t), "[mauve] ACKNOWLEDGED by archie") || !strings.HasPrefix(archie[1].subject(t), "[mauve] CLEARED") {
		var subjects []string
		for _, m := range archie {
			subjects = append(subjects, m.subject(t))
		}
		t.Errorf("archie, who acted on the alert: got %q, want ACKNOWLEDGED then CLEARED", subjects)
	}

	// One thread: the raise's Message-ID is answered by the reminder, the
	// acknowledgement and the clear, and every mail refers to the alert's
	// root first.
	root := "<core-router/bgp@alerts1.example.com>"
	raiseID := got[0].header("Message-Id")
	if !strings.HasPrefix(raiseID, "<core-router/bgp/") {
		t.Errorf("raise Message-ID: got %q, want <core-router/bgp/<raised-at>@...>", raiseID)
	}
	if irt := got[0].header("In-Reply-To"); irt != root {
		t.Errorf("raise In-Reply-To: got %q, want the alert root %q", irt, root)
	}
	ids := map[string]bool{}
	for i, m := range got {
		id := m.header("Message-Id")
		if id == "" || ids[id] {
			t.Errorf("mail %d: Message-ID %q is empty or repeated", i+1, id)
		}
		ids[id] = true
		refs := strings.Fields(m.header("References"))
		if len(refs) == 0 || refs[0] != root {
			t.Errorf("mail %d (%s): References %q, want the alert root %s first", i+1, m.subject(t), refs, root)
		}
		if i == 0 {
			continue
		}
		if irt := m.header("In-Reply-To"); irt != raiseID {
			t.Errorf("mail %d (%s): In-Reply-To %q, want the raise %q", i+1, m.subject(t), irt, raiseID)
		}
		if !strings.Contains(m.header("References"), raiseID) {
			t.Errorf("mail %d (%s): References %q lack the raise %q", i+1, m.subject(t), m.header("References"), raiseID)
		}
	}
}

// TestServe_EmailSMTPDownThenUp: the mail server goes away; alerts raised
// meanwhile are taken in at once (a dead server never blocks ingestion),
// wait in the outbox with the failure recorded, and each is mailed once
// when the server is back on the same port.
//
// The station's notify worker runs on the real clock; the test shortens
// its retry schedule (first retry after 200ms, doubling to 1s) so the
// retry comes in well under its 45s limit even on a busy machine.
func TestServe_EmailSMTPDownThenUp(t *testing.T) {
	mb := startE2EMailbox(t)
	rs := startE2EStation(t, fmt.Sprintf(e2eEmailHCL, mb.addr), time.Now, func(o *serveOptions) {
		o.backoff = notify.Backoff{Initial: 200 * time.Millisecond, Max: time.Second, Jitter: -1}
	})
	token, err := rs.st.store.CreateToken("johnny", "e2e", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rs.token = token
	raise := func(id string) {
		t.Helper()
		e2eSend(t, rs, time.Now, wire.Update{Source: "web", Alerts: []wire.Alert{{ID: id, Summary: "down"}}})
	}
	raise("before")
	mb.waitCount(t, 1, 10*time.Second)

	mb.down()
	raise("during1")
	raise("during2")
	rs.waitFor(t, "both raised while the mail server is down", func(as map[string]apiAlert) bool {
		return as["web/during1"].State == "raised" && as["web/during2"].State == "raised"
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		rows, err := rs.st.store.DueNotifications(time.Now().Add(time.Hour), 0)
		if err != nil {
			t.Fatal(err)
		}
		failed := 0
		for _, r := range rows {
			if r.Attempts > 0 {
				failed++
			}
		}
		if failed == 2 && len(rows) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("want 2 rows each with a failed attempt, got %+v", rows)
		}
		time.Sleep(10 * time.Millisecond)
	}

	mb.up(t, "")
	mb.waitCount(t, 3, 45*time.Second)
	// Nothing more is on its way: the outbox is empty once both are recorded.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		rows, err := rs.st.store.DueNotifications(time.Now().Add(time.Hour), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox not empty: %+v", rows)
		}
	}
	all := mb.mails()
	seen := map[string]int{}
	for _, m := range all {
		seen[m.header("X-Mauve-Alert")]++
	}
	for _, id := range []string{"web/before", "web/during1", "web/during2"} {
		if seen[id] != 1 {
			t.Errorf("mails for %s: got %d, want 1", id, seen[id])
		}
	}
	if len(all) != 3 {
		t.Errorf("mails: got %d, want 3", len(all))
	}
	for _, id := range []string{"during1", "during2"} {
		hist, err := rs.st.store.History(store.Key{Source: "web", ID: id})
		if err != nil {
			t.Fatal(err)
		}
		delivered := 0
		for _, e := range hist {
			if e.Kind == store.EventNotification && strings.Contains(e.Text, "delivered") {
				delivered++
			}
		}
		if delivered != 1 {
			t.Errorf("%s history: got %d deliveries recorded, want 1: %+v", id, delivered, hist)
		}
	}
}
