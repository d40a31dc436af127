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

// Email sends notifications by SMTP with go-mail: each Send is one mail
// transaction on a connection of a small pool (at most MaxConns), so the
// worker's senders are the only concurrency. Connections are kept for a
// short idle time so that the next message of a burst reuses them.
type Email struct {
	from   string
	client *mail.Client // configuration only; connections are dialled from it
	opts   EmailOptions
	slots  chan struct{} // one held by each Send that holds a connection

	mu     sync.Mutex
	idle   []smtpConn
	reaper *time.Timer // armed while connections are idle
	closed bool        // after Close, connections are not kept
}

// smtpConn is one open SMTP connection.
type smtpConn struct {
	c     *smtp.Client
	since time.Time // idle since
}

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
	// No NOOP before each message and no RSET after each success: a
	// round trip each that a kept connection does not need. A connection
	// that went stale while idle fails at MAIL, before anything of the
	// message was taken, and Send tries once more on a fresh one.
	mo := []mail.Option{mail.WithPort(port), mail.WithTimeout(opts.Timeout), mail.WithoutNoop(), mail.WithoutRset()}
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
		slots:  make(chan struct{}, opts.MaxConns),
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

// dial opens a connection: go-mail connects, greets, starts TLS and
// authenticates. go-mail watches ctx only while connecting, and bounds the
// greeting and what follows by its timeout alone; when ctx ends first,
// dial returns at once and the connection, if it still comes, is closed.
func (e *Email) dial(ctx context.Context) (smtpConn, error) {
	type dialled struct {
		c   *smtp.Client
		err error
	}
	done := make(chan dialled) // unbuffered: taken, or closed here
	go func() {
		c, err := e.client.DialToSMTPClientWithContext(ctx)
		select {
		case done <- dialled{c, err}:
		case <-ctx.Done():
			if c != nil {
				_ = c.Close()
			}
		}
	}()
	select {
	case d := <-done:
		if d.err != nil {
			return smtpConn{}, fmt.Errorf("connect to %s: %w", e.client.ServerAddr(), d.err)
		}
		return smtpConn{c: d.c}, nil
	case <-ctx.Done():
		return smtpConn{}, ctx.Err()
	}
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
	_ = c.c.UpdateDeadline(quitWait)
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
// none: go-mail's SendError carries it for a transaction, a
// *textproto.Error for the greeting, EHLO, STARTTLS and AUTH.
func smtpCode(err error) int {
	var se *mail.SendError
	if errors.As(err, &se) {
		return se.ErrorCode()
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

// Send delivers m to m.Person's email address, over a kept connection when
// one is idle, else a new one once fewer than MaxConns are open. A 5xx
// answer from the server (a rejected recipient, a refused sender) is
// permanent; a refused or dropped connection, a timeout and a 4xx answer
// are transient. If ctx ends first, Send returns at once, breaking the
// connection under a message in flight; that message may still arrive.
func (e *Email) Send(ctx context.Context, m Message) error {
	if m.Person == nil || m.Person.Email == "" {
		return Permanent(fmt.Errorf("email: %s has no email address", m.Notification.Person))
	}
	msg, err := e.compose(m)
	if err != nil {
		return Permanent(err)
	}
	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-e.slots }()
	c, reused, err := e.conn(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return classifySMTP(err)
	}
	broken, err := e.transact(ctx, c, msg)
	if err != nil && reused && !broken && stale(err) {
		// The idle connection went stale (the server hung up) before the
		// server said anything of this message; one fresh connection
		// settles whether the server is really gone.
		_ = c.c.Close()
		if c, err = e.dial(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return classifySMTP(err)
		}
		broken, err = e.transact(ctx, c, msg)
	}
	switch {
	case err == nil && !broken:
		e.release(c)
		return nil
	case err == nil: // delivered as ctx ended
		_ = c.c.Close()
		return nil
	case broken:
		_ = c.c.Close()
		return ctx.Err()
	case smtpCode(err) != 0 && c.c.Reset() == nil:
		// Refused: the connection is still in step with the server, and
		// RSET ends whatever transaction the refusal left open.
		e.release(c)
	default:
		_ = c.c.Close()
	}
	return classifySMTP(err)
}

// transact sends msg over c as one mail transaction. When ctx ends first,
// it breaks the connection so that the command in flight returns, and
// reports the connection broken.
func (e *Email) transact(ctx context.Context, c smtpConn, msg *mail.Msg) (broken bool, err error) {
	stop := context.AfterFunc(ctx, func() { _ = c.c.Text.Close() })
	err = e.client.SendWithSMTPClient(c.c, msg)
	return !stop(), err
}

// stale reports whether err is a failure before the server answered any
// command of the transaction: its MAIL got no reply at all.
func stale(err error) bool {
	var se *mail.SendError
	return errors.As(err, &se) && (se.Reason == mail.ErrSMTPMailFrom || se.Reason == mail.ErrConnCheck) && se.ErrorCode() == 0
}
