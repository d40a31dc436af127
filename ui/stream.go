package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"
	"unsafe"

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
//
// Each stream holds at most streamBufferBytes of changes waiting; a stream
// that falls further behind is resynced rather than buffered for. A person
// may hold MaxStreamsPerPerson streams and the station MaxStreams: beyond
// that the stream is refused (429 for the person, 503 for the station).
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	person := personFrom(r.Context())
	release, err := s.streamCap.take(person)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer release()
	rc := http.NewResponseController(w)
	changes, stop := s.store.SubscribeBuffer(streamSlots)
	defer stop()
	if r.URL.Query().Get("client") == "1" && s.presence != nil && liveClient(r) {
		leave := s.presence.Join(person)
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

// streamBufferBytes bounds what one event stream holds waiting to be
// written: the store's channel of changes, sized in changes of this many
// bytes. Their text is shared with every other stream of the commit.
// A burst larger than this resyncs the stream (one list fetch) instead.
const streamBufferBytes = 32 << 10

// streamSlots is how many changes fit in streamBufferBytes.
const streamSlots = streamBufferBytes / int(sizeofChange)

const sizeofChange = unsafe.Sizeof(store.Change{})

// Default caps on open event streams.
const (
	defaultMaxStreams          = 512
	defaultMaxStreamsPerPerson = 16
)

// streamLimit counts open event streams, per person and in all.
type streamLimit struct {
	maxTotal, maxPerPerson int

	mu        sync.Mutex
	total     int
	perPerson map[string]int
}

func newStreamLimit(maxTotal, maxPerPerson int) *streamLimit {
	if maxTotal <= 0 {
		maxTotal = defaultMaxStreams
	}
	if maxPerPerson <= 0 {
		maxPerPerson = defaultMaxStreamsPerPerson
	}
	return &streamLimit{maxTotal: maxTotal, maxPerPerson: maxPerPerson, perPerson: map[string]int{}}
}

// take reserves a stream for person, or says why not.
func (l *streamLimit) take(person string) (release func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perPerson[person] >= l.maxPerPerson {
		return nil, &apiError{http.StatusTooManyRequests, fmt.Sprintf("%q already has %d event streams open (the most a person may hold): close one first", person, l.maxPerPerson)}
	}
	if l.total >= l.maxTotal {
		return nil, &apiError{http.StatusServiceUnavailable, fmt.Sprintf("the station already serves %d event streams (its limit): try again later", l.maxTotal)}
	}
	l.total++
	l.perPerson[person]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.total--
			if l.perPerson[person]--; l.perPerson[person] <= 0 {
				delete(l.perPerson, person)
			}
		})
	}, nil
}

// liveClient reports whether a request to hold presence comes from the
// person's own client rather than a page elsewhere that made the browser
// send its credentials: the client authenticates with a credential a
// browser never adds by itself (a bearer token, the unix socket), or the
// browser says the request is same-origin. A session cookie, cached HTTP
// Basic and a proxy's trusted header (behind its own cookie) are all sent
// by the browser on a cross-site request too.
func liveClient(r *http.Request) bool {
	if p, ok := principalFrom(r.Context()); ok && (p.Via == "token" || p.Via == "socket") {
		return true
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin":
		return true
	case "":
		// An older browser: only an Origin naming this host will do.
		o := r.Header.Get("Origin")
		if o == "" {
			return false
		}
		u, err := url.Parse(o)
		return err == nil && u.Host == r.Host
	}
	return false
}
