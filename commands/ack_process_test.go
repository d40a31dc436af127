package commands

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAck_RealStation: real processes end to end, as on a station: `mauve
// serve` with a config naming the socket, `mauve send` raising an alert by
// UDP, and `mauve ack` (no flags but --config) acknowledging it as the
// caller's unix user, which `mauve ack --list` then shows.
func TestAck_RealStation(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "mauve")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/mauve-alert/mauve").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// The station listens on a port the kernel picks, and says which.
	cfg, sock := filepath.Join(dir, "mauve.hcl"), filepath.Join(dir, "run", "mauve.sock")
	conf := fmt.Sprintf(`station {
  database      = %q
  initial_sleep = "0s"
  listen {
    udp    = ["127.0.0.1:0"]
    http   = "127.0.0.1:0"
    socket = %q
  }
}
person "johnny" {
  all       = [log]
  unix_user = %q
}
`, filepath.Join(dir, "mauve.db"), sock, currentUser(t))
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	serveLog := &lockedBuffer{}
	serve := exec.Command(bin, "serve", "--config", cfg)
	serve.Stdout, serve.Stderr = serveLog, serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	t.Cleanup(func() {
		_ = serve.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = serve.Process.Kill()
			<-done
		}
	})

	run := func(args ...string) (string, error) {
		out, err := exec.Command(bin, args...).CombinedOutput()
		return string(out), err
	}
	// Wait (bounded) for the station to answer on its socket.
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := run("ack", "--list", "--config", cfg)
		if err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("mauve serve exited: %v\n%s", err, serveLog.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the station never answered on %s: %s\n%s", sock, out, serveLog.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	var udp string
	clientWaitFor(t, "the station's start-up line", func() bool {
		m := startedLine.FindStringSubmatch(serveLog.String())
		if m != nil {
			udp = m[1]
		}
		return m != nil
	})
	if out, err := run("send", udp, "-o", "core-router", "-i", "bgp", "-s", "BGP session down", "-r"); err != nil {
		t.Fatalf("mauve send: %v: %s", err, out)
	}
	for {
		out, _ := run("ack", "--list", "--config", cfg)
		if strings.Contains(out, "core-router/bgp") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the alert never arrived: %s\n%s", out, serveLog.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, err := run("ack", "core-router/bgp", "--for", "1h", "--note", "on it", "--config", cfg)
	if err != nil || !strings.Contains(out, "core-router/bgp acknowledged by johnny") {
		t.Fatalf("mauve ack: %v: %s", err, out)
	}
	out, _ = run("ack", "--list", "--config", cfg)
	if !strings.Contains(out, "acked by johnny") {
		t.Errorf("mauve ack --list: got %q, want the alert acked by johnny", out)
	}
}
