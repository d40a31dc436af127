package notify_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

const hookBearer = "tk_e2e_ntfy_bearer_5a9c"

// The block's headers reach the receiver as configured, alongside the
// signature, and replace mauve's own User-Agent when they name it.
func TestWebhookHeadersReachReceiver(t *testing.T) {
	got := make(chan http.Header, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	cfg := &policy.Webhook{Name: "ntfy", URL: srv.URL + "/alerts", Format: "ntfy", Secret: "sign-me-1234",
		Headers: map[string]string{"Authorization": "Bearer " + hookBearer, "x-tags": "mauve,urgent", "User-Agent": "ops-bot"}}
	ch, err := notify.NewWebhook(cfg, "", srv.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(context.Background(), chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")); err != nil {
		t.Fatal(err)
	}
	h := <-got
	for _, tt := range []struct{ name, want string }{
		{"Authorization", "Bearer " + hookBearer},
		{"X-Tags", "mauve,urgent"},
		{"User-Agent", "ops-bot"},
		{"Content-Type", "application/json"},
	} {
		if v := h.Get(tt.name); v != tt.want {
			t.Errorf("receiver got %s = %q, want %q", tt.name, v, tt.want)
		}
	}
	if !strings.HasPrefix(h.Get(notify.SignatureHeader), "sha256=") {
		t.Errorf("receiver got %s = %q, want a signature", notify.SignatureHeader, h.Get(notify.SignatureHeader))
	}
}

// A receiver that refuses the token and echoes it back, and one that
// hangs: neither the errors (which the worker writes into the history) nor
// the log show the header's value or the token within it.
func TestWebhookHeaderValuesStaySecret(t *testing.T) {
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		permanent bool
	}{
		{"refused and echoed", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "token "+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")+" is not valid; you sent "+r.Header.Get("Authorization"), http.StatusForbidden)
		}, true},
		{"server error echoed", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "upstream refused "+r.Header.Get("Authorization"), http.StatusBadGateway)
		}, false},
		{"hangs", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			handler, hang := tt.handler, make(chan struct{})
			if handler == nil {
				handler = func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-r.Context().Done():
					case <-hang:
					}
				}
			}
			srv := httptest.NewServer(handler)
			t.Cleanup(srv.Close)
			t.Cleanup(func() { close(hang) }) // before srv.Close, which waits for handlers
			logs, logger := newLogBuffer()
			cfg := &policy.Webhook{Name: "ntfy", URL: srv.URL + "/alerts", Timeout: 200 * time.Millisecond,
				Headers: map[string]string{"Authorization": "Bearer " + hookBearer}}
			ch, err := notify.NewWebhook(cfg, "", srv.Client(), logger)
			if err != nil {
				t.Fatal(err)
			}
			err = ch.Send(context.Background(), chanMessage(t, "johnny", store.EventRaised, chanAlert(), ""))
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if got := notify.IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tt.permanent)
			}
			checkNoSecret(t, "error", err.Error(), hookBearer)
			checkNoSecret(t, "log", logs.String(), hookBearer)
		})
	}
}

func TestNewWebhookRejectsReservedHeaders(t *testing.T) {
	for _, name := range []string{notify.SignatureHeader, "host", "Content-Length"} {
		cfg := &policy.Webhook{Name: "x", URL: "https://chat.example.com/h", Headers: map[string]string{name: "v"}}
		if _, err := notify.NewWebhook(cfg, "", nil, nil); err == nil || !strings.Contains(err.Error(), "set by mauve itself") {
			t.Errorf("NewWebhook with header %s = %v, want an error saying mauve sets it", name, err)
		}
	}
}
