package commands

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const snmpTestConfig = `
station {
  name = "station.test"
  listen {
    snmp = "127.0.0.1:0"
  }
  snmp {
    community = ["public"]
    user "mauve" {
      auth_protocol   = "SHA"
      auth_passphrase = "auth-secret-1"
      priv_protocol   = "AES"
      priv_passphrase = "priv-secret-1"
    }
    trap "1.3.6.1.4.1.318.0.5" {
      name    = "upsOnBattery"
      id      = "ups-power"
      summary = "UPS {{1.3.6.1.2.1.1.5.0}} on battery"
    }
    trap "1.3.6.1.4.1.318.0.9" {
      name   = "powerRestored"
      id     = "ups-power"
      action = "clear"
    }
  }
}
`

// sendTrap runs net-snmp's snmptrap against the station's trap listener,
// its state in a temporary directory (two single quotes in args stand
// for an empty argument).
func sendTrap(t *testing.T, rs *runningStation, args string) {
	t.Helper()
	path, err := exec.LookPath("snmptrap")
	if err != nil {
		t.Skip("snmptrap (Debian package snmp) is not installed; .ci/test.sh installs it in CI")
	}
	full := []string{"-m", "", "-r", "0"}
	for _, f := range strings.Fields(args) {
		switch f {
		case "''":
			f = ""
		case "DEST":
			f = rs.st.traps.conn.LocalAddr().String()
		}
		full = append(full, f)
	}
	dir := t.TempDir()
	cmd := exec.Command(path, full...)
	cmd.Env = append(os.Environ(), "SNMPCONFPATH="+dir, "SNMP_PERSISTENT_DIR="+dir, "MIBS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("snmptrap %s: %v\n%s", strings.Join(full, " "), err, out)
	}
}

// Real traps from net-snmp's snmptrap, in v1, v2c and v3 authPriv, reach
// the station's store by the datagrams' path; traps with a wrong
// community or a wrong v3 passphrase are dropped and counted.
func TestServe_SNMPTraps(t *testing.T) {
	if _, err := exec.LookPath("snmptrap"); err != nil {
		t.Skip("snmptrap (Debian package snmp) is not installed; .ci/test.sh installs it in CI")
	}
	cfg := filepath.Join(t.TempDir(), "mauve.hcl")
	if err := os.WriteFile(cfg, []byte(snmpTestConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	rs := startTestStation(t, &serveOptions{config: cfg})
	const v3 = "-v 3 -l authPriv -u mauve -a SHA -A auth-secret-1 -x AES -X priv-secret-1 -e 0x80001f8880aabbccdd DEST"

	// v1 linkDown (agent-addr 127.0.0.1, ifIndex 3) raises...
	sendTrap(t, rs, "-v 1 -c public DEST 1.3.6.1.4.1.8072.3.2.10 127.0.0.1 2 0 '' 1.3.6.1.2.1.2.2.1.1.3 i 3 1.3.6.1.2.1.2.2.1.2.3 s eth0")
	rs.waitFor(t, "linkDown raised", func(as map[string]apiAlert) bool {
		a := as["127.0.0.1/snmp-link-3"]
		return a.State == "raised" && a.Summary == "interface 3 (eth0) on 127.0.0.1 is down"
	})
	// ...and a v2c linkUp of the same interface clears the same alert.
	sendTrap(t, rs, "-v 2c -c public DEST '' 1.3.6.1.6.3.1.1.5.4 1.3.6.1.2.1.2.2.1.1.3 i 3")
	rs.waitFor(t, "linkUp cleared", func(as map[string]apiAlert) bool { return as["127.0.0.1/snmp-link-3"].State == "cleared" })

	// A vendor's trap by a rule, over v3 authPriv, raises; its pair clears.
	sendTrap(t, rs, v3+" '' 1.3.6.1.4.1.318.0.5 1.3.6.1.2.1.1.5.0 s ups1")
	rs.waitFor(t, "UPS on battery", func(as map[string]apiAlert) bool {
		a := as["127.0.0.1/ups-power"]
		return a.State == "raised" && a.Summary == "UPS ups1 on battery"
	})
	sendTrap(t, rs, "-v 2c -c public DEST '' 1.3.6.1.4.1.318.0.9")
	rs.waitFor(t, "UPS back on mains", func(as map[string]apiAlert) bool { return as["127.0.0.1/ups-power"].State == "cleared" })

	// Wrong community, wrong v3 passphrases: dropped, counted, stored nowhere.
	sendTrap(t, rs, "-v 2c -c private DEST '' 1.3.6.1.6.3.1.1.5.1")
	sendTrap(t, rs, "-v 3 -l authPriv -u mauve -a SHA -A wrong-secret -x AES -X priv-secret-1 -e 0x80001f8880aabbccdd DEST '' 1.3.6.1.6.3.1.1.5.1")
	sendTrap(t, rs, "-v 3 -l authPriv -u mauve -a SHA -A auth-secret-1 -x AES -X wrong-secret -e 0x80001f8880aabbccdd DEST '' 1.3.6.1.6.3.1.1.5.1")
	want := []string{
		"mauve_snmp_traps_received_total 7",
		"mauve_snmp_traps_accepted_total 4",
		`mauve_snmp_traps_dropped_total{reason="community"} 1`,
		`mauve_snmp_traps_dropped_total{reason="usm"} 2`,
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + rs.http + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var missing []string
		for _, w := range want {
			if !strings.Contains(string(b), w) {
				missing = append(missing, w)
			}
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks %q\n%s", missing, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if as := rs.alerts(t); len(as) != 2 {
		t.Errorf("alerts %v, want only snmp-link-3 and ups-power (no coldStart from a rejected trap)", as)
	}
	if !strings.Contains(rs.log.String(), "SNMP trap dropped") {
		t.Errorf("the log does not mention the dropped traps:\n%s", rs.log)
	}

	// A reload that adds the community lets its traps in at once.
	newCfg := strings.Replace(snmpTestConfig, `community = ["public"]`, `community = ["public", "private"]`, 1)
	if err := os.WriteFile(cfg, []byte(newCfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := rs.st.reload(); err != nil {
		t.Fatal(err)
	}
	sendTrap(t, rs, "-v 2c -c private DEST '' 1.3.6.1.6.3.1.1.5.1")
	rs.waitFor(t, "coldStart after the reload", func(as map[string]apiAlert) bool { return as["127.0.0.1/snmp-coldStart"].State == "raised" })
}
