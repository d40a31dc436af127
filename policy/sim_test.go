package policy_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// london is the zone of the scenario tests.
func london(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// mustParse parses a policy or fails the test.
func mustParse(t testing.TB, src string) *policy.Policy {
	t.Helper()
	p, diags := policy.Parse([]byte(src), "test.hcl", testEnv)
	if diags.HasErrors() {
		t.Fatalf("parse: %s", policy.FormatDiagnostics(diags))
	}
	return p
}

// parseString parses a policy and returns its diagnostics as text.
func parseString(src string) (*policy.Policy, string) {
	p, diags := policy.Parse([]byte(src), "test.hcl", testEnv)
	return p, policy.FormatDiagnostics(diags)
}

// reference loads the project's reference configuration.
func reference(t testing.TB) *policy.Policy {
	t.Helper()
	src, err := os.ReadFile("testdata/good/reference.hcl")
	if err != nil {
		t.Fatal(err)
	}
	return mustParse(t, string(src))
}

// sim plays the store's part around the pure policy: it applies each
// decision to one alert, fires reminders and acknowledgement expiries in
// time order on a fake clock, and logs every notification.
type sim struct {
	t   *testing.T
	p   *policy.Policy
	a   store.Alert
	log []string
	// raised answers the Decider's question about other alerts (nil: none raised).
	raised func(store.Key) bool
	// changes are the times of the alert's raises and clears, as the
	// store's history holds them.
	changes []time.Time
}

func newSim(t *testing.T, p *policy.Policy, source, id, subject string) *sim {
	return &sim{t: t, p: p, a: store.Alert{Source: source, ID: id, Subject: subject, State: store.StateCleared}}
}

func (s *sim) apply(ev store.EventKind, now time.Time, actor string, block int, change func(*store.Alert)) {
	before := s.a
	after := s.a
	after.Told = slices.Clone(s.a.Told)
	after.Actors = slices.Clone(s.a.Actors)
	if change != nil {
		change(&after)
	}
	switch ev {
	case store.EventRaised, store.EventReRaised, store.EventCleared:
		s.changes = append(s.changes, now)
	}
	count := func(since time.Time) int {
		n := 0
		for _, c := range s.changes {
			if !c.Before(since) {
				n++
			}
		}
		return n
	}
	d := s.p.Decide(store.Change{Event: ev, Before: before, After: after, Actor: actor, Now: now, Block: block,
		Raised: s.raised, StateChanges: count})
	after.Group, after.Level, after.Reminders = d.Group, d.Level, d.Reminders
	for _, n := range d.Notifications {
		if !slices.Contains(after.Told, n.Person) {
			after.Told = append(after.Told, n.Person)
		}
		s.log = append(s.log, fmt.Sprintf("%s %s %s %s %s", now.In(s.p.Station.Location).Format("Mon 02 15:04"),
			n.Event, n.Level, n.Person, strings.Join(n.Channels, ",")))
	}
	s.a = after
}

func (s *sim) raise(now time.Time) {
	s.advance(now)
	s.apply(store.EventRaised, now, "", 0, func(a *store.Alert) {
		a.State, a.RaisedAt, a.ClearedAt, a.Told, a.Actors = store.StateRaised, now, time.Time{}, nil, nil
	})
}

func (s *sim) ack(now time.Time, who string, until time.Time) {
	s.advance(now)
	s.apply(store.EventAcknowledged, now, who, 0, func(a *store.Alert) {
		a.State, a.AcknowledgedBy, a.AcknowledgedAt, a.AcknowledgedUntil = store.StateAcknowledged, who, now, until
		a.Actors = append(a.Actors, who)
	})
}

func (s *sim) clear(now time.Time) {
	s.advance(now)
	s.apply(store.EventCleared, now, "", 0, func(a *store.Alert) {
		a.State, a.ClearedAt, a.RaisedAt, a.AcknowledgedBy, a.AcknowledgedUntil = store.StateCleared, now, time.Time{}, "", time.Time{}
	})
}

// advance fires everything due up to and including to, in time order.
func (s *sim) advance(to time.Time) {
	for range 10000 {
		var due time.Time
		block := -1
		if s.a.State == store.StateAcknowledged && !s.a.AcknowledgedUntil.After(to) {
			due = s.a.AcknowledgedUntil
		}
		for _, r := range s.a.Reminders {
			if !r.At.After(to) && (due.IsZero() || r.At.Before(due) || (r.At.Equal(due) && block >= 0 && r.Block < block)) {
				due, block = r.At, r.Block
			}
		}
		switch {
		case due.IsZero():
			return
		case block < 0:
			s.apply(store.EventReRaised, due, "station", 0, func(a *store.Alert) {
				a.State, a.RaisedAt, a.AcknowledgedBy, a.AcknowledgedUntil = store.StateRaised, due, "", time.Time{}
			})
		default:
			s.apply(store.EventReminder, due, "station", block, nil)
		}
	}
	s.t.Fatal("advance: too many events; a reminder loop?")
}

// expect compares the notification log so far and empties it.
func (s *sim) expect(want ...string) {
	s.t.Helper()
	if got := strings.Join(s.log, "\n"); got != strings.Join(want, "\n") {
		s.t.Errorf("notifications:\ngot:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	s.log = nil
}
