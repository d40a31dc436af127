package commands

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

const e2eDependsHCL = `
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
alert_group "routers" {
  level    = urgent
  includes = source == "core-router"
  notify "johnny" {
    every = "1h"
  }
}
alert_group "behind-router" {
  level      = urgent
  depends_on = ["core-router/ping"]
  notify "johnny" {
    every = "1h"
  }
}
`

// TestServe_DependencyHold runs `mauve serve` with a real SMTP server: a
// router goes down with three hosts behind it; johnny gets one mail for
// the router, none for the held hosts, the router's CLEARED, and then one
// mail for each host still raised, within a minute of the router's clear.
func TestServe_DependencyHold(t *testing.T) {
	mb := startE2EMailbox(t)
	clock := &e2eClock{now: time.Now().Add(-2 * time.Hour).Truncate(time.Minute)}
	rs := startE2EStation(t, fmt.Sprintf(e2eDependsHCL, mb.addr), clock.Now)
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
	e2eSend(t, rs, clock.Now, wire.Update{Source: "core-router", Alerts: []wire.Alert{{ID: "ping", Subject: "core1", Summary: "router down"}}})
	mb.waitCount(t, 1, 10*time.Second)
	settled("router raise")
	clock.Advance(time.Second)
	e2eSend(t, rs, clock.Now, wire.Update{Source: "hosts", Alerts: []wire.Alert{
		{ID: "h1", Subject: "h1", Summary: "h1 unreachable"},
		{ID: "h2", Subject: "h2", Summary: "h2 unreachable"},
		{ID: "h3", Subject: "h3", Summary: "h3 unreachable"},
	}})
	deadline := time.Now().Add(10 * time.Second)
	for {
		a, err := rs.st.store.Get(store.Key{Source: "hosts", ID: "h3"})
		if err == nil && a.State == store.StateRaised {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("hosts/h3 not raised after 10s: %v\n%s", err, rs.log)
		}
		time.Sleep(5 * time.Millisecond)
	}
	settled("held raises")
	clock.Advance(time.Minute)
	if _, err := rs.st.store.Tick(clock.Now()); err != nil {
		t.Fatal(err)
	}
	settled("held recheck")
	if n := mb.count(); n != 1 {
		t.Fatalf("%d mails while the router is down, want only the router's", n)
	}
	clock.Advance(time.Second)
	e2eSend(t, rs, clock.Now, wire.Update{Source: "core-router", Alerts: []wire.Alert{{ID: "ping", ClearTime: clock.Now()}}})
	mb.waitCount(t, 2, 10*time.Second)
	settled("router clear")
	clock.Advance(time.Minute)
	if _, err := rs.st.store.Tick(clock.Now()); err != nil {
		t.Fatal(err)
	}
	ms := mb.waitCount(t, 5, 10*time.Second)
	var subjects []string
	for _, m := range ms {
		subjects = append(subjects, m.subject(t))
	}
	all := strings.Join(subjects, "\n")
	for _, want := range []string{"router down", "h1 unreachable", "h2 unreachable", "h3 unreachable"} {
		if !strings.Contains(all, want) {
			t.Errorf("no mail about %q; subjects:\n%s", want, all)
		}
	}
}
