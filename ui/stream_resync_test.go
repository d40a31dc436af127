package ui

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// stalledStream is a ResponseWriter whose second write (the first change
// after the greeting) blocks until release is closed, so the stream falls
// behind while the store keeps committing.
type stalledStream struct {
	header  http.Header
	stalled chan struct{} // closed when the second write starts
	release chan struct{}

	mu     sync.Mutex
	writes int
	buf    bytes.Buffer
}

func (s *stalledStream) Header() http.Header { return s.header }
func (s *stalledStream) WriteHeader(int)     {}
func (s *stalledStream) Flush()              {}

func (s *stalledStream) Write(b []byte) (int, error) {
	s.mu.Lock()
	n := s.writes
	s.writes++
	s.mu.Unlock()
	if n == 1 {
		close(s.stalled)
		<-s.release
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(b)
}

func (s *stalledStream) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor polls until the stream holds want (bounded: a real goroutine
// writing, not a schedule).
func (s *stalledStream) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the stream never sent %q; it holds:\n%.2000s", want, s.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestStream_Resync: an event stream that falls behind while the store
// drops changes for it tells the client "event: resync" (instead of the
// stale queued changes), then carries on with live changes.
func TestStream_Resync(t *testing.T) {
	st := newPagesStation(t)
	session, err := st.store.CreateSession("johnny", time.Hour, st.Now())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/events", nil).WithContext(ctx)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	w := &stalledStream{header: http.Header{}, stalled: make(chan struct{}), release: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		st.srv.Handler().ServeHTTP(w, req)
	}()
	w.waitFor(t, ": mauve event stream")

	st.send("web1", wire.Alert{ID: "first", Summary: "first"})
	select {
	case <-w.stalled:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream never wrote the first change")
	}
	for b := range 3 { // 3,000 changes: far more than a stream's queue (streamSlots)
		batch := make([]wire.Alert, 1000)
		for i := range batch {
			batch[i] = wire.Alert{ID: fmt.Sprintf("burst-%d-%03d", b, i), Summary: "burst"}
		}
		st.send("web2", batch...)
	}
	close(w.release)
	w.waitFor(t, "event: resync\ndata: {}\n\n")
	st.send("web1", wire.Alert{ID: "after", Summary: "after the resync"})
	w.waitFor(t, `"id":"after"`)
	cancel()
	<-done

	out := w.String()
	if got := strings.Count(out, "event: resync"); got != 1 {
		t.Errorf("got %d resyncs, want 1", got)
	}
	if got := strings.Count(out, "event: change"); got != 2 {
		t.Errorf("got %d changes, want 2 (the first, then the one after the resync; the stale queue skipped)", got)
	}
	if i, j := strings.Index(out, "event: resync"), strings.Index(out, `"id":"after"`); i > j {
		t.Errorf("the resync came after the live change:\n%.2000s", out)
	}
	if got := st.srv.stats.resyncs.Load(); got != 1 {
		t.Errorf("got mauve_event_stream_resyncs_total %d, want 1", got)
	}
}

// TestStream_NotBehind: a stream whose queue is not full after a receive
// is not behind (shown with a 1,024 queue; streams hold streamSlots).
func TestStream_NotBehind(t *testing.T) {
	for _, tc := range []struct {
		queued int
		want   bool
	}{{0, false}, {10, false}, {1022, false}, {1023, true}, {1024, true}} {
		ch := make(chan store.Change, 1024)
		for range tc.queued {
			ch <- store.Change{}
		}
		if got := behind(ch); got != tc.want {
			t.Errorf("%d queued: got behind %v, want %v", tc.queued, got, tc.want)
		}
	}
}
