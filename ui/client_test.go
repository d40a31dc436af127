package ui_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
)

// TestClient_Token drives every Client method against a real server over
// TCP with a token.
func TestClient_Token(t *testing.T) {
	s := newStation(t)
	s.raise(t, "core-router", "bgp", "BGP down", "")
	s.raise(t, "web1", "disk", "disk full", "")
	c, err := ui.NewClient(s.http.URL, s.token(t, "johnny"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bgp := store.Key{Source: "core-router", ID: "bgp"}

	list, err := c.List(ctx, store.Filter{State: store.StateRaised})
	if err != nil || len(list) != 2 {
		t.Fatalf("got %d alerts, %v, want 2", len(list), err)
	}
	a, err := c.Get(ctx, bgp)
	if err != nil || a.Summary != "BGP down" || !a.RaisedAt.Equal(wednesday10) {
		t.Fatalf("got %+v, %v, want BGP down raised at %v", a, err, wednesday10)
	}
	if a, err = c.Acknowledge(ctx, bgp, ui.AckOptions{For: "2h", Note: "on it"}); err != nil || a.State != store.StateAcknowledged {
		t.Fatalf("acknowledge: got %s, %v", a.State, err)
	}
	if a, err = c.Unacknowledge(ctx, bgp, ""); err != nil || a.State != store.StateRaised {
		t.Fatalf("unacknowledge: got %s, %v", a.State, err)
	}
	if a, err = c.AddNote(ctx, bgp, "looking"); err != nil {
		t.Fatalf("note: %v", err)
	}
	if a, err = c.Clear(ctx, bgp, "fixed"); err != nil || a.State != store.StateCleared {
		t.Fatalf("clear: got %s, %v", a.State, err)
	}
	if _, err = c.Acknowledge(ctx, bgp, ui.AckOptions{For: "1h"}); !errors.Is(err, store.ErrCleared) {
		t.Errorf("acknowledge cleared: got %v, want store.ErrCleared", err)
	}
	if a, err = c.Raise(ctx, bgp, "again"); err != nil || a.State != store.StateRaised {
		t.Fatalf("raise: got %s, %v", a.State, err)
	}
	h, err := c.History(ctx, bgp)
	if err != nil || len(h) < 5 {
		t.Fatalf("history: got %d events, %v, want at least 5", len(h), err)
	}
	if _, err := c.Get(ctx, store.Key{Source: "no", ID: "pe"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("get unknown: got %v, want store.ErrNotFound", err)
	}

	bad, _ := ui.NewClient(s.http.URL, "wrong")
	var ue *ui.Error
	if _, err := bad.List(ctx, store.Filter{}); !errors.As(err, &ue) || ue.Status != http.StatusUnauthorized {
		t.Errorf("bad token: got %v, want a 401 *ui.Error", err)
	}
	if _, err := ui.NewClient("alerts1:1288", ""); err == nil {
		t.Error("got no error for a URL without scheme")
	}
}

// TestEvents: a change committed by anyone arrives on the event stream.
func TestEvents(t *testing.T) {
	s := newStation(t)
	s.raise(t, "core-router", "bgp", "BGP down", "")
	c, err := ui.NewClient(s.http.URL, s.token(t, "johnny"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got := make(chan store.Change, 16)
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = c.Events(ctx, false, func(ch store.Change) error { got <- ch; return nil })
	})
	defer wg.Wait()
	defer cancel()

	// The stream subscribes when the request arrives; keep acting until
	// the change shows up (bounded by ctx).
	for i := 0; ; i++ {
		id := fmt.Sprintf("disk%d", i)
		s.raise(t, "web1", id, "disk full", "")
		select {
		case ch := <-got:
			if ch.After.Source != "web1" || ch.Event != store.EventRaised {
				t.Fatalf("got change %s of %s/%s, want raised web1/...", ch.Event, ch.After.Source, ch.After.ID)
			}
			if _, err := c.Acknowledge(ctx, store.Key{Source: "core-router", ID: "bgp"}, ui.AckOptions{For: "2h"}); err != nil {
				t.Fatal(err)
			}
			for {
				select {
				case ch := <-got:
					if ch.Event == store.EventAcknowledged && ch.After.ID == "bgp" && ch.Actor == "johnny" {
						return
					}
				case <-ctx.Done():
					t.Fatal("the acknowledgement never arrived on the stream")
				}
			}
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("no change arrived on the stream")
		}
	}
}

// BenchmarkAPI_List10000: the JSON alert list with 10,000 raised alerts,
// server side (handler through the real store).
func BenchmarkAPI_List10000(b *testing.B) {
	s := newStation(b)
	const n = 10000
	for i := 0; i < n; i += 500 {
		var batch []store.Received
		for j := i; j < i+500; j++ {
			batch = append(batch, received(s, fmt.Sprintf("host%d", j%100), fmt.Sprintf("check%d", j)))
		}
		if err := s.store.Apply(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	h := s.server.Handler()
	req, _ := http.NewRequest("GET", "/api/v1/alerts?state=raised", nil)
	req.Header.Set("Authorization", "Bearer "+s.token(b, "johnny"))
	req.RemoteAddr = "127.0.0.1:1234"
	// The store's part alone, to tell it from the server's.
	b.Run("store.List", func(b *testing.B) {
		for b.Loop() {
			if as, err := s.store.List(store.Filter{State: store.StateRaised}); err != nil || len(as) != n {
				b.Fatalf("got %d alerts, %v", len(as), err)
			}
		}
	})
	b.Run("GET /api/v1/alerts", func(b *testing.B) {
		var size int
		for b.Loop() {
			w := &countingWriter{h: http.Header{}}
			h.ServeHTTP(w, req)
			if w.status != 200 {
				b.Fatalf("got status %d", w.status)
			}
			size = w.n
		}
		b.ReportMetric(float64(size), "bytes/response")
	})
}

type countingWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *countingWriter) Header() http.Header         { return w.h }
func (w *countingWriter) WriteHeader(code int)        { w.status = code }
func (w *countingWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// TestClient_EventsResync: an "event: resync" on the stream reaches fn as
// a Change with Event EventResync, between ordinary changes.
func TestClient_EventsResync(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, ": mauve event stream\n\n")
		fmt.Fprint(w, "event: resync\ndata: {}\n\n")
		fmt.Fprint(w, `event: change`+"\n"+`data: {"event":"raised","actor":"","time":"2026-11-25T10:00:00Z","alert":{"source":"web1","id":"disk","state":"raised"}}`+"\n\n")
	}))
	defer srv.Close()
	c, err := ui.NewClient(srv.URL, "tok")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = c.Events(context.Background(), false, func(ch store.Change) error {
		got = append(got, string(ch.Event)+" "+ch.After.Source+"/"+ch.After.ID)
		return nil
	})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("got %v at the end of the stream, want io.ErrUnexpectedEOF", err)
	}
	if want := []string{"resync /", "raised web1/disk"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
