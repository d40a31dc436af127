package policy_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// BenchmarkDecideQuiet is a decision under a policy with 100 maintenance
// windows (none open, so every one is looked at) and a 1,000-parent
// dependency graph (ten levels of 100 parents, none raised, so every
// parent of the alert's group is asked about).
func BenchmarkDecideQuiet(b *testing.B) {
	var src strings.Builder
	src.WriteString("station { timezone = \"Europe/London\" }\nemail { from = \"mauve@example.com\" }\nperson \"johnny\" { email = \"johnny@example.com\" }\n")
	for i := range 100 {
		fmt.Fprintf(&src, "maintenance \"w%d\" {\n  every = \"%s %02d:00\"\n  for = \"1h\"\n  includes = source == \"db%d\"\n}\n",
			i, []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}[i%7], i%24, i)
	}
	for level := range 10 {
		var parents []string
		for k := range 100 {
			parents = append(parents, fmt.Sprintf("%q", fmt.Sprintf("site%d/uplink%d", level+1, k)))
		}
		fmt.Fprintf(&src, "alert_group \"site%d\" {\n  includes = source == \"site%d\"\n  depends_on = [%s]\n  notify \"johnny\" {\n    every = \"1h\"\n  }\n}\n",
			level, level, strings.Join(parents, ", "))
	}
	src.WriteString("alert_group \"rest\" {\n  notify \"johnny\" {\n    every = \"1h\"\n  }\n}\n")
	p := mustParse(b, src.String())
	now := time.Date(2026, 11, 23, 10, 30, 0, 0, london(b))
	raised := map[store.Key]bool{}
	c := store.Change{Event: store.EventRaised, Now: now,
		After:  store.Alert{Source: "site0", ID: "disk", Subject: "site0", State: store.StateRaised, RaisedAt: now},
		Raised: func(k store.Key) bool { return raised[k] }}
	if d := p.Decide(c); d.Group != "site0" || len(d.Notifications) != 1 {
		b.Fatalf("decision: %+v", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Decide(c)
	}
}
