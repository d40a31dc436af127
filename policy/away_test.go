package policy_test

import (
	"strings"
	"testing"
	"time"
)

// People away (holiday, off sick) are not told unless they opt in, and
// no_one_in(list) holds while everyone on the list is away: the boss hears
// only while the whole on-call list is away.
func TestDecide_AwayAndNoOneIn(t *testing.T) {
	p := mustParse(t, `
station { timezone = "Europe/London" }
person "oncall1" {
  all  = [log]
  away = ["2026-11-23..2026-11-27"]
}
person "oncall2" {
  all  = [log]
  away = ["2026-11-23"]
}
person "keen" {
  all              = [log]
  away             = ["2026-11-23"]
  notify_when_away = true
}
person "boss" { all = [log] }
people "oncall" { members = ["oncall1", "oncall2"] }
alert_group "all" {
  notify "oncall" { every = "1h" }
  notify "keen" { every = "6h" }
  notify "boss" {
    every  = "6h"
    during = no_one_in("oncall")
  }
}`)
	s := newSim(t, p, "a", "b", "c")
	s.raise(mon(t, 10, 0))
	s.advance(time.Date(2026, 11, 24, 1, 30, 0, 0, london(t)))
	s.expect(
		"Mon 23 10:00 raised normal keen log",
		"Mon 23 10:00 raised normal boss log",
		"Mon 23 16:00 reminder normal keen log",
		"Mon 23 16:00 reminder normal boss log",
		"Mon 23 22:00 reminder normal keen log",
		"Mon 23 22:00 reminder normal boss log",
		"Tue 24 00:00 reminder normal oncall2 log",
		"Tue 24 01:00 reminder normal oncall2 log",
	)
}

func TestParse_Away(t *testing.T) {
	_, diags := parseString(`
person "p" {
  all  = [log]
  away = ["2026-12-24..2026-12-20"]
}`)
	if got := diags; !strings.Contains(got, "run backwards") {
		t.Errorf("got %q, want an error about days running backwards", got)
	}
}
