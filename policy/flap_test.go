package policy_test

import (
	"strings"
	"testing"
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
