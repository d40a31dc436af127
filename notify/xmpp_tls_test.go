package notify_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/notify/prosodytest"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// The xmpp block's own tls mode and ca_file, with no test-only options:
// the channel trusts the system roots plus the block's CA, over STARTTLS
// and over TLS from the first byte.
func TestXMPPBlockTLSAndCAFile(t *testing.T) {
	p := prosodytest.Start(t, true)
	p.Register("mauve", mauvePassword)
	p.Register("johnny", johnnyPassword)
	ca, err := os.ReadFile(p.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	johnny := p.DialReader(t, "johnny", johnnyPassword)
	tests := []struct {
		mode, server string
	}{
		{"starttls", p.Addr},
		{"", p.Addr}, // the default is starttls
		{"tls", p.DirectTLSAddr},
	}
	for _, tt := range tests {
		t.Run("tls="+tt.mode, func(t *testing.T) {
			cfg := &policy.XMPP{JID: "mauve@localhost", Password: mauvePassword, Server: tt.server,
				TLS: tt.mode, CAFile: p.CAFile, CA: ca}
			sendToJohnny(t, p, johnny, cfg)
		})
	}
	t.Run("without ca_file the server is not trusted", func(t *testing.T) {
		cfg := &policy.XMPP{JID: "mauve@localhost", Password: mauvePassword, Server: p.DirectTLSAddr, TLS: "tls"}
		x, err := notify.NewXMPP(cfg, notify.XMPPOptions{ConnectWait: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		x.Start()
		defer x.Close()
		err = x.Send(context.Background(), chanMessage(t, "johnny", store.EventRaised, chanAlert(), ""))
		if err == nil || notify.IsPermanent(err) || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("Send to an untrusted server = %v, want a transient certificate error", err)
		}
	})
}

func TestNewXMPPRejectsBadTLSConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  policy.XMPP
		want string
	}{
		{"none to a remote server", policy.XMPP{JID: "mauve@example.com", Password: "x", Server: "xmpp.example.com:5222", TLS: "none"},
			"only allowed to a loopback server"},
		{"none without a server", policy.XMPP{JID: "mauve@example.com", Password: "x", TLS: "none"},
			"only allowed to a loopback server"},
		{"unknown mode", policy.XMPP{JID: "mauve@example.com", Password: "x", TLS: "ssl"}, `tls "ssl" is not one of`},
		{"CA without certificates", policy.XMPP{JID: "mauve@example.com", Password: "x", CAFile: "/etc/x.pem", CA: []byte("not pem")},
			"ca_file /etc/x.pem holds no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := notify.NewXMPP(&tt.cfg, notify.XMPPOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewXMPP = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// tls = "none" in the block (not a test option) talks plain XMPP to a
// loopback server.
func TestXMPPBlockTLSNoneOnLoopback(t *testing.T) {
	p := prosodytest.Start(t, false)
	p.Register("mauve", mauvePassword)
	p.Register("johnny", johnnyPassword)
	johnny := p.DialReader(t, "johnny", johnnyPassword)
	cfg := &policy.XMPP{JID: "mauve@localhost", Password: mauvePassword, Server: p.Addr, TLS: "none"}
	sendToJohnny(t, p, johnny, cfg)
}

// sendToJohnny starts a channel on cfg, sends johnny a raise through it and
// checks that his client reads its short text.
func sendToJohnny(t *testing.T, p *prosodytest.Server, johnny *prosodytest.Reader, cfg *policy.XMPP) {
	t.Helper()
	x, err := notify.NewXMPP(cfg, notify.XMPPOptions{MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	x.Start()
	defer x.Close()
	m := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")
	if err := x.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v\n%s", err, p.Logs())
	}
	if got := johnny.Next(t); got != m.Short {
		t.Errorf("johnny read %q, want %q", got, m.Short)
	}
}
