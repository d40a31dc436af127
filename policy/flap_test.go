package policy_test

import (
	"strings"
	"testing"
	"time"
)

// raise_after = "5m": a raise that clears within five minutes tells
// nobody (not even of the clear); one that stays is told at five minutes,
// then keeps the group's pace.
func TestRaiseAfter_ToldOnlyWhenItStays(t *testing.T) {
	p := mustParse(t, strings.Replace(dependsConfig, `depends_on = ["core-router/ping"]`, `raise_after = "5m"`, 1))
	s := newSim(t, p, "host1", "ping", "host1")
	s.raise(mon(t, 10, 0))
	s.clear(mon(t, 10, 4))
	s.advance(mon(t, 11, 0))
	s.expect()
	s.raise(mon(t, 11, 0))
	s.advance(mon(t, 11, 4))
	s.expect()
	s.advance(mon(t, 12, 5))
	s.expect("Mon 23 11:05 reminder urgent johnny email", "Mon 23 12:05 reminder urgent johnny email")
	s.clear(mon(t, 12, 10))
	s.expect("Mon 23 12:10 cleared urgent johnny email")
}

// An alert flapping 10 times in 10 minutes: Johnny hears of the first
// raise and clear, then one "flapping" notification, then nothing until
// it settles (no more than 4 changes in 10 minutes), when the alert still
// raised is told at once.
func TestFlapping_TenFlapsOneNotification(t *testing.T) {
	p := mustParse(t, strings.Replace(dependsConfig, `depends_on = ["core-router/ping"]`, "flapping = 4\n  flapping_within = \"10m\"", 1))
	s := newSim(t, p, "host1", "ping", "host1")
	for i := range 10 {
		s.raise(mon(t, 10, i))
		if i < 9 {
			s.clear(mon(t, 10, i).Add(30 * time.Second))
		}
	}
	s.advance(mon(t, 11, 0))
	s.expect(
		"Mon 23 10:00 raised urgent johnny email",
		"Mon 23 10:00 cleared urgent johnny email",
		"Mon 23 10:01 raised urgent johnny email",
		"Mon 23 10:01 cleared urgent johnny email",
		"Mon 23 10:02 flapping urgent johnny email",
		"Mon 23 10:18 reminder urgent johnny email",
	)
	if len(s.changes) != 19 {
		t.Errorf("%d state changes recorded, want 19", len(s.changes))
	}
}
