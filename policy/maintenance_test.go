package policy_test

import (
	"strings"
	"testing"
	"time"
)

const maintenanceConfig = `
station { timezone = "Europe/London" }
email { from = "mauve@example.com" }
person "johnny" { email = "johnny@example.com" }
maintenance "sunday" {
  every    = "Sun 02:00"
  for      = "2h"
  includes = source == "db1"
}
alert_group "default" {
  notify "johnny" { every = "1h" }
}
`

// A recurring Sunday 02:00-04:00 window: a raise inside it is recorded
// but told to nobody until the window closes, and then at once (the
// catch-up page), not a reminder interval later; it keeps its wall-clock
// hours on the Sunday the clocks go forward.
func TestMaintenance_SundayWindowCatchUpAcrossDST(t *testing.T) {
	p := mustParse(t, maintenanceConfig)
	loc := london(t)
	for _, day := range []int{22, 29} { // 29 March 2026: clocks go forward at 01:00
		at := func(h, m int) time.Time { return time.Date(2026, 3, day, h, m, 0, 0, loc) }
		s := newSim(t, p, "db1", "disk", "db1")
		s.raise(at(2, 30))
		s.advance(at(3, 59))
		s.expect()
		s.advance(at(4, 0))
		s.expect("Sun " + itoa2(day) + " 04:00 reminder normal johnny email")
		s.advance(at(5, 0))
		s.expect("Sun " + itoa2(day) + " 05:00 reminder normal johnny email")

		other := newSim(t, p, "web1", "disk", "web1") // not included: told at once
		other.raise(at(2, 30))
		other.expect("Sun " + itoa2(day) + " 02:30 raised normal johnny email")

		acked := newSim(t, p, "db1", "load", "db1") // acknowledged inside: no catch-up
		acked.raise(at(2, 30))
		acked.ack(at(3, 0), "johnny", at(8, 0))
		acked.expect("Sun " + itoa2(day) + " 03:00 acknowledged normal johnny email") // the actor hears of his own ack
		acked.advance(at(5, 0))
		acked.expect()

		after := newSim(t, p, "db1", "ping", "db1") // after the window: at once
		after.raise(at(4, 10))
		after.expect("Sun " + itoa2(day) + " 04:10 raised normal johnny email")
	}
}

func itoa2(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

func TestMaintenance_BadInput(t *testing.T) {
	for _, c := range []struct{ block, want string }{
		{`every = "Funday 02:00"` + "\n  for = \"2h\"", `test.hcl:6:11: error: Invalid every`},
		{`every = "Sun 25:00"` + "\n  for = \"2h\"", `every "Sun 25:00" must be a weekday and a time`},
		{`every = "02:00"` + "\n  for = \"25h\"", `at most 24h0m0s`},
		{`every = "Sun 02:00"` + "\n  for = \"2h\"\n  timezone = \"Mars/Olympus\"", `"Mars/Olympus" is not a time zone`},
		{`for = "2h"`, `every`},
	} {
		_, diags := parseString(strings.Replace(maintenanceConfig, "every    = \"Sun 02:00\"\n  for      = \"2h\"", c.block, 1))
		if !strings.Contains(diags, c.want) {
			t.Errorf("%s:\ngot:\n%s\nwant %q", c.block, diags, c.want)
		}
	}
}
