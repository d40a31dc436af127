package notify_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/notify/prosodytest"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// The rows of the channel contract (contract_test.go) for SMS, webhooks,
// exec and XMPP, each against its real peer.

// contractHTTPPeer is an httptest server for the HTTP channels. The first
// path segment picks its behaviour: /ok/ answers okStatus, /reject/ 400,
// /fail/ 503, /hang/ never answers. Failure answers echo the request's path
// and authorization, as careless servers do, so redaction is tested.
type contractHTTPPeer struct {
	url   string
	count atomic.Int32
}

func newContractHTTPPeer(t *testing.T, okStatus int) *contractHTTPPeer {
	p := &contractHTTPPeer{}
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mode, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		switch mode {
		case "ok":
			p.count.Add(1)
			w.WriteHeader(okStatus)
		case "reject":
			http.Error(w, "refused "+r.URL.Path+" "+r.Header.Get("Authorization"), http.StatusBadRequest)
		case "fail":
			http.Error(w, "broken "+r.URL.Path+" "+r.Header.Get("Authorization"), http.StatusServiceUnavailable)
		case "hang":
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	p.url = srv.URL
	return p
}

// httpContract builds a rig from a constructor taking the peer's base URL
// for one behaviour ("<server>/ok", "<server>/reject", …).
func httpContract(t *testing.T, okStatus int, secrets []string, build func(t *testing.T, base string, logger *slog.Logger) notify.Channel) contractRig {
	p := newContractHTTPPeer(t, okStatus)
	logs, l := newLogBuffer()
	m := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")
	with := func(mode string) func(t *testing.T) (notify.Channel, notify.Message) {
		return func(t *testing.T) (notify.Channel, notify.Message) { return build(t, p.url+"/"+mode, l), m }
	}
	return contractRig{
		channel:   build(t, p.url+"/ok", l),
		message:   m,
		delivered: func() int { return int(p.count.Load()) },
		permanent: with("reject"),
		transient: with("fail"),
		stalled:   with("hang"),
		secrets:   secrets,
		logs:      logs.String,
	}
}

func twilioContract(t *testing.T) contractRig {
	const token = "contract-twilio-token"
	return httpContract(t, http.StatusCreated, []string{token}, func(t *testing.T, base string, l *slog.Logger) notify.Channel {
		ch, err := notify.NewSMS(&policy.SMS{Name: "twilio", Provider: "twilio", Account: testSID, Token: token,
			From: testFrom, APIURL: base}, nil, l)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	})
}

func httpSMSContract(t *testing.T) contractRig {
	const token, key = "contract-gw-token", "contract-gw-key"
	return httpContract(t, http.StatusOK, []string{token, key}, func(t *testing.T, base string, l *slog.Logger) notify.Channel {
		ch, err := notify.NewSMS(&policy.SMS{Name: "gw", Provider: "http", URL: base + "/send/" + key, Token: token,
			Headers: map[string]string{"Authorization": "Bearer {{.Token}}"}}, nil, l)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	})
}

func webhookContract(format, path string, secret string) func(t *testing.T) contractRig {
	return func(t *testing.T) contractRig {
		secrets := []string{path}
		if secret != "" {
			secrets = append(secrets, secret)
		}
		return httpContract(t, http.StatusNoContent, secrets, func(t *testing.T, base string, l *slog.Logger) notify.Channel {
			ch, err := notify.NewWebhook(&policy.Webhook{Name: "ops", URL: base + "/" + path, Format: format, Secret: secret,
				Timeout: 5 * time.Second}, "https://alerts1.example.com", nil, l)
			if err != nil {
				t.Fatal(err)
			}
			return ch
		})
	}
}

// execContract runs real shell scripts: one that records the delivery, one
// that refuses (exit 2), one that outlives its timeout (transient) and
// one that sleeps until cancelled.
func execContract(t *testing.T) contractRig {
	dir := t.TempDir()
	logs, l := newLogBuffer()
	delivered := filepath.Join(dir, "delivered")
	build := func(t *testing.T, body string, timeout time.Duration) notify.Channel {
		script := writeScript(t, t.TempDir(), "pager.sh", body)
		ch, err := notify.NewExec(&policy.Exec{Name: "pager", Command: []string{script}, Timeout: timeout}, "", l)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	m := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")
	return contractRig{
		channel: build(t, `cat >/dev/null; echo "$MAUVE_ALERT_ID" >> `+delivered, time.Minute),
		message: m,
		delivered: func() int {
			b, _ := os.ReadFile(delivered)
			return strings.Count(string(b), "\n")
		},
		permanent: func(t *testing.T) (notify.Channel, notify.Message) {
			return build(t, "echo 'pager refused the number' >&2; exit 2", time.Minute), m
		},
		transient: func(t *testing.T) (notify.Channel, notify.Message) {
			return build(t, "sleep 60", 300*time.Millisecond), m
		},
		stalled: func(t *testing.T) (notify.Channel, notify.Message) {
			return build(t, "sleep 60", time.Minute), m
		},
		logs: logs.String,
	}
}

// xmppContract: a real prosody, the station's account, and johnny reading.
// A person without an address is the permanent failure; a server that
// refuses connections the transient one; a server that accepts and never
// speaks the stalled one.
func xmppContract(t *testing.T) contractRig {
	p := prosodytest.Start(t, true)
	p.Register("mauve", mauvePassword)
	p.Register("johnny", johnnyPassword)
	logs, l := newLogBuffer()
	x := startXMPP(t, p, mauvePassword, notify.XMPPOptions{TLS: p.TLS, Logger: l})
	johnny := p.DialReader(t, "johnny", johnnyPassword)
	var (
		mu    sync.Mutex
		count int
	)
	m := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")
	to := func(server string, wait time.Duration) notify.Channel {
		c, err := notify.NewXMPP(&policy.XMPP{JID: "mauve@localhost", Password: mauvePassword, Server: server},
			notify.XMPPOptions{TLS: p.TLS, Logger: l, ConnectWait: wait, MinBackoff: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		c.Start()
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	return contractRig{
		channel: x,
		message: m,
		delivered: func() int {
			mu.Lock()
			defer mu.Unlock()
			count += len(johnny.Drain())
			return count
		},
		permanent: func(t *testing.T) (notify.Channel, notify.Message) {
			nobody := m
			nobody.Person = &policy.Person{Name: "johnny"}
			return x, nobody
		},
		transient: func(t *testing.T) (notify.Channel, notify.Message) {
			return to(deadAddr(t), 300*time.Millisecond), m
		},
		stalled: func(t *testing.T) (notify.Channel, notify.Message) {
			return to(silentPeer(t), time.Minute), m
		},
		secrets: []string{mauvePassword},
		logs:    logs.String,
	}
}
