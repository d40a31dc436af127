package commands

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

const e2eMaintenanceHCL = `
station {
  name     = "alerts1.example.com"
  url      = "http://mauve.test"
  timezone = "UTC"
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
maintenance "deploy" {
  every    = %q
  for      = "1h"
  includes = source == "db1"
}
alert_group "default" {
  level = urgent
  notify "johnny" {
    every = "4h"
  }
}
`

// TestServe_MaintenanceCatchUp runs `mauve serve` with a real SMTP server
// and a daily maintenance window open now: a raise inside it mails
// nobody; at the window's close johnny gets the catch-up mail at once,
// not four hours (the reminder pace) later.
func TestServe_MaintenanceCatchUp(t *testing.T) {
	mb := startE2EMailbox(t)
	clock := &e2eClock{now: time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Minute)}
	opens := clock.Now()
	rs := startE2EStation(t, fmt.Sprintf(e2eMaintenanceHCL, mb.addr, opens.Format("15:04")), clock.Now)
	clock.Advance(10 * time.Minute)
	e2eSend(t, rs, clock.Now, wire.Update{Source: "db1", Alerts: []wire.Alert{{ID: "disk", Subject: "db1", Summary: "disk full"}}})
	deadline := time.Now().Add(10 * time.Second)
	for {
		a, err := rs.st.store.Get(store.Key{Source: "db1", ID: "disk"})
		if err == nil && a.State == store.StateRaised {
			if len(a.Reminders) != 1 || !a.Reminders[0].At.Equal(opens.Add(time.Hour)) {
				t.Fatalf("reminders %v, want one at the window's close %s", a.Reminders, opens.Add(time.Hour))
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("db1/disk not raised after 10s: %v\n%s", err, rs.log)
		}
		time.Sleep(5 * time.Millisecond)
	}
	clock.Advance(49 * time.Minute)
	if _, err := rs.st.store.Tick(clock.Now()); err != nil {
		t.Fatal(err)
	}
	if rows, err := rs.st.store.DueNotifications(time.Now().Add(24*time.Hour), 0); err != nil || len(rows) != 0 || mb.count() != 0 {
		t.Fatalf("inside the window: rows %v (%v), %d mails; want none", rows, err, mb.count())
	}
	clock.Advance(time.Minute) // the window closes
	if _, err := rs.st.store.Tick(clock.Now()); err != nil {
		t.Fatal(err)
	}
	ms := mb.waitCount(t, 1, 10*time.Second)
	if s := ms[0].subject(t); !strings.Contains(s, "disk full") {
		t.Errorf("catch-up mail subject %q", s)
	}
}
