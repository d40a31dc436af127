package commands

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// serveProcess is a real `mauve serve` child process.
type serveProcess struct {
	cmd  *exec.Cmd
	udp  string
	http string
	done chan error
}

var startedLine = regexp.MustCompile(`msg="station started".* udp=\[([^\] ]+)\].* http=([0-9.:]+)`)

// startServeProcess runs bin serve on db with loopback ports (and any more
// arguments, such as --config) and waits for its "station started" log
// line.
func startServeProcess(t testing.TB, bin, db string, more ...string) *serveProcess {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--db", db, "--udp", "127.0.0.1:0", "--http", "127.0.0.1:0"}, more...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProcess{cmd: cmd, done: make(chan error, 1)}
	found := make(chan []string, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := startedLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m
				break // the rest of the log is not read, only drained
			}
		}
		io.Copy(io.Discard, stderr)
	})
	go func() { wg.Wait(); p.done <- cmd.Wait() }()
	select {
	case m := <-found:
		p.udp, p.http = m[1], m[2]
	case err := <-p.done:
		t.Fatalf("mauve serve exited before starting: %v", err)
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("mauve serve did not start in 20s")
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	return p
}

func buildMauve(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mauve")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/mauve-alert/mauve").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// A station killed with SIGKILL in the middle of a burst loses nothing
// that the API had shown as stored, and its file opens cleanly.
func TestServe_KillNineLosesNothingCommitted(t *testing.T) {
	bin := buildMauve(t)
	db := filepath.Join(t.TempDir(), "mauve.db")
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	token, err := s.CreateToken("local", "crash test", time.Now())
	s.Close()
	if err != nil {
		t.Fatal(err)
	}

	p := startServeProcess(t, bin, db)
	ctx, stopSending := context.WithCancel(context.Background())
	var sent sync.WaitGroup
	sent.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			u := wire.Update{Source: fmt.Sprintf("host%d", i%10), Alerts: []wire.Alert{{ID: fmt.Sprintf("burst-%06d", i), Summary: "crash test"}}}
			if err := wire.Send(ctx, u, []string{p.udp}, wire.SendOptions{}); err != nil && ctx.Err() == nil {
				t.Errorf("send: %v", err)
				return
			}
			if i%200 == 199 {
				time.Sleep(time.Millisecond) // stay below the socket buffer
			}
		}
	})
	defer func() { stopSending(); sent.Wait() }()

	// Watch the API until a good part of the burst is stored, then kill
	// the station while the burst goes on.
	var shown map[string]apiAlert
	deadline := time.Now().Add(20 * time.Second)
	for len(shown) < 3000 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d alerts stored after 20s", len(shown))
		}
		var body struct{ Alerts []apiAlert }
		if code := apiGet(t, p.http, token, "/api/v1/alerts", &body); code != 200 {
			t.Fatalf("GET /api/v1/alerts: status %d", code)
		}
		shown = map[string]apiAlert{}
		for _, a := range body.Alerts {
			shown[a.Source+"/"+a.ID] = a
		}
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	p.done <- nil // for the cleanup
	stopSending()
	sent.Wait()

	s, err = store.Open(db, store.Options{})
	if err != nil {
		t.Fatalf("open after kill -9: %v", err)
	}
	if err := s.Check(); err != nil {
		t.Errorf("check after kill -9: %v", err)
	}
	s.Close()

	cfg := filepath.Join(t.TempDir(), "mauve.hcl")
	if err := os.WriteFile(cfg, []byte(`station { name = "crash" }`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p2 := startServeProcess(t, bin, db, "--config", cfg)
	var body struct{ Alerts []apiAlert }
	if code := apiGet(t, p2.http, token, "/api/v1/alerts", &body); code != 200 {
		t.Fatalf("GET /api/v1/alerts after restart: status %d", code)
	}
	after := map[string]apiAlert{}
	for _, a := range body.Alerts {
		after[a.Source+"/"+a.ID] = a
	}
	lost := 0
	for k, a := range shown {
		if b, ok := after[k]; !ok || b.State != a.State || b.Summary != a.Summary {
			lost++
			if lost < 5 {
				t.Errorf("%s: shown as %+v before the kill, %+v (present: %v) after", k, a, b, ok)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d alerts shown before the kill are lost", lost, len(shown))
	}
	t.Logf("%d alerts shown before the kill, %d stored after the restart", len(shown), len(after))

	// SIGHUP reloads: the new file's group takes every alert, as the API
	// shows once the station has re-decided them.
	if err := os.WriteFile(cfg, []byte("person \"local\" {\n  all = [log]\n}\nalert_group \"everything\" {\n  level = urgent\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p2.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(20 * time.Second)
	for {
		var body struct {
			Alerts []struct{ Source, ID, Group, Level string }
		}
		if code := apiGet(t, p2.http, token, "/api/v1/alerts?source=host0", &body); code != 200 {
			t.Fatalf("GET /api/v1/alerts after SIGHUP: status %d", code)
		}
		if len(body.Alerts) > 0 && !slices.ContainsFunc(body.Alerts, func(a struct{ Source, ID, Group, Level string }) bool {
			return a.Group != "everything" || a.Level != "urgent"
		}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("20s after SIGHUP the alerts are not in the new config's group: %+v", body.Alerts[:min(len(body.Alerts), 3)])
		}
		time.Sleep(50 * time.Millisecond)
	}

	// SIGTERM: drains, commits, exits 0.
	p2.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p2.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v, want status 0", err)
		}
		p2.done <- nil
	case <-time.After(15 * time.Second):
		t.Errorf("no exit 15s after SIGTERM")
	}
}

// The whole path with real processes: `mauve send` datagrams to a
// `mauve serve` process, checked through its API.
func TestServe_ProcessEndToEnd(t *testing.T) {
	bin := buildMauve(t)
	db := filepath.Join(t.TempDir(), "mauve.db")
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	token, err := s.CreateToken("local", "e2e", time.Now())
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	p := startServeProcess(t, bin, db)
	for _, args := range [][]string{
		{"-o", "db1", "-i", "disk", "-s", "/var is 97% full", "-r"},
		{"-o", "db1", "-i", "heartbeat", "-c", "-r", "+10m"},
		{"-o", "web1", "-i", "http", "-r", "now", "-c", "+1h"},
	} {
		out, err := exec.Command(bin, append([]string{"send", p.udp}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("mauve send %v: %v\n%s", args, err, out)
		}
	}
	var got map[string]apiAlert
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < 3 && time.Now().Before(deadline) {
		var body struct{ Alerts []apiAlert }
		apiGet(t, p.http, token, "/api/v1/alerts", &body)
		got = map[string]apiAlert{}
		for _, a := range body.Alerts {
			got[a.Source+"/"+a.ID] = a
		}
		time.Sleep(20 * time.Millisecond)
	}
	for key, want := range map[string]string{"db1/disk": "raised", "db1/heartbeat": "cleared", "web1/http": "raised"} {
		if got[key].State != want {
			t.Errorf("%s: state got %q, want %q (all: %v)", key, got[key].State, want, got)
		}
	}
	if a := got["db1/heartbeat"]; a.WillRaiseAt == nil || time.Until(*a.WillRaiseAt) < 9*time.Minute {
		t.Errorf("db1/heartbeat: will_raise_at got %v, want about 10 minutes from now", a.WillRaiseAt)
	}
	var one apiAlert
	if code := apiGet(t, p.http, token, "/api/v1/alerts/db1/disk", &one); code != 200 || one.Summary != "/var is 97% full" {
		t.Errorf("GET /api/v1/alerts/db1/disk: status %d, %+v", code, one)
	}
}
