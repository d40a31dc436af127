package commands

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
	"github.com/mauve-alert/mauve/wire"
)

// clientMailbox is a real SMTP server on loopback that keeps what it gets.
type clientMailbox struct {
	mu   sync.Mutex
	msgs []string
	addr string
}

func startClientMailbox(t *testing.T) *clientMailbox {
	t.Helper()
	mb := &clientMailbox{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.addr = ln.Addr().String()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &clientMailSession{mb: mb}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	var wg sync.WaitGroup
	wg.Go(func() { _ = srv.Serve(ln) })
	t.Cleanup(func() { srv.Close(); wg.Wait() })
	return mb
}

func (mb *clientMailbox) count() int {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return len(mb.msgs)
}

type clientMailSession struct{ mb *clientMailbox }

func (s *clientMailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *clientMailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *clientMailSession) Reset()                               {}
func (s *clientMailSession) Logout() error                        { return nil }
func (s *clientMailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	s.mb.msgs = append(s.mb.msgs, string(b))
	s.mb.mu.Unlock()
	return nil
}

// clientClock is the worker's clock: it moves only when the test says.
type clientClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []clientWaiter
}

type clientWaiter struct {
	at time.Time
	ch chan time.Time
}

func (c *clientClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clientClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, clientWaiter{at: c.now.Add(d), ch: ch})
	return ch
}

// waitParked waits until someone (the worker) waits for the clock to
// reach at, so that advancing past it wakes them.
func (c *clientClock) waitParked(t *testing.T, at time.Time) {
	t.Helper()
	clientWaitFor(t, "the worker to wait for "+at.Format(time.TimeOnly), func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, w := range c.waiters {
			if w.at.Equal(at) {
				return true
			}
		}
		return false
	})
}

func (c *clientClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			kept = append(kept, w)
			continue
		}
		w.ch <- c.now
	}
	c.waiters = kept
}

// clientStation is a station assembled in-process from the real store,
// policy, notify worker, presence registry and HTTP server.
type clientStation struct {
	url   string
	token string
	store *store.Store
	pres  *notify.Presence
	mail  *clientMailbox
	clock *clientClock

	srv      *ui.Server
	httpStop func()
	httpWG   sync.WaitGroup
}

const clientStationHCL = `
station {
  name = "test"
  url  = "http://127.0.0.1"
}
email {
  from   = "mauve@example.com"
  server = "%s"
  tls    = "none"
}
person "johnny" {
  email = "johnny@example.com"
  all   = [email]
}
alert_group "quiet" {
  level    = normal
  includes = glob("quiet-*", id)
  notify "johnny" {
    every = "1d"
  }
}
alert_group "everything" {
  level = urgent
  notify "johnny" {
    every = "1h"
  }
}
`

var clientT0 = time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)

func startClientStation(t *testing.T, hold time.Duration) *clientStation {
	t.Helper()
	mail := startClientMailbox(t)
	pol, diags := policy.Parse(fmt.Appendf(nil, clientStationHCL, mail.addr), "client.hcl", func(string) string { return "" })
	if diags.HasErrors() {
		t.Fatalf("policy: %v", diags)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "mauve.db"), store.Options{Decider: pol, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	clock := &clientClock{now: clientT0}
	pres, err := notify.NewPresence(notify.PresenceOptions{Alerts: st, Hold: hold, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	chans, err := notify.NewChannels(pol, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := notify.NewWorker(notify.WorkerOptions{
		Outbox: st, Policy: func() *policy.Policy { return pol }, Channels: func() map[string]notify.Channel { return chans },
		// Poll in fake time: the worker also wakes every 5 minutes, as a
		// later retry set while an earlier one is pending may otherwise
		// wait for the poll (notify.Worker keeps only its earliest retry).
		Clock: clock, Presence: pres, Poll: 5 * time.Minute,
	})
	srv, err := ui.NewServer(ui.Options{Store: st, Policy: func() *policy.Policy { return pol }, Presence: pres, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	token, err := st.CreateToken("johnny", "client", clientT0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &clientStation{url: "http://" + ln.Addr().String(), token: token, store: st, pres: pres, mail: mail, clock: clock, srv: srv}
	var wg sync.WaitGroup
	wg.Go(func() { _ = w.Run(ctx) })
	s.serve(ln)
	t.Cleanup(func() { s.stopHTTP(); cancel(); wg.Wait(); st.Close() })
	return s
}

// serve serves the station's HTTP side on ln until stopHTTP.
func (s *clientStation) serve(ln net.Listener) {
	ctx, cancel := context.WithCancel(context.Background())
	s.httpStop = func() { cancel(); s.httpWG.Wait() }
	s.httpWG.Go(func() { _ = s.srv.Serve(ctx, ln) })
}

// stopHTTP takes the station off the network, as a restart or a network
// failure would; startHTTP brings it back on the same address.
func (s *clientStation) stopHTTP() {
	if s.httpStop != nil {
		s.httpStop()
		s.httpStop = nil
	}
}

func (s *clientStation) startHTTP(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	s.serve(ln)
}

func (s *clientStation) raise(t *testing.T, id string) {
	t.Helper()
	up := wire.Update{Source: "core-router", Alerts: []wire.Alert{{ID: id, RaiseTime: s.clock.Now(), Summary: "BGP session down"}}}
	if err := s.store.Apply(context.Background(), []store.Received{{Update: up, ReceivedAt: s.clock.Now()}}); err != nil {
		t.Fatal(err)
	}
}

// clientWaitFor polls a condition of a real peer, for at most 10 s.
func clientWaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// row returns the alert's outbox row, due or not.
func (s *clientStation) row(t *testing.T, id string) (store.Notification, bool) {
	t.Helper()
	rows, err := s.store.DueNotifications(s.clock.Now().Add(24*time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.AlertID == id {
			return r, true
		}
	}
	return store.Notification{}, false
}

// held reports whether the alert's notification waits in the outbox for
// later (the worker held it for the live client) rather than being due.
func (s *clientStation) held(t *testing.T, id string) bool {
	t.Helper()
	now := s.clock.Now()
	rows, err := s.store.DueNotifications(now.Add(24*time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.AlertID == id && r.NextAttempt.After(now) {
			return true
		}
	}
	return false
}

// clientOutput is the client's stdout.
type clientOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *clientOutput) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *clientOutput) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startJSONClient runs `mauve client --json --present` against the
// station until the returned stop is called.
func startJSONClient(t *testing.T, s *clientStation) (out *clientOutput, stop func()) {
	t.Helper()
	out = &clientOutput{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var runErr error
	wg.Go(func() {
		runErr = runClient(ctx, &clientOptions{server: s.url, token: s.token, json: true, present: true, minWait: 50 * time.Millisecond},
			clientIO{out: out, getenv: func(string) string { return "" }, configDir: func() (string, error) { return t.TempDir(), nil }})
	})
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		wg.Wait()
		if runErr != nil {
			t.Errorf("client: %v", runErr)
		}
	}
	t.Cleanup(stop)
	clientWaitFor(t, "the client to be present", func() bool { return s.pres.IsPresent("johnny") })
	return out, stop
}
