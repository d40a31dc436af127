package notify_test

import (
	"context"
	"crypto/tls"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// contractRig is one channel wired to its real peer, with the ways to make
// that peer fail. Every channel gives one; the contract below runs them all.
type contractRig struct {
	// channel sends to a working peer; message is one it accepts.
	channel notify.Channel
	message notify.Message
	// delivered reports how many messages the peer has received so far.
	delivered func() int
	// permanent and transient, when the channel can fail that way, give a
	// channel and message that the peer refuses for good (e.g. 4xx from
	// an HTTP provider, 550 from SMTP) or for now (5xx, connection refused).
	permanent func(t *testing.T) (notify.Channel, notify.Message)
	transient func(t *testing.T) (notify.Channel, notify.Message)
	// stalled, when the channel talks to a peer, gives one whose peer
	// never answers.
	stalled func(t *testing.T) (notify.Channel, notify.Message)
	// secrets must appear in no error and no log line.
	secrets []string
	// logs returns what the channel logged, if it logs.
	logs func() string
}

// contractCases lists every channel. Add a row per channel.
func contractCases() map[string]func(t *testing.T) contractRig {
	return map[string]func(t *testing.T) contractRig{
		"email":         emailContract,
		"log":           logContract,
		"sms.twilio":    twilioContract,
		"sms.http":      httpSMSContract,
		"webhook.json":  webhookContract("json", "hooks/contract-json-key", "contract-hmac-secret"),
		"webhook.slack": webhookContract("slack", "hooks/T0/B0/contract-slack-key", ""),
		"webhook.ntfy":  webhookContract("ntfy", "contract-ntfy-topic", ""),
		"exec":          execContract,
		"xmpp":          xmppContract,
	}
}

func TestChannelContract(t *testing.T) {
	for name, setup := range contractCases() {
		t.Run(name, func(t *testing.T) {
			rig := setup(t)
			var errs []error

			t.Run("delivers once", func(t *testing.T) {
				before := rig.delivered()
				if err := rig.channel.Send(context.Background(), rig.message); err != nil {
					t.Fatalf("Send: %v", err)
				}
				waitFor(t, "the peer to receive the message", func() bool { return rig.delivered() > before })
				if got := rig.delivered() - before; got != 1 {
					t.Errorf("messages received for one Send: got %d, want 1", got)
				}
			})
			if rig.permanent != nil {
				t.Run("permanent failure", func(t *testing.T) {
					ch, m := rig.permanent(t)
					err := ch.Send(context.Background(), m)
					if err == nil || !notify.IsPermanent(err) {
						t.Errorf("Send: got %v, want a permanent error", err)
					}
					errs = append(errs, err)
				})
			}
			if rig.transient != nil {
				t.Run("transient failure", func(t *testing.T) {
					ch, m := rig.transient(t)
					err := ch.Send(context.Background(), m)
					if err == nil || notify.IsPermanent(err) {
						t.Errorf("Send: got %v, want a transient error", err)
					}
					errs = append(errs, err)
				})
			}
			t.Run("respects ctx cancel", func(t *testing.T) {
				ch, m := rig.channel, rig.message
				ctx, cancel := context.WithCancel(context.Background())
				if rig.stalled != nil {
					ch, m = rig.stalled(t)
					time.AfterFunc(100*time.Millisecond, cancel)
				} else {
					cancel()
				}
				before := rig.delivered()
				start := time.Now()
				err := ch.Send(ctx, m)
				if err == nil {
					t.Error("Send with a cancelled context: got nil error")
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("Send returned %v after cancel, want promptly", d)
				}
				if rig.stalled == nil && rig.delivered() != before {
					t.Error("Send with a cancelled context delivered anyway")
				}
				errs = append(errs, err)
			})
			t.Run("leaks no secret", func(t *testing.T) {
				var logs string
				if rig.logs != nil {
					logs = rig.logs()
				}
				for _, s := range rig.secrets {
					for _, err := range errs {
						if err != nil && strings.Contains(err.Error(), s) {
							t.Errorf("error %q contains the secret %q", err, s)
						}
					}
					if strings.Contains(logs, s) {
						t.Errorf("logs contain the secret %q", s)
					}
				}
			})
		})
	}
}

// emailContract: STARTTLS and AUTH PLAIN against a real SMTP server.
func emailContract(t *testing.T) contractRig {
	const password = "s3cret-smtp-password"
	peer, roots := startSMTPWith(t, "127.0.0.1:0", peerOptions{tls: true, user: "mauve", password: password})
	cfg := func(server, pw string) *policy.Email {
		return &policy.Email{From: "mauve@example.com", Server: server, TLS: "starttls", Username: "mauve", Password: pw, SubjectPrefix: "[mauve]"}
	}
	opts := notify.EmailOptions{Timeout: 5 * time.Second, TLSConfig: &tls.Config{RootCAs: roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}}
	p := testPolicy(t, peer.addr)
	m := notify.NewRenderer().Render(p, notification(1, store.EventRaised, testAlert(), "johnny"), "", "", t0)
	to := func(addr string) notify.Message {
		c := m
		c.Person = &policy.Person{Name: "johnny", Email: addr}
		return c
	}
	return contractRig{
		channel:   newEmail(t, cfg(peer.addr, password), opts),
		message:   m,
		delivered: func() int { return len(peer.messages()) },
		permanent: func(t *testing.T) (notify.Channel, notify.Message) {
			return newEmail(t, cfg(peer.addr, password), opts), to("reject-me@example.com")
		},
		transient: func(t *testing.T) (notify.Channel, notify.Message) {
			return newEmail(t, cfg(deadAddr(t), password), opts), m
		},
		stalled: func(t *testing.T) (notify.Channel, notify.Message) {
			return newEmail(t, cfg(silentPeer(t), password), opts), m
		},
		secrets: []string{password},
	}
}

// TestEmail_WrongPassword: a refused login is the station's configuration,
// which retrying cannot mend, so the worker falls back; the password is
// never in the error.
func TestEmail_WrongPassword(t *testing.T) {
	peer, roots := startSMTPWith(t, "127.0.0.1:0", peerOptions{tls: true, user: "mauve", password: "right"})
	e := newEmail(t, &policy.Email{From: "mauve@example.com", Server: peer.addr, TLS: "starttls", Username: "mauve", Password: "wrong-s3cret"},
		notify.EmailOptions{TLSConfig: &tls.Config{RootCAs: roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}})
	m := notify.NewRenderer().Render(testPolicy(t, peer.addr), notification(1, store.EventRaised, testAlert(), "johnny"), "", "", t0)
	err := e.Send(context.Background(), m)
	if err == nil || !notify.IsPermanent(err) {
		t.Fatalf("Send: got %v, want a permanent error", err)
	}
	if strings.Contains(err.Error(), "wrong-s3cret") {
		t.Errorf("error %q contains the password", err)
	}
}

func logContract(t *testing.T) contractRig {
	buf := &syncBuffer{}
	p := testPolicy(t, "127.0.0.1:25")
	return contractRig{
		channel:   notify.NewLog(slog.New(slog.NewTextHandler(buf, nil))),
		message:   notify.NewRenderer().Render(p, notification(1, store.EventRaised, testAlert(), "johnny"), "", "", t0),
		delivered: func() int { return strings.Count(buf.String(), "msg=notification") },
		logs:      buf.String,
	}
}
