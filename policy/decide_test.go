package policy_test

import (
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// Monday 23 November 2026 in London (GMT).
func mon(t *testing.T, h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, london(t)) }

func TestGroupOf_Reference(t *testing.T) {
	p := reference(t)
	for _, c := range []struct {
		source, id, subject string
		group               string
		level               policy.Level
	}{
		{"core-router", "bgp", "core-router", "core-routers", policy.Urgent},
		{"nagios", "ping", "core2.example.com", "core-routers", policy.Urgent},
		{"nagios", "ping", "10.0.0.7", "core-routers", policy.Urgent},
		{"nagios", "ping", "10.0.1.7", "default", policy.Normal},
		{"fileserver", "disk-sda", "fileserver", "disks", policy.Low},
		{"fileserver", "load", "fileserver", "default", policy.Normal},
	} {
		g, l := p.GroupOf(store.Alert{Source: c.source, ID: c.id, Subject: c.subject})
		if g != c.group || l != c.level {
			t.Errorf("%s/%s (%s): got %s %s, want %s %s", c.source, c.id, c.subject, g, l, c.group, c.level)
		}
	}
}

// SPEC §6 with the reference config: Johnny is told at once and reminded
// every 15 minutes; Archie hears only once the alert has been
// unacknowledged for an hour within 09:00-17:00, then at his own 6-hour
// pace (the next day, as 17:00 is outside his hours).
func TestDecide_JohnnyEvery15MinutesArchieAfterAnHour(t *testing.T) {
	s := newSim(t, reference(t), "core-router", "bgp", "core-router")
	s.raise(mon(t, 10, 0))
	s.advance(mon(t, 11, 0))
	s.expect(
		"Mon 23 10:00 raised urgent johnny sms.twilio,email",
		"Mon 23 10:15 reminder urgent johnny sms.twilio,email",
		"Mon 23 10:30 reminder urgent johnny sms.twilio,email",
		"Mon 23 10:45 reminder urgent johnny sms.twilio,email",
		"Mon 23 11:00 reminder urgent johnny sms.twilio,email",
		"Mon 23 11:00 reminder urgent archie email",
	)
	if got, want := reminderAt(s.a, 1), time.Date(2026, 11, 24, 9, 0, 0, 0, london(t)); !got.Equal(want) {
		t.Errorf("archie's next reminder: got %v, want %v", got, want)
	}
}

// Raised late in the day: Archie's hour is up at 17:30, outside 09-17,
// so he hears first at 09:00 the next morning.
func TestDecide_ArchieWaitsForWorkingHours(t *testing.T) {
	s := newSim(t, reference(t), "core-router", "bgp", "core-router")
	s.raise(mon(t, 16, 30))
	if got, want := reminderAt(s.a, 1), time.Date(2026, 11, 24, 9, 0, 0, 0, london(t)); !got.Equal(want) {
		t.Errorf("archie's first: got %v, want %v", got, want)
	}
}

// The disks group tells sysadmins daily in working hours: Christmas,
// Boxing Day and the weekend are skipped.
func TestDecide_HolidaysSkipped(t *testing.T) {
	loc := london(t)
	s := newSim(t, reference(t), "fileserver", "disk-sda", "fileserver")
	s.raise(time.Date(2026, 12, 24, 16, 0, 0, 0, loc))
	s.advance(time.Date(2026, 12, 28, 23, 0, 0, 0, loc))
	s.expect(
		"Thu 24 16:00 raised low johnny email",
		"Thu 24 16:00 raised low archie email",
		"Mon 28 09:30 reminder low johnny email",
		"Mon 28 09:30 reminder low archie email",
	)
}

// An acknowledgement stops reminders and is told to those told so far;
// when it expires the alert is re-raised and the reminders start again,
// Archie's hour counting from the re-raise.
func TestDecide_AckStopsRemindersExpiryRestartsThem(t *testing.T) {
	s := newSim(t, reference(t), "core-router", "bgp", "core-router")
	s.raise(mon(t, 10, 0))
	s.ack(mon(t, 10, 20), "johnny", mon(t, 11, 20))
	if len(s.a.Reminders) != 0 {
		t.Errorf("reminders after ack: got %v, want none", s.a.Reminders)
	}
	s.advance(mon(t, 12, 30))
	s.expect(
		"Mon 23 10:00 raised urgent johnny sms.twilio,email",
		"Mon 23 10:15 reminder urgent johnny sms.twilio,email",
		"Mon 23 10:20 acknowledged urgent johnny sms.twilio,email",
		"Mon 23 11:20 re-raised urgent johnny sms.twilio,email",
		"Mon 23 11:35 reminder urgent johnny sms.twilio,email",
		"Mon 23 11:50 reminder urgent johnny sms.twilio,email",
		"Mon 23 12:05 reminder urgent johnny sms.twilio,email",
		"Mon 23 12:20 reminder urgent johnny sms.twilio,email",
		"Mon 23 12:20 reminder urgent archie email",
	)
}

// A clear goes only to those told of the alert (and who acted on it).
func TestDecide_ClearOnlyToThoseTold(t *testing.T) {
	s := newSim(t, reference(t), "core-router", "bgp", "core-router")
	s.raise(mon(t, 10, 0))
	s.clear(mon(t, 10, 5))
	s.expect(
		"Mon 23 10:00 raised urgent johnny sms.twilio,email",
		"Mon 23 10:05 cleared urgent johnny sms.twilio,email",
	)
	s.raise(mon(t, 13, 0))
	s.advance(mon(t, 14, 0))
	s.log = nil
	s.clear(mon(t, 14, 5))
	s.expect(
		"Mon 23 14:05 cleared urgent johnny sms.twilio,email",
		"Mon 23 14:05 cleared urgent archie email",
	)
	if len(s.a.Reminders) != 0 {
		t.Errorf("reminders after clear: got %v, want none", s.a.Reminders)
	}
}

// Someone who acted on an alert hears of its later changes even when no
// notify block names them.
func TestDecide_ActorsHearLaterChanges(t *testing.T) {
	s := newSim(t, reference(t), "fileserver", "load", "fileserver")
	s.raise(mon(t, 10, 0))
	s.log = nil
	s.a.Actors = []string{"local-admin", "archie"}
	s.a.Told = []string{"johnny"}
	s.clear(mon(t, 10, 30))
	s.expect(
		"Mon 23 10:30 cleared normal johnny email,webhook.ops-chat",
		"Mon 23 10:30 cleared normal archie email",
	)
}

// Decide is pure: after a restart the store fires the reminders it kept
// (postponed by initial_sleep) and the schedule goes on from there.
func TestDecide_RestartInTheMiddleOfAReminderSchedule(t *testing.T) {
	s := newSim(t, reference(t), "core-router", "bgp", "core-router")
	s.raise(mon(t, 10, 0))
	s.advance(mon(t, 10, 20)) // 10:15 reminder; then the station stops
	kept := s.a

	// A new process with a freshly loaded policy; the store postponed the
	// 10:30 reminder to the end of the initial sleep, 10:50.
	s2 := newSim(t, reference(t), "core-router", "bgp", "core-router")
	s2.a = kept
	for i := range s2.a.Reminders {
		if s2.a.Reminders[i].At.Before(mon(t, 10, 50)) {
			s2.a.Reminders[i].At = mon(t, 10, 50)
		}
	}
	s2.advance(mon(t, 11, 10))
	s2.expect(
		"Mon 23 10:50 reminder urgent johnny sms.twilio,email",
		"Mon 23 11:00 reminder urgent archie email",
		"Mon 23 11:05 reminder urgent johnny sms.twilio,email",
	)
}

// Every notify block keeps its own pace (classic reminded all blocks at
// the fastest one), and a person in two blocks is told once per event.
func TestDecide_EachBlockKeepsItsOwnPace(t *testing.T) {
	p := mustParse(t, `
station { timezone = "Europe/London" }
person "team" { all = [log] }
person "boss" { all = [log] }
people "both" { members = ["team", "boss"] }
alert_group "all" {
  notify "team" { every = "10m" }
  notify "both" { every = "1h" }
}`)
	s := newSim(t, p, "app", "x", "app")
	s.raise(mon(t, 10, 0))
	s.advance(mon(t, 11, 59))
	count := map[string]int{}
	for _, l := range s.log {
		count[l[len("Mon 23 10:00 "):]]++
	}
	want := map[string]int{
		"raised normal team log":   1,
		"raised normal boss log":   1,
		"reminder normal team log": 12, // 10:10 .. 11:50, and 11:00 from the hourly block
		"reminder normal boss log": 1,  // 11:00
	}
	for k, v := range want {
		if count[k] != v {
			t.Errorf("%s: got %d, want %d\n%v", k, count[k], v, s.log)
		}
	}
}

// While an alert is suppressed nobody is told, and reminders wait for the
// suppression to end.
func TestDecide_Suppressed(t *testing.T) {
	s := newSim(t, reference(t), "core-router", "bgp", "core-router")
	s.advance(mon(t, 10, 0))
	s.apply(store.EventRaised, mon(t, 10, 0), "", 0, func(a *store.Alert) {
		a.State, a.RaisedAt, a.SuppressUntil = store.StateRaised, mon(t, 10, 0), mon(t, 10, 40)
	})
	s.advance(mon(t, 11, 0))
	s.expect(
		"Mon 23 10:40 reminder urgent johnny sms.twilio,email",
		"Mon 23 10:55 reminder urgent johnny sms.twilio,email",
		"Mon 23 11:00 reminder urgent archie email",
	)
	s.clear(mon(t, 11, 1))
	s.log = nil
	// A clear of an alert suppressed before the clear tells no one.
	s.apply(store.EventRaised, mon(t, 12, 0), "", 0, func(a *store.Alert) {
		a.State, a.RaisedAt, a.SuppressUntil = store.StateRaised, mon(t, 12, 0), mon(t, 13, 0)
	})
	s.a.Told = []string{"johnny"}
	s.clear(mon(t, 12, 1))
	s.expect()
}

// Clock changes: a block limited to 09:00-17:00 local time wakes at 09:00
// local on the morning the clocks went back, and a block for 02:00-03:00
// wakes at the first instant of 02:00 BST on the night they went forward.
func TestDecide_DSTEdges(t *testing.T) {
	p := mustParse(t, `
station { timezone = "Europe/London" }
person "p" { all = [log] }
alert_group "all" {
  notify "p" {
    every  = "15m"
    during = hours_in_day(9, 17) || hours_in_day("02:00-03:00")
  }
}`)
	loc := london(t)
	for _, c := range []struct {
		name  string
		raise time.Time
		want  time.Time
	}{
		{"autumn", time.Date(2026, 10, 24, 23, 0, 0, 0, loc), time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC)},
		{"autumn morning", time.Date(2026, 10, 25, 3, 30, 0, 0, loc), time.Date(2026, 10, 25, 9, 0, 0, 0, time.UTC)},
		{"spring", time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)},
		{"spring morning", time.Date(2026, 3, 29, 4, 0, 0, 0, loc), time.Date(2026, 3, 29, 8, 0, 0, 0, time.UTC)},
	} {
		s := newSim(t, p, "a", "b", "c")
		s.raise(c.raise)
		if len(s.log) != 0 {
			t.Errorf("%s: told at raise %v, want not", c.name, s.log)
		}
		if got := reminderAt(s.a, 0); !got.Equal(c.want) {
			t.Errorf("%s: first reminder got %v, want %v", c.name, got.UTC(), c.want)
		}
	}
}

// A during that never holds gives no reminder (the search gives up after
// 8 days) and notifies no one.
func TestDecide_NeverHolds(t *testing.T) {
	p := mustParse(t, `
person "p" { all = [log] }
people "empty" { members = [] }
alert_group "all" {
  notify "p" {
    every  = "15m"
    during = days_in_week(1) && days_in_week(2)
  }
}`)
	s := newSim(t, p, "a", "b", "c")
	s.raise(mon(t, 10, 0))
	if len(s.log) != 0 || len(s.a.Reminders) != 0 {
		t.Errorf("got %v and reminders %v, want nothing", s.log, s.a.Reminders)
	}
}

func reminderAt(a store.Alert, block int) time.Time {
	for _, r := range a.Reminders {
		if r.Block == block {
			return r.At
		}
	}
	return time.Time{}
}

// A loaded policy is immutable: the store and the web UI may decide with
// it from many goroutines at once (run with -race).
func TestDecide_Concurrent(t *testing.T) {
	p := reference(t)
	now := mon(t, 10, 0)
	done := make(chan store.Decision)
	for i := range 8 {
		go func() {
			a := store.Alert{Source: "nagios", ID: "disk-x", Subject: "10.0.0.9", State: store.StateRaised, RaisedAt: now.Add(-time.Duration(i) * time.Hour)}
			var d store.Decision
			for range 50 {
				d = p.Decide(store.Change{Event: store.EventRaised, After: a, Now: now})
				p.GroupOf(a)
				_, _ = p.AcknowledgeUntil(a, "2h", policy.CountWorking, now)
			}
			done <- d
		}()
	}
	for range 8 {
		if d := <-done; d.Group != "core-routers" {
			t.Errorf("got group %q, want core-routers", d.Group)
		}
	}
}
