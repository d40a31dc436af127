package commands

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestServe_EmailProcess runs the built binary: `mauve serve --config`
// with an email block naming a real SMTP server on loopback, and `mauve
// send` raising then clearing an alert. Both mails arrive, in one thread,
// and SIGTERM stops the station cleanly.
func TestServe_EmailProcess(t *testing.T) {
	bin := buildMauve(t)
	mb := startE2EMailbox(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "mauve.hcl")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, e2eEmailHCL, mb.addr), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--config", cfg, "--db", filepath.Join(dir, "mauve.db"), "--udp", "127.0.0.1:0", "--http", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	found := make(chan []string, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(&logs, sc.Text())
			if m := startedLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	})
	done := make(chan error, 1)
	go func() { wg.Wait(); done <- cmd.Wait() }()
	stopped := false
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("mauve serve's log:\n%s", logs.String())
		}
		if !stopped {
			_ = cmd.Process.Kill()
			<-done
		}
	})
	var udp string
	select {
	case m := <-found:
		udp = m[1]
	case err := <-done:
		stopped = true
		t.Fatalf("mauve serve exited before starting: %v\n%s", err, logs.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("mauve serve did not start in 20s\n%s", logs.String())
	}

	send := func(args ...string) {
		t.Helper()
		out, err := exec.Command(bin, append([]string{"send", udp, "-o", "core-router"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("mauve send %q: %v\n%s", args, err, out)
		}
	}
	send("-i", "bgp", "-u", "core1", "-s", "BGP session down")
	mb.waitCount(t, 1, 10*time.Second)
	send("-i", "bgp", "-u", "core1", "-s", "BGP session down", "-c")
	all := mb.waitCount(t, 2, 15*time.Second)

	want := []string{"[mauve] RAISED (urgent): core1: BGP session down -- core-router", "[mauve] CLEARED (urgent): core1: BGP session down -- core-router"}
	for i, m := range all {
		if i < len(want) && m.subject(t) != want[i] {
			t.Errorf("mail %d: subject got %q, want %q", i+1, m.subject(t), want[i])
		}
		if refs := m.header("References"); !strings.HasPrefix(refs, "<core-router/bgp@alerts1.example.com>") {
			t.Errorf("mail %d: References %q, want the alert root first", i+1, refs)
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		stopped = true
		if err != nil {
			t.Errorf("mauve serve after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Errorf("mauve serve did not stop in 15s after SIGTERM")
	}
	if n := len(mb.mails()); n != 2 {
		t.Errorf("mails: got %d, want 2", n)
	}
}
