package commands

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// TestServe_WebhookHeaders runs a real station whose webhooks carry an
// Authorization header: the first receiver refuses the token and echoes it
// back, so the station falls back to the second, which sees the header.
// The token shows in neither the history nor the station's log.
func TestServe_WebhookHeaders(t *testing.T) {
	const token = "tk_serve_ntfy_token_8e21"
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "forbidden: "+r.Header.Get("Authorization"), http.StatusForbidden)
	}))
	t.Cleanup(down.Close)
	seen := make(chan string, 4)
	ntfy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header.Get("Authorization") + " " + r.Header.Get("X-Priority-Tag")
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(ntfy.Close)

	config := fmt.Sprintf(`
station {
  name = "station.test"
  url  = "http://mauve.test"
}
webhook "down" {
  url     = %q
  headers = { "Authorization" = "Bearer %s" }
}
webhook "ntfy" {
  url     = %q
  format  = "ntfy"
  headers = { "Authorization" = "Bearer %s", "X-Priority-Tag" = "pager" }
}
person "johnny" {
  urgent = [webhook.down, webhook.ntfy]
}
alert_group "core" {
  level = urgent
  notify "johnny" {
    every = "1h"
  }
}
`, down.URL+"/hook", token, ntfy.URL+"/alerts", token)
	cfgPath := filepath.Join(t.TempDir(), "mauve.hcl")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	rs := startTestStation(t, &serveOptions{config: cfgPath})
	rs.send(t, wire.Update{Source: "core", Alerts: []wire.Alert{{ID: "link-down", Summary: "eth0 is down"}}})

	var got string
	waitUntil(t, "the ntfy webhook", func() bool {
		select {
		case got = <-seen:
			return true
		default:
			return false
		}
	})
	if want := "Bearer " + token + " pager"; got != want {
		t.Errorf("ntfy receiver saw headers %q, want %q", got, want)
	}
	var history string
	waitUntil(t, "the fallback in the history", func() bool {
		evs, err := rs.st.store.History(store.Key{Source: "core", ID: "link-down"})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, e := range evs {
			b.WriteString(e.Text + "\n")
		}
		history = b.String()
		return strings.Contains(history, "via webhook.ntfy")
	})
	if !strings.Contains(history, "webhook.down") || !strings.Contains(history, "403") {
		t.Errorf("history does not say webhook.down refused (403):\n%s", history)
	}
	if strings.Contains(history, token) {
		t.Errorf("the webhook token leaked into the history:\n%s", history)
	}
	if strings.Contains(rs.log.String(), token) {
		t.Errorf("the webhook token leaked into the station's log")
	}
}
