package commands

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// TestClientChild is the client process that TestClient_TerminalAcknowledge
// runs inside tmux (this test binary, re-executed); run directly it does
// nothing.
func TestClientChild(t *testing.T) {
	if os.Getenv("MAUVE_CLIENT_CHILD") != "1" {
		return
	}
	err := runClient(context.Background(), &clientOptions{present: true, minWait: 100 * time.Millisecond},
		clientIO{in: os.Stdin, out: os.Stdout, getenv: os.Getenv, configDir: func() (string, error) { return t.TempDir(), nil }})
	if err != nil {
		t.Fatal(err)
	}
}

// The interactive view in a real terminal (tmux), a real client process
// and a real station: acknowledge an alert with keys.
func TestClient_TerminalAcknowledge(t *testing.T) {
	s := startClientStation(t, 5*time.Minute)
	s.raise(t, "bgp")
	sock := filepath.Join(t.TempDir(), "tmux.sock")
	tmux := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v: %s (apt-get install tmux)", args, err, out)
		}
		return string(out)
	}
	child := strings.Join([]string{"env", "MAUVE_CLIENT_CHILD=1", "MAUVE_SERVER=" + s.url, "MAUVE_TOKEN=" + s.token,
		"DBUS_SESSION_BUS_ADDRESS=", os.Args[0], "-test.run=^TestClientChild$"}, " ")
	tmux("new-session", "-d", "-s", "client", "-x", "120", "-y", "30", child)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", sock, "kill-server").Run() })
	screen := func() string { return tmux("capture-pane", "-p", "-t", "client") }
	waitScreen := func(what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(screen(), what) {
			if time.Now().After(deadline) {
				t.Fatalf("the screen never showed %q; it shows:\n%s", what, screen())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	waitScreen("core-router/bgp")
	waitScreen("URGENT (1)")
	tmux("send-keys", "-t", "client", "a")
	waitScreen("acknowledge core-router/bgp for how long?")
	tmux("send-keys", "-t", "client", "-l", "2h")
	tmux("send-keys", "-t", "client", "Enter")
	waitScreen("note for core-router/bgp")
	tmux("send-keys", "-t", "client", "-l", "on it")
	tmux("send-keys", "-t", "client", "Enter")
	waitScreen(`ACKNOWLEDGE core-router/bgp for 2h with note "on it"? y to confirm`)
	a, err := s.store.Get(store.Key{Source: "core-router", ID: "bgp"})
	if err != nil || a.State != store.StateRaised {
		t.Fatalf("before confirming: got %v %v, want still raised", a.State, err)
	}
	tmux("send-keys", "-t", "client", "y")
	waitScreen("ACK johnny")
	a, err = s.store.Get(store.Key{Source: "core-router", ID: "bgp"})
	if err != nil || a.State != store.StateAcknowledged || a.AcknowledgedBy != "johnny" {
		t.Fatalf("got %+v, %v; want acknowledged by johnny", a, err)
	}
	if want := s.clock.Now().Add(2 * time.Hour); !a.AcknowledgedUntil.Equal(want) {
		t.Errorf("acknowledged until %v, want %v", a.AcknowledgedUntil, want)
	}

	// The station goes away: the view says so, and catches up when it is back.
	s.stopHTTP()
	waitScreen("DISCONNECTED")
	waitScreen("retrying in")
	s.raise(t, "ospf")
	s.startHTTP(t)
	waitScreen("core-router/ospf")
	if strings.Contains(screen(), "DISCONNECTED") {
		t.Errorf("still disconnected after reconnecting:\n%s", screen())
	}

	// Too small a terminal says so.
	tmux("resize-window", "-t", "client", "-x", "30", "-y", "6")
	waitScreen("terminal too small")
	tmux("resize-window", "-t", "client", "-x", "120", "-y", "30")

	tmux("send-keys", "-t", "client", "q")
	deadline := time.Now().Add(10 * time.Second)
	for exec.Command("tmux", "-S", sock, "has-session", "-t", "client").Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit; the screen shows:\n%s", screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
	clientWaitFor(t, "the client to leave", func() bool { return !s.pres.IsPresent("johnny") })
}
