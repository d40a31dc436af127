package term_test

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/mauve-alert/mauve/ui/term"
)

// notifications is a stand-in notification daemon on a real session bus.
type notifications struct{ got chan []any }

func (n *notifications) Notify(app string, replaces uint32, icon, summary, body string, actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	n.got <- []any{app, summary, body, hints["urgency"].Value()}
	return 1, nil
}

// startBus runs a private dbus-daemon (Debian's dbus-daemon, a real peer).
func startBus(t *testing.T) string {
	t.Helper()
	addr := "unix:path=" + filepath.Join(t.TempDir(), "bus")
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address", "--address="+addr)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon (apt-get install dbus-daemon): %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("read the bus address: %v", err)
	}
	return strings.TrimSpace(line)
}

func TestDesktop_Notify(t *testing.T) {
	addr := startBus(t)
	daemon, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer daemon.Close()
	n := &notifications{got: make(chan []any, 4)}
	if err := daemon.Export(n, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	if reply, err := daemon.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own the notifications name: %v %v", reply, err)
	}

	d := term.NewDesktop(addr)
	defer d.Close()
	if !d.Active() {
		t.Fatal("no session bus connection")
	}
	if err := d.Notify("mauve urgent: core-router/bgp", "BGP session down", true); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-n.got:
		want := []any{"mauve", "mauve urgent: core-router/bgp", "BGP session down", byte(2)}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("got %v, want %v", got, want)
				break
			}
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the notification daemon got nothing")
	}
}

func TestDesktop_NoBusIsSilent(t *testing.T) {
	for _, addr := range []string{"", "unix:path=" + filepath.Join(t.TempDir(), "nobody-listens")} {
		d := term.NewDesktop(addr)
		if d.Active() {
			t.Errorf("NewDesktop(%q) is active, want a no-op", addr)
		}
		if err := d.Notify("x", "y", true); err != nil {
			t.Errorf("Notify without a bus: got %v, want nil", err)
		}
		if err := d.Close(); err != nil {
			t.Errorf("Close without a bus: got %v, want nil", err)
		}
	}
}
