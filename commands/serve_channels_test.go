package commands

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// mailSink is a real SMTP server on loopback that keeps what it receives.
type mailSink struct {
	addr string
	mu   sync.Mutex
	msgs []string // whole messages
}

func startMailSink(t *testing.T) *mailSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &mailSink{addr: ln.Addr().String()}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: m}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return m
}

func (m *mailSink) messages() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.msgs...)
}

type sinkSession struct{ sink *mailSink }

func (s *sinkSession) Reset()                               {}
func (s *sinkSession) Logout() error                        { return nil }
func (s *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.sink.mu.Lock()
	s.sink.msgs = append(s.sink.msgs, string(b))
	s.sink.mu.Unlock()
	return nil
}

// waitUntil polls cond until it holds, failing after a bound.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(25 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestServe_ChannelsEndToEnd runs a real station with SMS, email, webhook
// and exec channels against real peers: an urgent alert's SMS is refused
// by the provider (a 4xx), so the station falls back to email on a real
// SMTP server and records why; a normal alert goes to a signed JSON
// webhook; a low one runs a program.
func TestServe_ChannelsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	const (
		sid         = "AC0123456789abcdef0123456789abcdef"
		token       = "e2e-twilio-token-6f1d"
		hookSecret  = "e2e-hook-secret-0b7e"
		hookPathKey = "e2e-hook-path-key"
	)
	mail := startMailSink(t)

	// The SMS provider refuses every number, as Twilio does a bad one.
	var smsTries atomic.Int32
	twilio := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		if r.URL.Path != "/2010-04-01/Accounts/"+sid+"/Messages.json" || user != sid || pass != token {
			http.Error(w, "unexpected request", http.StatusUnauthorized)
			return
		}
		smsTries.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"code": 21211, "message": "The 'To' number %s is not a valid phone number.", "status": 400}`, r.FormValue("To"))
	}))
	t.Cleanup(twilio.Close)

	// The webhook receiver checks the signature over the raw body.
	var (
		hookMu     sync.Mutex
		hookBodies [][]byte
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte(hookSecret))
		mac.Write(body)
		if r.URL.Path != "/hooks/"+hookPathKey || !hmac.Equal([]byte(r.Header.Get("X-Mauve-Signature")), []byte("sha256="+hex.EncodeToString(mac.Sum(nil)))) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		hookMu.Lock()
		hookBodies = append(hookBodies, body)
		hookMu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)

	script := filepath.Join(dir, "pager.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ncat > \"$0.stdin\"\necho \"$MAUVE_ALERT_ID $MAUVE_LEVEL $MAUVE_PERSON\" >> \"$0.runs\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}

	config := fmt.Sprintf(`
station {
  name = "station.test"
  url  = "http://mauve.test"
}
email {
  from   = "mauve@station.test"
  server = %q
  tls    = "none"
}
sms "twilio" {
  provider = "twilio"
  account  = %q
  token    = %q
  from     = "+441234567890"
  api_url  = %q
}
webhook "ops" {
  url     = %q
  format  = "json"
  secret  = %q
  timeout = "5s"
}
exec "pager" {
  command = [%q]
  timeout = "10s"
}
person "johnny" {
  email  = "johnny@example.com"
  sms    = "+15005550001"
  urgent = [sms.twilio, email]
  normal = [webhook.ops]
  low    = [exec.pager]
}
alert_group "core" {
  level    = urgent
  includes = source == "core"
  notify "johnny" {
    every = "1h"
  }
}
alert_group "web" {
  level    = normal
  includes = source == "web"
  notify "johnny" {
    every = "1h"
  }
}
alert_group "default" {
  level = low
  notify "johnny" {
    every = "1h"
  }
}
`, mail.addr, sid, token, twilio.URL, hook.URL+"/hooks/"+hookPathKey, hookSecret, script)
	cfgPath := filepath.Join(dir, "mauve.hcl")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	rs := startTestStation(t, &serveOptions{config: cfgPath})

	rs.send(t, wire.Update{Source: "core", Alerts: []wire.Alert{{ID: "link-down", Summary: "eth0 is down"}}})
	rs.send(t, wire.Update{Source: "web", Alerts: []wire.Alert{{ID: "http-500", Summary: "errors on /checkout"}}})
	rs.send(t, wire.Update{Source: "db1", Alerts: []wire.Alert{{ID: "var-full", Summary: "/var is 97% full"}}})

	t.Run("refused SMS falls back to email", func(t *testing.T) {
		waitUntil(t, "the email after the refused SMS", func() bool { return len(mail.messages()) > 0 })
		msgs := mail.messages()
		if len(msgs) != 1 || !strings.Contains(msgs[0], "link-down") || !strings.Contains(msgs[0], "johnny@example.com") {
			t.Errorf("mail = %q, want one message about link-down to johnny", msgs)
		}
		if n := smsTries.Load(); n != 1 {
			t.Errorf("SMS attempts = %d, want 1 (a 4xx is not retried)", n)
		}
		var history []string
		waitUntil(t, "the outcome in the history", func() bool {
			evs, err := rs.st.store.History(store.Key{Source: "core", ID: "link-down"})
			if err != nil {
				t.Fatal(err)
			}
			history = history[:0]
			for _, e := range evs {
				history = append(history, e.Text)
			}
			return strings.Contains(strings.Join(history, "\n"), "via email")
		})
		all := strings.Join(history, "\n")
		if !strings.Contains(all, "sms.twilio") || !strings.Contains(all, "21211") {
			t.Errorf("history does not say the SMS was refused and why:\n%s", all)
		}
		if strings.Contains(all, token) || strings.Contains(rs.log.String(), token) {
			t.Errorf("the Twilio token leaked into the history or the log")
		}
	})

	t.Run("normal alert goes to the signed webhook", func(t *testing.T) {
		waitUntil(t, "the webhook", func() bool {
			hookMu.Lock()
			defer hookMu.Unlock()
			return len(hookBodies) > 0
		})
		hookMu.Lock()
		body := hookBodies[0]
		n := len(hookBodies)
		hookMu.Unlock()
		var p struct {
			Version int    `json:"version"`
			Event   string `json:"event"`
			Level   string `json:"level"`
			Person  string `json:"person"`
			Alert   struct {
				Source, ID, Summary string
			} `json:"alert"`
			Station struct{ Name, URL string } `json:"station"`
			URL     string                     `json:"url"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("webhook body %s: %v", body, err)
		}
		if n != 1 || p.Version != 1 || p.Event != "raised" || p.Level != "normal" || p.Person != "johnny" ||
			p.Alert.Source != "web" || p.Alert.ID != "http-500" || p.Station.URL != "http://mauve.test" ||
			!strings.HasPrefix(p.URL, "http://mauve.test/") {
			t.Errorf("%d webhook calls, first %s; want one version-1 payload for web/http-500", n, body)
		}
	})

	t.Run("low alert runs the program", func(t *testing.T) {
		waitUntil(t, "the program's run", func() bool {
			b, _ := os.ReadFile(script + ".runs")
			return len(b) > 0
		})
		runs, _ := os.ReadFile(script + ".runs")
		if got, want := string(runs), "var-full low johnny\n"; got != want {
			t.Errorf("program runs = %q, want %q", got, want)
		}
		stdin, _ := os.ReadFile(script + ".stdin")
		var p struct {
			Version int `json:"version"`
			Alert   struct{ ID string }
		}
		if err := json.Unmarshal(stdin, &p); err != nil || p.Version != 1 || p.Alert.ID != "var-full" {
			t.Errorf("program stdin = %s (%v), want the version-1 payload for var-full", stdin, err)
		}
	})
}
