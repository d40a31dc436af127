package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/store"
)

const dependsConfig = `
station { timezone = "Europe/London" }
email { from = "mauve@example.com" }
person "johnny" { email = "johnny@example.com" }
alert_group "routers" {
  level    = urgent
  includes = source == "core-router"
  notify "johnny" { every = "1h" }
}
alert_group "behind-router" {
  level      = urgent
  depends_on = ["core-router/ping"]
  notify "johnny" { every = "1h" }
}
`

// A router down with 40 alerts behind it: Johnny hears of the router
// once; the 40 are held while it is raised, and only the 20 still raised
// after the router clears are told, within a minute of the clear.
func TestDepends_RouterDownFortyHeld(t *testing.T) {
	p := mustParse(t, dependsConfig)
	router := newSim(t, p, "core-router", "ping", "core-router")
	raised := func(k store.Key) bool {
		return k == router.a.Key() && router.a.State == store.StateRaised
	}
	var children []*sim
	for i := range 40 {
		c := newSim(t, p, fmt.Sprintf("host%02d", i), "ping", fmt.Sprintf("host%02d", i))
		c.raised = raised
		children = append(children, c)
	}
	router.raise(mon(t, 10, 0))
	router.expect("Mon 23 10:00 raised urgent johnny email")
	for _, c := range children {
		c.raise(mon(t, 10, 1))
	}
	for i, c := range children {
		if i%2 == 0 {
			c.clear(mon(t, 10, 20)) // recovered before the router: never told
		} else {
			c.advance(mon(t, 10, 20))
		}
	}
	for _, c := range children {
		c.advance(mon(t, 10, 30)) // the sims share one world: keep them in step
	}
	router.clear(mon(t, 10, 30))
	router.expect("Mon 23 10:30 cleared urgent johnny email")
	for _, c := range children {
		c.expect() // held: nobody told while the router was raised
	}
	told := 0
	for i, c := range children {
		c.advance(mon(t, 10, 31))
		if len(c.log) > 0 {
			told++
			if i%2 == 0 || !strings.HasPrefix(c.log[0], "Mon 23 10:31 reminder urgent johnny") {
				t.Errorf("%s: %v", c.a.Key(), c.log)
			}
		}
		c.log = nil
	}
	if told != 20 {
		t.Errorf("told of %d held children after the router cleared, want the 20 still raised", told)
	}
	// Once told, a child keeps the group's hourly pace.
	c := children[1]
	c.advance(mon(t, 11, 31))
	c.expect("Mon 23 11:31 reminder urgent johnny email")
}

// The parent itself is never held by its own name.
func TestDepends_ParentNotHeldBySelf(t *testing.T) {
	p := mustParse(t, strings.Replace(dependsConfig, `includes = source == "core-router"`, `includes = source == "nothing"`, 1))
	router := newSim(t, p, "core-router", "ping", "core-router")
	router.raised = func(k store.Key) bool { return k == router.a.Key() }
	router.raise(mon(t, 10, 0))
	router.expect("Mon 23 10:00 raised urgent johnny email")
}

func TestDepends_LoopIsALoadError(t *testing.T) {
	_, diags := parseString(`
email { from = "mauve@example.com" }
person "johnny" { email = "johnny@example.com" }
alert_group "a" {
  includes   = source == "a"
  depends_on = ["b/ping"]
  notify "johnny" {}
}
alert_group "b" {
  includes   = source == "b"
  depends_on = ["a/ping"]
  notify "johnny" {}
}
alert_group "rest" {
  notify "johnny" {}
}
`)
	if !strings.Contains(diags, "test.hcl:") || !strings.Contains(diags, "Dependency loop") || !strings.Contains(diags, "a/ping -> b/ping -> a/ping") && !strings.Contains(diags, "b/ping -> a/ping -> b/ping") {
		t.Errorf("diagnostics:\n%s", diags)
	}
	_, diags = parseString(`
email { from = "mauve@example.com" }
person "johnny" { email = "johnny@example.com" }
alert_group "a" {
  depends_on = ["no-slash"]
  notify "johnny" {}
}
`)
	if !strings.Contains(diags, `test.hcl:5:16`) || !strings.Contains(diags, `"no-slash" must name an alert as SOURCE/ID`) {
		t.Errorf("diagnostics:\n%s", diags)
	}
}
