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

// An sms block's timeout bounds each request: a provider that never
// answers fails the send (transiently, so the worker retries) once the
// block's timeout has passed, with no deadline from the caller.
func TestSMSTimeoutBoundsAHangingProvider(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-hang:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(hang) }) // before srv.Close, which waits for handlers
	tests := []struct {
		name string
		cfg  policy.SMS
	}{
		{"twilio", policy.SMS{Name: "twilio", Provider: "twilio", Account: "AC1", Token: "tok-sms-timeout", From: "+1555", APIURL: srv.URL}},
		{"http", policy.SMS{Name: "gateway", Provider: "http", URL: srv.URL + "/send", Token: "tok-sms-timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Timeout = 150 * time.Millisecond
			ch, err := notify.NewSMS(&tt.cfg, srv.Client(), nil)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				done <- ch.Send(context.Background(), chanMessage(t, "johnny", store.EventRaised, chanAlert(), ""))
			}()
			select {
			case err = <-done:
			case <-time.After(15 * time.Second):
				t.Fatal("Send still waiting after 15s; want it ended by the block's timeout")
			}
			if err == nil || notify.IsPermanent(err) || !strings.Contains(err.Error(), "no answer within the timeout (150ms)") {
				t.Errorf("Send to a hanging provider = %v, want a transient timeout after 150ms", err)
			}
			checkNoSecret(t, "error", err.Error(), "tok-sms-timeout")
		})
	}
}
