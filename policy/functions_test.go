package policy_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// Each during function, tested through Decide: is the person told at a
// raise at that instant (the alert raised at raisedAt)?
func TestDuringFunctions(t *testing.T) {
	loc := london(t)
	d := func(mo time.Month, day, h, m int) time.Time { return time.Date(2026, mo, day, h, m, 0, 0, loc) }
	monday := d(11, 23, 10, 0)
	for _, c := range []struct {
		during string
		now    time.Time
		raised time.Time
		want   bool
	}{
		{`hours_in_day(9, 17)`, d(11, 23, 9, 0), time.Time{}, true},
		{`hours_in_day(9, 17)`, d(11, 23, 17, 0), time.Time{}, false},
		{`hours_in_day(9.5, 17)`, d(11, 23, 9, 15), time.Time{}, false},
		{`hours_in_day(22, 6)`, d(11, 23, 2, 0), time.Time{}, true},
		{`hours_in_day([1, 2], [9, 10])`, d(11, 23, 9, 59), time.Time{}, true},
		{`hours_in_day("09:30-10:00", "12:00-13:00")`, d(11, 23, 12, 30), time.Time{}, true},
		{`hours_in_day("09:30-10:00", "12:00-13:00")`, d(11, 23, 11, 0), time.Time{}, false},
		{`days_in_week(1)`, monday, time.Time{}, true},
		{`days_in_week(0, 6)`, monday, time.Time{}, false},
		{`days_in_week([1, 5])`, d(11, 27, 10, 0), time.Time{}, true},
		{`days_in_week([6, 0])`, d(11, 29, 10, 0), time.Time{}, true},
		{`days_in_week([6, 0])`, monday, time.Time{}, false},
		{`working_hours()`, d(11, 23, 9, 29), time.Time{}, false},
		{`working_hours()`, d(11, 23, 9, 30), time.Time{}, true},
		{`working_hours()`, d(11, 28, 11, 0), time.Time{}, false}, // Saturday
		{`working_hours()`, d(12, 25, 11, 0), time.Time{}, false}, // Christmas
		{`holiday()`, d(12, 25, 11, 0), time.Time{}, true},
		{`holiday()`, monday, time.Time{}, false},
		{`daytime_hours()`, d(11, 28, 21, 59), time.Time{}, true},
		{`daytime_hours()`, d(11, 28, 22, 0), time.Time{}, false},
		{`dead_zone()`, d(11, 28, 3, 0), time.Time{}, true},
		{`!dead_zone()`, d(11, 28, 3, 0), time.Time{}, false},
		{`unacknowledged("1h")`, monday, monday.Add(-59 * time.Minute), false},
		{`unacknowledged("1h")`, monday, monday.Add(-time.Hour), true},
		{`raised_for("30m")`, monday, monday.Add(-time.Hour), true},
		{`no_one_in("nobody")`, monday, time.Time{}, true},
		{`no_one_in("ops")`, monday, time.Time{}, false},
		{`working_hours() ? days_in_week(1) : dead_zone()`, monday, time.Time{}, true},
	} {
		t.Run(fmt.Sprintf("%s at %s", c.during, c.now.Format("Mon 02 15:04")), func(t *testing.T) {
			p := mustParse(t, fmt.Sprintf(`
station {
  timezone = "Europe/London"
  holidays = ["2026-12-25"]
}
person "p" { all = [log] }
people "ops" { members = ["p"] }
people "nobody" { members = [] }
alert_group "all" {
  notify "p" {
    during = %s
  }
}`, c.during))
			raised := c.raised
			if raised.IsZero() {
				raised = c.now
			}
			dec := p.Decide(store.Change{Event: store.EventRaised, Now: c.now,
				After: store.Alert{Source: "s", ID: "i", State: store.StateRaised, RaisedAt: raised}})
			if got := len(dec.Notifications) == 1; got != c.want {
				t.Errorf("told: got %v, want %v", got, c.want)
			}
		})
	}
}

// includes and its functions: glob, matches, in_list over subjects lists
// (hosts, label globs, CIDR, numeric ranges) and people lists.
func TestIncludes(t *testing.T) {
	p := mustParse(t, `
person "johnny" { all = [log] }
people "ops" { members = ["johnny"] }
subjects "fleet" {
  members = ["db.example.com", "web-*.example.com", "10.1.0.0/16", "2001:db8::/32", "app1..10.example.com", "192.0.2.7"]
}
alert_group "fleet" {
  includes = in_list("fleet", subject)
}
alert_group "disks" {
  includes = glob("disk-*", id) || matches("(?i)^filesystem", summary)
}
alert_group "ops" {
  includes = in_list("ops", source) || (importance > 5 && lower(source) == "web")
}
alert_group "default" {}
`)
	for _, c := range []struct {
		source, id, subject, summary string
		importance                   uint32
		want                         string
	}{
		{"x", "y", "db.example.com", "", 0, "fleet"},
		{"x", "y", "DB.example.com.", "", 0, "fleet"},
		{"x", "y", "web-3.example.com", "", 0, "fleet"},
		{"x", "y", "web-3.eu.example.com", "", 0, "default"},
		{"x", "y", "10.1.200.3", "", 0, "fleet"},
		{"x", "y", "10.2.0.1", "", 0, "default"},
		{"x", "y", "2001:db8::1", "", 0, "fleet"},
		{"x", "y", "app7.example.com", "", 0, "fleet"},
		{"x", "y", "app11.example.com", "", 0, "default"},
		{"x", "y", "appx.example.com", "", 0, "default"},
		{"x", "y", "192.0.2.7", "", 0, "fleet"},
		{"x", "disk-sda", "h", "", 0, "disks"},
		{"x", "y", "h", "Filesystem full", 0, "disks"},
		{"johnny", "y", "h", "", 0, "ops"},
		{"WEB", "y", "h", "", 6, "ops"},
		{"WEB", "y", "h", "", 5, "default"},
	} {
		g, _ := p.GroupOf(store.Alert{Source: c.source, ID: c.id, Subject: c.subject, Summary: c.summary, Importance: c.importance})
		if g != c.want {
			t.Errorf("%+v: got %s, want %s", c, g, c.want)
		}
	}
}

// A reload re-evaluates the group of a raised alert without telling
// anyone; reminders follow the new group's blocks.
func TestDecide_ReloadRedecidesWithoutNotifying(t *testing.T) {
	now := mon(t, 10, 0)
	old := mustParse(t, `
person "p" { all = [log] }
alert_group "default" {
  notify "p" { every = "15m" }
}`)
	neu := mustParse(t, `
person "p" { all = [log] }
person "q" { all = [log] }
alert_group "web" {
  level    = urgent
  includes = source == "web"
  notify "q" { every = "5m" }
}
alert_group "default" {
  notify "p" { every = "15m" }
}`)
	a := store.Alert{Source: "web", ID: "x", State: store.StateRaised, RaisedAt: now}
	d := old.Decide(store.Change{Event: store.EventRaised, After: a, Now: now})
	a.Group, a.Level, a.Reminders = d.Group, d.Level, d.Reminders
	// The same policy again keeps the schedule.
	d2 := old.Decide(store.Change{Event: store.EventUpdated, Before: a, After: a, Now: now.Add(time.Minute)})
	if len(d2.Notifications) != 0 || len(d2.Reminders) != 1 || !d2.Reminders[0].At.Equal(now.Add(15*time.Minute)) {
		t.Errorf("same policy: got %+v, want no notification and the 10:15 reminder kept", d2)
	}
	d3 := neu.Decide(store.Change{Event: store.EventUpdated, Before: a, After: a, Now: now.Add(time.Minute)})
	if d3.Group != "web" || d3.Level != "urgent" {
		t.Errorf("new group: got %s %s, want web urgent", d3.Group, d3.Level)
	}
	if len(d3.Notifications) != 0 {
		t.Errorf("got notifications %+v, want none on a reload", d3.Notifications)
	}
	if len(d3.Reminders) != 1 || d3.Reminders[0].Block != 0 || !d3.Reminders[0].At.Equal(now.Add(time.Minute)) {
		t.Errorf("reminders: got %+v, want q (never told) at once", d3.Reminders)
	}
	// Someone already told keeps their pace in the new group, from now.
	a.Told = []string{"q"}
	d4 := neu.Decide(store.Change{Event: store.EventUpdated, Before: a, After: a, Now: now.Add(time.Minute)})
	if len(d4.Reminders) != 1 || !d4.Reminders[0].At.Equal(now.Add(6*time.Minute)) {
		t.Errorf("reminders: got %+v, want q's next at 10:06", d4.Reminders)
	}
}

// Lifting a suppression restarts the reminders at once, so a raise that
// nobody heard of during the suppression is told.
func TestDecide_Unsuppressed(t *testing.T) {
	p := reference(t)
	now := mon(t, 10, 0)
	a := store.Alert{Source: "core-router", ID: "x", State: store.StateRaised, RaisedAt: now, SuppressUntil: now.Add(3 * time.Hour)}
	d := p.Decide(store.Change{Event: store.EventRaised, After: a, Now: now})
	if len(d.Notifications) != 0 {
		t.Errorf("suppressed raise: got %+v, want no one told", d.Notifications)
	}
	if got := reminderAt(store.Alert{Reminders: d.Reminders}, 0); !got.Equal(now.Add(3 * time.Hour)) {
		t.Errorf("first reminder: got %v, want when the suppression ends", got)
	}
	a.Group, a.Reminders = d.Group, d.Reminders
	b := a
	b.SuppressUntil = time.Time{}
	d = p.Decide(store.Change{Event: store.EventUnsuppressed, Before: a, After: b, Now: now.Add(10 * time.Minute)})
	if got := reminderAt(store.Alert{Reminders: d.Reminders}, 0); !got.Equal(now.Add(10 * time.Minute)) {
		t.Errorf("after unsuppress: got %v, want at once", got)
	}
}
