package policy_test

import (
	"fmt"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

func ExamplePolicy_Decide() {
	p, diags := policy.Parse([]byte(`
station { timezone = "UTC" }
person "johnny" { all = [log] }
alert_group "default" {
  notify "johnny" { every = "15m" }
}`), "mauve.hcl", nil)
	if diags.HasErrors() {
		fmt.Println(policy.FormatDiagnostics(diags))
		return
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	d := p.Decide(store.Change{
		Event: store.EventRaised,
		After: store.Alert{Source: "web1", ID: "load", State: store.StateRaised, RaisedAt: now},
		Now:   now,
	})
	for _, n := range d.Notifications {
		fmt.Println(d.Group, d.Level, n.Event, n.Person, n.Channels)
	}
	for _, r := range d.Reminders {
		fmt.Println("next reminder", r.At.Format("15:04"))
	}
	// Output:
	// default normal raised johnny [log]
	// next reminder 10:15
}

func ExampleParse_diagnostics() {
	_, diags := policy.Parse([]byte(`
alert_group "default" {
  notify "johnny" { every = "15 minutes" }
}`), "mauve.hcl", nil)
	fmt.Println(policy.FormatDiagnostics(diags))
	// Output:
	// mauve.hcl:3:10: error: Unknown person or list: notify "johnny" names no person and no people list; define person "johnny" or people "johnny".
	// mauve.hcl:3:29: error: Invalid duration: every: "15 minutes" is not a duration: write "15m" (a number and one of the units s, m, h, d, w, with no space)
}
