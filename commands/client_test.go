package commands

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
)

// While the client is connected a raised alert reaches it and no email is
// sent; once the client stops, the email goes out.
func TestClient_PresenceHoldsEmailUntilClientStops(t *testing.T) {
	s := startClientStation(t, 5*time.Minute)
	out, stop := startJSONClient(t, s)

	s.raise(t, "bgp")
	clientWaitFor(t, "the client to show the alert", func() bool { return strings.Contains(out.String(), `"id":"bgp"`) })
	clientWaitFor(t, "the worker to hold the email", func() bool { return s.held(t, "bgp") })
	if n := s.mail.count(); n != 0 {
		t.Fatalf("got %d emails while the client was connected, want 0", n)
	}

	stop()
	clientWaitFor(t, "the email after the client stopped", func() bool { return s.mail.count() == 1 })
}

// An urgent alert left unacknowledged on a connected client is emailed
// when the hold time passes: an empty desk never swallows an emergency.
func TestClient_UrgentUnacknowledgedPastHoldIsEmailed(t *testing.T) {
	s := startClientStation(t, 5*time.Minute)
	out, _ := startJSONClient(t, s)

	s.raise(t, "bgp")
	clientWaitFor(t, "the client to show the alert", func() bool { return strings.Contains(out.String(), `"id":"bgp"`) })
	clientWaitFor(t, "the worker to hold the email", func() bool { return s.held(t, "bgp") })
	s.clock.waitParked(t, clientT0.Add(5*time.Minute))
	s.clock.Advance(4 * time.Minute)
	if n := s.mail.count(); n != 0 {
		t.Fatalf("got %d emails before the hold time, want 0", n)
	}
	s.clock.Advance(time.Minute)
	clientWaitFor(t, "the email after the hold time", func() bool { return s.mail.count() == 1 })
	if !s.pres.IsPresent("johnny") {
		t.Error("the client is no longer present")
	}
}

// Acknowledged on the client within the hold time: no email at all, even
// after the client stops.
func TestClient_AcknowledgedOnClientIsNeverEmailed(t *testing.T) {
	s := startClientStation(t, 5*time.Minute)
	out, stop := startJSONClient(t, s)

	s.raise(t, "bgp")
	clientWaitFor(t, "the client to show the alert", func() bool { return strings.Contains(out.String(), `"id":"bgp"`) })
	clientWaitFor(t, "the worker to hold the email", func() bool { return s.held(t, "bgp") })
	c, err := ui.NewClient(s.url, s.token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Acknowledge(context.Background(), store.Key{Source: "core-router", ID: "bgp"}, ui.AckOptions{For: "1h", Note: "on it"}); err != nil {
		t.Fatal(err)
	}
	s.clock.waitParked(t, clientT0.Add(5*time.Minute))
	s.clock.Advance(5 * time.Minute)
	clientWaitFor(t, "the held row to be finished", func() bool {
		rows, err := s.store.DueNotifications(s.clock.Now().Add(24*time.Hour), 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Event == store.EventRaised {
				return false
			}
		}
		return true
	})
	stop()
	if n := s.mail.count(); n != 0 {
		t.Errorf("got %d emails for an alert acknowledged on the client, want 0", n)
	}
}

func TestClient_Once(t *testing.T) {
	s := startClientStation(t, 5*time.Minute)
	s.raise(t, "bgp")
	var out bytes.Buffer
	err := runClient(context.Background(), &clientOptions{server: s.url, token: s.token, once: true},
		clientIO{out: &out, getenv: func(string) string { return "" }, configDir: func() (string, error) { return t.TempDir(), nil }})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "urgent") || !strings.Contains(got, "core-router/bgp") || !strings.Contains(got, "BGP session down") {
		t.Errorf("got %q, want the raised alert", got)
	}
	if s.pres.IsPresent("johnny") {
		t.Error("--once counted as present")
	}
}

func TestClient_BadCredentialsAndServer(t *testing.T) {
	s := startClientStation(t, 5*time.Minute)
	env := func(k string) string { return "" }
	tests := []struct {
		name string
		o    clientOptions
		want string
	}{
		{"wrong token, once", clientOptions{server: s.url, token: "nope", once: true}, "refused the token"},
		{"wrong token, json", clientOptions{server: s.url, token: "nope", json: true, present: true}, "refused the token"},
		{"wrong token, interactive", clientOptions{server: s.url, token: "nope"}, "refused the token"},
		{"no token", clientOptions{server: s.url, once: true}, "no token for"},
		{"not a URL", clientOptions{server: "alerts1:1288", token: "x", once: true}, "--server"},
		{"nobody listening", clientOptions{server: "http://127.0.0.1:1", token: "x", once: true}, "connection refused"},
		{"no socket in config", clientOptions{config: "/nonexistent/mauve.hcl", once: true}, "no --server given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := runClient(ctx, &tt.o, clientIO{in: strings.NewReader(""), out: io.Discard, getenv: env, configDir: func() (string, error) { return t.TempDir(), nil }})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// A normal alert waits as long as the client stays, asked about again every
// hold period; those waits are not failed attempts, so they cannot use up
// the retries of the email that follows.
func TestClient_HoldingIsNoFailedAttempt(t *testing.T) {
	s := startClientStation(t, 5*time.Minute)
	_, stop := startJSONClient(t, s)
	s.raise(t, "quiet-disk")
	clientWaitFor(t, "the worker to hold the email", func() bool { return s.held(t, "quiet-disk") })
	for i := range 15 {
		s.clock.waitParked(t, s.clock.Now().Add(5*time.Minute))
		s.clock.Advance(5 * time.Minute)
		want := s.clock.Now().Add(5 * time.Minute)
		clientWaitFor(t, fmt.Sprintf("hold %d", i+2), func() bool {
			r, ok := s.row(t, "quiet-disk")
			return ok && r.NextAttempt.Equal(want)
		})
	}
	r, _ := s.row(t, "quiet-disk")
	if r.Attempts != 0 {
		t.Errorf("got %d attempts after 16 holds, want 0", r.Attempts)
	}
	if n := s.mail.count(); n != 0 {
		t.Fatalf("got %d emails while the client was connected, want 0", n)
	}
	stop()
	clientWaitFor(t, "the email after the client stopped", func() bool { return s.mail.count() == 1 })
}
