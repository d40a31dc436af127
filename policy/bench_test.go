package policy_test

import (
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// BenchmarkDecide is the policy's share of each alert change: the group
// (includes of every group up to the match), who is told, and every
// block's next reminder, with the reference configuration.
func BenchmarkDecide(b *testing.B) {
	p := reference(b)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, london(b))
	cases := []struct {
		name string
		c    store.Change
	}{
		{"raise-urgent-escalation", store.Change{Event: store.EventRaised, Now: now,
			After: store.Alert{Source: "nagios", ID: "ping", Subject: "10.0.0.7", State: store.StateRaised, RaisedAt: now}}},
		{"raise-default", store.Change{Event: store.EventRaised, Now: now,
			After: store.Alert{Source: "web1", ID: "load", Subject: "web1", State: store.StateRaised, RaisedAt: now}}},
		{"reminder", store.Change{Event: store.EventReminder, Now: now, Block: 0,
			Before: store.Alert{Source: "core-router", ID: "bgp", State: store.StateRaised, RaisedAt: now.Add(-time.Hour), Group: "core-routers",
				Reminders: []store.Reminder{{Block: 0, At: now}, {Block: 1, At: now.Add(time.Hour)}}},
			After: store.Alert{Source: "core-router", ID: "bgp", State: store.StateRaised, RaisedAt: now.Add(-time.Hour), Group: "core-routers"}}},
		{"clear", store.Change{Event: store.EventCleared, Now: now,
			Before: store.Alert{Source: "web1", ID: "load", State: store.StateRaised, Told: []string{"johnny", "archie"}},
			After:  store.Alert{Source: "web1", ID: "load", State: store.StateCleared}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Decide(c.c)
			}
		})
	}
}
