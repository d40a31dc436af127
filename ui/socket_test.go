package ui_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
)

// serveSocket serves s's API on a fresh unix socket and returns its path.
func (s *station) serveSocket(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run", "mauve.sock")
	ln, err := ui.ListenSocket(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.server.ServeSocket(ctx, ln); err != nil {
			t.Errorf("serve socket: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	return path
}

// TestSocket_PeerCredentials: over the unix socket the person is the one
// whose unix_user is the caller's user name; no password or token needed.
func TestSocket_PeerCredentials(t *testing.T) {
	s := newStation(t)
	s.raise(t, "core-router", "bgp", "BGP down", "")
	path := s.serveSocket(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o660 {
		t.Errorf("got socket mode %o, want 660", got)
	}
	c := ui.NewSocketClient(path)
	ctx := context.Background()
	me, err := c.Me(ctx)
	if err != nil || me != "johnny" {
		t.Fatalf("got person %q, %v, want johnny", me, err)
	}
	a, err := c.Acknowledge(ctx, store.Key{Source: "core-router", ID: "bgp"}, ui.AckOptions{For: "1h", Note: "over ssh"})
	if err != nil {
		t.Fatal(err)
	}
	if a.State != store.StateAcknowledged || a.AcknowledgedBy != "johnny" || !a.AcknowledgedUntil.Equal(wednesday10.Add(time.Hour)) {
		t.Errorf("got %s by %q until %v, want acknowledged by johnny until %v", a.State, a.AcknowledgedBy, a.AcknowledgedUntil, wednesday10.Add(time.Hour))
	}
	if _, err := c.Acknowledge(ctx, store.Key{Source: "core-router", ID: "nope"}, ui.AckOptions{For: "1h"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("got %v acknowledging an unknown alert, want store.ErrNotFound", err)
	}
}

// TestSocket_NoPerson: a unix user with no person is told so, and nothing
// changes.
func TestSocket_NoPerson(t *testing.T) {
	s := newStation(t, func(p *policy.Policy) { p.People["johnny"].UnixUser = "somebody-else" })
	s.raise(t, "core-router", "bgp", "BGP down", "")
	c := ui.NewSocketClient(s.serveSocket(t))
	_, err := c.Acknowledge(context.Background(), store.Key{Source: "core-router", ID: "bgp"}, ui.AckOptions{For: "1h"})
	var ue *ui.Error
	if !errors.As(err, &ue) || ue.Status != http.StatusForbidden || !strings.Contains(ue.Message, "is not a person") {
		t.Fatalf("got %v, want 403 saying the unix user is not a person", err)
	}
	a, err := s.store.Get(store.Key{Source: "core-router", ID: "bgp"})
	if err != nil || a.State != store.StateRaised {
		t.Errorf("got state %s, %v, want still raised", a.State, err)
	}
}

// TestListenSocket: a stale socket is replaced, a live one refused, a
// file that is not a socket left alone.
func TestListenSocket(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mauve.sock")

	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	ln, err := ui.ListenSocket(path)
	if err != nil {
		t.Fatalf("got %v over a stale socket, want it replaced", err)
	}
	if _, err := ui.ListenSocket(path); err == nil || !strings.Contains(err.Error(), "another mauve serve") {
		t.Errorf("got %v over a live socket, want a refusal naming another mauve serve", err)
	}
	ln.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("got %v after close, want the socket removed", err)
	}

	file := filepath.Join(dir, "not-a-socket")
	if err := os.WriteFile(file, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ui.ListenSocket(file); err == nil {
		t.Error("got no error over a regular file")
	}
	if b, _ := os.ReadFile(file); string(b) != "precious" {
		t.Error("the regular file was changed")
	}
}

// TestSocket_NotRunning: with no station on the socket, the client says
// so.
func TestSocket_NotRunning(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "mauve.sock")
	c := ui.NewSocketClient(sock)
	_, err := c.Me(context.Background())
	if want := "station socket " + sock + " does not exist (is mauve serve running on this host, with this station.listen.socket?)"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	// A socket file nobody answers on (a station that was killed).
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	_, err = c.Me(context.Background())
	if want := "station socket " + sock + ": nobody answers (is mauve serve running on this host?)"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	// A URL nobody listens on.
	base := "http://" + refusedAddr(t)
	rc, err := ui.NewClient(base, "tok")
	if err != nil {
		t.Fatal(err)
	}
	_, err = rc.Me(context.Background())
	if want := "station " + base + ": connection refused (is mauve serve running there, and is the URL right?)"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// TestSocket_APIOnly: the socket serves the API and nothing else.
func TestSocket_APIOnly(t *testing.T) {
	s := newStation(t)
	path := s.serveSocket(t)
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}}}
	for path, want := range map[string]int{"/api/v1/me": 200, "/login": 404, "/metrics": 404, "/": 404} {
		resp, err := hc.Get("http://mauve" + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s on the socket: got %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// refusedAddr is a loopback address that refuses connections for as long
// as the test runs: its port is held by a socket that is bound but not
// listening, so no other test can listen there meanwhile (as one could on
// the port of a closed listener).
func refusedAddr(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind a loopback port: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
}
