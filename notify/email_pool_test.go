package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/notify/mtatest"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// burstMessage renders a raise of alert id for the given address.
func burstMessage(t testing.TB, p *policy.Policy, id int, to string) notify.Message {
	t.Helper()
	a := testAlert()
	a.ID = fmt.Sprintf("link-%03d", id)
	m := notify.NewRenderer().Render(p, notification(uint64(id), store.EventRaised, a, "johnny"), "", "", t0)
	m.Person = &policy.Person{Name: "johnny", Email: to}
	return m
}

// alertOf is the X-Mauve-Alert header of a received message.
func alertOf(t testing.TB, m scriptMsg) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("received message does not parse: %v\n%s", err, m.Data)
	}
	return msg.Header.Get("X-Mauve-Alert")
}

// sendAll sends each message on its own goroutine, as the worker's
// senders do, and returns the errors in order once all have returned.
func sendAll(e *notify.Email, ms []notify.Message) func() []error {
	errs := make([]error, len(ms))
	var wg sync.WaitGroup
	for i, m := range ms {
		wg.Go(func() { errs[i] = e.Send(context.Background(), m) })
	}
	return func() []error {
		wg.Wait()
		return errs
	}
}

// TestEmail_RefusalInABurst: a recipient refused in the middle of a burst
// over one connection fails that message and no other; each other message
// is taken exactly once, and the connection, reset, carries on.
func TestEmail_RefusalInABurst(t *testing.T) {
	for _, tc := range []struct {
		to            string
		wantPermanent bool
	}{
		{"reject-me@example.com", true},
		{"later@example.com", false},
	} {
		t.Run(tc.to, func(t *testing.T) {
			srv := startScriptSMTP(t, scriptOptions{exts: []string{"PIPELINING", "CHUNKING", "8BITMIME"}})
			p := testPolicy(t, srv.addr)
			e := newEmail(t, p.Email, notify.EmailOptions{MaxConns: 1, Timeout: 20 * time.Second})
			var burst []notify.Message
			for i := range 10 {
				to := "johnny@example.com"
				if i == 4 {
					to = tc.to
				}
				burst = append(burst, burstMessage(t, p, i, to))
			}
			for i, err := range sendAll(e, burst)() {
				switch {
				case i == 4 && err == nil:
					t.Errorf("message to %s: got nil error, want a refusal", tc.to)
				case i == 4 && notify.IsPermanent(err) != tc.wantPermanent:
					t.Errorf("message to %s: IsPermanent(%v) = %v, want %v", tc.to, err, notify.IsPermanent(err), tc.wantPermanent)
				case i == 4 && !strings.Contains(err.Error(), tc.to):
					t.Errorf("error %q does not name the refused recipient", err)
				case i != 4 && err != nil:
					t.Errorf("message %d: %v", i, err)
				}
			}
			taken := map[string]int{}
			for _, m := range srv.messages() {
				taken[alertOf(t, m)]++
			}
			for i := range 10 {
				id := fmt.Sprintf("core-router/link-%03d", i)
				want := 1
				if i == 4 {
					want = 0
				}
				if taken[id] != want {
					t.Errorf("%s taken %d times, want %d", id, taken[id], want)
				}
			}
			if conns, rsets := srv.counts(); conns != 1 || rsets == 0 {
				t.Errorf("connections %d (want 1, kept after a refusal), RSETs %d (want at least 1)", conns, rsets)
			}
		})
	}
}

// TestEmail_DotStuffing: a line of the message starting with a dot
// arrives as written, over DATA, and one connection carries several
// messages.
func TestEmail_DotStuffing(t *testing.T) {
	srv := startScriptSMTP(t, scriptOptions{exts: []string{"PIPELINING", "CHUNKING", "8BITMIME"}})
	p := testPolicy(t, srv.addr)
	e := newEmail(t, p.Email, notify.EmailOptions{Timeout: 20 * time.Second})
	m := burstMessage(t, p, 1, "johnny@example.com")
	m.Text = "first line\n.hidden by a lazy server\n..two dots\n.\nlast line\n"
	for i := range 3 {
		if err := e.Send(context.Background(), m); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	for range 3 {
		got := srv.wait(t)
		msg, err := mail.ReadMessage(bytes.NewReader(got.Data))
		if err != nil {
			t.Fatal(err)
		}
		text := textPart(t, msg)
		for _, want := range []string{"\n.hidden by a lazy server\n", "\n..two dots\n", "\n.\n", "last line"} {
			if !strings.Contains(text, want) {
				t.Errorf("text part lost %q:\n%s", want, text)
			}
		}
	}
	if conns, _ := srv.counts(); conns != 1 {
		t.Errorf("connections %d, want 1", conns)
	}
}

// TestEmail_PlainServer: a server offering neither extension gets one
// command at a time.
func TestEmail_PlainServer(t *testing.T) {
	srv := startScriptSMTP(t, scriptOptions{})
	p := testPolicy(t, srv.addr)
	e := newEmail(t, p.Email, notify.EmailOptions{Timeout: 20 * time.Second})
	var ms []notify.Message
	for i := range 5 {
		ms = append(ms, burstMessage(t, p, i, "johnny@example.com"))
	}
	for i, err := range sendAll(e, ms)() {
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	if n := len(srv.messages()); n != 5 {
		t.Errorf("server took %d messages, want 5", n)
	}
	err := e.Send(context.Background(), burstMessage(t, p, 9, "reject-me@example.com"))
	if !notify.IsPermanent(err) {
		t.Errorf("refused recipient: got %v, want a permanent error", err)
	}
	// The refused transaction was reset: the connection carries the next.
	if err := e.Send(context.Background(), burstMessage(t, p, 10, "johnny@example.com")); err != nil {
		t.Fatalf("send after the refusal: %v", err)
	}
	if n := len(srv.messages()); n != 6 {
		t.Errorf("server took %d messages, want 6", n)
	}
	if _, rsets := srv.counts(); rsets == 0 {
		t.Error("no RSET after the refused transaction")
	}
}

// TestEmail_BurstSharesConnections: a burst far larger than MaxConns goes
// over at most MaxConns connections, each message once, with a non-ASCII
// subject.
func TestEmail_BurstSharesConnections(t *testing.T) {
	srv := startScriptSMTP(t, scriptOptions{exts: []string{"PIPELINING", "CHUNKING", "8BITMIME"}})
	p := testPolicy(t, srv.addr)
	e := newEmail(t, p.Email, notify.EmailOptions{MaxConns: 2, Timeout: 20 * time.Second})
	var ms []notify.Message
	for i := range 200 {
		m := burstMessage(t, p, i, "johnny@example.com")
		m.Subject = fmt.Sprintf("[mauve] RAISED: Lüfter %d ausgefallen — 温度", i)
		ms = append(ms, m)
	}
	for i, err := range sendAll(e, ms)() {
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	got := srv.messages()
	if len(got) != len(ms) {
		t.Fatalf("server took %d messages, want %d", len(got), len(ms))
	}
	seen := map[string]bool{}
	for _, m := range got {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || !strings.HasSuffix(subject, "ausgefallen — 温度") {
			t.Errorf("subject %q (%v)", subject, err)
		}
		id := msg.Header.Get("X-Mauve-Alert")
		if seen[id] {
			t.Errorf("%s taken twice", id)
		}
		seen[id] = true
	}
	if conns, _ := srv.counts(); conns > 2 {
		t.Errorf("connections: got %d, want at most 2", conns)
	}
	// A kept connection needs no NOOP before a message nor RSET after it:
	// a round trip each.
	if n := srv.count("NOOP") + srv.count("RSET"); n != 0 {
		t.Errorf("NOOP and RSET commands: got %d, want none", n)
	}
}

// TestEmail_GivingUp: a Send that gives up while it waits for a
// connection never sends its message; one that gives up in flight returns
// at once; the channel carries on over a fresh connection.
func TestEmail_GivingUp(t *testing.T) {
	gate := make(chan struct{})
	srv := startScriptSMTP(t, scriptOptions{exts: []string{"PIPELINING", "CHUNKING"}, gate: gate})
	p := testPolicy(t, srv.addr)
	e := newEmail(t, p.Email, notify.EmailOptions{MaxConns: 1, Timeout: 20 * time.Second})

	// The first message is taken and its answer held at the gate; its
	// Send gives up.
	ctx1, cancel1 := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { first <- e.Send(ctx1, burstMessage(t, p, 0, "johnny@example.com")) }()
	srv.wait(t)
	// Two more wait for the one connection; they give up too.
	ctx2, cancel2 := context.WithCancel(context.Background())
	waiting := make(chan error, 2)
	for i := 1; i <= 2; i++ {
		go func() { waiting <- e.Send(ctx2, burstMessage(t, p, i, "johnny@example.com")) }()
	}
	cancel2()
	for range 2 {
		if err := <-waiting; !errors.Is(err, context.Canceled) {
			t.Errorf("send given up while waiting: got %v, want context.Canceled", err)
		}
	}
	cancel1()
	select {
	case err := <-first:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("send given up in flight: got %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Send did not return after its context ended")
	}
	close(gate)
	sendNext(t, e, srv, p, 3, 2) // the two that waited are never sent
	if conns, _ := srv.counts(); conns != 2 {
		t.Errorf("connections: got %d, want 2 (the broken one replaced)", conns)
	}
}

// textPart returns the decoded text/plain part of a received message.
func textPart(t *testing.T, msg *mail.Message) string {
	t.Helper()
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := bodyParts(t, received{Msg: msg, Body: body})
	return strings.ReplaceAll(text, "\r\n", "\n")
}

// TestEmail_CloseWhileSending: a reload closes the channel while a message
// is in flight; the message is delivered, its connection gets its QUIT
// rather than being kept, and the next message dials afresh.
func TestEmail_CloseWhileSending(t *testing.T) {
	gate := make(chan struct{})
	srv := startScriptSMTP(t, scriptOptions{exts: []string{"PIPELINING", "CHUNKING"}, gate: gate})
	p := testPolicy(t, srv.addr)
	e := newEmail(t, p.Email, notify.EmailOptions{MaxConns: 1, Timeout: 20 * time.Second})

	first := sendAll(e, []notify.Message{burstMessage(t, p, 0, "johnny@example.com")})
	srv.wait(t)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	close(gate)
	if err := first()[0]; err != nil {
		t.Fatalf("message in flight at Close: %v", err)
	}
	waitGoodbye(t, srv, 1)
	sendNext(t, e, srv, p, 1, 2)
	if conns, _ := srv.counts(); conns != 2 {
		t.Errorf("connections: got %d, want 2 (none kept across Close)", conns)
	}
}

// TestEmail_GivenUpSendIsNotResent: a message on a reused connection
// whose sender gave up while the server sat on it is cut short and not
// sent again on a fresh connection (that retry is for a connection the
// server dropped while it was idle).
func TestEmail_GivenUpSendIsNotResent(t *testing.T) {
	gate := make(chan struct{})
	srv := startScriptSMTP(t, scriptOptions{exts: []string{"PIPELINING", "CHUNKING"}, gate: gate, gateAfter: 1})
	p := testPolicy(t, srv.addr)
	e := newEmail(t, p.Email, notify.EmailOptions{MaxConns: 1, Timeout: 20 * time.Second})
	if err := e.Send(context.Background(), burstMessage(t, p, 0, "johnny@example.com")); err != nil {
		t.Fatal(err)
	}
	srv.wait(t)

	ctx, cancel := context.WithCancel(context.Background())
	given := make(chan error, 1)
	go func() { given <- e.Send(ctx, burstMessage(t, p, 1, "johnny@example.com")) }()
	srv.wait(t) // taken by the server, its answer held
	cancel()
	if err := <-given; !errors.Is(err, context.Canceled) {
		t.Fatalf("send given up: got %v, want context.Canceled", err)
	}
	close(gate)
	sendNext(t, e, srv, p, 2, 3) // the given-up message is not sent again
}

// BenchmarkEmail_Burst sends bursts of 256 messages from 16 goroutines (as
// the worker does) through one Email to a server on loopback, and reports
// messages a second: the scripted server offering the extensions named,
// and a real postfix (mtatest), which offers PIPELINING and CHUNKING and
// queues every message on disk.
func BenchmarkEmail_Burst(b *testing.B) {
	for _, c := range []struct {
		name string
		exts []string
	}{
		{"chunked", []string{"PIPELINING", "CHUNKING", "8BITMIME"}},
		{"pipelined", []string{"PIPELINING", "8BITMIME"}},
		{"plain", []string{"8BITMIME"}},
		{"postfix", nil},
	} {
		b.Run(c.name, func(b *testing.B) {
			var addr string
			if c.name == "postfix" {
				addr = mtatest.Start(b).Addr
			} else {
				addr = startScriptSMTP(b, scriptOptions{exts: c.exts}).addr
			}
			p := testPolicy(b, addr)
			e, err := notify.NewEmail(p.Email, notify.EmailOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			const burst = 256
			ms := make([]notify.Message, burst)
			for i := range ms {
				ms[i] = burstMessage(b, p, i, "johnny@example.com")
			}
			sent := 0
			for b.Loop() {
				work := make(chan notify.Message, burst)
				for _, m := range ms {
					work <- m
				}
				close(work)
				var wg sync.WaitGroup
				for range 16 {
					wg.Go(func() {
						for m := range work {
							if err := e.Send(context.Background(), m); err != nil {
								b.Error(err)
							}
						}
					})
				}
				wg.Wait()
				sent += burst
			}
			b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// TestEmail_CloseLongIdleConnection: Close says QUIT on a connection idle
// for longer than the timeout (whose I/O deadline passed long ago) and
// closes it; it does not leave the socket open.
func TestEmail_CloseLongIdleConnection(t *testing.T) {
	srv := startScriptSMTP(t, scriptOptions{exts: []string{"PIPELINING", "CHUNKING"}})
	p := testPolicy(t, srv.addr)
	e := newEmail(t, p.Email, notify.EmailOptions{Timeout: 500 * time.Millisecond, IdleTimeout: time.Hour})
	if err := e.Send(context.Background(), burstMessage(t, p, 0, "johnny@example.com")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond) // past the last message's I/O deadline
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	waitGoodbye(t, srv, 1)
}

// TestEmail_IdleConnectionsAreClosed: a connection left idle for
// IdleTimeout gets its QUIT and is closed, without another send to
// notice it.
func TestEmail_IdleConnectionsAreClosed(t *testing.T) {
	srv := startScriptSMTP(t, scriptOptions{exts: []string{"PIPELINING", "CHUNKING"}})
	p := testPolicy(t, srv.addr)
	e := newEmail(t, p.Email, notify.EmailOptions{IdleTimeout: 50 * time.Millisecond})
	if err := e.Send(context.Background(), burstMessage(t, p, 0, "johnny@example.com")); err != nil {
		t.Fatal(err)
	}
	waitGoodbye(t, srv, 1)
	// The channel dials afresh for the next message.
	if err := e.Send(context.Background(), burstMessage(t, p, 1, "johnny@example.com")); err != nil {
		t.Fatal(err)
	}
	if conns, _ := srv.counts(); conns != 2 {
		t.Errorf("connections: got %d, want 2", conns)
	}
}

// sendNext sends message id and checks that it is the next message the
// server takes, and that the server has then taken total.
func sendNext(t *testing.T, e *notify.Email, srv *scriptSMTP, p *policy.Policy, id, total int) {
	t.Helper()
	if err := e.Send(context.Background(), burstMessage(t, p, id, "johnny@example.com")); err != nil {
		t.Fatalf("send %d: %v", id, err)
	}
	want := fmt.Sprintf("core-router/link-%03d", id)
	if got := alertOf(t, srv.wait(t)); got != want {
		t.Errorf("server took %q next, want %q", got, want)
	}
	if n := len(srv.messages()); n != total {
		t.Errorf("server took %d messages, want %d", n, total)
	}
}

// waitGoodbye waits until the server has seen n QUITs and n connections
// end.
func waitGoodbye(t *testing.T, srv *scriptSMTP, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		quits, ended := srv.quits()
		if quits == n && ended == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d QUIT, %d connections over; want %d and %d", quits, ended, n, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
