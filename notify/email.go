package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/mauve-alert/mauve/policy"
)

// EmailOptions tune an Email channel beyond what the policy's email block
// says. The zero value is usable.
type EmailOptions struct {
	// Timeout bounds connecting and each SMTP command; 0 means 30s.
	Timeout time.Duration
	// MaxConns caps simultaneous SMTP connections; 0 means 8.
	MaxConns int
	// IdleTimeout is how long an idle connection is kept for the next
	// message of a burst; 0 means 30s.
	IdleTimeout time.Duration
	// Now tells the time for idle bookkeeping; nil means time.Now.
	Now func() time.Time
	// TLSConfig replaces the default TLS settings (server name from the
	// server address, TLS 1.2 or later), e.g. to trust a private CA.
	TLSConfig *tls.Config
}

// Email sends notifications by SMTP. Messages sent at once share
// connections: where the server offers PIPELINING and CHUNKING, one write
// carries many whole transactions (see email_carrier.go). Connections are
// kept for a short idle time so that the next burst reuses them.
type Email struct {
	from   string
	client *mail.Client // configuration only; connections are dialled from it
	opts   EmailOptions

	mu       sync.Mutex
	idle     []smtpConn
	reaper   *time.Timer // armed while connections are idle
	closed   bool        // after Close, connections are not kept
	queue    []*parcel   // waiting for a carrier
	carriers int         // running carriers, at most MaxConns

	bufs sync.Pool // of *bytes.Buffer, for the carriers' trips
}

// smtpConn is one open SMTP connection. raw is the socket under it (nil
// for implicit TLS, which go-mail dials itself), kept so that a trip's
// deadline can be set, and a trip all of whose senders gave up broken,
// without go-mail's lock.
type smtpConn struct {
	c     *smtp.Client
	raw   net.Conn
	since time.Time // idle since
}

// rawConnKey carries a *rawSlot through go-mail's dial to dialTCP.
type rawConnKey struct{}

var _ Channel = (*Email)(nil)

// NewEmail returns an Email channel for the policy's email block: server
// "host[:port]" (port 25 by default), TLS mode none | opportunistic |
// starttls | tls, and optional username and password.
func NewEmail(cfg *policy.Email, opts EmailOptions) (*Email, error) {
	if cfg == nil {
		return nil, errors.New("email channel: no email block in the policy")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 8
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 30 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	host, port, err := splitServer(cfg.Server)
	if err != nil {
		return nil, err
	}
	// go-mail dials, greets, starts TLS and authenticates; the mail
	// transactions are mauve's own trips over its smtp.Client
	// (email_pipeline.go).
	mo := []mail.Option{mail.WithPort(port), mail.WithTimeout(opts.Timeout)}
	switch cfg.TLS {
	case "none":
		mo = append(mo, mail.WithTLSPolicy(mail.NoTLS))
	case "", "opportunistic":
		mo = append(mo, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case "starttls":
		mo = append(mo, mail.WithTLSPolicy(mail.TLSMandatory))
	case "tls":
		mo = append(mo, mail.WithSSL())
	default:
		return nil, fmt.Errorf("email channel: tls mode %q (want none, opportunistic, starttls or tls)", cfg.TLS)
	}
	if opts.TLSConfig != nil {
		mo = append(mo, mail.WithTLSConfig(opts.TLSConfig))
	}
	if cfg.TLS != "tls" { // implicit TLS keeps go-mail's own TLS dialer
		mo = append(mo, mail.WithDialContextFunc(dialTCP))
	}
	if cfg.Username != "" {
		mo = append(mo, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	client, err := mail.NewClient(host, mo...)
	if err != nil {
		return nil, fmt.Errorf("email channel for %s: %w", cfg.Server, err)
	}
	return &Email{
		from:   cfg.From,
		client: client,
		opts:   opts,
	}, nil
}

func splitServer(server string) (string, int, error) {
	if server == "" {
		return "", 0, errors.New("email channel: no server (want host or host:port)")
	}
	host, portText, err := net.SplitHostPort(server)
	if err != nil {
		return server, 25, nil //nolint:nilerr // no port given: the SMTP default
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port <= 0 || port > 65535 {
		return "", 0, fmt.Errorf("email channel: server %q has a bad port (want host:1-65535)", server)
	}
	return host, port, nil
}

// conn returns an idle connection if one is fresh enough, else a new one.
func (e *Email) conn(ctx context.Context) (smtpConn, bool, error) {
	now := e.opts.Now()
	e.mu.Lock()
	var stale []smtpConn
	for len(e.idle) > 0 {
		ic := e.idle[len(e.idle)-1]
		e.idle = e.idle[:len(e.idle)-1]
		if now.Sub(ic.since) < e.opts.IdleTimeout {
			e.mu.Unlock()
			closeAll(stale)
			return ic, true, nil
		}
		stale = append(stale, ic)
	}
	e.mu.Unlock()
	closeAll(stale)
	c, err := e.dial(ctx)
	return c, false, err
}

func (e *Email) dial(ctx context.Context) (smtpConn, error) {
	// go-mail watches ctx only while connecting; the greeting, EHLO and
	// AUTH that follow are bounded by its timeout alone. Breaking the
	// socket when ctx ends keeps a silent server from holding us longer.
	slot := &rawSlot{}
	stop := context.AfterFunc(ctx, slot.cancel)
	defer stop()
	c, err := e.client.DialToSMTPClientWithContext(context.WithValue(ctx, rawConnKey{}, slot))
	if err != nil {
		slot.close()
		return smtpConn{}, fmt.Errorf("connect to %s: %w", e.client.ServerAddr(), err)
	}
	return smtpConn{c: c, raw: slot.conn()}, nil
}

// rawSlot receives the socket that dialTCP opens.
type rawSlot struct {
	mu        sync.Mutex
	c         net.Conn
	cancelled bool
}

func (s *rawSlot) set(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.c = c
	if s.cancelled {
		_ = c.SetDeadline(time.Unix(1, 0))
	}
}

func (s *rawSlot) cancel() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cancelled = true
	if s.c != nil {
		_ = s.c.SetDeadline(time.Unix(1, 0))
	}
}

func (s *rawSlot) conn() net.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c
}

func (s *rawSlot) close() {
	if c := s.conn(); c != nil {
		_ = c.Close()
	}
}

// dialTCP dials like go-mail's own dialer and leaves the socket in the slot
// that dial put in the context.
func dialTCP(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if slot, ok := ctx.Value(rawConnKey{}).(*rawSlot); ok && err == nil {
		slot.set(c)
	}
	return c, err
}

func (e *Email) release(c smtpConn) {
	e.mu.Lock()
	closed := e.closed
	if !closed {
		e.keepIdleLocked(c)
	}
	e.mu.Unlock()
	if closed {
		e.goodbye(c)
	}
}

// keepIdleLocked keeps c for the next burst, until IdleTimeout: then the
// reaper says goodbye on it, so that no socket lingers half-closed after
// the server timed it out. e.mu is held.
func (e *Email) keepIdleLocked(c smtpConn) {
	c.since = e.opts.Now()
	e.idle = append(e.idle, c)
	if e.reaper == nil {
		e.reaper = time.AfterFunc(e.opts.IdleTimeout, e.reap)
	}
}

// reap says goodbye on the connections idle for IdleTimeout, and comes
// back for the rest when their time is up.
func (e *Email) reap() {
	now := e.opts.Now()
	e.mu.Lock()
	e.reaper = nil
	var old []smtpConn
	kept := e.idle[:0]
	next := e.opts.IdleTimeout
	for _, c := range e.idle {
		if idle := now.Sub(c.since); idle >= e.opts.IdleTimeout {
			old = append(old, c)
		} else {
			kept = append(kept, c)
			next = min(next, e.opts.IdleTimeout-idle)
		}
	}
	clear(e.idle[len(kept):])
	e.idle = kept
	if len(kept) > 0 && !e.closed {
		e.reaper = time.AfterFunc(next, e.reap)
	}
	e.mu.Unlock()
	for _, c := range old {
		e.goodbye(c)
	}
}

// quitWait bounds the goodbye on a connection: a server gone quiet does
// not hold up a reload.
const quitWait = 2 * time.Second

// goodbye says QUIT on c and closes it, whatever the server answers: an
// idle connection's deadline has long passed, and go-mail leaves the
// socket open when QUIT fails.
func (e *Email) goodbye(c smtpConn) {
	c.deadline(quitWait)
	_ = e.client.CloseWithSMTPClient(c.c)
	_ = c.c.Close()
}

// Close says goodbye on every idle connection, and on each busy one when
// its send returns (a reload closes the old channels while the worker may
// still be using them). The channel still sends after Close, without
// keeping connections.
func (e *Email) Close() error {
	e.mu.Lock()
	idle := e.idle
	e.idle = nil
	e.closed = true
	if e.reaper != nil {
		e.reaper.Stop()
		e.reaper = nil
	}
	e.mu.Unlock()
	for _, ic := range idle {
		e.goodbye(ic)
	}
	return nil
}

func closeAll(cs []smtpConn) {
	for _, c := range cs {
		_ = c.c.Close()
	}
}

// classifySMTP marks 5xx answers permanent and wraps the rest as they are.
func classifySMTP(err error) error {
	if smtpCode(err)/100 == 5 {
		return Permanent(fmt.Errorf("email: %w", err))
	}
	return fmt.Errorf("email: %w", err)
}

// smtpCode is the server's reply code in err, or 0 when the server gave
// none. Every answer reaches here as a *textproto.Error: the trips read
// replies themselves, and go-mail's SendError came only from its own
// sends, which mauve no longer uses.
func smtpCode(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}
