package ui_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
)

// TestServe_GracefulShutdown: cancelling Serve's context ends open event
// streams and Serve returns nil.
func TestServe_GracefulShutdown(t *testing.T) {
	s := newStation(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- s.server.Serve(ctx, ln) }()

	c, err := ui.NewClient("http://"+ln.Addr().String(), s.token(t, "johnny"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	streamCtx, stopStream := context.WithTimeout(context.Background(), 20*time.Second)
	defer stopStream()
	var wg sync.WaitGroup
	streamErr := make(chan error, 1)
	wg.Go(func() { streamErr <- c.Events(streamCtx, false, func(store.Change) error { return nil }) })
	// Wait (bounded) until the stream is open, as /metrics counts it.
	for i := 0; ; i++ {
		r := s.do(t, "GET", "/metrics", "", noAuth)
		if strings.Contains(r.body, "mauve_event_streams 1") {
			break
		}
		if i > 200 {
			t.Fatalf("the event stream never opened: %s", r.body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve returned %v after cancel, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return within 10s of cancel")
	}
	wg.Wait()
	if err := <-streamErr; err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got stream end %v, want the stream cut by the shutdown", err)
	}
}

// metricsText is a MetricsWriter with fixed text.
type metricsText string

func (m metricsText) WriteMetrics(w io.Writer) { fmt.Fprint(w, string(m)) }

// TestMetrics_Writers: /metrics includes every Options.Metrics writer.
func TestMetrics_Writers(t *testing.T) {
	s := newStation(t)
	srv, err := ui.NewServer(ui.Options{Store: s.store, Policy: s.policy.Load,
		Metrics: []ui.MetricsWriter{metricsText("mauve_a_total 1\n"), metricsText("mauve_b_total 2\n")}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = srv.Serve(ctx, ln) })
	defer wg.Wait()
	defer cancel()
	s.http.URL = "http://" + ln.Addr().String()
	r := s.do(t, "GET", "/metrics", "", noAuth)
	wantStatus(t, r, 200)
	for _, want := range []string{"mauve_a_total 1\n", "mauve_b_total 2\n", "mauve_login_failures_total 0\n"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("got metrics %q, want %q in them", r.body, want)
		}
	}
	if _, err := ui.NewServer(ui.Options{Policy: s.policy.Load}); err == nil {
		t.Error("got a server without a store, want an error")
	}
}

// TestEvents_KeepAlive: an idle event stream sends comments.
func TestEvents_KeepAlive(t *testing.T) {
	s := newStation(t)
	srv, err := ui.NewServer(ui.Options{Store: s.store, Policy: s.policy.Load, KeepAlive: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(srv.Handler())
	defer web.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", web.URL+"/api/v1/events", nil)
	req.SetBasicAuth("johnny", testPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if got := resp.Header.Get("Content-Type"); got != "text/event-stream" {
		t.Errorf("got Content-Type %q, want text/event-stream", got)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if sc.Text() == ": keep-alive" {
			return
		}
	}
	t.Fatalf("the stream ended without a keep-alive: %v", sc.Err())
}
