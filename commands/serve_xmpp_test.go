package commands

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/notify/prosodytest"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

const (
	xmppStationPassword = "e2e-xmpp-station-pw-31c9"
	xmppJohnnyPassword  = "e2e-xmpp-johnny-pw"
)

// xmppStationConfig is a station whose only channel for johnny's urgent
// alerts is XMPP, to a prosody it trusts through the block's ca_file.
func xmppStationConfig(p *prosodytest.Server, name string) string {
	return fmt.Sprintf(`
station {
  name = %q
  url  = "http://mauve.test"
}
xmpp {
  jid      = "mauve@localhost"
  password = %q
  server   = %q
  tls      = "starttls"
  ca_file  = %q
}
person "johnny" {
  xmpp   = "johnny@localhost"
  urgent = [xmpp]
  normal = [xmpp]
  low    = [xmpp]
}
alert_group "core" {
  level = urgent
  notify "johnny" {
    every = "1h"
  }
}
`, name, xmppStationPassword, p.Addr, p.CAFile)
}

// TestServe_XMPPEndToEnd runs a real station whose xmpp block points at a
// real prosody over STARTTLS, trusting the test's CA through ca_file: an
// urgent alert reaches johnny's JID, read by a second client logged in as
// johnny. A reload (SIGHUP's work) closes the old channel's session and the
// new one delivers the next alert, once.
func TestServe_XMPPEndToEnd(t *testing.T) {
	p := prosodytest.Start(t, true)
	p.Register("mauve", xmppStationPassword)
	p.Register("johnny", xmppJohnnyPassword)
	johnny := p.DialReader(t, "johnny", xmppJohnnyPassword)

	cfgPath := filepath.Join(t.TempDir(), "mauve.hcl")
	if err := os.WriteFile(cfgPath, []byte(xmppStationConfig(p, "station.test")), 0o644); err != nil {
		t.Fatal(err)
	}
	rs := startTestStation(t, &serveOptions{config: cfgPath})

	rs.send(t, wire.Update{Source: "core", Alerts: []wire.Alert{{ID: "link-down", Summary: "eth0 is down"}}})
	got := johnny.Next(t)
	if !strings.HasPrefix(got, "link-down: RAISED (urgent): ") || !strings.Contains(got, "eth0 is down") {
		t.Errorf("johnny read %q, want the short form of link-down", got)
	}
	waitUntil(t, "the delivery in the history", func() bool {
		evs, err := rs.st.store.History(store.Key{Source: "core", ID: "link-down"})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if strings.Contains(e.Text, "via xmpp") {
				return true
			}
		}
		return false
	})
	if open, closed := p.Sessions("mauve"); open != 1 || closed != 0 {
		t.Errorf("before the reload the station has %d open and %d closed sessions, want 1 and 0", open, closed)
	}

	// A reload builds new channels and closes the old: the first session
	// ends and one new one takes its place.
	if err := os.WriteFile(cfgPath, []byte(xmppStationConfig(p, "station-reloaded.test")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := rs.st.reload(); err != nil {
		t.Fatalf("reload: %v", err)
	}
	waitUntil(t, "the old session to close and a new one to open", func() bool {
		open, closed := p.Sessions("mauve")
		return open == 1 && closed == 1
	})
	rs.send(t, wire.Update{Source: "core", Alerts: []wire.Alert{{ID: "disk-full", Summary: "/var is full"}}})
	if got := johnny.Next(t); !strings.HasPrefix(got, "disk-full: RAISED (urgent): ") {
		t.Errorf("after the reload johnny read %q, want the short form of disk-full", got)
	}
	if extra := johnny.Drain(); len(extra) > 0 {
		t.Errorf("johnny also read %q, want each alert once", extra)
	}
	if strings.Contains(rs.log.String(), xmppStationPassword) {
		t.Errorf("the XMPP password leaked into the station's log")
	}

	// Stopping the station closes the channel's session too.
	rs.stop(t)
	waitUntil(t, "the session to close at stop", func() bool {
		open, _ := p.Sessions("mauve")
		return open == 0
	})
}
