package policy_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// BenchmarkDecide_OnCall50Rotas: a raise decided through a group whose
// notify blocks ask on_call of three of 50 weekly rotas, with 100
// overrides standing.
func BenchmarkDecide_OnCall50Rotas(b *testing.B) {
	var src strings.Builder
	src.WriteString("station { timezone = \"Europe/London\" }\n")
	for i := range 10 {
		fmt.Fprintf(&src, "person \"p%d\" { all = [log] }\n", i)
	}
	for i := range 50 {
		fmt.Fprintf(&src, "rota \"r%d\" {\n  people = [\"p%d\", \"p%d\", \"p%d\"]\n  shift = \"1w\"\n  handoff = \"Mon 09:00\"\n}\n", i, i%10, (i+1)%10, (i+2)%10)
	}
	src.WriteString("alert_group \"all\" {\n")
	for i := range 3 {
		fmt.Fprintf(&src, "  notify \"p%d\" { during = on_call(\"r%d\") == \"p%d\" }\n", i, 47+i, i)
	}
	src.WriteString("}\n")
	p := mustParse(b, src.String())
	now := time.Date(2026, 10, 24, 12, 0, 0, 0, time.UTC)
	var ov []policy.Override
	for i := range 100 {
		ov = append(ov, policy.Override{Rota: fmt.Sprintf("r%d", i%50), Person: "p9", From: now.Add(time.Duration(i) * time.Hour), To: now.Add(time.Duration(i+2) * time.Hour)})
	}
	p = p.WithOverrides(ov)
	c := store.Change{Event: store.EventRaised, Now: now, After: store.Alert{Source: "s", ID: "i", State: store.StateRaised, RaisedAt: now}}
	b.ReportAllocs()
	for b.Loop() {
		p.Decide(c)
	}
}
