package policy_test

import (
	"testing"

	"github.com/mauve-alert/mauve/policy"
)

// The example the project ships for /etc/mauve/mauve.hcl loads with no
// errors, and its additions to the reference example mean what they say.
func TestLoad_ShippedExample(t *testing.T) {
	p, err := policy.Load("../dist/mauve.hcl", func(string) string { return "secret" })
	if err != nil {
		t.Fatalf("load ../dist/mauve.hcl: %v", err)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("got warnings with every variable set:\n%s", policy.FormatDiagnostics(p.Warnings))
	}
	if _, ok := p.Execs["pager"]; !ok {
		t.Errorf("exec \"pager\" missing")
	}
	if got, want := p.Webhooks["phones"].Format, "ntfy"; got != want {
		t.Errorf("webhook phones format: got %q, want %q", got, want)
	}
	if got := p.People["archie"].Channels[policy.Urgent]; len(got) != 2 || got[1] != "exec.pager" {
		t.Errorf("archie urgent channels: got %v, want [email exec.pager]", got)
	}
	if got := p.Station.MaxAlertsPerUpdate; got != 1000 {
		t.Errorf("max_alerts_per_update: got %d, want 1000", got)
	}
}
