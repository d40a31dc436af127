package ui

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestConnLimit_HealthzAnswersAtTheCap: a real listener whose cap is
// filled with idle keep-alive connections still answers /healthz on a new
// connection, refuses other requests with 503 and a reason, and serves
// normally again once a place frees.
func TestConnLimit_HealthzAnswersAtTheCap(t *testing.T) {
	const max = 8
	st := newPagesStation(t)
	st.srv.maxConns = max
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := st.srv.limitListener(ln)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.srv.serve(ctx, l, st.srv.web, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	addr := ln.Addr().String()

	// get sends one request on c and reads the answer, leaving c open.
	get := func(c net.Conn, path string) (*http.Response, string) {
		t.Helper()
		_ = c.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: "+addr+"\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(body)
	}
	dial := func() net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	var idle []net.Conn
	for range max {
		c := dial()
		if resp, _ := get(c, "/healthz"); resp.StatusCode != http.StatusOK {
			t.Fatalf("filling the cap: /healthz got %s", resp.Status)
		}
		idle = append(idle, c) // kept alive, idle
	}
	if got := l.open.Load(); got != max {
		t.Fatalf("%d connections counted, want %d", got, max)
	}

	for range 3 {
		resp, body := get(dial(), "/healthz")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"ok"`) {
			t.Errorf("/healthz at the cap: got %s %q, want 200 ok", resp.Status, body)
		}
	}
	resp, body := get(dial(), "/api/v1/me")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "8 connections open") || resp.Header.Get("Retry-After") == "" {
		t.Errorf("another request at the cap: got %s %q, want 503 naming the limit, with Retry-After", resp.Status, body)
	}
	if got := st.srv.stats.connsRefused.Load(); got != 4 {
		t.Errorf("mauve_http_connections_refused_total %d, want 4", got)
	}

	idle[0].Close()
	deadline := time.Now().Add(10 * time.Second)
	for l.open.Load() >= max {
		if time.Now().After(deadline) {
			t.Fatal("closing an idle connection never freed its place")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if resp, body := get(dial(), "/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("after a place freed: got %s %q, want the API's 401", resp.Status, body)
	}
}
