package commands

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/ui"
)

const clientProcessHCL = `
station {
  name          = "e2e"
  database      = "%[1]s/mauve.db"
  url           = "http://e2e.test"
  initial_sleep = "0s"
  client_hold   = "5m"
  listen {
    udp    = ["127.0.0.1:0"]
    http   = "127.0.0.1:0"
    socket = "%[1]s/mauve.sock"
  }
}
email {
  from   = "mauve@example.com"
  server = "%[2]s"
  tls    = "none"
}
person "johnny" {
  email     = "johnny@example.com"
  unix_user = "%[3]s"
  all       = [email]
}
alert_group "everything" {
  level = urgent
  notify "johnny" {
    every = "1h"
  }
}
`

// The whole story with real processes: `mauve serve`, `mauve client` on the
// station's unix socket, `mauve send`, and a real SMTP server. While the
// client runs, the raised alert reaches it and no email is sent; when the
// client process dies, the email goes out.
func TestClient_ProcessesHoldEmailWhileClientRuns(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "mauve")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/mauve-alert/mauve").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	mail := startClientMailbox(t)
	// The station listens on ports the kernel picks, and says which.
	cfg := filepath.Join(dir, "mauve.hcl")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, clientProcessHCL, dir, mail.addr, me.Username), 0o600); err != nil {
		t.Fatal(err)
	}

	serve := exec.Command(bin, "serve", "--config", cfg)
	serveLog := &clientOutput{}
	serve.Stdout, serve.Stderr = serveLog, serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	sock := ui.NewSocketClient(filepath.Join(dir, "mauve.sock"))
	ctx := context.Background()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := sock.Me(ctx); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("mauve serve did not answer on its socket: %v\n%s", err, serveLog)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var udpAddr string
	clientWaitFor(t, "the station's start-up line", func() bool {
		m := startedLine.FindStringSubmatch(serveLog.String())
		if m != nil {
			udpAddr = m[1]
		}
		return m != nil
	})

	client := exec.Command(bin, "client", "--config", cfg, "--json", "--present")
	client.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS=", "MAUVE_SERVER=", "MAUVE_TOKEN=", "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	out := &clientOutput{}
	client.Stdout, client.Stderr = out, out
	if err := client.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Process.Kill(); _ = client.Wait() })
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("client output:\n%s\nserve log:\n%s", out, serveLog)
		}
	})
	clientWaitFor(t, "the client to connect", func() bool { return strings.Contains(out.String(), `"connected":true`) })

	send := exec.Command(bin, "send", udpAddr, "-o", "core-router", "-i", "bgp", "-s", "BGP session down")
	if b, err := send.CombinedOutput(); err != nil {
		t.Fatalf("mauve send: %v\n%s", err, b)
	}
	clientWaitFor(t, "the client to show the alert", func() bool { return strings.Contains(out.String(), `"id":"bgp"`) })
	// The station's log says what its worker did with the notification.
	clientWaitFor(t, "the station to hold the email for the client", func() bool {
		return strings.Contains(serveLog.String(), `detail="held for live client"`)
	})
	if n := mail.count(); n != 0 {
		t.Fatalf("got %d emails while the client ran, want 0", n)
	}

	if err := client.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = client.Wait()
	clientWaitFor(t, "the email once the client is gone", func() bool { return mail.count() == 1 })
	mail.mu.Lock()
	msg := mail.msgs[0]
	mail.mu.Unlock()
	if !strings.Contains(msg, "BGP session down") {
		t.Errorf("the email does not tell of the alert:\n%s", msg)
	}
}

// station client_hold reaches the policy the station's presence registry
// reads (commands/station.go passes it as HoldFrom).
func TestClient_ClientHoldFromConfig(t *testing.T) {
	src := fmt.Appendf(nil, strings.Replace(clientProcessHCL, `client_hold   = "5m"`, `client_hold   = "90s"`, 1), t.TempDir(), "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", "root")
	pol, diags := policy.Parse(src, "client.hcl", func(string) string { return "" })
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got, want := pol.Station.ClientHold, 90*time.Second; got != want {
		t.Errorf("got client_hold %v, want %v", got, want)
	}
}
