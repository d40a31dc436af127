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
	"regexp"
	"strings"
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
  max_acknowledgement = "2d"
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

func TestPages_LoginRequired(t *testing.T) {
	st := newPagesStation(t)
	c := st.client()
	for _, path := range []string{"/", "/alerts/a/b", "/history", "/fragments/alerts"} {
		res := st.get(c, path)
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/login?next=") {
			t.Errorf("GET %s without a session: got %d to %q, want 303 to /login?next=…", path, res.status, res.location)
		}
	}
	res := st.get(c, "/login?next=/history")
	if res.status != http.StatusOK {
		t.Fatalf("GET /login: got %d, want 200", res.status)
	}
	for _, want := range []string{`action="/login"`, `name="username"`, `name="password"`, `for="username"`, `value="/history"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("login form lacks %s", want)
		}
	}
}

func TestPages_LoginFailure(t *testing.T) {
	st := newPagesStation(t)
	tests := []struct {
		name       string
		form       url.Values
		wantStatus int
		wantText   string
	}{
		{"wrong password", url.Values{"username": {"johnny"}, "password": {"nope"}}, http.StatusUnauthorized, ""},
		{"missing password", url.Values{"username": {"johnny"}}, http.StatusBadRequest, "enter your name and password"},
		{"hostile name", url.Values{"username": {`<script>alert(1)</script>`}, "password": {"x"}}, http.StatusUnauthorized, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := st.post(st.client(), "/login", tt.form)
			if res.status != tt.wantStatus {
				t.Errorf("got status %d, want %d", res.status, tt.wantStatus)
			}
			if !strings.Contains(res.body, `data-testid="error"`) || !strings.Contains(res.body, tt.wantText) {
				t.Errorf("got body without the inline error %q:\n%s", tt.wantText, res.body)
			}
			if strings.Contains(res.body, "<script>alert(1)") {
				t.Errorf("the typed name came back as markup:\n%s", res.body)
			}
		})
	}
}

// hostile is a datagram's worth of markup that must never run.
const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>`

func TestPages_AlertList(t *testing.T) {
	st := newPagesStation(t)
	st.send("core-router", wire.Alert{ID: "bgp", Subject: "core1", Summary: "BGP session down"})
	st.send("web1", wire.Alert{ID: "disk", Subject: "web1", Summary: "disk 95% full"},
		wire.Alert{ID: "xss", Subject: hostile, Summary: hostile, Detail: hostile})
	st.send("web2", wire.Alert{ID: "old", Summary: "was broken", ClearTime: st.Now()})
	st.advance(12 * time.Minute)
	c := st.login()

	tests := []struct {
		name, query   string
		want, wantNot []string
	}{
		{"default shows raised", "/", []string{"BGP session down", "disk 95% full", "core1", "12m", `data-testid="level-urgent"`, `data-testid="level-normal"`}, []string{"was broken"}},
		{"level filter", "/?level=urgent", []string{"BGP session down"}, []string{"disk 95% full"}},
		{"search", "/?q=bgp", []string{"BGP session down"}, []string{"disk 95% full"}},
		{"search is case-insensitive on subject", "/?q=WEB1", []string{"disk 95% full"}, []string{"BGP session down"}},
		{"source filter", "/?source=web1", []string{"disk 95% full"}, []string{"BGP session down"}},
		{"cleared", "/?state=cleared", []string{"was broken"}, []string{"BGP session down"}},
		{"all", "/?state=all", []string{"was broken", "BGP session down"}, nil},
		{"nothing", "/?q=no-such-thing", []string{`data-testid="empty"`}, []string{`data-testid="alert"`}},
		{"fragment", "/fragments/alerts?q=bgp", []string{"BGP session down", `id="alerts"`}, []string{"<html", "disk 95% full"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := st.get(c, tt.query)
			if res.status != http.StatusOK {
				t.Fatalf("got %d, want 200:\n%s", res.status, res.body)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("got a page without %q", w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(res.body, w) {
					t.Errorf("got a page with %q", w)
				}
			}
			assertNoMarkupFrom(t, res.body)
		})
	}
}

// assertNoMarkupFrom checks a page carries no executable markup: no inline
// script, no event handler attribute, no style attribute (CSP), and the
// hostile strings only escaped.
func assertNoMarkupFrom(t *testing.T, body string) {
	t.Helper()
	checks := []struct {
		re   *regexp.Regexp
		what string
	}{
		{regexp.MustCompile(`(?i)<script(\s[^>]*)?>`), "a script tag"},
		{regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`), "an event handler attribute"},
		{regexp.MustCompile(`(?i)<[a-z][^>]*\sstyle\s*=`), "a style attribute"},
	}
	for _, c := range checks {
		for _, m := range c.re.FindAllString(body, -1) {
			if c.what == "a script tag" && strings.Contains(m, `src="/static/mauve.js"`) {
				continue
			}
			t.Errorf("page has %s: %s", c.what, m)
		}
	}
}

func TestPages_AlertPage(t *testing.T) {
	st := newPagesStation(t)
	st.send("web1", wire.Alert{ID: "xss/1", Subject: hostile, Summary: hostile,
		Detail: `<p>load <b>high</b></p>` + hostile + `<a href="javascript:alert(3)">x</a>`})
	c := st.login()
	res := st.get(c, "/alerts/web1/xss%2F1")
	if res.status != http.StatusOK {
		t.Fatalf("got %d, want 200:\n%s", res.status, res.body)
	}
	for _, want := range []string{"<b>high</b>", `data-testid="history"`, `action="/alerts/web1/xss%2F1/acknowledge"`,
		`name="for"`, `name="mode"`, `value="working"`, `name="until"`, `data-testid="clear"`, "Add note", "raised"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("alert page lacks %s", want)
		}
	}
	if strings.Contains(res.body, "javascript:") {
		t.Errorf("alert page keeps a javascript: link")
	}
	assertNoMarkupFrom(t, res.body)

	frag := st.get(c, "/alerts/web1/xss%2F1?fragment=1")
	if frag.status != http.StatusOK || strings.Contains(frag.body, "<html") || !strings.Contains(frag.body, `id="live-history"`) {
		t.Errorf("fragment: got %d, want 200 with the page body alone:\n%s", frag.status, frag.body)
	}

	missing := st.get(c, "/alerts/web1/nope")
	if missing.status != http.StatusNotFound || !strings.Contains(missing.body, "no alert web1/nope") {
		t.Errorf("unknown alert: got %d, want 404 saying no alert web1/nope:\n%s", missing.status, missing.body)
	}
}

func TestPages_Acknowledge(t *testing.T) {
	st := newPagesStation(t)
	st.send("core-router", wire.Alert{ID: "bgp", Summary: "BGP session down"})
	c := st.login()
	res := st.post(c, "/alerts/core-router/bgp/acknowledge", url.Values{"for": {"2"}, "mode": {"wallclock"}, "note": {"on it"}})
	if res.status != http.StatusSeeOther || res.location != "/alerts/core-router/bgp" {
		t.Fatalf("got %d to %q, want 303 to the alert page:\n%s", res.status, res.location, res.body)
	}
	a, err := st.store.Get(store.Key{Source: "core-router", ID: "bgp"})
	if err != nil {
		t.Fatal(err)
	}
	if a.State != store.StateAcknowledged || a.AcknowledgedBy != "johnny" || !a.AcknowledgedUntil.Equal(st.Now().Add(2*time.Hour)) {
		t.Errorf("got %s by %q until %s, want acknowledged by johnny until %s", a.State, a.AcknowledgedBy, a.AcknowledgedUntil, st.Now().Add(2*time.Hour))
	}
	page := st.get(c, "/alerts/core-router/bgp")
	for _, want := range []string{"acknowledged", "by johnny until 12:00", "on it", `data-testid="unacknowledge"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("alert page after acknowledging lacks %q", want)
		}
	}

	// Then the rest of the actions, each landing in the store.
	steps := []struct {
		action string
		form   url.Values
		check  func(store.Alert) bool
	}{
		{"unacknowledge", nil, func(a store.Alert) bool { return a.State == store.StateRaised }},
		{"suppress", url.Values{"until": {"2026-11-25T18:30"}}, func(a store.Alert) bool {
			return a.SuppressUntil.Equal(time.Date(2026, 11, 25, 18, 30, 0, 0, st.pol.Station.Location))
		}},
		{"unsuppress", nil, func(a store.Alert) bool { return a.SuppressUntil.IsZero() || !a.SuppressUntil.After(st.Now()) }},
		{"note", url.Values{"note": {"rebooted the router"}}, func(store.Alert) bool { return true }},
		{"clear", nil, func(a store.Alert) bool { return a.State == store.StateCleared }},
		{"raise", url.Values{"note": {"still broken"}}, func(a store.Alert) bool { return a.State == store.StateRaised }},
		{"acknowledge", url.Values{"until": {"2026-11-25T13:15"}}, func(a store.Alert) bool {
			return a.AcknowledgedUntil.Equal(time.Date(2026, 11, 25, 13, 15, 0, 0, st.pol.Station.Location))
		}},
	}
	for _, s := range steps {
		res := st.post(c, "/alerts/core-router/bgp/"+s.action, s.form)
		if res.status != http.StatusSeeOther {
			t.Fatalf("%s: got %d, want 303:\n%s", s.action, res.status, res.body)
		}
		a, err := st.store.Get(store.Key{Source: "core-router", ID: "bgp"})
		if err != nil {
			t.Fatal(err)
		}
		if !s.check(a) {
			t.Errorf("%s: got state %s, suppressed until %s, acknowledged until %s", s.action, a.State, a.SuppressUntil, a.AcknowledgedUntil)
		}
	}
	h, err := st.store.History(store.Key{Source: "core-router", ID: "bgp"})
	if err != nil {
		t.Fatal(err)
	}
	page = st.get(c, "/alerts/core-router/bgp")
	for _, e := range h {
		if e.Actor == "johnny" && !strings.Contains(page.body, string(e.Kind)) {
			t.Errorf("history on the page lacks %s", e.Kind)
		}
	}
	if !strings.Contains(page.body, "rebooted the router") {
		t.Errorf("the note is not on the page")
	}
}

// TestPages_ActionErrors: bad input is an inline message with a 4xx, never
// a 500, and nothing changes.
func TestPages_ActionErrors(t *testing.T) {
	st := newPagesStation(t)
	st.send("web1", wire.Alert{ID: "disk", Summary: "disk full"})
	st.send("web1", wire.Alert{ID: "gone", Summary: "was broken", ClearTime: st.Now()})
	c := st.login()
	tests := []struct {
		name       string
		path       string
		form       url.Values
		wantStatus int
		wantText   string
	}{
		{"unknown alert", "/alerts/web1/nope/acknowledge", url.Values{"for": {"2"}}, http.StatusNotFound, "no alert web1/nope"},
		{"cleared alert", "/alerts/web1/gone/acknowledge", url.Values{"for": {"2"}}, http.StatusConflict, "cleared"},
		{"bad duration", "/alerts/web1/disk/acknowledge", url.Values{"for": {"2x"}}, http.StatusBadRequest, "2x"},
		{"negative hours", "/alerts/web1/disk/acknowledge", url.Values{"for": {"-3"}}, http.StatusBadRequest, "-3"},
		{"bad mode", "/alerts/web1/disk/acknowledge", url.Values{"for": {"2"}, "mode": {"moon"}}, http.StatusBadRequest, "moon"},
		{"bad until", "/alerts/web1/disk/acknowledge", url.Values{"until": {"tomorrow-ish"}}, http.StatusBadRequest, "tomorrow-ish"},
		{"until in the past", "/alerts/web1/disk/acknowledge", url.Values{"until": {"2026-11-24T10:00"}}, http.StatusBadRequest, "not in the future"},
		{"empty note", "/alerts/web1/disk/note", url.Values{"note": {"  "}}, http.StatusBadRequest, "note"},
		{"suppress without a time", "/alerts/web1/disk/suppress", nil, http.StatusBadRequest, "Until"},
		{"unknown action", "/alerts/web1/disk/explode", nil, http.StatusBadRequest, "explode"},
		{"hostile note echo", "/alerts/web1/disk/acknowledge", url.Values{"for": {"2x"}, "note": {hostile}}, http.StatusBadRequest, "&lt;script&gt;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := st.post(c, tt.path, tt.form)
			if res.status != tt.wantStatus {
				t.Errorf("got status %d, want %d", res.status, tt.wantStatus)
			}
			if !strings.Contains(res.body, `data-testid="error"`) || !strings.Contains(res.body, tt.wantText) {
				t.Errorf("got a page without an inline error containing %q:\n%s", tt.wantText, res.body)
			}
			assertNoMarkupFrom(t, res.body)
		})
	}
	a, err := st.store.Get(store.Key{Source: "web1", ID: "disk"})
	if err != nil {
		t.Fatal(err)
	}
	if a.State != store.StateRaised {
		t.Errorf("after refused actions: got %s, want raised", a.State)
	}
}

func TestPages_Bulk(t *testing.T) {
	st := newPagesStation(t)
	st.send("web1", wire.Alert{ID: "disk", Summary: "disk full"}, wire.Alert{ID: "load", Summary: "load high"})
	st.send("web2", wire.Alert{ID: "gone", Summary: "was broken", ClearTime: st.Now()})
	c := st.login()

	res := st.post(c, "/alerts", url.Values{"action": {"acknowledge"}, "for": {"1.5"}, "note": {"both"},
		"k": {"web1/disk", "web1/load"}, "back": {"q=web"}})
	if res.status != http.StatusSeeOther || !strings.Contains(res.location, "done=2") || !strings.Contains(res.location, "q=web") {
		t.Fatalf("got %d to %q, want 303 back to the list with done=2:\n%s", res.status, res.location, res.body)
	}
	for _, id := range []string{"disk", "load"} {
		a, _ := st.store.Get(store.Key{Source: "web1", ID: id})
		if a.State != store.StateAcknowledged || !a.AcknowledgedUntil.Equal(st.Now().Add(90*time.Minute)) {
			t.Errorf("%s: got %s until %s, want acknowledged for 90m", id, a.State, a.AcknowledgedUntil)
		}
	}
	if page := st.get(c, res.location); !strings.Contains(page.body, "Acknowledged 2 alerts.") {
		t.Errorf("the list does not say what was done")
	}

	tests := []struct {
		name       string
		form       url.Values
		wantStatus int
		wantText   string
	}{
		{"nothing selected", url.Values{"action": {"clear"}}, http.StatusBadRequest, "select at least one alert"},
		{"no action", url.Values{"k": {"web1/disk"}}, http.StatusBadRequest, "choose an action"},
		{"one cleared", url.Values{"action": {"acknowledge"}, "for": {"2"}, "k": {"web1/disk", "web2/gone"}}, http.StatusOK, "web2/gone: cannot acknowledge"},
		{"all unknown", url.Values{"action": {"clear"}, "k": {"web9/x"}}, http.StatusNotFound, "no alert web9/x"},
		{"bad selection", url.Values{"action": {"clear"}, "k": {"junk"}}, http.StatusBadRequest, "junk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := st.post(c, "/alerts", tt.form)
			if res.status != tt.wantStatus {
				t.Errorf("got status %d, want %d", res.status, tt.wantStatus)
			}
			if !strings.Contains(res.body, tt.wantText) {
				t.Errorf("got a page without %q:\n%s", tt.wantText, res.body)
			}
		})
	}
}

func TestPages_History(t *testing.T) {
	st := newPagesStation(t)
	st.send("web1", wire.Alert{ID: "disk", Subject: "web1", Summary: "disk full"})
	st.advance(time.Hour)
	st.send("db1", wire.Alert{ID: "repl", Subject: "db1", Summary: "replication lag"})
	c := st.login()
	tests := []struct {
		name, query   string
		wantStatus    int
		want, wantNot []string
	}{
		{"everything", "/history", 200, []string{"web1/disk", "db1/repl"}, nil},
		{"by source", "/history?source=db1", 200, []string{"db1/repl"}, []string{"web1/disk"}},
		{"by subject", "/history?subject=web", 200, []string{"web1/disk"}, []string{"db1/repl"}},
		{"by time", "/history?from=2026-11-25T10:30", 200, []string{"db1/repl"}, []string{"web1/disk"}},
		{"bad time", "/history?from=yesterday", 400, []string{`data-testid="error"`, "yesterday"}, nil},
		{"backwards", "/history?from=2026-11-25T12:00&to=2026-11-25T09:00", 400, []string{"before"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := st.get(c, tt.query)
			if res.status != tt.wantStatus {
				t.Fatalf("got %d, want %d:\n%s", res.status, tt.wantStatus, res.body)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("got a page without %q", w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(res.body, w) {
					t.Errorf("got a page with %q", w)
				}
			}
		})
	}
}

func TestPages_Static(t *testing.T) {
	st := newPagesStation(t)
	c := st.client()
	for _, tt := range []struct{ path, ctype string }{
		{"/static/mauve.css", "text/css"},
		{"/static/mauve.js", "text/javascript"},
	} {
		res := st.get(c, tt.path)
		if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), tt.ctype) || res.header.Get("ETag") == "" {
			t.Errorf("GET %s: got %d %q etag %q, want 200 %s with an ETag", tt.path, res.status, res.header.Get("Content-Type"), res.header.Get("ETag"), tt.ctype)
			continue
		}
		req, _ := http.NewRequest("GET", st.web.URL+tt.path, nil)
		req.Header.Set("If-None-Match", res.header.Get("ETag"))
		r2, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s again: got %d, want 304", tt.path, r2.StatusCode)
		}
	}
	if res := st.get(c, "/static/nope.js"); res.status != 404 {
		t.Errorf("unknown asset: got %d, want 404", res.status)
	}
}

func TestHoursSpec(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{"2", "2h", ""},
		{" 1.5 ", "90m", ""},
		{"0.25", "15m", ""},
		{"90m", "90m", ""},
		{"1d", "1d", ""},
		{"0", "", "not a positive"},
		{"-1", "", "not a positive"},
		{"NaN", "", "not a positive"},
		{"1e9", "", "not a positive"},
	}
	for _, tt := range tests {
		got, err := hoursSpec(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("hoursSpec(%q): got %q, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("hoursSpec(%q): got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
