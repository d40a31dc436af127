package ui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// pagesStation is a real ui.Server over a real store in t.TempDir(), with
// one configured person (johnny, password "mauve-pages") and a clock the
// test moves by hand.
type pagesStation struct {
	tb    testing.TB
	store *store.Store
	srv   *Server
	web   *httptest.Server
	pol   *policy.Policy

	mu  sync.Mutex
	now time.Time
}

const pagesPassword = "mauve-pages"

// pagesPolicy is the test station's configuration; %s is johnny's bcrypt
// hash. Core routers are urgent, disk-* checks low, the rest normal.
const pagesPolicy = `
station {
  name                = "test"
  timezone            = "Europe/London"
  max_acknowledgement = "188h" # classic's cap; 2d would stop a Friday evening acknowledgement on Sunday
}
person "johnny" {
  password = "%s"
  all      = [log]
}
alert_group "core" {
  level                = urgent
  includes             = source == "core-router"
  acknowledgement_time = "1h"
  notify "johnny" {
    every = "15m"
  }
}
alert_group "disks" {
  level    = low
  includes = glob("disk-*", id)
}
alert_group "default" {
  level = normal
}
`

func newPagesStation(tb testing.TB) *pagesStation {
	tb.Helper()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		tb.Fatal(err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pagesPassword), bcrypt.MinCost)
	if err != nil {
		tb.Fatal(err)
	}
	st := &pagesStation{tb: tb, now: time.Date(2026, 11, 25, 10, 0, 0, 0, london)}
	pol, diags := policy.Parse([]byte(fmt.Sprintf(pagesPolicy, hash)), "pages.hcl", func(string) string { return "" })
	if diags.HasErrors() {
		tb.Fatalf("test policy: %s", policy.FormatDiagnostics(diags))
	}
	st.pol = pol
	st.store, err = store.Open(filepath.Join(tb.TempDir(), "mauve.db"), store.Options{Decider: pol})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.store.Close() })
	st.srv, err = NewServer(Options{
		Store:  st.store,
		Policy: func() *policy.Policy { return st.pol },
		Now:    st.Now,
	})
	if err != nil {
		tb.Fatal(err)
	}
	st.web = httptest.NewServer(st.srv.Handler())
	tb.Cleanup(st.web.Close)
	return st
}

// Now is the station's clock.
func (st *pagesStation) Now() time.Time {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.now
}

func (st *pagesStation) advance(d time.Duration) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.now = st.now.Add(d)
}

// send applies one update from source to the store, as a datagram would.
func (st *pagesStation) send(source string, alerts ...wire.Alert) {
	st.tb.Helper()
	now := st.Now()
	for i := range alerts {
		if alerts[i].RaiseTime.IsZero() && alerts[i].ClearTime.IsZero() {
			alerts[i].RaiseTime = now
		}
	}
	err := st.store.Apply(context.Background(), []store.Received{{
		Update:     wire.Update{Source: source, Alerts: alerts},
		ReceivedAt: now,
	}})
	if err != nil {
		st.tb.Fatalf("apply update from %s: %v", source, err)
	}
}

// client returns an HTTP client that keeps cookies and does not follow
// redirects, so tests see every status.
func (st *pagesStation) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// login returns a client with johnny's session.
func (st *pagesStation) login() *http.Client {
	st.tb.Helper()
	c := st.client()
	res := st.post(c, "/login", url.Values{"username": {"johnny"}, "password": {pagesPassword}})
	if res.status != http.StatusSeeOther {
		st.tb.Fatalf("login: got status %d, want 303; body:\n%s", res.status, res.body)
	}
	return c
}

type pageResult struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (st *pagesStation) get(c *http.Client, path string) pageResult {
	st.tb.Helper()
	res, err := c.Get(st.web.URL + path)
	if err != nil {
		st.tb.Fatalf("GET %s: %v", path, err)
	}
	return readResult(st.tb, res)
}

func (st *pagesStation) post(c *http.Client, path string, form url.Values) pageResult {
	st.tb.Helper()
	res, err := c.PostForm(st.web.URL+path, form)
	if err != nil {
		st.tb.Fatalf("POST %s: %v", path, err)
	}
	return readResult(st.tb, res)
}

func readResult(tb testing.TB, res *http.Response) pageResult {
	tb.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return pageResult{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}
