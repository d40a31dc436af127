package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// changeJSON is one change on the event stream.
type changeJSON struct {
	Event store.EventKind `json:"event"`
	Actor string          `json:"actor"`
	Time  time.Time       `json:"time"`
	Alert alertJSON       `json:"alert"`
}

// handleEvents: GET /api/v1/events streams every committed change as
// Server-Sent Events ("event: change", data one JSON object per line).
// When the stream fell behind and the store may have dropped changes for
// it, it sends "event: resync" instead: the client fetches the whole list
// again.
// With ?client=1 the person counts as present on a live client until the
// stream ends (see Presence).
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	changes, stop := s.store.Subscribe()
	defer stop()
	if r.URL.Query().Get("client") == "1" && s.presence != nil {
		leave := s.presence.Join(personFrom(r.Context()))
		defer leave()
	}
	s.stats.streams.Add(1)
	defer s.stats.streams.Add(-1)

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, ": mauve event stream\n\n"); err != nil {
		return
	}
	if err := rc.Flush(); err != nil {
		return
	}
	tick := time.NewTicker(s.keepAlive)
	defer tick.Stop()
	shutdown := streamsDone(r.Context())
	for {
		select {
		case <-r.Context().Done():
			return
		case <-shutdown:
			return
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		case c, ok := <-changes:
			if !ok {
				return
			}
			if behind(changes) {
				// The store may have dropped changes for this stream: skip
				// what is queued and have the client fetch the list again.
				skipQueued(changes)
				s.stats.resyncs.Add(1)
				if _, err := fmt.Fprint(w, "event: resync\ndata: {}\n\n"); err != nil {
					return
				}
				break
			}
			data, err := json.Marshal(changeJSON{Event: c.Event, Actor: c.Actor, Time: c.Now.UTC(), Alert: s.alertJSON(c.After)})
			if err != nil {
				s.log.Error("encode change", "err", err)
				continue
			}
			if _, err := fmt.Fprintf(w, "event: change\ndata: %s\n\n", data); err != nil {
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// behind reports whether a subscriber that just received from changes may
// have missed some. The store drops a change for a subscriber whose
// channel is full, and only this reader takes from it, so after a drop the
// channel stays full until the next receive, which then leaves it at least
// cap-1 long. A burst that filled it without a drop also counts: a
// needless resync costs a refetch, a missed one a stale screen.
func behind(changes <-chan store.Change) bool {
	return cap(changes) > 1 && len(changes) >= cap(changes)-1
}

// skipQueued empties changes without blocking.
func skipQueued(changes <-chan store.Change) {
	for range len(changes) {
		select {
		case <-changes:
		default:
			return
		}
	}
}
