package notify_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/notify/prosodytest"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

const (
	mauvePassword  = "mauve-xmpp-pw-8d2c"
	johnnyPassword = "johnny-pw"
)

// startXMPP builds the channel for p and runs it until the test ends.
func startXMPP(t *testing.T, p *prosodytest.Server, password string, opts notify.XMPPOptions) *notify.XMPP {
	t.Helper()
	if opts.MinBackoff == 0 {
		opts.MinBackoff, opts.MaxBackoff = 50*time.Millisecond, 500*time.Millisecond
	}
	cfg := &policy.XMPP{JID: "mauve@localhost", Password: password, Server: p.Addr}
	x, err := notify.NewXMPP(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	x.Start()
	t.Cleanup(func() { _ = x.Close() })
	return x
}

func TestXMPPDeliversOverSTARTTLS(t *testing.T) {
	p := prosodytest.Start(t, true)
	p.Register("mauve", mauvePassword)
	p.Register("johnny", johnnyPassword)
	logs, logger := newLogBuffer()
	x := startXMPP(t, p, mauvePassword, notify.XMPPOptions{TLS: p.TLS, Logger: logger})
	johnny := p.DialReader(t, "johnny", johnnyPassword)

	first := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")
	if err := x.Send(context.Background(), first); err != nil {
		t.Fatalf("Send: %v\n%s", err, p.Logs())
	}
	if got := johnny.Next(t); got != first.Short {
		t.Errorf("johnny read %q, want %q", got, first.Short)
	}
	// Delivered once: the next thing johnny reads is the next message.
	cleared := chanAlert()
	cleared.State, cleared.ClearedAt = store.StateCleared, chanT0
	second := chanMessage(t, "johnny", store.EventCleared, cleared, "")
	if err := x.Send(context.Background(), second); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := johnny.Next(t); got != second.Short {
		t.Errorf("johnny read %q, want the second message %q", got, second.Short)
	}
	checkNoSecret(t, "log", logs.String(), mauvePassword)
}

func TestXMPPPlaintextOnLoopback(t *testing.T) {
	p := prosodytest.Start(t, false)
	p.Register("mauve", mauvePassword)
	p.Register("johnny", johnnyPassword)
	x := startXMPP(t, p, mauvePassword, notify.XMPPOptions{Plaintext: true})
	johnny := p.DialReader(t, "johnny", johnnyPassword)
	m := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "further alerts suppressed until things calm down")
	if err := x.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v\n%s", err, p.Logs())
	}
	got := johnny.Next(t)
	if !strings.HasPrefix(got, "link-eth0: RAISED (urgent)") || !strings.HasSuffix(got, "\nfurther alerts suppressed until things calm down") {
		t.Errorf("johnny read %q, want the short form and the note on its own line", got)
	}
}

// TestXMPPReconnects shows the session coming back by itself after the
// server restarts, and sends failing transiently while it is away.
func TestXMPPReconnects(t *testing.T) {
	p := prosodytest.Start(t, true)
	p.Register("mauve", mauvePassword)
	p.Register("johnny", johnnyPassword)
	x := startXMPP(t, p, mauvePassword, notify.XMPPOptions{TLS: p.TLS, ConnectWait: 200 * time.Millisecond})
	johnny := p.DialReader(t, "johnny", johnnyPassword)
	m := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")
	if err := x.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	johnny.Next(t)

	p.Stop()
	// The channel notices the lost stream and cannot send; the failure is
	// transient, so the worker retries rather than giving up on xmpp. (It
	// may take a moment to see the stream end, in which case its write
	// fails instead, just as transiently.)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		err := x.Send(context.Background(), m)
		if err != nil {
			if notify.IsPermanent(err) {
				t.Fatalf("Send with the server down = %v, want a transient error", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Send kept succeeding with the server down")
		}
	}

	p.Start()
	johnny = p.DialReader(t, "johnny", johnnyPassword)
	var err error
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if err = x.Send(context.Background(), m); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Send after the server came back: %v\n%s", err, p.Logs())
		}
	}
	if got := johnny.Next(t); got != m.Short {
		t.Errorf("after reconnecting johnny read %q, want %q", got, m.Short)
	}
}

func TestXMPPFailures(t *testing.T) {
	p := prosodytest.Start(t, true)
	p.Register("mauve", mauvePassword)

	t.Run("login refused is permanent", func(t *testing.T) {
		logs, logger := newLogBuffer()
		x := startXMPP(t, p, "wrong-password-5150", notify.XMPPOptions{TLS: p.TLS, Logger: logger, ConnectWait: 5 * time.Second})
		var err error
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			err = x.Send(context.Background(), chanMessage(t, "johnny", store.EventRaised, chanAlert(), ""))
			if notify.IsPermanent(err) || time.Now().After(deadline) {
				break
			}
		}
		if !notify.IsPermanent(err) || !strings.Contains(err.Error(), "login refused") {
			t.Errorf("Send with a wrong password = %v, want a permanent login refused", err)
		}
		checkNoSecret(t, "error", err.Error(), "wrong-password-5150")
		checkNoSecret(t, "log", logs.String(), "wrong-password-5150")
	})
	t.Run("untrusted certificate is transient", func(t *testing.T) {
		// No test CA: the system roots do not trust the server, and mauve
		// refuses to talk to it, without calling that a refused login.
		x := startXMPP(t, p, mauvePassword, notify.XMPPOptions{ConnectWait: time.Second})
		err := x.Send(context.Background(), chanMessage(t, "johnny", store.EventRaised, chanAlert(), ""))
		if err == nil || notify.IsPermanent(err) || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("Send to an untrusted server = %v, want a transient certificate error", err)
		}
	})
	t.Run("person without address is permanent", func(t *testing.T) {
		x := startXMPP(t, p, mauvePassword, notify.XMPPOptions{TLS: p.TLS})
		err := x.Send(context.Background(), chanMessage(t, "nobody", store.EventRaised, chanAlert(), ""))
		if !notify.IsPermanent(err) {
			t.Errorf("Send to a person with no JID = %v, want a permanent error", err)
		}
	})
	t.Run("cancel while waiting", func(t *testing.T) {
		// A server that accepts TCP and never speaks: the channel waits for
		// a session, and the caller's cancel ends the wait.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		x, err := notify.NewXMPP(&policy.XMPP{JID: "mauve@localhost", Password: mauvePassword, Server: l.Addr().String()},
			notify.XMPPOptions{TLS: p.TLS, ConnectWait: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		x.Start()
		defer x.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		err = x.Send(ctx, chanMessage(t, "johnny", store.EventRaised, chanAlert(), ""))
		if err == nil || notify.IsPermanent(err) || ctx.Err() == nil {
			t.Errorf("Send = %v, want a transient error once the context ended", err)
		}
	})
}

func TestNewXMPPRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  policy.XMPP
		opts notify.XMPPOptions
		want string
	}{
		{"no jid", policy.XMPP{Password: "x"}, notify.XMPPOptions{}, "jid is empty"},
		{"domain jid", policy.XMPP{JID: "example.com", Password: "x"}, notify.XMPPOptions{}, "not a user JID"},
		{"no password", policy.XMPP{JID: "mauve@example.com"}, notify.XMPPOptions{}, "password"},
		{"plaintext to a remote server", policy.XMPP{JID: "mauve@example.com", Password: "x", Server: "xmpp.example.com:5222"},
			notify.XMPPOptions{Plaintext: true}, "only allowed to a loopback server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := notify.NewXMPP(&tt.cfg, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewXMPP = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}
