package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// lockedBuffer is a log sink several goroutines write.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runningStation is a `mauve serve` started in this process on loopback
// ports, with an API token for the embedded default person.
type runningStation struct {
	st     *station
	udp    string
	http   string
	token  string
	log    *lockedBuffer
	cancel context.CancelFunc
	done   chan error
}

func startTestStation(t *testing.T, opts *serveOptions) *runningStation {
	t.Helper()
	rs := runTestServe(t, opts, time.Now)
	tok, err := rs.st.store.CreateToken("local", "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rs.token = tok
	return rs
}

// runTestServe runs runServe (what `mauve serve` runs) in this process with
// opts, on loopback ports and a database in a temporary directory unless
// opts name others, with the given clock; it returns once the station is
// up and stops it when the test ends.
func runTestServe(tb testing.TB, opts *serveOptions, now func() time.Time) *runningStation {
	tb.Helper()
	if opts.db == "" {
		opts.db = filepath.Join(tb.TempDir(), "mauve.db")
	}
	if opts.udp == nil {
		opts.udp = []string{"127.0.0.1:0"}
	}
	if opts.http == "" {
		opts.http = "127.0.0.1:0"
	}
	logs := &lockedBuffer{}
	env := &Env{Stdout: io.Discard, Stderr: logs, Getenv: func(string) string { return "" },
		Hostname: func() (string, error) { return "station.test", nil }, Now: now}
	ready := make(chan *station, 1)
	opts.ready = func(st *station) { ready <- st }
	ctx, cancel := context.WithCancel(context.Background())
	rs := &runningStation{log: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { rs.done <- runServe(ctx, opts, env) }()
	select {
	case rs.st = <-ready:
	case err := <-rs.done:
		cancel()
		tb.Fatalf("serve did not start: %v\n%s", err, logs)
	case <-time.After(10 * time.Second):
		cancel()
		tb.Fatalf("serve did not start in 10s\n%s", logs)
	}
	rs.udp = rs.st.udp[0].LocalAddr().String()
	rs.http = rs.st.http.Addr().String()
	tb.Cleanup(func() { rs.stop(tb) })
	return rs
}

// stop shuts the station down as SIGTERM would; it must exit cleanly.
func (rs *runningStation) stop(t testing.TB) {
	t.Helper()
	if rs.cancel == nil {
		return
	}
	rs.cancel()
	rs.cancel = nil
	select {
	case err := <-rs.done:
		if err != nil {
			t.Errorf("serve: %v\n%s", err, rs.log)
		}
	case <-time.After(15 * time.Second):
		t.Errorf("serve did not stop in 15s")
	}
}

func (rs *runningStation) send(t *testing.T, u wire.Update) {
	t.Helper()
	if err := wire.Send(context.Background(), u, []string{rs.udp}, wire.SendOptions{}); err != nil {
		t.Fatal(err)
	}
}

type apiAlert struct {
	Source      string     `json:"source"`
	ID          string     `json:"id"`
	Subject     string     `json:"subject"`
	Summary     string     `json:"summary"`
	State       string     `json:"state"`
	RaisedAt    *time.Time `json:"raised_at"`
	WillRaiseAt *time.Time `json:"will_raise_at"`
}

func apiGet(t testing.TB, base, token, path string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("GET %s: decode: %v", path, err)
		}
	}
	return resp.StatusCode
}

func (rs *runningStation) alerts(t testing.TB) map[string]apiAlert {
	t.Helper()
	var body struct{ Alerts []apiAlert }
	if code := apiGet(t, rs.http, rs.token, "/api/v1/alerts", &body); code != 200 {
		t.Fatalf("GET /api/v1/alerts: status %d", code)
	}
	out := map[string]apiAlert{}
	for _, a := range body.Alerts {
		out[a.Source+"/"+a.ID] = a
	}
	return out
}

// waitFor polls the API until cond holds (a real peer over a real socket,
// so a bounded poll rather than a fake clock).
func (rs *runningStation) waitFor(t *testing.T, what string, cond func(map[string]apiAlert) bool) map[string]apiAlert {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		as := rs.alerts(t)
		if cond(as) {
			return as
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: got %v", what, as)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Real datagrams from a real sender to a real station, checked through the
// API: raise, heartbeat, a replayed transmission id, a bad datagram.
func TestServe_EndToEnd(t *testing.T) {
	rs := startTestStation(t, &serveOptions{})
	rs.send(t, wire.Update{Source: "db1", Alerts: []wire.Alert{{ID: "disk", Summary: "/var is 97% full"}}})
	now := time.Now()
	rs.send(t, wire.Update{Source: "db1", Alerts: []wire.Alert{{ID: "heartbeat", ClearTime: now, RaiseTime: now.Add(10 * time.Minute)}}})
	// The same transmission twice: the second, which would clear, is a
	// replay and must be dropped.
	dup := wire.Update{TransmissionID: 4242, Source: "web1", Alerts: []wire.Alert{{ID: "http"}}}
	rs.send(t, dup)
	dup.Alerts[0].ClearTime = time.Now()
	rs.send(t, dup)
	// Garbage does not stop the station.
	c, err := net.Dial("udp", rs.udp)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte{0xff, 0xff, 0xff, 0x01})
	c.Close()
	rs.send(t, wire.Update{Source: "web1", Alerts: []wire.Alert{{ID: "after-garbage"}}})

	as := rs.waitFor(t, "four alerts", func(as map[string]apiAlert) bool { return len(as) == 4 })
	for key, want := range map[string]string{"db1/disk": "raised", "db1/heartbeat": "cleared", "web1/http": "raised", "web1/after-garbage": "raised"} {
		if got := as[key].State; got != want {
			t.Errorf("%s: state got %q, want %q", key, got, want)
		}
	}
	if a := as["db1/disk"]; a.Summary != "/var is 97% full" || a.Subject != "db1" || a.RaisedAt == nil {
		t.Errorf("db1/disk: got %+v, want summary, subject db1, raised_at set", a)
	}
	if a := as["db1/heartbeat"]; a.WillRaiseAt == nil || a.WillRaiseAt.Sub(now.Add(10*time.Minute)).Abs() > 2*time.Second {
		t.Errorf("db1/heartbeat: will_raise_at got %v, want about %v", a.WillRaiseAt, now.Add(10*time.Minute))
	}
	// Counters settle as the readers finish: poll until they do.
	want := []string{"mauve_updates_applied_total 4", "mauve_datagrams_duplicate_total 1", "mauve_datagrams_received_total 6",
		"mauve_commit_batch_size_count", "mauve_ingest_latency_seconds_bucket"}
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequest("GET", "http://"+rs.http+"/metrics", nil)
		resp, err := http.DefaultClient.Do(req)
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
			t.Fatalf("/metrics lacks %q", missing)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A second station on the same database says so at once.
func TestServe_SecondStationOnSameDatabase(t *testing.T) {
	rs := startTestStation(t, &serveOptions{})
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" },
		Hostname: os.Hostname, Now: time.Now}
	start := time.Now()
	err := runServe(context.Background(), &serveOptions{db: rs.st.store.Path(), udp: []string{"127.0.0.1:0"}, http: "127.0.0.1:0"}, env)
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("got %v, want an error matching store.ErrLocked", err)
	}
	if want := fmt.Sprintf("database %s is in use by another mauve serve", rs.st.store.Path()); !strings.Contains(err.Error(), want) {
		t.Errorf("got %q, want it to say %q", err, want)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s to fail, want about a second", d)
	}
}

// SIGHUP's reload: a bad file keeps the config in force and says why; a
// good one replaces it.
func TestServe_ReloadKeepsOldConfigWhenNewIsBad(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "mauve.hcl")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(cfg, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`station { name = "first" }`)
	rs := startTestStation(t, &serveOptions{config: cfg})
	if got := rs.st.policy.Load().Station.Name; got != "first" {
		t.Fatalf("station name got %q, want first", got)
	}
	write(`station { name = `)
	err := rs.st.reload()
	if err == nil || !strings.Contains(err.Error(), "keeping the current config") || !strings.Contains(err.Error(), "mauve.hcl:1") {
		t.Errorf("bad reload: got %v, want it to keep the config and name the file and line", err)
	}
	if got := rs.st.policy.Load().Station.Name; got != "first" {
		t.Errorf("after a bad reload: name got %q, want first", got)
	}
	write(`station { name = "second" }`)
	if err := rs.st.reload(); err != nil {
		t.Fatalf("good reload: %v", err)
	}
	if got := rs.st.policy.Load().Station.Name; got != "second" {
		t.Errorf("after a good reload: name got %q, want second", got)
	}
}

// After a restart, what fell due while the station was down waits for
// initial_sleep: a heartbeat that should have raised stays cleared, with
// its raise moved to start + initial_sleep.
func TestServe_InitialSleepAfterRestart(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "mauve.db")
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	err = s.Apply(context.Background(), []store.Received{{ReceivedAt: past, Update: wire.Update{
		Source: "db1", Alerts: []wire.Alert{{ID: "heartbeat", ClearTime: past, RaiseTime: past.Add(10 * time.Minute)}}}}})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "mauve.hcl")
	if err := os.WriteFile(cfg, []byte(`station { initial_sleep = "1h" }`), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rs := startTestStation(t, &serveOptions{config: cfg, db: db})
	a := rs.alerts(t)["db1/heartbeat"]
	if a.State != "cleared" || a.WillRaiseAt == nil || a.WillRaiseAt.Before(start.Add(time.Hour-time.Second)) {
		t.Errorf("got %s with will_raise_at %v, want cleared until about %v", a.State, a.WillRaiseAt, start.Add(time.Hour))
	}
}

// The station's own heartbeat goes to each destination at start and then
// every `every`: clear now, raise after raise_after.
func TestServe_StationHeartbeat(t *testing.T) {
	peer, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	cfg := filepath.Join(t.TempDir(), "mauve.hcl")
	hcl := fmt.Sprintf(`station {
  name = "alerts1"
  heartbeat {
    destination = [%q]
    every       = "1h"
    raise_after = "10m"
    summary     = "alerts1 is silent"
  }
}
`, peer.LocalAddr().String())
	if err := os.WriteFile(cfg, []byte(hcl), 0o644); err != nil {
		t.Fatal(err)
	}
	startTestStation(t, &serveOptions{config: cfg})
	buf := make([]byte, wire.MaxDatagram)
	peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, _, err := peer.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no heartbeat: %v", err)
	}
	u, err := wire.Decode(buf[:n])
	if err != nil {
		t.Fatal(err)
	}
	if u.Source != "alerts1" || len(u.Alerts) != 1 || u.Alerts[0].ID != "mauve-heartbeat" ||
		u.Alerts[0].RaiseTime.Sub(u.Alerts[0].ClearTime) != 10*time.Minute || u.Alerts[0].Summary != "alerts1 is silent" {
		t.Errorf("got %+v", u)
	}
}
