package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"mellium.im/xmpp"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/stanza"

	"github.com/mauve-alert/mauve/policy"
)

// XMPPOptions adjust how the XMPP channel connects. The zero value is right
// for production: the xmpp block's tls mode (STARTTLS unless it says
// otherwise) is required, and the server's certificate is verified against
// the system's roots and the block's ca_file.
type XMPPOptions struct {
	// TLS is the configuration for STARTTLS or direct TLS; nil means the
	// system roots plus the block's ca_file, with the JID's domain as the
	// server name. Tests may pass one that trusts only their own CA.
	TLS *tls.Config
	// Plaintext skips TLS entirely, as tls = "none" does. It is refused
	// unless the server is a loopback address: it exists for tests against
	// a local server.
	Plaintext bool
	// MinBackoff and MaxBackoff bound the wait between reconnection
	// attempts, which doubles from the first to the second; defaults 1s
	// and 2m.
	MinBackoff, MaxBackoff time.Duration
	// ConnectWait is how long Send waits for a session when none is up
	// before failing (transiently); default 10s.
	ConnectWait time.Duration
	// Logger receives connection events; nil discards them.
	Logger *slog.Logger
}

// XMPP is the channel for the xmpp block: one client session, logged in as
// the block's JID, kept up and re-established with backoff when it drops,
// over which notifications go as chat messages to each person's JID.
//
// Its connection is owned by Run (or by Start and Close): NewXMPP only
// checks the configuration. Send waits a little for a session that is
// being established, then fails transiently so the worker retries. When the
// server refuses the login, Send fails permanently, so people are reached
// through their next channel instead of waiting for a fixed password.
type XMPP struct {
	cfg    policy.XMPP
	self   jid.JID
	mode   string // starttls | tls | none
	opts   XMPPOptions
	logger *slog.Logger

	mu      sync.Mutex
	session *xmpp.Session
	changed chan struct{} // closed and replaced whenever the fields above change
	lastErr error         // why the last attempt to connect failed
	refused bool          // lastErr is the server refusing the login

	sendMu sync.Mutex // one stanza at a time on the session

	startOnce sync.Once
	stop      context.CancelFunc
	done      chan struct{}
}

var _ Channel = (*XMPP)(nil)

// errXMPPLogin marks the server refusing our credentials.
var errXMPPLogin = errors.New("login refused")

// NewXMPP checks cfg and returns an unconnected channel; call Run or Start.
func NewXMPP(cfg *policy.XMPP, opts XMPPOptions) (*XMPP, error) {
	if cfg == nil || cfg.JID == "" {
		return nil, errors.New("xmpp: jid is empty (want e.g. jid = \"mauve@example.com\")")
	}
	self, err := jid.Parse(cfg.JID)
	if err != nil || self.Localpart() == "" {
		return nil, fmt.Errorf("xmpp: jid %q is not a user JID like mauve@example.com", cfg.JID)
	}
	if cfg.Password == "" {
		return nil, fmt.Errorf("xmpp: password for %s is empty", self)
	}
	mode := cfg.TLS
	if mode == "" {
		mode = "starttls"
	}
	if opts.Plaintext {
		mode = "none"
	}
	switch mode {
	case "starttls", "tls":
	case "none":
		if !loopbackAddr(cfg.Server) {
			return nil, fmt.Errorf("xmpp: plaintext (tls = \"none\") is only allowed to a loopback server, not %q", cfg.Server)
		}
	default:
		return nil, fmt.Errorf("xmpp: tls %q is not one of starttls, tls or none", mode)
	}
	if opts.TLS == nil && len(cfg.CA) > 0 {
		roots, err := x509.SystemCertPool()
		if err != nil {
			roots = x509.NewCertPool()
		}
		if !roots.AppendCertsFromPEM(cfg.CA) {
			return nil, fmt.Errorf("xmpp: ca_file %s holds no PEM certificate", cfg.CAFile)
		}
		opts.TLS = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(2*time.Minute, opts.MinBackoff)
	}
	if opts.ConnectWait <= 0 {
		opts.ConnectWait = 10 * time.Second
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &XMPP{
		cfg: *cfg, self: self, mode: mode, opts: opts, logger: logger.With("channel", "xmpp", "jid", self.String()),
		changed: make(chan struct{}), lastErr: errors.New("not connected yet"),
	}, nil
}

// loopbackAddr reports whether hostport names the loopback interface.
func loopbackAddr(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Start runs Run in a goroutine that Close stops. It is for owners that
// hold channels only as a map (NewChannels); others call Run themselves.
func (x *XMPP) Start() {
	x.startOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		x.stop, x.done = cancel, make(chan struct{})
		go func() {
			defer close(x.done)
			_ = x.Run(ctx)
		}()
	})
}

// Close stops what Start started and waits for it to end, closing the
// session. It is safe to call more than once, and without Start.
func (x *XMPP) Close() error {
	x.startOnce.Do(func() {}) // a later Start does nothing
	if x.stop != nil {
		x.stop()
		<-x.done
	}
	return nil
}

// Run keeps a session up until ctx is done: it connects, serves the
// session (answering the server, noting bounced messages) and, when the
// session drops or an attempt fails, waits with exponential backoff and
// connects again. It returns nil when ctx is done.
func (x *XMPP) Run(ctx context.Context) error {
	backoff := x.opts.MinBackoff
	for {
		s, err := x.connect(ctx)
		if ctx.Err() != nil {
			if s != nil {
				closeSession(s)
			}
			return nil
		}
		if err != nil {
			x.logger.Warn("xmpp connect failed", "server", x.server(), "err", err, "retry_in", backoff)
		} else {
			x.logger.Info("xmpp connected", "server", x.server())
			began := time.Now()
			err = x.serve(ctx, s)
			if ctx.Err() != nil {
				return nil
			}
			x.logger.Warn("xmpp session lost", "err", err, "retry_in", backoff)
			if time.Since(began) > x.opts.MaxBackoff {
				backoff = x.opts.MinBackoff // it was up a good while: start afresh
			}
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(2*backoff, x.opts.MaxBackoff)
	}
}

// chatMessage is a message stanza with a body.
type chatMessage struct {
	stanza.Message
	Body string `xml:"body"`
}

// Send sends the short form of m as a chat message to the person's JID. A
// person without a valid JID, and a login the server refused, are
// permanent failures; no session within ConnectWait, and a failed write,
// are transient.
func (x *XMPP) Send(ctx context.Context, m Message) error {
	if m.Person == nil || m.Person.XMPP == "" {
		return Permanent(fmt.Errorf("xmpp: person %s has no xmpp address", personName(m)))
	}
	to, err := jid.Parse(m.Person.XMPP)
	if err != nil {
		return Permanent(fmt.Errorf("xmpp: person %s has an invalid address %q: %w", personName(m), m.Person.XMPP, err))
	}
	s, err := x.waitSession(ctx)
	if err != nil {
		return err
	}
	text, note := shortText(m)
	if note != "" {
		text += "\n" + note
	}
	msg := chatMessage{Message: stanza.Message{To: to, Type: stanza.ChatMessage}, Body: text}

	wctx, cancel := context.WithTimeout(ctx, x.opts.ConnectWait)
	defer cancel()
	x.sendMu.Lock()
	err = s.Encode(wctx, msg)
	x.sendMu.Unlock()
	if err != nil {
		// A write that failed leaves the stream in an unknown state: drop
		// it, and Run connects again.
		closeSession(s)
		return fmt.Errorf("xmpp: send to %s: %w", to, err)
	}
	x.logger.Debug("xmpp message sent", "person", personName(m), "to", to.String())
	return nil
}

// waitSession returns the current session, waiting up to ConnectWait for
// one. Without one it returns why: permanently if the login was refused.
func (x *XMPP) waitSession(ctx context.Context) (*xmpp.Session, error) {
	t := time.NewTimer(x.opts.ConnectWait)
	defer t.Stop()
	for {
		x.mu.Lock()
		s, changed, last, refused := x.session, x.changed, x.lastErr, x.refused
		x.mu.Unlock()
		if s != nil {
			return s, nil
		}
		if refused {
			return nil, Permanent(fmt.Errorf("xmpp: %w", last))
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("xmpp: waiting for a session: %w (last: %v)", context.Cause(ctx), x.lastError())
		case <-t.C:
			return nil, fmt.Errorf("xmpp: not connected: %w", x.lastError())
		}
	}
}
