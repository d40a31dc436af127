package ui_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestCompression: pages, JSON and static files are gzipped for clients
// that accept it, with Vary: Accept-Encoding; small bodies, clients that
// do not accept gzip and the event stream are not.
func TestCompression(t *testing.T) {
	s := newStation(t)
	for i := range 40 {
		s.raise(t, "web1", fmt.Sprintf("disk-%02d", i), fmt.Sprintf("disk /var%d is 95%% full", i), "")
	}
	a := basic("johnny", testPassword)
	for _, tc := range []struct {
		name, path, accept string
		want               string // Content-Encoding
		contentType        string
	}{
		{"page", "/", "gzip, deflate, br", "gzip", "text/html"},
		{"page, no gzip", "/", "identity", "", "text/html"},
		{"page, gzip refused", "/", "gzip;q=0, br", "", "text/html"},
		{"json list", "/api/v1/alerts", "gzip", "gzip", "application/json"},
		{"json small", "/api/v1/me", "gzip", "", "application/json"},
		{"script", "/static/mauve.js", "gzip", "gzip", "text/javascript"},
		{"stylesheet", "/static/mauve.css", "br;q=1, gzip;q=0.5", "gzip", "text/css"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest("GET", s.http.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			a(req)
			if tc.accept != "" {
				req.Header.Set("Accept-Encoding", tc.accept) // set by hand: the client does not decompress
			}
			r := s.send(t, req)
			wantStatus(t, r, 200)
			if got := r.header.Get("Content-Encoding"); got != tc.want {
				t.Errorf("got Content-Encoding %q, want %q", got, tc.want)
			}
			if got := r.header.Get("Vary"); !strings.Contains(got, "Accept-Encoding") {
				t.Errorf("got Vary %q, want Accept-Encoding", got)
			}
			if got := r.header.Get("Content-Type"); !strings.HasPrefix(got, tc.contentType) {
				t.Errorf("got Content-Type %q, want %s", got, tc.contentType)
			}
			body := r.body
			if tc.want == "gzip" {
				zr, err := gzip.NewReader(strings.NewReader(r.body))
				if err != nil {
					t.Fatalf("body is not gzip: %v", err)
				}
				b, err := io.ReadAll(zr)
				if err != nil {
					t.Fatalf("body is not whole gzip: %v", err)
				}
				if len(b) <= len(r.body) {
					t.Errorf("got %d bytes gzipped from %d, want fewer", len(r.body), len(b))
				}
				body = string(b)
			}
			if tc.contentType == "text/html" && !strings.Contains(body, "disk /var39 is 95% full") {
				t.Errorf("page does not list the alerts:\n%.400s", body)
			}
		})
	}

	t.Run("event stream", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, "GET", s.http.URL+"/api/v1/events", nil)
		if err != nil {
			t.Fatal(err)
		}
		a(req)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if got := resp.Header.Get("Content-Encoding"); got != "" {
			t.Errorf("got Content-Encoding %q on the event stream, want none", got)
		}
		line, err := bufio.NewReader(resp.Body).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, ": mauve event stream") {
			t.Errorf("got first line %q (%v), want the stream's greeting, flushed", line, err)
		}
	})
}

// TestCompression_ETag: a gzipped static file has its own entity tag and
// revalidates to 304.
func TestCompression_ETag(t *testing.T) {
	s := newStation(t)
	first := s.do(t, "GET", "/static/mauve.js", "", noAuth, "Accept-Encoding", "gzip")
	wantStatus(t, first, 200)
	etag := first.header.Get("ETag")
	if !strings.HasSuffix(etag, `-gzip"`) {
		t.Fatalf("got ETag %q on the gzipped script, want one marked -gzip", etag)
	}
	again := s.do(t, "GET", "/static/mauve.js", "", noAuth, "Accept-Encoding", "gzip", "If-None-Match", etag)
	wantStatus(t, again, http.StatusNotModified)
	if got := again.header.Get("ETag"); got != etag {
		t.Errorf("got ETag %q on the 304, want %q", got, etag)
	}
	plain := s.do(t, "GET", "/static/mauve.js", "", noAuth, "Accept-Encoding", "identity", "If-None-Match", etag)
	wantStatus(t, plain, 200)
	plainTag := plain.header.Get("ETag")
	if plainTag == etag || plainTag == "" {
		t.Fatalf("got ETag %q on the plain script, want one that is not the gzipped %q", plainTag, etag)
	}
	plainAgain := s.do(t, "GET", "/static/mauve.js", "", noAuth, "Accept-Encoding", "identity", "If-None-Match", plainTag)
	wantStatus(t, plainAgain, http.StatusNotModified)
}
