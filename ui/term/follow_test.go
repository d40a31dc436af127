package term_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/ui/term"
)

// flakySource is a station whose stream drops: each Watch serves one
// change, then fails, until the script runs out.
type flakySource struct {
	mu      sync.Mutex
	watches int
	errs    []error       // what each Watch returns after its change
	loaded  chan struct{} // one value per list served
}

func (s *flakySource) Alerts(context.Context) ([]term.Alert, error) {
	defer func() { s.loaded <- struct{}{} }()
	return []term.Alert{{Source: "s", ID: "a", Level: "urgent", State: "raised", Summary: "down"}}, nil
}

func (s *flakySource) Watch(ctx context.Context, changed func()) error {
	s.mu.Lock()
	i := s.watches
	s.watches++
	s.mu.Unlock()
	if i >= len(s.errs) {
		<-ctx.Done()
		return ctx.Err()
	}
	changed()
	select { // the list is read before the stream drops
	case <-s.loaded:
	case <-ctx.Done():
	}
	return s.errs[i]
}

var errRefused = errors.New("401 refused")

func TestFollow_ReconnectsWithBackoffAndStopsOnFatal(t *testing.T) {
	src := &flakySource{errs: []error{errors.New("connection reset"), errors.New("connection reset"), errRefused}, loaded: make(chan struct{}, 8)}
	var (
		mu   sync.Mutex
		msgs []any
	)
	err := term.Follow(context.Background(), src, term.FollowOptions{
		MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond,
		Fatal: func(err error) bool { return errors.Is(err, errRefused) },
	}, func(m any) { mu.Lock(); msgs = append(msgs, m); mu.Unlock() })
	if !errors.Is(err, errRefused) {
		t.Fatalf("got %v, want the fatal error", err)
	}
	var lost []term.ConnMsg
	lists := 0
	for _, m := range msgs {
		switch m := m.(type) {
		case term.ConnMsg:
			if !m.Connected {
				lost = append(lost, m)
			}
		case term.AlertsMsg:
			lists++
		}
	}
	if len(lost) != 2 || lost[0].RetryIn != time.Millisecond || !strings.Contains(lost[0].Err.Error(), "connection reset") {
		t.Errorf("got disconnections %+v, want two with a 1ms first wait", lost)
	}
	if lists != 3 {
		t.Errorf("got %d lists, want one per connection (3)", lists)
	}
}

func TestStreamJSON_ShowsDisconnection(t *testing.T) {
	src := &flakySource{errs: []error{errors.New("connection reset"), errRefused}, loaded: make(chan struct{}, 8)}
	var out bytes.Buffer
	err := term.StreamJSON(context.Background(), &out, src, term.FollowOptions{
		MinBackoff: time.Millisecond, Fatal: func(err error) bool { return errors.Is(err, errRefused) },
	})
	if !errors.Is(err, errRefused) {
		t.Fatalf("got %v, want the fatal error", err)
	}
	var classes []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var st term.Status
		if err := json.Unmarshal([]byte(l), &st); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		classes = append(classes, st.Class+":"+st.Text)
	}
	want := []string{"urgent:mauve: 1 urgent", "disconnected:mauve: disconnected, retrying in 0s", "urgent:mauve: 1 urgent"}
	if strings.Join(classes, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", classes, want)
	}
}
