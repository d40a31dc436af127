package notify

import (
	"context"
	"crypto/tls"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"mellium.im/sasl"
	"mellium.im/xmlstream"
	"mellium.im/xmpp"
	"mellium.im/xmpp/dial"
	"mellium.im/xmpp/stanza"
)

// The XMPP channel's connection: dialling, negotiating and serving one
// session, and recording its state for Send.

// server is where the channel connects, for logs and errors.
func (x *XMPP) server() string {
	if x.cfg.Server != "" {
		return x.cfg.Server
	}
	return x.self.Domain().String() + " (SRV)"
}

// connect dials and negotiates a session: TLS (direct or STARTTLS, unless
// the mode is none), SASL, resource binding, then initial presence.
func (x *XMPP) connect(ctx context.Context) (*xmpp.Session, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := x.dial(ctx)
	if err != nil {
		x.setDown(fmt.Errorf("dial %s: %w", x.server(), err), false)
		return nil, x.lastError()
	}

	var features []xmpp.StreamFeature
	if x.mode == "starttls" {
		features = append(features, xmpp.StartTLS(x.tlsConfig()))
	}
	// The SASL step is wrapped to tell a refused login from a network
	// failure: the first will not mend by itself.
	refused := false
	auth := xmpp.SASL("", x.cfg.Password, sasl.ScramSha256Plus, sasl.ScramSha1Plus, sasl.ScramSha256, sasl.ScramSha1, sasl.Plain)
	if x.mode == "none" {
		// SASL normally waits for TLS; on loopback there is none.
		auth.Necessary &^= xmpp.Secure
	}
	negotiate := auth.Negotiate
	auth.Negotiate = func(ctx context.Context, s *xmpp.Session, data interface{}) (xmpp.SessionState, io.ReadWriter, error) {
		mask, rw, err := negotiate(ctx, s, data)
		var netErr net.Error
		if err != nil && !errors.As(err, &netErr) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			refused = true
		}
		return mask, rw, err
	}
	features = append(features, auth, xmpp.BindResource())

	// The library checks ctx only between steps of the negotiation; a
	// server that stops talking mid-way is cut off by the connection's
	// deadline and by closing it when ctx ends.
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	stopClose := context.AfterFunc(ctx, func() { conn.Close() })
	s, err := xmpp.NewClientSession(ctx, x.self, conn, features...)
	if !stopClose() && err == nil {
		err = ctx.Err()
		closeSession(s)
	}
	if err == nil {
		_ = conn.SetDeadline(time.Time{})
	}
	if err != nil {
		conn.Close()
		if refused {
			x.setDown(fmt.Errorf("log in as %s at %s: %w: %w", x.self, x.server(), errXMPPLogin, err), true)
		} else {
			x.setDown(fmt.Errorf("negotiate with %s: %w", x.server(), err), false)
		}
		return nil, x.lastError()
	}
	// Available presence, so the server and contacts see the station is up.
	if err := s.Send(ctx, stanza.Presence{Type: stanza.AvailablePresence}.Wrap(nil)); err != nil {
		closeSession(s)
		x.setDown(fmt.Errorf("send presence to %s: %w", x.server(), err), false)
		return nil, x.lastError()
	}
	x.mu.Lock()
	x.session, x.lastErr, x.refused = s, nil, false
	x.notifyLocked()
	x.mu.Unlock()
	return s, nil
}

// dial opens the connection: to the configured server or the JID's
// domain (by SRV), with TLS from the first byte in the tls mode.
func (x *XMPP) dial(ctx context.Context) (net.Conn, error) {
	switch {
	case x.mode == "tls" && x.cfg.Server != "":
		d := tls.Dialer{Config: x.tlsConfig()}
		return d.DialContext(ctx, "tcp", x.cfg.Server)
	case x.mode == "tls":
		d := dial.Dialer{TLSConfig: x.tlsConfig()}
		return d.Dial(ctx, "tcp", x.self)
	case x.cfg.Server != "":
		var d net.Dialer
		return d.DialContext(ctx, "tcp", x.cfg.Server)
	default:
		return dial.Client(ctx, "tcp", x.self)
	}
}

// tlsConfig is the configuration for STARTTLS or direct TLS: the options'
// (or the system roots), with the JID's domain as the server name.
func (x *XMPP) tlsConfig() *tls.Config {
	cfg := x.opts.TLS.Clone()
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = x.self.Domain().String()
	}
	return cfg
}

// serve reads the session until it ends or ctx is done, then marks the
// channel down.
func (x *XMPP) serve(ctx context.Context, s *xmpp.Session) error {
	served := make(chan error, 1)
	go func() { served <- s.Serve(xmpp.HandlerFunc(x.handle)) }()
	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		closeSession(s)
		err = <-served
	}
	if err == nil {
		err = errors.New("server closed the stream")
	}
	x.setDown(fmt.Errorf("session with %s: %w", x.server(), err), false)
	closeSession(s)
	return err
}

// handle sees every stanza the server sends. Only bounced messages
// matter: the send succeeded as far as mauve can tell, so they are logged.
func (x *XMPP) handle(_ xmlstream.TokenReadEncoder, start *xml.StartElement) error {
	if start.Name.Local != "message" {
		return nil
	}
	var typ, from string
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "type":
			typ = a.Value
		case "from":
			from = a.Value
		}
	}
	if typ == "error" {
		x.logger.Warn("xmpp message bounced", "to", from)
	}
	return nil
}

// setDown records why there is no session.
func (x *XMPP) setDown(err error, refused bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.session, x.lastErr, x.refused = nil, err, refused
	x.notifyLocked()
}

// notifyLocked wakes every Send waiting for the state to change.
func (x *XMPP) notifyLocked() {
	close(x.changed)
	x.changed = make(chan struct{})
}

func (x *XMPP) lastError() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.lastErr
}

// closeSession ends the stream politely if the peer is still listening,
// and the connection in any case.
func closeSession(s *xmpp.Session) {
	_ = s.Conn().SetDeadline(time.Now().Add(time.Second))
	_ = s.Close()
	_ = s.Conn().Close()
}
