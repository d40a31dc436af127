package ui_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
	"github.com/mauve-alert/mauve/wire"
)

// testPassword is every test person's password.
const testPassword = "correct horse"

// clock is a settable clock for the server and the store's callers.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// station is a ui.Server over a real store in t.TempDir(), served by an
// httptest server on loopback.
type station struct {
	t      *testing.T
	store  *store.Store
	server *ui.Server
	http   *httptest.Server
	clock  *clock
	policy atomic.Pointer[policy.Policy]
	txid   atomic.Uint64
}

// testPolicy has two people with passwords: johnny (whose unix_user is
// the user running the tests, for the socket) and archie.
func testPolicy(t testing.TB) *policy.Policy {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return &policy.Policy{
		Station: policy.Station{Name: "test", MaxAcknowledgement: 48 * time.Hour, Location: time.UTC},
		People: map[string]*policy.Person{
			"johnny": {Name: "johnny", Password: string(hash), UnixUser: me.Username},
			"archie": {Name: "archie", Password: string(hash), UnixUser: "archie-nobody"},
		},
	}
}

// wednesday10 is the tests' start time: a working day, 10:00 UTC.
var wednesday10 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func newStation(t testing.TB, mutate ...func(*policy.Policy)) *station {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "mauve.db"), store.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	s := &station{store: st, clock: &clock{t: wednesday10}}
	if tt, ok := t.(*testing.T); ok {
		s.t = tt
	}
	p := testPolicy(t)
	for _, m := range mutate {
		m(p)
	}
	s.policy.Store(p)
	logger := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := ui.NewServer(ui.Options{Store: st, Policy: s.policy.Load, Now: s.clock.Now, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	s.server = srv
	s.http = httptest.NewServer(srv.Handler())
	t.Cleanup(s.http.Close)
	return s
}

// testLog sends the server's log lines to the test's log.
type testLog struct{ t testing.TB }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// raise makes the store receive a datagram raising source/id now.
func (s *station) raise(t testing.TB, source, id, summary, detail string) {
	t.Helper()
	s.apply(t, source, wire.Alert{ID: id, RaiseTime: s.clock.Now(), Summary: summary, Detail: detail})
}

// clear makes the store receive a datagram clearing source/id now.
func (s *station) clear(t testing.TB, source, id string) {
	t.Helper()
	s.apply(t, source, wire.Alert{ID: id, ClearTime: s.clock.Now()})
}

func (s *station) apply(t testing.TB, source string, alerts ...wire.Alert) {
	t.Helper()
	now := s.clock.Now()
	err := s.store.Apply(context.Background(), []store.Received{{
		Update:     wire.Update{TransmissionID: s.txid.Add(1), Source: source, TransmissionTime: now, Alerts: alerts},
		ReceivedAt: now,
	}})
	if err != nil {
		t.Fatalf("apply update from %s: %v", source, err)
	}
}

// token makes an API token for person straight in the store.
func (s *station) token(t testing.TB, person string) string {
	t.Helper()
	tok, err := s.store.CreateToken(person, "test", s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// auth adds credentials to a request.
type auth func(*http.Request)

func bearer(tok string) auth {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func basic(name, password string) auth {
	return func(r *http.Request) { r.SetBasicAuth(name, password) }
}

func noAuth(*http.Request) {}

// response is a finished request.
type response struct {
	status int
	header http.Header
	body   string
}

// json decodes the body into a generic value.
func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

// do sends a request to the station without following redirects.
func (s *station) do(t testing.TB, method, path, body string, a auth, headers ...string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	a(req)
	return s.send(t, req)
}

// form posts a browser form.
func (s *station) form(t testing.TB, path string, v url.Values, a auth, headers ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.http.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	a(req)
	return s.send(t, req)
}

func (s *station) send(t testing.TB, req *http.Request) response {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// wantStatus fails unless r has status want.
func wantStatus(t testing.TB, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("got status %d, want %d; body %s", r.status, want, r.body)
	}
}

// received is a datagram raising source/id now, for batches.
func received(s *station, source, id string) store.Received {
	now := s.clock.Now()
	return store.Received{
		Update: wire.Update{TransmissionID: s.txid.Add(1), Source: source, TransmissionTime: now,
			Alerts: []wire.Alert{{ID: id, RaiseTime: now, Summary: "check " + id + " failed", Detail: "<p>output of " + id + "</p>"}}},
		ReceivedAt: now,
	}
}
