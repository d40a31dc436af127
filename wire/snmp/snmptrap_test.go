package snmp_test

import (
	"context"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
	"github.com/mauve-alert/mauve/wire/snmp"
)

// trapConfig is the configuration the snmptrap tests send against.
func trapConfig(t *testing.T) *snmp.Config {
	t.Helper()
	summary, err := snmp.ParseTemplate("UPS {{sysName}} on battery, {{1.3.6.1.4.1.318.1.1.1.2.2.3}} left")
	if err != nil {
		t.Fatal(err)
	}
	return &snmp.Config{
		Credentials: snmp.Credentials{
			Communities: []string{"public"},
			Users: []snmp.User{{Name: "mauve", AuthProtocol: "SHA", AuthPassphrase: "auth-secret-1",
				PrivProtocol: "AES", PrivPassphrase: "priv-secret-1"}},
		},
		Rules: []snmp.Rule{{OID: "1.3.6.1.4.1.318.0.5", Name: "upsOnBattery", Summary: summary}},
	}
}

// snmptrap runs net-snmp's snmptrap with args against addr, with its
// configuration and persistent state in a temporary directory.
func snmptrap(t *testing.T, addr string, args ...string) {
	t.Helper()
	path, err := exec.LookPath("snmptrap")
	if err != nil {
		t.Skip("snmptrap (Debian package snmp) is not installed; .ci/test.sh installs it in CI")
	}
	dir := t.TempDir()
	full := append([]string{"-m", "", "-r", "0"}, args[:len(args):len(args)]...)
	// the destination follows the options and precedes the trap
	for i, a := range full {
		if a == "DEST" {
			full[i] = addr
		}
	}
	cmd := exec.Command(path, full...)
	cmd.Env = append(os.Environ(), "SNMPCONFPATH="+dir, "SNMP_PERSISTENT_DIR="+dir, "MIBS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("snmptrap %s: %v\n%s", strings.Join(full, " "), err, out)
	}
}

type received struct {
	u    wire.Update
	from netip.AddrPort
}

func startListener(t *testing.T, cfg *snmp.Config) (*snmp.Listener, string, chan received) {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan received, 16)
	l := snmp.NewListener(conn, func() *snmp.Config { return cfg }, func(u wire.Update, from netip.AddrPort, _ time.Time) {
		got <- received{u, from}
	}, snmp.ListenerOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		conn.Close()
	})
	return l, conn.LocalAddr().String(), got
}

func wait(t *testing.T, got chan received) wire.Update {
	t.Helper()
	select {
	case r := <-got:
		return r.u
	case <-time.After(20 * time.Second):
		t.Fatal("no update within 20s")
	}
	return wire.Update{}
}

// waitDropped waits until the listener has dropped n traps for reason.
func waitDropped(t *testing.T, l *snmp.Listener, reason string, n uint64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for l.Stats().Dropped[reason] < n {
		if time.Now().After(deadline) {
			t.Fatalf("dropped %v, want %d %s", l.Stats().Dropped, n, reason)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const v3Auth = "-l authPriv -u mauve -a SHA -A auth-secret-1 -x AES -X priv-secret-1 -e 0x80001f8880aabbccdd"

func TestSnmptrapReachesHandler(t *testing.T) {
	l, addr, got := startListener(t, trapConfig(t))
	cases := []struct {
		name     string
		args     string
		id       string
		raise    bool
		summary  string
		wantFrom string
	}{
		{"v1 linkDown", "-v 1 -c public DEST 1.3.6.1.4.1.8072.3.2.10 192.0.2.7 2 0 '' 1.3.6.1.2.1.2.2.1.1.3 i 3",
			"snmp-link-3", true, "interface 3 on 192.0.2.7 is down", "192.0.2.7"},
		{"v2c linkUp", "-v 2c -c public DEST '' 1.3.6.1.6.3.1.1.5.4 1.3.6.1.2.1.2.2.1.1.3 i 3 1.3.6.1.2.1.2.2.1.2.3 s eth0",
			"snmp-link-3", false, "interface 3 (eth0) on 127.0.0.1 is up", "127.0.0.1"},
		{"v2c inform, answered", "-v 2c -Ci -t 5 -c public DEST '' 1.3.6.1.6.3.1.1.5.2",
			"snmp-warmStart", true, "127.0.0.1 reinitialised (warmStart) without changing its configuration", "127.0.0.1"},
		{"v3 authPriv rule", "-v 3 " + v3Auth + " DEST '' 1.3.6.1.4.1.318.0.5 1.3.6.1.2.1.1.5.0 s ups1 1.3.6.1.4.1.318.1.1.1.2.2.3.0 s 00:42:00",
			"snmp-upsOnBattery", true, "UPS ups1 on battery, 00:42:00 left", "127.0.0.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			snmptrap(t, addr, splitArgs(c.args)...)
			u := wait(t, got)
			if u.Source != c.wantFrom || len(u.Alerts) != 1 {
				t.Fatalf("update %+v, want one alert from %s", u, c.wantFrom)
			}
			a := u.Alerts[0]
			if a.ID != c.id || a.Summary != c.summary || (!a.RaiseTime.IsZero()) != c.raise || (!a.ClearTime.IsZero()) == c.raise {
				t.Errorf("alert %+v, want id %q summary %q raise %v", a, c.id, c.summary, c.raise)
			}
		})
	}
	if s := l.Stats(); s.Accepted != 4 {
		t.Errorf("stats %+v, want 4 accepted", s)
	}
}

func TestSnmptrapBadCredentialsDropped(t *testing.T) {
	l, addr, got := startListener(t, trapConfig(t))
	snmptrap(t, addr, splitArgs("-v 2c -c private DEST '' 1.3.6.1.6.3.1.1.5.1")...)
	waitDropped(t, l, snmp.ReasonCommunity, 1)
	snmptrap(t, addr, splitArgs("-v 3 -l authPriv -u mauve -a SHA -A wrong-secret -x AES -X priv-secret-1 -e 0x80001f8880aabbccdd DEST '' 1.3.6.1.6.3.1.1.5.1")...)
	waitDropped(t, l, snmp.ReasonUSM, 1)
	snmptrap(t, addr, splitArgs("-v 3 -l authPriv -u mauve -a SHA -A auth-secret-1 -x AES -X wrong-secret -e 0x80001f8880aabbccdd DEST '' 1.3.6.1.6.3.1.1.5.1")...)
	waitDropped(t, l, snmp.ReasonUSM, 2)
	snmptrap(t, addr, splitArgs("-v 3 -l authNoPriv -u mauve -a SHA -A auth-secret-1 -e 0x80001f8880aabbccdd DEST '' 1.3.6.1.6.3.1.1.5.1")...)
	waitDropped(t, l, snmp.ReasonUSM, 3)
	select {
	case r := <-got:
		t.Fatalf("a trap with bad credentials reached the handler: %+v", r.u)
	default:
	}
	if s := l.Stats(); s.Accepted != 0 || s.Received != 4 {
		t.Errorf("stats %+v, want 4 received, none accepted", s)
	}
}

// splitArgs splits on spaces; ” is an empty argument.
func splitArgs(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		if f == "''" {
			f = ""
		}
		out = append(out, f)
	}
	return out
}
