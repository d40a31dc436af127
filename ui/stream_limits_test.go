package ui

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// openStream opens GET /api/v1/events with a session and reads up to the
// greeting; it returns the response, whose body the caller leaves unread
// (a stalled reader) or closes.
func openStream(t *testing.T, st *pagesStation, c *http.Client, session string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, st.web.URL+"/api/v1/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		return resp
	}
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || !strings.Contains(line, "mauve event stream") {
		t.Fatalf("stream greeting: %q, %v", line, err)
	}
	return resp
}

// TestStream_BoundedBytes: 100 event streams that stop reading, then a
// burst of 3,000 changes: each stream holds at most a small number of
// bytes (the store's queue used to hold 1,024 full changes, about 1 MB a
// stream, which with thousands of streams OOM-killed the station).
func TestStream_BoundedBytes(t *testing.T) {
	const streams = 100
	const perStream = 256 << 10 // the buffer bound plus both ends' connection buffers, with room
	st := newPagesStation(t)
	st.srv.streamCap = newStreamLimit(1000, 1000)
	session, err := st.store.CreateSession("johnny", time.Hour, st.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: streams}}
	defer c.CloseIdleConnections()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range streams {
		if resp := openStream(t, st, c, session); resp.StatusCode != http.StatusOK {
			t.Fatalf("stream refused: %s", resp.Status)
		}
	}
	for b := range 3 {
		batch := make([]wire.Alert, 1000)
		for i := range batch {
			batch[i] = wire.Alert{ID: fmt.Sprintf("burst-%d-%03d", b, i), Summary: "burst"}
		}
		st.send("web", batch...)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap grew %d KiB for %d streams (%d KiB each; buffer bound %d KiB, %d changes)",
		grew>>10, streams, grew/streams>>10, streamBufferBytes>>10, streamSlots)
	if grew > streams*perStream {
		t.Errorf("heap grew %d KiB for %d stalled streams: more than %d KiB a stream", grew>>10, streams, perStream>>10)
	}
	if streamSlots*int(sizeofChange) > streamBufferBytes || streamSlots < 8 {
		t.Errorf("a stream queues %d changes: not within %d bytes, or too few to be useful", streamSlots, streamBufferBytes)
	}
}

// TestStream_PerPersonCap: a person's 17th stream is refused with 429 and
// a message saying why; closing one lets the next in. Another person is
// not affected.
func TestStream_PerPersonCap(t *testing.T) {
	st := newPagesStation(t)
	session, err := st.store.CreateSession("johnny", time.Hour, st.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: &http.Transport{}}
	defer c.CloseIdleConnections()
	var open []*http.Response
	for range defaultMaxStreamsPerPerson {
		resp := openStream(t, st, c, session)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("stream %d refused: %s", len(open)+1, resp.Status)
		}
		open = append(open, resp)
	}
	resp := openStream(t, st, c, session)
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "event streams open") {
		t.Fatalf("stream %d: got %s %q, want 429 naming the limit", defaultMaxStreamsPerPerson+1, resp.Status, body)
	}
	open[0].Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := openStream(t, st, c, session)
		if resp.StatusCode == http.StatusOK {
			break
		}
		readAll(t, resp)
		if time.Now().After(deadline) {
			t.Fatalf("closing a stream never freed its place: %s", resp.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestStream_TotalCap: the station refuses a stream beyond its total with
// 503 whoever asks, and a person's cap with 429.
func TestStream_TotalCap(t *testing.T) {
	l := newStreamLimit(3, 2)
	var releases []func()
	for _, p := range []string{"a", "a", "b"} {
		rel, err := l.take(p)
		if err != nil {
			t.Fatalf("take for %s: %v", p, err)
		}
		releases = append(releases, rel)
	}
	if _, err := l.take("a"); err == nil {
		t.Fatal("a third stream for a: no error")
	} else if status, _ := statusOf(err); status != http.StatusTooManyRequests {
		t.Errorf("a third stream for a: status %d (%v), want 429", status, err)
	}
	if _, err := l.take("c"); err == nil {
		t.Fatal("a fourth stream in all: no error")
	} else if status, _ := statusOf(err); status != http.StatusServiceUnavailable || !strings.Contains(err.Error(), "3 event streams") {
		t.Errorf("a fourth stream in all: status %d (%v), want 503 naming the limit", status, err)
	}
	releases[0]()
	releases[0]() // twice is once
	if _, err := l.take("c"); err != nil {
		t.Errorf("after a release: %v", err)
	}
	if _, err := l.take("c"); err == nil {
		t.Error("a second release freed a second place")
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	var b strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() { <-ctx.Done(); resp.Body.Close() }()
	_, _ = bufio.NewReader(resp.Body).WriteTo(&b)
	return b.String()
}
