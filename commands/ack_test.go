package commands

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
	"github.com/mauve-alert/mauve/wire"
)

// ackStation is a real ui.Server over a real store, serving its API on a
// real unix socket (named in a real config file) and on loopback TCP.
type ackStation struct {
	config string // path of the station's HCL file
	socket string
	url    string // http://127.0.0.1:port
	store  *store.Store
}

// startAckStation writes a config whose person johnny has unix_user
// (the user running the test, unless told otherwise), loads it, and
// starts the station's API on its socket and on TCP.
func startAckStation(t *testing.T, unixUser string) *ackStation {
	t.Helper()
	dir := t.TempDir()
	st := &ackStation{config: filepath.Join(dir, "mauve.hcl"), socket: filepath.Join(dir, "run", "mauve.sock")}
	hash, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`station {
  listen {
    socket = %q
  }
  max_acknowledgement = "2d"
}
person "johnny" {
  all       = [log]
  password  = %q
  unix_user = %q
}
`, st.socket, hash, unixUser)
	if err := os.WriteFile(st.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := policy.Load(st.config, func(string) string { return "" })
	if err != nil {
		t.Fatalf("load %s: %v", st.config, err)
	}
	if st.store, err = store.Open(filepath.Join(dir, "mauve.db"), store.Options{Decider: p}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.store.Close() })
	srv, err := ui.NewServer(ui.Options{Store: st.store, Policy: func() *policy.Policy { return p }})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := ui.ListenSocket(p.Station.ListenSocket)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = srv.ServeSocket(ctx, ln) })
	web := httptest.NewServer(srv.Handler())
	st.url = web.URL
	t.Cleanup(func() { web.Close(); cancel(); wg.Wait() })
	return st
}

func currentUser(t *testing.T) string {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}

func (st *ackStation) raise(t *testing.T, source, id, summary string) {
	t.Helper()
	now := time.Now()
	err := st.store.Apply(context.Background(), []store.Received{{
		Update:     wire.Update{TransmissionID: uint64(now.UnixNano()), Source: source, TransmissionTime: now, Alerts: []wire.Alert{{ID: id, RaiseTime: now, Summary: summary}}},
		ReceivedAt: now,
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func (st *ackStation) state(t *testing.T, source, id string) store.Alert {
	t.Helper()
	a, err := st.store.Get(store.Key{Source: source, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// runMauve runs the mauve command line with env vars and stdin, and
// returns the exit status and output.
func runMauve(t *testing.T, stdin string, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errOut,
		Getenv: func(k string) string { return vars[k] },
		Now:    time.Now,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code = Main(ctx, append([]string{"mauve"}, args...), env)
	return code, out.String(), errOut.String()
}

// TestAck_Socket: on the station, mauve ack, unack, clear and ack --list
// go through the unix socket, and the person is the caller's unix user.
func TestAck_Socket(t *testing.T) {
	st := startAckStation(t, currentUser(t))
	st.raise(t, "core-router", "bgp", "BGP session down")
	st.raise(t, "web1", "disk", "disk <b>full</b>\x1b[31m")

	code, out, errOut := runMauve(t, "", nil, "ack", "--list", "--config", st.config)
	if code != 0 || !strings.Contains(out, "core-router/bgp") || !strings.Contains(out, "BGP session down") || strings.Contains(out, "\x1b") {
		t.Fatalf("ack --list: got %d, %q, %q; want a table with core-router/bgp and no escape codes", code, out, errOut)
	}

	code, out, errOut = runMauve(t, "", nil, "ack", "core-router/bgp", "web1/disk", "--for", "1h", "--note", "on it", "--config", st.config)
	if code != 0 || !strings.Contains(out, "core-router/bgp acknowledged by johnny") {
		t.Fatalf("ack: got %d, %q, %q; want both acknowledged by johnny", code, out, errOut)
	}
	a := st.state(t, "core-router", "bgp")
	if a.State != store.StateAcknowledged || a.AcknowledgedBy != "johnny" {
		t.Fatalf("got %s by %q, want acknowledged by johnny", a.State, a.AcknowledgedBy)
	}
	if d := time.Until(a.AcknowledgedUntil); d < 55*time.Minute || d > time.Hour {
		t.Errorf("got acknowledged until %v from now, want about 1h", d)
	}

	code, out, errOut = runMauve(t, "", nil, "ack", "core-router/nope", "--for", "2h", "--config", st.config)
	if want := "core-router/nope: no such alert (mauve ack --list shows them)\n"; code != 1 || out != want {
		t.Errorf("ack unknown: got %d, %q, %q; want exit 1 naming the alert", code, out, errOut)
	}
	if code, _, errOut = runMauve(t, "", nil, "ack", "core-router/bgp", "--for", "soon", "--config", st.config); code != 1 {
		t.Errorf("ack bad duration: got %d, %q; want exit 1", code, errOut)
	}
	if code, _, errOut = runMauve(t, "", nil, "ack", "nokey", "--config", st.config); code != 1 || !strings.Contains(errOut, "SOURCE/ID") {
		t.Errorf("ack bad key: got %d, %q; want exit 1 saying SOURCE/ID", code, errOut)
	}

	if code, out, errOut = runMauve(t, "", nil, "unack", "core-router/bgp", "--config", st.config); code != 0 || !strings.Contains(out, "raised") {
		t.Errorf("unack: got %d, %q, %q", code, out, errOut)
	}
	if code, out, errOut = runMauve(t, "", nil, "clear", "core-router/bgp", "--note", "fixed", "--config", st.config); code != 0 || !strings.Contains(out, "cleared") {
		t.Errorf("clear: got %d, %q, %q", code, out, errOut)
	}
	if got := st.state(t, "core-router", "bgp").State; got != store.StateCleared {
		t.Errorf("got state %s, want cleared", got)
	}
	code, out, errOut = runMauve(t, "", nil, "ack", "core-router/bgp", "--config", st.config)
	if want := "cannot acknowledge core-router/bgp: it is cleared\n"; code != 1 || out != want {
		t.Errorf("ack cleared: got %d, %q, %q; want exit 1 and %q (the alert named once)", code, out, errOut, want)
	}
}

// TestAck_NoPerson: a unix user who is not a person is told so, and
// nothing changes.
func TestAck_NoPerson(t *testing.T) {
	st := startAckStation(t, "not-"+currentUser(t))
	st.raise(t, "core-router", "bgp", "BGP session down")
	code, _, errOut := runMauve(t, "", nil, "ack", "core-router/bgp", "--config", st.config)
	if code != 1 || !strings.Contains(errOut, "is not a person") {
		t.Errorf("got %d, %q; want exit 1 saying the unix user is not a person", code, errOut)
	}
	if got := st.state(t, "core-router", "bgp").State; got != store.StateRaised {
		t.Errorf("got state %s, want raised", got)
	}
}

// TestAck_NoLocalStation: without --server, a missing or socketless
// station config says what to give instead.
func TestAck_NoLocalStation(t *testing.T) {
	dir := t.TempDir()
	nosock := filepath.Join(dir, "nosock.hcl")
	if err := os.WriteFile(nosock, []byte("station {\n  name = \"x\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.hcl")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ack", "--list", "--config", missing},
			"mauve: no --server given, and no station config at " + missing + " to find the local socket in (on the station give --config FILE; elsewhere --server URL with --token)\n"},
		{[]string{"client", "--once", "--config", missing},
			"mauve: no --server given, and no station config at " + missing + " to find the local socket in (on the station give --config FILE; elsewhere --server URL with --token)\n"},
		{[]string{"unack", "a/b", "--config", nosock},
			"mauve: no --server given, and " + nosock + " names no station.listen.socket (add socket = \"/run/mauve/mauve.sock\" to station.listen, or give --server URL with --token)\n"},
	}
	for _, tc := range tests {
		code, _, errOut := runMauve(t, "", map[string]string{"HOME": dir, "XDG_CONFIG_HOME": dir}, tc.args...)
		if code != 1 || errOut != tc.want {
			t.Errorf("%v: got %d, %q; want 1, %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestAck_RemoteToken: mauve token create on the station, then mauve ack
// elsewhere with --server and the token ($MAUVE_TOKEN).
func TestAck_RemoteToken(t *testing.T) {
	st := startAckStation(t, currentUser(t))
	st.raise(t, "core-router", "bgp", "BGP session down")
	code, out, errOut := runMauve(t, "", nil, "token", "create", "--config", st.config, "--name", "laptop")
	tok := strings.TrimSpace(out)
	if code != 0 || tok == "" {
		t.Fatalf("token create: got %d, %q, %q", code, out, errOut)
	}
	vars := map[string]string{"MAUVE_TOKEN": tok}
	code, out, errOut = runMauve(t, "", vars, "ack", "core-router/bgp", "--for", "2h", "--server", st.url)
	if code != 0 || !strings.Contains(out, "acknowledged by johnny") {
		t.Fatalf("remote ack: got %d, %q, %q", code, out, errOut)
	}
	if code, _, errOut = runMauve(t, "", map[string]string{"MAUVE_TOKEN": "wrong"}, "ack", "core-router/bgp", "--server", st.url); code != 1 || !strings.Contains(errOut, "token") {
		t.Errorf("bad token: got %d, %q; want exit 1 about the token", code, errOut)
	}
	if code, _, errOut = runMauve(t, "", nil, "ack", "core-router/bgp", "--server", st.url); code != 1 || !strings.Contains(errOut, "no token") {
		t.Errorf("no token: got %d, %q; want exit 1 saying no token", code, errOut)
	}
	// As root or the station's user (the test's uid runs the station), a
	// token for an unknown person is refused with a clear message.
	if code, _, errOut = runMauve(t, "", nil, "token", "create", "--config", st.config, "--person", "mallory"); code != 1 || !strings.Contains(errOut, "mallory") {
		t.Errorf("token for unknown person: got %d, %q", code, errOut)
	}
}

// TestPasswd: mauve passwd hashes a password read from standard input.
func TestPasswd(t *testing.T) {
	code, out, errOut := runMauve(t, "s3cret pass\n", nil, "passwd", "--cost", "4")
	if code != 0 {
		t.Fatalf("got %d, %q", code, errOut)
	}
	hash := strings.TrimSpace(out)
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte("s3cret pass")); err != nil {
		t.Errorf("got hash %q that does not match the password: %v", hash, err)
	}
	if code, _, errOut = runMauve(t, "\n", nil, "passwd"); code != 1 || !strings.Contains(errOut, "empty password") {
		t.Errorf("empty: got %d, %q; want exit 1 saying empty password", code, errOut)
	}
}

// TestAck_UntilAndEmptyList: --until gives an end time (capped by the
// station's max_acknowledgement); --list says when nothing is raised.
func TestAck_UntilAndEmptyList(t *testing.T) {
	st := startAckStation(t, currentUser(t))
	code, out, errOut := runMauve(t, "", nil, "ack", "--list", "--config", st.config)
	if code != 0 || !strings.Contains(out, "nothing is raised") {
		t.Errorf("empty list: got %d, %q, %q", code, out, errOut)
	}
	st.raise(t, "core-router", "bgp", "BGP session down")
	code, out, errOut = runMauve(t, "", nil, "ack", "core-router/bgp", "--until", "2099-01-01T00:00:00Z", "--config", st.config)
	if code != 0 {
		t.Fatalf("ack --until: got %d, %q, %q", code, out, errOut)
	}
	if d := time.Until(st.state(t, "core-router", "bgp").AcknowledgedUntil); d > 48*time.Hour || d < 47*time.Hour {
		t.Errorf("got acknowledged for %v, want the 2d cap", d)
	}
	if code, _, errOut = runMauve(t, "", nil, "ack", "core-router/bgp", "--for", "1h", "--until", "14:00", "--config", st.config); code != 1 || !strings.Contains(errOut, "not both") {
		t.Errorf("--for and --until: got %d, %q", code, errOut)
	}
}

// mauve client -h gives --present's real default in one place, not
// "(not by default with --once or --json) (default true)".
func TestClient_HelpPresentDefault(t *testing.T) {
	code, out, _ := runMauve(t, "", nil, "client", "-h")
	want := "hold my email/SMS/XMPP while this client runs (default true, false with --once or --json)\n"
	if code != 0 || !strings.Contains(out, want) {
		t.Errorf("got %d, %q; want it to contain %q", code, out, want)
	}
}
