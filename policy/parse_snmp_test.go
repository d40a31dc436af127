package policy_test

import (
	"os"
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/policy"
)

// snmpExample is dist/mauve.hcl with its commented SNMP example (and the
// commented listen.snmp) taken in.
func snmpExample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../dist/mauve.hcl")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "# BEGIN SNMP EXAMPLE":
			in = true
		case trimmed == "# END SNMP EXAMPLE":
			in = false
		case in || strings.HasPrefix(trimmed, "# snmp = "):
			line = strings.Replace(line, "# ", "", 1)
			if strings.TrimSpace(line) == "#" {
				line = ""
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// The SNMP example of dist/mauve.hcl, uncommented, loads without a
// warning and means what its comments say.
func TestParse_SNMPExample(t *testing.T) {
	src := snmpExample(t)
	p, diags := policy.Parse([]byte(src), "mauve.hcl", func(string) string { return "long-secret" })
	if diags.HasErrors() || len(diags) > 0 {
		t.Fatalf("diagnostics:\n%s", policy.FormatDiagnostics(diags))
	}
	s := p.Station
	if s.ListenSNMP != "[::]:162" || s.SNMP == nil {
		t.Fatalf("listen.snmp %q, snmp %v: want [::]:162 and a block", s.ListenSNMP, s.SNMP)
	}
	c := s.SNMP
	if strings.Join(c.Communities, ",") != "public,long-secret" || c.Source != "agent" {
		t.Errorf("communities %v source %q", c.Communities, c.Source)
	}
	if len(c.Users) != 1 || c.Users[0].Name != "monitor" || c.Users[0].AuthPassphrase != "long-secret" || c.Users[0].PrivProtocol != "AES" {
		t.Errorf("users %+v", c.Users)
	}
	if len(c.Rules) != 2 || c.Rules[0].OID != "1.3.6.1.4.1.318.0.5" || c.Rules[0].Clear || !c.Rules[1].Clear ||
		c.Rules[0].ID.String() != "ups-power" || c.Rules[1].ID.String() != "ups-power" || c.Rules[0].Summary.String() != "UPS {{sysName}} is on battery" {
		t.Errorf("rules %+v", c.Rules)
	}
}

// A listener with nothing to accept, and credentials without a listener,
// each drop every trap: the config says so.
func TestParse_SNMPWarnings(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`station {
  listen { snmp = "127.0.0.1:1162" }
}`, "mauve.hcl:2:19: warning: SNMP traps will all be dropped"},
		{`station {
  snmp { community = ["public"] }
}`, "mauve.hcl:2:3: warning: No SNMP listener"},
	} {
		p, diags := policy.Parse([]byte(c.src), "mauve.hcl", nil)
		if diags.HasErrors() {
			t.Fatalf("%s: errors:\n%s", c.src, policy.FormatDiagnostics(diags))
		}
		if got := policy.FormatDiagnostics(p.Warnings); !strings.HasPrefix(got, c.want) {
			t.Errorf("warnings %q, want %q", got, c.want)
		}
	}
	p, _ := policy.Parse([]byte(`station { name = "x" }`), "mauve.hcl", nil)
	if p.Station.ListenSNMP != "" || p.Station.SNMP != nil {
		t.Errorf("SNMP is on by default: %q %v", p.Station.ListenSNMP, p.Station.SNMP)
	}
}
