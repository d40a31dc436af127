package commands

import (
	"bytes"
	"io"
	"mime"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"
)

// e2eMailbox is a real SMTP server on 127.0.0.1 that keeps every message it
// receives with the time its DATA ended. It can go down and come back on
// the same address, as a mail server restarted by its operator does.
type e2eMailbox struct {
	addr string
	news chan struct{} // receives after a message arrived

	mu   sync.Mutex
	got  []e2eMail
	srv  *smtp.Server
	done chan struct{}
}

// e2eMail is one message as the server received it. Its header is
// parsed when first asked for, not while the server is receiving (a
// latency benchmark should not charge the station for the test's parsing).
type e2eMail struct {
	At  time.Time // when its DATA ended
	To  []string  // RCPT TO
	Raw []byte
}

func (m e2eMail) header(name string) string {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return "(unparsable message: " + err.Error() + ")"
	}
	return msg.Header.Get(name)
}

func (m e2eMail) subject(tb testing.TB) string {
	tb.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(m.header("Subject"))
	if err != nil {
		tb.Fatalf("subject %q: %v", m.header("Subject"), err)
	}
	return s
}

func startE2EMailbox(tb testing.TB) *e2eMailbox {
	tb.Helper()
	mb := &e2eMailbox{news: make(chan struct{}, 1)}
	mb.up(tb, "127.0.0.1:0")
	tb.Cleanup(mb.down)
	return mb
}

// up starts serving on addr ("" = the address it had before).
func (mb *e2eMailbox) up(tb testing.TB, addr string) {
	tb.Helper()
	if addr == "" {
		addr = mb.addr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatalf("mail server back on %s: %v", addr, err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &e2eSession{mb: mb}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	done := make(chan struct{})
	mb.mu.Lock()
	mb.addr, mb.srv, mb.done = ln.Addr().String(), srv, done
	mb.mu.Unlock()
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
}

// down closes the listener and every open connection, and waits for the
// server to stop.
func (mb *e2eMailbox) down() {
	mb.mu.Lock()
	srv, done := mb.srv, mb.done
	mb.srv, mb.done = nil, nil
	mb.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
		<-done
	}
}

func (mb *e2eMailbox) mails() []e2eMail {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]e2eMail(nil), mb.got...)
}

func (mb *e2eMailbox) count() int {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return len(mb.got)
}

// waitCount waits, for at most limit, until n messages have arrived, and
// returns all of them.
func (mb *e2eMailbox) waitCount(tb testing.TB, n int, limit time.Duration) []e2eMail {
	tb.Helper()
	timeout := time.NewTimer(limit)
	defer timeout.Stop()
	for mb.count() < n {
		select {
		case <-mb.news:
		case <-timeout.C:
			tb.Fatalf("got %d mails after %s, want %d", mb.count(), limit, n)
		}
	}
	return mb.mails()
}

type e2eSession struct {
	mb *e2eMailbox
	to []string
}

func (s *e2eSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *e2eSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *e2eSession) Reset()        { s.to = nil }
func (s *e2eSession) Logout() error { return nil }
func (s *e2eSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	at := time.Now()
	s.mb.mu.Lock()
	s.mb.got = append(s.mb.got, e2eMail{At: at, To: s.to, Raw: b})
	s.mb.mu.Unlock()
	select {
	case s.mb.news <- struct{}{}:
	default:
	}
	return nil
}

// e2eClock is the station's clock (Env.Now). It starts behind the real
// clock and moves only when the test says: the notify worker in the
// station runs on the real clock, so rows the store dates by this clock are
// already due for it.
type e2eClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *e2eClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *e2eClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// startE2EStation runs `mauve serve --config <hcl>` in this process (the
// runServe that the command runs) on loopback ports with the given clock;
// it works for tests and benchmarks alike.
func startE2EStation(tb testing.TB, hcl string, now func() time.Time, tune ...func(*serveOptions)) *runningStation {
	tb.Helper()
	cfg := filepath.Join(tb.TempDir(), "mauve.hcl")
	if err := os.WriteFile(cfg, []byte(hcl), 0o644); err != nil {
		tb.Fatal(err)
	}
	opts := &serveOptions{config: cfg}
	for _, f := range tune {
		f(opts)
	}
	return runTestServe(tb, opts, now)
}
