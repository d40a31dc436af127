package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// hookServer is a webhook receiver. With a secret it verifies the
// signature as a receiver should: HMAC-SHA256 over the raw body, compared
// in constant time, refusing with 401 when it does not match.
type hookServer struct {
	secret string
	status int // answer this instead of 204 when non-zero
	hang   chan struct{}

	mu       sync.Mutex
	requests []hookRequest
	arrived  chan struct{}
}

type hookRequest struct {
	Path        string
	ContentType string
	Body        []byte
}

func newHookServer(t *testing.T, secret string) (*hookServer, *httptest.Server) {
	h := &hookServer{secret: secret, hang: make(chan struct{})}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(h.hang) })
	return h, srv
}

func (h *hookServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.arrived != nil {
		h.arrived <- struct{}{}
	}
	if h.status == -1 {
		select {
		case <-r.Context().Done():
		case <-h.hang:
		}
		return
	}
	body, _ := io.ReadAll(r.Body)
	if h.secret != "" {
		mac := hmac.New(sha256.New, []byte(h.secret))
		mac.Write(body)
		want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		if !hmac.Equal([]byte(r.Header.Get(notify.SignatureHeader)), []byte(want)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
	}
	h.mu.Lock()
	h.requests = append(h.requests, hookRequest{Path: r.URL.RequestURI(), ContentType: r.Header.Get("Content-Type"), Body: body})
	h.mu.Unlock()
	if h.status != 0 {
		// Echo the path, as some servers do in their error pages.
		http.Error(w, "no such hook "+r.URL.Path, h.status)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookServer) got() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookRequest(nil), h.requests...)
}

func TestWebhookFormats(t *testing.T) {
	ack := chanAlert()
	ack.State = store.StateAcknowledged
	ack.AcknowledgedBy = "johnny"
	ack.AcknowledgedAt = chanT0
	ack.AcknowledgedUntil = chanT0.Add(2 * time.Hour)
	tests := []struct {
		format, path string
		event        store.EventKind
		alert        store.Alert
		note         string
		wantPath     string
	}{
		{"json", "/hooks/mauve", store.EventRaised, chanAlert(), "", "/hooks/mauve"},
		{"json", "/hooks/mauve", store.EventAcknowledged, ack, "further alerts suppressed until things calm down", "/hooks/mauve"},
		{"slack", "/hooks/T000/B000/XXXX", store.EventRaised, func() store.Alert { a := chanAlert(); a.Summary = "<b>&</b> down"; return a }(), "", "/hooks/T000/B000/XXXX"},
		{"slack", "/hooks/T000/B000/XXXX", store.EventAcknowledged, ack, "further alerts suppressed until things calm down", "/hooks/T000/B000/XXXX"},
		{"ntfy", "/mauve-alerts", store.EventRaised, chanAlert(), "", "/"},
		{"ntfy", "/ntfy/mauve-alerts?auth=abc", store.EventCleared, func() store.Alert {
			a := chanAlert()
			a.Level, a.State, a.ClearedAt = "low", store.StateCleared, chanT0
			return a
		}(), "", "/ntfy/?auth=abc"},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s-%s-%s", tt.format, tt.event, tt.alert.Level)
		if tt.note != "" {
			name += "-note"
		}
		t.Run(name, func(t *testing.T) {
			secret := "hook-secret-2718"
			h, srv := newHookServer(t, secret)
			cfg := &policy.Webhook{Name: "ops", URL: srv.URL + tt.path, Format: tt.format, Secret: secret}
			ch, err := notify.NewWebhook(cfg, "https://alerts1.example.com", srv.Client(), nil)
			if err != nil {
				t.Fatal(err)
			}
			m := chanMessage(t, "johnny", tt.event, tt.alert, tt.note)
			m.Notification.Level = tt.alert.Level
			if err := ch.Send(context.Background(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := h.got()
			if len(got) != 1 {
				t.Fatalf("server got %d requests, want 1", len(got))
			}
			if got[0].Path != tt.wantPath || got[0].ContentType != "application/json" {
				t.Errorf("request to %s as %s, want %s as application/json", got[0].Path, got[0].ContentType, tt.wantPath)
			}
			if !json.Valid(got[0].Body) {
				t.Errorf("body is not JSON: %s", got[0].Body)
			}
			checkGolden(t, filepath.Join("testdata", "webhook", name+".golden"), string(got[0].Body))
		})
	}
}

func TestWebhookPayloadIsVersioned(t *testing.T) {
	h, srv := newHookServer(t, "")
	ch, err := notify.NewWebhook(&policy.Webhook{Name: "ops", URL: srv.URL, Format: "json"}, "https://alerts1.example.com", srv.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(context.Background(), chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")); err != nil {
		t.Fatal(err)
	}
	var p notify.Payload
	if err := json.Unmarshal(h.got()[0].Body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Version != notify.PayloadVersion || p.Event != "raised" || p.Alert.ID != "link-eth0" ||
		p.Station.URL != "https://alerts1.example.com" || p.Station.Name != "alerts1.example.com" ||
		p.URL != "https://alerts1.example.com/alerts/core-router/link-eth0" {
		t.Errorf("payload = %+v, want version %d of the raised alert with station and link", p, notify.PayloadVersion)
	}
}

func TestWebhookRefusedSignature(t *testing.T) {
	// The receiver knows another secret: it refuses with 401, which is a
	// permanent failure (a retry is signed the same way).
	_, srv := newHookServer(t, "receiver-secret")
	ch, err := notify.NewWebhook(&policy.Webhook{Name: "ops", URL: srv.URL + "/h", Secret: "sender-secret-99"}, "", srv.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = ch.Send(context.Background(), chanMessage(t, "johnny", store.EventRaised, chanAlert(), ""))
	if !notify.IsPermanent(err) || !strings.Contains(err.Error(), "401") {
		t.Errorf("Send with the wrong secret = %v, want a permanent 401", err)
	}
	checkNoSecret(t, "error", err.Error(), "sender-secret-99")
}

func TestWebhookFailures(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		permanent bool
		want      string
	}{
		{"not found", 404, true, "HTTP 404"},
		{"bad request", 400, true, "HTTP 400"},
		{"gone", 410, true, "HTTP 410"},
		{"server error", 500, false, "HTTP 500"},
		{"bad gateway", 502, false, "HTTP 502"},
		{"rate limited", 429, false, "HTTP 429"},
		{"hangs past the timeout", -1, false, "no answer within the timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, srv := newHookServer(t, "")
			h.status = tt.status
			logs, logger := newLogBuffer()
			// The URL's path is the key, as with Slack's hooks.
			cfg := &policy.Webhook{Name: "ops", URL: srv.URL + "/hooks/T000/SECRETPATHKEY?token=QUERYKEY", Format: "slack", Timeout: 200 * time.Millisecond}
			ch, err := notify.NewWebhook(cfg, "", srv.Client(), logger)
			if err != nil {
				t.Fatal(err)
			}
			// No deadline here: only the webhook's own timeout can end a hang.
			err = ch.Send(context.Background(), chanMessage(t, "johnny", store.EventRaised, chanAlert(), ""))
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if got := notify.IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tt.permanent)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), strings.TrimPrefix(srv.URL, "http://")) {
				t.Errorf("error %q does not say %q and the host", err, tt.want)
			}
			checkNoSecret(t, "error", err.Error(), "SECRETPATHKEY", "QUERYKEY")
			checkNoSecret(t, "log", logs.String(), "SECRETPATHKEY", "QUERYKEY")
		})
	}
}

func TestNewWebhookRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  policy.Webhook
		want string
	}{
		{"relative url", policy.Webhook{Name: "x", URL: "/hooks/abc"}, "not an absolute"},
		{"unknown format", policy.Webhook{Name: "x", URL: "https://chat.example.com/h", Format: "teams"}, `unknown format "teams"`},
		{"ntfy without topic", policy.Webhook{Name: "x", URL: "https://ntfy.example.com/", Format: "ntfy"}, "names no topic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := notify.NewWebhook(&tt.cfg, "", nil, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewWebhook = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestSign(t *testing.T) {
	// RFC 4231 test case 2.
	got := notify.Sign([]byte("Jefe"), []byte("what do ya want for nothing?"))
	want := "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

// TestWebhookStormReusesConnections: 32 senders posting at once, as the
// worker's senders do in a storm, reuse their connections from one round
// of posts to the next: a channel built without a client keeps enough of
// them idle. The server holds every answer until all 32 posts of a round
// have arrived, so each round needs 32 connections at once whatever the
// machine's load; with Go's default of two idle a host, every round after
// the first opens 30 more (242 in all), where reuse opens 32 in all.
func TestWebhookStormReusesConnections(t *testing.T) {
	const senders, rounds = 32, 8
	var (
		mu      sync.Mutex
		opened  int
		arrived int
		round   = make(chan struct{})
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		all := round
		if arrived++; arrived == senders {
			close(round)
			round, arrived = make(chan struct{}), 0
		}
		mu.Unlock()
		select {
		case <-all:
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			opened++
			mu.Unlock()
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	ch, err := notify.NewWebhook(&policy.Webhook{Name: "ops", URL: srv.URL, Format: "json"}, "https://alerts1.example.com", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")
	for range rounds {
		var wg sync.WaitGroup
		for range senders {
			wg.Go(func() {
				if err := ch.Send(context.Background(), m); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	mu.Lock()
	defer mu.Unlock()
	// A connection whose request write is not seen done within 50 ms of
	// its answer is not reused (net/http's rule), so a loaded machine may
	// open a few more than 32; the bound leaves room for that.
	if opened > 2*senders {
		t.Errorf("connections opened for %d rounds of %d posts at once: %d, want at most %d", rounds, senders, opened, 2*senders)
	}
}
